package io.inferscale.backend.vertex.internal;

import io.inferscale.api.BackendException;

/**
 * A remote call of an apply or delete failed: which call (the step), the {@link BackendException} it maps to, what the
 * failure says about the state it left ({@link Outcome}), and whose operations to wait for before planning again
 * ({@code resource}, null: none). The convergence loop decides from the outcome whether another round may help.
 */
public final class StepFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What a failed call says about the state it left. */
    public enum Outcome {
        /** A concurrent change refused it (ALREADY_EXISTS, ABORTED, FAILED_PRECONDITION, NOT_FOUND on a write): plan again. */
        CONFLICT,
        /** It may or may not have taken effect (UNAVAILABLE, DEADLINE_EXCEEDED, lost polls): read, then plan again. */
        UNKNOWN,
        /** It did not take effect and trying again now would not help. */
        DEFINITE
    }

    /** The call, e.g. {@code "DeployModel projects/.../endpoints/x"}. */
    public final String step;
    /** The failure, secrets hidden. */
    public final transient BackendException failure;
    /** What the failure says about the state. */
    public final Outcome outcome;
    /** The resource whose operations the next round waits for; null for none. */
    public final String resource;

    /** A failure that leaves nothing to wait for. */
    public StepFailure(String step, BackendException failure, Outcome outcome) {
        this(step, failure, outcome, null);
    }

    /** A failure of a call on {@code resource}. */
    public StepFailure(String step, BackendException failure, Outcome outcome, String resource) {
        super(failure.getMessage(), failure, false, false);
        this.step = step;
        this.failure = failure;
        this.outcome = outcome;
        this.resource = resource;
    }

    /** The same failure with another outcome. */
    public StepFailure as(Outcome other) {
        return new StepFailure(step, failure, other, resource);
    }

    /** The same failure with another exception (e.g. secrets hidden). */
    public StepFailure with(BackendException other) {
        return new StepFailure(step, other, outcome, resource);
    }
}
