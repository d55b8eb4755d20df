package io.inferscale.backend.kubernetes.simulation;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.Observation;
import io.inferscale.backend.kubernetes.internal.ManifestYaml;
import io.inferscale.backend.kubernetes.keda.ScaledObjectTranslator;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * KEDA (v2.20.2, kedacore/keda 68a5b5028f35) scaling the endpoint's Deployment from the {@code keda.sh/v1alpha1}
 * ScaledObject the {@link ScaledObjectTranslator} renders for it:
 * <ol>
 *   <li>KEDA's own scale loop runs every {@code pollingInterval} ({@code startScaleLoop}, {@code pkg/scaling/scale_handler.go})
 *       and asks each trigger whether it is active ({@code RequestScale}, {@code pkg/scaling/executor/scale_scaledobjects.go}):
 *       active at 0 replicas: the Deployment goes to {@code max(minReplicaCount, 1)} and {@code lastActiveTime} is now;
 *       active above 0: {@code lastActiveTime} is now; inactive above 0 with {@code minReplicaCount: 0}: the Deployment
 *       goes to 0 once {@code lastActiveTime + cooldownPeriod} is before now (without a {@code lastActiveTime}:
 *       the creation time, the start of the run, plus {@code initialCooldownPeriod}, default 0);</li>
 *   <li>above 0 the HPA that KEDA creates ({@code controllers/keda/hpa.go} newHPAForScaledObject) scales, simulated by
 *       {@link HpaAutoscalerModel}: {@code minReplicas = max(minReplicaCount, 1)} ({@code GetHPAMinReplicas}),
 *       {@code maxReplicas = maxReplicaCount}, the ScaledObject's {@code advanced.horizontalPodAutoscalerConfig.behavior},
 *       a {@code Resource} Utilization metric per {@code cpu}/{@code memory} trigger and an {@code External} AverageValue
 *       metric {@code s<index>-prometheus} per {@code prometheus} trigger (threshold = the per-replica average value).
 *       At 0 replicas that HPA does not scale ({@code ScalingDisabled}).</li>
 * </ol>
 *
 * <p>A {@code prometheus} trigger is active when its value exceeds {@code activationThreshold} ({@code prometheus_scaler.go}
 * GetMetricsAndActivity). Its value is what the HPA's External metric reads ({@link HpaAutoscalerModel}): offered requests
 * per second for the requests-per-second trigger (the <b>assumption</b> that the query reads a counter in front of the pods,
 * such as the ingress's, which sees requests while no pod runs); the requests in flight or the accelerator utilization summed
 * over the ready replicas otherwise, 0 at zero replicas (pod-exported metrics: such a trigger cannot wake the endpoint,
 * which {@link ScaledObjectTranslator#validate} warns about). {@code cpu} and {@code memory} triggers never activate from
 * zero (KEDA's webhook refuses them alone with {@code minReplicaCount: 0}). While the Deployment is at 0 and until a pod is
 * ready, requests are lost: the Service has no endpoints and nothing queues them (the engine counts them as over capacity).
 */
public final class KedaAutoscalerModel implements AutoscalerModel {

    /**
     * KEDA's {@code initialCooldownPeriod} default, 0 s: without a {@code lastActiveTime} the cooldown runs from the
     * ScaledObject's creation ({@code scale_scaledobjects.go} scaleToZeroOrIdle, KEDA v2.20.2; KEDA-DOC "initialCooldownPeriod
     * ... Default: 0"). The translator does not render the field.
     */
    static final long INITIAL_COOLDOWN_MILLIS = 0;

    private final HpaAutoscalerModel hpa;
    private final int minReplicaCount;
    private final int hpaMinReplicas;
    private final long pollingMillis;
    private final long cooldownMillis;
    private final long hpaSyncMillis;
    private final TargetType[] triggerSources;
    private final boolean[] prometheus;
    private final double[] activationThresholds;
    private final List<Assumption> assumptions;
    private long lastActiveMillis = -1;
    private long nextPoll;
    private long nextHpaSync;

    /**
     * A model of {@code scaledObject} rendered for {@code endpoint} (whose targets give each trigger's neutral metric, in
     * order, and whose {@code spec.resources.requests} give the pods' requests).
     *
     * @throws ConfigurationException when the ScaledObject has a trigger the model does not simulate, or its triggers do not
     *                                match the endpoint's targets
     */
    public KedaAutoscalerModel(InferenceEndpoint endpoint, GenericKubernetesResource scaledObject, HpaSettings settings) {
        Map<String, Object> spec = map(scaledObject.getAdditionalProperties().get("spec"), "spec");
        this.minReplicaCount = integer(spec, "minReplicaCount", 0);
        // absent: defaultHPAMaxReplicas = 100 (apis/keda/v1alpha1/scaledobject_types.go, KEDA v2.20.2); the translator always renders it
        int maxReplicaCount = integer(spec, "maxReplicaCount", 100);
        this.pollingMillis = 1000L * integer(spec, "pollingInterval", ScaledObjectTranslator.KEDA_DEFAULT_POLLING_INTERVAL_SECONDS);
        this.cooldownMillis = 1000L * integer(spec, "cooldownPeriod", ScaledObjectTranslator.KEDA_DEFAULT_COOLDOWN_PERIOD_SECONDS);
        // GetHPAMinReplicas (apis/keda/v1alpha1/scaledobject_types.go, v2.20.2): defaultHPAMinReplicas = 1
        this.hpaMinReplicas = Math.max(minReplicaCount, 1);
        List<?> triggers = spec.get("triggers") instanceof List<?> l ? l : List.of();
        List<io.inferscale.api.ScalingTarget> targets = endpoint.autoscaling().targets();
        if (triggers.size() != targets.size()) {
            throw new ConfigurationException("the rendered ScaledObject has " + triggers.size() + " triggers for " + targets.size()
                    + " targets in spec.autoscaling.targets; the model simulates one trigger per target");
        }
        int n = triggers.size();
        this.triggerSources = new TargetType[n];
        this.prometheus = new boolean[n];
        this.activationThresholds = new double[n];
        List<MetricSpec> metrics = new ArrayList<>();
        List<Assumption> facts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> t = map(triggers.get(i), "spec.triggers[" + i + "]");
            Map<String, Object> metadata = map(t.get("metadata"), "spec.triggers[" + i + "].metadata");
            String type = String.valueOf(t.get("type"));
            triggerSources[i] = targets.get(i).type();
            switch (type) {
                case "cpu", "memory" -> metrics.add(new MetricSpecBuilder().withType("Resource").withNewResource().withName(type)
                        .withNewTarget().withType("Utilization").withAverageUtilization(new BigDecimal(String.valueOf(metadata.get("value"))).intValueExact())
                        .endTarget().endResource().build());
                case "prometheus" -> {
                    prometheus[i] = true;
                    Object activation = metadata.get("activationThreshold");
                    // prometheus_scaler.go: activationThreshold defaults to 0
                    activationThresholds[i] = activation == null ? 0 : Double.parseDouble(String.valueOf(activation));
                    String threshold = String.valueOf(metadata.get("threshold"));
                    metrics.add(new MetricSpecBuilder().withType("External").withNewExternal()
                            .withNewMetric().withName("s" + i + "-prometheus").endMetric()
                            .withNewTarget().withType("AverageValue").withAverageValue(new Quantity(threshold)).endTarget()
                            .endExternal().build());
                    facts.add(new Assumption("KEDA trigger s" + i + "-prometheus activity", "value > activationThreshold "
                            + activationThresholds[i] + "; value: " + triggerValueDescription(triggerSources[i]),
                            "prometheus_scaler.go GetMetricsAndActivity (KEDA v2.20.2); the value is the model's assumption"));
                }
                default -> throw new ConfigurationException("the rendered ScaledObject has a '" + type
                        + "' trigger the simulator does not model (it models cpu, memory and prometheus)");
            }
        }
        HorizontalPodAutoscalerBehavior behavior = behavior(spec);
        HorizontalPodAutoscaler created = new HorizontalPodAutoscalerBuilder()
                .withNewMetadata().withName(scaledObject.getMetadata().getName()).endMetadata()
                .withNewSpec().withMinReplicas(hpaMinReplicas).withMaxReplicas(maxReplicaCount).withMetrics(metrics).withBehavior(behavior)
                .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName(endpoint.name()).endScaleTargetRef()
                .endSpec().build();
        this.hpa = new HpaAutoscalerModel(endpoint, created, settings);
        this.hpaSyncMillis = settings.syncPeriod().toMillis();
        this.assumptions = List.copyOf(constants(facts));
    }

    /** The ScaledObject's {@code advanced.horizontalPodAutoscalerConfig.behavior} as the typed model; null when absent. */
    private static HorizontalPodAutoscalerBehavior behavior(Map<String, Object> spec) {
        if (!(spec.get("advanced") instanceof Map<?, ?> advanced) || !(advanced.get("horizontalPodAutoscalerConfig") instanceof Map<?, ?> config)
                || config.get("behavior") == null) {
            return null;
        }
        return ManifestYaml.serialization().convertValue(config.get("behavior"), HorizontalPodAutoscalerBehavior.class);
    }

    private static String triggerValueDescription(TargetType source) {
        return source == TargetType.REQUESTS_PER_SECOND
                ? "offered requests per second (a request counter in front of the pods, which counts requests while no pod runs)"
                : "the ready replicas' total (" + source.description() + "), 0 at zero replicas: cannot wake the endpoint";
    }

    private List<Assumption> constants(List<Assumption> facts) {
        List<Assumption> a = new ArrayList<>();
        String source = "KEDA v2.20.2 (kedacore/keda 68a5b5028f35)";
        a.add(new Assumption("KEDA pollingInterval", pollingMillis / 1000 + "s (0 <-> 1 decided once per poll)",
                "rendered spec.pollingInterval, or defaultPollingInterval = 30 in apis/keda/v1alpha1/withtriggers_types.go, " + source));
        a.add(new Assumption("KEDA cooldownPeriod", cooldownMillis / 1000 + "s after the last active poll before 1 -> 0",
                "rendered spec.cooldownPeriod (= scaleToZero.idleSeconds), or defaultCooldownPeriod = 300 in "
                        + "pkg/scaling/executor/scale_executor.go; LastActiveTime.Add(cooldownPeriod).Before(now) in "
                        + "pkg/scaling/executor/scale_scaledobjects.go, " + source));
        a.add(new Assumption("KEDA initialCooldownPeriod", INITIAL_COOLDOWN_MILLIS / 1000 + "s (the cooldown before the first active poll "
                + "runs from the start of the run)", "scale_scaledobjects.go scaleToZeroOrIdle and KEDA-DOC ScaledObject specification, " + source));
        a.add(new Assumption("KEDA minReplicaCount", minReplicaCount + " (the HPA KEDA creates: minReplicas " + hpaMinReplicas + ")",
                "rendered spec.minReplicaCount; GetHPAMinReplicas, defaultHPAMinReplicas = 1, " + source));
        a.add(Assumption.assumed("requests at zero replicas", "lost until a pod is ready: the Service has no endpoints and nothing queues "
                + "them (no KEDA HTTP add-on interceptor)", "nothing; an ingress or interceptor that holds requests is not modelled"));
        if (!java.util.stream.IntStream.range(0, prometheus.length).allMatch(i -> prometheus[i])) {
            a.add(Assumption.assumed("KEDA cpu/memory trigger activity", "not counted: only prometheus triggers decide 0 <-> 1",
                    "nothing; the model's reading of KEDA (a cpu or memory trigger alone cannot scale from zero)"));
        }
        a.addAll(facts);
        a.addAll(hpa.assumptions());
        return a;
    }

    @Override
    public String backendId() {
        return "kubernetes";
    }

    @Override
    public long nextDecisionMillis() {
        return Math.min(nextPoll, nextHpaSync);
    }

    @Override
    public void observe(long fromMillis, long toMillis, Observation observation) {
        hpa.observe(fromMillis, toMillis, observation);
    }

    @Override
    public List<Assumption> assumptions() {
        return assumptions;
    }

    /** The HPA KEDA creates, as simulated (for tests). */
    HpaAutoscalerModel hpa() {
        return hpa;
    }

    /** Milliseconds between KEDA's polls (for tests). */
    long pollingMillis() {
        return pollingMillis;
    }

    /** The cooldown before 1 -> 0, in milliseconds (for tests). */
    long cooldownMillis() {
        return cooldownMillis;
    }

    /** Each trigger's activation threshold, NaN for cpu/memory triggers (for tests). */
    double[] activationThresholds() {
        double[] out = activationThresholds.clone();
        for (int i = 0; i < out.length; i++) {
            if (!prometheus[i]) {
                out[i] = Double.NaN;
            }
        }
        return out;
    }

    @Override
    public int decide(Observation o) {
        long now = o.nowMillis();
        int current = o.desiredReplicas();
        if (now >= nextPoll) {
            nextPoll = now + pollingMillis;
            int keda = poll(o, now, current);
            if (keda != current) {
                // KEDA's loop and the HPA controller are independent; at the same instant the model lets KEDA's change
                // stand and the HPA's sync of that instant see it at its next sync (an assumption on the order)
                if (nextHpaSync <= now) {
                    nextHpaSync = now + hpaSyncMillis;
                }
                return keda;
            }
        }
        if (now >= nextHpaSync) {
            int desired = hpa.decide(o);
            nextHpaSync = hpa.nextDecisionMillis();
            return desired;
        }
        return current;
    }

    /** One pass of KEDA's scale loop: the replica count it sets, {@code current} for none. */
    private int poll(Observation o, long now, int current) {
        boolean active = false;
        for (int i = 0; i < prometheus.length; i++) {
            if (prometheus[i] && HpaAutoscalerModel.externalTotal(o, triggerSources[i]) > activationThresholds[i]) {
                active = true;
            }
        }
        if (active) {
            lastActiveMillis = now;
            return current == 0 ? hpaMinReplicas : current;
        }
        long since = lastActiveMillis < 0 ? INITIAL_COOLDOWN_MILLIS : lastActiveMillis + cooldownMillis;
        if (current > 0 && minReplicaCount == 0 && since < now) {
            return 0;
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String field) {
        if (!(o instanceof Map<?, ?>)) {
            throw new ConfigurationException("the rendered ScaledObject has no " + field);
        }
        return (Map<String, Object>) o;
    }

    private static int integer(Map<String, Object> m, String key, int absent) {
        Object v = m.get(key);
        return v == null ? absent : ((Number) v).intValue();
    }
}
