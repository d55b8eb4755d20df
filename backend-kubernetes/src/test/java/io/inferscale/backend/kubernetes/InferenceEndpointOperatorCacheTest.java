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
 * and a child deleted by hand re-runs its owner's reconcile, which recreates it. KEDA ScaledObjects are cached too when
 * the cluster serves them at the operator's start ({@link #startWithKeda}); without KEDA's CRD (the setup's cluster) the
 * operator watches no ScaledObjects and reads a {@code keda} endpoint's with a GET.
 */
class InferenceEndpointOperatorCacheTest {

    private static final String AGENT = "inferscale-operator";
    private static final String NAME = "my-model-endpoint";
    /** The {@code autoscaler: keda} endpoint of the KEDA tests. */
    private static final String KEDA = "keda-endpoint";

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

    private AutoCloseable kedaOperator;

    @AfterEach
    void stop() throws Exception {
        operator.close();
        if (kedaOperator != null) {
            kedaOperator.close();
        }
        cluster.close();
        lagTimer.shutdownNow();
    }

    /**
     * Installs KEDA's CRD, restarts the operator (it looks for KEDA when it starts), starts the KEDA stand-in and creates
     * the {@code autoscaler: keda} endpoint {@value #KEDA}; returns once the operator is quiet.
     */
    private void startWithKeda() throws IOException {
        operator.close();
        InferenceEndpointOperatorTest.installKedaCrd(client);
        kedaOperator = KubernetesKedaConformanceTest.startKedaOperator(cluster);
        operator = InferenceEndpointOperator.create(cluster.client(AGENT), KubernetesSettings.defaults(), Set.of("test"),
                new InferenceEndpointReconciler.OperatorIdentity("inferscale-system", AGENT));
        operator.start();
        createKedaEndpoint();
    }

    private void createKedaEndpoint() throws IOException {
        client.resource(Serialization.unmarshal(resource("inference_endpoint.yaml").replace("name: " + NAME, "name: " + KEDA)
                .replace("\nspec:\n", "\nspec:\n  backends:\n    kubernetes:\n      autoscaler: keda\n"), InferenceEndpointResource.class))
                .inNamespace("test").create();
        await(scaledObject()::get, Objects::nonNull);
        await(() -> client.resources(InferenceEndpointResource.class).inNamespace("test").withName(KEDA).get(),
                r -> r.getStatus() != null && r.getStatus().state != null && !"FAILED".equals(r.getStatus().state));
        awaitQuiet();
    }

    private io.fabric8.kubernetes.client.dsl.Resource<io.fabric8.kubernetes.api.model.GenericKubernetesResource> scaledObject() {
        return io.inferscale.backend.kubernetes.internal.ScaledObjects.api(client).inNamespace("test").withName(KEDA);
    }

    /**
     * Marks the KEDA endpoint's Deployment ready, as the Deployment controller would (unlogged), and returns the operator's
     * requests for the reconcile that change re-runs, once its status shows the ready replica.
     */
    private List<String> callsOfKedaDeploymentReady() {
        int before = cluster.requests().size();
        MockCluster.setDeploymentStatus(cluster.controllerClient(), "test", KEDA, 1, 1);
        await(() -> client.resources(InferenceEndpointResource.class).inNamespace("test").withName(KEDA).get(),
                r -> Integer.valueOf(1).equals(r.getStatus().readyReplicas));
        awaitQuiet();
        return operatorCallsSince(before);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(io.fabric8.kubernetes.api.model.GenericKubernetesResource so) {
        return (Map<String, Object>) so.getAdditionalProperties().get("spec");
    }

    /**
     * Serves the operator's Service, HPA and ScaledObject watches through a socket that sends each event {@link #watchLagMillis} late, in
     * order: the informer caches of those kinds lag behind the API server as long as the test wants, as under load.
     */
    private io.fabric8.mockwebserver.http.MockResponse laggingWatch(RecordedRequest request,
                                                                  java.util.function.Supplier<io.fabric8.mockwebserver.http.MockResponse> proceed) {
        String path = request.getPath();
        if (!AGENT.equals(request.getHeader("User-Agent")) || !path.contains("watch=true")
                || !(path.contains("/services") || path.contains("/horizontalpodautoscalers") || path.contains("/scaledobjects"))) {
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
        List<String> writes = writesOfChangeWithLaggingWatches(NAME, () -> client.autoscaling().v2().horizontalPodAutoscalers()
                .inNamespace("test").withName(NAME).get().getSpec().getMaxReplicas() == 7);
        assertThat(writes).as("the change applied once: Deployment and HPA, and the status once")
                .containsExactly("PATCH deployments", "PATCH horizontalpodautoscalers", "PATCH inferenceendpoints/status");
    }

    /**
     * Changes {@code maxReplicas} to 7 and the CPU request of endpoint {@code name} with the Service, HPA and ScaledObject
     * watches held back 3 s, waits until {@code autoscalerUpdated} and the operator is quiet, and returns its writes. The
     * Deployment's watch event (not held back) re-runs the reconcile at once, while the autoscaler's cache still holds
     * maxReplicas 5.
     */
    private List<String> writesOfChangeWithLaggingWatches(String name, java.util.function.BooleanSupplier autoscalerUpdated) {
        watchLagMillis.set(3_000);
        int before = cluster.requests().size();
        client.resources(InferenceEndpointResource.class).inNamespace("test").withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"autoscaling\":{\"maxReplicas\":7},\"resources\":{\"requests\":{\"cpu\":\"750m\"}}}}");
        await(() -> operatorCallsSince(before), calls -> calls.contains("PATCH inferenceendpoints/status"));
        await(autoscalerUpdated::getAsBoolean, Boolean::booleanValue);
        awaitQuiet(4_500);
        return operatorCallsSince(before).stream().filter(c -> !c.startsWith("GET")).toList();
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

    @Test
    @DisplayName("KEDA installed: a keda endpoint's reconcile re-run by a Deployment status change makes 0 GETs (ScaledObject from the cache) and one write, the status patch")
    void kedaSteadyStateReconcileMakesNoGet() throws IOException {
        startWithKeda();
        assertThat(callsOfKedaDeploymentReady()).as("the reconcile's requests (watches excluded)").containsExactly("PATCH inferenceendpoints/status");

        int touched = cluster.requests().size();
        scaledObject().edit(so -> {
            so.getMetadata().setAnnotations(new java.util.HashMap<>(Objects.requireNonNullElse(so.getMetadata().getAnnotations(), Map.of())));
            so.getMetadata().getAnnotations().put("example.com/touched", "1");
            return so;
        });
        awaitQuiet();
        assertThat(operatorCallsSince(touched)).as("a ScaledObject touched without drift: no request").isEmpty();
    }

    @Test
    @DisplayName("KEDA installed: a ScaledObject edited by hand, then deleted by hand, is repaired by the reconcile its informer's event triggers")
    void kedaHandEditedOrDeletedScaledObjectIsRepaired() throws IOException {
        startWithKeda();
        int before = cluster.requests().size();
        scaledObject().edit(so -> {
            spec(so).put("maxReplicaCount", 9);
            return so;
        });
        await(scaledObject()::get, so -> Integer.valueOf(5).equals(spec(so).get("maxReplicaCount")));
        awaitQuiet();
        assertThat(operatorCallsSince(before)).as("one apply of the ScaledObject, then the check after the writes re-reads the other two")
                .containsExactly("PATCH scaledobjects", "GET deployments", "GET services");

        String uid = scaledObject().get().getMetadata().getUid();
        scaledObject().delete();
        var so = await(scaledObject()::get, x -> x != null && !uid.equals(x.getMetadata().getUid()));
        assertThat(so.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getName()).isEqualTo(KEDA));
        assertThat(spec(so).get("maxReplicaCount")).isEqualTo(5);
    }

    @Test
    @DisplayName("KEDA installed: a reconcile that starts before the ScaledObject's watch brings the previous write plans against that write: no second apply")
    void kedaStaleCacheAfterOwnWriteIsNotReapplied() throws IOException {
        startWithKeda();
        List<String> writes = writesOfChangeWithLaggingWatches(KEDA, () -> Integer.valueOf(7).equals(spec(scaledObject().get()).get("maxReplicaCount")));
        assertThat(writes).as("the change applied once: Deployment and ScaledObject, and the status once")
                .containsExactly("PATCH deployments", "PATCH scaledobjects", "PATCH inferenceendpoints/status");
    }

    @Test
    @DisplayName("KEDA not installed: the operator starts without a ScaledObject informer (one discovery GET, no list or watch), reconciles the hpa endpoint, and reads a keda endpoint's ScaledObject with a GET")
    void withoutKedaNoScaledObjectInformer() throws IOException {
        List<RecordedRequest> byOperator = cluster.requests().stream().filter(r -> AGENT.equals(r.getHeader("User-Agent"))).toList();
        assertThat(byOperator).filteredOn(InferenceEndpointOperatorTest::isDiscovery).extracting(RecordedRequest::getPath)
                .containsExactly("/apis/keda.sh/v1alpha1");
        assertThat(byOperator).extracting(RecordedRequest::getPath).noneMatch(p -> p.contains("/scaledobjects"));
        assertThat(client.resources(InferenceEndpointResource.class).inNamespace("test").withName(NAME).get().getStatus().state)
                .isNotIn("FAILED", "INVALID");
        assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("test").withName(NAME).get()).isNotNull();

        createKedaEndpoint();
        assertThat(callsOfKedaDeploymentReady()).as("no informer on ScaledObjects: one GET of it, then the status patch")
                .containsExactly("GET scaledobjects", "PATCH inferenceendpoints/status");
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
