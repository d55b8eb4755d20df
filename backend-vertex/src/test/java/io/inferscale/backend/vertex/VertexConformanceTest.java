package io.inferscale.backend.vertex;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ScaleToZero;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.Feature;
import io.inferscale.api.backend.Support;
import io.inferscale.backend.vertex.fake.FakeVertexServer;
import io.inferscale.testkit.BackendConformanceKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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

    /**
     * The kit's scale-to-zero case as this session plans it (gated on SCALE_TO_ZERO, added to the kit on another branch),
     * run here with the kit's own sample and {@code using(SCALE_TO_ZERO, ...)}: it must pass on Vertex's fake.
     */
    @Test
    @DisplayName("scale to zero: apply with scaleToZero {idleSeconds: 600}, status minReplicas 0, re-apply no-op, delete cleanly")
    void scaleToZeroCase() {
        assertThat(backend.capabilities().support(Feature.SCALE_TO_ZERO)).isNotEqualTo(Support.UNSUPPORTED);
        String name = newName();
        InferenceEndpoint e = using(Feature.SCALE_TO_ZERO, sample(name));
        assertThat(e.autoscaling().scaleToZero()).contains(new ScaleToZero(600));
        backend.apply(e);
        EndpointStatus status = backend.awaitReady(name, readyTimeout());
        assertThat(status.minReplicas()).isZero();
        assertThat(backend.status(name).minReplicas()).isZero();
        long writes = writeCount();
        assertThat(backend.plan(e).isEmpty()).isTrue();
        assertThat(backend.apply(e).changed()).isFalse();
        assertThat(writeCount()).isEqualTo(writes);
        assertThat(backend.delete(name)).isTrue();
        assertThat(backend.get(name)).isEmpty();
    }
}
