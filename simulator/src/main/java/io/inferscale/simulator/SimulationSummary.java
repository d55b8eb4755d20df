package io.inferscale.simulator;

import java.util.List;
import java.util.OptionalDouble;

/**
 * The outcome of one run in numbers.
 *
 * @param backendId              which autoscaler model ran
 * @param durationSeconds        length of the trace
 * @param replicaHours           replica-hours provisioned (ready and starting replicas; what a cloud bills)
 * @param readyReplicaHours      replica-hours of ready replicas only
 * @param p50UtilizationPercent  median CPU utilization over ticks with a ready replica
 * @param p95UtilizationPercent  95th percentile CPU utilization over the same ticks (nearest rank)
 * @param secondsOverCapacity    seconds during which demand exceeded what the ready replicas could serve (exact, not per tick)
 * @param requestsOverCapacity   requests beyond capacity over the whole run
 * @param totalRequests          requests offered over the whole run
 * @param scaleUps               decisions that raised the replica count
 * @param scaleDowns             decisions that lowered it
 * @param peakReplicas           most replicas provisioned at once
 * @param stepResponses          each load increase the capacity could not absorb at once, with its catch-up time
 * @param zeroReplicaSeconds     seconds with no replica provisioned (scaled to zero: nothing billed, nothing serving)
 * @param requestsLostAtZero     requests offered while no replica was ready: at zero replicas and during the cold start
 *                               from zero, when nothing queues them (part of {@code requestsOverCapacity})
 * @param requestsLostDuringColdStart the part of {@code requestsLostAtZero} offered while replicas were starting from zero
 *                               (created, none ready yet): the cold start's share; the rest was offered at zero replicas
 * @param floorReplicaHours      replica-hours of the same policy with a floor of 1 replica (no scale to zero) on the same
 *                               trace, the baseline of {@link #idleReplicaHoursSaved()}; NaN when not simulated (the run
 *                               does not scale to zero, or the baseline was turned off: {@code Simulation.floorBaseline})
 */
public record SimulationSummary(String backendId, double durationSeconds, double replicaHours, double readyReplicaHours,
                                double p50UtilizationPercent, double p95UtilizationPercent, double secondsOverCapacity,
                                double requestsOverCapacity, double totalRequests, int scaleUps, int scaleDowns,
                                int peakReplicas, List<StepResponse> stepResponses, double zeroReplicaSeconds,
                                double requestsLostAtZero, double requestsLostDuringColdStart, double floorReplicaHours) {

    /** Copies the list. */
    public SimulationSummary {
        stepResponses = List.copyOf(stepResponses);
    }

    /** A summary without the cold-start split and without a floor baseline ({@code floorReplicaHours} NaN). */
    public SimulationSummary(String backendId, double durationSeconds, double replicaHours, double readyReplicaHours,
                             double p50UtilizationPercent, double p95UtilizationPercent, double secondsOverCapacity,
                             double requestsOverCapacity, double totalRequests, int scaleUps, int scaleDowns,
                             int peakReplicas, List<StepResponse> stepResponses, double zeroReplicaSeconds, double requestsLostAtZero) {
        this(backendId, durationSeconds, replicaHours, readyReplicaHours, p50UtilizationPercent, p95UtilizationPercent,
                secondsOverCapacity, requestsOverCapacity, totalRequests, scaleUps, scaleDowns, peakReplicas, stepResponses,
                zeroReplicaSeconds, requestsLostAtZero, 0, Double.NaN);
    }

    /** A summary of a run that never was at zero replicas ({@code zeroReplicaSeconds} and {@code requestsLostAtZero} 0). */
    public SimulationSummary(String backendId, double durationSeconds, double replicaHours, double readyReplicaHours,
                             double p50UtilizationPercent, double p95UtilizationPercent, double secondsOverCapacity,
                             double requestsOverCapacity, double totalRequests, int scaleUps, int scaleDowns,
                             int peakReplicas, List<StepResponse> stepResponses) {
        this(backendId, durationSeconds, replicaHours, readyReplicaHours, p50UtilizationPercent, p95UtilizationPercent,
                secondsOverCapacity, requestsOverCapacity, totalRequests, scaleUps, scaleDowns, peakReplicas, stepResponses, 0, 0, 0, Double.NaN);
    }

    /** The longest catch-up time over the step responses that caught up; empty when none did. */
    public OptionalDouble worstSecondsToCapacity() {
        double worst = Double.NaN;
        for (StepResponse s : stepResponses) {
            if (!Double.isNaN(s.secondsToCapacity())) {
                worst = Double.isNaN(worst) ? s.secondsToCapacity() : Math.max(worst, s.secondsToCapacity());
            }
        }
        return Double.isNaN(worst) ? OptionalDouble.empty() : OptionalDouble.of(worst);
    }

    /** Step responses whose capacity never caught up (the rate fell back or the trace ended first). */
    public long stepsNeverCaughtUp() {
        return stepResponses.stream().filter(s -> Double.isNaN(s.secondsToCapacity())).count();
    }

    /**
     * Replica-hours scaling to zero saved against the same policy with a floor of 1 replica: {@code floorReplicaHours -
     * replicaHours}. Negative when scaling to zero cost more (e.g. a wake-up with several replicas); NaN without a baseline.
     */
    public double idleReplicaHoursSaved() {
        return floorReplicaHours - replicaHours;
    }

    /** Requests lost at zero replicas before any replica was created: {@code requestsLostAtZero - requestsLostDuringColdStart}. */
    public double requestsLostBeforeWake() {
        return requestsLostAtZero - requestsLostDuringColdStart;
    }

    /** This summary with the replica-hours of the floor-1 baseline. */
    public SimulationSummary withFloorReplicaHours(double floorReplicaHours) {
        return new SimulationSummary(backendId, durationSeconds, replicaHours, readyReplicaHours, p50UtilizationPercent,
                p95UtilizationPercent, secondsOverCapacity, requestsOverCapacity, totalRequests, scaleUps, scaleDowns, peakReplicas,
                stepResponses, zeroReplicaSeconds, requestsLostAtZero, requestsLostDuringColdStart, floorReplicaHours);
    }

    /** Share of offered requests beyond capacity, 0..1. */
    public double unservedFraction() {
        return totalRequests <= 0 ? 0 : requestsOverCapacity / totalRequests;
    }
}
