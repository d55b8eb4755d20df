package io.inferscale.simulator.tune;

import java.math.BigDecimal;
import java.util.Map;

/**
 * One setting the tuner simulated on the tuning part of the trace: a point of the cost-versus-SLO frontier.
 *
 * @param settings            knob name to value, e.g. {@code maxReplicas=4, targetCPUUtilizationPercentage=75}
 * @param objective           cost in US dollars when priced, else replica-hours
 * @param unservedShare       share of offered requests beyond capacity, 0..1
 * @param secondsOverCapacity time with demand above capacity
 * @param scaleEvents         scale-ups plus scale-downs
 * @param meetsSlo            whether it meets the SLO
 */
public record TriedCandidate(Map<String, BigDecimal> settings, double objective, double unservedShare, double secondsOverCapacity,
                             int scaleEvents, boolean meetsSlo) {

    /** Copies the map. */
    public TriedCandidate {
        settings = Map.copyOf(settings);
    }
}
