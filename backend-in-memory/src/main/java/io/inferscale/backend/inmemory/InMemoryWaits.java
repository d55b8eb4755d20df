package io.inferscale.backend.inmemory;

import io.inferscale.api.BackendException;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.ProgressListener;
import io.inferscale.backend.inmemory.InMemoryStore.Stored;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;

/**
 * The waits, the part every backend has: waiting until an endpoint is ready, through this backend's own mechanism,
 * the store's monitor ({@link Object#wait} until the ready time, woken early by every write). On a {@link ManualClock}
 * it advances the clock instead of sleeping: to the ready time when that is within the timeout, else to the deadline
 * before it times out (as a real wait would have taken the whole timeout). A clock that does not move is bounded by
 * the timeout in real time.
 *
 * <p>Each status that differs from the one reported before goes to the {@link ProgressListener}: the first observed
 * status, then e.g. {@code READY} with its replica counts once the ready time is reached. The listener is called on the
 * waiting thread while it holds the backend's lock, so it must return quickly (it may read the backend).
 */
final class InMemoryWaits {

    private final InMemoryStore store;
    private final Clock clock;

    InMemoryWaits(InMemoryStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * @throws BackendException NOT_FOUND when the endpoint does not exist (or is deleted while waiting), TIMEOUT with
     *                          the last observed state when it is not ready within {@code timeout} (or the thread is
     *                          interrupted)
     */
    EndpointStatus awaitReady(String name, Duration timeout, ProgressListener progress) {
        synchronized (store) {
            Instant deadline = plusSaturated(clock.instant(), timeout);
            long startNanos = System.nanoTime();
            long timeoutNanos = saturatedNanos(timeout);
            EndpointStatus reported = null;
            while (true) {
                Stored s = store.require(name);
                Instant now = clock.instant();
                EndpointStatus status = InMemoryStatusMapper.status(s, now);
                if (!status.equals(reported)) {
                    progress.onStatus(status);
                    reported = status;
                }
                if (InMemoryStatusMapper.isSettled(s, now)) {
                    return status;
                }
                long waitedNanos = System.nanoTime() - startNanos;
                if (s.readyAt.isAfter(deadline) || waitedNanos >= timeoutNanos) {
                    if (clock instanceof ManualClock manual && now.isBefore(deadline)) {
                        manual.advance(Duration.between(now, deadline));
                    }
                    throw new BackendException(InMemorySettings.ID, BackendException.Reason.TIMEOUT, "endpoint '" + name
                            + "' not ready after " + timeout + " (state " + status.state() + ", replicas " + status.replicasDisplay()
                            + "; ready in " + Duration.between(clock.instant(), s.readyAt) + ")");
                }
                Duration remaining = Duration.between(now, s.readyAt);
                if (clock instanceof ManualClock manual) {
                    manual.advance(remaining);
                    continue;
                }
                try {
                    // woken early by apply/delete (notifyAll); a clock that does not move is bounded by the real-time timeout
                    store.wait(Math.max(1, Math.min(remaining.toMillis(), (timeoutNanos - waitedNanos) / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BackendException(InMemorySettings.ID, BackendException.Reason.TIMEOUT,
                            "interrupted while waiting for '" + name + "'", e);
                }
            }
        }
    }

    private static Instant plusSaturated(Instant now, Duration timeout) {
        try {
            return now.plus(timeout);
        } catch (DateTimeException | ArithmeticException tooLong) {
            return Instant.MAX;
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
