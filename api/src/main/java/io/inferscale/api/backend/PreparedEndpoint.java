package io.inferscale.api.backend;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;

import java.util.List;
import java.util.Objects;

/**
 * An endpoint ready for one backend operation: validated once (the neutral rules, the backend's capabilities and
 * option keys, the translation's problems; no errors), its per-backend overrides applied once, translated once.
 * {@link AbstractBackend} builds one per {@code render}, {@code plan} and {@code apply} call and hands it to the
 * backend's hook.
 *
 * @param endpoint    the endpoint as the caller wrote it
 * @param effective   the endpoint with {@code spec.backends.<id>} overrides applied: what the backend runs
 * @param translation the translation of {@code effective}
 * @param report      every problem found (warnings only: errors were thrown)
 * @param <D>         the backend's desired-state type
 */
public record PreparedEndpoint<D>(InferenceEndpoint endpoint, InferenceEndpoint effective, Translation<D> translation,
                                  ValidationReport report) {

    /** Rejects nulls and a report with errors. */
    public PreparedEndpoint {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(effective, "effective");
        Objects.requireNonNull(translation, "translation");
        Objects.requireNonNull(report, "report");
        if (report.hasErrors()) {
            throw new IllegalArgumentException("a prepared endpoint has no errors: " + report.format());
        }
    }

    /** The endpoint's name ({@code metadata.name}). */
    public String name() {
        return endpoint.name();
    }

    /** The native desired state. */
    public D desired() {
        return translation.desired();
    }

    /** The translation's notes. */
    public List<Note> notes() {
        return translation.notes();
    }

    /** The validation warnings, for {@link ApplyResult#warnings()}. */
    public List<Problem> warnings() {
        return report.warnings();
    }
}
