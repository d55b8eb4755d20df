package io.inferscale.backend.vertex;

import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.BackendProvider;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.ConfigKey;
import io.inferscale.api.backend.OptionKey;
import io.inferscale.backend.vertex.internal.VertexSettings;

import java.util.List;

/**
 * The {@code vertex} backend: a Vertex AI Endpoint with one DeployedModel on dedicated resources, through
 * {@code google-cloud-aiplatform} (v1 API). Registered in
 * {@code META-INF/services/io.inferscale.api.backend.BackendProvider}; cheap to construct, clients are built on first use.
 */
public final class VertexBackendProvider implements BackendProvider {

    /** The backend id. */
    public static final String ID = VertexSettings.ID;
    /** What the Vertex backend honours (see {@link VertexSettings#CAPABILITIES}). */
    public static final Capabilities CAPABILITIES = VertexSettings.CAPABILITIES;
    /** Configuration keys (see {@link VertexSettings#CONFIG_KEYS}). */
    public static final List<ConfigKey> CONFIG_KEYS = VertexSettings.CONFIG_KEYS;
    /** Per-endpoint options under {@code spec.backends.vertex} (see {@link VertexSettings#OPTION_KEYS}). */
    public static final List<OptionKey> OPTION_KEYS = VertexSettings.OPTION_KEYS;

    /** A provider; cheap. */
    public VertexBackendProvider() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Google Vertex AI: Endpoint + DeployedModel on dedicated resources with autoscaling metric specs";
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public List<ConfigKey> configKeys() {
        return CONFIG_KEYS;
    }

    @Override
    public List<OptionKey> optionKeys() {
        return OPTION_KEYS;
    }

    /**
     * A Vertex backend. Reads the {@code vertex.*} keys; no network until first use.
     *
     * @throws io.inferscale.api.ConfigurationException on an unknown {@code vertex.*} key or a malformed value
     */
    @Override
    public Backend create(BackendConfig config) {
        config.requireKnownKeys("vertex.", CONFIG_KEYS);
        return new VertexBackend(config);
    }
}
