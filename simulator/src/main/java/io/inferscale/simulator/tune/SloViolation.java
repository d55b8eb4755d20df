package io.inferscale.simulator.tune;

import java.util.Objects;

/**
 * One SLO constraint a run breaks.
 *
 * @param key    the SLO key, e.g. {@code max-unserved}
 * @param limit  the limit, as text ({@code 0.50%}, {@code 5m})
 * @param actual what the run did, as text
 * @param excess how far over the limit, relative: {@code actual / limit - 1} (infinite for a zero limit)
 */
public record SloViolation(String key, String limit, String actual, double excess) {

    /** Rejects nulls. */
    public SloViolation {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(actual, "actual");
    }

    /** {@code max-unserved: 1.20% > 0.50%}. */
    @Override
    public String toString() {
        return key + ": " + actual + " > " + limit;
    }
}
