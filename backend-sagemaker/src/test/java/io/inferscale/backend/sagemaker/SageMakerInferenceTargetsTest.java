package io.inferscale.backend.sagemaker;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Feature;
import io.inferscale.api.validation.Problem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.DisplayName;

import java.util.Map;

import static io.inferscale.backend.sagemaker.SageMakerTestSupport.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("SageMaker and the inference-native targets")
class SageMakerInferenceTargetsTest {

    private final SageMakerBackend offline = SageMakerBackend.create(BackendConfig.of(Map.of("sagemaker.region", "us-east-1")));

    @ParameterizedTest(name = "{0} is rejected by field, with the reason and what to use instead")
    @EnumSource(value = TargetType.class, names = {"QUEUE_DEPTH", "TOKENS_PER_SECOND"})
    void rejected(TargetType type) {
        InferenceEndpoint e = seed().toBuilder().autoscaling(seed().autoscaling().toBuilder().removeTarget(TargetType.CPU_UTILIZATION)
                .target(type, 4).build()).build();
        assertThat(offline.validate(e).errors()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo(type.path());
            assertThat(p.message()).startsWith("backend 'sagemaker' does not support " + type.description() + " targets: ")
                    .contains("MetricType").contains("use targetConcurrentRequestsPerReplica")
                    .contains("supported targets: targetCPUUtilizationPercentage");
        });
        assertThat(SageMakerSettings.CAPABILITIES.supports(Feature.of(type))).isFalse();
        assertThatThrownBy(() -> offline.render(e)).isInstanceOf(InvalidEndpointException.class)
                .satisfies(ex -> assertThat(((InvalidEndpointException) ex).report().errors()).extracting(Problem::path).contains(type.path()));
        assertThatThrownBy(() -> SageMakerTranslator.policyName(type)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(type.path());
    }
}
