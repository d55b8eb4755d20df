package io.inferscale.backend.vertex;

import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.BackendProvider;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.ConfigKey;
import io.inferscale.api.backend.Feature;
import io.inferscale.api.backend.OptionKey;

import java.util.List;

/**
 * The {@code vertex} backend: a Vertex AI Endpoint with one DeployedModel on dedicated resources, through
 * {@code google-cloud-aiplatform} (v1 API). Registered in
 * {@code META-INF/services/io.inferscale.api.backend.BackendProvider}; cheap to construct, clients are built on first use.
 */
public final class VertexBackendProvider implements BackendProvider {

    /** The backend id. */
    public static final String ID = "vertex";

    static final String NO_OTHER_METRICS = "Vertex AI autoscales only on CPU utilization, accelerator duty cycle and request count";

    /** What the Vertex backend honours. */
    public static final Capabilities CAPABILITIES = Capabilities.builder()
            .supports(Feature.CPU_UTILIZATION_TARGET, VertexTranslator.CPU_METRIC + ", target = round(percent × requests.cpu / machine vCPUs): the same cores, as % of the machine")
            .supports(Feature.ACCELERATOR_UTILIZATION_TARGET, VertexTranslator.ACCELERATOR_METRIC)
            .supports(Feature.REQUESTS_PER_SECOND_TARGET, VertexTranslator.REQUEST_COUNT_METRIC + " (per minute per replica: rps x 60)")
            .rejects(Feature.MEMORY_UTILIZATION_TARGET, NO_OTHER_METRICS)
            .rejects(Feature.CONCURRENT_REQUESTS_TARGET, NO_OTHER_METRICS)
            .supports(Feature.MULTIPLE_TARGETS, "one autoscalingMetricSpec per target; Vertex scales up when any is above its target "
                    + "and down when all are below")
            .approximates(Feature.SCALE_UP_STABILIZATION, "Vertex scales up on its fixed 15 s cycle without a window (0 s)")
            .approximates(Feature.SCALE_DOWN_STABILIZATION, "Vertex uses a fixed window: the highest recommendation of the last "
                    + "5 minutes (300 s)")
            .rejects(Feature.SCALE_UP_RATE_POLICIES, "Vertex AI has no scaling rate limits; remove behavior.scaleUp.policies")
            .rejects(Feature.SCALE_DOWN_RATE_POLICIES, "Vertex AI has no scaling rate limits; remove behavior.scaleDown.policies")
            .rejects(Feature.SCALE_UP_DISABLED, "Vertex AI cannot switch off scaling up; set minReplicas equal to maxReplicas "
                    + "for a fixed size")
            .rejects(Feature.SCALE_DOWN_DISABLED, "Vertex AI cannot switch off scaling down; set minReplicas equal to maxReplicas "
                    + "for a fixed size")
            .rejects(Feature.SCALE_TO_ZERO, "the Vertex AI v1 API requires dedicatedResources.minReplicaCount >= 1 (scale to zero "
                    + "is a v1beta1 Preview, ScaleToZeroSpec, which this backend does not use); set minReplicas to 1")
            .supports(Feature.ACCELERATORS, "nvidia-t4, nvidia-l4, nvidia-a100 and nvidia-h100; nvidia-a10g has no Vertex equivalent")
            .build();

    /** Configuration keys. */
    public static final List<ConfigKey> CONFIG_KEYS = List.of(
            ConfigKey.of("vertex.project", "", "Google Cloud project id (required for everything but render)"),
            ConfigKey.of("vertex.location", "us-central1", "Vertex AI region; the API endpoint is <location>-aiplatform.googleapis.com:443"),
            ConfigKey.of("vertex.endpointOverride", "", "API endpoint host:port instead of the regional one; inprocess:NAME "
                    + "connects to an in-process gRPC server (tests)"),
            ConfigKey.of("vertex.plaintext", "false", "true: no TLS and no credentials (local emulators only)"),
            ConfigKey.of("vertex.operationTimeout", "45m", "longest wait for one long-running operation (deploys take 10-30 minutes)"),
            ConfigKey.of("vertex.pollInterval", "10s", "first delay between polls of a long-running operation and of awaitReady; "
                    + "grows 1.5x up to 1 minute"),
            ConfigKey.of("vertex.requestTimeout", "60s", "timeout of one attempt of a unary call (GAX per-RPC timeout); a read "
                    + "retried by GAX has vertex.maxAttempts of them"),
            ConfigKey.of("vertex.maxAttempts", "3", "attempts of read calls (Get/List/GetOperation/ListOperations) on UNAVAILABLE "
                    + "or DEADLINE_EXCEEDED, by GAX; also the rounds apply and delete make after a write with an unknown outcome"),
            ConfigKey.secret(io.inferscale.backend.vertex.internal.VertexSettings.CREDENTIALS_FILE, "path of a Google service-account "
                    + "JSON key file to authenticate with; default: Google application default credentials. Never printed"),
            ConfigKey.secret(io.inferscale.backend.vertex.internal.VertexSettings.ACCESS_TOKEN, "an OAuth2 access token to "
                    + "authenticate with (it expires; for short jobs); default: application default credentials. Never printed"));

    /** Per-endpoint options under {@code spec.backends.vertex}. */
    public static final List<OptionKey> OPTION_KEYS = List.of(
            new OptionKey(VertexTranslator.OPTION_MACHINE_TYPE, "machine type of each replica, e.g. n1-standard-4; default: "
                    + "the smallest machine of the catalogue that holds the requests/limits and accelerators"),
            new OptionKey(VertexTranslator.OPTION_MODEL, "existing model to deploy instead of uploading one, "
                    + "projects/{project}/locations/{location}/models/{model}[@{version}]; InferScale never deletes it"),
            new OptionKey(VertexTranslator.OPTION_ALLOW_EXTERNAL_REGISTRY, "true accepts a Docker Hub serving image (Vertex AI pulls from "
                    + "Artifact Registry or Container Registry); default false: such an image is an error"));

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
