package io.inferscale.backend.vertex.internal;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.Secrets;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.ConfigKey;
import io.inferscale.api.backend.Feature;
import io.inferscale.api.backend.OptionKey;
import io.inferscale.backend.vertex.VertexTranslator;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code vertex.*} configuration, read once, and what the backend declares: its id, {@link #CAPABILITIES},
 * {@link #CONFIG_KEYS} and {@link #OPTION_KEYS}. {@link #toString()} never shows the credentials.
 *
 * @param project          project id, empty when not configured (render only)
 * @param location         region, e.g. us-central1
 * @param endpoint         API endpoint host:port, or inprocess:NAME
 * @param plaintext        no TLS, no credentials
 * @param operationTimeout longest wait for one long-running operation
 * @param pollInterval     longest first delay between polls (GAX jitters)
 * @param requestTimeout   total timeout of one unary call, retries included
 * @param maxAttempts      attempts of read calls (Get/List) and of each GetOperation poll
 * @param credentialsFile  path of a service-account or authorized-user JSON file ({@code vertex.credentialsFile}); secret
 * @param accessToken      an OAuth2 access token ({@code vertex.accessToken}); secret
 */
public record VertexSettings(Optional<String> project, String location, String endpoint, boolean plaintext,
                             Duration operationTimeout, Duration pollInterval, Duration requestTimeout, int maxAttempts,
                             Optional<String> credentialsFile, Optional<String> accessToken) {

    /** The credentials file key. */
    public static final String CREDENTIALS_FILE = "vertex.credentialsFile";
    /** The access token key. */
    public static final String ACCESS_TOKEN = "vertex.accessToken";

    /** The backend id. */
    public static final String ID = "vertex";

    private static final String NO_OTHER_METRICS = "Vertex AI autoscales only on CPU utilization, accelerator duty cycle and request count";

    /** What the Vertex backend honours. */
    public static final Capabilities CAPABILITIES = Capabilities.builder()
            .supports(Feature.CPU_UTILIZATION_TARGET, VertexTranslator.CPU_METRIC + ", target = round(percent × requests.cpu / machine vCPUs): the same cores, as % of the machine")
            .supports(Feature.ACCELERATOR_UTILIZATION_TARGET, VertexTranslator.ACCELERATOR_METRIC)
            .supports(Feature.REQUESTS_PER_SECOND_TARGET, VertexTranslator.REQUEST_COUNT_METRIC + " (per minute per replica: rps x 60)")
            .rejects(Feature.MEMORY_UTILIZATION_TARGET, NO_OTHER_METRICS)
            .rejects(Feature.CONCURRENT_REQUESTS_TARGET, NO_OTHER_METRICS)
            .supports(Feature.QUEUE_DEPTH_TARGET, VertexTranslator.QUEUE_DEPTH_METRIC + " (Preview; vLLM's requests waiting per replica, "
                    + "whole numbers)")
            .rejects(Feature.TOKENS_PER_SECOND_TARGET, "Vertex AI autoscales on CPU utilization, accelerator duty cycle, request count "
                    + "and vLLM's requests waiting (v1 AutoscalingMetricSpec.metric_name), not on a token rate")
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
            .supports(Feature.SCALE_TO_ZERO, ScaleToZeroSelection.AT_ZERO)
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
            ConfigKey.of("vertex.pollInterval", "10s", "longest first delay between GAX's polls of a long-running operation (each "
                    + "delay is random, growing 1.5x up to 1 minute), and between awaitReady's reads when no operation runs"),
            ConfigKey.of("vertex.requestTimeout", "60s", "timeout of one attempt of a unary call (GAX per-RPC timeout); a read "
                    + "retried by GAX has vertex.maxAttempts of them"),
            ConfigKey.of("vertex.maxAttempts", "3", "attempts of read calls (Get/List/ListOperations) on UNAVAILABLE or "
                    + "DEADLINE_EXCEEDED and of each GetOperation poll (also on RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNKNOWN, "
                    + "CANCELLED), by GAX; also the rounds apply and delete make after a write with an unknown outcome"),
            ConfigKey.secret(CREDENTIALS_FILE, "path of a Google service-account "
                    + "JSON key file to authenticate with; default: Google application default credentials. Never printed"),
            ConfigKey.secret(ACCESS_TOKEN, "an OAuth2 access token to "
                    + "authenticate with (it expires; for short jobs); default: application default credentials. Never printed"));

    /** Per-endpoint options under {@code spec.backends.vertex}. */
    public static final List<OptionKey> OPTION_KEYS = List.of(
            new OptionKey(VertexTranslator.OPTION_MACHINE_TYPE, "machine type of each replica, e.g. n1-standard-4; default: "
                    + "the smallest machine of the catalogue that holds the requests/limits and accelerators"),
            new OptionKey(VertexTranslator.OPTION_MODEL, "existing model to deploy instead of uploading one, "
                    + "projects/{project}/locations/{location}/models/{model}[@{version}]; InferScale never deletes it"),
            new OptionKey(VertexTranslator.OPTION_ALLOW_EXTERNAL_REGISTRY, "true accepts a Docker Hub serving image (Vertex AI pulls from "
                    + "Artifact Registry or Container Registry); default false: such an image is an error"),
            new OptionKey(ScaleToZeroSelection.OPTION_INITIAL_REPLICA_COUNT, "with scaleToZero: replicas Vertex starts on deploy and on "
                    + "each scale-up from zero (v1beta1 initial_replica_count, 1..maxReplicas); default 1, InferScale's assumption"),
            new OptionKey(ScaleToZeroSelection.OPTION_MIN_SCALEUP_SECONDS, "with scaleToZero: seconds a scaled-up deployment stays up "
                    + "before traffic is evaluated for scale-down (v1beta1 min_scaleup_period, 300..28800); default unset: Vertex's 3600"));

    /** Reads and checks the keys. */
    public static VertexSettings from(BackendConfig c) {
        String location = c.get("vertex.location", "us-central1");
        if (!location.matches("[a-z]+-[a-z]+[0-9]+")) {
            // 'global' too: endpoints with dedicated resources are regional, and <location>-aiplatform.googleapis.com
            // would name a host that does not exist
            throw new ConfigurationException("configuration 'vertex.location' must be a Google Cloud region such as us-central1"
                    + " (Vertex AI endpoints are regional), got '" + location + "'");
        }
        int attempts = c.getInt("vertex.maxAttempts", 3);
        if (attempts < 1) {
            throw new ConfigurationException("configuration 'vertex.maxAttempts' must be at least 1, got " + attempts);
        }
        Optional<String> file = c.get(CREDENTIALS_FILE).filter(s -> !s.isBlank());
        Optional<String> token = c.get(ACCESS_TOKEN).filter(s -> !s.isBlank());
        if (file.isPresent() && token.isPresent()) {
            throw new ConfigurationException("configuration '" + CREDENTIALS_FILE + "' and '" + ACCESS_TOKEN
                    + "' are both set; set one of them (or neither, for Google application default credentials)");
        }
        return new VertexSettings(project(c), location,
                c.get("vertex.endpointOverride", location + "-aiplatform.googleapis.com:443"),
                c.getBoolean("vertex.plaintext", false),
                positive(c, "vertex.operationTimeout", Duration.ofMinutes(45)),
                positive(c, "vertex.pollInterval", Duration.ofSeconds(10)),
                positive(c, "vertex.requestTimeout", Duration.ofSeconds(60)), attempts, file, token);
    }

    /**
     * The project: {@code vertex.project} (flag, property or {@code INFERSCALE_VERTEX_PROJECT}), else the Google
     * Cloud conventions the gcloud CLI and the client libraries follow: {@code GOOGLE_CLOUD_PROJECT},
     * {@code CLOUDSDK_CORE_PROJECT}, then {@code project} in the {@code [core]} section of the active gcloud
     * configuration ({@code $CLOUDSDK_CONFIG} or {@code ~/.config/gcloud}, configuration named by
     * {@code CLOUDSDK_ACTIVE_CONFIG_NAME} or the {@code active_config} file, else {@code default}).
     */
    static Optional<String> project(BackendConfig c) {
        Optional<String> own = c.get("vertex.project");
        if (own.isPresent()) {
            return own;
        }
        for (String variable : new String[] {"GOOGLE_CLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT"}) {
            Optional<String> v = c.environmentValue(variable);
            if (v.isPresent()) {
                return v.map(String::trim);
            }
        }
        return gcloudProject(c);
    }

    private static Optional<String> gcloudProject(BackendConfig c) {
        java.nio.file.Path dir = c.environmentValue("CLOUDSDK_CONFIG").map(java.nio.file.Path::of)
                .or(() -> c.environmentValue("HOME").map(h -> java.nio.file.Path.of(h, ".config", "gcloud"))).orElse(null);
        if (dir == null) {
            return Optional.empty();
        }
        try {
            String active = c.environmentValue("CLOUDSDK_ACTIVE_CONFIG_NAME").orElse(null);
            java.nio.file.Path activeFile = dir.resolve("active_config");
            if (active == null && java.nio.file.Files.isRegularFile(activeFile) && java.nio.file.Files.size(activeFile) < 4096) {
                active = java.nio.file.Files.readString(activeFile).trim();
            }
            if (active == null || !active.matches("[A-Za-z0-9_-]{1,64}")) {
                active = "default";
            }
            java.nio.file.Path file = dir.resolve("configurations").resolve("config_" + active);
            if (!java.nio.file.Files.isRegularFile(file) || java.nio.file.Files.size(file) > 1 << 20) {
                return Optional.empty();
            }
            boolean core = false;
            for (String line : java.nio.file.Files.readAllLines(file)) {
                String t = line.trim();
                if (t.startsWith("[")) {
                    core = t.equals("[core]");
                } else if (core && t.startsWith("project")) {
                    int eq = t.indexOf('=');
                    if (eq > 0 && t.substring(0, eq).trim().equals("project")) {
                        String v = t.substring(eq + 1).trim();
                        return v.isEmpty() ? Optional.empty() : Optional.of(v);
                    }
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty(); // an unreadable gcloud configuration is the same as none: requireProject says what to set
        }
        return Optional.empty();
    }

    private static Duration positive(BackendConfig c, String key, Duration d) {
        Duration v = c.getDuration(key, d);
        if (v.isNegative() || v.isZero()) {
            throw new ConfigurationException("configuration '" + key + "' must be a positive duration, got " + v);
        }
        return v;
    }

    /** The project, or a ConfigurationException naming the key. */
    public String requireProject() {
        return project.orElseThrow(() -> new ConfigurationException("missing configuration 'vertex.project' (the Google Cloud "
                + "project to deploy to); set it with --set vertex.project=..., the system property inferscale.vertex.project "
                + "or the environment variable " + BackendConfig.environmentVariable("vertex.project")
                + " (GOOGLE_CLOUD_PROJECT and the active gcloud configuration's project are read too, when set)"));
    }

    /** The configured secrets (credentials file path, access token), to hide from messages. */
    public java.util.List<String> secrets() {
        java.util.List<String> out = new java.util.ArrayList<>();
        credentialsFile.ifPresent(out::add);
        accessToken.ifPresent(out::add);
        return out;
    }

    /** The settings without the credentials: their presence only. */
    @Override
    public String toString() {
        return "VertexSettings{project=" + project.orElse("(none)") + ", location=" + location + ", endpoint=" + endpoint
                + ", plaintext=" + plaintext + ", operationTimeout=" + operationTimeout + ", pollInterval=" + pollInterval
                + ", requestTimeout=" + requestTimeout + ", maxAttempts=" + maxAttempts
                + ", credentials=" + (credentialsFile.isPresent() ? CREDENTIALS_FILE + "=" + Secrets.HIDDEN
                : accessToken.isPresent() ? ACCESS_TOKEN + "=" + Secrets.HIDDEN : "application default") + "}";
    }
}
