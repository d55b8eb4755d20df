package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.inferscale.api.BackendException;
import io.inferscale.api.BackendException.Reason;
import io.inferscale.api.InferenceEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;

import static io.inferscale.backend.kubernetes.KubernetesTranslatorTest.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** API failures become BackendExceptions with the right reason and the server's message (expectation-mode mock). */
class KubernetesApiErrorTest {

    private static final String DEPLOYMENT = "/apis/apps/v1/namespaces/test/deployments/my-model-endpoint";
    private static final String APPLY = DEPLOYMENT + "?fieldManager=inferscale&force=true";

    private KubernetesMockServer server;
    private KubernetesClient client;
    private KubernetesBackend backend;
    private InferenceEndpoint seed;

    @BeforeEach
    void start() throws IOException {
        server = new KubernetesMockServer(false);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        Config config = new ConfigBuilder(server.createClient().getConfiguration()).withNamespace("test")
                .withRequestRetryBackoffLimit(2).withRequestRetryBackoffInterval(5).build();
        client = new KubernetesClientBuilder().withConfig(config).build();
        backend = new KubernetesBackend(client, KubernetesSettings.defaults());
        seed = endpoint("inference_endpoint.yaml");
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    private static Status status(int code, String reason, String message) {
        return new StatusBuilder().withKind("Status").withApiVersion("v1").withStatus("Failure").withCode(code).withReason(reason)
                .withMessage(message).build();
    }

    /** The exception of an apply whose Deployment write the server answers with {@code status} every time. */
    private BackendException applyAnswered(Status status) {
        server.expect().patch().withPath(APPLY).andReturn(status.getCode(), status).always();
        return applyFails();
    }

    private BackendException applyFails() {
        try {
            backend.apply(seed);
        } catch (BackendException e) {
            return e;
        }
        throw new AssertionError("apply did not fail");
    }

    @Test
    @DisplayName("403 Forbidden -> PERMISSION_DENIED with the server's message")
    void forbidden() {
        String msg = "deployments.apps \"my-model-endpoint\" is forbidden: User \"ci\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"test\"";
        BackendException e = applyAnswered(status(403, "Forbidden", msg));
        assertThat(e.reason()).isEqualTo(Reason.PERMISSION_DENIED);
        assertThat(e.getMessage()).contains("HTTP 403").contains(msg).contains("Deployment test/my-model-endpoint");
        assertThat(e.getCause()).isNotNull();
    }

    @Test
    @DisplayName("403 exceeded quota -> QUOTA_EXCEEDED")
    void quota() {
        String msg = "deployments.apps \"my-model-endpoint\" is forbidden: exceeded quota: compute, requested: limits.cpu=1, used: limits.cpu=8, limited: limits.cpu=8";
        assertThat(applyAnswered(status(403, "Forbidden", msg)).reason()).isEqualTo(Reason.QUOTA_EXCEEDED);
    }

    @Test
    @DisplayName("404 on a read of a missing object is 'absent'; 404 on a write (namespace missing) -> NOT_FOUND")
    void notFound() {
        String msg = "namespaces \"test\" not found";
        BackendException e = applyAnswered(status(404, "NotFound", msg));
        assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND);
        assertThat(e.getMessage()).contains(msg);
    }

    @Test
    @DisplayName("409 Conflict -> CONFLICT")
    void conflict() {
        String msg = "Apply failed with 1 conflict: conflict with \"kubectl\": .spec.template.spec.containers[name=\"model\"].image";
        BackendException e = applyAnswered(status(409, "Conflict", msg));
        assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
        assertThat(e.getMessage()).contains(msg);
    }

    @Test
    @DisplayName("422 Invalid -> INVALID_REQUEST naming the server's field causes")
    void invalid() {
        Status s = new StatusBuilder(status(422, "Invalid", "Deployment.apps \"my-model-endpoint\" is invalid"))
                .withNewDetails().withName("my-model-endpoint").withKind("Deployment")
                .addNewCause().withField("spec.template.spec.containers[0].image").withReason("FieldValueRequired").withMessage("Required value").endCause()
                .endDetails().build();
        BackendException e = applyAnswered(s);
        assertThat(e.reason()).isEqualTo(Reason.INVALID_REQUEST);
        assertThat(e.getMessage()).contains("is invalid").contains("spec.template.spec.containers[0].image: Required value");
    }

    @Test
    @DisplayName("429 Too Many Requests is retried with backoff, then THROTTLED")
    void throttled() {
        BackendException e = applyAnswered(status(429, "TooManyRequests", "too many requests, please try again later"));
        assertThat(e.reason()).isEqualTo(Reason.THROTTLED);
        assertThat(e.isRetryable()).isTrue();
        assertThat(server.getRequestCount()).as("3 GETs + 1 PATCH + 2 retries").isEqualTo(6);
    }

    @Test
    @DisplayName("5xx is retried with backoff, then UNAVAILABLE")
    void unavailable() {
        server.expect().get().withPath(DEPLOYMENT).andReturn(503, status(503, "ServiceUnavailable", "etcdserver: leader changed")).always();
        assertThatThrownBy(() -> backend.plan(seed)).isInstanceOfSatisfying(BackendException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
            assertThat(e.getMessage()).contains("etcdserver: leader changed");
        });
        assertThat(server.getRequestCount()).as("1 GET + 2 retries").isEqualTo(3);
    }

    @Test
    @DisplayName("a transient 500 followed by success is invisible to the caller")
    void transientRetried() {
        server.expect().get().withPath(DEPLOYMENT).andReturn(500, status(500, "InternalError", "internal error")).once();
        assertThat(backend.plan(seed).changes()).hasSize(3);
    }

    @Test
    @DisplayName("401 Unauthorized -> CONFIGURATION")
    void unauthorized() {
        server.expect().get().withPath(DEPLOYMENT).andReturn(401, status(401, "Unauthorized", "Unauthorized")).always();
        assertThatThrownBy(() -> backend.plan(seed)).isInstanceOfSatisfying(BackendException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION));
    }

    @Test
    @DisplayName("an API server nobody listens on: UNAVAILABLE naming the server and 'Connection refused', each request tried once by us")
    void unreachableServerNamesTheServerAndTheCause() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort(); // closed again: connections to it are refused
        }
        java.util.List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        String url = "http://127.0.0.1:" + port + "/";
        Config config = new ConfigBuilder().withMasterUrl(url).withNamespace("test")
                .withRequestRetryBackoffLimit(2).withRequestRetryBackoffInterval(5).build();
        try (KubernetesClient down = new KubernetesClientBuilder().withConfig(config)
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("progress",
                        new io.inferscale.backend.kubernetes.internal.ConnectionProgress(url, 2, progress::add))).build()) {
            KubernetesBackend b = new KubernetesBackend(down, KubernetesSettings.defaults());
            assertThatThrownBy(b::list).isInstanceOfSatisfying(BackendException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
                assertThat(e.getMessage()).contains("list endpoints in namespace test: cannot reach the Kubernetes API server at http://127.0.0.1:"
                        + port + "/: Connection refused").contains("; check the kubeconfig's server and context (kubernetes.context)");
            });
        }
        // fabric8 reports the failure before each of its 2 retries, and each is said while it happens; a repeat of the
        // request by the backend (which a refused connection must not get: nothing was sent) would add another 2
        assertThat(progress).hasSize(2);
        assertThat(progress.get(0)).startsWith("kubernetes: cannot reach the API server at " + url + " (Connection refused").endsWith("); retry 1 of 2");
        assertThat(progress.get(1)).endsWith("); retry 2 of 2");
    }
}
