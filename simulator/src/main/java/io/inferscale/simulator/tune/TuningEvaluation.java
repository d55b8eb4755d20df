package io.inferscale.simulator.tune;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.simulator.CostEstimate;
import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.SimulationSummary;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One spec simulated on the tuning part of the trace and, when there is a holdout, on the rest.
 *
 * @param endpoint          the spec
 * @param tuning            the run on the tuning part (the first {@code 1 - holdout} of the trace)
 * @param holdout           the run on the holdout part, starting with the replicas ready at the end of the tuning run;
 *                          empty when the holdout share is 0
 * @param tuningViolations  the SLO constraints the tuning run breaks (empty: it meets the SLO)
 * @param holdoutViolations the SLO constraints the holdout run breaks
 */
public record TuningEvaluation(InferenceEndpoint endpoint, SimulationResult tuning, Optional<SimulationResult> holdout,
                               List<SloViolation> tuningViolations, List<SloViolation> holdoutViolations) {

    /** Copies the lists; rejects nulls. */
    public TuningEvaluation {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(tuning, "tuning");
        Objects.requireNonNull(holdout, "holdout");
        tuningViolations = List.copyOf(tuningViolations);
        holdoutViolations = List.copyOf(holdoutViolations);
    }

    /** True when the tuning run meets the SLO. */
    public boolean meetsSlo() {
        return tuningViolations.isEmpty();
    }

    /** What the tuner minimises on the tuning run: its cost in US dollars when priced, else its replica-hours. */
    public double objective() {
        return objective(tuning.summary(), tuning.cost());
    }

    static double objective(SimulationSummary summary, Optional<CostEstimate> cost) {
        return cost.map(CostEstimate::totalUsd).orElse(summary.replicaHours());
    }

    /** Scale-ups plus scale-downs of a run. */
    public static int scaleEvents(SimulationResult result) {
        return result.summary().scaleUps() + result.summary().scaleDowns();
    }
}
