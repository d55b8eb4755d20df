package io.inferscale.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/** A clock that moves only when told to: for tests of time-dependent behaviour without sleeping. Thread-safe. */
public final class ManualClock extends Clock {

    private volatile Instant now;
    private final ZoneId zone;

    /** A clock at the given instant, in UTC. */
    public ManualClock(Instant start) {
        this(start, ZoneOffset.UTC);
    }

    private ManualClock(Instant start, ZoneId zone) {
        this.now = Objects.requireNonNull(start, "start");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** A clock at 2026-01-01T00:00:00Z. */
    public static ManualClock atEpochOf2026() {
        return new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** Moves the clock forward. */
    public synchronized void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a clock cannot go back: " + d);
        }
        now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new ManualClock(now, zone);
    }

    @Override
    public Instant instant() {
        return now;
    }
}
