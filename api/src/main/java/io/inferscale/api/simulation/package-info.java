/**
 * The autoscaler-model SPI: what a backend module implements so the simulator (module {@code inferscale-simulator},
 * package {@code io.inferscale.simulator}) can replay a load trace through that backend's autoscaler. Nothing here
 * runs a simulation; the backends depend on this package only.
 *
 * <ul>
 *   <li>{@link io.inferscale.api.simulation.AutoscalerModelProvider} and
 *       {@link io.inferscale.api.simulation.AutoscalerModel}: the SPI each backend module implements, found by
 *       {@link io.inferscale.api.simulation.AutoscalerModels} ({@link java.util.ServiceLoader} discovery);
 *       {@link io.inferscale.api.simulation.DelegatingAutoscalerModelProvider} for a backend that borrows another's model;</li>
 *   <li>{@link io.inferscale.api.simulation.ModelContext} and {@link io.inferscale.api.simulation.ModelSettings}: what a
 *       model is built from; {@link io.inferscale.api.simulation.Observation}: what it sees at each decision;
 *       {@link io.inferscale.api.simulation.Assumption}: each constant it rests on, with its source;</li>
 *   <li>{@link io.inferscale.api.simulation.ReplicaProfile}: what one replica serves and how its metrics follow load;</li>
 *   <li>{@link io.inferscale.api.simulation.ReplicaPrice} and {@link io.inferscale.api.simulation.PriceCatalogue}: the
 *       price of a replica-hour a provider reports;</li>
 *   <li>{@link io.inferscale.api.simulation.TuningKnob}: a setting of the backend's own autoscaler the tuner may change.</li>
 * </ul>
 */
package io.inferscale.api.simulation;
