package io.inferscale.simulator;

/**
 * The state at one output tick.
 *
 * @param timeSeconds        seconds from the start
 * @param demandRps          offered requests per second
 * @param readyReplicas      replicas serving traffic
 * @param desiredReplicas    replicas the autoscaler has asked for (ready or starting)
 * @param utilizationPercent average CPU utilization of the ready replicas, % of the CPU request (0 with none ready)
 * @param servedRps          requests per second served
 * @param unservedRps        requests per second beyond capacity (dropped or queued)
 */
public record Tick(double timeSeconds, double demandRps, int readyReplicas, int desiredReplicas, double utilizationPercent,
                   double servedRps, double unservedRps) {
}
