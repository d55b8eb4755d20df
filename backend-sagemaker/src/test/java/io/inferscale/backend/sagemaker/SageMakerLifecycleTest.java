package io.inferscale.backend.sagemaker;

import io.inferscale.api.BackendException;
import io.inferscale.api.BackendException.Reason;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.Plan;
import io.inferscale.api.validation.Problem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.inferscale.backend.sagemaker.SageMakerTestSupport.IMAGE;
import static io.inferscale.backend.sagemaker.SageMakerTestSupport.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The endpoint state machine and the update rules, against the fake through the real SDK clients. */
class SageMakerLifecycleTest {

    private static final String NAME = "my-model-endpoint";
    private static final String RESOURCE = "endpoint/" + NAME + "/variant/AllTraffic";

    private FakeAwsServer fake;
    private SageMakerBackend backend;

    @BeforeEach
    void start() {
        fake = FakeAwsServer.start();
        fake.transitionDelay(Duration.ofMillis(60));
        backend = SageMakerTestSupport.backend(fake);
    }

    @AfterEach
    void stop() {
        backend.close();
        fake.close();
    }

    private InferenceEndpoint withImage(InferenceEndpoint e, String image) {
        return e.toBuilder().model(e.model().toBuilder().image(image).build()).build();
    }

    private InferenceEndpoint withInstanceType(InferenceEndpoint e, String type) {
        return e.toBuilder().option("sagemaker", "instanceType", type).build();
    }

    private static BigDecimal targetValue(Map<String, Object> policy) {
        @SuppressWarnings("unchecked")
        Map<String, Object> c = (Map<String, Object>) policy.get("TargetTrackingScalingPolicyConfiguration");
        return (BigDecimal) c.get("TargetValue");
    }

    @Nested
    @DisplayName("create")
    class Create {
        @Test
        @DisplayName("apply makes the calls of the rendering, in order, and waits for InService before registering the target")
        void createOrder() {
            backend.apply(seed());
            assertThat(fake.operations()).filteredOn(op -> !op.startsWith("Describe") && !op.startsWith("List"))
                    .containsExactly("CreateModel", "CreateEndpointConfig", "CreateEndpoint", "RegisterScalableTarget", "PutScalingPolicy");
            List<String> ops = fake.operations();
            assertThat(ops.subList(ops.indexOf("CreateEndpoint"), ops.indexOf("RegisterScalableTarget"))).contains("DescribeEndpoint");
            assertThat(targetValue(fake.policy("inferscale-cpu-utilization"))).isEqualByComparingTo("30");
        }

        @Test
        @DisplayName("a Failed endpoint surfaces SageMaker's FailureReason")
        void failureReason() {
            fake.failNextEndpoint("The primary container for production variant AllTraffic did not pass the ping health check.");
            BackendException e = catchThrowableOfType(BackendException.class, () -> backend.apply(seed()));
            assertThat(e.reason()).isEqualTo(Reason.FAILED);
            assertThat(e.getMessage()).contains("did not pass the ping health check");
            assertThat(backend.status(NAME).state()).isEqualTo(EndpointState.FAILED);
            assertThat(backend.status(NAME).message()).hasValueSatisfying(m -> assertThat(m).contains("ping health check"));
        }

