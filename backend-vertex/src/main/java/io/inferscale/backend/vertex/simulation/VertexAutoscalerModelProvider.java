package io.inferscale.backend.vertex.simulation;

import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.AutoscalerModelProvider;
import io.inferscale.api.simulation.ModelContext;

import java.time.Duration;
import java.util.Set;

/**
 * The {@code vertex} autoscaler model: {@link VertexAutoscalerModel}, within {@link VertexScaleToZeroModel} for an endpoint
 * that scales to zero. Registered in
 * {@code META-INF/services/io.inferscale.api.simulation.AutoscalerModelProvider}. Depends on the api and on this
 * module's {@link io.inferscale.backend.vertex.VertexTranslator}, whose rendered metric specs the model scales on.
 *
 * <p>Default startup 3 minutes: an assumption. Google publishes no figure; a new prediction node has to be
 * provisioned and the model container pulled and started. Set
 * {@link io.inferscale.api.simulation.ReplicaProfile.Builder#startup} from your endpoint's history.
 */
public final class VertexAutoscalerModelProvider implements AutoscalerModelProvider {

    /** The typical time from scale-up to a serving replica used when the profile gives none: 3 minutes. */
    public static final Duration DEFAULT_STARTUP = Duration.ofMinutes(3);

    /** Cheap; no state. */
    public VertexAutoscalerModelProvider() {
    }

    @Override
    public String backendId() {
        return "vertex";
    }

    @Override
    public String description() {
        return "Vertex AI online prediction autoscaling on the rendered metric specs: per-metric recommendations every 15 s, "
                + "highest of the last 5 minutes";
    }

    @Override
    public Duration defaultStartup() {
        return DEFAULT_STARTUP;
    }

    /** An assumption: Google publishes no time from a scale-up decision to a serving Vertex replica. */
    @Override
    public String defaultStartupSource() {
        return "assumption (Google publishes no figure for a new prediction node: provisioning, image pull, model load); "
                + "override with --startup vertex=DURATION";
    }

    /** The model's keys and {@code <id>.region}, the region {@link VertexPrices} prices in. */
    @Override
    public Set<String> settingKeys() {
        Set<String> keys = new java.util.HashSet<>(VertexAutoscalingSettings.KEYS);
        keys.add(VertexScaleToZeroModel.COLD_START);
        return VertexPrices.catalogue().withRegionKey(keys);
    }

    /** {@code <id>.price.}: price overrides ({@link VertexPrices}). */
    @Override
    public Set<String> settingKeyPrefixes() {
        return Set.of(VertexPrices.catalogue().settingPrefix());
    }

    /** The replica's price from {@link VertexPrices}. */
    @Override
    public java.util.Optional<io.inferscale.api.simulation.ReplicaPrice> price(ModelContext context) {
        return VertexPrices.price(context);
    }

    /**
     * Requests per second per replica: Vertex scales on the request count metric natively (from the backend's
     * capabilities); it has no concurrency metric.
     */
    @Override
    public java.util.List<io.inferscale.api.simulation.TuningKnob.TargetTypeCandidate> targetTypeCandidates(
            io.inferscale.api.InferenceEndpoint endpoint) {
        return io.inferscale.api.simulation.TuningKnob.demandTargets(io.inferscale.backend.vertex.VertexBackendProvider.CAPABILITIES);
    }

    /**
     * The machine types of the machine catalogue that {@link VertexPrices} prices in the region (not the per-accelerator
     * rows), set as {@code spec.backends.vertex.machineType}.
     */
    @Override
    public java.util.Optional<io.inferscale.api.simulation.TuningKnob.InstanceTypes> instanceTypes(io.inferscale.api.simulation.ModelSettings settings) {
        java.util.Set<String> machines = new java.util.TreeSet<>(VertexPrices.catalogue().items(VertexPrices.catalogue().region(settings)));
        machines.removeIf(item -> io.inferscale.backend.vertex.internal.MachineCatalogue.byName(item).isEmpty());
        return java.util.Optional.of(new io.inferscale.api.simulation.TuningKnob.InstanceTypes(backendId(),
                io.inferscale.backend.vertex.VertexTranslator.OPTION_MACHINE_TYPE, machines));
    }

    /** {@link VertexScaleToZeroModel} for an endpoint with {@code spec.autoscaling.scaleToZero}, else {@link VertexAutoscalerModel}. */
    @Override
    public AutoscalerModel create(ModelContext context) {
        VertexAutoscalingSettings settings = VertexAutoscalingSettings.from(context.settings());
        if (context.endpoint().autoscaling().scaleToZero().isPresent()) {
            return new VertexScaleToZeroModel(context.endpoint(), settings, context.settings());
        }
        return new VertexAutoscalerModel(context.endpoint(), settings, context.settings());
    }
}
