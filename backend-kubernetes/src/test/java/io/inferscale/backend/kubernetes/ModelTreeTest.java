package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.backend.kubernetes.internal.ManifestYaml;
import io.inferscale.backend.kubernetes.internal.ModelTree;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ModelTree} (render without Jackson) makes exactly the tree fabric8's Jackson serialization makes. */
class ModelTreeTest {

    static Stream<Arguments> rendered() throws IOException {
        InferenceEndpoint seed = KubernetesTranslatorTest.endpoint("inference_endpoint.yaml");
        InferenceEndpoint rich = KubernetesTranslatorTest.endpoint("rich_endpoint.yaml");
        InferenceEndpoint concurrency = seed.toBuilder().autoscaling(seed.autoscaling().toBuilder()
                .target(TargetType.CONCURRENT_REQUESTS, 4).target(TargetType.MEMORY_UTILIZATION, 70).build())
                .model(seed.model().toBuilder().env("MODEL_THREADS", "4").port(9000).build()).build();
        KubernetesTranslator plain = new KubernetesTranslator();
        KubernetesTranslator custom = new KubernetesTranslator(KubernetesSettings.from(BackendConfig.of(Map.of(
                "kubernetes.imageTemplate", "registry.example.com/models/{name}:{version}", "kubernetes.namespace", "models"))));
        List<Arguments> out = new ArrayList<>();
        for (Map.Entry<String, KubernetesManifests> e : Map.of("seed", plain.translate(seed), "rich", plain.translate(rich),
                "concurrency+memory+env", plain.translate(concurrency), "seed, custom settings", custom.translate(seed)).entrySet()) {
            for (HasMetadata o : e.getValue().objects()) {
                out.add(Arguments.of(e.getKey() + ": " + o.getKind(), o));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rendered")
    @DisplayName("every rendered object: the same tree, in the same order, as Jackson makes")
    void sameAsJackson(String name, HasMetadata object) {
        Map<String, Object> jackson = ManifestYaml.tree(object);
        Map<String, Object> reflective = ModelTree.of(object);
        assertThat(reflective).as(name).isEqualTo(jackson);
        // the same order too (the YAML keeps it)
        assertThat(io.inferscale.api.codec.EndpointCodec.writeYaml(reflective)).isEqualTo(io.inferscale.api.codec.EndpointCodec.writeYaml(jackson));
    }
}
