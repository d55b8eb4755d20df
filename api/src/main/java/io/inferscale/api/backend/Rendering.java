package io.inferscale.api.backend;

import java.util.List;
import java.util.Objects;

/**
 * The native desired state of an endpoint on one backend, produced offline by {@link Backend#render}:
 * Kubernetes manifests as multi-document YAML, or cloud API requests as a JSON array in call order.
 *
 * @param backendId the backend
 * @param format    {@code yaml} or {@code json}
 * @param text      the rendered text, ready to print
 * @param notes     derived values and approximations the reader should know about
 */
public record Rendering(String backendId, String format, String text, List<Note> notes) {
    /** Rejects nulls and copies the notes. */
    public Rendering {
        Objects.requireNonNull(backendId, "backendId");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(text, "text");
        notes = List.copyOf(notes);
    }
}
