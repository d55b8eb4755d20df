package io.inferscale.api.backend;

import io.inferscale.api.validation.ValidationReport;

import java.util.List;
import java.util.Objects;

/**
 * What a backend's translator returns for one endpoint (with that backend's {@code spec.backends.<id>} overrides
 * applied): the native desired state, the notes on how the neutral spec was translated, and the problems only this
 * backend finds (its own limits and rules). Pure: no I/O.
 *
 * @param desired  the native desired state; may be null only when {@code problems} has errors
 * @param notes    how the translation approximated or defaulted something, for plans and renderings
 * @param problems this backend's own problems with the endpoint (errors stop every operation before any cloud call)
 * @param <D>      the backend's desired-state type
 */
public record Translation<D>(D desired, List<Note> notes, ValidationReport problems) {

    /** Copies the notes; rejects a null desired state unless there are errors. */
    public Translation {
        notes = List.copyOf(notes);
        Objects.requireNonNull(problems, "problems");
        if (desired == null && !problems.hasErrors()) {
            throw new IllegalArgumentException("a translation without errors needs a desired state");
        }
    }

    /** A translation without problems. */
    public static <D> Translation<D> of(D desired, List<Note> notes) {
        return new Translation<>(Objects.requireNonNull(desired, "desired"), notes, ValidationReport.empty());
    }

    /** A translation that stops at errors: no desired state. */
    public static <D> Translation<D> failed(ValidationReport problems) {
        if (!problems.hasErrors()) {
            throw new IllegalArgumentException("a failed translation needs at least one error");
        }
        return new Translation<>(null, List.of(), problems);
    }
}
