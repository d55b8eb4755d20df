package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.inferscale.api.InferenceEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.inferscale.backend.kubernetes.KubernetesTranslatorTest.endpoint;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9's call economy, asserted on the mock API server's request log so it cannot regress: every request the
 * backend sends, in order, as {@code "<METHOD> <resource>"}. The figures are copied into
 * {@code bench/results/call-counts-kubernetes.md} and the module README.
 */
class KubernetesCallCountTest {

    private MockCluster cluster;
    private KubernetesBackend backend;
    private InferenceEndpoint seed;

    @BeforeEach
    void start() throws java.io.IOException {
        cluster = new MockCluster();
        KubernetesClient client = cluster.client();
        backend = new KubernetesBackend(client, KubernetesSettings.defaults());
        seed = endpoint("inference_endpoint.yaml");
    }

    @AfterEach
    void stop() {
        backend.close();
        cluster.close();
    }

    /** A request as {@code "GET deployments"}. */
    static String call(RecordedRequest r) {
        return MockCluster.call(r);
    }

    private List<String> callsSince(int from) {
        List<RecordedRequest> all = cluster.requests();
        return all.subList(from, all.size()).stream().map(KubernetesCallCountTest::call).toList();
    }

    private static long writes(List<String> calls) {
        return calls.stream().filter(c -> !c.startsWith("GET ")).count();
    }

    @Test
    @DisplayName("fresh apply: one write per object (3 server-side applies), 3 reads to plan and 2 to verify; no handover write, no status reads")
    void freshApply() {
        backend.apply(seed);
        List<String> calls = callsSince(0);
        assertThat(calls).containsExactly(
                "GET deployments", "GET services", "GET horizontalpodautoscalers",
                "PATCH deployments", "PATCH services", "PATCH horizontalpodautoscalers",
                "GET deployments", "GET services");
        assertThat(writes(calls)).isEqualTo(3);
        assertThat(cluster.requests().get(3).getUtf8Body()).as("replicas = minReplicas in the create itself").contains("\"replicas\":1");
    }

    @Test
    @DisplayName("no-op re-apply: zero writes, one GET per object (3), nothing else")
    void noOpReapply() {
        backend.apply(seed);
        int before = cluster.requests().size();
        assertThat(backend.apply(seed).changed()).isFalse();
        assertThat(callsSince(before)).containsExactly("GET deployments", "GET services", "GET horizontalpodautoscalers");
    }

    @Test
    @DisplayName("maxReplicas change: exactly one write, the HPA's server-side apply; 3 + 2 reads")
    void maxReplicasChange() {
        backend.apply(seed);
        int before = cluster.requests().size();
        backend.apply(seed.toBuilder().autoscaling(seed.autoscaling().toBuilder().maxReplicas(8).build()).build());
        List<String> calls = callsSince(before);
        assertThat(calls).containsExactly(
                "GET deployments", "GET services", "GET horizontalpodautoscalers",
                "PATCH horizontalpodautoscalers",
                "GET deployments", "GET services");
        assertThat(writes(calls)).isEqualTo(1);
        RecordedRequest patch = cluster.requests().get(before + 3);
        assertThat(patch.getUtf8Body()).contains("\"maxReplicas\":8").doesNotContain("resourceVersion");
    }

    @Test
    @DisplayName("delete: a GET per object (the managed-by label check) and a DELETE per managed object: 6 requests")
    void delete() {
        backend.apply(seed);
        int before = cluster.requests().size();
        assertThat(backend.delete(seed.name())).isTrue();
        assertThat(callsSince(before)).containsExactly(
                "GET horizontalpodautoscalers", "DELETE horizontalpodautoscalers",
                "GET services", "DELETE services",
                "GET deployments", "DELETE deployments");
        int again = cluster.requests().size();
        assertThat(backend.delete(seed.name())).isFalse();
        assertThat(callsSince(again)).as("deleting a missing endpoint: three GETs (404), no DELETE")
                .containsExactly("GET horizontalpodautoscalers", "GET services", "GET deployments");
    }
}
