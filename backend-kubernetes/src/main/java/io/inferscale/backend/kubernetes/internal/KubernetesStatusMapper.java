package io.inferscale.backend.kubernetes.internal;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricTarget;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricValueStatus;
import io.inferscale.api.backend.Condition;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads an endpoint's status from its Deployment and HorizontalPodAutoscaler, the way {@code kubectl get
 * deploy,hpa} shows it: ready/desired replicas, TARGETS ({@code 45%/60%}), MINPODS/MAXPODS, conditions.
 */
public final class KubernetesStatusMapper {

    private KubernetesStatusMapper() {
    }

    /**
     * The lifecycle state of a Deployment: FAILED when its rollout exceeded the progress deadline or a
     * replica failed to be created; CREATING/UPDATING while a rollout is in progress; READY when every
     * desired replica is ready and at least {@code minReplicas} are; DEGRADED when only some are.
     */
    public static EndpointState state(Deployment d, int minReplicas) {
        if (d == null) {
            return EndpointState.UNKNOWN;
        }
        if (d.getMetadata().getDeletionTimestamp() != null) {
            return EndpointState.DELETING;
        }
        DeploymentStatus s = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        if (failure(d) != null) {
            return EndpointState.FAILED;
        }
        int desired = d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        int ready = n(s.getReadyReplicas());
        int updated = n(s.getUpdatedReplicas());
        int available = n(s.getAvailableReplicas());
        long generation = d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
        long observed = s.getObservedGeneration() == null ? 0 : s.getObservedGeneration();
        boolean rolledOut = observed >= generation && updated >= desired && n(s.getReplicas()) <= desired;
        if (!rolledOut) {
            return available > 0 ? EndpointState.UPDATING : EndpointState.CREATING;
        }
        if (ready >= desired && ready >= minReplicas) {
            return EndpointState.READY;
        }
        return ready > 0 ? EndpointState.DEGRADED : EndpointState.CREATING;
    }

    /** The Deployment's failure message, or {@code null} when it has not failed. */
    public static String failure(Deployment d) {
        if (d == null || d.getStatus() == null || d.getStatus().getConditions() == null) {
            return null;
        }
        for (DeploymentCondition c : d.getStatus().getConditions()) {
            if ("Progressing".equals(c.getType()) && "False".equals(c.getStatus()) && "ProgressDeadlineExceeded".equals(c.getReason())) {
                return "rollout stalled (ProgressDeadlineExceeded): " + Objects.toString(c.getMessage(), "");
            }
            if ("ReplicaFailure".equals(c.getType()) && "True".equals(c.getStatus())) {
                return "replica failure (" + c.getReason() + "): " + Objects.toString(c.getMessage(), "");
            }
        }
        return null;
    }

