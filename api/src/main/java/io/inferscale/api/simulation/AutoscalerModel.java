package io.inferscale.api.simulation;

/**
 * One run's autoscaler: a stateful model of how a backend's autoscaler turns metrics into a replica count.
 * Created per run by {@link AutoscalerModelProvider#create(ModelContext)}; never shared between runs or threads.
 *
 * <p>The engine drives it with two calls, always in time order:
 * <ul>
 *   <li>{@link #observe} for every interval over which the observation is constant (between two events:
 *       a trace change, a replica becoming ready, a decision, an output tick), so models that aggregate
 *       metrics over periods (CloudWatch's one-minute average) can do it exactly;</li>
 *   <li>{@link #decide} at exactly {@link #nextDecisionMillis()}, returning the replica count the autoscaler
 *       sets. The engine creates replicas for an increase (ready after the startup time) and removes the
 *       newest (not-ready first) for a decrease.</li>
 * </ul>
 *
 * <p>Implementations must not allocate per call on the hot path: pre-size buffers when created.
 */
public interface AutoscalerModel {

    /** The backend id this model imitates, e.g. {@code kubernetes}. */
    String backendId();

    /** When the model next wants {@link #decide} called, in milliseconds from the start; the first call is at or after 0. */
    long nextDecisionMillis();

    /**
     * The observation holds, unchanged, from {@code fromMillis} (inclusive) to {@code toMillis} (exclusive).
     * Default: ignored.
     */
    default void observe(long fromMillis, long toMillis, Observation observation) {
    }

    /**
     * Decides at {@code observation.nowMillis()} (equal to the last {@link #nextDecisionMillis()}).
     *
     * @return the replica count to set, 0 or more; return {@code observation.desiredReplicas()} for no change
     */
    int decide(Observation observation);

    /**
     * How long the replicas created by the {@link #decide} call just made take to become ready, in milliseconds. The
     * engine asks right after a decision that raises the count from {@code fromReplicas}. Default: the run's startup
     * ({@code runStartupMillis}, see {@code Simulation}). A model whose cloud takes longer (or shorter) to start from zero
     * replicas than to add one returns its cold-start time for {@code fromReplicas == 0}, and lists it among its
     * {@link #assumptions()}. ({@link Observation#podCreatedAtMillis} still subtracts the run's startup from such a replica's
     * ready time.)
     *
     * @param fromReplicas     the replica count before the decision
     * @param runStartupMillis the run's startup time
     * @return 0 or more
     */
    default long startupMillis(int fromReplicas, long runStartupMillis) {
        return runStartupMillis;
    }

    /**
     * What this run's model scales on and the constants that decide its result, each with its source: the
     * metrics and targets it tracks (exactly those the backend renders), periods, windows, cooldowns.
     * Shown in the simulate table, JSON and report. Default: none.
     */
    default java.util.List<Assumption> assumptions() {
        return java.util.List.of();
    }
}
