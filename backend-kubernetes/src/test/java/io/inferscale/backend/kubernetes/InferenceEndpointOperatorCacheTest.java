package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
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
    /** How long the operator's Service and HPA watches hold back each event (0: not at all). */
    private final java.util.concurrent.atomic.AtomicLong watchLagMillis = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.ScheduledExecutorService lagTimer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "watch-lag");
        t.setDaemon(true);
        return t;
    });

    @BeforeEach
    void start() throws IOException {
        cluster = new MockCluster();
        client = cluster.client();
        InferenceEndpointOperatorTest.installCrd(client);
        cluster.intercept(this::laggingWatch);
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
        lagTimer.shutdownNow();
    }

    /**
     * Serves the operator's Service and HPA watches through a socket that sends each event {@link #watchLagMillis} late, in
     * order: the informer caches of those kinds lag behind the API server as long as the test wants, as under load.
     */
    private io.fabric8.mockwebserver.http.MockResponse laggingWatch(RecordedRequest request,
                                                                  java.util.function.Supplier<io.fabric8.mockwebserver.http.MockResponse> proceed) {
        String path = request.getPath();
        if (!AGENT.equals(request.getHeader("User-Agent")) || !path.contains("watch=true")
                || !(path.contains("/services") || path.contains("/horizontalpodautoscalers"))) {
            return null;
        }
        io.fabric8.mockwebserver.http.MockResponse response = proceed.get();
        io.fabric8.mockwebserver.http.WebSocketListener events = response.getWebSocketListener();
        if (events == null) {
            return response;
        }
        return response.withWebSocketUpgrade(new io.fabric8.mockwebserver.http.WebSocketListener() {
            @Override
            public void onOpen(io.fabric8.mockwebserver.http.WebSocket socket, io.fabric8.mockwebserver.http.Response r) {
                events.onOpen(lagging(socket), r);
            }

            @Override
            public void onMessage(io.fabric8.mockwebserver.http.WebSocket socket, String text) {
                events.onMessage(socket, text);
            }

            @Override
            public void onClosing(io.fabric8.mockwebserver.http.WebSocket socket, int code, String reason) {
                events.onClosing(socket, code, reason);
            }

            @Override
            public void onClosed(io.fabric8.mockwebserver.http.WebSocket socket, int code, String reason) {
                events.onClosed(socket, code, reason);
            }

            @Override
            public void onFailure(io.fabric8.mockwebserver.http.WebSocket socket, Throwable t, io.fabric8.mockwebserver.http.Response r) {
                events.onFailure(socket, t, r);
            }
        });
    }

    private io.fabric8.mockwebserver.http.WebSocket lagging(io.fabric8.mockwebserver.http.WebSocket socket) {
        return new io.fabric8.mockwebserver.http.WebSocket() {
            @Override
            public RecordedRequest request() {
                return socket.request();
            }

            @Override
            public boolean send(String text) {
                lagTimer.schedule(() -> socket.send(text), watchLagMillis.get(), java.util.concurrent.TimeUnit.MILLISECONDS);
                return true;
            }

            @Override
            public boolean send(byte[] bytes) {
                lagTimer.schedule(() -> socket.send(bytes), watchLagMillis.get(), java.util.concurrent.TimeUnit.MILLISECONDS);
                return true;
            }

            @Override
            public boolean close(int code, String reason) {
                return socket.close(code, reason);
            }
        };
    }

    @Test
    @DisplayName("a reconcile that starts before the watches bring the previous reconcile's writes plans against those writes: no second apply")
    void staleCacheAfterOwnWriteIsNotReapplied() {
        watchLagMillis.set(3_000);
        int before = cluster.requests().size();
        client.resources(InferenceEndpointResource.class).inNamespace("test").withName(NAME).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"autoscaling\":{\"maxReplicas\":7},\"resources\":{\"requests\":{\"cpu\":\"750m\"}}}}");
        // the Deployment's watch event (not held back) re-runs the reconcile at once, while the HPA's cache still holds maxReplicas 5
        await(() -> operatorCallsSince(before), calls -> calls.contains("PATCH inferenceendpoints/status"));
        await(() -> client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("test").withName(NAME).get(),
                h -> h.getSpec().getMaxReplicas() == 7);
        awaitQuiet(4_500);
        List<String> writes = operatorCallsSince(before).stream().filter(c -> !c.startsWith("GET")).toList();
        assertThat(writes).as("the change applied once: Deployment and HPA, and the status once")
                .containsExactly("PATCH deployments", "PATCH horizontalpodautoscalers", "PATCH inferenceendpoints/status");
    }

    @Test
    @DisplayName("a reconcile re-run by an HPA status change makes 0 GETs and one write: the status patch with the cached HPA's targets")
    void steadyStateReconcileMakesNoGet() throws IOException {
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
        assertThat(printerColumns(r)).as("kubectl get inferenceendpoints: the CRD's printer columns on this resource, as kubectl get hpa shows MINPODS MAXPODS REPLICAS TARGETS")
                .containsEntry("MIN", "1").containsEntry("MAX", "5").containsEntry("REPLICAS", "1").containsEntry("TARGET", "cpu: 45%/60%");
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

    /**
     * The values {@code kubectl get} prints for {@code r}: each printer column of the shipped CRD whose jsonPath is a plain
     * field path ({@code .status.targets}), evaluated on the resource as the API server returns it.
     */
    private Map<String, String> printerColumns(InferenceEndpointResource r) throws IOException {
        io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition crd;
        try (java.io.InputStream in = InferenceEndpointOperator.class.getResourceAsStream("/manifests/crd.yaml")) {
            crd = client.getKubernetesSerialization().unmarshal(in, io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class);
        }
        Object tree = client.getKubernetesSerialization().convertValue(r, Map.class);
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (var column : crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns()) {
            if (!column.getJsonPath().matches("(\\.[A-Za-z]+)+")) {
                continue;
            }
            Object v = tree;
            for (String key : column.getJsonPath().substring(1).split("\\.")) {
                v = v instanceof Map<?, ?> m ? m.get(key) : null;
            }
            out.put(column.getName(), v == null ? null : v.toString());
        }
        return out;
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
        awaitQuiet(1_500);
    }

    /** Waits until {@code quietMillis} pass without a request from the operator. */
    private void awaitQuiet(long quietMillis) {
        InferenceEndpointOperatorTest.awaitQuiet(cluster, r -> AGENT.equals(r.getHeader("User-Agent")), quietMillis);
    }
}