        @Test
        @DisplayName("plan and apply need an execution role and say how to set it")
        void roleRequired() {
            SageMakerBackend noRole = SageMakerBackend.create(BackendConfig.of(Map.of("sagemaker.region", "us-east-1",
                    "sagemaker.endpointOverride", fake.uri().toString())), StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAFAKE", "secret-x")));
            InvalidEndpointException e = catchThrowableOfType(InvalidEndpointException.class, () -> noRole.plan(seed()));
            assertThat(e.report().errors()).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo("spec.backends.sagemaker.executionRoleArn");
                assertThat(p.message()).contains("--set sagemaker.executionRoleArn=", "INFERSCALE_SAGEMAKER_EXECUTION_ROLE_ARN");
            });
            assertThat(fake.operations()).isEmpty();
            noRole.close();
        }
    }

    @Nested
    @DisplayName("update")
    class Update {
        @Test
        @DisplayName("an instance-type change deregisters the target, updates the endpoint, registers again and re-puts the policies")
        void instanceTypeChange() {
            backend.apply(seed());
            fake.setDesiredInstanceCount(NAME, "AllTraffic", 3);
            InferenceEndpoint bigger = withInstanceType(seed(), "ml.c5.xlarge");
            long writes = fake.writeCount();
            Plan plan = backend.plan(bigger);
            assertThat(fake.writeCount()).as("plan only reads").isEqualTo(writes);
            assertThat(plan.changes()).extracting(c -> c.action() + " " + c.kind()).containsExactly(
                    "CREATE EndpointConfig", "UPDATE Endpoint", "REPLACE ScalableTarget", "CREATE ScalingPolicy", "DELETE EndpointConfig");
            fake.clearOperations();
            backend.apply(bigger);
            List<String> writesDone = fake.operations().stream().filter(op -> !op.startsWith("Describe") && !op.startsWith("List")).toList();
            assertThat(writesDone).containsExactly("CreateEndpointConfig", "DeregisterScalableTarget", "UpdateEndpoint",
                    "RegisterScalableTarget", "PutScalingPolicy", "DeleteEndpointConfig");
            assertThat(fake.hasTarget(RESOURCE)).isTrue();
            assertThat(targetValue(fake.policy("inferscale-cpu-utilization"))).as("60%% of the 500m request = 0.3 cores, on any instance").isEqualByComparingTo("30");
            assertThat(fake.desiredCounts(NAME)).as("count chosen by autoscaling kept").containsEntry("AllTraffic", 3);
            assertThat(fake.configNames()).containsExactly(fake.endpointConfigName(NAME));
            assertThat(backend.plan(bigger).isEmpty()).isTrue();
        }

        @Test
        @DisplayName("when the update fails after deregistration, the old target and policies are registered again")
        void restoreAfterFailedUpdate() {
            backend.apply(seed());
            fake.inject("UpdateEndpoint", 400, "ResourceLimitExceeded", "The account-level service limit 'ml.c5.xlarge for endpoint usage' is 0 Instances", 1);
            BackendException e = catchThrowableOfType(BackendException.class, () -> backend.apply(withInstanceType(seed(), "ml.c5.xlarge")));
            assertThat(e.reason()).isEqualTo(Reason.QUOTA_EXCEEDED);
            assertThat(fake.hasTarget(RESOURCE)).isTrue();
            assertThat(targetValue(fake.policy("inferscale-cpu-utilization"))).isEqualByComparingTo("30");
            assertThat(backend.plan(seed()).changes()).extracting(c -> c.action() + " " + c.kind()).containsExactly("DELETE EndpointConfig");
        }

        @Test
        @DisplayName("without deregistration SageMaker refuses the instance-type change (the fake enforces AWS's rule)")
        void fakeEnforcesDeregistration() {
            backend.apply(seed());
            SageMakerDesiredState t = new SageMakerTranslator().translate(withInstanceType(seed(), "ml.c5.xlarge"), SageMakerTestSupport.ROLE).desired();
            try (SageMakerClient raw = rawClient()) {
                raw.createEndpointConfig(t.createEndpointConfig());
                assertThatThrownBy(() -> raw.updateEndpoint(b -> b.endpointName(NAME).endpointConfigName(t.endpointConfigName())))
                        .hasMessageContaining("must be deregistered as scalable targets");
            }
        }

        @Test
        @DisplayName("a new image keeps the instance count autoscaling chose (RetainAllVariantProperties) and removes the old model and config")
        void imageChangeKeepsCount() {
            backend.apply(seed());
            String oldConfig = fake.endpointConfigName(NAME);
            List<String> oldModels = fake.modelNames();
            fake.setDesiredInstanceCount(NAME, "AllTraffic", 4);
            backend.apply(withImage(seed(), IMAGE + "-fix"));
            assertThat(fake.desiredCounts(NAME)).containsEntry("AllTraffic", 4);
            assertThat(fake.operations()).doesNotContain("DeregisterScalableTarget");
            assertThat(fake.configNames()).hasSize(1).doesNotContain(oldConfig);
            assertThat(fake.modelNames()).hasSize(1).doesNotContainAnyElementsOf(oldModels);
            EndpointStatus s = backend.status(NAME);
            assertThat(s.desiredReplicas()).isEqualTo(4);
            assertThat(s.readyReplicas()).isEqualTo(4);
        }

        @Test
        @DisplayName("a new CPU target is one policy update whose field change shows the converted values")
        void targetChangeFields() {
            backend.apply(seed());
            Plan plan = backend.plan(seed().toBuilder().autoscaling(seed().autoscaling().toBuilder().target(TargetType.CPU_UTILIZATION, 70).build()).build());
            assertThat(plan.changes()).singleElement().satisfies(c -> {
                assertThat(c.action()).isEqualTo(Change.Action.UPDATE);
                assertThat(c.name()).isEqualTo("inferscale-cpu-utilization");
                assertThat(c.fields()).singleElement().satisfies(f -> {
                    assertThat(f.path()).isEqualTo("TargetTrackingScalingPolicyConfiguration.TargetValue");
                    assertThat(new BigDecimal(f.before())).isEqualByComparingTo("30"); // 60% of 500m = 0.3 cores
                    assertThat(new BigDecimal(f.after())).isEqualByComparingTo("35"); // 70% of 500m = 0.35 cores
                });
            });
        }

        @Test
        @DisplayName("an instance count chosen by autoscaling is not drift: plan stays empty and re-apply writes nothing")
        void autoscalerCountIsNotDrift() {
            backend.apply(seed());
            fake.setDesiredInstanceCount(NAME, "AllTraffic", 5);
            long writes = fake.writeCount();
            assertThat(backend.plan(seed()).isEmpty()).isTrue();
            assertThat(backend.apply(seed()).changed()).isFalse();
            assertThat(fake.writeCount()).isEqualTo(writes);
            assertThat(fake.desiredCounts(NAME)).containsEntry("AllTraffic", 5);
        }

        @Test
        @DisplayName("a new replica range only updates the scalable target; AAS moves the count into the range")
        void rangeOnly() {
            backend.apply(seed());
            fake.clearOperations();
            backend.apply(seed().toBuilder().autoscaling(seed().autoscaling().toBuilder().minReplicas(2).maxReplicas(6).build()).build());
            assertThat(fake.operations()).filteredOn(op -> !op.startsWith("Describe") && !op.startsWith("List")).containsExactly("RegisterScalableTarget");
            assertThat(fake.desiredCounts(NAME)).containsEntry("AllTraffic", 2);
        }

        @Test
        @DisplayName("an update never goes out while the endpoint is Updating: apply waits for InService first")
        void waitsWhileUpdating() throws Exception {
            backend.apply(seed());
            fake.holdTransitions(true);
            try (SageMakerClient raw = rawClient()) {
                raw.updateEndpoint(b -> b.endpointName(NAME).endpointConfigName(fake.endpointConfigName(NAME)));
            }
            assertThat(backend.status(NAME).state()).isEqualTo(EndpointState.UPDATING);
            fake.clearOperations();
            CompletableFuture<?> applying = CompletableFuture.runAsync(() -> backend.apply(withImage(seed(), IMAGE + "-2")));
            // apply is polling DescribeEndpoint while the endpoint stays Updating: no update may go out meanwhile
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); fake.operations().stream()
                    .filter("DescribeEndpoint"::equals).count() < 4 && !applying.isDone() && System.nanoTime() < deadline; ) {
                Thread.sleep(5);
            }
            assertThat(applying).as("apply waits while the endpoint is Updating").isNotDone();
            assertThat(fake.operations()).doesNotContain("UpdateEndpoint", "CreateModel", "CreateEndpointConfig");
            fake.holdTransitions(false);
            applying.get(20, TimeUnit.SECONDS);
            assertThat(backend.status(NAME).state()).isEqualTo(EndpointState.READY);
            assertThat(fake.operations()).filteredOn("UpdateEndpoint"::equals).hasSize(1);
        }

        @Test
        @DisplayName("re-enabling scale-up sends DynamicScalingOutSuspended=false explicitly (AAS keeps omitted values)")
        void scaleUpReenabled() {
            InferenceEndpoint disabled = seed().toBuilder().autoscaling(seed().autoscaling().toBuilder()
                    .behavior(io.inferscale.api.ScalingBehavior.of(io.inferscale.api.ScalingRules.disabled(), null)).build()).build();
            backend.apply(disabled);
            assertThat(fake.suspendedOut(RESOURCE)).isTrue();
            Plan plan = backend.plan(seed());
            assertThat(plan.changes()).extracting(c -> c.action() + " " + c.kind()).containsExactly("UPDATE ScalableTarget");
            backend.apply(seed());
            assertThat(fake.suspendedOut(RESOURCE)).isFalse();
            assertThat(backend.plan(seed()).isEmpty()).isTrue();
        }

        @Test
        @DisplayName("switching from a CPU to a requests-per-second target deletes the old policy and puts rps × 60")
        void targetTypeChange() {
            backend.apply(seed());
            backend.apply(seed().toBuilder().autoscaling(seed().autoscaling().toBuilder().removeTarget(TargetType.CPU_UTILIZATION)
                    .target(TargetType.REQUESTS_PER_SECOND, 15).build()).build());
            assertThat(fake.policyNames()).containsExactly("inferscale-invocations-per-instance");
            assertThat(backend.status(NAME).metrics()).singleElement().satisfies(m -> assertThat(m.target()).isEqualTo("15 rps"));
            assertThat(targetValue(fake.policy("inferscale-invocations-per-instance"))).isEqualByComparingTo("900");
        }
    }

    @Nested
    @DisplayName("status and delete")
    class StatusAndDelete {
        @Test
        @DisplayName("status reports counts, range, the native target, the instance type and recent scaling activities")
        void status() {
            backend.apply(seed());
            fake.setDesiredInstanceCount(NAME, "AllTraffic", 3);
            EndpointStatus s = backend.status(NAME);
            assertThat(s.state()).isEqualTo(EndpointState.READY);
            assertThat(s.replicasDisplay()).isEqualTo("3/3");
            assertThat(s.minReplicas()).isEqualTo(1);
            assertThat(s.maxReplicas()).isEqualTo(5);
            assertThat(s.model()).contains("my-ml-model:v1");
            assertThat(s.metrics()).singleElement().satisfies(m -> {
                assertThat(m.name()).isEqualTo("CPUUtilization");
                assertThat(m.target()).isEqualTo("0.3 cores"); // 60% of the 500m request; the request is not deployed state
            });
            assertThat(s.details()).containsEntry("policy.inferscale-cpu-utilization.TargetValue", "30");
            assertThat(s.details()).containsEntry("instanceType", "ml.c5.large").containsEntry("variantName", "AllTraffic");
            assertThat(s.conditions()).first().satisfies(c -> assertThat(c.message()).contains("Setting desired instance count to 3"));
        }

        @Test
        @DisplayName("list shows only endpoints InferScale created (tagged inferscale:managed-by)")
        void listManagedOnly() {
            backend.apply(seed());
            try (SageMakerClient raw = rawClient()) {
                raw.createEndpoint(b -> b.endpointName("someone-elses").endpointConfigName(fake.endpointConfigName(NAME)));
            }
            assertThat(backend.list()).extracting(EndpointStatus::name).containsExactly(NAME);
        }

        @Test
        @DisplayName("awaitReady reports each new state the SDK waiter sees (Creating once, then InService) and returns the full status")
        void awaitReadyReportsProgress() {
            backend.apply(seed());
            fake.transitionAfterPolls(3);
            try (SageMakerClient raw = rawClient()) {
                raw.createEndpoint(b -> b.endpointName("another-endpoint").endpointConfigName(fake.endpointConfigName(NAME)));
            }
            List<EndpointStatus> seen = new java.util.ArrayList<>();
            long polls = fake.waitPolls();
            EndpointStatus ready = backend.awaitReady("another-endpoint", Duration.ofSeconds(10), seen::add);
            assertThat(fake.waitPolls() - polls).as("the waiter polled while the endpoint was Creating").isEqualTo(3);
            assertThat(seen).extracting(EndpointStatus::state).containsExactly(EndpointState.CREATING, EndpointState.READY);
            assertThat(seen).allSatisfy(st -> assertThat(st.name()).isEqualTo("another-endpoint"));
            assertThat(ready.isReady()).isTrue();
            assertThat(ready.maxReplicas()).as("the full status: no scalable target on this one").isZero();
        }

        @Test
        @DisplayName("a listener that throws ends awaitReady with its own exception; a missing endpoint is NOT_FOUND")
        void awaitReadyListenerFailure() {
            backend.apply(seed());
            fake.transitionAfterPolls(5);
            try (SageMakerClient raw = rawClient()) {
                raw.createEndpoint(b -> b.endpointName("another-endpoint").endpointConfigName(fake.endpointConfigName(NAME)));
            }
            IllegalStateException stop = new IllegalStateException("the user pressed Ctrl-C");
            assertThat(catchThrowable(() -> backend.awaitReady("another-endpoint", Duration.ofSeconds(10), st -> {
                throw stop;
            }))).isSameAs(stop);
            assertThat(catchThrowableOfType(BackendException.class, () -> backend.awaitReady("no-such-endpoint", Duration.ofSeconds(5),
                    st -> { })).reason()).isEqualTo(Reason.NOT_FOUND);
        }

        @Test
        @DisplayName("delete removes policies, target, endpoint, configs and models; a second delete finds nothing")
        void deleteAll() {
            backend.apply(seed());
            backend.apply(withImage(seed(), IMAGE + "-2"));
            assertThat(backend.delete(NAME)).isTrue();
            assertThat(fake.operations()).contains("DeleteEndpoint", "DeleteEndpointConfig", "DeleteModel")
                    .as("SageMaker deregisters the target (and its policies) with the endpoint").doesNotContain("DeregisterScalableTarget", "DeleteScalingPolicy");
            assertThat(fake.policyNames()).isEmpty();
            assertThat(fake.hasTarget(RESOURCE)).isFalse();
            assertThat(fake.configNames()).isEmpty();
            assertThat(fake.modelNames()).isEmpty();
            assertThat(backend.get(NAME)).isEmpty();
            long writes = fake.writeCount();
            assertThat(backend.delete(NAME)).isFalse();
            assertThat(fake.writeCount()).isEqualTo(writes);
        }
    }

    @Nested
    @DisplayName("errors")
    class Errors {
        private BackendException applyFailing(String op, int status, String code, String message, int times) {
            fake.inject(op, status, code, message, times);
            return catchThrowableOfType(BackendException.class, () -> backend.apply(seed()));
        }

        @Test
        @DisplayName("ResourceLimitExceeded → QUOTA_EXCEEDED with AWS's message")
        void quota() {
            BackendException e = applyFailing("CreateEndpoint", 400, "ResourceLimitExceeded",
                    "The account-level service limit 'ml.c5.large for endpoint usage' is 0 Instances", 1);
            assertThat(e.reason()).isEqualTo(Reason.QUOTA_EXCEEDED);
            assertThat(e.getMessage()).contains("ml.c5.large for endpoint usage");
            assertThat(e.step()).hasValue("CreateEndpoint my-model-endpoint");
            assertThat(e.getCause()).isInstanceOf(BackendException.class);
            assertThat(e.getCause().getCause()).isInstanceOf(software.amazon.awssdk.awscore.exception.AwsServiceException.class);
        }

        @Test
        @DisplayName("AccessDeniedException → PERMISSION_DENIED")
        void accessDenied() {
            BackendException e = applyFailing("CreateModel", 400, "AccessDeniedException", "User is not authorized to perform: sagemaker:CreateModel", 1);
            assertThat(e.reason()).isEqualTo(Reason.PERMISSION_DENIED);
            assertThat(e.getMessage()).contains("sagemaker:CreateModel").doesNotContain("fake-secret-for-tests");
        }

        @Test
        @DisplayName("a CreateModel error that echoes an environment value hides it, in the message and in the SDK cause")
        void createModelErrorHidesEnvironmentValues() {
            String secret = "tok-9f8e7d6c5b4a";
            InferenceEndpoint e = seed().toBuilder().model(seed().model().toBuilder().env("API_TOKEN", secret).build()).build();
            fake.inject("CreateModel", 400, "ValidationException", "1 validation error detected: Value '{API_TOKEN=" + secret
                    + "}' at 'primaryContainer.environment' failed to satisfy constraint", 1);
            BackendException ex = catchThrowableOfType(BackendException.class, () -> backend.apply(e));
            assertThat(ex.reason()).isEqualTo(Reason.INVALID_REQUEST);
            assertThat(ex.getMessage()).contains("Value '{API_TOKEN=****}' at 'primaryContainer.environment'").doesNotContain(secret);
            Throwable sdk = ex.getCause().getCause();
            assertThat(sdk).isInstanceOf(software.amazon.awssdk.awscore.exception.AwsServiceException.class);
            assertThat(sdk.getMessage()).contains("API_TOKEN=****").doesNotContain(secret)
                    .containsOnlyOnce("(Service: SageMaker");
            assertThat(((software.amazon.awssdk.awscore.exception.AwsServiceException) sdk).awsErrorDetails().errorMessage())
                    .doesNotContain(secret);
            assertThat(sdk.getStackTrace()).isNotEmpty();
        }

        @Test
        @DisplayName("ValidationException → INVALID_REQUEST; 'Cannot update in-progress endpoint' → CONFLICT")
        void validation() {
            assertThat(applyFailing("CreateModel", 400, "ValidationException", "Role arn is not valid", 1).reason()).isEqualTo(Reason.INVALID_REQUEST);
            backend.apply(seed());
            // no update of another apply is pending: apply looks again in a next round; refused every round → CONFLICT
            fake.inject("UpdateEndpoint", 400, "ValidationException", "Cannot update in-progress endpoint \"arn:aws:sagemaker:us-east-1:123456789012:endpoint/my-model-endpoint\".",
                    SageMakerBackend.MAX_ROUNDS);
            BackendException e = catchThrowableOfType(BackendException.class, () -> backend.apply(withImage(seed(), IMAGE + "-3")));
            assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
            assertThat(e.getMessage()).contains("Cannot update in-progress endpoint");
        }

        @Test
        @DisplayName("an interrupted apply resumes: the model and config it made are found by their content-hashed names, not made twice")
        void resumeAfterInterruption() {
            SageMakerBackend oneAttempt = SageMakerTestSupport.backend(fake, Map.of("sagemaker.maxAttempts", "1"));
            fake.inject("CreateEndpoint", 500, "InternalFailure", "We encountered an internal error. Please try again.", 1);
            assertThat(catchThrowableOfType(BackendException.class, () -> oneAttempt.apply(seed())).reason()).isEqualTo(Reason.UNAVAILABLE);
            oneAttempt.close();
            assertThat(fake.modelNames()).hasSize(1);
            assertThat(fake.configNames()).hasSize(1);
            fake.clearOperations();
            Plan plan = backend.plan(seed());
            assertThat(plan.changes()).extracting(c -> c.action() + " " + c.kind())
                    .containsExactly("CREATE Endpoint", "CREATE ScalableTarget", "CREATE ScalingPolicy");
            // the resumed apply needs no read to find them: its creates are answered "already existing" and accepted
            backend.apply(seed());
            assertThat(fake.operations()).filteredOn("CreateModel"::equals).hasSize(1);
            assertThat(fake.modelNames()).hasSize(1);
            assertThat(fake.configNames()).hasSize(1);
            assertThat(backend.status(NAME).isReady()).isTrue();
        }

        @Test
        @DisplayName("a duplicate name answers SageMaker's 'Cannot create already existing' and maps to CONFLICT")
        void duplicate() {
            backend.apply(seed());
            SageMakerDesiredState t = new SageMakerTranslator().translate(seed(), SageMakerTestSupport.ROLE).desired();
            try (SageMakerClient raw = rawClient()) {
                software.amazon.awssdk.core.exception.SdkException e = catchThrowableOfType(
                        software.amazon.awssdk.core.exception.SdkException.class, () -> raw.createModel(t.createModel()));
                assertThat(e).hasMessageContaining("Cannot create already existing model");
                assertThat(io.inferscale.backend.sagemaker.internal.AwsErrors.reason(e)).isEqualTo(Reason.CONFLICT);
            }
        }

        @Test
        @DisplayName("ResourceNotFound on a write of apply: something it made or read is gone, so CONFLICT (re-running is safe)")
        void notFound() {
            BackendException e = applyFailing("CreateEndpoint", 400, "ResourceNotFound", "Resource not found", SageMakerBackend.MAX_ROUNDS);
            assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
            assertThat(e.getMessage()).contains("ResourceNotFound: Resource not found", "removed meanwhile", "Re-running apply is safe");
            fake.inject("CreateEndpoint", 400, "ResourceNotFound", "Resource not found", 1);
            assertThat(backend.apply(seed()).status().name()).as("once: the next round creates it").isEqualTo(NAME);
        }

        @Test
        @DisplayName("throttling and 5xx are retried by the SDK's retry strategy; when they persist → THROTTLED / UNAVAILABLE")
        void retries() {
            fake.inject("CreateModel", 400, "ThrottlingException", "Rate exceeded", 1);
            fake.inject("CreateEndpointConfig", 500, "InternalFailure", "We encountered an internal error. Please try again.", 1);
            backend.apply(seed());
            assertThat(fake.operations()).filteredOn("CreateModel"::equals).hasSize(2);
            assertThat(fake.operations()).filteredOn("CreateEndpointConfig"::equals).hasSize(2);
            assertThat(backend.delete(NAME)).isTrue();

            SageMakerBackend oneAttempt = SageMakerTestSupport.backend(fake, Map.of("sagemaker.maxAttempts", "1"));
            fake.inject("CreateModel", 400, "ThrottlingException", "Rate exceeded", 1);
            assertThat(catchThrowableOfType(BackendException.class, () -> oneAttempt.apply(seed())).reason()).isEqualTo(Reason.THROTTLED);
            fake.inject("CreateModel", 503, "ServiceUnavailable", "Service is unavailable", 1);
            BackendException unavailable = catchThrowableOfType(BackendException.class, () -> oneAttempt.apply(seed()));
            assertThat(unavailable.reason()).isEqualTo(Reason.UNAVAILABLE);
            assertThat(unavailable.isRetryable()).isTrue();
            oneAttempt.close();
        }
    }

    @Nested
    @DisplayName("provider and configuration")
    class Provider {
        @Test
        @DisplayName("the provider is discovered as 'sagemaker'; an unknown key is rejected by name; toString hides nothing secret")
        void provider() {
            assertThat(Backends.discover().provider("sagemaker")).isInstanceOf(SageMakerBackendProvider.class);
            assertThatThrownBy(() -> new SageMakerBackendProvider().create(BackendConfig.of(Map.of("sagemaker.regoin", "x"))))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("sagemaker.regoin").hasMessageContaining("sagemaker.region");
            assertThatThrownBy(() -> new SageMakerBackendProvider().create(BackendConfig.of(Map.of("sagemaker.executionRoleArn", "role"))))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("sagemaker.executionRoleArn");
            assertThat(backend.toString()).doesNotContain("fake-secret-for-tests");
            for (String typo : List.of("us-east1", "US-EAST-1", "useast-1", "us-east-1 ")) {
                assertThatThrownBy(() -> new SageMakerBackendProvider().create(BackendConfig.of(Map.of("sagemaker.region", typo))))
                        .isInstanceOf(ConfigurationException.class).hasMessageContaining("'sagemaker.region' must be an AWS region");
            }
            for (String region : List.of("us-east-1", "eu-central-2", "us-gov-west-1", "cn-north-1", "ap-southeast-5", "il-central-1")) {
                new SageMakerBackendProvider().create(BackendConfig.of(Map.of("sagemaker.region", region))).close();
            }
        }

        @Test
        @DisplayName("validation errors come before any call")
        void validationFirst() {
            InferenceEndpoint bad = seed().toBuilder().model(seed().model().toBuilder().image(null).build()).build();
            InvalidEndpointException e = catchThrowableOfType(InvalidEndpointException.class, () -> backend.apply(bad));
            assertThat(e.report().errors()).extracting(Problem::path).contains("spec.model.image");
            assertThat(fake.operations()).isEmpty();
        }
    }

    private SageMakerClient rawClient() {
        return SageMakerClient.builder().region(Region.US_EAST_1).endpointOverride(fake.uri())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAFAKE", "raw-secret"))).build();
    }

    @SuppressWarnings("unused")
    private static List<Change.Action> actions(Plan p) {
        return p.changes().stream().map(Change::action).toList();
    }
}
