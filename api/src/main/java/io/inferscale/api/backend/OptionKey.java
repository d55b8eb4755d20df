package io.inferscale.api.backend;

import java.util.Objects;

/**
 * One per-endpoint option a backend reads from {@code spec.backends.<backend-id>.<name>}.
 *
 * @param name        the option name, e.g. {@code instanceType}
 * @param description what it sets, its unit and default
 */
public record OptionKey(String name, String description) {
    /** Rejects nulls. */
    public OptionKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
    }
}
