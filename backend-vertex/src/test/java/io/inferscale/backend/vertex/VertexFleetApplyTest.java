package io.inferscale.backend.vertex;

import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.MutateDeployedModelRequest;
import com.google.cloud.aiplatform.v1.UpdateEndpointRequest;
import com.google.protobuf.FieldMask;
import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.FleetOptions;
import io.inferscale.api.backend.FleetResult;
import io.inferscale.api.backend.Plan;
import io.inferscale.backend.vertex.fake.FakeVertexServer;
import io.inferscale.backend.vertex.internal.VertexClients;
import io.inferscale.backend.vertex.internal.VertexPlanner;
import io.inferscale.backend.vertex.internal.VertexSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19, fleet apply from list calls: the exact requests of {@code applyAll} and {@code planAll} (fresh, unchanged,
 * paged, a model change), a fleet member changed by hand between two {@code applyAll}s is repaired, and racing
 * {@code applyAll}s leave every endpoint entirely one of the specs. Concurrency 1 where the request list is asserted in
 * order (the endpoints then run one after another on the calling thread).
 */
@DisplayName("Vertex fleet apply from lists (issue 19)")
class VertexFleetApplyTest {

    static final String PARENT = "projects/test-project/locations/us-central1";
    static final FleetOptions ONE_AT_A_TIME = new FleetOptions(1);
    static final List<String> CREATE = List.of("UploadModel", "GetOperation", "CreateEndpoint", "GetOperation", "DeployModel",
            "GetOperation", "GetEndpoint");

    FakeVertexServer fake;
    VertexBackend backend;

    @BeforeEach
    void start() {
        fake = new FakeVertexServer().completeOnPoll();
        backend = backend(fake);
    }

    @AfterEach
    void stop() {
        backend.close();
        fake.close();
    }

    static VertexBackend backend(FakeVertexServer fake) {
        return (VertexBackend) new VertexBackendProvider().create(BackendConfig.of(Map.of("vertex.project", "test-project",
                "vertex.endpointOverride", "inprocess:" + fake.name(), "vertex.pollInterval", "1ms", "vertex.operationTimeout", "10s")));
    }

    List<String> callsSince(int mark) {
        List<String> calls = fake.calls();
        return calls.subList(mark, calls.size());
    }

