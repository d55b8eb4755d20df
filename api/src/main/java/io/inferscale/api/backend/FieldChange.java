package io.inferscale.api.backend;

import java.util.Objects;

/**
 * One field that differs between the live and the desired state.
 *
 * @param path   the field in the native object, e.g. {@code spec.maxReplicas}
 * @param before the live value as text, or {@code null} when absent
 * @param after  the desired value as text, or {@code null} when it will be removed
 */
public record FieldChange(String path, String before, String after) {
    /** Rejects a null path. */
    public FieldChange {
        Objects.requireNonNull(path, "path");
    }

    @Override
    public String toString() {
        return path + ": " + (before == null ? "(none)" : before) + " -> " + (after == null ? "(none)" : after);
    }
}
