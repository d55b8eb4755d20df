package io.inferscale.api.simulation;

import io.inferscale.api.TargetType;

/**
 * What an {@link AutoscalerModel} can see at one instant of a simulation: the replica counts, every pod's
 * readiness time and the per-replica metrics of the ready replicas. Metrics are constant from one call to the
 * next (the engine calls the model at every change), so a model can average them over time exactly.
 *
 * <p>One instance is reused for the whole run and changes in place: read it during the call, do not keep it.
 * All times are milliseconds since the start of the simulation.
 */
public final class Observation {

    long nowMillis;
    double demandRps;
    double servedRps;
    int readyReplicas;
    int podCount;
    long[] podReadyAtMillis = new long[0];
    long startupMillis;
    double cpuPercent;
    double memoryPercent;
    double rpsPerReplica;
    double concurrencyPerReplica;
    double acceleratorPercent;

    Observation() {
    }

    /** The current time. */
    public long nowMillis() {
        return nowMillis;
    }

    /** Offered requests per second (the trace). */
    public double demandRps() {
        return demandRps;
    }

    /** Requests per second the ready replicas serve. */
    public double servedRps() {
        return servedRps;
    }

    /** The replica count last set by the autoscaler (the Deployment's {@code spec.replicas}, SageMaker's desired instance count). */
    public int desiredReplicas() {
        return podCount;
    }

    /** Replicas serving traffic. */
    public int readyReplicas() {
        return readyReplicas;
    }

    /** Replicas created but not ready yet. */
    public int startingReplicas() {
        return podCount - readyReplicas;
    }

    /** Number of replicas (pods, instances), ready or not; the same as {@link #desiredReplicas()}. */
    public int podCount() {
        return podCount;
    }

    /**
     * When pod {@code i} (0 = oldest) became or will become ready. Pods are ordered by creation; ready pods come
     * first. Long-running initial pods report a time one hour before the start.
     */
    public long podReadyAtMillis(int i) {
        if (i < 0 || i >= podCount) {
            throw new IndexOutOfBoundsException("pod " + i + " of " + podCount);
        }
        return podReadyAtMillis[i];
    }

    /** When pod {@code i} was created: its ready time minus the startup time. */
    public long podCreatedAtMillis(int i) {
        return podReadyAtMillis(i) - startupMillis;
    }

    /** The startup time in force for this run. */
    public long startupMillis() {
        return startupMillis;
    }

    /** Average CPU utilization of ready replicas, % of the CPU request; 0 with no ready replica. */
    public double cpuPercent() {
        return cpuPercent;
    }

    /** Average memory utilization of ready replicas, % of the memory request. */
    public double memoryPercent() {
        return memoryPercent;
    }

    /**
     * Requests per second <em>offered</em> per ready replica (demand / ready replicas): request-count metrics such as
     * SageMaker's {@code InvocationsPerInstance} count every request that arrives, including those a saturated
     * replica cannot serve in time. 0 with no ready replica.
     */
    public double rpsPerReplica() {
        return rpsPerReplica;
    }

    /** Requests in flight per ready replica (Little's law on offered load). */
    public double concurrencyPerReplica() {
        return concurrencyPerReplica;
    }

    /** Accelerator utilization % per ready replica. */
    public double acceleratorPercent() {
        return acceleratorPercent;
    }

    /** The per-replica value of a target's metric, in the target's neutral unit. */
    public double value(TargetType type) {
        switch (type) {
            case CPU_UTILIZATION:
                return cpuPercent;
            case MEMORY_UTILIZATION:
                return memoryPercent;
            case REQUESTS_PER_SECOND:
                return rpsPerReplica;
            case CONCURRENT_REQUESTS:
                return concurrencyPerReplica;
            case ACCELERATOR_UTILIZATION:
                return acceleratorPercent;
            default:
                throw new IllegalArgumentException("unknown target type " + type);
        }
    }

    @Override
    public String toString() {
        return "Observation{t=" + nowMillis + "ms, demand=" + demandRps + ", served=" + servedRps + ", ready=" + readyReplicas
                + ", pods=" + podCount + ", cpu=" + cpuPercent + "%}";
    }
}
