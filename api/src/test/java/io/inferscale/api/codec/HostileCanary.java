package io.inferscale.api.codec;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A class a hostile document names in a type tag ({@code !!io.inferscale.api.codec.HostileCanary}): loading
 * or instantiating it is recorded in {@link Flag}, which tests read without touching this class.
 */
public final class HostileCanary {
    static {
        Flag.INITIALIZED.incrementAndGet();
    }

    /** Counts instances. */
    public HostileCanary() {
        Flag.CONSTRUCTED.incrementAndGet();
    }

    /** Read by tests; reading it does not initialize {@link HostileCanary}. */
    static final class Flag {
        static final AtomicInteger INITIALIZED = new AtomicInteger();
        static final AtomicInteger CONSTRUCTED = new AtomicInteger();

        private Flag() {
        }
    }
}
