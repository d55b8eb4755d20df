package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.EndpointStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

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

    /** A request as {@link #call}, with a collection GET shown as {@code LIST} and a watch as {@code WATCH}. */
    private static String callOrWatch(RecordedRequest r) {
        String c = call(r);
        if (r.getPath().contains("watch=true")) {
            return c.replaceFirst("^GET ", "WATCH ");
        }
        return r.getPath().contains("fieldSelector=") ? c.replaceFirst("^GET ", "LIST ") : c;
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
        // a missing HPA may be a KEDA endpoint's (no HPA until KEDA creates one): the ScaledObject is looked for too
        assertThat(callsSince(again)).as("deleting a missing endpoint: four GETs (404), no DELETE")
                .containsExactly("GET horizontalpodautoscalers", "GET scaledobjects", "GET services", "GET deployments");
    }

    @Test
    @DisplayName("awaitReady: 3 GETs, the informer's LIST and WATCH of the Deployment (no polling while the rollout runs), 2 GETs "
            + "for the final status")
    void awaitReadyWatches() throws Exception {
        backend.apply(seed);
        int before = cluster.requests().size();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<EndpointStatus> waiting = pool.submit(() -> backend.awaitReady(seed.name(), Duration.ofSeconds(20)));
            // the rollout starts once the watch is open, so the wait sees it through the watch
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (cluster.requests().stream().skip(before).noneMatch(r -> r.getPath().contains("watch=true"))) {
                assertThat(System.nanoTime()).as("the watch starts").isLessThan(deadline);
                Thread.sleep(10);
            }
            AutoCloseable controller = cluster.startDeploymentController();
            try {
                assertThat(waiting.get(20, TimeUnit.SECONDS).isReady()).isTrue();
            } finally {
                controller.close();
            }
        } finally {
            pool.shutdownNow();
        }
        List<RecordedRequest> all = cluster.requests();
        assertThat(all.subList(before, all.size()).stream().map(KubernetesCallCountTest::callOrWatch).toList()).containsExactly(
                "GET deployments", "GET horizontalpodautoscalers", "GET services",
                "LIST deployments", "WATCH deployments",
                "GET horizontalpodautoscalers", "GET services");
    }

    @Test
    @DisplayName("awaitReady on a ready endpoint: 3 GETs and 2 GETs for the final status, no watch")
    void awaitReadyWhenReady() {
        backend.apply(seed);
        cluster.controllerClient().apps().deployments().inNamespace("test").withName(seed.name()).editStatus(d -> new DeploymentBuilder(d)
                .withNewStatus().withObservedGeneration(d.getMetadata().getGeneration()).withReplicas(1).withUpdatedReplicas(1)
                .withAvailableReplicas(1).withReadyReplicas(1).endStatus().build());
        int before = cluster.requests().size();
        assertThat(backend.awaitReady(seed.name(), Duration.ofSeconds(20)).isReady()).isTrue();
        assertThat(callsSince(before)).containsExactly("GET deployments", "GET horizontalpodautoscalers", "GET services",
                "GET horizontalpodautoscalers", "GET services");
    }
}
