package io.inferscale.api.backend;

import java.util.Objects;

/**
 * A scaling metric's current value against its target, as {@code kubectl get hpa} shows it ({@code 45%/60%}).
 *
 * @param name    the metric, e.g. {@code cpu} or {@code CPUUtilization}
 * @param current the current value as text (e.g. {@code 45%}), or {@code null} when the backend has none yet
 * @param target  the target as text (e.g. {@code 60%})
 */
public record MetricStatus(String name, String current, String target) {
    /** Rejects nulls except {@code current}. */
    public MetricStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(target, "target");
    }

    /** {@code current/target}, with {@code <unknown>} for a missing current value, as kubectl prints it. */
    public String display() {
        return (current == null ? "<unknown>" : current) + "/" + target;
    }
}
