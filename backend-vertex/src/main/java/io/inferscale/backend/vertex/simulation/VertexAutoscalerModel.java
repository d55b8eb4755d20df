package io.inferscale.backend.vertex.simulation;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ScalingTarget;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.Observation;

import java.util.List;

/**
 * Vertex AI online prediction autoscaling of a DeployedModel's replicas, as Vertex documents it:
 * <ol>
 *   <li>every {@code evaluationPeriod} (15 s), each metric recommends {@code ceil(current replicas × current
 *       utilization / target)}, where the current replicas are the ones serving (ready) and the utilization is
 *       their per-replica value in the target's unit (CPU %, accelerator duty cycle %, requests per second...);</li>
 *   <li>the recommendation is the highest over metrics;</li>
 *   <li>the replica count is set to the highest recommendation of the previous {@code stabilizationWindow}
 *       (5 minutes), so it scales up at the first evaluation after a rise and down only once five minutes of
 *       lower recommendations have passed;</li>
 *   <li>clamped to {@code minReplicaCount}/{@code maxReplicaCount} ({@code minReplicas}/{@code maxReplicas}).</li>
 * </ol>
 * With no serving replica a metric has no value and recommends the current count. The {@code behavior} section is
 * not used: Vertex has no such knobs (the Vertex backend reports that). Constants: {@link VertexAutoscalingSettings}.
 */
public final class VertexAutoscalerModel implements AutoscalerModel {

    private final int minReplicas;
    private final int maxReplicas;
    private final TargetType[] types;
    private final double[] inverseTargets;
    private final long periodMillis;
    private final long windowMillis;
    private final long[] recTime;
    private final int[] recValue;
    private int head;
    private int size;
    private long next;

    /**
     * A model for the endpoint's {@code spec.autoscaling}. Vertex always scales on CPU utilization (and, with
     * accelerators, on their duty cycle), at the default target when the spec sets none, next to any request-count
     * target ({@code DedicatedResources.autoscaling_metric_specs} in {@code machine_resources.proto}).
     */
    public VertexAutoscalerModel(InferenceEndpoint endpoint, VertexAutoscalingSettings settings) {
        AutoscalingPolicy policy = endpoint.autoscaling();
        this.minReplicas = Math.max(1, policy.minReplicas());
        this.maxReplicas = policy.maxReplicas();
        List<ScalingTarget> given = new java.util.ArrayList<>(policy.targets());
        if (policy.target(TargetType.CPU_UTILIZATION).isEmpty()) {
            given.add(ScalingTarget.of(TargetType.CPU_UTILIZATION, settings.defaultCpuUtilization()));
        }
        if (endpoint.resources().accelerator().isPresent() && policy.target(TargetType.ACCELERATOR_UTILIZATION).isEmpty()) {
            given.add(ScalingTarget.of(TargetType.ACCELERATOR_UTILIZATION, settings.defaultCpuUtilization()));
        }
        types = new TargetType[given.size()];
        inverseTargets = new double[given.size()];
        for (int i = 0; i < given.size(); i++) {
            types[i] = given.get(i).type();
            inverseTargets[i] = 1.0 / given.get(i).doubleValue();
        }
        periodMillis = settings.evaluationPeriod().toMillis();
        windowMillis = settings.stabilizationWindow().toMillis();
        int capacity = (int) (windowMillis / periodMillis) + 2;
        recTime = new long[capacity];
        recValue = new int[capacity];
    }

    @Override
    public String backendId() {
        return "vertex";
    }

    @Override
    public long nextDecisionMillis() {
        return next;
    }

    @Override
    public int decide(Observation o) {
        long now = o.nowMillis();
        next = now + periodMillis;
        int current = o.readyReplicas();
        int recommendation = 0;
        for (int i = 0; i < types.length; i++) {
            int r = current == 0 ? o.desiredReplicas() : (int) Math.ceil(current * o.value(types[i]) * inverseTargets[i] - 1e-9);
            recommendation = Math.max(recommendation, r);
        }
        // drop recommendations older than the window, then record this one (a ring buffer, wrapped without division)
        int length = recTime.length;
        while (size > 0 && recTime[head] <= now - windowMillis) {
            head = head + 1 == length ? 0 : head + 1;
            size--;
        }
        if (size == length) {
            head = head + 1 == length ? 0 : head + 1;
            size--;
        }
        int slot = head + size;
        if (slot >= length) {
            slot -= length;
        }
        recTime[slot] = now;
        recValue[slot] = recommendation;
        size++;
        int highest = 0;
        for (int k = 0, i = head; k < size; k++) {
            highest = Math.max(highest, recValue[i]);
            i = i + 1 == length ? 0 : i + 1;
        }
        return Math.max(minReplicas, Math.min(maxReplicas, highest));
    }
}
