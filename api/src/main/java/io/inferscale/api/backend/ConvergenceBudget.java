package io.inferscale.api.backend;

import io.inferscale.api.BackendException;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one retry budget of a backend's apply or delete loop against concurrent writers: at most
 * {@value #MAX_ROUNDS} rounds, with a random pause before every round after the first so that racing writers fall
 * out of step. The pause is uniform in [1, bound] ms, where the bound is the longest round so far times
 * 2<sup>min(round - 2, 3)</sup> (so at most 8 rounds' worth), and never over {@link #MAX_PAUSE}.
 *
 * <p>Use one budget per operation, on one thread:
 * <pre>{@code
 * ConvergenceBudget budget = ConvergenceBudget.start(id());
 * while (budget.nextRound()) {
 *     ... read, diff, write; return when the live state is the spec ...
 * }
 * throw budget.exhausted("apply", name, lastStep, lastConflict);
 * }</pre>
 */
public final class ConvergenceBudget {

    /** Rounds of read-write-verify an operation makes at most before it reports a conflict. */
    public static final int MAX_ROUNDS = 10;
    /** The longest pause between two rounds. */
    public static final Duration MAX_PAUSE = Duration.ofSeconds(2);

    private final String backendId;
    private final int maxRounds;
    private final long maxPauseMillis;
    private final Sleeper sleeper;
    private int round;
    private long roundStartedNanos;
    private long longestRoundMillis = 1;

    /** Sleeps; replaceable in tests. */
    @FunctionalInterface
    public interface Sleeper {
        /** Sleeps {@code millis} milliseconds. */
        void sleep(long millis) throws InterruptedException;
    }

    private ConvergenceBudget(String backendId, int maxRounds, Duration maxPause, Sleeper sleeper) {
        if (maxRounds < 1) {
            throw new IllegalArgumentException("maxRounds must be at least 1, got " + maxRounds);
        }
        this.backendId = backendId;
        this.maxRounds = maxRounds;
        this.maxPauseMillis = Math.max(1, maxPause.toMillis());
        this.sleeper = sleeper;
    }

    /** The standard budget: {@value #MAX_ROUNDS} rounds, pauses of at most {@link #MAX_PAUSE}. */
    public static ConvergenceBudget start(String backendId) {
        return new ConvergenceBudget(backendId, MAX_ROUNDS, MAX_PAUSE, Thread::sleep);
    }

    /** A budget with other bounds or another sleeper (tests). */
    public static ConvergenceBudget of(String backendId, int maxRounds, Duration maxPause, Sleeper sleeper) {
        return new ConvergenceBudget(backendId, maxRounds, maxPause, sleeper);
    }

    /**
     * Starts the next round, after a random pause when it is not the first.
     *
     * @return false when every round is spent (no pause then)
     * @throws BackendException {@code UNAVAILABLE} when interrupted during the pause (the interrupt flag stays set)
     */
    public boolean nextRound() {
        if (round > 0) {
            longestRoundMillis = Math.max(longestRoundMillis, (System.nanoTime() - roundStartedNanos) / 1_000_000);
            if (round >= maxRounds) {
                return false;
            }
            pause();
        }
        round++;
        roundStartedNanos = System.nanoTime();
        return true;
    }

    /** The current round, 1 for the first; 0 before {@link #nextRound()}. */
    public int round() {
        return round;
    }

    /** True in the last round the budget allows. */
    public boolean isLastRound() {
        return round >= maxRounds;
    }

    /** The bound of the pause before the next round, in milliseconds (for tests and logs). */
    public long pauseBoundMillis() {
        return Math.min(maxPauseMillis, Math.max(2, longestRoundMillis) << Math.min(Math.max(round - 1, 0), 3));
    }

    private void pause() {
        long bound = pauseBoundMillis();
        try {
            sleeper.sleep(ThreadLocalRandom.current().nextLong(1, bound + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(backendId, BackendException.Reason.UNAVAILABLE, "interrupted while waiting to retry", e);
        }
    }

    /**
     * The failure to throw when the rounds ran out: a {@code CONFLICT} at {@code step} saying the endpoint was changed
     * concurrently in every round and that re-running is safe, caused by the last conflict.
     *
     * @param last the last conflict seen (may be null)
     */
    public BackendException exhausted(String operation, String endpoint, String step, BackendException last) {
        String detail = last == null ? "" : " (last: " + withoutBackendPrefix(last) + ")";
        return BackendException.atStep(operation, endpoint, step, new BackendException(backendId, BackendException.Reason.CONFLICT,
                "endpoint '" + endpoint + "' was changed concurrently in each of " + round + " rounds" + detail, last));
    }

    private String withoutBackendPrefix(BackendException e) {
        String m = e.getMessage();
        String prefix = e.backendId() + ": ";
        return m != null && m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }
}
