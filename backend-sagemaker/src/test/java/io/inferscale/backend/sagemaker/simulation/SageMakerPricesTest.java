package io.inferscale.backend.sagemaker.simulation;

import io.inferscale.api.Accelerator;
import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.ModelContext;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.PriceCatalogue;
import io.inferscale.api.simulation.ReplicaPrice;
import io.inferscale.backend.sagemaker.SageMakerTranslator;
import io.inferscale.backend.sagemaker.internal.InstanceCatalogue;
import io.inferscale.backend.sagemaker.internal.InstanceCatalogue.InstanceType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SageMaker price catalogue covers every instance type the translator can choose, in every catalogued region. */
class SageMakerPricesTest {

    private static final PriceCatalogue CATALOGUE = SageMakerPrices.catalogue();

    private static InferenceEndpoint endpoint(Resources resources, String instanceType) {
        InferenceEndpoint.Builder b = InferenceEndpoint.builder("e").model(ModelSpec.builder("m").build()).resources(resources)
                .autoscaling(AutoscalingPolicy.builder().minReplicas(1).maxReplicas(3).target(TargetType.CPU_UTILIZATION, 60).build());
        return (instanceType == null ? b : b.option("sagemaker", "instanceType", instanceType)).build();
    }

    private static Resources shapeOf(InstanceType t) {
        ResourceList r = ResourceList.of(String.valueOf(t.vcpus()), t.memoryGiB() + "Gi");
        return Resources.of(r, ResourceList.empty(), t.gpu() == null ? null : new Accelerator(t.gpu(), t.gpuCount()));
    }

    @Test
    @DisplayName("us-east-1 is the default region and eu-west-1 is catalogued too")
    void regions() {
        assertThat(CATALOGUE.defaultRegion()).isEqualTo("us-east-1");
        assertThat(CATALOGUE.regions()).containsExactly("us-east-1", "eu-west-1");
    }

    @Test
    @DisplayName("every region prices exactly the instance catalogue's types")
    void everyRegionPricesTheWholeInstanceCatalogue() {
        Set<String> types = InstanceCatalogue.all().stream().map(InstanceType::name).collect(Collectors.toCollection(TreeSet::new));
        for (String region : CATALOGUE.regions()) {
            assertThat(new TreeSet<>(CATALOGUE.items(region))).as(region).isEqualTo(types);
            for (String type : types) {
                assertThat(CATALOGUE.find(region, type).orElseThrow().usdPerHour()).as(region + " " + type).isPositive();
            }
        }
    }

    @Test
    @DisplayName("every type the translator chooses, by option or by fit, is priced in every region")
    void everyChoiceOfTheTranslatorIsPriced() {
        for (String region : CATALOGUE.regions()) {
            ModelSettings inRegion = ModelSettings.of(Map.of("sagemaker.region", region));
            for (InstanceType t : InstanceCatalogue.all()) {
                InferenceEndpoint named = endpoint(shapeOf(t), t.name());
                assertThat(SageMakerTranslator.instanceType(named)).contains(t.name());
                ReplicaPrice p = SageMakerPrices.price(new ModelContext(named, inRegion)).orElseThrow();
                assertThat(p.machine()).isEqualTo(t.name());
                assertThat(p.usdPerHour()).isEqualTo(CATALOGUE.find(region, t.name()).orElseThrow().usdPerHour());

                InferenceEndpoint fitted = endpoint(shapeOf(t), null);
                String chosen = SageMakerTranslator.instanceType(fitted).orElseThrow();
                assertThat(SageMakerPrices.price(new ModelContext(fitted, inRegion))).as(chosen).isPresent();
            }
        }
    }

    @Test
    @DisplayName("published figures cite the SageMaker pricing page; derived ones are assumptions saying how")
    void sourcesSayWhereEachFigureComesFrom() {
        for (String region : CATALOGUE.regions()) {
            for (String type : CATALOGUE.items(region)) {
                PriceCatalogue.Entry e = CATALOGUE.find(region, type).orElseThrow();
                assertThat(e.date()).isEqualTo("2026-12-03");
                String described = CATALOGUE.describe(e);
                if (e.assumption()) {
                    assertThat(described).startsWith("assumption; override with --setting sagemaker.price." + type + "=USD");
                } else {
                    assertThat(e.source()).startsWith("aws.amazon.com/sagemaker/pricing");
                    assertThat(described).isEqualTo("catalogue: " + e.source() + ", " + region + ", 2026-12-03");
                }
            }
        }
        assertThat(CATALOGUE.find("us-east-1", "ml.g5.xlarge").orElseThrow().assumption()).isFalse();
        assertThat(CATALOGUE.find("eu-west-1", "ml.g5.xlarge").orElseThrow().assumption()).isTrue();
    }

