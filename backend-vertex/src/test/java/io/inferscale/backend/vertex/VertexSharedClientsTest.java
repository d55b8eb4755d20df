package io.inferscale.backend.vertex;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.backend.vertex.fake.FakeVertexServer;
import io.inferscale.backend.vertex.internal.VertexClients;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, shared clients: one backend instance builds one {@link VertexClients} (one ClientContext: one channel, one
 * executor) and uses it for every endpoint, service and thread.
 */
@DisplayName("Vertex clients are shared (issue 9)")
class VertexSharedClientsTest {

    static InferenceEndpoint named(String name) {
        try {
            return VertexBackendTest.sample().toBuilder().name(name).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 8 threads, each applying, reading, listing and deleting its own endpoint through {@code backend}. */
    static void workload(VertexBackend backend) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String name = "shared-" + i;
                futures.add(pool.submit(() -> {
                    backend.apply(named(name));
                    assertThat(backend.get(name)).isPresent();
                    assertThat(backend.list()).isNotEmpty();
                    assertThat(backend.delete(name)).isTrue();
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("over TCP: one backend, 8 threads, 8 endpoints, both services and operations: one connection to the server")
    void oneConnection() throws Exception {
        try (FakeVertexServer tcp = new FakeVertexServer(true).deployDelay(java.time.Duration.ofMillis(10)).operationDelay(java.time.Duration.ofMillis(2))) {
            VertexBackend backend = (VertexBackend) new VertexBackendProvider().create(BackendConfig.of(Map.of(
                    "vertex.project", "shared", "vertex.endpointOverride", tcp.loopbackAddress(), "vertex.plaintext", "true",
                    "vertex.pollInterval", "5ms")));
            try {
                int before = VertexClients.created();
                workload(backend);
                assertThat(VertexClients.created() - before).as("client sets built by one backend").isEqualTo(1);
                assertThat(tcp.calls()).contains("UploadModel", "GetModel", "ListModels", "DeployModel", "GetOperation", "ListEndpoints");
                assertThat(tcp.connections()).as("TCP connections from one backend").isEqualTo(1);
            } finally {
                backend.close();
            }
        }
    }

    @Test
    @DisplayName("in process: one backend builds one client set, whatever the number of endpoints and threads")
    void oneClientSet() throws Exception {
        try (FakeVertexServer fake = new FakeVertexServer().deployDelay(java.time.Duration.ofMillis(10)).operationDelay(java.time.Duration.ofMillis(2))) {
            VertexBackend backend = (VertexBackend) new VertexBackendProvider().create(BackendConfig.of(Map.of(
                    "vertex.project", "shared", "vertex.endpointOverride", "inprocess:" + fake.name(), "vertex.pollInterval", "5ms")));
            try {
                int before = VertexClients.created();
                workload(backend);
                assertThat(VertexClients.created() - before).isEqualTo(1);
            } finally {
                backend.close();
            }
        }
    }
}
