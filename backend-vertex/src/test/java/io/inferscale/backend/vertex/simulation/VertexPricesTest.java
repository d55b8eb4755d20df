package io.inferscale.backend.vertex.simulation;

import com.google.cloud.aiplatform.v1.MachineSpec;
import io.inferscale.api.Accelerator;
import io.inferscale.api.AcceleratorType;
import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.ModelContext;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.PriceCatalogue;
import io.inferscale.api.simulation.ReplicaPrice;
import io.inferscale.backend.vertex.VertexTranslator;
import io.inferscale.backend.vertex.internal.MachineCatalogue;
import io.inferscale.backend.vertex.internal.MachineCatalogue.Machine;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The Vertex price catalogue covers every machine (and attachable accelerator) the translator can choose, in every region. */
class VertexPricesTest {

    private static final PriceCatalogue CATALOGUE = VertexPrices.catalogue();

    private static InferenceEndpoint endpoint(Resources resources, String machineType) {
        InferenceEndpoint.Builder b = InferenceEndpoint.builder("e").model(ModelSpec.builder("m").image("img").build()).resources(resources)
                .autoscaling(AutoscalingPolicy.builder().minReplicas(1).maxReplicas(3).target(TargetType.CPU_UTILIZATION, 60).build());
        return (machineType == null ? b : b.option("vertex", "machineType", machineType)).build();
    }

    /** The neutral accelerator a machine with GPUs carries, e.g. nvidia-l4 for G2. */
    private static Accelerator acceleratorOf(Machine m) {
        if (m.fixedAccelerator() == null) {
            return null;
        }
        AcceleratorType t = switch (m.fixedAccelerator()) {
            case NVIDIA_L4 -> AcceleratorType.NVIDIA_L4;
            case NVIDIA_TESLA_A100 -> AcceleratorType.NVIDIA_A100;
            case NVIDIA_H100_80GB -> AcceleratorType.NVIDIA_H100;
            default -> throw new IllegalStateException("no neutral type for " + m.fixedAccelerator());
        };
        return new Accelerator(t, m.fixedCount());
    }

    @Test
    @DisplayName("us-central1 is the default region and europe-west4 is catalogued too")
    void regions() {
        assertThat(CATALOGUE.defaultRegion()).isEqualTo("us-central1");
        assertThat(CATALOGUE.regions()).containsExactly("us-central1", "europe-west4");
    }

    @Test
    @DisplayName("every region prices exactly the machine catalogue and the attachable T4")
    void everyRegionPricesTheWholeMachineCatalogue() {
        Set<String> items = MachineCatalogue.all().stream().map(Machine::name).collect(Collectors.toCollection(TreeSet::new));
        items.add("NVIDIA_TESLA_T4");
        for (String region : CATALOGUE.regions()) {
            assertThat(new TreeSet<>(CATALOGUE.items(region))).as(region).isEqualTo(items);
            for (String item : items) {
                PriceCatalogue.Entry e = CATALOGUE.find(region, item).orElseThrow();
                assertThat(e.usdPerHour()).as(region + " " + item).isPositive();
                assertThat(e.assumption()).as("no Vertex figure was read from the Vertex page: every one is an assumption").isTrue();
            }
        }
    }

    @Test
    @DisplayName("every machine the translator chooses, by option or by fit, is priced in every region")
    void everyChoiceOfTheTranslatorIsPriced() {
        for (String region : CATALOGUE.regions()) {
            ModelSettings inRegion = ModelSettings.of(Map.of("vertex.region", region));
            for (Machine m : MachineCatalogue.all()) {
                ResourceList shape = ResourceList.of(String.valueOf(m.vcpus()), m.memoryGb().toPlainString() + "Gi");
                InferenceEndpoint named = endpoint(Resources.of(shape, ResourceList.empty(), acceleratorOf(m)), m.name());
                assertThat(VertexTranslator.machineSpec(named).map(MachineSpec::getMachineType)).contains(m.name());
                ReplicaPrice p = VertexPrices.price(new ModelContext(named, inRegion)).orElseThrow();
                assertThat(p.machine()).as("G2, A2 and A3 prices include their GPUs").isEqualTo(m.name());
                assertThat(p.usdPerHour()).isEqualTo(CATALOGUE.find(region, m.name()).orElseThrow().usdPerHour());

                InferenceEndpoint fitted = endpoint(Resources.of(shape, ResourceList.empty(), acceleratorOf(m)), null);
                assertThat(VertexPrices.price(new ModelContext(fitted, inRegion))).as(m.name()).isPresent();
            }
            for (int count : MachineCatalogue.T4_COUNTS) {
                InferenceEndpoint t4 = endpoint(Resources.of(ResourceList.of("2", "4Gi"), ResourceList.empty(),
                        new Accelerator(AcceleratorType.NVIDIA_T4, count)), null);
                ReplicaPrice p = VertexPrices.price(new ModelContext(t4, inRegion)).orElseThrow();
                assertThat(p.machine()).isEqualTo("n1-standard-2 + " + count + " x NVIDIA_TESLA_T4");
                assertThat(p.usdPerHour()).isCloseTo(CATALOGUE.find(region, "n1-standard-2").orElseThrow().usdPerHour()
                        + count * CATALOGUE.find(region, "NVIDIA_TESLA_T4").orElseThrow().usdPerHour(), within(1e-9));
                assertThat(p.source()).startsWith("assumption (a part is assumed): 1 x n1-standard-2 at $").contains("; " + count + " x NVIDIA_TESLA_T4 at $");
            }
        }
    }

    @Test
    @DisplayName("an accelerator setting prices the attached GPUs, and the whole says which part came from where")
    void acceleratorOverride() {
        InferenceEndpoint t4 = endpoint(Resources.of(ResourceList.of("2", "4Gi"), ResourceList.empty(),
                new Accelerator(AcceleratorType.NVIDIA_T4, 2)), null);
        ReplicaPrice p = VertexPrices.price(new ModelContext(t4, ModelSettings.of(Map.of("vertex.price.NVIDIA_TESLA_T4", "0.5")))).orElseThrow();
        double machine = CATALOGUE.find("us-central1", "n1-standard-2").orElseThrow().usdPerHour();
        assertThat(p.usdPerHour()).isCloseTo(machine + 1.0, within(1e-9));
        assertThat(p.source()).startsWith("assumption (a part is assumed): 1 x n1-standard-2 at $" + PriceCatalogue.quantity(machine)
                + "/h from assumption; override with").endsWith("; 2 x NVIDIA_TESLA_T4 at $0.5/h from --setting vertex.price.NVIDIA_TESLA_T4=0.5");
    }
}
