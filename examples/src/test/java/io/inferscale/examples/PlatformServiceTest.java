package io.inferscale.examples;

import io.inferscale.backend.inmemory.InMemoryBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** End to end over loopback HTTP on the in-memory backend. */
class PlatformServiceTest {

    private final InMemoryBackend backend = InMemoryBackend.create();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private PlatformService service;

    @BeforeEach
    void start() throws Exception {
        service = PlatformService.start(backend, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private HttpResponse<String> send(String method, String path, String body, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(service.uri() + path)).timeout(Duration.ofSeconds(10));
        if (body != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void createsListsGetsAndDeletesAnEndpoint() throws Exception {
        String seed = QuickStart.text("inference_endpoint.yaml");
        HttpResponse<String> created = send("POST", "/endpoints", seed, "application/yaml");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(created.body()).contains("\"name\": \"my-model-endpoint\"").contains("\"state\": \"READY\"")
                .contains("+ InferenceEndpoint my-model-endpoint");

        HttpResponse<String> again = send("POST", "/endpoints", seed, "application/yaml");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("\"changes\": []");

        HttpResponse<String> list = send("GET", "/endpoints", null, null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("\"items\": [").contains("\"target\": \"60%\"");

        HttpResponse<String> one = send("GET", "/endpoints/my-model-endpoint", null, null);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.body()).contains("\"readyReplicas\": 1");

        assertThat(send("DELETE", "/endpoints/my-model-endpoint", null, null).statusCode()).isEqualTo(204);
        assertThat(send("GET", "/endpoints/my-model-endpoint", null, null).statusCode()).isEqualTo(404);
        assertThat(send("DELETE", "/endpoints/my-model-endpoint", null, null).statusCode()).isEqualTo(404);
        assertThat(backend.endpoint("my-model-endpoint")).isEmpty();
    }

    @Test
    void acceptsJson() throws Exception {
        HttpResponse<String> r = send("POST", "/endpoints", """
                {"apiVersion": "mlops.example.com/v1", "kind": "InferenceEndpoint", "metadata": {"name": "from-json"},
                 "spec": {"model": {"name": "m", "version": "v2"},
                          "autoscaling": {"minReplicas": 1, "maxReplicas": 4, "targetRequestsPerSecondPerReplica": 30}}}
                """, "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(backend.endpoint("from-json")).isPresent();
    }

    @Test
    void anInvalidBodyGets400WithEveryProblem() throws Exception {
        String bad = QuickStart.text("inference_endpoint.yaml").replace("maxReplicas: 5", "maxReplica: 5");
        HttpResponse<String> r = send("POST", "/endpoints", bad, "application/yaml");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"severity\": \"error\"").contains("\"path\": \"spec.autoscaling.maxReplica\"")
                .contains("maxReplicas").contains("\"line\": 11");
        assertThat(backend.operations()).isEmpty();
    }

    @Test
    void aSemanticallyInvalidEndpointGets400() throws Exception {
        String bad = QuickStart.text("inference_endpoint.yaml").replace("minReplicas: 1", "minReplicas: 9");
        HttpResponse<String> r = send("POST", "/endpoints", bad, "application/yaml");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("is invalid on backend 'in-memory'").contains("\"path\": \"spec.autoscaling.maxReplicas\"");
        assertThat(backend.operations()).isEmpty();
    }

    @Test
    void wrongMethodsAndPaths() throws Exception {
        HttpResponse<String> put = send("PUT", "/endpoints", "x", "text/plain");
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).hasValue("GET, POST");
        assertThat(send("GET", "/endpoints/a/b", null, null).statusCode()).isEqualTo(404);
    }
}
