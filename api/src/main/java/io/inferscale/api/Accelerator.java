package io.inferscale.api;

import java.util.Objects;

/**
 * Accelerators attached to each replica.
 *
 * @param type  the neutral accelerator type
 * @param count how many per replica (the validator requires at least 1)
 */
public record Accelerator(AcceleratorType type, int count) {
    /** Rejects a null type. */
    public Accelerator {
        Objects.requireNonNull(type, "type");
    }

    @Override
    public String toString() {
        return count + "x" + type.id();
    }
}
