package io.inferscale.api;

/**
 * The root of every exception InferScale throws. Backends translate their SDK's exceptions into
 * subclasses of this one, keeping the original as the cause, so callers never catch SDK types.
 * Messages never contain credentials or environment values.
 */
public class InferScaleException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message. */
    public InferScaleException(String message) {
        super(message);
    }

    /** An exception with a message and the original cause. */
    public InferScaleException(String message, Throwable cause) {
        super(message, cause);
    }
}
