package io.inferscale.api.backend;

/**
 * Receives the statuses a backend observes while it waits for an endpoint
 * ({@link Backend#awaitReady(String, java.time.Duration, ProgressListener)}), from the backend's own watch, waiter or
 * poll loop: each status that differs from the one reported before, on the waiting thread. A listener must return
 * quickly; an exception it throws ends the wait with that exception.
 */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores every status. */
    ProgressListener NONE = status -> {
    };

    /** Called with a newly observed status. */
    void onStatus(EndpointStatus status);
}
