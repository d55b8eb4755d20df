package io.inferscale.backend.kubernetes.keda;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ScaleToZero;
import io.inferscale.api.ScalingTarget;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.Note;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import io.inferscale.backend.kubernetes.KubernetesTranslator;
import io.inferscale.backend.kubernetes.internal.ModelTree;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Pure translation of a neutral {@link InferenceEndpoint} into a KEDA {@code keda.sh/v1alpha1} ScaledObject that scales the
 * endpoint's Deployment in place of the plain HorizontalPodAutoscaler. No I/O.
 *
 * <p>The mapping (KEDA v2.20.2, kedacore/keda 68a5b5028f35, Apache-2.0):
 * <ul>
 *   <li>CPU and memory utilization become {@code cpu} / {@code memory} triggers, {@code metricType: Utilization},
 *       {@code metadata.value} the percentage ({@code pkg/scalers/cpu_memory_scaler.go}).</li>
 *   <li>Requests per second, concurrency, accelerator utilization, queue depth and generated tokens per second become
 *       {@code prometheus} triggers with
 *       {@code metricType: AverageValue}: the query returns the endpoint's total and the threshold is the per-replica target
 *       ({@link PrometheusQueries}; {@code pkg/scalers/prometheus_scaler.go}: serverAddress, query, threshold,
 *       activationThreshold).</li>
 *   <li>{@code minReplicas}/{@code maxReplicas} become {@code minReplicaCount}/{@code maxReplicaCount}. With
 *       {@code scaleToZero}, {@code minReplicaCount: 0}, {@code cooldownPeriod} = {@code idleSeconds} (KEDA scales 1 -> 0 once no
 *       trigger has been active for that long, {@code pkg/scaling/executor/scale_scaledobjects.go} scaleToZeroOrIdle), the
 *       configured {@code pollingInterval} and each prometheus trigger's {@code activationThreshold} (0 <-> 1 is KEDA's own
 *       loop; above 1 the HPA KEDA creates scales).</li>
 *   <li>{@code behavior} becomes {@code advanced.horizontalPodAutoscalerConfig.behavior}, rendered exactly as
 *       {@link KubernetesTranslator} renders the HPA's behavior; {@code horizontalPodAutoscalerConfig.name} keeps the
 *       endpoint's name for the HPA KEDA creates (KEDA's default is {@code keda-hpa-<name>}, {@code controllers/keda/hpa.go}),
 *       and the {@code scaledobject.keda.sh/transfer-hpa-ownership} annotation lets KEDA adopt a plain HPA of that name
 *       when an endpoint switches from {@code hpa} to {@code keda} ({@code apis/keda/v1alpha1/scaledobject_webhook.go}
 *       verifyHpas).</li>
 *   <li>A configured fallback becomes {@code fallback} (failureThreshold, replicas).</li>
 * </ul>
 *
 * <p>Call {@link #validate} first: it reports, by field, what KEDA's admission webhook would reject.
 */
public final class ScaledObjectTranslator {

    /** The ScaledObject's apiVersion. */
    public static final String API_VERSION = "keda.sh/v1alpha1";
    /** The ScaledObject's kind. */
    public static final String KIND = "ScaledObject";
    /**
     * KEDA checks triggers every 30 s when {@code pollingInterval} is absent ({@code apis/keda/v1alpha1/withtriggers_types.go}
     * defaultPollingInterval, v2.20.2; "ScaledObject specification", https://keda.sh/docs/latest/reference/scaledobject-spec/).
     */
    public static final int KEDA_DEFAULT_POLLING_INTERVAL_SECONDS = 30;
    /**
     * KEDA waits 300 s after the last active trigger before scaling to zero when {@code cooldownPeriod} is absent
     * ({@code pkg/scaling/executor/scale_executor.go} defaultCooldownPeriod, v2.20.2).
     */
    public static final int KEDA_DEFAULT_COOLDOWN_PERIOD_SECONDS = 300;
    /** The annotation that lets a ScaledObject take over an existing HPA named in {@code horizontalPodAutoscalerConfig.name}. */
    public static final String TRANSFER_HPA_OWNERSHIP_ANNOTATION = "scaledobject.keda.sh/transfer-hpa-ownership";

    private final KubernetesTranslator kubernetes;
    private final KedaSettings keda;

    /**
     * A translator.
     *
     * @param kubernetes the plain translator, for names, labels, namespace and the behavior rendering
     * @param keda       the KEDA settings
     */
    public ScaledObjectTranslator(KubernetesTranslator kubernetes, KedaSettings keda) {
        this.kubernetes = Objects.requireNonNull(kubernetes, "kubernetes");
        this.keda = Objects.requireNonNull(keda, "keda");
    }

    /** The KEDA settings in use. */
    public KedaSettings settings() {
        return keda;
    }

    /**
     * What KEDA would refuse or never do with this endpoint, by field. Pure.
     * <ul>
     *   <li>error: no target (a ScaledObject needs at least one trigger; CRD {@code triggers} minItems 1);</li>
     *   <li>error: a target whose serving runtime has no preset query and none is configured (tokens per second on
     *       Triton), naming the key to set;</li>
     *   <li>error: scale to zero with only CPU/memory targets (KEDA's webhook: "scaledobject has only cpu/memory triggers AND
     *       minReplica is 0 (scale to zero doesn't work in this case)");</li>
     *   <li>error: a fallback with only CPU/memory targets (KEDA's {@code CheckFallbackValid}: fallback needs a trigger that is
     *       not cpu or memory);</li>
     *   <li>warning: scale to zero with the runtime's default queries, which read metrics the pods themselves export: at zero
     *       replicas there is nothing to scrape, so they never activate and the endpoint stays at zero.</li>
     * </ul>
     */
    public ValidationReport validate(InferenceEndpoint e) {
        List<Problem> p = new ArrayList<>();
        List<ScalingTarget> targets = e.autoscaling().targets();
        boolean external = targets.stream().anyMatch(t -> isPrometheus(t.type()));
        if (targets.isEmpty()) {
            p.add(Problem.error("spec.autoscaling", "KEDA needs at least one trigger: set a target such as targetCPUUtilizationPercentage "
                    + "or targetRequestsPerSecondPerReplica"));
        }
        for (ScalingTarget t : targets) {
            if (isPrometheus(t.type()) && keda.queries().forTarget(t.type()).isEmpty()) {
                p.add(Problem.error(t.type().path(), "the " + keda.servingRuntime() + " preset has no query for " + t.type().description()
                        + " (its metrics have none); set configuration " + PrometheusQueries.key(t.type())
                        + " to a PromQL query returning the endpoint's total, e.g. sum(rate(<your server's generated-token counter>"
                        + "{{selector}}[1m])), or use another target"));
            }
        }
        if (e.autoscaling().scaleToZero().isPresent() && !targets.isEmpty() && !external) {
            p.add(Problem.error("spec.autoscaling.scaleToZero", "KEDA cannot wake an endpoint from zero on CPU or memory alone (no pod, no "
                    + "usage; its admission webhook rejects such a ScaledObject); add targetRequestsPerSecondPerReplica or "
                    + "targetConcurrentRequestsPerReplica, or remove scaleToZero and set minReplicas: 1"));
        }
        if (keda.fallbackReplicas().isPresent() && !targets.isEmpty() && !external) {
            p.add(Problem.error("spec.autoscaling", "configuration kubernetes.keda.fallbackReplicas needs a target read from Prometheus "
                    + "(requests per second, concurrency, accelerator utilization, queue depth or tokens per second): KEDA applies a fallback only to triggers other "
                    + "than cpu and memory; add such a target or remove kubernetes.keda.fallbackReplicas"));
        }
        if (e.autoscaling().scaleToZero().isPresent() && external
                && targets.stream().filter(t -> isPrometheus(t.type())).allMatch(t -> keda.usesPreset(t.type()))) {
            p.add(Problem.warning("spec.autoscaling.scaleToZero", "the " + keda.servingRuntime() + " queries read metrics the model's pods "
                    + "export; at zero replicas nothing exports them, so KEDA never wakes the endpoint. Point "
                    + "kubernetes.keda.requestsPerSecondQuery (or concurrencyQuery) at a metric measured in front of the pods, such as "
                    + "the ingress controller's or gateway's request counter"));
        }
        return ValidationReport.of(p);
    }

    /**
     * The ScaledObject for an endpoint. Pure.
     *
     * @param e an endpoint that passed the neutral validation, {@link KubernetesTranslator#validate} and {@link #validate}
     */
    public ScaledObjectManifest translate(InferenceEndpoint e) {
        List<Note> notes = new ArrayList<>();
        String ns = kubernetes.namespace(e).orElse(null);
        Optional<ScaleToZero> zero = e.autoscaling().scaleToZero();

        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("scaleTargetRef", ordered("apiVersion", "apps/v1", "kind", "Deployment", "name", e.name()));
        if (zero.isPresent()) {
            // pollingInterval and cooldownPeriod only act at minReplicaCount 0 (KEDA's webhook warns that they are not relevant otherwise)
            keda.pollingIntervalSeconds().ifPresent(s -> spec.put("pollingInterval", s));
            int idle = zero.get().idleSeconds();
            spec.put("cooldownPeriod", idle);
            notes.add(Note.derived("spec.autoscaling.scaleToZero.idleSeconds", "idleSeconds " + idle + " -> cooldownPeriod " + idle
                    + ": KEDA scales 1 -> 0 once no trigger has been active for " + idle + " s, checking every "
                    + keda.pollingIntervalSeconds().orElse(KEDA_DEFAULT_POLLING_INTERVAL_SECONDS) + " s (pollingInterval)"));
        }
        spec.put("minReplicaCount", e.autoscaling().minReplicas());
        spec.put("maxReplicaCount", e.autoscaling().maxReplicas());
        keda.fallbackReplicas().ifPresent(r -> spec.put("fallback",
                ordered("failureThreshold", keda.fallbackFailureThreshold(), "replicas", r)));
        Map<String, Object> hpaConfig = new LinkedHashMap<>();
        behavior(e).ifPresent(b -> hpaConfig.put("behavior", ModelTree.of(b)));
        hpaConfig.put("name", e.name());
        spec.put("advanced", ordered("horizontalPodAutoscalerConfig", hpaConfig));
        spec.put("triggers", triggers(e, ns, zero.isPresent(), notes));

        GenericKubernetesResource so = new GenericKubernetesResourceBuilder()
                .withApiVersion(API_VERSION).withKind(KIND)
                .withMetadata(new ObjectMetaBuilder().withName(e.name()).withNamespace(ns)
                        .withLabels(new LinkedHashMap<>(kubernetes.labels(e)))
                        .withAnnotations(Map.of(TRANSFER_HPA_OWNERSHIP_ANNOTATION, "true")).build())
                .withAdditionalProperties(Map.of("spec", spec))
                .build();
        return new ScaledObjectManifest(so, notes);
    }

    /** The spec's behavior as {@link KubernetesTranslator} renders it for the HPA, without its scale-to-zero approximation. */
    private Optional<HorizontalPodAutoscalerBehavior> behavior(InferenceEndpoint e) {
        if (e.autoscaling().behavior().isEmpty()) {
            return Optional.empty();
        }
        // the plain translator folds idleSeconds into scaleDown.stabilizationWindowSeconds; KEDA uses cooldownPeriod instead
        InferenceEndpoint withoutZero = e.toBuilder().autoscaling(e.autoscaling().toBuilder().scaleToZero(null).build()).build();
        return Optional.ofNullable(kubernetes.translateHpa(withoutZero).hpa().getSpec().getBehavior());
    }

    private List<Object> triggers(InferenceEndpoint e, String ns, boolean scaleToZero, List<Note> notes) {
        List<Object> out = new ArrayList<>();
        for (ScalingTarget t : e.autoscaling().targets()) {
            switch (t.type()) {
                case CPU_UTILIZATION -> out.add(resourceTrigger("cpu", t));
                case MEMORY_UTILIZATION -> out.add(resourceTrigger("memory", t));
                case REQUESTS_PER_SECOND -> out.add(prometheusTrigger("requests-per-second", t, ns, e, scaleToZero, notes));
                case CONCURRENT_REQUESTS -> out.add(prometheusTrigger("concurrency", t, ns, e, scaleToZero, notes));
                case ACCELERATOR_UTILIZATION -> out.add(prometheusTrigger("accelerator-utilization", t, ns, e, scaleToZero, notes));
                case QUEUE_DEPTH -> out.add(prometheusTrigger("queue-depth", t, ns, e, scaleToZero, notes));
                case TOKENS_PER_SECOND -> out.add(prometheusTrigger("tokens-per-second", t, ns, e, scaleToZero, notes));
            }
        }
        return out;
    }

    private static Map<String, Object> resourceTrigger(String type, ScalingTarget t) {
        return ordered("type", type, "name", type, "metricType", "Utilization", "metadata", ordered("value", number(t.value())));
    }

    private Map<String, Object> prometheusTrigger(String name, ScalingTarget t, String ns, InferenceEndpoint e, boolean scaleToZero,
                                                  List<Note> notes) {
        String query = PrometheusQueries.fill(keda.queries().forTarget(t.type()).orElseThrow(() -> new IllegalStateException(
                "no query for " + t.type().field() + ": call validate first (" + PrometheusQueries.key(t.type()) + ")")), ns, e.name());
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("serverAddress", keda.prometheusServerAddress());
        metadata.put("query", query);
        metadata.put("threshold", number(t.value()));
        if (scaleToZero) {
            metadata.put("activationThreshold", number(keda.activationThreshold()));
        }
        notes.add(Note.derived(t.type().path(), t.type().description() + " " + t.value().toPlainString() + " -> KEDA prometheus trigger '"
                + name + "', AverageValue threshold " + number(t.value()) + " on '" + query + "' at " + keda.prometheusServerAddress()));
        return ordered("type", "prometheus", "name", name, "metricType", "AverageValue", "metadata", metadata);
    }

    private static boolean isPrometheus(TargetType t) {
        return t != TargetType.CPU_UTILIZATION && t != TargetType.MEMORY_UTILIZATION;
    }

    /** A decimal as KEDA's metadata strings take it: plain digits, no exponent. */
    private static String number(BigDecimal v) {
        return v.stripTrailingZeros().toPlainString();
    }

    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }
}
