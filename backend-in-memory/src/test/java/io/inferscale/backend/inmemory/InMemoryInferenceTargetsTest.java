package io.inferscale.backend.inmemory;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.Feature;
import io.inferscale.api.backend.Support;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The in-memory backend and the inference-native targets")
class InMemoryInferenceTargetsTest {

    @Test
    @DisplayName("supports queue depth and tokens per second natively, and accepts an endpoint using both")
    void supported() {
        InMemoryBackend b = InMemoryBackend.builder().build();
        assertThat(b.capabilities().support(Feature.QUEUE_DEPTH_TARGET)).isEqualTo(Support.NATIVE);
        assertThat(b.capabilities().support(Feature.TOKENS_PER_SECOND_TARGET)).isEqualTo(Support.NATIVE);
        InferenceEndpoint e = InferenceEndpoint.builder("llm").model(ModelSpec.builder("llama").build())
                .autoscaling(AutoscalingPolicy.builder().minReplicas(1).maxReplicas(4).target(TargetType.QUEUE_DEPTH, 4)
                        .target(TargetType.TOKENS_PER_SECOND, 900).build()).build();
        assertThat(b.validate(e).errors()).isEmpty();
    }
}
