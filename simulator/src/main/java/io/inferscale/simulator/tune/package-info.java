/**
 * {@code inferscale tune}: the cheapest setting of each backend's own autoscaling knobs that meets a service-level
 * objective on a load trace, found by simulating candidates with the backend's autoscaler model.
 *
 * <ul>
 *   <li>{@link io.inferscale.simulator.tune.Tuner}: the search (builder, immutable, parallel);</li>
 *   <li>{@link io.inferscale.simulator.tune.ServiceLevelObjective}: {@code max-unserved}, {@code max-over-capacity},
 *       {@code max-catch-up}, {@code min-replicas};</li>
 *   <li>{@link io.inferscale.simulator.tune.TuneResult}: current spec, static baseline, recommendation or closest
 *       setting, every setting tried; {@link io.inferscale.simulator.tune.TuningEvaluation} one spec on the tuning
 *       part and the holdout;</li>
 *   <li>{@link io.inferscale.simulator.tune.WrittenRecommendation}: the file written, validated and re-simulated;</li>
 *   <li>{@link io.inferscale.simulator.tune.TuneReport}: the HTML frontier and replica charts.</li>
 * </ul>
 *
 * <p>The knobs come from each backend's {@link io.inferscale.api.simulation.AutoscalerModelProvider#tuningKnobs}
 * ({@link io.inferscale.api.simulation.TuningKnob}).
 */
package io.inferscale.simulator.tune;
