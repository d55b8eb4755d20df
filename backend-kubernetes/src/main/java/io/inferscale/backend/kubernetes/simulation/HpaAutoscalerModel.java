package io.inferscale.backend.kubernetes.simulation;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.Quantity;
import io.inferscale.api.ScalingBehavior;
import io.inferscale.api.ScalingTarget;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.Observation;

import java.util.List;

/**
 * The Kubernetes HorizontalPodAutoscaler (autoscaling/v2) as the upstream controller
 * ({@code pkg/controller/podautoscaler}) runs it, one reconcile every sync period:
 * <ol>
 *   <li>{@code currentReplicas} is the Deployment's {@code spec.replicas}; above {@code maxReplicas} or below
 *       {@code minReplicas} it is set straight to the bound;</li>
 *   <li>each target gives a proposal with {@link HpaReplicaCalculator} — CPU and memory as {@code Resource}
 *       metrics with a {@code Utilization} target, requests per second, concurrency and accelerator utilization
 *       as {@code Pods} metrics with an {@code AverageValue} target (as this module's translator renders them) —
 *       and the highest proposal wins; if any metric cannot be computed the HPA does not scale down, and if none
 *       can it does not scale;</li>
 *   <li>the proposal is normalized by {@link HpaScaleNormalizer}: the legacy path without {@code behavior},
 *       the behaviour path with it (defaults as {@link HpaScalingRules});</li>
 *   <li>a change is applied at once and stored as a scale event.</li>
 * </ol>
 * Pods being started count as {@code Pending} (ignored, and treated as using nothing on a scale-up). For CPU, a
 * ready pod still inside the CPU initialization period is ignored until one metric window has passed since it
 * became ready. All of a run's pods report the same value, so the model uses the calculator's allocation-free
 * {@code uniform*Replicas} paths, which give the general calculation's results exactly (checked on random inputs).
 * Constants: {@link HpaSettings}.
 */
public final class HpaAutoscalerModel implements AutoscalerModel {

    private final HpaSettings settings;
    private final int minReplicas;
    private final int maxReplicas;
    private final TargetType[] targets;
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
    private final int[] lastCurrent;
    private final int[] lastCounted;
    private final int[] lastIgnored;
    private final long[] lastValue;
    private final int[] lastProposal;
    private long next;

