package io.inferscale.simulator;

import java.util.OptionalDouble;

/**
 * How long the ready capacity took to catch up with one increase in load that it could not absorb at once.
 *
 * @param atSeconds               when the load rose
 * @param fromRps                 the rate before
 * @param toRps                   the rate after (the highest, if it rose again before capacity caught up)
 * @param secondsToCapacity       seconds until the ready replicas served the whole demand; NaN when they never did before the rate fell back or the trace ended
 */
public record StepResponse(double atSeconds, double fromRps, double toRps, double secondsToCapacity) {

    /** The catch-up time, empty when capacity never caught up. */
    public OptionalDouble caughtUpAfterSeconds() {
        return Double.isNaN(secondsToCapacity) ? OptionalDouble.empty() : OptionalDouble.of(secondsToCapacity);
    }
}
