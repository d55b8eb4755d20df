package io.inferscale.backend.vertex.internal;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.backend.BackendConfig;

import java.time.Duration;
import java.util.Optional;

/**
 * The {@code vertex.*} configuration, read once.
 *
 * @param project          project id, empty when not configured (render only)
 * @param location         region, e.g. us-central1
 * @param endpoint         API endpoint host:port, or inprocess:NAME
 * @param plaintext        no TLS, no credentials
 * @param operationTimeout longest wait for one long-running operation
 * @param pollInterval     first delay between polls
 * @param requestTimeout   total timeout of one unary call
 * @param maxAttempts      attempts of read calls
 */
public record VertexSettings(Optional<String> project, String location, String endpoint, boolean plaintext,
                             Duration operationTimeout, Duration pollInterval, Duration requestTimeout, int maxAttempts) {

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
        return new VertexSettings(c.get("vertex.project"), location,
                c.get("vertex.endpointOverride", location + "-aiplatform.googleapis.com:443"),
                c.getBoolean("vertex.plaintext", false),
                positive(c, "vertex.operationTimeout", Duration.ofMinutes(45)),
                positive(c, "vertex.pollInterval", Duration.ofSeconds(10)),
                positive(c, "vertex.requestTimeout", Duration.ofSeconds(60)), attempts);
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
                + "or the environment variable " + BackendConfig.environmentVariable("vertex.project")));
    }
}
