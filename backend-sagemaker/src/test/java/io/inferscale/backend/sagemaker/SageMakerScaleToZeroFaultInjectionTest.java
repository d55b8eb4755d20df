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

    /**
     * 1 s instead of 400 ms: the create and delete of this variant poll two resources (endpoint and component), so a
     * once-armed timeout run makes more calls under the short attempt timeout, and on this shared, loaded 2-core machine
     * a stall of over a second now and then timed out every attempt of an earlier call (the armed fault then "never fired":
     * 2 of 430 cases in two runs at load average 10-30).
     */
    @Override
    protected long onceAttemptTimeoutMillis() {
        return 1000;
    }

    @Override
    protected Path docsFile() {
        return Paths.get("..", "docs", "reliability", "sagemaker-scale-to-zero.md");
    }
}
