package io.inferscale.api.backend;

import java.util.Objects;

/**
 * One configuration key a backend reads, for documentation, the CLI's help and typo detection.
 *
 * @param name         the key, e.g. {@code sagemaker.region}; always starts with the backend id and a dot
 * @param description  what it sets, its unit and what happens when it is absent
 * @param defaultValue the default as text, or the empty string when there is none
 * @param secret       true when the value must never be printed (tokens, keys, passwords)
 */
public record ConfigKey(String name, String description, String defaultValue, boolean secret) {

    /** Rejects nulls. */
    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(defaultValue, "defaultValue");
    }

    /** A non-secret key. */
    public static ConfigKey of(String name, String defaultValue, String description) {
        return new ConfigKey(name, description, defaultValue, false);
    }

    /** A secret key: its value never appears in logs, {@code toString} or exceptions. */
    public static ConfigKey secret(String name, String description) {
        return new ConfigKey(name, description, "", true);
    }

    /** The environment variable that also sets this key, e.g. {@code INFERSCALE_SAGEMAKER_EXECUTION_ROLE_ARN}. */
    public String environmentVariable() {
        return BackendConfig.environmentVariable(name);
    }
}
