package io.inferscale.backend.vertex.fake;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.aiplatform.v1.AutoscalingMetricSpec;
import com.google.cloud.aiplatform.v1.CreateEndpointRequest;
import com.google.cloud.aiplatform.v1.DedicatedResources;
import com.google.cloud.aiplatform.v1.DeployModelRequest;
import com.google.cloud.aiplatform.v1.DeployedModel;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.MachineSpec;
import com.google.cloud.aiplatform.v1.Model;
import com.google.cloud.aiplatform.v1.ModelContainerSpec;
import com.google.cloud.aiplatform.v1.MutateDeployedModelRequest;
import com.google.cloud.aiplatform.v1.UndeployModelRequest;
import com.google.cloud.aiplatform.v1.UpdateEndpointRequest;
import com.google.cloud.aiplatform.v1.UploadModelRequest;
import com.google.longrunning.Operation;
import com.google.protobuf.FieldMask;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.backend.vertex.VertexScaleToZero;
import io.inferscale.backend.vertex.internal.VertexClients;
import io.inferscale.backend.vertex.internal.VertexSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The fake's Vertex rules, exercised through the real generated clients. */
class FakeVertexServerTest {

    static final String PARENT = "projects/p/locations/us-central1";
    static final String ENDPOINT = PARENT + "/endpoints/e1";
    static final String MODEL = PARENT + "/models/m1";

