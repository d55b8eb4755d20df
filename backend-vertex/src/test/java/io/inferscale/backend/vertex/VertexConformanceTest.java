package io.inferscale.backend.vertex;

import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.backend.vertex.fake.FakeVertexServer;
import io.inferscale.testkit.BackendConformanceKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;

import java.util.Map;

/** The conformance kit against the in-process Vertex fake, through the real generated GAX clients. */
@DisplayName("Vertex AI backend conformance (in-process gRPC fake)")
class VertexConformanceTest extends BackendConformanceKit {

    private static final FakeVertexServer FAKE = new FakeVertexServer();

    @AfterAll
    static void stopFake() {
        FAKE.close();
    }

    @Override
    protected Backend createBackend() {
        return new VertexBackendProvider().create(BackendConfig.of(Map.of("vertex.project", "conformance",
                "vertex.location", "europe-west4", "vertex.endpointOverride", "inprocess:" + FAKE.name(),
                "vertex.pollInterval", "10ms", "vertex.operationTimeout", "20s")));
    }

    @Override
    protected long writeCount() {
        return FAKE.writeCount();
    }
}
