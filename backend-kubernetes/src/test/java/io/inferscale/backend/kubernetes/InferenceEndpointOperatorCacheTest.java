package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import static io.inferscale.backend.kubernetes.InferenceEndpointOperatorTest.await;
import static io.inferscale.backend.kubernetes.KubernetesTranslatorTest.resource;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator plans against its informer caches: a steady-state reconcile makes no GET and writes only what drifted,
 * and a child deleted by hand re-runs its owner's reconcile, which recreates it.
 */
class InferenceEndpointOperatorCacheTest {

    private static final String AGENT = "inferscale-operator";
    private static final String NAME = "my-model-endpoint";

    private MockCluster cluster;
    private KubernetesClient client;
    private InferenceEndpointOperator operator;

    @BeforeEach
    void start() throws IOException {
        cluster = new MockCluster();
        client = cluster.client();
        InferenceEndpointOperatorTest.installCrd(client);
        operator = InferenceEndpointOperator.create(cluster.client(AGENT), KubernetesSettings.defaults(), Set.of("test"),
                new InferenceEndpointReconciler.OperatorIdentity("inferscale-system", AGENT));
        operator.start();
        client.resource(Serialization.unmarshal(resource("inference_endpoint.yaml"), InferenceEndpointResource.class)).inNamespace("test").create();
        await(() -> client.resources(InferenceEndpointResource.class).inNamespace("test").withName(NAME).get(),
                r -> r.getStatus() != null && r.getStatus().state != null && !"FAILED".equals(r.getStatus().state));
        awaitQuiet();
    }

    @AfterEach
    void stop() {
        operator.close();
        cluster.close();
    }

    @Test
    @DisplayName("a reconcile re-run by an HPA status change makes 0 GETs and one write: the status patch with the cached HPA's targets")
    void steadyStateReconcileMakesNoGet() {
        int before = cluster.requests().size();
        HorizontalPodAutoscaler hpa = client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("test").withName(NAME).get();
        client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("test").withName(NAME).editStatus(h -> new HorizontalPodAutoscalerBuilder(h)
                .withNewStatus().withCurrentReplicas(1).withDesiredReplicas(1).withCurrentMetrics(new MetricStatusBuilder().withType("Resource")
                        .withNewResource().withName("cpu").withNewCurrent().withAverageUtilization(45).endCurrent().endResource().build())
                .endStatus().build());
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(5);
        InferenceEndpointResource r = await(() -> client.resources(InferenceEndpointResource.class).inNamespace("test").withName(NAME).get(),
                x -> "cpu: 45%/60%".equals(x.getStatus().targets));
        assertThat(r.getStatus().desiredReplicas).as("the cached HPA status: desiredReplicas").isEqualTo(1);
        assertThat(r.getStatus().replicas).as("the REPLICAS printer column (.status.replicas)").isEqualTo(1);
        awaitQuiet();
        List<String> calls = operatorCallsSince(before);
        assertThat(calls).as("the reconcile's requests (watches excluded)").containsExactly("PATCH inferenceendpoints/status");
    }

    @Test
    @DisplayName("a child touched without drift re-runs the reconcile, which makes no request at all")
    void noDriftNoRequest() {
        int before = cluster.requests().size();
        client.services().inNamespace("test").withName(NAME).edit(s -> {
            s.getMetadata().getAnnotations().put("example.com/touched", "1");
            return s;
        });
        awaitQuiet();
        assertThat(operatorCallsSince(before)).isEmpty();
    }

    @Test
    @DisplayName("drift made by hand (the applied-hash annotation removed) is repaired with one apply of that child and the check's GETs")
    void driftIsRepaired() {
        int before = cluster.requests().size();
        client.services().inNamespace("test").withName(NAME).edit(s -> {
            s.getMetadata().getAnnotations().remove(KubernetesBackend.HASH_ANNOTATION);
            return s;
        });
        await(() -> client.services().inNamespace("test").withName(NAME).get(),
                s -> s.getMetadata().getAnnotations().containsKey(KubernetesBackend.HASH_ANNOTATION));
        awaitQuiet();
        assertThat(operatorCallsSince(before)).as("one apply of the Service, then the check after the writes re-reads the other two")
                .containsExactly("PATCH services", "GET deployments", "GET horizontalpodautoscalers");
    }

    @Test
    @DisplayName("a Service or Deployment deleted by hand is recreated by the reconcile its delete event triggers")
    void handDeletedChildIsRecreated() {
        String uid = client.services().inNamespace("test").withName(NAME).get().getMetadata().getUid();
        client.services().inNamespace("test").withName(NAME).delete();
        var svc = await(() -> client.services().inNamespace("test").withName(NAME).get(),
                s -> s != null && !uid.equals(s.getMetadata().getUid()));
        assertThat(svc.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getName()).isEqualTo(NAME));
        client.apps().deployments().inNamespace("test").withName(NAME).delete();
        await(() -> client.apps().deployments().inNamespace("test").withName(NAME).get(), Objects::nonNull);
    }

    /** The operator's requests after the first {@code from}, by call name, leaving out its informers' LISTs and WATCHes. */
    private List<String> operatorCallsSince(int from) {
        List<RecordedRequest> all = cluster.requests();
        return all.subList(from, all.size()).stream().filter(r -> AGENT.equals(r.getHeader("User-Agent")))
                .filter(r -> !(r.getMethod().equals("GET") && (r.getPath().contains("watch=true") || isList(r))))
                .map(r -> MockCluster.call(r) + (r.getPath().contains("/status") ? "/status" : "")).toList();
    }

    private static boolean isList(RecordedRequest r) {
        String path = r.getPath().split("\\?")[0];
        return path.endsWith("s") && !path.contains("/" + NAME);
    }

    /** Waits until 1.5 s pass without a request from the operator (its event queue is drained). */
    private void awaitQuiet() {
        int seen = -1;
        long quietSince = System.nanoTime();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() - quietSince < 1_500_000_000L) {
            assertThat(System.nanoTime()).as("the operator goes quiet within 20 s").isLessThan(deadline);
            int now = (int) cluster.requests().stream().filter(r -> AGENT.equals(r.getHeader("User-Agent"))).count();
            if (now != seen) {
                seen = now;
                quietSince = System.nanoTime();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
