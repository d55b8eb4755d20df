package io.inferscale.api.backend;

/** How well a backend honours a {@link Feature}. */
public enum Support {
    /** Honoured exactly. */
    NATIVE,
    /** Honoured approximately; {@code render} and {@code plan} say how. Validation warns. */
    APPROXIMATED,
    /** Not honoured; an endpoint that uses it is rejected before any call, naming the field. */
    UNSUPPORTED
}