    static List<String> times(int n, List<String> calls) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.addAll(calls);
        }
        return out;
    }

    @Test
    @DisplayName("fresh fleet: ListEndpoints, ListModels, then per endpoint its writes, polls and closing GetEndpoint only")
    void freshFleet() throws IOException {
        FleetResult<ApplyResult> result = backend.applyAll(VertexCallCountTest.fleet("fleet-a", "fleet-b", "fleet-c"), ONE_AT_A_TIME);
        assertThat(result.allSucceeded()).isTrue();
        List<String> expected = new ArrayList<>(List.of("ListEndpoints", "ListModels"));
        expected.addAll(times(3, CREATE));
        assertThat(fake.calls()).containsExactlyElementsOf(expected);
    }

    @Test
    @DisplayName("unchanged fleet: one ListEndpoints page and nothing per endpoint; the statuses come from the list")
    void unchangedFleet() throws IOException {
        List<InferenceEndpoint> fleet = VertexCallCountTest.fleet("fleet-a", "fleet-b", "fleet-c");
        backend.applyAll(fleet).orThrow();
        String before = fake.state();
        int mark = fake.calls().size();
        Map<String, ApplyResult> again = backend.applyAll(fleet, ONE_AT_A_TIME).orThrow();
        assertThat(callsSince(mark)).containsExactly("ListEndpoints");
        assertThat(again.values()).noneMatch(ApplyResult::changed);
        assertThat(again.get("fleet-b").status().details()).containsEntry("endpoint", PARENT + "/endpoints/fleet-b");
        assertThat(again.get("fleet-b").status().state()).isEqualTo(backend.get("fleet-b").orElseThrow().state());
        assertThat(again.get("fleet-b").status().details()).isEqualTo(backend.get("fleet-b").orElseThrow().details());
        assertThat(fake.state()).isEqualTo(before);
    }

    @Test
    @DisplayName("planAll: list pages only, fresh (ListEndpoints, ListModels) and unchanged (ListEndpoints); the plans equal plan's")
    void planAll() throws IOException {
        List<InferenceEndpoint> fleet = VertexCallCountTest.fleet("fleet-a", "fleet-b");
        Map<String, Plan> fresh = backend.planAll(fleet, ONE_AT_A_TIME).orThrow();
        assertThat(fake.calls()).containsExactly("ListEndpoints", "ListModels");
        assertThat(fresh.get("fleet-a").changes()).extracting(Change::kind)
                .containsExactly(VertexPlanner.KIND_MODEL, VertexPlanner.KIND_ENDPOINT, VertexPlanner.KIND_DEPLOYED_MODEL);
        assertThat(fresh.get("fleet-a")).isEqualTo(backend.plan(fleet.get(0)));
        backend.applyAll(fleet).orThrow();
        InferenceEndpoint changed = VertexBackendTest.withPolicy(fleet.get(1), p -> p.maxReplicas(9));
        int mark = fake.calls().size();
        Map<String, Plan> plans = backend.planAll(List.of(fleet.get(0), changed), ONE_AT_A_TIME).orThrow();
        assertThat(callsSince(mark)).containsExactly("ListEndpoints");
        assertThat(plans.get("fleet-a").isEmpty()).isTrue();
        assertThat(plans.get("fleet-b").changes()).singleElement().satisfies(c -> assertThat(c.fields())
                .extracting(f -> f.path()).containsExactly(VertexPlanner.MASK_MAX));
        assertThat(plans.get("fleet-b")).isEqualTo(backend.plan(changed));
    }

    @Test
    @DisplayName("paged lists: 5 endpoints at 2 per page are 3 ListEndpoints pages, every endpoint found on them")
    void pagedLists() throws IOException {
        fake.listPageSizes(2, 2);
        List<InferenceEndpoint> fleet = VertexCallCountTest.fleet("fleet-a", "fleet-b", "fleet-c", "fleet-d", "fleet-e");
        backend.applyAll(fleet, ONE_AT_A_TIME).orThrow();
        int mark = fake.calls().size();
        assertThat(backend.applyAll(fleet, ONE_AT_A_TIME).orThrow().values()).noneMatch(ApplyResult::changed);
        assertThat(callsSince(mark)).containsExactly("ListEndpoints", "ListEndpoints", "ListEndpoints");
        mark = fake.calls().size();
        assertThat(backend.planAll(fleet, ONE_AT_A_TIME).orThrow().values()).allMatch(Plan::isEmpty);
        assertThat(callsSince(mark)).containsExactly("ListEndpoints", "ListEndpoints", "ListEndpoints");
        List<com.google.cloud.aiplatform.v1.ListEndpointsRequest> pages = fake.requests().subList(mark, fake.requests().size()).stream()
                .map(com.google.cloud.aiplatform.v1.ListEndpointsRequest.class::cast).toList();
        assertThat(pages).allSatisfy(r -> {
            assertThat(r.getFilter()).isEqualTo("labels.managed_by=\"inferscale\"");
            assertThat(r.getPageSize()).isEqualTo(100);
        });
        assertThat(pages.get(0).getPageToken()).isEmpty();
        assertThat(pages.get(1).getPageToken()).isNotEmpty();
    }

    @Test
    @DisplayName("model change in a fleet: the labelled ListModels answers for the new and the old model, no GetModel")
    void modelChange() throws IOException {
        List<InferenceEndpoint> fleet = VertexCallCountTest.fleet("fleet-a", "fleet-b");
        backend.applyAll(fleet).orThrow();
        InferenceEndpoint newImage = fleet.get(1).toBuilder().model(fleet.get(1).model().toBuilder()
                .image("us-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-4:latest").build()).build();
        int mark = fake.calls().size();
        Map<String, ApplyResult> results = backend.applyAll(List.of(fleet.get(0), newImage), ONE_AT_A_TIME).orThrow();
        assertThat(results.get("fleet-a").changed()).isFalse();
        assertThat(results.get("fleet-b").plan().changes()).extracting(Change::kind, Change::action).containsExactly(
                org.assertj.core.groups.Tuple.tuple(VertexPlanner.KIND_MODEL, Change.Action.CREATE),
                org.assertj.core.groups.Tuple.tuple(VertexPlanner.KIND_DEPLOYED_MODEL, Change.Action.REPLACE),
                org.assertj.core.groups.Tuple.tuple(VertexPlanner.KIND_DEPLOYED_MODEL, Change.Action.DELETE),
                org.assertj.core.groups.Tuple.tuple(VertexPlanner.KIND_MODEL, Change.Action.DELETE));
        assertThat(callsSince(mark)).containsExactly("ListEndpoints", "ListModels", "ListOperations", "UploadModel", "GetOperation",
                "DeployModel", "GetOperation", "UndeployModel", "GetOperation", "DeleteModel", "GetOperation", "GetEndpoint");
        assertThat(fake.modelNames()).hasSize(2);
    }

    @Test
    @DisplayName("a fleet member changed by hand (replicas, labels) between two applyAll calls is repaired; the others make no request")
    void handChangesRepaired() throws Exception {
        List<InferenceEndpoint> fleet = VertexCallCountTest.fleet("fleet-a", "fleet-b", "fleet-c");
        backend.applyAll(fleet).orThrow();
        String applied = fake.state();
        String b = PARENT + "/endpoints/fleet-b";
        String c = PARENT + "/endpoints/fleet-c";
        try (VertexClients byHand = new VertexClients(VertexSettings.from(BackendConfig.of(Map.of("vertex.project", "test-project",
                "vertex.endpointOverride", "inprocess:" + fake.name(), "vertex.pollInterval", "1ms"))))) {
            Endpoint live = fake.endpoint(b).orElseThrow();
            var deployed = live.getDeployedModels(0);
            byHand.endpoints().mutateDeployedModelAsync(MutateDeployedModelRequest.newBuilder().setEndpoint(b)
                    .setDeployedModel(deployed.toBuilder().setDedicatedResources(deployed.getDedicatedResources().toBuilder().setMaxReplicaCount(7)))
                    .setUpdateMask(FieldMask.newBuilder().addPaths(VertexPlanner.MASK_MAX)).build()).getPollingFuture().get();
            // fleet-c loses its managed_by label: the list no longer holds it
            Map<String, String> labels = new java.util.HashMap<>(fake.endpoint(c).orElseThrow().getLabelsMap());
            labels.remove("managed_by");
            byHand.endpoints().updateEndpoint(UpdateEndpointRequest.newBuilder().setEndpoint(Endpoint.newBuilder().setName(c).putAllLabels(labels))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("labels")).build());
        }
        assertThat(fake.state()).isNotEqualTo(applied);
        int mark = fake.calls().size();
        Map<String, ApplyResult> repaired = backend.applyAll(fleet, ONE_AT_A_TIME).orThrow();
        assertThat(fake.state()).isEqualTo(applied);
        assertThat(repaired.get("fleet-a").changed()).isFalse();
        assertThat(repaired.get("fleet-b").plan().changes()).singleElement().satisfies(ch -> assertThat(ch.fields())
                .extracting(f -> f.path()).containsExactly(VertexPlanner.MASK_MAX));
        assertThat(repaired.get("fleet-c").plan().changes()).singleElement().satisfies(ch -> assertThat(ch.fields())
                .extracting(f -> f.path()).containsExactly("labels"));
        // fleet-a: nothing; fleet-b: a mutate and its closing read; fleet-c (not on the list): a create refused as ALREADY_EXISTS
        // (a conflict: the next round waits for the endpoint's operations, reads), and the label update and its closing read
        assertThat(callsSince(mark)).containsExactly("ListEndpoints", "ListModels",
                "ListOperations", "MutateDeployedModel", "GetOperation", "GetEndpoint",
                "CreateEndpoint", "ListOperations", "GetEndpoint", "ListOperations", "UpdateEndpoint", "GetEndpoint");
    }

    @Test
    @DisplayName("scale to zero in a fleet: the fleet is listed through v1beta1 ListEndpoints (its answers carry the scale-to-zero settings), nothing per endpoint")
    void scaleToZeroInFleet() throws IOException {
        List<InferenceEndpoint> fleet = List.of(VertexScaleToZeroTest.zero(600).toBuilder().name("fleet-zero").build(),
                VertexBackendTest.sample().toBuilder().name("fleet-a").build());
        backend.applyAll(fleet, ONE_AT_A_TIME).orThrow();
        assertThat(fake.calls()).containsExactly("v1beta1.ListEndpoints", "ListModels",
                "UploadModel", "GetOperation", "CreateEndpoint", "GetOperation", "v1beta1.DeployModel", "GetOperation", "v1beta1.GetEndpoint",
                "UploadModel", "GetOperation", "CreateEndpoint", "GetOperation", "DeployModel", "GetOperation", "GetEndpoint");
        String applied = fake.state();
        int mark = fake.calls().size();
        Map<String, ApplyResult> again = backend.applyAll(fleet, ONE_AT_A_TIME).orThrow();
        assertThat(again.values()).noneMatch(ApplyResult::changed);
        assertThat(callsSince(mark)).containsExactly("v1beta1.ListEndpoints");
        assertThat(again.get("fleet-zero").status().details()).containsEntry("scaleToZero", backend.get("fleet-zero").orElseThrow()
                .details().get("scaleToZero"));
        mark = fake.calls().size();
        assertThat(backend.planAll(fleet, ONE_AT_A_TIME).orThrow().values()).allMatch(Plan::isEmpty);
        assertThat(callsSince(mark)).containsExactly("v1beta1.ListEndpoints");
        // the idle period changed: the settings are immutable, so the list's settings lead to an undeploy-first redeploy
        InferenceEndpoint longerIdle = VertexScaleToZeroTest.zero(900).toBuilder().name("fleet-zero").build();
        Plan redeploy = backend.planAll(List.of(longerIdle, fleet.get(1)), ONE_AT_A_TIME).orThrow().get("fleet-zero");
        assertThat(redeploy).isEqualTo(backend.plan(longerIdle));
        assertThat(redeploy.changes()).extracting(Change::action).contains(Change.Action.REPLACE);
        assertThat(fake.state()).isEqualTo(applied);
    }

    @Test
    @DisplayName("a list call refused: planAll plans every endpoint as plan does")
    void planAllListRefused() throws IOException {
        fake.inject("ListEndpoints", io.grpc.Status.PERMISSION_DENIED, FakeVertexServer.FaultKind.BEFORE, true);
        Map<String, Plan> plans = backend.planAll(VertexCallCountTest.fleet("fleet-a", "fleet-b"), ONE_AT_A_TIME).orThrow();
        assertThat(plans.values()).allSatisfy(p -> assertThat(p.changes()).hasSize(3));
        assertThat(fake.calls()).containsExactly("ListEndpoints", "GetEndpoint", "GetModel", "GetEndpoint", "GetModel");
    }

    @Test
    @DisplayName("ListModels refused: every endpoint reads for itself as apply does, and the fleet is applied")
    void modelListRefused() throws IOException {
        fake.inject("ListModels", io.grpc.Status.PERMISSION_DENIED, FakeVertexServer.FaultKind.BEFORE, true);
        assertThat(backend.applyAll(VertexCallCountTest.fleet("fleet-a", "fleet-b"), ONE_AT_A_TIME).allSucceeded()).isTrue();
        List<String> expected = new ArrayList<>(List.of("ListEndpoints", "ListModels"));
        for (int i = 0; i < 2; i++) {
            expected.addAll(List.of("GetEndpoint", "GetModel"));
            expected.addAll(CREATE);
        }
        assertThat(fake.calls()).containsExactlyElementsOf(expected);
    }

    @Test
    @DisplayName("v1beta1 ListEndpoints refused (a fleet with scale to zero): each endpoint reads as apply does (v1beta1 GetEndpoint for the scale-to-zero one)")
    void v1beta1ListRefused() throws IOException {
        List<InferenceEndpoint> fleet = List.of(VertexScaleToZeroTest.zero(600).toBuilder().name("fleet-zero").build(),
                VertexBackendTest.sample().toBuilder().name("fleet-a").build());
        backend.applyAll(fleet).orThrow();
        fake.inject(FakeVertexServer.V1BETA1 + "ListEndpoints", io.grpc.Status.UNAVAILABLE, FakeVertexServer.FaultKind.BEFORE, true);
        int mark = fake.calls().size();
        assertThat(backend.applyAll(fleet, ONE_AT_A_TIME).orThrow().values()).noneMatch(ApplyResult::changed);
        // GAX retries the list on UNAVAILABLE: vertex.maxAttempts (3) attempts, then the endpoints read for themselves
        assertThat(callsSince(mark)).containsExactly("v1beta1.ListEndpoints", "v1beta1.ListEndpoints", "v1beta1.ListEndpoints",
                "v1beta1.GetEndpoint", "GetEndpoint");
    }

    /** The lines of {@code state} (a {@link FakeVertexServer#state()}) about the endpoint {@code endpointName}. */
    static String block(String state, String endpointName) {
        StringBuilder out = new StringBuilder();
        boolean in = false;
        for (String line : state.split("\n")) {
            if (line.startsWith("endpoint ")) {
                in = line.startsWith("endpoint " + endpointName + " ");
            } else if (!line.startsWith("  ")) {
                in = false;
            }
            if (in) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    static List<InferenceEndpoint> raceFleet(int spec) {
        InferenceEndpoint e = VertexConcurrencyTest.spec(spec);
        return List.of(e.toBuilder().name("race-a").build(), e.toBuilder().name("race-b").build());
    }

    @RepeatedTest(2)
    @DisplayName("4 racing applyAll calls of 4 specs (2 backend instances): those that return leave each endpoint entirely one spec")
    void racingFleets() throws Exception {
        int racers = 4;
        List<Set<String>> expected = List.of(new java.util.HashSet<>(), new java.util.HashSet<>());
        for (int i = 0; i < racers; i++) {
            try (FakeVertexServer f = VertexConcurrencyTest.fake(); Backend lone = VertexConcurrencyTest.backend(f)) {
                lone.applyAll(raceFleet(i)).orThrow();
                expected.get(0).add(block(f.state(), "projects/race-project/locations/us-central1/endpoints/race-a"));
                expected.get(1).add(block(f.state(), "projects/race-project/locations/us-central1/endpoints/race-b"));
            }
        }
        assertThat(expected.get(0)).as("the specs leave different states").hasSize(racers);
        try (FakeVertexServer fake = VertexConcurrencyTest.fake(); Backend a = VertexConcurrencyTest.backend(fake);
             Backend b = VertexConcurrencyTest.backend(fake)) {
            ExecutorService pool = Executors.newFixedThreadPool(racers);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<FleetResult<ApplyResult>>> futures = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                Backend backend = i % 2 == 0 ? a : b;
                List<InferenceEndpoint> fleet = raceFleet(i);
                futures.add(pool.submit(() -> {
                    go.await();
                    return backend.applyAll(fleet, new FleetOptions(2));
                }));
            }
            go.countDown();
            List<FleetResult<ApplyResult>> results = new ArrayList<>();
            for (Future<FleetResult<ApplyResult>> f : futures) {
                results.add(f.get(120, TimeUnit.SECONDS));
            }
            pool.shutdownNow();
            String state = fake.state();
            for (int ep = 0; ep < 2; ep++) {
                String name = ep == 0 ? "race-a" : "race-b";
                List<BackendException> failures = results.stream().map(r -> r.failures().get(name)).filter(java.util.Objects::nonNull).toList();
                assertThat(failures).allSatisfy(e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(BackendException.Reason.CONFLICT));
                if (failures.isEmpty()) {
                    assertThat(expected.get(ep)).as("final state of " + name + " after racing applyAll calls that all returned:\n" + state)
                            .contains(block(state, "projects/race-project/locations/us-central1/endpoints/" + name));
                    assertThat(fake.endpoint("projects/race-project/locations/us-central1/endpoints/" + name).orElseThrow()
                            .getDeployedModelsCount()).as(name + " serves one deployed model").isEqualTo(1);
                }
            }
            System.out.println("racing applyAll: failures " + results.stream().mapToLong(r -> r.failures().size()).sum()
                    + "; writes " + fake.writeCount());
        }
    }
}
