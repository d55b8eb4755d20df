package io.inferscale.backend.vertex;

import com.google.cloud.aiplatform.v1.DeployModelRequest;
import com.google.cloud.aiplatform.v1.MutateDeployedModelRequest;
import com.google.cloud.aiplatform.v1.UndeployModelRequest;
import io.grpc.Status;
import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.ConvergenceBudget;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.Plan;
import io.inferscale.backend.vertex.fake.FakeVertexServer;
import io.inferscale.backend.vertex.internal.VertexPlanner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class VertexBackendTest {

    static final String ENDPOINT = "projects/test-project/locations/us-central1/endpoints/my-model-endpoint";

    FakeVertexServer fake;
    VertexBackend backend;

    @BeforeEach
    void start() {
        fake = new FakeVertexServer();
        backend = backend(Map.of());
    }

    VertexBackend backend(Map<String, String> extra) {
        Map<String, String> config = new java.util.HashMap<>(Map.of("vertex.project", "test-project", "vertex.location", "us-central1",
                "vertex.endpointOverride", "inprocess:" + fake.name(), "vertex.pollInterval", "10ms", "vertex.operationTimeout", "10s"));
        config.putAll(extra);
        return (VertexBackend) new VertexBackendProvider().create(BackendConfig.of(config));
    }

    @AfterEach
    void stop() {
        backend.close();
        fake.close();
    }

    static InferenceEndpoint sample() throws IOException {
        return VertexTranslatorTest.withImage(VertexTranslatorTest.seed());
    }

    static InferenceEndpoint withPolicy(InferenceEndpoint e, java.util.function.UnaryOperator<io.inferscale.api.AutoscalingPolicy.Builder> f) {
        return e.toBuilder().autoscaling(f.apply(e.autoscaling().toBuilder()).build()).build();
    }

    /** Applies {@link #sample()} on another thread. */
    CompletableFuture<ApplyResult> applyInBackground() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return backend.apply(sample());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Waits (at most 20 s) until the apply running in {@code applying} has sent DeployModel, or ended. */
    void awaitHeldDeploy(CompletableFuture<ApplyResult> applying) throws InterruptedException {
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); fake.calls().stream().noneMatch("DeployModel"::equals)
                && !applying.isDone() && System.nanoTime() < deadline; ) {
            Thread.sleep(5);
        }
    }

    List<String> writesSince(int from) {
        return fake.calls().subList(from, fake.calls().size()).stream()
                .filter(c -> !c.startsWith("Get") && !c.startsWith("List")).toList();
    }

    @Nested
    @DisplayName("lifecycle")
    class Lifecycle {
        @Test
        @DisplayName("apply uploads, creates and deploys in order; the endpoint is ready; re-apply writes nothing")
        void createAndReapply() throws IOException {
            ApplyResult r = backend.apply(sample());
            assertThat(writesSince(0)).containsExactly("UploadModel", "CreateEndpoint", "DeployModel");
            assertThat(r.plan().changes()).extracting(Change::kind).containsExactly("Model", "Endpoint", "DeployedModel");
            EndpointStatus s = backend.awaitReady("my-model-endpoint", Duration.ofSeconds(5));
            assertThat(s.state()).isEqualTo(EndpointState.READY);
            assertThat(s.model()).contains("my-ml-model:v1");
            assertThat(s.replicasDisplay()).isEqualTo("1/1");
            // 60% of 500m on 2 vCPUs; Vertex's CPU target is a share of the machine, which the text must say (not "15%" alone)
            assertThat(s.metrics()).singleElement().satisfies(m -> assertThat(m.display()).isEqualTo("<unknown>/15% of the machine"));
            assertThat(s.details()).containsEntry("machineType", "n1-standard-2").containsKey("deployedModelId");

            long before = fake.writeCount();
            assertThat(backend.plan(sample()).isEmpty()).isTrue();
            assertThat(backend.apply(sample()).changed()).isFalse();
            assertThat(fake.writeCount()).isEqualTo(before);
        }

        @Test
        @DisplayName("vertex.endpointOverride host:port with vertex.plaintext reaches a loopback server through InstantiatingGrpcChannelProvider")
        void loopbackEndpoint() throws IOException {
            try (FakeVertexServer tcp = new FakeVertexServer(true)) {
                VertexBackend b = backend(Map.of("vertex.endpointOverride", tcp.loopbackAddress(), "vertex.plaintext", "true"));
                try {
                    b.apply(sample());
                    assertThat(b.awaitReady("my-model-endpoint", Duration.ofSeconds(5)).isReady()).isTrue();
                    assertThat(tcp.calls()).contains("UploadModel", "CreateEndpoint", "DeployModel", "GetOperation");
                    assertThat(fake.calls()).isEmpty();
                } finally {
                    b.close();
                }
            }
        }

        @Test
        @DisplayName("plan only reads")
        void planReads() throws IOException {
            Plan p = backend.plan(sample());
            assertThat(p.changes()).extracting(Change::action).containsOnly(Change.Action.CREATE);
            assertThat(fake.writeCount()).isZero();
            assertThat(fake.calls()).allMatch(c -> c.startsWith("Get") || c.startsWith("List"));
        }

        @Test
        @DisplayName("delete undeploys, deletes the endpoint and the uploaded model; a second delete returns false")
        void delete() throws IOException {
            backend.apply(sample());
            assertThat(fake.modelNames()).hasSize(1);
            assertThat(backend.delete("my-model-endpoint")).isTrue();
            assertThat(fake.endpoint(ENDPOINT)).isEmpty();
            assertThat(fake.modelNames()).isEmpty();
            assertThat(backend.delete("my-model-endpoint")).isFalse();
            assertThat(backend.list()).isEmpty();
        }

        @Test
        @DisplayName("status shows the operation in progress while a deploy runs")
        void operationInProgress() throws Exception {
            fake.hold("DeployModel");
            CompletableFuture<ApplyResult> applying = applyInBackground();
            EndpointStatus during = null;
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); during == null && !applying.isDone()
                    && System.nanoTime() < deadline; ) {
                Thread.sleep(10);
                during = backend.get("my-model-endpoint").filter(s -> s.details().containsKey("operation")).orElse(null);
            }
            assertThat(during).as("status while DeployModel is held").isNotNull();
            assertThat(during.state()).isEqualTo(EndpointState.CREATING);
            assertThat(during.details().get("operation")).startsWith(ENDPOINT + "/operations/");
            fake.release("DeployModel");
            applying.get(20, TimeUnit.SECONDS);
            assertThat(backend.status("my-model-endpoint").state()).isEqualTo(EndpointState.READY);
        }

        @Test
        @DisplayName("awaitReady waits on the running deploy through its GAX future and reports each new status to the listener")
        void awaitReadyProgress() throws Exception {
            fake.hold("DeployModel");
            CompletableFuture<ApplyResult> applying = applyInBackground();
            awaitHeldDeploy(applying);
            List<EndpointStatus> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            CompletableFuture<EndpointStatus> ready = CompletableFuture.supplyAsync(
                    () -> backend.awaitReady("my-model-endpoint", Duration.ofSeconds(20), seen::add));
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); seen.isEmpty() && System.nanoTime() < deadline; ) {
                Thread.sleep(5);
            }
            assertThat(ready).as("not ready while DeployModel is held").isNotDone();
            fake.release("DeployModel");
            EndpointStatus status = ready.get(20, TimeUnit.SECONDS);
            applying.get(20, TimeUnit.SECONDS);
            assertThat(status.state()).isEqualTo(EndpointState.READY);
            assertThat(seen.get(0).state()).isEqualTo(EndpointState.CREATING);
            assertThat(seen.get(seen.size() - 1)).isEqualTo(status);
            for (int i = 1; i < seen.size(); i++) {
                assertThat(seen.get(i)).as("each status reported differs from the one before").isNotEqualTo(seen.get(i - 1));
            }
        }
    }

    @Nested
    @DisplayName("updates")
    class Updates {
        @Test
        @DisplayName("replica and target changes mutate the deployed model in place, masking only the changed fields")
        void mutateInPlace() throws IOException {
            backend.apply(sample());
            int mark = fake.calls().size();
            InferenceEndpoint changed = withPolicy(sample(), p -> p.maxReplicas(8).target(TargetType.CPU_UTILIZATION, 80));
            Plan plan = backend.plan(changed);
            assertThat(plan.changes()).singleElement().satisfies(c -> {
                assertThat(c.action()).isEqualTo(Change.Action.UPDATE);
                assertThat(c.kind()).isEqualTo("DeployedModel");
                assertThat(c.fields()).extracting(f -> f.path()).containsExactly(VertexPlanner.MASK_MAX, VertexPlanner.MASK_METRICS);
            });
            backend.apply(changed);
            assertThat(writesSince(mark)).containsExactly("MutateDeployedModel");
            MutateDeployedModelRequest req = fake.requests().stream().filter(MutateDeployedModelRequest.class::isInstance)
                    .map(MutateDeployedModelRequest.class::cast).findFirst().orElseThrow();
            assertThat(req.getUpdateMask().getPathsList()).containsExactly("dedicated_resources.max_replica_count",
                    "dedicated_resources.autoscaling_metric_specs");
            assertThat(req.getDeployedModel().getDedicatedResources().getAutoscalingMetricSpecs(0).getTarget()).isEqualTo(20); // 80% of 500m on 2 vCPUs
            EndpointStatus s = backend.status("my-model-endpoint");
            assertThat(s.maxReplicas()).isEqualTo(8);
            assertThat(backend.plan(changed).isEmpty()).isTrue();
        }

        @Test
        @DisplayName("a new model version is deployed next to the old one, takes the traffic, then the old one goes")
        void zeroDowntimeRollout() throws IOException {
            backend.apply(sample());
            String oldModel = fake.modelNames().iterator().next();
            int historyBefore = fake.servingHistory(ENDPOINT).size();
            int mark = fake.calls().size();
            InferenceEndpoint v2 = sample().toBuilder().model(sample().model().toBuilder().version("v2").build()).build();
            Plan plan = backend.plan(v2);
            assertThat(plan.changes()).extracting(Change::action)
                    .containsExactly(Change.Action.CREATE, Change.Action.REPLACE, Change.Action.DELETE, Change.Action.DELETE);
            assertThat(plan.changes().get(1).reason()).contains("model changed");
            backend.apply(v2);
            assertThat(writesSince(mark)).containsExactly("UploadModel", "DeployModel", "UndeployModel", "DeleteModel");
            List<Integer> history = fake.servingHistory(ENDPOINT);
            assertThat(history.subList(historyBefore - 1, history.size())).as("models with traffic after each change").doesNotContain(0);
            DeployModelRequest deploy = fake.requests().stream().filter(DeployModelRequest.class::isInstance)
                    .map(DeployModelRequest.class::cast).reduce((a, b) -> b).orElseThrow();
            assertThat(deploy.getTrafficSplitMap()).containsExactly(Map.entry("0", 100));
            UndeployModelRequest undeploy = fake.requests().stream().filter(UndeployModelRequest.class::isInstance)
                    .map(UndeployModelRequest.class::cast).findFirst().orElseThrow();
            assertThat(undeploy.getTrafficSplitMap()).isEmpty();
            assertThat(fake.modelNames()).hasSize(1).doesNotContain(oldModel);
            EndpointStatus s = backend.status("my-model-endpoint");
            assertThat(s.model()).contains("my-ml-model:v2");
            assertThat(fake.endpoint(ENDPOINT).orElseThrow().getDeployedModelsCount()).isEqualTo(1);
            assertThat(backend.plan(v2).isEmpty()).isTrue();
        }

        @Test
        @DisplayName("an existing model (spec.backends.vertex.model) is deployed as is and never deleted")
        void existingModelKept() throws IOException {
            InferenceEndpoint other = sample().toBuilder().name("other-endpoint").build();
            backend.apply(other);
            String existing = fake.modelNames().iterator().next();
            InferenceEndpoint reuse = sample().toBuilder().option("vertex", "model", existing).build();
            int mark = fake.calls().size();
            backend.apply(reuse);
            assertThat(writesSince(mark)).containsExactly("CreateEndpoint", "DeployModel");
            backend.apply(sample());
            assertThat(fake.modelNames()).as("rollout away from the existing model keeps it").contains(existing).hasSize(2);
            backend.delete("my-model-endpoint");
            assertThat(fake.modelNames()).containsExactly(existing);
        }

        @Test
        @DisplayName("delete after a failed apply of an existing model removes the endpoint and never the user's model")
        void existingModelSurvivesFailureAndDelete() throws Exception {
            // a model the user uploaded themselves: no InferScale labels
            String existing = "projects/test-project/locations/us-central1/models/users-own-model";
            try (var clients = new io.inferscale.backend.vertex.internal.VertexClients(io.inferscale.backend.vertex.internal.VertexSettings
                    .from(BackendConfig.of(Map.of("vertex.project", "test-project", "vertex.endpointOverride", "inprocess:" + fake.name(),
                            "vertex.pollInterval", "10ms"))))) {
                clients.models().uploadModelAsync(com.google.cloud.aiplatform.v1.UploadModelRequest.newBuilder()
                        .setParent("projects/test-project/locations/us-central1").setModelId("users-own-model")
                        .setModel(com.google.cloud.aiplatform.v1.Model.newBuilder().setDisplayName("users-own-model")
                                .setContainerSpec(com.google.cloud.aiplatform.v1.ModelContainerSpec.newBuilder().setImageUri("img"))).build())
                        .get(10, TimeUnit.SECONDS);
            }
            InferenceEndpoint reuse = sample().toBuilder().option("vertex", "model", existing).build();
            fake.failOperations("DeployModel", Status.RESOURCE_EXHAUSTED.withDescription("custom_model_serving_cpus quota exceeded"));
            BackendException e = catchThrowableOfType(BackendException.class, () -> backend.apply(reuse));
            fake.clearFaults();
            assertThat(e.step()).hasValueSatisfying(s -> assertThat(s).startsWith("DeployModel "));
            assertThat(fake.endpoint(ENDPOINT)).as("the endpoint the failed apply created").isPresent();
            assertThat(backend.delete("my-model-endpoint")).isTrue();
            assertThat(fake.endpoint(ENDPOINT)).isEmpty();
            assertThat(fake.modelNames()).containsExactly(existing);
        }

        @Test
        @DisplayName("a machine type change is rolled out like a version change (machine specs are immutable)")
        void machineChange() throws IOException {
            backend.apply(sample());
            int mark = fake.calls().size();
            InferenceEndpoint bigger = sample().toBuilder().option("vertex", "machineType", "n1-standard-4").build();
            Plan plan = backend.plan(bigger);
            assertThat(plan.changes()).extracting(Change::action).containsExactly(Change.Action.REPLACE, Change.Action.DELETE);
            assertThat(plan.changes().get(0).reason()).contains("immutable");
            backend.apply(bigger);
            assertThat(writesSince(mark)).containsExactly("DeployModel", "UndeployModel");
            assertThat(backend.status("my-model-endpoint").details().get("machineType")).isEqualTo("n1-standard-4");
            assertThat(fake.servingHistory(ENDPOINT)).last().isEqualTo(1);
        }
    }

    @Nested
    @DisplayName("errors")
    class Errors {
        BackendException applyFails() {
            return catchThrowableOfType(BackendException.class, () -> backend.apply(sample()));
        }

        @Test
        @DisplayName("gRPC codes become BackendException reasons with Vertex's message and the SDK exception as cause")
        void mapping() {
            Map<Status, BackendException.Reason> cases = Map.of(
                    Status.RESOURCE_EXHAUSTED.withDescription("Quota exceeded for custom_model_serving_cpus"), BackendException.Reason.QUOTA_EXCEEDED,
                    Status.RESOURCE_EXHAUSTED.withDescription("Quota exceeded for quota metric 'Resource management (CRUD) requests' and "
                            + "limit 'Resource management (CRUD) requests per minute per region'"), BackendException.Reason.THROTTLED,
                    Status.PERMISSION_DENIED.withDescription("Permission 'aiplatform.endpoints.create' denied"), BackendException.Reason.PERMISSION_DENIED,
                    Status.INVALID_ARGUMENT.withDescription("bad endpoint"), BackendException.Reason.INVALID_REQUEST,
                    Status.ALREADY_EXISTS.withDescription("exists"), BackendException.Reason.CONFLICT,
                    Status.UNAVAILABLE.withDescription("backend down"), BackendException.Reason.UNAVAILABLE,
                    Status.NOT_FOUND.withDescription("location not found"), BackendException.Reason.NOT_FOUND);
            cases.forEach((status, reason) -> {
                fake.inject("CreateEndpoint", status, FakeVertexServer.FaultKind.BEFORE, true);
                BackendException e = applyFails();
                fake.clearFaults();
                assertThat(e).as(status.getCode().name()).isNotNull();
                assertThat(e.reason()).isEqualTo(reason);
                assertThat(e.step()).hasValueSatisfying(step -> assertThat(step).startsWith("CreateEndpoint projects/test-project/"));
                assertThat(e.getMessage()).contains("CreateEndpoint").contains(status.getDescription()).contains("Re-running apply is safe");
                assertThat(e.getCause()).isInstanceOf(BackendException.class);
                assertThat(e.getCause().getCause()).isInstanceOf(com.google.api.gax.rpc.ApiException.class);
            });
        }

        @Test
        @DisplayName("an UploadModel error that echoes an environment value hides it, in the message and in the cause")
        void uploadErrorHidesEnvironmentValues() throws IOException {
            String secret = "tok-9f8e7d6c5b4a";
            InferenceEndpoint e = sample().toBuilder().model(sample().model().toBuilder().env("API_TOKEN", secret).build()).build();
            fake.failNext("UploadModel", Status.INVALID_ARGUMENT.withDescription("Invalid value '" + secret
                    + "' at 'model.container_spec.env[0].value'"));
            BackendException ex = catchThrowableOfType(BackendException.class, () -> backend.apply(e));
            assertThat(ex.reason()).isEqualTo(BackendException.Reason.INVALID_REQUEST);
            assertThat(ex.getMessage()).contains("stopped at step UploadModel").contains("Invalid value '****' at 'model.container_spec.env[0].value'")
                    .doesNotContain(secret);
            assertThat(ex.getCause().getCause()).isInstanceOf(com.google.api.gax.rpc.ApiException.class);
            for (Throwable c = ex.getCause(); c != null; c = c.getCause()) {
                assertThat(c.getMessage()).doesNotContain(secret);
            }
            assertThat(((com.google.api.gax.rpc.ApiException) ex.getCause().getCause()).getStatusCode().getCode().name()).isEqualTo("INVALID_ARGUMENT");
        }

        @Test
        @DisplayName("a failed deploy operation surfaces Vertex's message")
        void failedOperation() throws IOException {
            fake.failOperation("DeployModel", Status.RESOURCE_EXHAUSTED.withDescription("The following quota metrics exceed quota limits: custom_model_serving_nvidia_t4_gpus"));
            BackendException e = applyFails();
            assertThat(e.reason()).isEqualTo(BackendException.Reason.QUOTA_EXCEEDED);
            assertThat(e.getMessage()).contains("DeployModel").contains("custom_model_serving_nvidia_t4_gpus");
            BackendException failed = catchThrowableOfType(BackendException.class, () -> backend.awaitReady("my-model-endpoint", Duration.ofSeconds(5)));
            assertThat(failed.reason()).isEqualTo(BackendException.Reason.FAILED);
            assertThat(failed.getMessage()).contains("custom_model_serving_nvidia_t4_gpus");
            assertThat(backend.status("my-model-endpoint").state()).isEqualTo(EndpointState.FAILED);
        }

        @Test
        @DisplayName("apply while another operation runs on the endpoint waits for it without writing, then converges")
        void applyDuringOperation() throws Exception {
            fake.hold("DeployModel");
            CompletableFuture<ApplyResult> first = applyInBackground();
            awaitHeldDeploy(first);
            assertThat(fake.calls()).as("the first apply reached DeployModel").contains("DeployModel");
            long before = fake.writeCount();
            int mark = fake.calls().size();
            InferenceEndpoint seven = withPolicy(sample(), p -> p.maxReplicas(7));
            CompletableFuture<ApplyResult> second = CompletableFuture.supplyAsync(() -> backend.apply(seven));
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                 fake.calls().subList(mark, fake.calls().size()).stream().filter("ListOperations"::equals).count() < 2
                         && System.nanoTime() < deadline; ) {
                Thread.sleep(5);
            }
            assertThat(fake.calls().subList(mark, fake.calls().size())).as("the second apply polls the running operation")
                    .contains("GetEndpoint", "ListOperations");
            assertThat(second).isNotDone();
            assertThat(fake.writeCount()).as("no write while the other operation runs").isEqualTo(before);
            fake.release("DeployModel");
            first.get(20, TimeUnit.SECONDS);
            second.get(20, TimeUnit.SECONDS);
            assertThat(backend.status("my-model-endpoint").maxReplicas()).as("one of the two specs (sample has 5)").isIn(5, 7);
            assertThat(fake.endpoint(ENDPOINT).orElseThrow().getDeployedModelsCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("a mutate refused once (operation in progress) is planned again; refused every time, a CONFLICT naming the step")
        void conflict() throws IOException {
            backend.apply(sample());
            fake.failNext("MutateDeployedModel", Status.FAILED_PRECONDITION.withDescription("DeployedModel has an operation in progress"));
            backend.apply(withPolicy(sample(), p -> p.maxReplicas(6)));
            assertThat(backend.status("my-model-endpoint").maxReplicas()).isEqualTo(6);
            fake.inject("MutateDeployedModel", Status.FAILED_PRECONDITION.withDescription("DeployedModel has an operation in progress"),
                    FakeVertexServer.FaultKind.BEFORE, true);
            BackendException e = catchThrowableOfType(BackendException.class,
                    () -> backend.apply(withPolicy(sample(), p -> p.maxReplicas(5))));
            assertThat(e.reason()).isEqualTo(BackendException.Reason.CONFLICT);
            assertThat(e.isRetryable()).isTrue();
            assertThat(e.step()).hasValueSatisfying(s -> assertThat(s).startsWith("MutateDeployedModel "));
            assertThat(fake.calls().stream().filter("MutateDeployedModel"::equals).count())
                    .as("1 + 1 in the first applies, then one per round of the convergence budget").isEqualTo(2 + ConvergenceBudget.MAX_ROUNDS);
        }

        @Test
        @DisplayName("reads are retried by GAX on UNAVAILABLE")
        void readRetried() throws IOException {
            fake.failNext("GetEndpoint", Status.UNAVAILABLE.withDescription("try again"));
            assertThat(backend.get("my-model-endpoint")).isEmpty();
            assertThat(fake.calls()).containsExactly("GetEndpoint", "GetEndpoint");
        }

        @Test
        @DisplayName("an operation that outlasts vertex.operationTimeout is a TIMEOUT naming the operation")
        void timeout() throws IOException {
            backend.close();
            // UploadModel and CreateEndpoint take 20 ms: a 1 s budget leaves them room on a loaded machine; DeployModel never ends
            backend = backend(Map.of("vertex.operationTimeout", "1s"));
            fake.hold("DeployModel");
            BackendException e = applyFails();
            assertThat(e.reason()).as(e.getMessage()).isEqualTo(BackendException.Reason.TIMEOUT);
            assertThat(e.getMessage()).contains("DeployModel");
        }

        @Test
        @DisplayName("a missing existing model (spec.backends.vertex.model) is NOT_FOUND before any write")
        void missingExistingModel() throws IOException {
            InferenceEndpoint e = VertexTranslatorTest.seed().toBuilder()
                    .option("vertex", "model", "projects/test-project/locations/us-central1/models/404").build();
            BackendException ex = catchThrowableOfType(BackendException.class, () -> backend.apply(e));
            assertThat(ex.reason()).isEqualTo(BackendException.Reason.NOT_FOUND);
            assertThat(fake.writeCount()).isZero();
        }

        @Test
        @DisplayName("configuration: unknown keys and malformed values are errors naming the key")
        void configuration() {
            var unknown = catchThrowableOfType(io.inferscale.api.ConfigurationException.class, () -> new VertexBackendProvider()
                    .create(BackendConfig.of(Map.of("vertex.projcet", "p"))));
            assertThat(unknown.getMessage()).contains("vertex.projcet").contains("vertex.project");
            var duration = catchThrowableOfType(io.inferscale.api.ConfigurationException.class, () -> new VertexBackendProvider()
                    .create(BackendConfig.of(Map.of("vertex.operationTimeout", "soon"))));
            assertThat(duration.getMessage()).contains("vertex.operationTimeout");
            var location = catchThrowableOfType(io.inferscale.api.ConfigurationException.class, () -> new VertexBackendProvider()
                    .create(BackendConfig.of(Map.of("vertex.location", "US Central"))));
            assertThat(location.getMessage()).contains("vertex.location");
            var global = catchThrowableOfType(io.inferscale.api.ConfigurationException.class, () -> new VertexBackendProvider()
                    .create(BackendConfig.of(Map.of("vertex.location", "global"))));
            assertThat(global.getMessage()).contains("vertex.location").contains("regional");
            new VertexBackendProvider().create(BackendConfig.of(Map.of("vertex.location", "europe-west4"))).close();
        }

        @Test
        @DisplayName("plan without vertex.project is a configuration error naming the key; render still works")
        void missingProject() throws IOException {
            VertexBackend b = (VertexBackend) new VertexBackendProvider().create(BackendConfig.of(Map.of()));
            assertThat(b.render(sample()).text()).contains("projects/PROJECT_ID/locations/us-central1");
            io.inferscale.api.ConfigurationException e = catchThrowableOfType(io.inferscale.api.ConfigurationException.class, () -> b.plan(sample()));
            assertThat(e.getMessage()).contains("vertex.project").contains("INFERSCALE_VERTEX_PROJECT");
            b.close();
        }
    }
}
