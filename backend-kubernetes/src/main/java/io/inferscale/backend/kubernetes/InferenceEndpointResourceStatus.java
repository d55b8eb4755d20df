package io.inferscale.backend.kubernetes;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The status the operator writes on an {@code InferenceEndpoint}: the replicas the HPA wants and has ready, the
 * scaling targets as {@code kubectl get hpa} prints them, the state, and conditions ({@code Ready}, and the HPA's
 * {@code AbleToScale}, {@code ScalingActive}, {@code ScalingLimited}). An invalid spec gets {@code Ready=False}
 * with reason {@code InvalidSpec} and the validation messages.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InferenceEndpointResourceStatus {

    /** One condition. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Condition {
        /** Condition type, e.g. {@code Ready}. */
        public String type;
        /** {@code True}, {@code False} or {@code Unknown}. */
        public String status;
        /** One-word reason. */
        public String reason;
        /** Human-readable message. */
        public String message;
        /** When the status last changed (RFC 3339). */
        public String lastTransitionTime;

        @Override
        public boolean equals(Object o) {
            return o instanceof Condition c && Objects.equals(type, c.type) && Objects.equals(status, c.status)
                    && Objects.equals(reason, c.reason) && Objects.equals(message, c.message);
        }

        @Override
        public int hashCode() {
            return Objects.hash(type, status, reason, message);
        }
    }

    /** The spec generation this status describes. */
    public Long observedGeneration;
    /** The endpoint state: CREATING, UPDATING, READY, DEGRADED, FAILED, DELETING or INVALID. */
    public String state;
    /** Replicas the autoscaler wants now. */
    public Integer replicas;
    /** Replicas ready. */
    public Integer readyReplicas;
    /** Replicas the HPA last computed. */
    public Integer desiredReplicas;
    /** Current/target of each scaling metric, e.g. {@code cpu: 45%/60%}. */
    public String targets;
    /** Why the endpoint is not ready, or the validation problems. */
    public String message;
    /** Conditions. */
    public List<Condition> conditions = new ArrayList<>();

    /** The condition of a type, or {@code null}. */
    public Condition condition(String type) {
        return conditions == null ? null : conditions.stream().filter(c -> type.equals(c.type)).findFirst().orElse(null);
    }

    /** Equal ignoring condition transition times. */
    @Override
    public boolean equals(Object o) {
        return o instanceof InferenceEndpointResourceStatus s && Objects.equals(observedGeneration, s.observedGeneration)
                && Objects.equals(state, s.state) && Objects.equals(replicas, s.replicas) && Objects.equals(readyReplicas, s.readyReplicas)
                && Objects.equals(desiredReplicas, s.desiredReplicas) && Objects.equals(targets, s.targets)
                && Objects.equals(message, s.message) && Objects.equals(conditions, s.conditions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observedGeneration, state, replicas, readyReplicas, desiredReplicas, targets, message, conditions);
    }
}
