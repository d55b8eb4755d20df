/**
 * The autoscaling simulator: how each backend's autoscaler would size an endpoint under a load trace.
 *
 * <ul>
 *   <li>{@link io.inferscale.simulator.Simulation}: the event-driven engine, running a backend's
 *       {@link io.inferscale.api.simulation.AutoscalerModel} (found by
 *       {@link io.inferscale.api.simulation.AutoscalerModels}) over a {@link io.inferscale.simulator.trace.LoadTrace};</li>
 *   <li>{@link io.inferscale.simulator.SimulationResult}: its ticks, summary, assumptions, cost and CSV;
 *       {@link io.inferscale.simulator.SimulationJson} the same as JSON;</li>
 *   <li>{@link io.inferscale.simulator.trace}: load traces (CSV, request logs, generators);
 *       {@link io.inferscale.simulator.report}: the HTML comparison page; {@link io.inferscale.simulator.tune}: the tuner.</li>
 * </ul>
 *
 * <p>The model SPI the backends implement stays in {@code inferscale-api} ({@link io.inferscale.api.simulation}).
 */
package io.inferscale.simulator;
