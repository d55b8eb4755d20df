package io.inferscale.api;

import java.util.Objects;

/**
 * A rate limit on scaling, as in Kubernetes' {@code HPAScalingPolicy}: at most {@code value} pods (or
 * {@code value} percent of the current replicas) may be added or removed in any {@code periodSeconds}.
 *
 * @param type          {@link Type#PODS} or {@link Type#PERCENT}
 * @param value         how many pods, or what percentage; the validator requires at least 1
 * @param periodSeconds the window the limit applies to, 1..1800 seconds
 */
public record ScalingPolicy(Type type, int value, int periodSeconds) {

    /** Rejects a null type. */
    public ScalingPolicy {
        Objects.requireNonNull(type, "type");
    }

    /** The policy kinds. */
    public enum Type {
        /** An absolute number of replicas. */
        PODS("Pods"),
        /** A percentage of the current replicas. */
        PERCENT("Percent");

        private final String id;

        Type(String id) {
            this.id = id;
        }

        /** The name used in documents: {@code Pods} or {@code Percent}. */
        public String id() {
            return id;
        }
    }
}
