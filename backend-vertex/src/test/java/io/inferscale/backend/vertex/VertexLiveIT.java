package io.inferscale.backend.vertex;

import com.google.auth.oauth2.GoogleCredentials;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.testkit.BackendConformanceKit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The conformance kit against a real Vertex AI project ({@code mvn -B verify -Plive -pl backend-vertex}). Skips itself
 * unless {@code INFERSCALE_VERTEX_PROJECT} (or {@code -Dinferscale.vertex.project}) is set, Google application default
 * credentials are available and {@code INFERSCALE_VERTEX_LIVE_ARTIFACT_URI} names a gs:// model directory the serving
 * image can load ({@code INFERSCALE_VERTEX_LIVE_IMAGE}, default: Vertex's prebuilt scikit-learn CPU container).
 * Each deploy takes 10-30 minutes on Vertex, so the whole kit takes hours and costs n1-standard-2 node-hours.
 */
@DisplayName("Vertex AI backend conformance (live project)")
class VertexLiveIT extends BackendConformanceKit {

    static final String DEFAULT_IMAGE = "us-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-3:latest";

    @BeforeAll
    static void requireCredentials() {
        assumeTrue(setting("vertex.project").isPresent(), "INFERSCALE_VERTEX_PROJECT not set: live Vertex tests skipped");
        assumeTrue(setting("vertex.liveArtifactUri").isPresent(), "INFERSCALE_VERTEX_LIVE_ARTIFACT_URI not set: live Vertex tests skipped");
        boolean credentials;
        try {
            GoogleCredentials.getApplicationDefault();
            credentials = true;
        } catch (IOException e) {
            credentials = false;
        }
        assumeTrue(credentials, "no Google application default credentials: live Vertex tests skipped");
    }

    static Optional<String> setting(String key) {
        return BackendConfig.fromEnvironment().get(key);
    }

    @Override
    protected Backend createBackend() {
        return new VertexBackendProvider().create(BackendConfig.fromEnvironment());
    }

    @Override
    protected long writeCount() {
        return ((VertexBackend) backend).mutatingCalls();
    }

    @Override
    protected InferenceEndpoint.Builder customize(InferenceEndpoint.Builder builder) {
        InferenceEndpoint e = builder.build();
        return e.toBuilder().model(e.model().toBuilder().image(setting("vertex.liveImage").orElse(DEFAULT_IMAGE))
                .artifactUri(setting("vertex.liveArtifactUri").orElseThrow()).port(null).build());
    }

    @Override
    protected Duration readyTimeout() {
        return Duration.ofMinutes(45);
    }
}
