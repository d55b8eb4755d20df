package io.inferscale.backend.vertex;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.backend.vertex.fake.FakeVertexServer;
import io.inferscale.backend.vertex.internal.VertexPlanner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, call economy: the RPCs the Vertex backend sends to the fake for a fresh apply, a no-op re-apply, a
 * maxReplicas-only change and a delete, split into writes, reads and operation polls, asserted exactly. The fake
 * finishes each operation when it is first polled ({@link FakeVertexServer#completeOnPoll()}), so each long-running
 * operation costs exactly one GetOperation here; on Vertex the number of polls grows with the operation's duration
 * (see the README).
 */
@DisplayName("Vertex call economy (issue 9)")
class VertexCallCountTest {

    static final Set<String> WRITES = Set.of("UploadModel", "CreateEndpoint", "DeployModel", "MutateDeployedModel", "UndeployModel",
            "UpdateEndpoint", "DeleteEndpoint", "DeleteModel");
    static final Set<String> POLLS = Set.of("GetOperation");

    FakeVertexServer fake;
    VertexBackend backend;

    @BeforeEach
    void start() {
        fake = new FakeVertexServer().completeOnPoll();
        backend = (VertexBackend) new VertexBackendProvider().create(BackendConfig.of(Map.of("vertex.project", "test-project",
                "vertex.endpointOverride", "inprocess:" + fake.name(), "vertex.pollInterval", "1ms", "vertex.operationTimeout", "10s")));
    }

    @AfterEach
    void stop() {
        backend.close();
        fake.close();
    }

    /** Counts by call name, in three groups. */
    record Counts(Map<String, Integer> writes, Map<String, Integer> reads, int polls) {
        static Counts of(List<String> calls) {
            Map<String, Integer> w = new TreeMap<>();
            Map<String, Integer> r = new TreeMap<>();
            int p = 0;
            for (String c : calls) {
                if (WRITES.contains(c)) {
                    w.merge(c, 1, Integer::sum);
                } else if (POLLS.contains(c)) {
                    p++;
                } else {
                    r.merge(c, 1, Integer::sum);
                }
            }
            return new Counts(w, r, p);
        }
    }

    Counts since(int mark) {
        List<String> calls = fake.calls();
        Counts c = Counts.of(calls.subList(mark, calls.size()));
        System.out.println("calls: " + calls.subList(mark, calls.size()) + " -> " + c);
        return c;
    }

    @Test
    @DisplayName("fresh apply: 3 writes (UploadModel, CreateEndpoint, DeployModel), GetEndpoint + GetModel before and one GetEndpoint after, one poll per operation")
    void freshApply() throws IOException {
        backend.apply(VertexBackendTest.sample());
        Counts c = since(0);
        assertThat(c.writes()).containsExactlyInAnyOrderEntriesOf(Map.of("UploadModel", 1, "CreateEndpoint", 1, "DeployModel", 1));
        assertThat(c.reads()).containsExactlyInAnyOrderEntriesOf(Map.of("GetEndpoint", 2, "GetModel", 1));
        assertThat(c.polls()).isEqualTo(3);
        assertThat(fake.calls()).containsExactly("GetEndpoint", "GetModel", "UploadModel", "GetOperation", "CreateEndpoint", "GetOperation",
                "DeployModel", "GetOperation", "GetEndpoint");
    }

    @Test
    @DisplayName("fresh apply of an existing model (spec.backends.vertex.model): 2 writes")
    void freshApplyExistingModel() throws IOException {
        backend.apply(VertexBackendTest.sample().toBuilder().name("other").build());
        String existing = fake.modelNames().iterator().next();
        int mark = fake.calls().size();
        backend.apply(VertexBackendTest.sample().toBuilder().option("vertex", "model", existing).build());
        Counts c = since(mark);
        assertThat(c.writes()).containsExactlyInAnyOrderEntriesOf(Map.of("CreateEndpoint", 1, "DeployModel", 1));
        assertThat(c.reads()).containsExactlyInAnyOrderEntriesOf(Map.of("GetEndpoint", 2, "GetModel", 1));
        assertThat(c.polls()).isEqualTo(2);
    }

    @Test
    @DisplayName("no-op re-apply: zero writes, one GetEndpoint (the endpoint holds the deployed model), nothing else")
    void noOpReapply() throws IOException {
        backend.apply(VertexBackendTest.sample());
        int mark = fake.calls().size();
        assertThat(backend.apply(VertexBackendTest.sample()).changed()).isFalse();
        Counts c = since(mark);
        assertThat(c.writes()).isEmpty();
        assertThat(c.reads()).containsExactlyInAnyOrderEntriesOf(Map.of("GetEndpoint", 1));
        assertThat(c.polls()).isZero();
    }

    @Test
    @DisplayName("maxReplicas change: exactly one MutateDeployedModel masking only max_replica_count; GetEndpoint, ListOperations, one poll, GetEndpoint")
    void maxReplicasChange() throws IOException {
        backend.apply(VertexBackendTest.sample());
        int mark = fake.calls().size();
        int requests = fake.requests().size();
        InferenceEndpoint changed = VertexBackendTest.withPolicy(VertexBackendTest.sample(), p -> p.maxReplicas(9));
        backend.apply(changed);
        Counts c = since(mark);
        assertThat(c.writes()).containsExactlyInAnyOrderEntriesOf(Map.of("MutateDeployedModel", 1));
        assertThat(c.reads()).containsExactlyInAnyOrderEntriesOf(Map.of("GetEndpoint", 2, "ListOperations", 1));
        assertThat(c.polls()).isEqualTo(1);
        var mutate = fake.requests().subList(requests, fake.requests().size()).stream()
                .filter(com.google.cloud.aiplatform.v1.MutateDeployedModelRequest.class::isInstance)
                .map(com.google.cloud.aiplatform.v1.MutateDeployedModelRequest.class::cast).findFirst().orElseThrow();
        assertThat(mutate.getUpdateMask().getPathsList()).containsExactly(VertexPlanner.MASK_MAX);
        assertThat(mutate.getDeployedModel().getDedicatedResources().getMaxReplicaCount()).isEqualTo(9);
    }

    @Test
    @DisplayName("delete: GetEndpoint, UndeployModel, DeleteEndpoint, ListModels, DeleteModel, one poll per operation")
    void delete() throws IOException {
        backend.apply(VertexBackendTest.sample());
        int mark = fake.calls().size();
        assertThat(backend.delete("my-model-endpoint")).isTrue();
        Counts c = since(mark);
        assertThat(c.writes()).containsExactlyInAnyOrderEntriesOf(Map.of("UndeployModel", 1, "DeleteEndpoint", 1, "DeleteModel", 1));
        assertThat(c.reads()).containsExactlyInAnyOrderEntriesOf(Map.of("GetEndpoint", 1, "ListModels", 1));
        assertThat(c.polls()).isEqualTo(3);
        assertThat(fake.state()).isEmpty();
        int again = fake.calls().size();
        assertThat(backend.delete("my-model-endpoint")).isFalse();
        assertThat(fake.calls().subList(again, fake.calls().size())).containsExactly("GetEndpoint", "ListModels");
    }

    static List<InferenceEndpoint> fleet(String... names) throws IOException {
        List<InferenceEndpoint> out = new java.util.ArrayList<>();
        for (String n : names) {
            out.add(VertexBackendTest.sample().toBuilder().name(n).build());
        }
        return out;
    }

    @Test
    @DisplayName("applyAll of a fresh fleet (issue 19): one ListEndpoints and one ListModels for the fleet, then per endpoint the 3 writes, 3 polls and only the closing GetEndpoint")
    void applyAllFreshFleet() throws IOException {
        var result = backend.applyAll(fleet("fleet-a", "fleet-b", "fleet-c"), new io.inferscale.api.backend.FleetOptions(2));
        assertThat(result.allSucceeded()).isTrue();
        assertThat(result.results().values()).allSatisfy(r -> assertThat(r.changed()).isTrue());
        Counts c = since(0);
        assertThat(c.writes()).containsExactlyInAnyOrderEntriesOf(Map.of("UploadModel", 3, "CreateEndpoint", 3, "DeployModel", 3));
        assertThat(c.reads()).containsExactlyInAnyOrderEntriesOf(Map.of("ListEndpoints", 1, "ListModels", 1, "GetEndpoint", 3));
        assertThat(c.polls()).isEqualTo(9);
        assertThat(fake.calls().subList(0, 2)).containsExactly("ListEndpoints", "ListModels");
        for (String n : List.of("fleet-a", "fleet-b", "fleet-c")) {
            assertThat(backend.get(n)).isPresent();
        }
    }

    @Test
    @DisplayName("applyAll with one endpoint already there: the list shows it unchanged (no request of its own), the new one skips its first reads")
    void applyAllMixedFleet() throws IOException {
        backend.apply(VertexBackendTest.sample().toBuilder().name("fleet-a").build());
        int mark = fake.calls().size();
        var result = backend.applyAll(fleet("fleet-a", "fleet-b"), new io.inferscale.api.backend.FleetOptions(2));
        assertThat(result.allSucceeded()).isTrue();
        assertThat(result.results().get("fleet-a").changed()).isFalse();
        assertThat(result.results().get("fleet-b").changed()).isTrue();
        Counts c = since(mark);
        assertThat(c.writes()).containsExactlyInAnyOrderEntriesOf(Map.of("UploadModel", 1, "CreateEndpoint", 1, "DeployModel", 1));
        // issue 19: the listed endpoint is planned from the list (before: a GetEndpoint of its own, 2 in all)
        assertThat(c.reads()).containsExactlyInAnyOrderEntriesOf(Map.of("ListEndpoints", 1, "ListModels", 1, "GetEndpoint", 1));
        int again = fake.calls().size();
        assertThat(backend.applyAll(fleet("fleet-a", "fleet-b")).results().values()).noneMatch(r -> r.changed());
        assertThat(since(again).reads()).containsExactlyInAnyOrderEntriesOf(Map.of("ListEndpoints", 1));
    }

    @Test
    @DisplayName("applyAll without vertex.project: no call, and every endpoint's outcome is apply's configuration error (the fleet is not refused as a whole)")
    void applyAllWithoutProject() throws IOException {
        try (VertexBackend noProject = (VertexBackend) new VertexBackendProvider().create(BackendConfig.of(Map.of(
                "vertex.endpointOverride", "inprocess:" + fake.name())))) {
            var result = noProject.applyAll(fleet("fleet-a", "fleet-b"));
            assertThat(result.failures()).containsOnlyKeys("fleet-a", "fleet-b");
            assertThat(result.failures().values()).allSatisfy(e -> assertThat(e.getMessage()).contains("vertex.project"));
            assertThat(fake.calls()).isEmpty();
        }
    }

    @Test
    @DisplayName("applyAll when the list call is refused: every endpoint reads for itself, as apply does, and the fleet is applied")
    void applyAllListRefused() throws IOException {
        fake.inject("ListEndpoints", io.grpc.Status.PERMISSION_DENIED, FakeVertexServer.FaultKind.BEFORE, true);
        var result = backend.applyAll(fleet("fleet-a", "fleet-b"), new io.inferscale.api.backend.FleetOptions(2));
        assertThat(result.allSucceeded()).isTrue();
        Counts c = since(0);
        assertThat(c.writes()).containsExactlyInAnyOrderEntriesOf(Map.of("UploadModel", 2, "CreateEndpoint", 2, "DeployModel", 2));
        assertThat(c.reads()).containsEntry("GetEndpoint", 4).containsEntry("GetModel", 2);
    }
}
