package io.inferscale.api.backend;

import java.util.Objects;

/**
 * The outcome of {@link Backend#apply}: the plan that was carried out (empty when nothing changed) and
 * the status right after.
 *
 * @param plan   the changes made
 * @param status the status after the changes (not necessarily ready: see {@link Backend#awaitReady})
 */
public record ApplyResult(Plan plan, EndpointStatus status) {
    /** Rejects nulls. */
    public ApplyResult {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(status, "status");
    }

    /** True when something was changed. */
    public boolean changed() {
        return !plan.isEmpty();
    }
}
