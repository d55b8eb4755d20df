package io.inferscale.backend.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.Backend;
import io.inferscale.backend.kubernetes.internal.ScaledObjects;
import io.inferscale.testkit.faults.Fault;
import io.inferscale.testkit.faults.FaultInjectionHarness;
import io.inferscale.testkit.faults.FaultMode;

import org.junit.jupiter.api.AfterAll;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;


/**
 * Issue 8's fault injection for the Kubernetes backend on {@link MockCluster}: every distinct request of a clean
 * create, update and delete fails in turn with 429, 503, a timeout, a dropped connection and a 409, once and
 * persistently (see {@link FaultInjectionHarness}). The backend's clients retry once after 10 ms and time a
 * request out after {@value #REQUEST_TIMEOUT_MILLIS} ms, so the whole run takes seconds. The outcome table is
 * {@code docs/reliability/kubernetes.md}.
 *
 * <p>The update changes the image (a Deployment update, so the replicas handover runs), {@code maxReplicas} and the CPU
 * target; the endpoint has {@code minReplicas: 2} so a lost handover (replicas reset to 1) changes the state.
 */
class KubernetesFaultInjectionTest extends FaultInjectionHarness {

    static final int REQUEST_TIMEOUT_MILLIS = 200;
    /** How long a "timeout" holds the response: well beyond the client's request timeout. */
    private static final Duration HELD = Duration.ofMillis(1000);

    private MockCluster cluster;
    private KubernetesClient observer;
    /** The backends' client: retries once after 10 ms, and a 10 s request timeout so a loaded machine never times out spuriously. */
    private KubernetesClient client;
    /** The client of a run with a timeout armed: its request timeout is {@value #REQUEST_TIMEOUT_MILLIS} ms. */
    private KubernetesClient shortTimeoutClient;
    private volatile Fault armed;
    /** Faults the interceptor has answered with since the last {@link #startFake}. */
    private final java.util.concurrent.atomic.AtomicLong injected = new java.util.concurrent.atomic.AtomicLong();

    @Override
    protected String backendId() {
        return KubernetesBackend.ID;
    }

    /** One server for all runs, emptied before each (starting a server and clients per run would dominate the run time). */
    @Override
    protected void startFake() {
        injected.set(0);
        if (cluster == null) {
            cluster = new MockCluster();
            observer = cluster.controllerClient();
            client = cluster.client("inferscale-test", b -> b.withRequestTimeout(10_000)
                    .withRequestRetryBackoffLimit(1).withRequestRetryBackoffInterval(10));
            shortTimeoutClient = cluster.client("inferscale-test", b -> b.withRequestTimeout(REQUEST_TIMEOUT_MILLIS)
                    .withRequestRetryBackoffLimit(1).withRequestRetryBackoffInterval(10));
        }
        cluster.reset();
    }

    @Override
    protected void stopFake() {
        cluster.reset();
    }

    @AfterAll
    void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * A new backend instance (as a new process would make) on a shared client; with a timeout armed, on the client whose
     * request timeout is short, so the held response times it out quickly.
     */
    @Override
    protected Backend newBackend() {
        return new KubernetesBackend(armed == Fault.TIMEOUT ? shortTimeoutClient : client, settings());
    }

    /** The backends' settings: the defaults; a subclass whose endpoint names a namespace sets {@code kubernetes.namespace} to it for delete. */
    protected KubernetesSettings settings() {
        return KubernetesSettings.defaults();
    }

    @Override
    protected List<String> calls() {
        return cluster.requests().stream().map(KubernetesCallCountTest::call).toList();
    }

    @Override
    protected void arm(String call, Fault fault, FaultMode mode) {
        armed = fault;
        AtomicBoolean fired = new AtomicBoolean();
        cluster.intercept((request, proceed) -> {
            if (!call.equals(KubernetesCallCountTest.call(request)) || (mode == FaultMode.ONCE && fired.getAndSet(true))) {
                return null;
            }
            injected.incrementAndGet();
            return switch (fault) {
                case THROTTLING -> status(429, "TooManyRequests", "Too many requests, please try again later.").setHeader("Retry-After", "0");
                case SERVER_ERROR -> status(503, "ServiceUnavailable", "the server is currently unable to handle the request");
                case TIMEOUT -> held(proceed.get());
                case DROPPED_CONNECTION -> MockCluster.droppedConnection();
                case CONFLICT -> status(409, "Conflict", "Operation cannot be fulfilled on \"my-model-endpoint\": the object has been"
                        + " modified; please apply your changes to the latest version and try again");
            };
        });
    }

