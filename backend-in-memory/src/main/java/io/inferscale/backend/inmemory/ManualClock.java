package io.inferscale.backend.inmemory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when told to: for tests of time-dependent behaviour without sleeping.
 * Thread-safe. Copies made by {@link #withZone} share the time: advancing one advances all.
 */
public final class ManualClock extends Clock {

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    /** A clock at the given instant, in UTC. */
    public ManualClock(Instant start) {
        this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    private ManualClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** A clock at 2026-01-01T00:00:00Z. */
    public static ManualClock atEpochOf2026() {
        return new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /**
     * Moves the clock (and every copy from {@link #withZone}) forward.
     *
     * @throws IllegalArgumentException when {@code d} is negative
     */
    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a clock cannot go back: " + d);
        }
        now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** This clock in another zone, sharing its time. */
    @Override
    public Clock withZone(ZoneId zone) {
        return new ManualClock(now, zone);
    }

    @Override
    public Instant instant() {
        return now.get();
    }
}
