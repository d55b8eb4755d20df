package io.inferscale.simulator.trace;

import io.inferscale.api.InferScaleException;

/**
 * A load trace that cannot be read: the message names the source, the line and what to fix, e.g.
 * {@code traffic.csv line 4: time_s 30 is not after the previous row's 60; rows must be in increasing time order}.
 */
public class TraceFormatException extends InferScaleException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message naming the source and line. */
    public TraceFormatException(String message) {
        super(message);
    }

    /** An exception with a message and the original cause (for I/O failures). */
    public TraceFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
