package io.inferscale.backend.vertex.internal;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.backend.BackendConfig;

import java.time.Duration;
import java.util.Optional;

/**
 * The {@code vertex.*} configuration, read once. {@link #toString()} never shows the credentials.
 *
 * @param project          project id, empty when not configured (render only)
 * @param location         region, e.g. us-central1
 * @param endpoint         API endpoint host:port, or inprocess:NAME
 * @param plaintext        no TLS, no credentials
 * @param operationTimeout longest wait for one long-running operation
 * @param pollInterval     first delay between polls
 * @param requestTimeout   total timeout of one unary call, retries included
 * @param maxAttempts      attempts of read calls (Get/List/GetOperation)
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
                + ", credentials=" + (credentialsFile.isPresent() ? CREDENTIALS_FILE + "=****"
                : accessToken.isPresent() ? ACCESS_TOKEN + "=****" : "application default") + "}";
    }
}
