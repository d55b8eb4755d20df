package io.inferscale.examples;

import io.inferscale.backend.inmemory.InMemoryBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The platform-service example under hostile requests: the api module's hostile corpus
 * ({@code api/src/test/resources/hostile}, read in place) as request bodies, bad names in the path, and
 * secret canaries; over loopback HTTP on the in-memory backend.
 */
@DisplayName("PlatformService example: hostile bodies and names are 400s naming the field or line, before any write; no secret echoed")
class PlatformServiceHostileInputTest {

    static final Path CORPUS = Path.of(System.getProperty("basedir", "."), "..", "api", "src", "test", "resources", "hostile").normalize();
    static final String CANARY = "c4n4ry-7f3e9b21";

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

    /** The corpus rows checked by the neutral rules (the in-memory backend adds none): file, where, phrase. */
    static List<String[]> neutralCorpus() {
        try {
            List<String[]> out = new ArrayList<>();
            for (String line : Files.readAllLines(CORPUS.resolve("expectations.tsv"))) {
                String[] f = line.split("\t", -1);
                if (!line.startsWith("#") && f.length == 4 && f[1].equals("-")) {
                    out.add(f);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> send(String method, String path, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(service.uri() + path)).timeout(Duration.ofSeconds(30));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("neutralCorpus")
    @DisplayName("POST of each corpus document: 400 with the problem's path or line, nothing applied")
    void hostileBodies(String file, String backendId, String where, String phrase) throws Exception {
        HttpResponse<String> r = send("POST", "/endpoints", Files.readAllBytes(CORPUS.resolve(file)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        if (where.startsWith("line ")) {
            assertThat(r.body()).contains("\"line\": " + where.substring(5) + ",");
        } else {
            assertThat(r.body()).contains("\"path\": \"" + where);
        }
        assertThat(r.body()).doesNotContain("Exception", "\tat ");
        assertThat(backend.operations()).isEmpty();
    }

    @Test
    @DisplayName("a 50 MB body is 413, nothing applied")
    void hugeBody() throws Exception {
        byte[] body = new byte[50 * 1024 * 1024];
        java.util.Arrays.fill(body, (byte) '#');
        HttpResponse<String> r = send("POST", "/endpoints", body);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(backend.operations()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Bad_Name", "a%2Cb", "..", "x%20y", "UPPER"})
    @DisplayName("GET and DELETE of a name that is not a DNS-1123 label: 400 naming metadata.name, not a lookup or a 500")
    void badNames(String name) throws Exception {
        for (String method : List.of("GET", "DELETE")) {
            HttpResponse<String> r = send(method, "/endpoints/" + name, null);
            assertThat(r.statusCode()).as(method + " " + name + ": " + r.body()).isEqualTo(400);
            assertThat(r.body()).contains("metadata.name");
        }
        assertThat(backend.operations()).isEmpty();
    }

    @Test
    @DisplayName("environment values and URI credentials are not echoed by POST, GET or the list")
    void noSecretsEchoed() throws Exception {
        String doc = QuickStart.text("inference_endpoint.yaml").replace("    version: v1\n", "    version: v1\n"
                + "    artifactUri: https://bob:" + CANARY + "@models.example.com/m.tar.gz?sig=" + CANARY + "\n"
                + "    env:\n      DB_PASSWORD: " + CANARY + "\n");
        HttpResponse<String> created = send("POST", "/endpoints", doc.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        HttpResponse<String> changed = send("POST", "/endpoints", doc.replace(CANARY, CANARY + "-2").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(changed.statusCode()).isEqualTo(200);
        for (HttpResponse<String> r : List.of(created, changed, send("GET", "/endpoints", null), send("GET", "/endpoints/my-model-endpoint", null))) {
            assertThat(r.body()).doesNotContain(CANARY);
        }
    }
}
