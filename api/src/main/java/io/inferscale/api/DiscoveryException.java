package io.inferscale.api;

/**
 * No usable backend for a requested id: none on the class path, an unknown id, two providers claiming
 * one id, or a provider that failed to load. The message names the ids and classes involved and the
 * artifact to add.
 */
public class DiscoveryException extends InferScaleException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message. */
    public DiscoveryException(String message) {
        super(message);
    }

    /** An exception with a message and a cause. */
    public DiscoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
