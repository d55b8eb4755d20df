package io.inferscale.backend.sagemaker;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.Backend;
import io.inferscale.testkit.faults.Fault;
import io.inferscale.testkit.faults.FaultInjectionHarness;
import io.inferscale.testkit.faults.FaultMode;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.inferscale.backend.sagemaker.SageMakerTestSupport.IMAGE;
import static io.inferscale.backend.sagemaker.SageMakerTestSupport.seed;

/**
 * Issue 8's fault injection on the fake SageMaker / Application Auto Scaling server, through the real SDK clients with
 * the SDK's standard retry strategy (3 attempts; millisecond backoff in tests) and, while a timeout is armed, a short attempt timeout. A call is
 * named by its {@code X-Amz-Target} operation. Timeouts and dropped connections take effect on the fake before the
 * answer is lost (the harder case: the retried call finds its own earlier effect). Endpoints change state on the
 * second DescribeEndpoint after the write, so waits take two 1 ms polls.
 *
 * <p>The update scenario changes the image (new model), the instance type (new config, deregistration of the
 * scalable target before UpdateEndpoint), maxReplicas and the target type (CPU → requests per second), so it makes
 * every kind of write apply has.
 */
class SageMakerFaultInjectionTest extends FaultInjectionHarness {

    /** The attempt timeout while a transient (once) timeout is armed: wide, so that only the armed attempt times out. */
    private static final long ONCE_ATTEMPT_TIMEOUT_MILLIS = 400;
    /**
     * The attempt timeout while a persistent timeout is armed: every attempt of the armed call times out anyway, and a
     * spurious timeout of another call of that run only moves the (safe) failure to another step.
     */
    private static final long PERSISTENT_ATTEMPT_TIMEOUT_MILLIS = 50;
    private static final Set<String> CREATES = Set.of("CreateModel", "CreateEndpointConfig", "CreateEndpoint");
    private static final Set<String> ENDPOINT_WRITES = Set.of("UpdateEndpoint", "DeleteEndpoint");
    private static final Set<String> AUTOSCALING = Set.of("RegisterScalableTarget", "DeregisterScalableTarget", "PutScalingPolicy",
            "DeleteScalingPolicy", "DescribeScalableTargets", "DescribeScalingPolicies", "DescribeScalingActivities");
    /** CloudWatch's calls (scale to zero's alarm), in the awsQuery protocol: its own error codes. */
    private static final Set<String> CLOUDWATCH = Set.of("PutMetricAlarm", "DescribeAlarms", "DeleteAlarms");
    private static final Set<String> COMPONENT_WRITES = Set.of("UpdateInferenceComponent", "DeleteInferenceComponent");

    private FakeAwsServer fake;
    private boolean warm;
    private volatile long attemptTimeoutMillis;

    @Override
    protected String backendId() {
        return "sagemaker";
    }

    @Override
    protected void startFake() {
        if (!warm) {
            warmUp();
            warm = true;
        }
        fake = FakeAwsServer.start();
        fake.transitionAfterPolls(2);
    }

    /**
     * The first calls of a JVM load the SDK's classes (seconds on these machines), far beyond the attempt timeout:
     * every path of the scenarios (create, update, delete, errors) without that timeout first, so that only the
     * injected timeouts time out and the clean runs' call counts do not depend on class loading.
     */
    private void warmUp() {
        try (FakeAwsServer warmUp = FakeAwsServer.start(); Backend backend = SageMakerTestSupport.backend(warmUp,
                Map.of("sagemaker.pollInterval", "1ms"))) {
            warmUp.transitionAfterPolls(2);
            for (int i = 0; i < 2; i++) {
                warmUp.arm(FakeAwsServer.Armed.error("CreateModel", false, 400, "ThrottlingException", "Rate exceeded"));
                backend.apply(endpoint());
                backend.apply(updatedEndpoint());
                backend.plan(endpoint());
                backend.status(endpoint().name());
                backend.delete(endpoint().name());
            }
        }
    }

    @Override
    protected void stopFake() {
        fake.close();
    }

    /**
     * A short attempt timeout only while a timeout is armed: elsewhere (clean runs, set-up, re-runs, other faults) a
     * slow answer on this shared 2-core machine must not time out, or the clean runs' call counts would vary.
     */
    @Override
    protected Backend newBackend() {
        return SageMakerTestSupport.backend(fake, Map.of("sagemaker.attemptTimeout", attemptTimeoutMillis > 0 ? attemptTimeoutMillis + "ms" : "10s",
                "sagemaker.pollInterval", "1ms", "sagemaker.timeout", "20s"));
    }

    /** The attempt timeout while a transient (once) timeout is armed; default {@value #ONCE_ATTEMPT_TIMEOUT_MILLIS} ms. */
    protected long onceAttemptTimeoutMillis() {
        return ONCE_ATTEMPT_TIMEOUT_MILLIS;
    }

    @Override
    protected List<String> calls() {
        return fake.operations();
    }

