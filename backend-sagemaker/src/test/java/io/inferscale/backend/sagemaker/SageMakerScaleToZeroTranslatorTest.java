package io.inferscale.backend.sagemaker;

import io.inferscale.api.Accelerator;
import io.inferscale.api.AcceleratorType;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.ScaleToZero;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.Note;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;

import java.io.IOException;
import java.math.BigDecimal;

import static io.inferscale.backend.sagemaker.SageMakerTestSupport.ROLE;
import static io.inferscale.backend.sagemaker.SageMakerTestSupport.golden;
import static org.assertj.core.api.Assertions.assertThat;

/** The requests of scale to zero (inference component, copy-count target, policies, alarm): goldens and the mapping's values. */
class SageMakerScaleToZeroTranslatorTest {

    private final SageMakerTranslator translator = new SageMakerTranslator();

    static InferenceEndpoint gpu() {
        InferenceEndpoint e = SageMakerScaleToZeroTest.scaleToZero();
        return e.toBuilder().name("llm-endpoint").option("sagemaker", "variantName", "Blue")
                .model(e.model().toBuilder().artifactUri("s3://my-bucket/models/llm/model.tar.gz").startupSeconds(900).build())
                .resources(Resources.of(ResourceList.of("4", "12Gi"), ResourceList.empty(), new Accelerator(AcceleratorType.NVIDIA_A10G, 1)))
                .autoscaling(e.autoscaling().toBuilder().maxReplicas(3).scaleToZero(new ScaleToZero(1800)).removeTarget(TargetType.REQUESTS_PER_SECOND)
                        .target(TargetType.CONCURRENT_REQUESTS, 4).target(TargetType.ACCELERATOR_UTILIZATION, 70).build())
                .build();
    }

    @Test
    @DisplayName("seed with scale to zero: config with managed instance scaling 0..5, component of 1 copy, target 0..5, rps × 60, step policy, alarm")
    void seedGolden() throws IOException {
        SageMakerDesiredState t = translator.translate(SageMakerScaleToZeroTest.scaleToZero(), ROLE).desired();
        assertThat(t.isInferenceComponent()).isTrue();
        var variant = t.createEndpointConfig().productionVariants().get(0);
        assertThat(variant.modelName()).isNull();
        assertThat(variant.managedInstanceScaling().minInstanceCount()).isZero();
        assertThat(variant.managedInstanceScaling().maxInstanceCount()).isEqualTo(5);
        assertThat(variant.routingConfig().routingStrategyAsString()).isEqualTo("LEAST_OUTSTANDING_REQUESTS");
        assertThat(variant.initialInstanceCount()).isEqualTo(1);
        assertThat(t.createEndpointConfig().executionRoleArn()).isEqualTo(ROLE);
        var ic = t.inferenceComponent().createInferenceComponent();
        assertThat(ic.inferenceComponentName()).isEqualTo("my-model-endpoint-ic");
        assertThat(ic.specification().modelName()).isEqualTo(t.modelName());
        assertThat(ic.specification().computeResourceRequirements().minMemoryRequiredInMb()).isEqualTo(1024);
        assertThat(ic.specification().computeResourceRequirements().numberOfCpuCoresRequired()).isEqualTo(0.5f);
        assertThat(ic.runtimeConfig().copyCount()).isEqualTo(1);
        assertThat(t.registerScalableTarget().resourceId()).isEqualTo("inference-component/my-model-endpoint-ic");
        assertThat(t.registerScalableTarget().scalableDimensionAsString()).isEqualTo("sagemaker:inference-component:DesiredCopyCount");
        assertThat(t.registerScalableTarget().minCapacity()).isZero();
        assertThat(t.registerScalableTarget().maxCapacity()).isEqualTo(5);
        PutScalingPolicyRequest tt = t.scalingPolicies().get(0);
        assertThat(tt.targetTrackingScalingPolicyConfiguration().predefinedMetricSpecification().predefinedMetricTypeAsString())
                .isEqualTo("SageMakerInferenceComponentInvocationsPerCopy");
        assertThat(tt.targetTrackingScalingPolicyConfiguration().targetValue()).isEqualTo(300.0);
        assertThat(tt.targetTrackingScalingPolicyConfiguration().scaleInCooldown()).isEqualTo(600);
        var step = t.inferenceComponent().stepScalingPolicy().stepScalingPolicyConfiguration();
        assertThat(step.adjustmentTypeAsString()).isEqualTo("ChangeInCapacity");
        assertThat(step.cooldown()).isEqualTo(60);
        assertThat(step.stepAdjustments()).singleElement().satisfies(a -> {
            assertThat(a.metricIntervalLowerBound()).isEqualTo(0.0);
            assertThat(a.scalingAdjustment()).isEqualTo(1);
        });
        var alarm = t.inferenceComponent().putMetricAlarm();
        assertThat(alarm.metricName()).isEqualTo("NoCapacityInvocationFailures");
        assertThat(alarm.threshold()).isEqualTo(1.0);
        assertThat(alarm.comparisonOperatorAsString()).isEqualTo("GreaterThanOrEqualToThreshold");
        assertThat(alarm.alarmActions()).containsExactly(InferenceComponentParts.POLICY_ARN_PLACEHOLDER);
        assertThat(t.notes()).filteredOn(n -> n.kind() == Note.Kind.APPROXIMATED).extracting(Note::path)
                .containsExactly("spec.autoscaling.scaleToZero.idleSeconds");
        assertThat(t.toJson()).contains("\"operation\": \"PutMetricAlarm\"").contains("\"service\": \"cloudwatch\"");
        golden("scale-to-zero.json", t.toJson());
    }

