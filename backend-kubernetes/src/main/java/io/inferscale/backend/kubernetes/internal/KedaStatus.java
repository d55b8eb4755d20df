package io.inferscale.backend.kubernetes.internal;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.inferscale.api.backend.Condition;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Adds a KEDA ScaledObject's view to an endpoint's status: its conditions ({@code Ready}, {@code Active}, {@code Fallback},
 * {@code Paused}, prefixed {@code ScaledObject/}), the HPA KEDA created ({@code status.hpaName}), the replica range from
 * {@code minReplicaCount}/{@code maxReplicaCount}, and a message when the ScaledObject is not ready or is idle
 * ({@code Active=False}: no trigger active, so KEDA scales to {@code minReplicaCount} after {@code cooldownPeriod}; with reason
 * {@code ScalerCooldown} the replicas are still up and the idle timer runs). Condition
 * types and {@code status.hpaName}: KEDA's {@code apis/keda/v1alpha1/condition_types.go} and {@code scaledobject_types.go}
 * (v2.20.2).
 */
final class KedaStatus {

    private KedaStatus() {
    }

    /**
     * {@code status} with the ScaledObject's view; {@code status} unchanged when {@code scaledObject} is null.
     *
     * @param hpa the HPA read by the endpoint's name (KEDA's, named by {@code horizontalPodAutoscalerConfig.name}), or null
     */
    static EndpointStatus read(EndpointStatus status, GenericKubernetesResource scaledObject, HorizontalPodAutoscaler hpa) {
        if (scaledObject == null) {
            return status;
        }
        EndpointStatus.Builder b = status.toBuilder();
        b.detail("autoscaler", "keda");
        Map<String, Object> spec = map(scaledObject.getAdditionalProperties().get("spec"));
        int min = minReplicaCount(scaledObject);
        Object max = spec.get("maxReplicaCount");
        if (max != null) {
            b.replicaRange(min, integer(max, 100));
        }
        Map<String, Object> st = map(scaledObject.getAdditionalProperties().get("status"));
        Object hpaName = st.get("hpaName");
        b.detail("scaledObject.hpaName", hpaName == null ? "<none yet>" : hpaName.toString());
        if (hpa == null && status.message().filter(m -> m.startsWith("HorizontalPodAutoscaler ")).isPresent()) {
            b.message("KEDA has not created the HorizontalPodAutoscaler of ScaledObject " + scaledObject.getMetadata().getName()
                    + " yet (is the KEDA operator running?)");
        }
        for (Object c : st.get("conditions") instanceof List<?> l ? l : List.of()) {
            Map<String, Object> cond = map(c);
            String type = Objects.toString(cond.get("type"), "");
            String value = Objects.toString(cond.get("status"), "Unknown");
            String reason = Objects.toString(cond.get("reason"), "");
            String message = Objects.toString(cond.get("message"), "");
            b.condition(new Condition("ScaledObject/" + type, value, reason, message));
            if ("Ready".equals(type) && "False".equals(value)) {
                b.message("the ScaledObject is not ready (" + reason + "): " + message);
            }
            if ("Active".equals(type) && "False".equals(value) && min == 0) {
                b.detail("scaledObject.active", "false: no trigger active; KEDA scales to 0 after cooldownPeriod");
                if ("ScalerCooldown".equals(reason) && status.message().isEmpty()) {
                    // KEDA's scaleToZeroOrIdle (pkg/scaling/executor/scale_scaledobjects.go): replicas still up, the idle timer running
                    String timer = idleTimer(spec, st);
                    b.detail("scaledObject.active", "false (ScalerCooldown): " + timer);
                    b.message("idle: " + timer);
                }
                if (status.desiredReplicas() == 0 && status.readyReplicas() == 0) {
                    // scaled to zero on purpose: idle, not failed
                    b.state(EndpointState.READY);
                    b.message("scaled to zero by KEDA (idle); the first request that activates a trigger wakes it");
                }
            }
        }
        return b.build();
    }

    /**
     * The idle timer of a ScaledObject cooling down: no trigger active since {@code status.lastActiveTime}, scaling to 0 once
     * {@code spec.cooldownPeriod} (KEDA's default 300 s, {@code defaultCooldownPeriod} in
     * {@code pkg/scaling/executor/scale_executor.go}) has passed since then.
     */
    private static String idleTimer(Map<String, Object> spec, Map<String, Object> st) {
        int cooldown = integer(spec.get("cooldownPeriod"), 300);
        Object lastActive = st.get("lastActiveTime");
        String since = lastActive == null ? "" : " since " + lastActive;
        String at;
        try {
            at = lastActive == null ? "" : " (at " + Instant.parse(lastActive.toString()).plusSeconds(cooldown) + ")";
        } catch (DateTimeParseException e) {
            at = "";
        }
        return "no trigger active" + since + "; KEDA scales to 0 after cooldownPeriod " + cooldown + " s" + at;
    }

    /** The ScaledObject's {@code spec.minReplicaCount}; 0 when absent (KEDA's default). */
    static int minReplicaCount(GenericKubernetesResource scaledObject) {
        return integer(map(scaledObject.getAdditionalProperties().get("spec")).get("minReplicaCount"), 0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static int integer(Object o, int otherwise) {
        if (o instanceof Number n) {
            return n.intValue();
        }
        try {
            return o == null ? otherwise : Integer.parseInt(o.toString());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
