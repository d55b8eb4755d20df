package io.inferscale.backend.kubernetes.simulation;

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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A pod costs its requests at the node's per-vCPU, per-GiB and per-GPU prices. */
class KubernetesPricesTest {

    private static final PriceCatalogue CATALOGUE = KubernetesPrices.catalogue();

    private static InferenceEndpoint endpoint(Resources resources) {
        return InferenceEndpoint.builder("e").model(ModelSpec.builder("m").build()).resources(resources)
                .autoscaling(AutoscalingPolicy.builder().minReplicas(1).maxReplicas(3).target(TargetType.CPU_UTILIZATION, 60).build()).build();
    }

    private static double unit(String region, String unit) {
        return CATALOGUE.find(region, unit).orElseThrow().usdPerHour();
    }

    @Test
    @DisplayName("every region prices vCPU-, GiB- and GPU-hours; us-central1 is the default")
    void everyRegionPricesEveryUnit() {
        assertThat(CATALOGUE.defaultRegion()).isEqualTo("us-central1");
        for (String region : CATALOGUE.regions()) {
            assertThat(CATALOGUE.items(region)).containsExactlyInAnyOrderElementsOf(KubernetesPrices.UNITS);
        }
    }

    @Test
    @DisplayName("replica price = vCPUs x vcpuHour + GiB x gibHour + GPUs x gpuHour, from requests")
    void sumOfRequestsAtUnitPrices() {
        InferenceEndpoint e = endpoint(Resources.of(ResourceList.of("2", "8Gi"), ResourceList.of("4", "16Gi"),
                new Accelerator(AcceleratorType.NVIDIA_T4, 1)));
        for (String region : CATALOGUE.regions()) {
            ReplicaPrice p = KubernetesPrices.price(new ModelContext(e, ModelSettings.of(Map.of("kubernetes.region", region)))).orElseThrow();
            assertThat(p.machine()).isEqualTo("2 vCPU, 8 GiB, 1 x nvidia-t4 of a node");
            assertThat(p.usdPerHour()).isCloseTo(2 * unit(region, "vcpuHour") + 8 * unit(region, "gibHour") + unit(region, "gpuHour"),
                    within(1e-12));
            assertThat(p.source()).startsWith("assumption (a part is assumed): 2 x vcpuHour at $");
        }
    }

    @Test
    @DisplayName("a resource without a request is priced at its limit; a pod with neither has no price")
    void limitsStandInForMissingRequests() {
        InferenceEndpoint limitsOnly = endpoint(Resources.of(ResourceList.empty(), ResourceList.of("1", "2Gi")));
        assertThat(KubernetesPrices.price(ModelContext.of(limitsOnly)).orElseThrow().usdPerHour())
                .isCloseTo(unit("us-central1", "vcpuHour") + 2 * unit("us-central1", "gibHour"), within(1e-12));
        assertThat(KubernetesPrices.price(ModelContext.of(endpoint(Resources.none())))).isEmpty();
    }

    @Test
    @DisplayName("unit settings replace the catalogue's, region-specific first")
    void overrides() {
        InferenceEndpoint e = endpoint(Resources.of(ResourceList.of("500m", "1Gi"), ResourceList.empty()));
        ModelSettings s = ModelSettings.of(Map.of("kubernetes.price.vcpuHour", "0.1", "kubernetes.price.us-central1.gibHour", "0.02",
                "kubernetes.price.gibHour", "9"));
        ReplicaPrice p = KubernetesPrices.price(new ModelContext(e, s)).orElseThrow();
        assertThat(p.usdPerHour()).isCloseTo(0.5 * 0.1 + 0.02, within(1e-12));
        assertThat(p.source()).isEqualTo("0.5 x vcpuHour at $0.1/h from --setting kubernetes.price.vcpuHour=0.1; "
                + "1 x gibHour at $0.02/h from --setting kubernetes.price.us-central1.gibHour=0.02");
    }
}
