package io.inferscale.api.simulation;

import io.inferscale.api.TargetType;

/**
 * What an {@link AutoscalerModel} can see at one instant of a simulation: the replica counts, every pod's
 * readiness time and the per-replica metrics of the ready replicas. Metrics are constant from one call to the
 * next (the engine calls the model at every change), so a model can average them over time exactly.
 *
 * <p>The simulator (module {@code inferscale-simulator}) implements this interface; a model only reads it. One
 * instance is reused for the whole run and changes in place: read it during the call, do not keep it.
 * All times are milliseconds since the start of the simulation.
 */
public interface Observation {

    /** The current time. */
    long nowMillis();

    /** Offered requests per second (the trace). */
    double demandRps();

    /** Requests per second the ready replicas serve. */
    double servedRps();

    /** The replica count last set by the autoscaler (the Deployment's {@code spec.replicas}, SageMaker's desired instance count). */
    default int desiredReplicas() {
        return podCount();
    }

    /** Replicas serving traffic. */
    int readyReplicas();

    /** Replicas created but not ready yet. */
    default int startingReplicas() {
        return podCount() - readyReplicas();
    }

    /** Number of replicas (pods, instances), ready or not; the same as {@link #desiredReplicas()}. */
    int podCount();

    /**
     * When pod {@code i} (0 = oldest) became or will become ready. Pods are ordered by creation; ready pods come
     * first. Long-running initial pods report a time one hour before the start.
     *
     * @throws IndexOutOfBoundsException when {@code i} is not in {@code [0, podCount())}
     */
    long podReadyAtMillis(int i);

    /** When pod {@code i} was created: its ready time minus the startup time. */
    default long podCreatedAtMillis(int i) {
        return podReadyAtMillis(i) - startupMillis();
    }

    /** The startup time in force for this run. */
    long startupMillis();

    /** Average CPU utilization of ready replicas, % of the CPU request; 0 with no ready replica. */
    double cpuPercent();

    /** Average memory utilization of ready replicas, % of the memory request. */
    double memoryPercent();

    /**
     * Requests per second <em>offered</em> per ready replica (demand / ready replicas): request-count metrics such as
     * SageMaker's {@code InvocationsPerInstance} count every request that arrives, including those a saturated
     * replica cannot serve in time. 0 with no ready replica.
     */
    double rpsPerReplica();

    /** Requests in flight per ready replica (Little's law on offered load). */
    double concurrencyPerReplica();

    /** Accelerator utilization % per ready replica. */
    double acceleratorPercent();

    /**
     * Requests waiting in the model server's queue per ready replica: the share of the requests in flight
     * ({@link #concurrencyPerReplica()}) that the ready replicas cannot serve at their capacity, by Little's law
     * {@code (demand - served) / ready * latency}. 0 while the ready replicas keep up and with no ready replica.
     */
    double queueDepthPerReplica();

    /**
     * Generated (output) tokens per second per ready replica: the trace's output tokens per second, times the share of its
     * requests the ready replicas serve, over the ready replicas. 0 with no ready replica.
     *
     * @throws IllegalStateException when the trace carries no output tokens per request (a rate trace, or a request log
     *                               without a column such as {@code GeneratedTokens}); a simulation refuses a
     *                               tokens-per-second target on such a trace before it starts
     */
    double tokensPerSecondPerReplica();

    /**
     * The per-replica value of a target's metric, in the target's neutral unit.
     *
     * @throws IllegalStateException for {@link TargetType#TOKENS_PER_SECOND} on a trace without output tokens
     */
    default double value(TargetType type) {
        return switch (type) {
            case CPU_UTILIZATION -> cpuPercent();
            case MEMORY_UTILIZATION -> memoryPercent();
            case REQUESTS_PER_SECOND -> rpsPerReplica();
            case CONCURRENT_REQUESTS -> concurrencyPerReplica();
            case ACCELERATOR_UTILIZATION -> acceleratorPercent();
            case QUEUE_DEPTH -> queueDepthPerReplica();
            case TOKENS_PER_SECOND -> tokensPerSecondPerReplica();
        };
    }
}
