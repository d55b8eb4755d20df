package io.inferscale.testkit.faults;

/** What an operation did when one of its remote calls failed; every one of these is an acceptable result. */
public enum Outcome {
    /** The operation completed and reached the desired state; the failed call was sent again (retried). */
    RETRIED("retried"),
    /** The operation completed and reached the desired state without sending the failed call again (the backend handled the fault). */
    HANDLED("handled"),
    /**
     * The operation failed with a {@link io.inferscale.api.BackendException} naming the step and saying that
     * re-running is safe; re-running converged to the desired state, and (for apply) a delete straight after
     * the failure left nothing behind.
     */
    FAILED_SAFELY("failed safely");

    private final String label;

    Outcome(String label) {
        this.label = label;
    }

    /** A short cell text. */
    public String label() {
        return label;
    }
}
