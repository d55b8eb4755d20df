package io.inferscale.api.backend;

import io.inferscale.api.validation.Problem;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link Backend#apply}: the plan that was carried out (empty when nothing changed), the status
 * right after, and the validation warnings the endpoint had on this backend (e.g. a setting the backend
 * approximates), so a caller of {@code apply} alone sees them too.
 *
 * @param plan     the changes made
 * @param status   the status after the changes (not necessarily ready: see {@link Backend#awaitReady})
 * @param warnings the endpoint's validation warnings on this backend, in the order found
 */
public record ApplyResult(Plan plan, EndpointStatus status, List<Problem> warnings) {
    /** Rejects nulls; copies the warnings. */
    public ApplyResult {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(status, "status");
        warnings = List.copyOf(warnings);
    }

    /** A result without warnings. */
    public ApplyResult(Plan plan, EndpointStatus status) {
        this(plan, status, List.of());
    }

    /** True when something was changed. */
    public boolean changed() {
        return !plan.isEmpty();
    }

    /** This result with {@code more} warnings after its own. */
    public ApplyResult withWarnings(List<Problem> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<Problem> all = new java.util.ArrayList<>(warnings);
        more.stream().filter(p -> !all.contains(p)).forEach(all::add);
        return new ApplyResult(plan, status, all);
    }
}
