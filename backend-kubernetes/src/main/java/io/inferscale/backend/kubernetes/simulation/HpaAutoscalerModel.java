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
 * became ready. Constants: {@link HpaSettings}.
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
    private final HpaPods pods = new HpaPods();
    private final long syncMillis;
    private final long cpuInitializationMillis;
    private final long metricWindowMillis;
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
        normalizer.recordInitialRecommendation(now, current);
        int desired;
        if (current == 0 && minReplicas != 0) {
            return current;
        } else if (current > maxReplicas) {
            desired = maxReplicas;
        } else if (current < minReplicas) {
            desired = minReplicas;
        } else {
            int proposal = -1;
            int invalid = 0;
            for (int i = 0; i < targets.length; i++) {
                int p = propose(o, current, i);
                if (p < 0) {
                    invalid++;
                } else if (p > proposal) {
                    proposal = p;
                }
            }
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
        TargetType type = targets[i];
        pods.clear();
        switch (type) {
            case CPU_UTILIZATION: {
                long now = o.nowMillis();
                long threshold = Math.max(now - cpuInitializationMillis + o.startupMillis(), now - metricWindowMillis);
                int unfresh = 0;
                for (int k = ready - 1; k >= 0 && o.podReadyAtMillis(k) > threshold; k--) {
                    unfresh++;
                }
                if (ready - unfresh == 0) {
                    return -1;
                }
                long value = Math.round(o.cpuPercent() / 100.0 * cpuRequestMilli);
                pods.addPods(ready - unfresh, HpaPods.Phase.RUNNING, true, false, true, cpuRequestMilli, true, value);
                if (unfresh > 0) {
                    pods.addPods(unfresh, HpaPods.Phase.RUNNING, true, true, false, cpuRequestMilli, true, value);
                }
                if (starting > 0) {
                    pods.addPods(starting, HpaPods.Phase.PENDING, false, true, false, cpuRequestMilli, false, 0);
                }
                return calculator.resourceReplicas(current, (int) targetValues[i], true, pods);
            }
            case MEMORY_UTILIZATION: {
                if (ready == 0) {
                    return -1;
                }
                long value = Math.round(o.memoryPercent() / 100.0 * memoryRequestMilli);
                pods.addPods(ready, HpaPods.Phase.RUNNING, true, false, true, memoryRequestMilli, true, value);
                if (starting > 0) {
                    pods.addPods(starting, HpaPods.Phase.PENDING, false, false, false, memoryRequestMilli, false, 0);
                }
                return calculator.resourceReplicas(current, (int) targetValues[i], false, pods);
            }
            default: {
                if (ready == 0) {
                    return -1;
                }
                long value = Math.round(o.value(type) * 1000);
                pods.addPods(ready, HpaPods.Phase.RUNNING, true, false, true, 0, true, value);
                if (starting > 0) {
                    pods.addPods(starting, HpaPods.Phase.PENDING, false, false, false, 0, false, 0);
                }
                return calculator.metricReplicas(current, targetValues[i], pods);
            }
        }
    }
}