    /** The status of an endpoint from its objects; {@code deployment} and {@code hpa} may be {@code null} when missing. */
    public static EndpointStatus read(String name, String backendId, String namespace, Deployment d, HorizontalPodAutoscaler hpa,
                                      boolean serviceExists) {
        int min = hpa == null || hpa.getSpec().getMinReplicas() == null ? (hpa == null ? 0 : 1) : hpa.getSpec().getMinReplicas();
        EndpointStatus.Builder b = EndpointStatus.builder(name, backendId).state(state(d, min));
        b.detail("namespace", namespace);
        if (d != null) {
            Map<String, String> labels = d.getMetadata().getLabels() == null ? Map.of() : d.getMetadata().getLabels();
            String model = labels.get("inferscale.io/model-name");
            if (model != null) {
                String v = labels.get("inferscale.io/model-version");
                b.model(v == null ? model : model + ":" + v);
            }
            DeploymentStatus s = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
            int specReplicas = d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            int desired = hpa != null && hpa.getStatus() != null && hpa.getStatus().getDesiredReplicas() != null
                    ? hpa.getStatus().getDesiredReplicas() : specReplicas;
            b.replicas(n(s.getReadyReplicas()), desired);
            b.detail("deployment.replicas", Integer.toString(specReplicas));
            b.detail("deployment.updatedReplicas", Integer.toString(n(s.getUpdatedReplicas())));
            b.detail("deployment.availableReplicas", Integer.toString(n(s.getAvailableReplicas())));
            d.getSpec().getTemplate().getSpec().getContainers().stream().findFirst().ifPresent(c -> b.detail("image", c.getImage()));
            if (s.getConditions() != null) {
                for (DeploymentCondition c : s.getConditions()) {
                    b.condition(new Condition(c.getType(), Objects.toString(c.getStatus(), "Unknown"), Objects.toString(c.getReason(), ""),
                            Objects.toString(c.getMessage(), "")));
                }
            }
            String failure = failure(d);
            if (failure != null) {
                b.message(failure);
            }
            b.createdAt(instant(d.getMetadata().getCreationTimestamp()));
        } else {
            b.message("Deployment " + name + " is missing");
        }
        if (hpa != null) {
            b.replicaRange(hpa.getSpec().getMinReplicas() == null ? 1 : hpa.getSpec().getMinReplicas(), hpa.getSpec().getMaxReplicas());
            List<MetricStatus> current = hpa.getStatus() == null || hpa.getStatus().getCurrentMetrics() == null
                    ? List.of() : hpa.getStatus().getCurrentMetrics();
            List<MetricSpec> specs = hpa.getSpec().getMetrics() == null ? List.of() : hpa.getSpec().getMetrics();
            for (int i = 0; i < specs.size(); i++) {
                MetricSpec spec = specs.get(i);
                b.metric(new io.inferscale.api.backend.MetricStatus(metricName(spec), currentValue(spec, current), targetText(target(spec))));
            }
            if (hpa.getStatus() != null) {
                if (hpa.getStatus().getCurrentReplicas() != null) {
                    b.detail("hpa.currentReplicas", hpa.getStatus().getCurrentReplicas().toString());
                }
                if (hpa.getStatus().getDesiredReplicas() != null) {
                    b.detail("hpa.desiredReplicas", hpa.getStatus().getDesiredReplicas().toString());
                }
                if (hpa.getStatus().getConditions() != null) {
                    for (HorizontalPodAutoscalerCondition c : hpa.getStatus().getConditions()) {
                        b.condition(new Condition(c.getType(), Objects.toString(c.getStatus(), "Unknown"), Objects.toString(c.getReason(), ""),
                                Objects.toString(c.getMessage(), "")));
                        if (("ScalingActive".equals(c.getType()) || "AbleToScale".equals(c.getType())) && "False".equals(c.getStatus())
                                && (d == null || failure(d) == null)) {
                            // e.g. FailedGetPodsMetric when no custom metrics adapter serves the metric
                            b.message("autoscaling is not working (" + c.getType() + "=False, " + c.getReason() + "): "
                                    + Objects.toString(c.getMessage(), ""));
                        }
                    }
                }
            }
            b.detail("targets", targets(hpa));
        } else if (d != null) {
            b.message("HorizontalPodAutoscaler " + name + " is missing: the replica count is fixed");
            if (d.getSpec().getReplicas() != null) {
                b.replicaRange(d.getSpec().getReplicas(), d.getSpec().getReplicas());
            }
        }
        if (!serviceExists) {
            b.detail("service", "missing");
        } else {
            b.detail("service", name);
        }
        return b.build();
    }