    @Test
    @DisplayName("a region's price setting beats an any-region one, which beats the catalogue; each says where it came from")
    void overridesInOrder() {
        InferenceEndpoint e = endpoint(Resources.of(ResourceList.of("2", "4Gi"), ResourceList.empty()), "ml.g6.xlarge");
        assertThat(SageMakerPrices.price(new ModelContext(e, ModelSettings.empty())).orElseThrow().source())
                .startsWith("assumption; override with --setting sagemaker.price.ml.g6.xlarge=USD or --prices FILE. Catalogue "
                        + "sagemaker-prices.csv, us-east-1, 2026-12-03: linear in vCPUs");
        ReplicaPrice any = SageMakerPrices.price(new ModelContext(e, ModelSettings.of(Map.of("sagemaker.price.ml.g6.xlarge", "1.2"))))
                .orElseThrow();
        assertThat(any).isEqualTo(new ReplicaPrice("ml.g6.xlarge", 1.2, "--setting sagemaker.price.ml.g6.xlarge=1.2"));
        ModelSettings both = ModelSettings.of(Map.of("sagemaker.price.ml.g6.xlarge", "1.2", "sagemaker.price.us-east-1.ml.g6.xlarge", "1.1"),
                Map.of("sagemaker.price.us-east-1.ml.g6.xlarge", "--prices p.yaml line 3"));
        assertThat(SageMakerPrices.price(new ModelContext(e, both)).orElseThrow())
                .isEqualTo(new ReplicaPrice("ml.g6.xlarge", 1.1, "--prices p.yaml line 3"));
        ModelSettings otherRegion = ModelSettings.of(Map.of("sagemaker.price.eu-west-1.ml.g6.xlarge", "9", "sagemaker.region", "us-east-1"));
        assertThat(SageMakerPrices.price(new ModelContext(e, otherRegion)).orElseThrow().usdPerHour())
                .isEqualTo(CATALOGUE.find("us-east-1", "ml.g6.xlarge").orElseThrow().usdPerHour());
    }

    @Test
    @DisplayName("an uncatalogued instance type has no price unless a setting gives one")
    void anUncataloguedTypeNeedsASetting() {
        InferenceEndpoint e = endpoint(Resources.of(ResourceList.of("2", "4Gi"), ResourceList.empty()), "ml.c7i.large");
        assertThat(SageMakerPrices.price(new ModelContext(e, ModelSettings.empty()))).isEmpty();
        assertThat(SageMakerPrices.price(new ModelContext(e, ModelSettings.of(Map.of("sagemaker.price.ml.c7i.large", "0.1")))))
                .contains(new ReplicaPrice("ml.c7i.large", 0.1, "--setting sagemaker.price.ml.c7i.large=0.1"));
    }

    @Test
    @DisplayName("bad values fail naming the key, also for a price setting the run does not use")
    void badValues() {
        InferenceEndpoint e = endpoint(Resources.of(ResourceList.of("2", "4Gi"), ResourceList.empty()), null);
        assertThatThrownBy(() -> SageMakerPrices.price(new ModelContext(e, ModelSettings.of(Map.of("sagemaker.price.ml.p5.48xlarge", "-3")))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("model setting sagemaker.price.ml.p5.48xlarge was '-3' but it must be a price in US dollars per hour, 0 or more");
        assertThatThrownBy(() -> SageMakerPrices.price(new ModelContext(e, ModelSettings.of(Map.of("sagemaker.region", "us-est-1")))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("model setting sagemaker.region was 'us-est-1' but the sagemaker price catalogue has us-east-1, eu-west-1;");
    }

    @Test
    @DisplayName("the provider accepts sagemaker.region and sagemaker.price.* and rejects other unknown keys")
    void providerKeys() {
        SageMakerAutoscalerModelProvider p = new SageMakerAutoscalerModelProvider();
        ModelSettings ok = ModelSettings.of(Map.of("sagemaker.region", "eu-west-1", "sagemaker.price.ml.g6.xlarge", "1.2"));
        ok.requireKnownKeys("sagemaker", p.settingKeys(), p.settingKeyPrefixes());
        assertThatThrownBy(() -> ModelSettings.of(Map.of("sagemaker.prize.ml.g6.xlarge", "1")).requireKnownKeys("sagemaker", p.settingKeys(),
                p.settingKeyPrefixes())).isInstanceOf(ConfigurationException.class).hasMessageContaining("sagemaker.price.*");
        assertThatThrownBy(() -> ModelSettings.of(Map.of("sagemaker.price.", "1")).requireKnownKeys("sagemaker", p.settingKeys(),
                p.settingKeyPrefixes())).isInstanceOf(ConfigurationException.class).hasMessageStartingWith("unknown model setting 'sagemaker.price.'");
    }
}
