package io.inferscale.simulator.trace;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which columns of a trace file hold what, when their header names are not among the ones {@link LoadTrace#read}
 * recognises on its own. Each part is a header name (matched ignoring case), or {@code null} to detect it.
 *
 * @param time      the time of each row: seconds from 0 ({@code time_s}), an ISO-8601 date-time, or epoch seconds or
 *                  milliseconds
 * @param rate      the request rate of a rate trace ({@code rps}); a trace without one is a request log (a row per request)
 * @param tokensIn  input (prompt) tokens of each request in a request log
 * @param tokensOut output (generated) tokens of each request in a request log
 */
public record TraceColumns(String time, String rate, String tokensIn, String tokensOut) {

    private static final List<String> KEYS = List.of("time", "rate", "tokens_in", "tokens_out");

    /** Detect every column from the header. */
    public static final TraceColumns DETECT = new TraceColumns(null, null, null, null);

    /** Rejects blank names (use {@code null} to detect a column). */
    public TraceColumns {
        for (String name : new String[] {time, rate, tokensIn, tokensOut}) {
            if (name != null && name.isBlank()) {
                throw new IllegalArgumentException("a trace column name must not be blank");
            }
        }
    }

    /**
     * Parses {@code time=COL[,rate=COL][,tokens_in=COL][,tokens_out=COL]}, the form of {@code --trace-columns}.
     *
     * @throws IllegalArgumentException naming an unknown key, a repeated key or a missing {@code =}
     */
    public static TraceColumns parse(String spec) {
        Map<String, String> byKey = new HashMap<>();
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? part.strip() : part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : part.substring(eq + 1).strip();
            if (eq < 0 || value.isEmpty()) {
                throw new IllegalArgumentException("'" + part.strip() + "' must be KEY=COLUMN, e.g. time=TIMESTAMP");
            }
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "': use " + String.join(", ", KEYS));
            }
            if (byKey.putIfAbsent(key, value) != null) {
                throw new IllegalArgumentException("'" + key + "' is given twice");
            }
        }
        return new TraceColumns(byKey.get("time"), byKey.get("rate"), byKey.get("tokens_in"), byKey.get("tokens_out"));
    }
}
