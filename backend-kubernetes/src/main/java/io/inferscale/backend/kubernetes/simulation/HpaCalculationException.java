package io.inferscale.backend.kubernetes.simulation;

import io.inferscale.api.InferScaleException;

/**
 * The HPA could not compute a replica count for one metric, with upstream's message (e.g.
 * {@code did not receive metrics for any ready pods}). The controller then skips that metric; when every
 * metric fails it does not scale.
 */
public class HpaCalculationException extends InferScaleException {
    private static final long serialVersionUID = 1L;

    /** An exception with upstream's message. */
    public HpaCalculationException(String message) {
        super(message);
    }
}
