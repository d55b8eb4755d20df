package io.inferscale.api;

/**
 * A backend configuration value is missing or malformed. The message names the key, how to set it
 * ({@code --set key=value}, system property or environment variable) and never its value when the key
 * is secret.
 */
public class ConfigurationException extends InferScaleException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message. */
    public ConfigurationException(String message) {
        super(message);
    }
}
