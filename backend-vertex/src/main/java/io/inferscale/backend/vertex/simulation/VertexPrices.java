package io.inferscale.backend.vertex.simulation;

import com.google.cloud.aiplatform.v1.AcceleratorType;
import com.google.cloud.aiplatform.v1.MachineSpec;
import io.inferscale.api.simulation.ModelContext;
import io.inferscale.api.simulation.PriceCatalogue;
import io.inferscale.api.simulation.ReplicaPrice;
import io.inferscale.backend.vertex.VertexTranslator;
import io.inferscale.backend.vertex.internal.MachineCatalogue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * On-demand prices of Vertex AI online prediction nodes, per region, from {@code vertex-prices.csv} next to this class
 * (format: {@link PriceCatalogue}): every machine of InferScale's machine catalogue, and the attachable
 * {@code NVIDIA_TESLA_T4} per accelerator, in {@code us-central1} (the default region) and {@code europe-west4}.
 * Every figure is an assumption (Compute Engine price x 1.15), each with its derivation: override the ones you know.
 *
 * <p>A replica is one node of the machine {@link VertexTranslator#machineSpec} chooses, plus its attached accelerators
 * (G2, A2 and A3 prices include their GPUs). Region: the model setting {@code vertex.region}, else {@code us-central1}.
 * Overrides: {@code vertex.price.<machine or accelerator type>} (any region) or {@code vertex.price.<region>.<item>},
 * in US dollars per hour (per accelerator for an accelerator type).
 */
public final class VertexPrices {

    /** The catalogue resource, next to this class. */
    public static final String RESOURCE = "vertex-prices.csv";

    private static final PriceCatalogue CATALOGUE = PriceCatalogue.resource("vertex", VertexPrices.class, RESOURCE);

    private VertexPrices() {
    }

    /** The catalogue. */
    public static PriceCatalogue catalogue() {
        return CATALOGUE;
    }

    /**
     * The price of one node of the machine the translator chooses, plus attached accelerators; empty when no machine fits
     * or the machine or accelerator has neither a catalogue row in the region nor a price setting.
     *
     * @throws io.inferscale.api.ConfigurationException for a malformed price setting or an unknown region
     */
    public static Optional<ReplicaPrice> price(ModelContext context) {
        Optional<MachineSpec> spec = VertexTranslator.machineSpec(context.endpoint());
        if (spec.isEmpty()) {
            return Optional.empty();
        }
        String region = CATALOGUE.region(context.settings());
        MachineSpec s = spec.get();
        Optional<ReplicaPrice> machine = CATALOGUE.price(context.settings(), region, s.getMachineType());
        boolean attached = s.getAcceleratorCount() > 0 && s.getAcceleratorType() != AcceleratorType.ACCELERATOR_TYPE_UNSPECIFIED
                && MachineCatalogue.byName(s.getMachineType()).map(m -> m.fixedAccelerator() == null).orElse(true);
        if (machine.isEmpty() || !attached) {
            return machine;
        }
        Optional<ReplicaPrice> accelerator = CATALOGUE.price(context.settings(), region, s.getAcceleratorType().name());
        if (accelerator.isEmpty()) {
            return Optional.empty();
        }
        Map<ReplicaPrice, Double> parts = new LinkedHashMap<>();
        parts.put(machine.get(), 1.0);
        parts.put(accelerator.get(), (double) s.getAcceleratorCount());
        return Optional.of(PriceCatalogue.combine(s.getMachineType() + " + " + s.getAcceleratorCount() + " x "
                + s.getAcceleratorType().name(), parts));
    }
}