    @Override
    protected void arm(String call, Fault fault, FaultMode mode) {
        boolean persistent = mode == FaultMode.PERSISTENT;
        attemptTimeoutMillis = fault != Fault.TIMEOUT ? 0 : persistent ? PERSISTENT_ATTEMPT_TIMEOUT_MILLIS : onceAttemptTimeoutMillis();
        boolean sageMaker = !AUTOSCALING.contains(call);
        boolean cloudWatch = CLOUDWATCH.contains(call);
        fake.arm(switch (fault) {
            case THROTTLING -> FakeAwsServer.Armed.error(call, persistent, 400, cloudWatch ? "Throttling" : "ThrottlingException", "Rate exceeded");
            case SERVER_ERROR -> cloudWatch
                    ? FakeAwsServer.Armed.error(call, persistent, 500, "InternalServiceError", "Request processing has failed due to some unknown error.")
                    : sageMaker
                    ? FakeAwsServer.Armed.error(call, persistent, 500, "InternalFailure", "We encountered an internal error. Please try again.")
                    : FakeAwsServer.Armed.error(call, persistent, 503, "ServiceUnavailable", "Service is unavailable");
            // held 10x the attempt timeout, so a client timer that fires late on a loaded machine still times out (2.5x let an
            // answer through under load: the cell read "handled" instead of "failed safely")
            case TIMEOUT -> FakeAwsServer.Armed.slow(call, persistent, attemptTimeoutMillis * 10);
            case DROPPED_CONNECTION -> FakeAwsServer.Armed.dropped(call, persistent);
            case CONFLICT -> conflict(call, persistent);
        });
    }

    private static FakeAwsServer.Armed conflict(String call, boolean persistent) {
        String arn = "\"arn:aws:sagemaker:us-east-1:123456789012:";
        if (CLOUDWATCH.contains(call)) {
            return FakeAwsServer.Armed.error(call, persistent, 429, "ConcurrentModificationException",
                    "More than one process tried to modify a resource at the same time.");
        }
        if (call.equals("CreateInferenceComponent")) {
            return FakeAwsServer.Armed.error(call, persistent, 400, "ValidationException", "Cannot create already existing inference component "
                    + arn + "inference-component/my-model-endpoint-ic\".");
        }
        if (COMPONENT_WRITES.contains(call)) {
            return FakeAwsServer.Armed.error(call, persistent, 400, "ValidationException", "Cannot update in-progress inference component "
                    + arn + "inference-component/my-model-endpoint-ic\".");
        }
        if (CREATES.contains(call)) {
            String what = switch (call) {
                case "CreateModel" -> "model " + arn + "model/x\".";
                case "CreateEndpointConfig" -> "endpoint configuration " + arn + "endpoint-config/x\".";
                default -> "endpoint " + arn + "endpoint/my-model-endpoint\".";
            };
            return FakeAwsServer.Armed.error(call, persistent, 400, "ValidationException", "Cannot create already existing " + what);
        }
        if (ENDPOINT_WRITES.contains(call)) {
            return FakeAwsServer.Armed.error(call, persistent, 400, "ValidationException",
                    "Cannot update in-progress endpoint " + arn + "endpoint/my-model-endpoint\".");
        }
        if (AUTOSCALING.contains(call)) {
            return FakeAwsServer.Armed.error(call, persistent, 400, "ConcurrentUpdateException",
                    "You already have a pending update to an Auto Scaling resource.");
        }
        return FakeAwsServer.Armed.error(call, persistent, 400, "ResourceInUse", "Resource is in use by another operation.");
    }

    @Override
    protected long faultsInjected() {
        return fake.armedFired();
    }

    @Override
    protected void disarm() {
        attemptTimeoutMillis = 0;
        fake.disarm();
    }

    @Override
    protected String injectedAs(Fault fault) {
        return switch (fault) {
            case THROTTLING -> "HTTP 400, `__type` ThrottlingException \"Rate exceeded\" (as AWS JSON 1.1 services send it; CloudWatch: "
                    + "awsQuery XML error Throttling)";
            case SERVER_ERROR -> "SageMaker: HTTP 500 InternalFailure; Application Auto Scaling: HTTP 503 ServiceUnavailable; CloudWatch: HTTP 500 "
                    + "InternalServiceError";
            case TIMEOUT -> "the request takes effect, the answer is held 10 × the client's attempt timeout (`sagemaker.attemptTimeout`: "
                    + onceAttemptTimeoutMillis() + " ms once, " + PERSISTENT_ATTEMPT_TIMEOUT_MILLIS + " ms persistent)";
            case DROPPED_CONNECTION -> "the request takes effect, then the connection closes without an answer";
            case CONFLICT -> "HTTP 400: creates ValidationException \"Cannot create already existing ...\"; UpdateEndpoint and DeleteEndpoint"
                    + " ValidationException \"Cannot update in-progress endpoint\"; Application Auto Scaling ConcurrentUpdateException;"
                    + " CreateInferenceComponent \"Cannot create already existing\", Update/DeleteInferenceComponent \"Cannot update in-progress\";"
                    + " CloudWatch HTTP 429 ConcurrentModificationException; other SageMaker calls ResourceInUse";
        };
    }

    @Override
    protected String state() {
        return fake.state();
    }

    @Override
    protected InferenceEndpoint endpoint() {
        return seed();
    }

    @Override
    protected InferenceEndpoint updatedEndpoint() {
        InferenceEndpoint e = seed();
        return e.toBuilder().model(e.model().toBuilder().image(IMAGE + "-2").build())
                .option("sagemaker", "instanceType", "ml.c5.xlarge")
                .autoscaling(e.autoscaling().toBuilder().maxReplicas(8).removeTarget(TargetType.CPU_UTILIZATION)
                        .target(TargetType.REQUESTS_PER_SECOND, 15).build()).build();
    }
}
