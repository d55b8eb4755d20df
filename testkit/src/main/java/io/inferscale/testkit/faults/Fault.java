package io.inferscale.testkit.faults;

/**
 * The kinds of failure the {@link FaultInjectionHarness} injects into one remote call. Each fake maps them
 * onto its cloud's wire form (see {@link FaultInjectionHarness#injectedAs}).
 */
public enum Fault {
    /** The cloud throttles the caller: HTTP 429, AWS {@code ThrottlingException}, gRPC {@code RESOURCE_EXHAUSTED}. */
    THROTTLING("throttling"),
    /** The cloud fails internally: HTTP 500/503, gRPC {@code UNAVAILABLE}/{@code INTERNAL}. */
    SERVER_ERROR("5xx / unavailable"),
    /** No answer within the client's timeout. */
    TIMEOUT("timeout"),
    /** The connection closes before a response arrives. */
    DROPPED_CONNECTION("dropped connection"),
    /** The cloud's conflict: HTTP 409, SageMaker "in-progress update", gRPC {@code ALREADY_EXISTS}/{@code ABORTED}. */
    CONFLICT("conflict");

    private final String label;

    Fault(String label) {
        this.label = label;
    }

    /** A short column heading, e.g. {@code "timeout"}. */
    public String label() {
        return label;
    }
}