    /**
     * A model for the endpoint's {@code spec.autoscaling} and {@code spec.resources}.
     *
     * @throws ConfigurationException when a CPU or memory target has no matching request in {@code spec.resources.requests}
     */
    public HpaAutoscalerModel(InferenceEndpoint endpoint, HpaSettings settings) {
        this.settings = settings;
        AutoscalingPolicy policy = endpoint.autoscaling();
        this.minReplicas = policy.minReplicas();
        this.maxReplicas = policy.maxReplicas();
        List<ScalingTarget> given = policy.targets();
        if (given.isEmpty()) {
            given = List.of(ScalingTarget.of(TargetType.CPU_UTILIZATION, settings.defaultCpuUtilization()));
        }
        this.targets = new TargetType[given.size()];
        this.targetValues = new long[given.size()];
        for (int i = 0; i < given.size(); i++) {
            ScalingTarget t = given.get(i);
            targets[i] = t.type();
            targetValues[i] = t.type() == TargetType.CPU_UTILIZATION || t.type() == TargetType.MEMORY_UTILIZATION
                    ? t.value().longValue() : Math.round(t.doubleValue() * 1000);
        }
        this.cpuRequestMilli = endpoint.resources().requests().cpu().map(Quantity::millis).orElse(-1L);
        this.memoryRequestMilli = endpoint.resources().requests().memory().map(Quantity::millis).orElse(-1L);
        for (TargetType t : targets) {
            if (t == TargetType.CPU_UTILIZATION && cpuRequestMilli <= 0) {
                throw new ConfigurationException("spec.resources.requests.cpu is required: the HPA measures "
                        + TargetType.CPU_UTILIZATION.field() + " against the pods' CPU request (upstream fails with 'missing request for cpu')");
            }
            if (t == TargetType.MEMORY_UTILIZATION && memoryRequestMilli <= 0) {
                throw new ConfigurationException("spec.resources.requests.memory is required: the HPA measures "
                        + TargetType.MEMORY_UTILIZATION.field() + " against the pods' memory request");
            }
        }
        ScalingBehavior behavior = policy.behavior();
        this.hasBehavior = !behavior.isEmpty();
        int downSeconds = (int) settings.downscaleStabilization().toSeconds();
        this.scaleUp = HpaScalingRules.scaleUp(behavior.scaleUp().orElse(null));
        this.scaleDown = HpaScalingRules.scaleDown(behavior.scaleDown().orElse(null), downSeconds);
        this.calculator = new HpaReplicaCalculator(settings.tolerance());
        this.normalizer = new HpaScaleNormalizer(settings.downscaleStabilization().toMillis(), settings.scaleUpLimitFactor(),
                settings.scaleUpLimitMinimum());
        this.syncMillis = settings.syncPeriod().toMillis();
        this.cpuInitializationMillis = settings.cpuInitializationPeriod().toMillis();
        this.metricWindowMillis = settings.metricWindow().toMillis();
        this.cpuMilliPerPercent = cpuRequestMilli / 100.0;
        this.memoryMilliPerPercent = memoryRequestMilli / 100.0;
        this.lastCurrent = new int[targets.length];
        java.util.Arrays.fill(lastCurrent, -1);
        this.lastCounted = new int[targets.length];
        this.lastIgnored = new int[targets.length];
        this.lastValue = new long[targets.length];
        this.lastProposal = new int[targets.length];
    }

    @Override
    public String backendId() {
        return "kubernetes";
    }

    @Override
    public long nextDecisionMillis() {
        return next;
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
            for (int i = 0; i < targets.length; i++) {
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
            if (invalid >= targets.length || (invalid > 0 && proposal < current)) {
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
        int counted;
        int ignored;
        long value;
        switch (targets[i]) {
            case CPU_UTILIZATION: {
                long now = o.nowMillis();
                long threshold = Math.max(now - cpuInitializationMillis + o.startupMillis(), now - metricWindowMillis);
                int unfresh = 0;
                for (int k = ready - 1; k >= 0 && o.podReadyAtMillis(k) > threshold; k--) {
                    unfresh++;
                }
                counted = ready - unfresh;
                ignored = unfresh + starting;
                value = milli(o.cpuPercent() * cpuMilliPerPercent);
                break;
            }
            case MEMORY_UTILIZATION:
                counted = ready;
                ignored = starting;
                value = milli(o.memoryPercent() * memoryMilliPerPercent);
                break;
            default:
                counted = ready;
                ignored = starting;
                value = milli(o.value(targets[i]) * 1000);
                break;
        }
        // the calculation is a pure function of these inputs: reuse the last answer while they repeat
        if (lastCurrent[i] == current && lastCounted[i] == counted && lastIgnored[i] == ignored && lastValue[i] == value) {
            return lastProposal[i];
        }
        int proposal = switch (targets[i]) {
            case CPU_UTILIZATION -> calculator.uniformResourceReplicas(current, (int) targetValues[i], counted, ignored, cpuRequestMilli, value);
            case MEMORY_UTILIZATION -> calculator.uniformResourceReplicas(current, (int) targetValues[i], counted, ignored, memoryRequestMilli,
                    value);
            default -> calculator.uniformMetricReplicas(current, targetValues[i], counted, ignored, value);
        };
        lastCurrent[i] = current;
        lastCounted[i] = counted;
        lastIgnored[i] = ignored;
        lastValue[i] = value;
        lastProposal[i] = proposal;
        return proposal;
    }

    /** Rounds a non-negative value to the nearest whole milli-unit. */
    private static long milli(double v) {
        return (long) (v + 0.5);
    }
}
