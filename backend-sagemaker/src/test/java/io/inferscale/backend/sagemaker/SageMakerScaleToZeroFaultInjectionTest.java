package io.inferscale.backend.sagemaker;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.TargetType;

import java.nio.file.Path;
import java.nio.file.Paths;

import static io.inferscale.backend.sagemaker.SageMakerTestSupport.IMAGE;

/**
 * The SageMaker fault suite ({@link SageMakerFaultInjectionTest}: same fake, faults and attempt timeouts) on an endpoint
 * with scale to zero, so that every call of the inference-component variant fails once and persistently: the create
 * (CreateInferenceComponent and its polls, the copy-count target, the step policy, PutMetricAlarm), the update (a new
 * image: UpdateInferenceComponent; maxReplicas: a new config and UpdateEndpoint; the target type: a new policy, the old
 * one deleted) and the delete (DeleteAlarms, the policies, DeregisterScalableTarget, DeleteInferenceComponent and its
 * polls, then the endpoint). Outcomes in {@code docs/reliability/sagemaker-scale-to-zero.md}.
 */
class SageMakerScaleToZeroFaultInjectionTest extends SageMakerFaultInjectionTest {

    @Override
    protected InferenceEndpoint endpoint() {
        return SageMakerScaleToZeroTest.scaleToZero();
    }

    @Override
    protected InferenceEndpoint updatedEndpoint() {
        InferenceEndpoint e = SageMakerScaleToZeroTest.scaleToZero();
        return e.toBuilder().model(e.model().toBuilder().image(IMAGE + "-2").build())
                .autoscaling(e.autoscaling().toBuilder().maxReplicas(8).removeTarget(TargetType.REQUESTS_PER_SECOND)
                        .target(TargetType.CONCURRENT_REQUESTS, 4).build()).build();
    }

    @Override
    protected Path docsFile() {
        return Paths.get("..", "docs", "reliability", "sagemaker-scale-to-zero.md");
    }
}
