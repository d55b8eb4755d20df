package io.inferscale.backend.kubernetes.simulation;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricTarget;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ScalingTarget;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.Observation;
import io.inferscale.backend.kubernetes.KubernetesTranslator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Kubernetes HorizontalPodAutoscaler (autoscaling/v2) as the upstream controller
 * ({@code pkg/controller/podautoscaler}, {@value HpaSettings#UPSTREAM_REVISION}) runs it, one reconcile every sync
 * period, on exactly the HPA this module's {@link KubernetesTranslator} renders for the endpoint: its
 * {@code minReplicas}, {@code maxReplicas}, {@code metrics} and {@code behavior}.
 * <ol>
 *   <li>{@code currentReplicas} is the Deployment's {@code spec.replicas}; above {@code maxReplicas} or below
 *       {@code minReplicas} it is set straight to the bound; at 0 with {@code minReplicas > 0} scaling is disabled;</li>
 *   <li>each rendered metric gives a proposal with {@link HpaReplicaCalculator}: {@code Resource} cpu/memory with a
 *       {@code Utilization} target, {@code Pods} metrics with an {@code AverageValue} target, {@code External}
 *       metrics with an {@code AverageValue} ({@code GetExternalPerPodMetricReplicas}) or {@code Value}
 *       ({@code GetExternalMetricReplicas}) target. The highest proposal wins; if any metric cannot be computed
 *       the HPA does not scale down, and if none can it does not scale. Only {@code External} metrics work with
 *       zero pods, so only they scale a {@code minReplicas: 0} endpoint back up;</li>
 *   <li>the proposal is normalized by {@link HpaScaleNormalizer}: the legacy path without {@code behavior},
 *       the behaviour path with it (defaults as {@link HpaScalingRules});</li>
 *   <li>a change is applied at once and stored as a scale event.</li>
 * </ol>
 *
 * <p>What the pods report (the model's assumption, listed by {@link #assumptions()}): a pod being started is
 * {@code Running} but not ready. It has a CPU sample (metrics-server scrapes running containers), which upstream
 * ignores as unready (CPU is the only metric where readiness counts); it has no sample of any other metric yet
 * (it receives no traffic and its exporters are not scraped before it serves), so for those it is a "missing"
 * pod: 0 on a scale-up, the target on a scale-down. For CPU, a ready pod still inside the CPU initialization period
 * is unready until one metric window has passed since it became ready. An {@code External} metric's value is the
 * total over the endpoint: offered requests per second, requests in flight (0 with no ready replica), or the sum
 * of the ready replicas' accelerator utilization.
 *
 * <p>{@code scaleToZero.idleSeconds}: the HPA has no idle timer; the translator renders it as
 * {@code behavior.scaleDown.stabilizationWindowSeconds} (at most 3600) and the model simulates that window.
 *
 * <p>All of a run's pods report the same value, so the model uses the calculator's allocation-free
 * {@code uniform*Replicas} paths, which give the general calculation's results exactly (checked on random inputs).
 * Constants: {@link HpaSettings}.
 */
public final class HpaAutoscalerModel implements AutoscalerModel {

    /** How the HPA computes one metric. */
    enum Kind { CPU, MEMORY, PODS, EXTERNAL_AVERAGE_VALUE, EXTERNAL_VALUE }

    private final int minReplicas;
    private final int maxReplicas;
    private final Kind[] kinds;
    private final TargetType[] sources;
    private final long[] targetValues;
    private final long cpuRequestMilli;
    private final long memoryRequestMilli;
    private final boolean hasBehavior;
    private final HpaScalingRules scaleUp;
    private final HpaScalingRules scaleDown;
    private final HpaReplicaCalculator calculator;
    private final HpaScaleNormalizer normalizer;
    private final long syncMillis;
    private final long cpuInitializationMillis;
    private final long metricWindowMillis;
    private final double cpuMilliPerPercent;
    private final double memoryMilliPerPercent;
    private final List<Assumption> assumptions;
    // the last inputs and answer of each metric's calculation
    private final int[] lastCurrent;
    private final int[] lastA;
    private final int[] lastB;
    private final int[] lastC;
    private final long[] lastValue;
    private final int[] lastProposal;
    private long next;

    /**
     * A model for the endpoint as the default translator renders it.
     *
     * @throws ConfigurationException when a CPU or memory target has no matching request in {@code spec.resources.requests}
     */
    public HpaAutoscalerModel(InferenceEndpoint endpoint, HpaSettings settings) {
        this(endpoint, new KubernetesTranslator().translateHpa(endpoint).hpa(), settings);
    }

    /**
     * A model of the rendered {@code hpa} for {@code endpoint} (whose {@code spec.resources.requests} give the pods'
     * requests). The HPA's metrics must be those the translator renders for the endpoint's targets, in order.
     *
     * @throws ConfigurationException when a CPU or memory target has no matching request, or the HPA has a metric
     *                                the model does not simulate
     */
    public HpaAutoscalerModel(InferenceEndpoint endpoint, HorizontalPodAutoscaler hpa, HpaSettings settings) {
        HorizontalPodAutoscalerSpec spec = hpa.getSpec();
        this.minReplicas = spec.getMinReplicas() == null ? 1 : spec.getMinReplicas();
        this.maxReplicas = spec.getMaxReplicas();
        List<MetricSpec> metrics = spec.getMetrics() == null ? List.of() : spec.getMetrics();
        List<ScalingTarget> targets = endpoint.autoscaling().targets();
        int n = metrics.isEmpty() ? 1 : metrics.size();
        this.kinds = new Kind[n];
        this.sources = new TargetType[n];
        this.targetValues = new long[n];
        List<Assumption> facts = new ArrayList<>();
        if (metrics.isEmpty()) {
            // autoscaling/v2 defaulting (SetDefaults_HorizontalPodAutoscaler): a CPU target of 80 %
            kinds[0] = Kind.CPU;
            sources[0] = TargetType.CPU_UTILIZATION;
            targetValues[0] = settings.defaultCpuUtilization();
            facts.add(new Assumption("scales on", "Resource cpu Utilization " + targetValues[0] + "% (no metric rendered)",
                    "autoscaling/v2 defaulting, pkg/apis/autoscaling/v2/defaults.go; override with --setting kubernetes.defaultCpuUtilization=N"));
        } else if (metrics.size() != targets.size()) {
            throw new ConfigurationException("the rendered HPA has " + metrics.size() + " metrics for " + targets.size()
                    + " targets in spec.autoscaling.targets; the model simulates one metric per target");
        }
        for (int i = 0; i < metrics.size(); i++) {
            read(i, metrics.get(i), targets.get(i).type(), facts);
        }
        this.cpuRequestMilli = endpoint.resources().requests().cpu().map(io.inferscale.api.Quantity::millis).orElse(-1L);
        this.memoryRequestMilli = endpoint.resources().requests().memory().map(io.inferscale.api.Quantity::millis).orElse(-1L);
        for (Kind k : kinds) {
            if (k == Kind.CPU && cpuRequestMilli <= 0) {
                throw new ConfigurationException("spec.resources.requests.cpu is required: the HPA measures "
                        + TargetType.CPU_UTILIZATION.field() + " against the pods' CPU request (upstream fails with 'missing request for cpu')");
            }
            if (k == Kind.MEMORY && memoryRequestMilli <= 0) {
                throw new ConfigurationException("spec.resources.requests.memory is required: the HPA measures "
                        + TargetType.MEMORY_UTILIZATION.field() + " against the pods' memory request");
            }
        }
        HorizontalPodAutoscalerBehavior behavior = spec.getBehavior();
        this.hasBehavior = behavior != null;
        int downSeconds = (int) settings.downscaleStabilization().toSeconds();
        this.scaleUp = HpaScalingRules.renderedScaleUp(behavior == null ? null : behavior.getScaleUp());
        this.scaleDown = HpaScalingRules.renderedScaleDown(behavior == null ? null : behavior.getScaleDown(), downSeconds);
        this.calculator = new HpaReplicaCalculator(settings.tolerance());
        this.normalizer = new HpaScaleNormalizer(settings.downscaleStabilization().toMillis(), settings.scaleUpLimitFactor(),
                settings.scaleUpLimitMinimum());
        this.syncMillis = settings.syncPeriod().toMillis();
        this.cpuInitializationMillis = settings.cpuInitializationPeriod().toMillis();
        this.metricWindowMillis = settings.metricWindow().toMillis();
        this.cpuMilliPerPercent = cpuRequestMilli / 100.0;
        this.memoryMilliPerPercent = memoryRequestMilli / 100.0;
        this.assumptions = List.copyOf(constants(settings, facts));
        this.lastCurrent = new int[n];
        Arrays.fill(lastCurrent, -1);
        this.lastA = new int[n];
        this.lastB = new int[n];
        this.lastC = new int[n];
        this.lastValue = new long[n];
        this.lastProposal = new int[n];
    }

    /** Reads rendered metric {@code i}, produced for a neutral target of type {@code source}. */
    private void read(int i, MetricSpec m, TargetType source, List<Assumption> facts) {
        sources[i] = source;
        String type = m.getType();
        String rendered = "https://kubernetes.io/docs/concepts/workloads/autoscale/horizontal-pod-autoscale/ (algorithm); rendered by "
                + "the kubernetes translator for " + source.path();
        if ("Resource".equals(type) && m.getResource() != null && "Utilization".equals(m.getResource().getTarget().getType())) {
            String name = m.getResource().getName();
            kinds[i] = "cpu".equals(name) ? Kind.CPU : "memory".equals(name) ? Kind.MEMORY : null;
            if (kinds[i] == null) {
                throw unsupported(m);
            }
            targetValues[i] = m.getResource().getTarget().getAverageUtilization();
            facts.add(new Assumption("scales on", "Resource " + name + " Utilization " + targetValues[i] + "%", rendered));
        } else if ("Pods".equals(type) && m.getPods() != null && "AverageValue".equals(m.getPods().getTarget().getType())) {
            kinds[i] = Kind.PODS;
            targetValues[i] = milli(m.getPods().getTarget().getAverageValue());
            facts.add(new Assumption("scales on", "Pods " + m.getPods().getMetric().getName() + " AverageValue "
                    + m.getPods().getTarget().getAverageValue(), rendered));
        } else if ("External".equals(type) && m.getExternal() != null) {
            MetricTarget t = m.getExternal().getTarget();
            if ("AverageValue".equals(t.getType())) {
                kinds[i] = Kind.EXTERNAL_AVERAGE_VALUE;
                targetValues[i] = milli(t.getAverageValue());
            } else if ("Value".equals(t.getType())) {
                kinds[i] = Kind.EXTERNAL_VALUE;
                targetValues[i] = milli(t.getValue());
            } else {
                throw unsupported(m);
            }
            facts.add(new Assumption("scales on", "External " + m.getExternal().getMetric().getName() + " " + t.getType() + " "
                    + (kinds[i] == Kind.EXTERNAL_VALUE ? t.getValue() : t.getAverageValue()), rendered));
        } else {
            throw unsupported(m);
        }
    }

    private static ConfigurationException unsupported(MetricSpec m) {
        return new ConfigurationException("the rendered HPA has a " + m.getType() + " metric the simulator does not model: " + m);
    }

    private static long milli(Quantity q) {
        return Quantity.getAmountInBytes(q).movePointRight(3).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
    }

    /** The constants that decide the run, each with its source. */
    private List<Assumption> constants(HpaSettings s, List<Assumption> facts) {
        String flags = "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/";
        String algorithm = "https://kubernetes.io/docs/concepts/workloads/autoscale/horizontal-pod-autoscale/";
        List<Assumption> a = new ArrayList<>(facts);
        a.add(new Assumption("HPA sync period", seconds(s.syncPeriod().toMillis()),
                "--horizontal-pod-autoscaler-sync-period default, " + flags));
        a.add(new Assumption("HPA tolerance", s.tolerance() + " (no change while 1 - t <= ratio <= 1 + t)",
                "--horizontal-pod-autoscaler-tolerance default, " + flags + "; inclusive bounds: replica_calculator.go Tolerances.isWithin ("
                        + HpaSettings.UPSTREAM_REVISION + ")"));
        a.add(new Assumption("HPA scale-down stabilization", seconds(scaleDown.stabilizationWindowSeconds * 1000L)
                + (hasBehavior ? " (behavior.scaleDown)" : " (highest recommendation of the window)"),
                hasBehavior ? "rendered behavior.scaleDown.stabilizationWindowSeconds, or its default " + algorithm + "#default-behavior"
                        : "--horizontal-pod-autoscaler-downscale-stabilization default, " + algorithm + "#stabilization-window"));
        if (hasBehavior) {
            a.add(new Assumption("HPA scale-up stabilization", seconds(scaleUp.stabilizationWindowSeconds * 1000L),
                    "rendered behavior.scaleUp, or its default " + algorithm + "#default-behavior"));
        } else {
            a.add(new Assumption("HPA scale-up limit", "max(" + s.scaleUpLimitFactor() + " x current, " + (int) s.scaleUpLimitMinimum()
                    + ") per sync", "scaleUpLimitFactor, scaleUpLimitMinimum in horizontal.go (" + HpaSettings.UPSTREAM_REVISION + ")"));
        }
        a.add(new Assumption("HPA CPU initialization period", seconds(s.cpuInitializationPeriod().toMillis()),
                "--horizontal-pod-autoscaler-cpu-initialization-period default, " + flags));
        a.add(Assumption.assumed("HPA metric window", seconds(s.metricWindow().toMillis())
                + " (a new pod's CPU counts one window after it is ready)", "--setting kubernetes.metricWindow=DURATION (metrics-server --metric-resolution)"));
        a.add(Assumption.assumed("starting pods' metrics", "Running, not ready: a CPU sample (ignored as unready), no sample of other metrics "
                + "(missing: 0 on a scale-up, the target on a scale-down)", "nothing; the model's reading of groupPods for a pod loading its model"));
        return a;
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    @Override
    public String backendId() {
        return "kubernetes";
    }

    @Override
    public long nextDecisionMillis() {
        return next;
    }

    /** The rendered metrics as the model simulates them: kind, target (% or milli-units), in the HPA's order (for tests). */
    List<String> simulatedMetrics() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < kinds.length; i++) {
            out.add(kinds[i] + " " + targetValues[i]);
        }
        return out;
    }

    /**
     * Each metric the HPA scales on, as rendered (type, name, target type and value, with the page describing the
     * algorithm), then the deciding constants with their sources, and what the model assumes about starting pods.
     */
    @Override
    public List<Assumption> assumptions() {
        return assumptions;
    }

    /** The normalizer's state, for tests. */
    HpaScaleNormalizer normalizer() {
        return normalizer;
    }

    @Override
    public int decide(Observation o) {
        long now = o.nowMillis();
        next = now + syncMillis;
        int current = o.desiredReplicas();
        int proposal = -1;
        int invalid = 0;
        if (!(current == 0 && minReplicas != 0) && current <= maxReplicas && current >= minReplicas) {
            for (int i = 0; i < kinds.length; i++) {
                int p = propose(o, current, i);
                if (p < 0) {
                    invalid++;
                } else if (p > proposal) {
                    proposal = p;
                }
            }
        }
        return reconcile(now, current, proposal, invalid);
    }

    /**
     * Upstream {@code reconcileAutoscaler} from the metrics' proposals on: bounds, the rule for failed metrics,
     * normalization, and the scale event.
     *
     * @param proposal the highest proposal over the metrics that could be computed, -1 when none could
     * @param invalid  how many metrics could not be computed
     * @return the replica count the HPA sets
     */
    int reconcile(long now, int current, int proposal, int invalid) {
        normalizer.recordInitialRecommendation(now, current);
        int desired;
        if (current == 0 && minReplicas != 0) {
            return current;
        } else if (current > maxReplicas) {
            desired = maxReplicas;
        } else if (current < minReplicas) {
            desired = minReplicas;
        } else {
            if (invalid >= kinds.length || (invalid > 0 && proposal < current)) {
                return current;
            }
            desired = hasBehavior
                    ? normalizer.normalizeDesiredReplicasWithBehaviors(now, scaleUp, scaleDown, current, proposal, minReplicas, maxReplicas)
                    : normalizer.normalizeDesiredReplicas(now, current, proposal, minReplicas, maxReplicas);
        }
        if (desired != current) {
            normalizer.storeScaleEvent(now, hasBehavior, scaleUp, scaleDown, current, desired);
        }
        return desired;
    }

    /** One metric's proposal, or -1 when upstream would fail to compute it. */
    private int propose(Observation o, int current, int i) {
        int ready = o.readyReplicas();
        int starting = o.podCount() - ready;
        int a;
        int b;
        int c;
        long value;
        switch (kinds[i]) {
            case CPU: {
                long now = o.nowMillis();
                long threshold = Math.max(now - cpuInitializationMillis + o.startupMillis(), now - metricWindowMillis);
                int unfresh = 0;
                for (int k = ready - 1; k >= 0 && o.podReadyAtMillis(k) > threshold; k--) {
                    unfresh++;
                }
                a = ready - unfresh;
                b = unfresh + starting;
                c = 0;
                value = milli(o.cpuPercent() * cpuMilliPerPercent);
                break;
            }
            case MEMORY:
                a = ready;
                b = 0;
                c = starting;
                value = milli(o.memoryPercent() * memoryMilliPerPercent);
                break;
            case PODS:
                a = ready;
                b = 0;
                c = starting;
                value = milli(o.value(sources[i]) * 1000);
                break;
            default:
                a = o.podCount();
                b = ready;
                c = 0;
                value = milli(externalTotal(o, sources[i]) * 1000);
                break;
        }
        // the calculation is a pure function of these inputs: reuse the last answer while they repeat
        if (lastCurrent[i] == current && lastA[i] == a && lastB[i] == b && lastC[i] == c && lastValue[i] == value) {
            return lastProposal[i];
        }
        int proposal = switch (kinds[i]) {
            case CPU -> calculator.uniformResourceReplicas(current, (int) targetValues[i], a, b, c, cpuRequestMilli, value);
            case MEMORY -> calculator.uniformResourceReplicas(current, (int) targetValues[i], a, b, c, memoryRequestMilli, value);
            case PODS -> calculator.uniformMetricReplicas(current, targetValues[i], a, b, c, value);
            case EXTERNAL_AVERAGE_VALUE -> calculator.averageValueReplicas(a, targetValues[i], value);
            case EXTERNAL_VALUE -> calculator.valueReplicas(current, targetValues[i], value, a, b);
        };
        lastCurrent[i] = current;
        lastA[i] = a;
        lastB[i] = b;
        lastC[i] = c;
        lastValue[i] = value;
        lastProposal[i] = proposal;
        return proposal;
    }

    /** An External metric's value: the total over the endpoint, in the target's neutral unit (also KEDA's trigger value). */
    static double externalTotal(Observation o, TargetType source) {
        return switch (source) {
            case REQUESTS_PER_SECOND -> o.demandRps();
            case CONCURRENT_REQUESTS -> o.concurrencyPerReplica() * o.readyReplicas();
            case ACCELERATOR_UTILIZATION -> o.acceleratorPercent() * o.readyReplicas();
            case CPU_UTILIZATION -> o.cpuPercent() * o.readyReplicas();
            case MEMORY_UTILIZATION -> o.memoryPercent() * o.readyReplicas();
            case QUEUE_DEPTH -> o.queueDepthPerReplica() * o.readyReplicas();
            case TOKENS_PER_SECOND -> o.tokensPerSecondPerReplica() * o.readyReplicas();
        };
    }

    /** Rounds a non-negative value to the nearest whole milli-unit. */
    private static long milli(double v) {
        return (long) (v + 0.5);
    }
}