    @Test
    @DisplayName("GPU, concurrency and GPU targets, variant name, start-up parameters: per-copy metrics, accelerators, idleSeconds 1800")
    void gpuGolden() throws IOException {
        SageMakerDesiredState t = translator.translate(gpu(), ROLE).desired();
        assertThat(t.instanceType()).isEqualTo("ml.g5.xlarge");
        var spec = t.inferenceComponent().createInferenceComponent().specification();
        assertThat(spec.computeResourceRequirements().numberOfAcceleratorDevicesRequired()).isEqualTo(1.0f);
        assertThat(spec.computeResourceRequirements().minMemoryRequiredInMb()).isEqualTo(12288);
        assertThat(spec.startupParameters().containerStartupHealthCheckTimeoutInSeconds()).isEqualTo(900);
        assertThat(spec.startupParameters().modelDataDownloadTimeoutInSeconds()).isEqualTo(900);
        assertThat(t.createEndpointConfig().productionVariants().get(0).containerStartupHealthCheckTimeoutInSeconds()).isNull();
        assertThat(t.inferenceComponent().createInferenceComponent().variantName()).isEqualTo("Blue");
        assertThat(t.scalingPolicies()).extracting(PutScalingPolicyRequest::policyName)
                .containsExactly("inferscale-concurrent-requests-per-copy", "inferscale-gpu-utilization-per-copy");
        var concurrency = t.scalingPolicies().get(0).targetTrackingScalingPolicyConfiguration();
        assertThat(concurrency.predefinedMetricSpecification().predefinedMetricTypeAsString())
                .isEqualTo("SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution");
        assertThat(concurrency.targetValue()).isEqualTo(4.0);
        assertThat(concurrency.scaleInCooldown()).isEqualTo(1800);
        var gpu = t.scalingPolicies().get(1).targetTrackingScalingPolicyConfiguration().customizedMetricSpecification();
        assertThat(gpu.metricName()).isEqualTo("GPUUtilizationNormalized");
        assertThat(gpu.namespace()).isEqualTo("/aws/sagemaker/InferenceComponents");
        assertThat(gpu.dimensions()).extracting(d -> d.name() + "=" + d.value()).containsExactly("InferenceComponentName=llm-endpoint-ic");
        golden("scale-to-zero-gpu.json", t.toJson());
    }

    @Test
    @DisplayName("scaleInCooldownSeconds overrides idleSeconds; a plain endpoint's rendering has no inference component")
    void overridesAndPlain() {
        InferenceEndpoint e = SageMakerScaleToZeroTest.scaleToZero().toBuilder().option("sagemaker", "scaleInCooldownSeconds", new BigDecimal(120)).build();
        assertThat(translator.translate(e, ROLE).desired().scalingPolicies().get(0).targetTrackingScalingPolicyConfiguration().scaleInCooldown())
                .isEqualTo(120);
        SageMakerDesiredState plain = translator.translate(SageMakerTestSupport.seed(), ROLE).desired();
        assertThat(plain.isInferenceComponent()).isFalse();
        assertThat(plain.toJson()).doesNotContain("InferenceComponent").doesNotContain("cloudwatch");
    }
}
