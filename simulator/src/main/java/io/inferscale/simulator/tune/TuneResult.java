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
 * @param targetTypeChange when no value of the spec's own target type met the SLO and another type the backend scales on
 *                         natively did: what changed and why; empty otherwise
 * @param instanceType     when instance or machine types were searched ({@link Tuner#instanceTypes}) and the best setting
 *                         runs on another type than the spec's: that type and the capacity given for it; empty otherwise
 */
public record TuneResult(String backendId, boolean priced, ServiceLevelObjective slo, List<TuningKnob> knobs, Set<String> kept,
                         TuningEvaluation current, TuningEvaluation baseline, int baselineReplicas,
                         Optional<TuningEvaluation> recommendation, Optional<TuningEvaluation> closest, List<TriedCandidate> tried,
                         int simulations, Duration tuningPart, Duration holdoutPart, Optional<TargetTypeChange> targetTypeChange,
                         Optional<InstanceTypeChange> instanceType) {

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
        Objects.requireNonNull(targetTypeChange, "targetTypeChange");
        Objects.requireNonNull(instanceType, "instanceType");
    }

    /**
     * The target type changed because the spec's own could not meet the SLO on the backend by scaling: no value of it
     * met the SLO, or it met it only with {@code minReplicas} at what the peak needs (a static fleet: the target never
     * scaled up), and a type the backend scales on natively met it for less.
     *
     * @param from         the spec's target fields, e.g. {@code [targetCPUUtilizationPercentage]}
     * @param to           the target the recommendation scales on instead (it replaces them)
     * @param reason       why the spec's own type was not enough, e.g. {@code no value of targetCPUUtilizationPercentage
     *                     meets the SLO (the closest misses max-unserved: 14.20% > 0.50%)}
     * @param nativeMetric what the backend scales on for the new type
     */
    public record TargetTypeChange(List<String> from, io.inferscale.api.TargetType to, String reason, String nativeMetric) {
        /** Copies the list; rejects nulls. */
        public TargetTypeChange {
            from = List.copyOf(from);
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(nativeMetric, "nativeMetric");
        }

        /** {@code targetCPUUtilizationPercentage -> targetRequestsPerSecondPerReplica: <reason>; <to> scales on <metric>}. */
        @Override
        public String toString() {
            return (from.isEmpty() ? "(no target)" : String.join(", ", from)) + " -> " + to.field() + ": " + reason + "; " + to.field()
                    + " scales on " + nativeMetric;
        }
    }

    /**
     * The recommendation runs on another instance or machine type than the spec's.
     *
     * @param path            the field set, e.g. {@code spec.backends.sagemaker.instanceType}
     * @param from            the spec's type (as given or as the backend chooses it from the requests)
     * @param to              the recommended type
     * @param replicaCapacity requests per second one replica of {@code to} serves, as the user gave it
     */
    public record InstanceTypeChange(String path, String from, String to, double replicaCapacity) {
        /** Rejects nulls. */
        public InstanceTypeChange {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }

        /** {@code spec.backends.sagemaker.instanceType ml.c5.large -> ml.c5.xlarge (capacity 80 rps per replica, as given)}. */
        @Override
        public String toString() {
            return path + " " + from + " -> " + to + " (" + java.math.BigDecimal.valueOf(replicaCapacity).stripTrailingZeros().toPlainString()
                    + " rps per replica, as given)";
        }
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
