package io.inferscale.testkit.faults;

/** How long an armed fault lasts. */
public enum FaultMode {
    /** Only the next matching request fails: a transient fault the client's retry policy may absorb. */
    ONCE,
    /** Every matching request fails until the harness disarms the fault: the operation cannot complete. */
    PERSISTENT
}
