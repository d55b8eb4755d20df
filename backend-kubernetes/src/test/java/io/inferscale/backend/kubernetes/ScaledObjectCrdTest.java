package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.inferscale.backend.kubernetes.keda.ScaledObjectTranslator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import static io.inferscale.backend.kubernetes.InferenceEndpointCrdTest.validate;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rendered ScaledObjects against KEDA's published CRD (src/test/resources/keda/keda.sh_scaledobjects.yaml, kedacore/keda
 * v2.20.2, Apache-2.0): types, required fields, enums, minimums, unknown fields and the CEL rule on {@code spec}, with the
 * structural validator of {@link InferenceEndpointCrdTest}.
 */
class ScaledObjectCrdTest {

    static CustomResourceDefinition crd() throws IOException {
        try (InputStream in = ScaledObjectCrdTest.class.getResourceAsStream("/keda/keda.sh_scaledobjects.yaml")) {
            return Serialization.unmarshal(in, CustomResourceDefinition.class);
        }
    }

    static JSONSchemaProps schema() throws IOException {
        CustomResourceDefinitionVersion v = crd().getSpec().getVersions().get(0);
        return v.getSchema().getOpenAPIV3Schema();
    }

    @Test
    @DisplayName("the copied CRD is KEDA's scaledobjects.keda.sh, version v1alpha1, the apiVersion and kind the translator writes")
    void crdNames() throws IOException {
        CustomResourceDefinition crd = crd();
        assertThat(crd.getMetadata().getName()).isEqualTo("scaledobjects.keda.sh");
        assertThat(crd.getSpec().getGroup() + "/" + crd.getSpec().getVersions().get(0).getName()).isEqualTo(ScaledObjectTranslator.API_VERSION);
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo(ScaledObjectTranslator.KIND);
    }

    @ParameterizedTest(name = "{0} with {1}={2}")
    @CsvSource({
            "inference_endpoint.yaml, kubernetes.keda.servingRuntime, vllm",
            "rich_endpoint.yaml, kubernetes.keda.fallbackReplicas, 3",
            "rich_endpoint.yaml, kubernetes.keda.servingRuntime, triton",
            "scale_to_zero_endpoint.yaml, kubernetes.keda.pollingIntervalSeconds, 10",
            "scale_to_zero_endpoint.yaml, kubernetes.keda.activationThreshold, 0.5",
            "llm_targets_endpoint.yaml, kubernetes.keda.servingRuntime, vllm",
            "llm_targets_endpoint.yaml, kubernetes.keda.fallbackReplicas, 2",
    })
    @DisplayName("every rendered ScaledObject is valid against KEDA's CRD schema")
    void renderedObjectsAreValid(String document, String key, String value) throws IOException {
        String yaml = ScaledObjectTranslatorTest.render(document, Map.of(key, value)).toYaml();
        assertThat(validate(yaml, schema())).isEmpty();
    }

    @Test
    @DisplayName("the check is live: a ScaledObject KEDA's CRD rejects is reported by field")
    void invalidObjectsAreReported() throws IOException {
        String yaml = ScaledObjectTranslatorTest.render("scale_to_zero_endpoint.yaml", Map.of()).toYaml();
        assertThat(validate(yaml.replace("maxReplicaCount: 4", "maxReplicaCount: 0"), schema()))
                .containsExactly("spec.maxReplicaCount: 0 is below the minimum 1");
        assertThat(validate(yaml.replace("minReplicaCount: 0", "minReplicaCount: 5"), schema()))
                .containsExactly("spec: minReplicaCount must be less than or equal to maxReplicaCount");
        assertThat(validate(yaml.replace("cooldownPeriod: 900", "cooldownPeriod: 900\n  idleTimeout: 900"), schema()))
                .containsExactly("spec.idleTimeout: unknown field");
        assertThat(validate(yaml.replace("threshold: '16'", "threshold: 16"), schema()))
                .containsExactly("spec.triggers[0].metadata.threshold: expected string");
    }
}
