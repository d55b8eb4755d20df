package io.inferscale.backend.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.inferscale.testkit.FakeCloud;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fabric8's kubernetes-server-mock in CRUD mode on 127.0.0.1, with two additions the CRUD dispatcher lacks:
 * server-side apply ({@code PATCH application/apply-patch+yaml}) served as create-if-absent, else an RFC 7386
 * merge of the applied object into the stored one, with the API server's field ownership ({@link FieldOwnership}):
 * conflicts unless forced, a field the manager stops applying is removed (or reset to its default) unless another
 * manager owns it, a non-apply write makes the writer the owner of what it changed, and single-object GETs show
 * {@code metadata.managedFields}; and a log of every request, so tests can count writes. Requests from {@link #controllerClient()} (user agent
 * {@value #CONTROLLER_AGENT}, standing in for kube-controller-manager) are served but not logged.
 *
 * <p>Published in {@code inferscale-backend-kubernetes}'s test-jar (a {@link FakeCloud}), to test code that drives the
 * Kubernetes backend without a cluster:
 *
 * <pre>{@code
 * try (MockCluster cluster = new MockCluster()) {
 *     Backend backend = new KubernetesBackend(cluster.client(), KubernetesSettings.defaults());
 *     backend.apply(endpoint);
 *     assertThat(cluster.calls()).contains("PATCH deployments");
 * }
 * }</pre>
 *
 * Controllers are not running unless started ({@link #startDeploymentController()}, {@link #startHpaController()},
 * {@link #startGarbageCollector()}), so a Deployment reports no ready replicas until a test sets them. Clients are
 * bound to namespace {@code test}. Thread-safe.
 */
public final class MockCluster implements FakeCloud {

    /** Keeps the mock server's per-request JUL logging quiet (a strong reference, so the level sticks). */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    /** The user agent of {@link #controllerClient()}, whose requests are served but not logged. */
    public static final String CONTROLLER_AGENT = "fake-controller-manager";
    /** A request path's resource: {@code /apis/apps/v1/namespaces/test/deployments/x} is {@code deployments}. */
    private static final Pattern RESOURCE = Pattern.compile("/namespaces/[^/]+/([^/?]+)");
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
    /** Reads apply bodies (YAML or JSON) as trees; Jackson's own YAML mapper, as fabric8 deprecated its static one. */
    static final ObjectMapper YAML = new YAMLMapper();
    /** Reads response bodies as trees. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final KubernetesMockServer server;
    private final List<KubernetesClient> clients = new ArrayList<>();
    private final List<Failure> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final FieldOwnership ownership = new FieldOwnership();

    private record Failure(java.util.function.Predicate<RecordedRequest> matches, int code, String message) {
    }

    /** From now on, answers requests matching {@code matches} with HTTP {@code code} and a Status carrying {@code message}. */
    public void fail(java.util.function.Predicate<RecordedRequest> matches, int code, String message) {
        failures.add(new Failure(matches, code, message));
    }

    /** Stops answering with the failures set by {@link #fail} and removes the interceptors set by {@link #intercept}. */
    public void clearFailures() {
        failures.clear();
        interceptors.clear();
    }

    /**
     * Decides the answer to one logged request: {@code proceed} serves it as usual (so an interceptor can let the write
     * happen and still answer late or drop the connection); null lets the next interceptor, or the cluster, answer.
     */
    public interface Interceptor {
        /** The answer to {@code request}, or null to let the next interceptor (or the cluster) answer. */
        MockResponse intercept(RecordedRequest request, java.util.function.Supplier<MockResponse> proceed);
    }

    private final List<Interceptor> interceptors = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Adds an interceptor for logged requests (see {@link Interceptor}); {@link #clearFailures} removes it. */
    public void intercept(Interceptor interceptor) {
        interceptors.add(interceptor);
    }

    /**
     * A response that drops the connection: the head announces a body far longer than the one sent, and
     * {@code Connection: close} makes the server close the socket after the short body, so the client reads a
     * truncated response (an IOException, "connection closed"), as when a load balancer or the API server drops it.
     */
    public static MockResponse droppedConnection() {
        return new MockResponse().setResponseCode(200).setHeader("Content-Length", "1048576").setHeader("Connection", "close").setBody("{");
    }

    /** Starts an empty cluster on a free port of 127.0.0.1. */
    public MockCluster() {
        Dispatcher dispatcher = new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (!CONTROLLER_AGENT.equals(request.getHeader("User-Agent"))) {
                    // a copy: serving the request reads (consumes) its body buffer, the log keeps it readable
                    RecordedRequest copy = new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(),
                            request.getHeaders(), new Buffer(request.getBody() == null ? new byte[0] : request.getBody().getBytes()));
                    synchronized (requests) {
                        requests.add(copy);
                    }
                }
                for (Interceptor i : interceptors) {
                    MockResponse r = i.intercept(request, () -> serve(request));
                    if (r != null) {
                        return r;
                    }
                }
                for (Failure f : failures) {
                    if (f.matches().test(request)) {
                        return new MockResponse().setResponseCode(f.code()).setBody(Serialization.asJson(new io.fabric8.kubernetes.api.model.StatusBuilder()
                                .withKind("Status").withApiVersion("v1").withStatus("Failure").withCode(f.code()).withMessage(f.message()).build()));
                    }
                }
                return serve(request);
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        try {
            server.init(InetAddress.getByName("127.0.0.1"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private MockResponse serve(RecordedRequest request) {
        String contentType = request.getHeader("Content-Type");
        if ("PATCH".equals(request.getMethod()) && contentType != null && contentType.startsWith("application/apply-patch")) {
            return serverSideApply(request);
        }
        return trackingOwnership(request);
    }

    private MockResponse serverSideApply(RecordedRequest request) {
        String resourcePath = resourcePath(request);
        JsonNode body;
        try {
            body = YAML.readTree(request.getUtf8Body());
        } catch (IOException e) {
            return new MockResponse().setResponseCode(400).setBody("{\"kind\":\"Status\",\"message\":\"bad apply body\"}");
        }
        synchronized (ownership) {
            MockResponse existing = crud.handleGet(resourcePath);
            if (existing.code() == 404 && resourcePath.endsWith("/status")) {
                // like the API server: applying the status of a missing object is 404, never a create
                return existing;
            }
            JsonNode live = existing.code() == 404 ? null : json(existing);
            JsonNode result;
            if (resourcePath.endsWith("/status")) {
                result = mergePatch(live, body);
            } else {
                String manager = queryParameter(request, "fieldManager");
                Object applied = ownership.apply(resourcePath, live, body, manager == null ? "unknown" : manager,
                        "true".equals(queryParameter(request, "force")));
                if (applied instanceof FieldOwnership.Conflict conflict) {
                    return new MockResponse().setResponseCode(409).setBody(Serialization.asJson(new io.fabric8.kubernetes.api.model.StatusBuilder()
                            .withKind("Status").withApiVersion("v1").withStatus("Failure").withCode(409).withReason("Conflict")
                            .withMessage(conflict.message()).build()));
                }
                result = (JsonNode) applied;
            }
            if (live == null) {
                String collection = resourcePath.substring(0, resourcePath.lastIndexOf('/'));
                return crud.handleCreate(new RecordedRequest("HTTP/1.1", HttpMethod.POST, collection,
                        Headers.builder().add("Content-Type", "application/json").build(), new Buffer().writeUtf8(result.toString())));
            }
            return crud.handleUpdate(new RecordedRequest("HTTP/1.1", HttpMethod.PUT, resourcePath,
                    Headers.builder().add("Content-Type", "application/json").build(), new Buffer().writeUtf8(result.toString())));
        }
    }

    /**
     * Any other request, through the CRUD dispatcher: non-apply writes update the field ownership (the writer owns what
     * it changed), deletes forget it, and a GET of one object shows it as {@code metadata.managedFields}.
     */
    private MockResponse trackingOwnership(RecordedRequest request) {
        String path = resourcePath(request);
        String method = request.getMethod();
        if (path.endsWith("/status") || !Set.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)
                || (request.getPath().contains("watch=") && "GET".equals(method))) {
            return crud.dispatch(request);
        }
        String manager = queryParameter(request, "fieldManager") != null ? queryParameter(request, "fieldManager") : request.getHeader("User-Agent");
        synchronized (ownership) {
            if ("GET".equals(method)) {
                MockResponse response = crud.dispatch(request);
                if (response.code() == 200 && !ownership.tracks(path) && path.contains("/namespaces/")) {
                    return withManagedFieldsOfItems(path, response);
                }
                return response.code() == 200 && ownership.tracks(path) ? response.setBody(ownership.withManagedFields(path, json(response)).toString()) : response;
            }
            MockResponse before = "POST".equals(method) ? null : crud.handleGet(path);
            JsonNode old = before == null || before.code() != 200 ? null : json(before);
            MockResponse response = crud.dispatch(request);
            if (response.code() / 100 != 2) {
                return response;
            }
            if ("DELETE".equals(method)) {
                ownership.delete(path);
                return response;
            }
            JsonNode written = json(response);
            response.setBody(written.toString());
            String objectPath = "POST".equals(method) ? path + "/" + written.path("metadata").path("name").asText() : path;
            ownership.update(objectPath, old, written, manager);
            return response;
        }
    }

    /** A LIST's answer with each item's {@code metadata.managedFields}, as the API server lists them (under the ownership lock). */
    private MockResponse withManagedFieldsOfItems(String collection, MockResponse response) {
        JsonNode list = json(response);
        if (!(list.get("items") instanceof com.fasterxml.jackson.databind.node.ArrayNode items)) {
            return response.setBody(list.toString());
        }
        for (int i = 0; i < items.size(); i++) {
            String itemPath = collection + "/" + items.get(i).path("metadata").path("name").asText();
            if (ownership.tracks(itemPath)) {
                items.set(i, ownership.withManagedFields(itemPath, items.get(i)));
            }
        }
        return response.setBody(list.toString());
    }

    private static String resourcePath(RecordedRequest request) {
        String path = request.getPath();
        return path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    }

    private static String queryParameter(RecordedRequest request, String name) {
        String path = request.getPath();
        if (!path.contains("?")) {
            return null;
        }
        for (String pair : path.substring(path.indexOf('?') + 1).split("&")) {
            if (pair.startsWith(name + "=")) {
                return java.net.URLDecoder.decode(pair.substring(name.length() + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static JsonNode json(MockResponse response) {
        try {
            return JSON.readTree(response.getBody().readUtf8());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The managers that own field {@code pointer} (e.g. {@code /spec/replicas}) of the object at {@code path}. */
    public Set<String> ownersOf(String path, String pointer) {
        synchronized (ownership) {
            return ownership.ownersOf(path, pointer);
        }
    }

    /** RFC 7386 JSON merge patch: objects merge key by key, null removes, anything else (lists too) replaces. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        com.fasterxml.jackson.databind.node.ObjectNode out = target != null && target.isObject()
                ? ((com.fasterxml.jackson.databind.node.ObjectNode) target).deepCopy() : JsonNodeFactory.instance.objectNode();
        patch.properties().forEach(e -> {
            if (e.getValue().isNull()) {
                out.remove(e.getKey());
            } else {
                out.set(e.getKey(), mergePatch(out.get(e.getKey()), e.getValue()));
            }
        });
        return out;
    }

    /** A client for the code under test (logged requests, quick retries). */
    public KubernetesClient client() {
        return client("inferscale-test");
    }

    /** A client whose requests are not logged: it plays the cluster's controllers (Deployment controller, HPA). */
    public KubernetesClient controllerClient() {
        return client(CONTROLLER_AGENT);
    }

    /** A client whose requests are logged with {@code userAgent} (e.g. to tell the operator's requests from the test's). */
    public KubernetesClient client(String userAgent) {
        return client(userAgent, b -> b.withRequestRetryBackoffLimit(2).withRequestRetryBackoffInterval(10));
    }

    /** A client whose requests are logged with {@code userAgent}, configured further by {@code configure} (timeouts, retries). */
    public KubernetesClient client(String userAgent, java.util.function.Consumer<ConfigBuilder> configure) {
        Config base = server.createClient().getConfiguration();
        ConfigBuilder builder = new ConfigBuilder(base).withUserAgent(userAgent).withNamespace("test");
        configure.accept(builder);
        Config config = builder.build();
        KubernetesClient c = new KubernetesClientBuilder().withConfig(config).build();
        synchronized (clients) {
            clients.add(c);
        }
        return c;
    }

    /**
     * Starts a stand-in for the Deployment controller: whenever a Deployment's status does not match its spec, it
     * marks every desired replica updated, available and ready (as if pods started at once). Stop it with close().
     */
    public AutoCloseable startDeploymentController() {
        KubernetesClient c = controllerClient();
        var informer = c.apps().deployments().inAnyNamespace().inform(new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
            @Override
            public void onAdd(io.fabric8.kubernetes.api.model.apps.Deployment d) {
                reconcile(c, d);
            }

            @Override
            public void onUpdate(io.fabric8.kubernetes.api.model.apps.Deployment old, io.fabric8.kubernetes.api.model.apps.Deployment d) {
                reconcile(c, d);
            }

            @Override
            public void onDelete(io.fabric8.kubernetes.api.model.apps.Deployment d, boolean unknown) {
            }
        });
        return informer::close;
    }

    /**
     * Starts a stand-in for the HorizontalPodAutoscaler controller without metrics: it keeps the target Deployment's
     * replicas inside [minReplicas, maxReplicas] (through the Deployment, as the HPA does through the scale
     * subresource) and reports currentReplicas/desiredReplicas in the HPA's status.
     */
    public AutoCloseable startHpaController() {
        KubernetesClient c = controllerClient();
        var informer = c.autoscaling().v2().horizontalPodAutoscalers().inAnyNamespace().inform(
                new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
                    @Override
                    public void onAdd(io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler h) {
                        scale(c, h);
                    }

                    @Override
                    public void onUpdate(io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler old,
                                         io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler h) {
                        scale(c, h);
                    }

                    @Override
                    public void onDelete(io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler h, boolean unknown) {
                    }
                });
        return informer::close;
    }

    private static void scale(KubernetesClient c, io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler h) {
        String ns = h.getMetadata().getNamespace();
        var target = c.apps().deployments().inNamespace(ns).withName(h.getSpec().getScaleTargetRef().getName());
        var d = target.get();
        if (d == null) {
            return;
        }
        int current = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        int min = h.getSpec().getMinReplicas() == null ? 1 : h.getSpec().getMinReplicas();
        int desired = Math.max(min, Math.min(h.getSpec().getMaxReplicas(), current));
        var s = h.getStatus();
        if (s == null || !Integer.valueOf(desired).equals(s.getDesiredReplicas()) || !Integer.valueOf(current).equals(s.getCurrentReplicas())) {
            c.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).withName(h.getMetadata().getName()).editStatus(x ->
                    new io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder(x).withNewStatus()
                            .withCurrentReplicas(current).withDesiredReplicas(desired).endStatus().build());
        }
        if (desired != current) {
            target.edit(x -> new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder(x).editSpec().withReplicas(desired).endSpec().build());
        }
    }

    /**
     * Starts a stand-in for the garbage collector (the mock server has none): every 200 ms, a Deployment, Service or
     * HPA whose InferenceEndpoint owner (by uid) no longer exists is deleted.
     */
    public AutoCloseable startGarbageCollector() {
        KubernetesClient c = controllerClient();
        Runnable collect = () -> {
            List<io.fabric8.kubernetes.api.model.HasMetadata> children = new ArrayList<>();
            children.addAll(c.apps().deployments().inAnyNamespace().list().getItems());
            children.addAll(c.services().inAnyNamespace().list().getItems());
            children.addAll(c.autoscaling().v2().horizontalPodAutoscalers().inAnyNamespace().list().getItems());
            for (var child : children) {
                var refs = child.getMetadata().getOwnerReferences();
                if (refs == null) {
                    continue;
                }
                for (var ref : refs) {
                    if ("InferenceEndpoint".equals(ref.getKind())) {
                        InferenceEndpointResource owner = c.resources(InferenceEndpointResource.class)
                                .inNamespace(child.getMetadata().getNamespace()).withName(ref.getName()).get();
                        if (owner == null || !ref.getUid().equals(owner.getMetadata().getUid())) {
                            c.resource(child).delete();
                        }
                    }
                }
            }
        };
        var sweeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                collect.run();
            } catch (RuntimeException e) {
                // the next sweep retries (e.g. an object deleted between list and delete)
            }
        }, 0, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
        return sweeper::shutdownNow;
    }


    static void reconcile(KubernetesClient c, io.fabric8.kubernetes.api.model.apps.Deployment d) {
        int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        var s = d.getStatus();
        if (s != null && Integer.valueOf(replicas).equals(s.getReadyReplicas()) && Integer.valueOf(replicas).equals(s.getUpdatedReplicas())
                && Integer.valueOf(replicas).equals(s.getReplicas())) {
            return;
        }
        setDeploymentStatus(c, d.getMetadata().getNamespace(), d.getMetadata().getName(), replicas, replicas);
    }

    /** Sets a Deployment's status as the Deployment controller would: {@code ready} of {@code replicas} ready. */
    static void setDeploymentStatus(KubernetesClient c, String ns, String name, int replicas, int ready) {
        c.apps().deployments().inNamespace(ns).withName(name).editStatus(d -> new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder(d)
                .withNewStatus().withReplicas(replicas).withUpdatedReplicas(replicas).withReadyReplicas(ready).withAvailableReplicas(ready)
                .withObservedGeneration(d.getMetadata().getGeneration())
                .addNewCondition().withType("Available").withStatus(ready >= replicas ? "True" : "False")
                .withReason(ready >= replicas ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable").endCondition()
                .endStatus().build());
    }

    /**
     * Empties the cluster (every stored object and its field ownership), the request log, the failures and the
     * interceptors: a fresh cluster on the same server and clients (starting a server costs far more).
     */
    @Override
    public void reset() {
        clearFailures();
        synchronized (ownership) {
            crud.reset();
            ownership.clear();
        }
        synchronized (requests) {
            requests.clear();
        }
    }

    /** Every logged request so far. */
    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Every logged request so far by its {@link #call call name}, e.g. {@code "PATCH deployments"}. */
    @Override
    public List<String> calls() {
        return requests().stream().map(MockCluster::call).toList();
    }

    /** A request's call name: its method and resource, e.g. {@code "GET horizontalpodautoscalers"}. */
    public static String call(RecordedRequest r) {
        Matcher m = RESOURCE.matcher(r.getPath());
        return r.getMethod() + " " + (m.find() ? m.group(1) : r.getPath());
    }

    /** The cluster's master URL, e.g. {@code http://127.0.0.1:41234} (no trailing slash), for a kubeconfig or kubectl. */
    @Override
    public String endpoint() {
        String url;
        try (KubernetesClient c = server.createClient()) {
            url = c.getConfiguration().getMasterUrl();
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Logged POST, PUT, PATCH and DELETE requests so far. */
    @Override
    public long writeCount() {
        return requests().stream().filter(r -> WRITES.contains(r.getMethod())).count();
    }

    /** Logged write requests after the first {@code from} requests. */
    public List<RecordedRequest> writesSince(int from) {
        List<RecordedRequest> all = requests();
        return all.subList(from, all.size()).stream().filter(r -> WRITES.contains(r.getMethod())).toList();
    }

    @Override
    public void close() {
        synchronized (clients) {
            clients.forEach(KubernetesClient::close);
        }
        server.destroy();
    }
}
