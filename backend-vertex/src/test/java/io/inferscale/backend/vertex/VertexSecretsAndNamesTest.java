package io.inferscale.backend.vertex;

import io.grpc.Status;
import io.inferscale.api.BackendException;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.backend.vertex.fake.FakeVertexServer;
import io.inferscale.backend.vertex.internal.VertexSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Issue 8, safety: names are checked before any RPC; configured credentials never leak. */
@DisplayName("Vertex names and secrets (issue 8)")
class VertexSecretsAndNamesTest {

    FakeVertexServer fake;

    @BeforeEach
    void start() {
        fake = new FakeVertexServer();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    VertexBackend backend(Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(Map.of("vertex.project", "safe-project",
                "vertex.endpointOverride", "inprocess:" + fake.name(), "vertex.pollInterval", "5ms"));
        config.putAll(extra);
        return (VertexBackend) new VertexBackendProvider().create(BackendConfig.of(config));
    }

    @Nested
    @DisplayName("names")
    class Names {
        @ParameterizedTest
        @ValueSource(strings = {"Bad_Name", "a/b", "../endpoints/other", "x\" OR labels.managed_by=\"inferscale", "", "-lead",
                "way-too-long-0123456789012345678901234567890123456789012345678901234567890"})
        @DisplayName("get, status, awaitReady and delete reject a name that is not a DNS-1123 label, with zero RPCs")
        void rejectedBeforeAnyCall(String name) {
            try (VertexBackend b = backend(Map.of())) {
                for (Throwable t : new Throwable[]{catchThrowable(() -> b.get(name)), catchThrowable(() -> b.status(name)),
                        catchThrowable(() -> b.awaitReady(name, Duration.ofSeconds(1))), catchThrowable(() -> b.delete(name))}) {
                    assertThat(t).isInstanceOf(InvalidEndpointException.class);
                    assertThat(t.getMessage()).contains("metadata.name");
                }
            }
            assertThat(fake.calls()).as("RPCs sent for a bad name").isEmpty();
        }
    }

    @Nested
    @DisplayName("credentials given through the configuration")
    class Credentials {
        static final String TOKEN = "ya29.CANARY-token-5f3c1e0b9d";

        /**
         * Everything logged while {@code r} runs: System.err (slf4j-simple) and every java.util.logging record (gRPC and GAX
         * log through JUL, whose console handler keeps the System.err it started with), message, parameters and thrown.
         */
        String stderrOf(ThrowingRunnable r) throws Exception {
            PrintStream old = System.err;
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            StringBuilder jul = new StringBuilder();
            java.util.logging.Handler handler = new java.util.logging.Handler() {
                @Override
                public synchronized void publish(java.util.logging.LogRecord record) {
                    jul.append(record.getLoggerName()).append(' ').append(record.getMessage())
                            .append(' ').append(java.util.Arrays.toString(record.getParameters())).append('\n');
                    if (record.getThrown() != null) {
                        jul.append(everything(record.getThrown()));
                    }
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            };
            handler.setLevel(java.util.logging.Level.ALL);
            java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
            root.addHandler(handler);
            System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
            try {
                r.run();
            } finally {
                System.setErr(old);
                root.removeHandler(handler);
            }
            synchronized (handler) {
                return buf.toString(StandardCharsets.UTF_8) + jul;
            }
        }

        interface ThrowingRunnable {
            void run() throws Exception;
        }

        static String everything(Throwable t) {
            StringWriter w = new StringWriter();
            t.printStackTrace(new PrintWriter(w));
            StringBuilder all = new StringBuilder(w.toString());
            for (Throwable c = t; c != null; c = c.getCause()) {
                all.append(c).append('\n');
            }
            return all.toString();
        }

        @Test
        @DisplayName("vertex.accessToken is sent as the bearer token, yet never appears in toString, errors (even echoed by the server), render or logs")
        void accessToken() throws Exception {
            Map<String, String> config = Map.of(VertexSettings.ACCESS_TOKEN, TOKEN);
            String log = stderrOf(() -> {
                try (VertexBackend b = backend(config)) {
                    assertThat(b.toString()).doesNotContain(TOKEN);
                    assertThat(BackendConfig.of(config).toString()).doesNotContain(TOKEN);
                    assertThat(VertexSettings.from(BackendConfig.of(config)).toString()).doesNotContain(TOKEN).contains("****");
                    assertThat(b.render(VertexBackendTest.sample()).text()).doesNotContain(TOKEN);
                    b.apply(VertexBackendTest.sample());
                    assertThat(fake.authorizations()).as("the token is used").contains("Bearer " + TOKEN);
                    for (Status s : new Status[]{Status.UNAUTHENTICATED.withDescription("Request had invalid authentication credentials."),
                            Status.PERMISSION_DENIED.withDescription("Permission 'aiplatform.endpoints.update' denied")}) {
                        fake.rejectAuthorization(s);
                        Throwable thrown = catchThrowable(() -> b.apply(VertexBackendTest.withPolicy(VertexBackendTest.sample(), p -> p.maxReplicas(7))));
                        assertThat(thrown).isInstanceOf(BackendException.class);
                        assertThat(thrown.getMessage()).contains(s.getDescription()).contains("credentials sent: Bearer ****");
                        assertThat(everything(thrown)).doesNotContain(TOKEN);
                        Throwable read = catchThrowable(() -> b.get("my-model-endpoint"));
                        assertThat(everything(read)).contains(s.getCode().name()).doesNotContain(TOKEN);
                        Throwable delete = catchThrowable(() -> b.delete("my-model-endpoint"));
                        assertThat(everything(delete)).contains("Re-running delete is safe").doesNotContain(TOKEN);
                        fake.rejectAuthorization(null);
                    }
                }
            });
            assertThat(log).doesNotContain(TOKEN);
        }

        @Test
        @DisplayName("vertex.credentialsFile: neither the path nor the file's content appears in toString, the configuration error or logs")
        void credentialsFile() throws Exception {
            String canary = "CANARY-key-8e7d6c5b4a";
            Path dir = Files.createDirectories(Paths.get("target", "canary-" + canary));
            Path file = dir.resolve("sa-" + canary + ".json");
            Files.writeString(file, "{\"type\": \"service_account\", \"client_email\": \"" + canary + "@p.iam.gserviceaccount.com\", "
                    + "\"private_key\": \"-----BEGIN PRIVATE KEY-----\\n" + canary + "\\n-----END PRIVATE KEY-----\\n\", "
                    + "\"private_key_id\": \"" + canary + "\", \"client_id\": \"1\"}");
            Map<String, String> config = Map.of(VertexSettings.CREDENTIALS_FILE, file.toString());
            String log = stderrOf(() -> {
                try (VertexBackend b = backend(config)) {
                    assertThat(b.toString()).doesNotContain(canary);
                    assertThat(BackendConfig.of(config).toString()).doesNotContain(canary);
                    assertThat(VertexSettings.from(BackendConfig.of(config)).toString()).doesNotContain(canary);
                    assertThat(b.render(VertexBackendTest.sample()).text()).doesNotContain(canary);
                    ConfigurationException e = catchThrowableOfType(ConfigurationException.class, () -> b.apply(VertexBackendTest.sample()));
                    assertThat(e).isNotNull();
                    assertThat(e.getMessage()).contains(VertexSettings.CREDENTIALS_FILE);
                    assertThat(everything(e)).doesNotContain(canary);
                }
            });
            assertThat(log).doesNotContain(canary);
            assertThat(fake.calls()).isEmpty();
        }

        @Test
        @DisplayName("both credential keys at once: a configuration error naming the keys, not the values")
        void both() {
            Throwable t = catchThrowable(() -> backend(Map.of(VertexSettings.ACCESS_TOKEN, TOKEN, VertexSettings.CREDENTIALS_FILE, "/x/" + TOKEN)));
            assertThat(t).isInstanceOf(ConfigurationException.class);
            assertThat(t.getMessage()).contains(VertexSettings.ACCESS_TOKEN).contains(VertexSettings.CREDENTIALS_FILE).doesNotContain(TOKEN);
        }
    }
}