    FakeVertexServer fake;
    VertexClients clients;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeVertexServer().deployDelay(Duration.ofMillis(30)).operationDelay(Duration.ofMillis(10));
        clients = new VertexClients(VertexSettings.from(BackendConfig.of(Map.of("vertex.project", "p",
                "vertex.endpointOverride", "inprocess:" + fake.name(), "vertex.pollInterval", "5ms"))));
        clients.models().uploadModelAsync(UploadModelRequest.newBuilder().setParent(PARENT).setModelId("m1")
                .setModel(Model.newBuilder().setDisplayName("m1").setContainerSpec(ModelContainerSpec.newBuilder().setImageUri("img"))).build()).get();
        clients.endpoints().createEndpointAsync(CreateEndpointRequest.newBuilder().setParent(PARENT).setEndpointId("e1")
                .setEndpoint(Endpoint.newBuilder().setDisplayName("e1")).build()).get();
    }

    @AfterEach
    void stop() {
        clients.close();
        fake.close();
    }

    static DeployedModel deployed() {
        return DeployedModel.newBuilder().setModel(MODEL).setDedicatedResources(DedicatedResources.newBuilder()
                .setMachineSpec(MachineSpec.newBuilder().setMachineType("n1-standard-2")).setMinReplicaCount(1).setMaxReplicaCount(3)).build();
    }

    String deploy(Map<String, Integer> split) throws Exception {
        return clients.endpoints().deployModelAsync(DeployModelRequest.newBuilder().setEndpoint(ENDPOINT).setDeployedModel(deployed())
                .putAllTrafficSplit(split).build()).get().getDeployedModel().getId();
    }

    static StatusCode.Code code(Throwable t) {
        Throwable e = t instanceof ExecutionException ? t.getCause() : t;
        return ((ApiException) e).getStatusCode().getCode();
    }

    @Test
    @DisplayName("operations finish later: the first GetOperation may see them running, then done")
    void operationsCompleteLater() throws Exception {
        fake.hold("DeployModel");
        var future = clients.endpoints().deployModelAsync(DeployModelRequest.newBuilder().setEndpoint(ENDPOINT).setDeployedModel(deployed())
                .putTrafficSplit("0", 100).build());
        Operation first = clients.endpoints().getOperationsClient().getOperation(future.getName());
        assertThat(first.getDone()).isFalse();
        assertThat(clients.endpoints().getEndpoint(ENDPOINT).getDeployedModelsCount()).isZero();
        fake.release("DeployModel");
        future.get();
        assertThat(clients.endpoints().getOperationsClient().getOperation(future.getName()).getDone()).isTrue();
        assertThat(clients.endpoints().getEndpoint(ENDPOINT).getTrafficSplitMap()).hasSize(1).containsValue(100);
    }

    @Test
    @DisplayName("traffic splits must sum to 100 or be empty")
    void trafficSplitSums() throws Exception {
        String id = deploy(Map.of("0", 100));
        ApiException e = catchThrowableOfType(ApiException.class, () -> clients.endpoints().updateEndpoint(UpdateEndpointRequest.newBuilder()
                .setEndpoint(Endpoint.newBuilder().setName(ENDPOINT).putTrafficSplit(id, 90))
                .setUpdateMask(FieldMask.newBuilder().addPaths("traffic_split")).build()));
        assertThat(e.getStatusCode().getCode()).isEqualTo(StatusCode.Code.INVALID_ARGUMENT);
        assertThat(e.getMessage()).contains("sum to 100");
        ExecutionException deployError = catchThrowableOfType(ExecutionException.class, () -> deploy(Map.of("0", 50)));
        assertThat(code(deployError)).isEqualTo(StatusCode.Code.INVALID_ARGUMENT);
    }

    @Test
    @DisplayName("a deployed model that still has traffic cannot be undeployed while another model is deployed")
    void undeployWithTrafficFails() throws Exception {
        String first = deploy(Map.of("0", 100));
        String second = deploy(Map.of(first, 100, "0", 0));
        ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> clients.endpoints().undeployModelAsync(
                UndeployModelRequest.newBuilder().setEndpoint(ENDPOINT).setDeployedModelId(first).build()).get());
        assertThat(code(e)).isEqualTo(StatusCode.Code.FAILED_PRECONDITION);
        assertThat(e.getCause().getMessage()).contains("traffic");
        // Moving the traffic in the same call makes it legal.
        clients.endpoints().undeployModelAsync(UndeployModelRequest.newBuilder().setEndpoint(ENDPOINT).setDeployedModelId(first)
                .putTrafficSplit(second, 100).build()).get();
        assertThat(clients.endpoints().getEndpoint(ENDPOINT).getTrafficSplitMap()).containsExactly(Map.entry(second, 100));
    }

    @Test
    @DisplayName("one mutate at a time per deployed model; the update mask is required and limited to mutable fields")
    void oneMutateAtATime() throws Exception {
        String id = deploy(Map.of("0", 100));
        fake.hold("MutateDeployedModel");
        MutateDeployedModelRequest req = MutateDeployedModelRequest.newBuilder().setEndpoint(ENDPOINT)
                .setDeployedModel(deployed().toBuilder().setId(id).setDedicatedResources(deployed().getDedicatedResources().toBuilder()
                        .setMaxReplicaCount(5).addAutoscalingMetricSpecs(AutoscalingMetricSpec.newBuilder()
                                .setMetricName("aiplatform.googleapis.com/prediction/online/request_count").setTarget(600))))
                .setUpdateMask(FieldMask.newBuilder().addPaths("dedicated_resources.max_replica_count")).build();
        var running = clients.endpoints().mutateDeployedModelAsync(req);
        ExecutionException busy = catchThrowableOfType(ExecutionException.class, () -> clients.endpoints().mutateDeployedModelAsync(req).get());
        assertThat(code(busy)).isEqualTo(StatusCode.Code.FAILED_PRECONDITION);
        fake.release("MutateDeployedModel");
        assertThat(running.get().getDeployedModel().getDedicatedResources().getMaxReplicaCount()).isEqualTo(5);
        assertThat(running.get().getDeployedModel().getDedicatedResources().getAutoscalingMetricSpecsList()).as("not in the mask").isEmpty();

        ExecutionException machine = catchThrowableOfType(ExecutionException.class, () -> clients.endpoints().mutateDeployedModelAsync(
                req.toBuilder().setUpdateMask(FieldMask.newBuilder().addPaths("dedicated_resources.machine_spec")).build()).get());
        assertThat(code(machine)).isEqualTo(StatusCode.Code.INVALID_ARGUMENT);
        assertThat(fake.writeCount()).isEqualTo(6); // upload, create, deploy, 3 mutates
    }

    @Test
    @DisplayName("as a FakeCloud: endpoint() is the in-process address, calls() and writeCount() log requests, reset() empties it")
    void fakeCloudSurface() throws Exception {
        assertThat(fake.endpoint()).isEqualTo("inprocess:" + fake.name());
        assertThat(fake.calls()).contains("UploadModel", "CreateEndpoint");
        assertThat(fake.writeCount()).isEqualTo(2); // the set-up's upload and create

        fake.reset();
        assertThat(fake.calls()).isEmpty();
        assertThat(fake.writeCount()).isZero();
        assertThat(fake.modelNames()).isEmpty();
        assertThat(fake.endpoint(ENDPOINT)).isEmpty();
        assertThat(fake.state()).isEmpty();

        // e1 is gone, so creating it again succeeds
        clients.endpoints().createEndpointAsync(CreateEndpointRequest.newBuilder().setParent(PARENT).setEndpointId("e1")
                .setEndpoint(Endpoint.newBuilder().setDisplayName("e1")).build()).get();
        assertThat(fake.calls()).startsWith("CreateEndpoint");
        assertThat(fake.writeCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("v1beta1 scale to zero: min 0 only through v1beta1, on a dedicated endpoint, one model; v1 reads hide the settings")
    void scaleToZeroThroughV1beta1() throws Exception {
        VertexScaleToZero z = new VertexScaleToZero(1, 600, java.util.Optional.empty());
        DeployedModel zero = deployed().toBuilder().setDedicatedResources(z.applyTo(deployed().getDedicatedResources())).build();
        DeployModelRequest onShared = DeployModelRequest.newBuilder().setEndpoint(ENDPOINT).setDeployedModel(zero).putTrafficSplit("0", 100).build();
        // v1 knows no scale_to_zero_spec: min 0 is refused there
        assertThat(code(catchThrowableOfType(ExecutionException.class, () -> clients.endpoints().deployModelAsync(onShared).get())))
                .isEqualTo(StatusCode.Code.INVALID_ARGUMENT);
        // v1beta1 on a shared endpoint: refused
        assertThat(code(catchThrowableOfType(ExecutionException.class, () -> clients.v1beta1().deployModel().futureCall(onShared).get())))
                .isEqualTo(StatusCode.Code.FAILED_PRECONDITION);
        String dedicated = PARENT + "/endpoints/e2";
        clients.endpoints().createEndpointAsync(CreateEndpointRequest.newBuilder().setParent(PARENT).setEndpointId("e2")
                .setEndpoint(Endpoint.newBuilder().setDisplayName("e2").setDedicatedEndpointEnabled(true)).build()).get();
        DeployModelRequest ok = onShared.toBuilder().setEndpoint(dedicated).build();
        // an idle period out of range: refused
        DeployedModel tooShort = zero.toBuilder().setDedicatedResources(new VertexScaleToZero(1, 60, java.util.Optional.empty())
                .applyTo(deployed().getDedicatedResources())).build();
        assertThat(code(catchThrowableOfType(ExecutionException.class, () -> clients.v1beta1().deployModel()
                .futureCall(ok.toBuilder().setDeployedModel(tooShort).build()).get()))).isEqualTo(StatusCode.Code.INVALID_ARGUMENT);
        clients.v1beta1().deployModel().futureCall(ok).getPollingFuture().get();
        assertThat(fake.calls()).contains(FakeVertexServer.V1BETA1 + "DeployModel");
        Endpoint beta = clients.v1beta1().getEndpoint().call(com.google.cloud.aiplatform.v1.GetEndpointRequest.newBuilder().setName(dedicated).build());
        assertThat(VertexScaleToZero.of(beta.getDeployedModels(0).getDedicatedResources())).contains(z);
        assertThat(beta.getDeployedModels(0).getStatus().getAvailableReplicaCount()).isEqualTo(1);
        Endpoint v1 = clients.endpoints().getEndpoint(dedicated);
        assertThat(v1.getDeployedModels(0).getDedicatedResources().getMinReplicaCount()).isZero();
        assertThat(VertexScaleToZero.of(v1.getDeployedModels(0).getDedicatedResources())).isEmpty();
        assertThat(v1.getDedicatedEndpointDns()).isEqualTo("https://e2.us-central1-fake.prediction.vertexai.goog");
        // one model per endpoint
        assertThat(code(catchThrowableOfType(ExecutionException.class, () -> clients.v1beta1().deployModel().futureCall(ok).get())))
                .isEqualTo(StatusCode.Code.FAILED_PRECONDITION);
    }

    @Test
    @DisplayName("ListEndpoints pages: page_size coerced to the maximum, next_page_token followed by GAX, one call per page; a token is bound to its filter; a negative page_size is refused")
    void listPagination() throws Exception {
        for (int i = 2; i <= 5; i++) {
            clients.endpoints().createEndpointAsync(CreateEndpointRequest.newBuilder().setParent(PARENT).setEndpointId("e" + i)
                    .setEndpoint(Endpoint.newBuilder().setDisplayName("e" + i).putLabels("team", i % 2 == 0 ? "a" : "b")).build()).get();
        }
        fake.listPageSizes(2, 3);
        int mark = fake.calls().size();
        var all = clients.endpoints().listEndpoints(com.google.cloud.aiplatform.v1.ListEndpointsRequest.newBuilder().setParent(PARENT)
                .setPageSize(100).build());
        java.util.List<String> names = new java.util.ArrayList<>();
        all.iterateAll().forEach(e -> names.add(e.getName().substring(e.getName().lastIndexOf('/') + 1)));
        assertThat(names).containsExactly("e1", "e2", "e3", "e4", "e5");
        assertThat(fake.calls().subList(mark, fake.calls().size())).containsExactly("ListEndpoints", "ListEndpoints");
        // no page_size: the default (2) per page
        var first = clients.endpoints().listEndpoints(com.google.cloud.aiplatform.v1.ListEndpointsRequest.newBuilder().setParent(PARENT)
                .build()).getPage();
        assertThat(first.getPageElementCount()).isEqualTo(2);
        assertThat(first.getNextPageToken()).isNotEmpty();
        // a filter: only the matching ones, still in pages
        var teamA = clients.endpoints().listEndpoints(com.google.cloud.aiplatform.v1.ListEndpointsRequest.newBuilder().setParent(PARENT)
                .setFilter("labels.team=\"a\"").setPageSize(1).build());
        java.util.List<String> a = new java.util.ArrayList<>();
        teamA.iterateAll().forEach(e -> a.add(e.getName().substring(e.getName().lastIndexOf('/') + 1)));
        assertThat(a).containsExactly("e2", "e4");
        // a token used with another filter, or a negative page size: INVALID_ARGUMENT
        ApiException wrongFilter = catchThrowableOfType(ApiException.class, () -> clients.endpoints().listEndpoints(
                com.google.cloud.aiplatform.v1.ListEndpointsRequest.newBuilder().setParent(PARENT).setFilter("labels.team=\"b\"")
                        .setPageToken(first.getNextPageToken()).build()).getPage());
        assertThat(wrongFilter.getStatusCode().getCode()).isEqualTo(StatusCode.Code.INVALID_ARGUMENT);
        ApiException negative = catchThrowableOfType(ApiException.class, () -> clients.endpoints().listEndpoints(
                com.google.cloud.aiplatform.v1.ListEndpointsRequest.newBuilder().setParent(PARENT).setPageSize(-1).build()).getPage());
        assertThat(negative.getStatusCode().getCode()).isEqualTo(StatusCode.Code.INVALID_ARGUMENT);
    }

    @Test
    @DisplayName("ListModels pages the same way")
    void listModelsPagination() throws Exception {
        for (int i = 2; i <= 3; i++) {
            clients.models().uploadModelAsync(UploadModelRequest.newBuilder().setParent(PARENT).setModelId("m" + i)
                    .setModel(Model.newBuilder().setDisplayName("m" + i).setContainerSpec(ModelContainerSpec.newBuilder().setImageUri("img"))).build()).get();
        }
        fake.listPageSizes(1, 2);
        int mark = fake.calls().size();
        java.util.List<String> names = new java.util.ArrayList<>();
        clients.models().listModels(com.google.cloud.aiplatform.v1.ListModelsRequest.newBuilder().setParent(PARENT).setPageSize(10).build())
                .iterateAll().forEach(m -> names.add(m.getName().substring(m.getName().lastIndexOf('/') + 1)));
        assertThat(names).containsExactly("m1", "m2", "m3");
        assertThat(fake.calls().subList(mark, fake.calls().size())).containsExactly("ListModels", "ListModels");
    }
}
