package io.inferscale.backend.sagemaker.simulation;

import io.inferscale.api.Accelerator;
import io.inferscale.api.AcceleratorType;
import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.ScalingBehavior;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.simulation.ModelContext;
import io.inferscale.backend.sagemaker.SageMakerTranslator;
import io.inferscale.backend.sagemaker.SageMakerDesiredState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.TargetTrackingScalingPolicyConfiguration;

import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the model simulates is what the backend renders: each endpoint is translated by {@link SageMakerTranslator}, and
 * the model's {@code scales on} assumptions must describe exactly the rendered {@code PutScalingPolicy} requests: one
 * per policy, with the same metric name, target value, unit (instance type for CPU/GPU sums), cooldowns and
 * {@code DisableScaleIn}.
 */
class RenderedPoliciesTest {

    static final String ROLE = "arn:aws:iam::123456789012:role/SageMakerExecutionRole";

    static Stream<Arguments> endpoints() {
        AutoscalingPolicy rps = AutoscalingPolicy.builder().minReplicas(1).maxReplicas(20).target(TargetType.REQUESTS_PER_SECOND, 10).build();
        AutoscalingPolicy cpuMemory = AutoscalingPolicy.builder().minReplicas(2).maxReplicas(8)
                .target(TargetType.CPU_UTILIZATION, 60).target(TargetType.MEMORY_UTILIZATION, 75).build();
        AutoscalingPolicy gpu = AutoscalingPolicy.builder().minReplicas(2).maxReplicas(10)
                .target(TargetType.MEMORY_UTILIZATION, 75).target(TargetType.REQUESTS_PER_SECOND, 20)
                .target(TargetType.CONCURRENT_REQUESTS, 4).target(TargetType.ACCELERATOR_UTILIZATION, 70)
                .behavior(ScalingBehavior.of(ScalingRules.stabilization(60), ScalingRules.disabled())).build();
        return Stream.of(
                Arguments.of("requests per second on ml.c5.xlarge", TargetTrackingAutoscalerModelTest.endpoint(rps)),
                Arguments.of("CPU and memory, cooldowns given as options, on ml.m5.2xlarge",
                        TargetTrackingAutoscalerModelTest.endpoint(cpuMemory, Resources.of(ResourceList.of("2", "4Gi"), ResourceList.empty()))
                                .toBuilder().option("sagemaker", "instanceType", "ml.m5.2xlarge")
                                .option("sagemaker", "scaleOutCooldownSeconds", new BigDecimal(120))
                                .option("sagemaker", "scaleInCooldownSeconds", new BigDecimal(900)).build()),
                Arguments.of("four policies on a T4 GPU instance, scale-in disabled",
                        TargetTrackingAutoscalerModelTest.endpoint(gpu, Resources.of(ResourceList.of("2", "8Gi"), ResourceList.empty(),
                                new Accelerator(AcceleratorType.NVIDIA_T4, 1)))),
                Arguments.of("a 4-GPU instance: GPU target x 4",
                        TargetTrackingAutoscalerModelTest.endpoint(AutoscalingPolicy.builder().minReplicas(1).maxReplicas(4)
                                .target(TargetType.ACCELERATOR_UTILIZATION, 50).build(), Resources.of(ResourceList.of("8", "32Gi"),
                                ResourceList.empty(), new Accelerator(AcceleratorType.NVIDIA_A10G, 4)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void theModelScalesOnExactlyTheRenderedPolicies(String name, InferenceEndpoint endpoint) {
        SageMakerDesiredState t = new SageMakerTranslator().translate(endpoint, ROLE).desired();
        List<Assumption> scalesOn = new SageMakerAutoscalerModelProvider().create(ModelContext.of(endpoint)).assumptions().stream()
                .filter(a -> a.subject().startsWith("scales on (")).toList();

        assertThat(scalesOn).extracting(Assumption::subject)
                .containsExactlyInAnyOrderElementsOf(t.scalingPolicies().stream().map(p -> "scales on (" + p.policyName() + ")").toList());
        for (PutScalingPolicyRequest p : t.scalingPolicies()) {
            TargetTrackingScalingPolicyConfiguration c = p.targetTrackingScalingPolicyConfiguration();
            String metric = c.predefinedMetricSpecification() != null
                    ? c.predefinedMetricSpecification().predefinedMetricTypeAsString() : c.customizedMetricSpecification().metricName();
            String value = scalesOn.stream().filter(a -> a.subject().equals("scales on (" + p.policyName() + ")")).findFirst()
                    .orElseThrow().value();
            assertThat(value).as(p.policyName()).startsWith(metric + " target " + plain(c.targetValue()) + " ");
            assertThat(value).as(p.policyName()).endsWith("; ScaleOutCooldown " + c.scaleOutCooldown() + " s, ScaleInCooldown "
                    + c.scaleInCooldown() + " s" + (Boolean.TRUE.equals(c.disableScaleIn()) ? ", DisableScaleIn" : ""));
            switch (metric) {
                case "CPUUtilization" -> assertThat(value).contains("summed over the " + t.catalogued().orElseThrow().vcpus()
                        + " vCPUs of " + t.instanceType());
                case "GPUUtilization" -> assertThat(value).contains("summed over the " + t.catalogued().orElseThrow().gpuCount()
                        + " GPUs of " + t.instanceType());
                case "MemoryUtilization" -> assertThat(value).contains("GiB of " + t.instanceType());
                case "SageMakerVariantInvocationsPerInstance" -> assertThat(value).contains("invocations per instance per minute");
                default -> assertThat(metric).isEqualTo("SageMakerVariantConcurrentRequestsPerModelHighResolution");
            }
        }
    }

    private static String plain(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