    /** The response, held: the server only delays a non-empty body, so a bodiless one (a 404 on GET) gets its Status body. */
    private static MockResponse held(MockResponse response) {
        if (response.getBody() == null || response.getBody().size() == 0) {
            response.setBody(Serialization.asJson(new StatusBuilder().withKind("Status").withApiVersion("v1").withStatus("Failure")
                    .withCode(response.code()).withReason("NotFound").withMessage("not found").build()));
        }
        return response.setBodyDelay(HELD);
    }

    private static MockResponse status(int code, String reason, String message) {
        return new MockResponse().setResponseCode(code).setBody(Serialization.asJson(new StatusBuilder().withKind("Status").withApiVersion("v1")
                .withStatus("Failure").withCode(code).withReason(reason).withMessage(message).build()));
    }

    @Override
    protected long faultsInjected() {
        return injected.get();
    }

    @Override
    protected void disarm() {
        armed = null;
        cluster.clearFailures();
    }

    @Override
    protected String injectedAs(Fault fault) {
        return switch (fault) {
            case THROTTLING -> "HTTP 429 `TooManyRequests` Status, `Retry-After: 0` (fabric8 waits max(Retry-After, its backoff), then retries)";
            case SERVER_ERROR -> "HTTP 503 `ServiceUnavailable` Status, request not performed (fabric8 retries 5xx)";
            case TIMEOUT -> "request performed, response held " + HELD.toMillis() + " ms, beyond the client's " + REQUEST_TIMEOUT_MILLIS
                    + " ms request timeout; fabric8 does not retry a timeout, the backend repeats the request once";
            case DROPPED_CONNECTION -> "request not performed; the server sends a truncated response (head announces 1 MiB, 1 byte"
                    + " sent) and closes the connection; fabric8 does not retry it (the failure surfaces while reading the body), the"
                    + " backend repeats the request once";
            case CONFLICT -> "HTTP 409 `Conflict` Status (\"the object has been modified\"), request not performed (fabric8 does not retry 409)";
        };
    }

    /** Every Deployment, Service, HPA and KEDA ScaledObject in the cluster, sorted, without server-generated metadata and status. */
    @Override
    protected String state() {
        TreeMap<String, JsonNode> objects = new TreeMap<>();
        List<HasMetadata> all = new ArrayList<>();
        all.addAll(observer.apps().deployments().inAnyNamespace().list().getItems());
        all.addAll(observer.services().inAnyNamespace().list().getItems());
        all.addAll(observer.autoscaling().v2().horizontalPodAutoscalers().inAnyNamespace().list().getItems());
        all.addAll(ScaledObjects.api(observer).inAnyNamespace().list().getItems());
        for (HasMetadata o : all) {
            ObjectNode tree = observer.getKubernetesSerialization().convertValue(o, ObjectNode.class);
            tree.remove("status");
            ObjectNode metadata = (ObjectNode) tree.get("metadata");
            metadata.remove(List.of("resourceVersion", "uid", "creationTimestamp", "generation", "managedFields", "selfLink"));
            objects.put(o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName(), sorted(tree));
        }
        StringBuilder out = new StringBuilder();
        objects.forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
        return out.toString();
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            new TreeMap<String, JsonNode>() {
                {
                    node.properties().forEach(e -> put(e.getKey(), sorted(e.getValue())));
                }
            }.forEach(out::set);
            return out;
        }
        if (node.isArray()) {
            var out = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> out.add(sorted(n)));
            return out;
        }
        return node;
    }

    @Override
    protected InferenceEndpoint endpoint() {
        InferenceEndpoint seed;
        try {
            seed = KubernetesTranslatorTest.endpoint("inference_endpoint.yaml");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return seed.toBuilder().autoscaling(seed.autoscaling().toBuilder().minReplicas(2).build()).build();
    }

    @Override
    protected InferenceEndpoint updatedEndpoint() {
        InferenceEndpoint e = endpoint();
        return e.toBuilder().model(e.model().toBuilder().image("registry.example.com/my-ml-model:v2").build())
                .autoscaling(e.autoscaling().toBuilder().maxReplicas(8).target(io.inferscale.api.TargetType.CPU_UTILIZATION, 70).build()).build();
    }

    @Override
    protected long operationTimeoutSeconds() {
        return 20;
    }
}
