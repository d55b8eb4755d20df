package io.inferscale.simulator.trace;

import java.util.Locale;

/** What the rate column of a rate trace counts. */
public enum TraceUnit {
    /** Requests per second. */
    PER_SECOND(1),
    /** Requests per minute (a per-minute count); divided by 60. */
    PER_MINUTE(60);

    private final int seconds;

    TraceUnit(int seconds) {
        this.seconds = seconds;
    }

    /** Seconds the counted interval lasts: 1 or 60. */
    public int seconds() {
        return seconds;
    }

    /** The name as {@code --trace-unit} takes it: {@code per-second} or {@code per-minute}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The unit named {@code per-second} or {@code per-minute} (ignoring case; {@code _} for {@code -} is accepted).
     *
     * @throws IllegalArgumentException for any other name, listing the two
     */
    public static TraceUnit parse(String label) {
        String s = label.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (TraceUnit u : values()) {
            if (u.name().equals(s)) {
                return u;
            }
        }
        throw new IllegalArgumentException("'" + label + "' is not a trace unit: use per-second or per-minute");
    }
}
