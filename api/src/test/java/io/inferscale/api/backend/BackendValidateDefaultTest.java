package io.inferscale.api.backend;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.TargetType;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.validation.Problem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Backend.validate (the default every backend keeps)")
class BackendValidateDefaultTest {

    static Backend backend(List<OptionKey> options, Capabilities capabilities) {
        return new TestProviders.NoOpBackend("demo", options, capabilities);
    }

    static InferenceEndpoint.Builder seed() {
        return InferenceEndpoint.builder("my-model-endpoint")
                .model(ModelSpec.builder("my-ml-model").version("v1").build())
                .autoscaling(AutoscalingPolicy.builder().minReplicas(1).maxReplicas(5).target(TargetType.CPU_UTILIZATION, 60).build())
                .resources(Resources.of(ResourceList.of("500m", "1Gi"), ResourceList.of("1", "2Gi")));
    }

    @Test
    @DisplayName("an unknown option of this backend is an error at its path, with the closest known option and the full list")
    void unknownOption() {
        Backend b = backend(List.of(new OptionKey("namespace", "where"), new OptionKey("serviceAccount", "who")), Capabilities.all());
        InferenceEndpoint e = seed().option("demo", "namespce", "ml").option("demo", "zzz", "1").option("other", "anything", "x").build();
        List<Problem> errors = b.validate(e).errors();
        assertThat(errors).extracting(Problem::path).containsExactly("spec.backends.demo.namespce", "spec.backends.demo.zzz");
        assertThat(errors.get(0).message()).isEqualTo("unknown option for backend 'demo'; did you mean 'namespace'? known options: namespace, serviceAccount, behavior, artifactUri, image, minReplicas, maxReplicas, targetCPUUtilizationPercentage, targetMemoryUtilizationPercentage, targetRequestsPerSecondPerReplica, targetConcurrentRequestsPerReplica, targetAcceleratorUtilizationPercentage, targetQueueDepthPerReplica, targetTokensPerSecondPerReplica");
        assertThat(errors.get(1).message()).isEqualTo("unknown option for backend 'demo'; known options: namespace, serviceAccount, behavior, artifactUri, image, minReplicas, maxReplicas, targetCPUUtilizationPercentage, targetMemoryUtilizationPercentage, targetRequestsPerSecondPerReplica, targetConcurrentRequestsPerReplica, targetAcceleratorUtilizationPercentage, targetQueueDepthPerReplica, targetTokensPerSecondPerReplica");
    }

    @Test
    @DisplayName("a backend with no options of its own lists only the per-backend overrides (behavior, artifactUri, image)")
    void noOptions() {
        Backend b = backend(List.of(), Capabilities.all());
        assertThat(b.validate(seed().option("demo", "x", "1").build()).errors()).singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo("unknown option for backend 'demo'; known options: behavior, artifactUri, image, minReplicas, maxReplicas, targetCPUUtilizationPercentage, targetMemoryUtilizationPercentage, targetRequestsPerSecondPerReplica, targetConcurrentRequestsPerReplica, targetAcceleratorUtilizationPercentage, targetQueueDepthPerReplica, targetTokensPerSecondPerReplica"));
    }

    @Test
    @DisplayName("neutral rules, capability errors and warnings come in one report; requireValid throws it")
    void oneReport() {
        Capabilities caps = Capabilities.builder().supports(Feature.CPU_UTILIZATION_TARGET)
                .approximates(Feature.SCALE_DOWN_STABILIZATION, "as a cooldown")
                .rejects(Feature.MEMORY_UTILIZATION_TARGET, "no memory metric").build();
        InferenceEndpoint e = seed().autoscaling(AutoscalingPolicy.builder().minReplicas(1).maxReplicas(0)
                .target(TargetType.CPU_UTILIZATION, 60).target(TargetType.MEMORY_UTILIZATION, 70).build()).build();
        Backend b = backend(List.of(), caps);
        assertThat(b.validate(e).errors()).extracting(Problem::path).contains("spec.autoscaling.maxReplicas",
                "spec.autoscaling.targetMemoryUtilizationPercentage");
        assertThat(b.validate(e).errors()).filteredOn(p -> p.path().equals("spec.autoscaling.targetMemoryUtilizationPercentage"))
                .extracting(Problem::message).anySatisfy(m -> assertThat(m).startsWith("backend 'demo' does not support ")
                        .contains("no memory metric").endsWith("supported targets: targetCPUUtilizationPercentage"));
        assertThatThrownBy(() -> b.requireValid(e)).isInstanceOf(InvalidEndpointException.class)
                .hasMessageContaining("endpoint 'my-model-endpoint' on backend 'demo'");
    }
}
