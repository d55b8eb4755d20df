/**
 * The autoscaling simulator: how each backend's autoscaler would size an endpoint under a load trace.
 *
 * <ul>
 *   <li>{@link io.inferscale.simulator.trace.LoadTrace}: offered load ({@code time_s,rps} CSV or generators);</li>
 *   <li>{@link io.inferscale.api.simulation.ReplicaProfile}: what one replica serves and how its metrics follow load;</li>
 *   <li>{@link io.inferscale.simulator.Simulation}: the event-driven engine;
 *       {@link io.inferscale.simulator.SimulationResult} its ticks, summary and CSV;</li>
 *   <li>{@link io.inferscale.api.simulation.AutoscalerModel} and
 *       {@link io.inferscale.api.simulation.AutoscalerModelProvider}: the SPI each backend module implements,
 *       found by {@link io.inferscale.api.simulation.AutoscalerModels};</li>
 *   <li>{@link io.inferscale.simulator.report.HtmlReport}: a self-contained comparison page.</li>
 * </ul>
 */
package io.inferscale.api.simulation;
