package io.inferscale.api.backend;

import java.util.Objects;

/**
 * A status condition, as Kubernetes reports them ({@code AbleToScale}, {@code ScalingActive},
 * {@code ScalingLimited}, {@code Ready}...).
 *
 * @param type    the condition type
 * @param status  {@code True}, {@code False} or {@code Unknown}
 * @param reason  a one-word reason, or the empty string
 * @param message a sentence, or the empty string
 */
public record Condition(String type, String status, String reason, String message) {
    /** Rejects nulls. */
    public Condition {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }

    /** True when the status is {@code True}. */
    public boolean isTrue() {
        return "True".equalsIgnoreCase(status);
    }
}
