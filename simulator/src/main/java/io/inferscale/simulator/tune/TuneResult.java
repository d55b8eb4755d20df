package io.inferscale.simulator.tune;

import io.inferscale.api.simulation.TuningKnob;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What {@link Tuner} found for one backend.
 *
 * @param backendId        the backend
 * @param priced           whether the backend's model prices a replica; when not, the tuner minimised replica-hours
 * @param slo              the objective the settings had to meet
 * @param knobs            the knobs the backend offers ({@link io.inferscale.api.simulation.AutoscalerModelProvider#tuningKnobs})
 * @param kept             the knob names the user fixed (not searched)
 * @param current          the spec as given
 * @param baseline         the static baseline: fixed replicas = ceil(peak demand of the whole trace / replica capacity)
 * @param baselineReplicas that fixed count
 * @param recommendation   the cheapest setting that meets the SLO on the tuning part; empty when none does
 * @param closest          when none meets the SLO, the setting that misses it by least (its {@link TuningEvaluation#tuningViolations()}
 *                         say which constraints fail); empty otherwise
 * @param tried            every setting simulated, for the frontier
 * @param simulations      number of simulations run by the search
 * @param tuningPart       length of the part of the trace the search ran on
 * @param holdoutPart      length of the rest, on which the SLO is only reported (zero without a holdout)
 */
public record TuneResult(String backendId, boolean priced, ServiceLevelObjective slo, List<TuningKnob> knobs, Set<String> kept,
                         TuningEvaluation current, TuningEvaluation baseline, int baselineReplicas,
                         Optional<TuningEvaluation> recommendation, Optional<TuningEvaluation> closest, List<TriedCandidate> tried,
                         int simulations, Duration tuningPart, Duration holdoutPart) {

    /** What is minimised, in words, when no backend price is known. */
    public static final String UNPRICED = "unpriced: minimising replica-hours";

    /** Copies the collections; rejects nulls. */
    public TuneResult {
        Objects.requireNonNull(backendId, "backendId");
        Objects.requireNonNull(slo, "slo");
        knobs = List.copyOf(knobs);
        kept = Set.copyOf(kept);
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(recommendation, "recommendation");
        Objects.requireNonNull(closest, "closest");
        tried = List.copyOf(tried);
    }

    /** {@code cost (USD)} when priced, else {@value #UNPRICED}. */
    public String objectiveDescription() {
        return priced ? "minimising cost (USD)" : UNPRICED;
    }

    /** One line: backend, objective, simulations, and the recommendation's or closest setting's figures (not every setting tried). */
    @Override
    public String toString() {
        TuningEvaluation b = best();
        return "TuneResult{backend=" + backendId + ", " + objectiveDescription() + ", simulations=" + simulations
                + (recommendation.isPresent() ? ", recommended=" : ", no setting meets the SLO, closest=") + b.endpoint().autoscaling()
                + ", objective=" + b.objective() + ", violations=" + b.tuningViolations() + "}";
    }

    /** The recommendation, or the closest setting when none meets the SLO. */
    public TuningEvaluation best() {
        return recommendation.or(() -> closest).orElseThrow();
    }
}