    /**
     * The HPA's TARGETS column as kubectl prints it (kubectl's {@code formatHPAMetrics}): {@code cpu: 45%/60%} for
     * Resource metrics, {@code 2500m/2500m} for Pods metrics, {@code 3/5 (avg)} for External or Object metrics with an
     * AverageValue target, {@code <unknown>} before the HPA has read a value; the first two metrics separated by
     * {@code , }, then {@code  + N more...}; {@code <none>} without metrics.
     */
    public static String targets(HorizontalPodAutoscaler hpa) {
        List<MetricSpec> specs = hpa.getSpec().getMetrics() == null ? List.of() : hpa.getSpec().getMetrics();
        if (specs.isEmpty()) {
            return "<none>";
        }
        List<MetricStatus> current = hpa.getStatus() == null || hpa.getStatus().getCurrentMetrics() == null
                ? List.of() : hpa.getStatus().getCurrentMetrics();
        List<String> shown = specs.stream().limit(2).map(s -> {
            String c = currentValue(s, current);
            String pair = (c == null ? "<unknown>" : c) + "/" + targetText(target(s));
            return switch (Objects.toString(s.getType(), "")) {
                case "Resource", "ContainerResource" -> metricName(s) + ": " + pair;
                case "External", "Object" -> target(s) != null && target(s).getAverageValue() != null ? pair + " (avg)" : pair;
                default -> pair;
            };
        }).toList();
        return String.join(", ", shown) + (specs.size() > 2 ? " + " + (specs.size() - 2) + " more..." : "");
    }

    private static String metricName(MetricSpec s) {
        return switch (Objects.toString(s.getType(), "")) {
            case "Resource" -> s.getResource().getName();
            case "Pods" -> s.getPods().getMetric().getName();
            case "External" -> s.getExternal().getMetric().getName();
            case "Object" -> s.getObject().getMetric().getName();
            case "ContainerResource" -> s.getContainerResource().getName();
            default -> Objects.toString(s.getType(), "metric");
        };
    }

    private static MetricTarget target(MetricSpec s) {
        return switch (Objects.toString(s.getType(), "")) {
            case "Resource" -> s.getResource().getTarget();
            case "Pods" -> s.getPods().getTarget();
            case "External" -> s.getExternal().getTarget();
            case "Object" -> s.getObject().getTarget();
            case "ContainerResource" -> s.getContainerResource().getTarget();
            default -> null;
        };
    }

    private static String targetText(MetricTarget t) {
        if (t == null) {
            return "<unknown>";
        }
        if (t.getAverageUtilization() != null) {
            return t.getAverageUtilization() + "%";
        }
        if (t.getAverageValue() != null) {
            return q(t.getAverageValue());
        }
        return t.getValue() == null ? "<unknown>" : q(t.getValue());
    }

    /** The current value of spec {@code i}: the status entry of the same type and name, formatted like its target. */
    private static String currentValue(MetricSpec spec, List<MetricStatus> current) {
        String name = metricName(spec);
        for (MetricStatus m : current) {
            if (!Objects.equals(m.getType(), spec.getType())) {
                continue;
            }
            MetricValueStatus v = switch (Objects.toString(m.getType(), "")) {
                case "Resource" -> name.equals(m.getResource().getName()) ? m.getResource().getCurrent() : null;
                case "Pods" -> name.equals(m.getPods().getMetric().getName()) ? m.getPods().getCurrent() : null;
                case "External" -> name.equals(m.getExternal().getMetric().getName()) ? m.getExternal().getCurrent() : null;
                case "Object" -> name.equals(m.getObject().getMetric().getName()) ? m.getObject().getCurrent() : null;
                case "ContainerResource" -> name.equals(m.getContainerResource().getName()) ? m.getContainerResource().getCurrent() : null;
                default -> null;
            };
            if (v == null) {
                continue;
            }
            MetricTarget t = target(spec);
            if (t != null && t.getAverageUtilization() != null && v.getAverageUtilization() != null) {
                return v.getAverageUtilization() + "%";
            }
            if (v.getAverageValue() != null) {
                return q(v.getAverageValue());
            }
            if (v.getValue() != null) {
                return q(v.getValue());
            }
            if (v.getAverageUtilization() != null) {
                return v.getAverageUtilization() + "%";
            }
        }
        return null;
    }

    private static String q(Quantity q) {
        return q.getAmount() + (q.getFormat() == null ? "" : q.getFormat());
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }

    private static Instant instant(String ts) {
        if (ts == null) {
            return null;
        }
        try {
            return Instant.parse(ts);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
