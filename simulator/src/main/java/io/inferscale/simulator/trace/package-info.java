/**
 * Offered load for the simulator: {@link io.inferscale.simulator.trace.LoadTrace} (rates over time, from a
 * {@code time_s,rps} CSV, a timestamped request log bucketed into rates, or generators), read with
 * {@link io.inferscale.simulator.trace.TraceOptions} ({@link io.inferscale.simulator.trace.TraceColumns},
 * {@link io.inferscale.simulator.trace.TraceUnit}); every problem of a file is reported at once in a
 * {@link io.inferscale.simulator.trace.TraceFormatException}.
 */
package io.inferscale.simulator.trace;
