package io.inferscale.api.backend;

/**
 * How {@link Backend#applyAll} and {@link Backend#planAll} work through a fleet.
 *
 * @param concurrency how many endpoints are planned or applied at the same time, at most (threads of the call's own
 *                    pool, created per call and shut down before it returns); {@value #DEFAULT_CONCURRENCY} by default,
 *                    from 1 ({@link #sequential()}) to {@value #MAX_CONCURRENCY}. Each in-flight endpoint holds about one
 *                    connection of the backend's client, so a backend with a sized connection pool serves this many
 *                    without opening more (see the backend's Javadoc)
 */
public record FleetOptions(int concurrency) {

    /**
     * The default concurrency: 8 endpoints at a time. An assumption (no cloud documents a figure), chosen to keep each
     * cloud's request rate modest (8 requests in flight) while hiding most of the round trip; the fleet benchmarks in
     * {@code BENCHMARKS.md} run with it.
     */
    public static final int DEFAULT_CONCURRENCY = 8;
    /** The largest concurrency accepted. */
    public static final int MAX_CONCURRENCY = 256;
    /** {@value #DEFAULT_CONCURRENCY} endpoints at a time. */
    public static final FleetOptions DEFAULT = new FleetOptions(DEFAULT_CONCURRENCY);

    /**
     * @throws IllegalArgumentException when {@code concurrency} is not within 1..{@value #MAX_CONCURRENCY}, naming it
     */
    public FleetOptions {
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException("concurrency was " + concurrency + " but it must be between 1 and " + MAX_CONCURRENCY
                    + " (endpoints planned or applied at the same time; default " + DEFAULT_CONCURRENCY + ")");
        }
    }

    /** One endpoint at a time, in the order given. */
    public static FleetOptions sequential() {
        return new FleetOptions(1);
    }

    /** These options with another {@code concurrency} (validated as by the constructor). */
    public FleetOptions withConcurrency(int concurrency) {
        return new FleetOptions(concurrency);
    }
}
