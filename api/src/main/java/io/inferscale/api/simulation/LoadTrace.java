package io.inferscale.api.simulation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Offered load over time: requests per second, piecewise constant from each point to the next, ending at
 * the last point's time (the last point only marks the end; its rate is used for nothing but display).
 *
 * <p>The CSV form has the header {@code time_s,rps} and one row per point, time in seconds from the start
 * (decimals allowed), rate in requests per second:
 *
 * <pre>
 * time_s,rps
 * 0,20
 * 600,120
 * 1800,120
 * </pre>
 *
 * <p>Parsing is strict: the first row must be at time 0, times must increase, rates must be finite and not
 * negative, and there must be at least two rows. Each error names the source and line. Blank lines and lines
 * starting with {@code #} are skipped.
 *
 * <p>Generators build common shapes: {@link #constant}, {@link #step}, {@link #diurnal} and {@link #spike}.
 * Instances are immutable.
 */
public final class LoadTrace {

    private final long[] timesMillis;
    private final double[] rps;

    private LoadTrace(long[] timesMillis, double[] rps) {
        this.timesMillis = timesMillis;
        this.rps = rps;
    }

    /**
     * A trace from points; {@code timesSeconds[0]} must be 0 and times must increase.
     *
     * @param timesSeconds point times in seconds from the start
     * @param rps          requests per second from each point to the next
     * @throws IllegalArgumentException when the arrays differ in length, have fewer than two points, or break the rules above
     */
    public static LoadTrace of(double[] timesSeconds, double[] rps) {
        Objects.requireNonNull(timesSeconds, "timesSeconds");
        Objects.requireNonNull(rps, "rps");
        if (timesSeconds.length != rps.length) {
            throw new IllegalArgumentException("timesSeconds has " + timesSeconds.length + " points but rps has " + rps.length);
        }
        if (timesSeconds.length < 2) {
            throw new IllegalArgumentException("a load trace needs at least two points (the last one marks the end)");
        }
        long[] t = new long[timesSeconds.length];
        for (int i = 0; i < t.length; i++) {
            String problem = checkPoint(i, timesSeconds[i], rps[i], i == 0 ? Long.MIN_VALUE : t[i - 1]);
            if (problem != null) {
                throw new IllegalArgumentException("point " + i + ": " + problem);
            }
            t[i] = Math.round(timesSeconds[i] * 1000.0);
        }
        return new LoadTrace(t, rps.clone());
    }

    private static String checkPoint(int index, double timeSeconds, double rate, long previousMillis) {
        if (!Double.isFinite(timeSeconds) || timeSeconds < 0) {
            return "time_s " + timeSeconds + " must be a finite number of seconds, 0 or more";
        }
        if (index == 0 && timeSeconds != 0) {
            return "the first row must be at time_s 0 (found " + format(timeSeconds) + ")";
        }
        long millis = Math.round(timeSeconds * 1000.0);
        if (index > 0 && millis <= previousMillis) {
            return "time_s " + format(timeSeconds) + " is not after the previous row's " + format(previousMillis / 1000.0)
                    + "; rows must be in increasing time order";
        }
        if (!Double.isFinite(rate) || rate < 0) {
            return "rps " + rate + " must be a finite number, 0 or more";
        }
        return null;
    }

    /**
     * Parses CSV text with the header {@code time_s,rps}.
     *
     * @param text   the CSV text
     * @param source a name for messages, e.g. the file name
     * @throws TraceFormatException naming the source and line of the first problem
     */
    public static LoadTrace parseCsv(String text, String source) {
        Objects.requireNonNull(text, "text");
        String name = source == null ? "load trace" : source;
        String[] lines = text.split("\r?\n", -1);
        int lineNo = 0;
        boolean headerSeen = false;
        double[] times = new double[16];
        double[] rates = new double[16];
        int n = 0;
        long previous = Long.MIN_VALUE;
        for (String raw : lines) {
            lineNo++;
            String line = raw.strip();
            if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (!headerSeen) {
                String header = line.replace(" ", "");
                if (!header.equals("time_s,rps")) {
                    throw new TraceFormatException(name + " line " + lineNo + ": expected the header 'time_s,rps' but found '"
                            + abbreviate(line) + "'");
                }
                headerSeen = true;
                continue;
            }
            String[] fields = line.split(",", -1);
            if (fields.length != 2) {
                throw new TraceFormatException(name + " line " + lineNo + ": expected 2 fields (time_s,rps) but found "
                        + fields.length + " in '" + abbreviate(line) + "'");
            }
            double t = parseNumber(fields[0], "time_s", name, lineNo);
            double r = parseNumber(fields[1], "rps", name, lineNo);
            String problem = checkPoint(n, t, r, previous);
            if (problem != null) {
                throw new TraceFormatException(name + " line " + lineNo + ": " + problem);
            }
            if (n == times.length) {
                times = Arrays.copyOf(times, n * 2);
                rates = Arrays.copyOf(rates, n * 2);
            }
            times[n] = t;
            rates[n] = r;
            previous = Math.round(t * 1000.0);
            n++;
        }
        if (!headerSeen) {
            throw new TraceFormatException(name + ": empty; expected the header 'time_s,rps' and at least two rows");
        }
        if (n < 2) {
            throw new TraceFormatException(name + ": has " + n + " data row" + (n == 1 ? "" : "s")
                    + "; a load trace needs at least two (the last row's time marks the end)");
        }
        return of(Arrays.copyOf(times, n), Arrays.copyOf(rates, n));
    }

    /**
     * Reads a CSV file with the header {@code time_s,rps}.
     *
     * @throws TraceFormatException when the file cannot be read or parsed
     */
    public static LoadTrace read(Path file) {
        try {
            return parseCsv(Files.readString(file, StandardCharsets.UTF_8), file.getFileName().toString());
        } catch (IOException e) {
            throw new TraceFormatException("cannot read load trace " + file + ": " + e.getMessage(), e);
        }
    }

    private static double parseNumber(String field, String column, String source, int lineNo) {
        String s = field.strip();
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new TraceFormatException(source + " line " + lineNo + ": " + column + " '" + abbreviate(s) + "' is not a number");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** A constant rate for the given duration. */
    public static LoadTrace constant(double rps, Duration duration) {
        double end = seconds(duration);
        return of(new double[] {0, end}, new double[] {rps, rps});
    }

    /**
     * {@code before} requests per second until {@code at}, then {@code after} until {@code duration}.
     *
     * @throws IllegalArgumentException when {@code at} is not strictly between 0 and {@code duration}
     */
    public static LoadTrace step(double before, double after, Duration at, Duration duration) {
        double s = seconds(at);
        double end = seconds(duration);
        if (s <= 0 || s >= end) {
            throw new IllegalArgumentException("the step time " + at + " must be after 0 and before the end " + duration);
        }
        return of(new double[] {0, s, end}, new double[] {before, after, after});
    }

    /**
     * A daily sine wave: {@code mean + amplitude * sin(2π (t - peak + period/4) / period)}, so the rate peaks at
     * {@code peakAt} (and every {@code period} after it), sampled every {@code resolution} (each sample held
     * constant until the next). Rates below zero are clipped to 0.
     *
     * @param mean       average requests per second
     * @param amplitude  swing above and below the mean, requests per second
     * @param period     length of one cycle, typically one day
     * @param peakAt     time of the first peak from the start
     * @param resolution how often the rate changes, e.g. one minute
     * @param duration   total length
     */
    public static LoadTrace diurnal(double mean, double amplitude, Duration period, Duration peakAt, Duration resolution,
                                    Duration duration) {
        double p = seconds(period);
        double res = seconds(resolution);
        double end = seconds(duration);
        double peak = seconds(peakAt);
        if (p <= 0 || res <= 0) {
            throw new IllegalArgumentException("period and resolution must be positive");
        }
        int n = (int) Math.ceil(end / res);
        double[] t = new double[n + 1];
        double[] r = new double[n + 1];
        for (int i = 0; i < n; i++) {
            t[i] = i * res;
            double phase = 2 * Math.PI * (t[i] - peak) / p + Math.PI / 2;
            r[i] = Math.max(0, mean + amplitude * Math.sin(phase));
        }
        t[n] = end;
        r[n] = r[n - 1];
        return of(t, r);
    }

    /**
     * {@code base} requests per second, except {@code peak} from {@code start} for {@code length}.
     *
     * @throws IllegalArgumentException when the spike does not end before {@code duration}
     */
    public static LoadTrace spike(double base, double peak, Duration start, Duration length, Duration duration) {
        double s = seconds(start);
        double e = s + seconds(length);
        double end = seconds(duration);
        if (s <= 0 || e >= end || e <= s) {
            throw new IllegalArgumentException("the spike [" + start + ", +" + length + "] must lie strictly inside (0, " + duration + ")");
        }
        return of(new double[] {0, s, e, end}, new double[] {base, peak, base, base});
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** Number of points, including the final one that marks the end. */
    public int points() {
        return rps.length;
    }

    /** Time of point {@code i} in milliseconds from the start. */
    public long timeMillis(int i) {
        return timesMillis[i];
    }

    /** Requests per second from point {@code i} to the next. */
    public double rps(int i) {
        return rps[i];
    }

    /** Length of the trace: the last point's time. */
    public Duration duration() {
        return Duration.ofMillis(timesMillis[timesMillis.length - 1]);
    }

    /** Length of the trace in milliseconds. */
    public long durationMillis() {
        return timesMillis[timesMillis.length - 1];
    }

    /** The rate in force at {@code millis} (binary search; the engine walks points in order instead). */
    public double rpsAt(long millis) {
        int i = Arrays.binarySearch(timesMillis, millis);
        if (i < 0) {
            i = -i - 2;
        }
        return rps[Math.max(0, Math.min(i, rps.length - 1))];
    }

    /** The highest rate in the trace. */
    public double peakRps() {
        double max = 0;
        for (int i = 0; i < rps.length - 1; i++) {
            max = Math.max(max, rps[i]);
        }
        return max;
    }

    /**
     * The part of this trace from {@code from} to {@code to}, shifted to start at 0: the rate in force at {@code from},
     * then every point inside, ending at {@code to}. Used to tune on one part of a trace and check on the rest.
     *
     * @throws IllegalArgumentException unless {@code 0 <= from < to <= duration()} (milliseconds)
     */
    public LoadTrace slice(Duration from, Duration to) {
        long start = from.toMillis();
        long end = to.toMillis();
        if (start < 0 || end <= start || end > durationMillis()) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") must lie inside the trace [0, " + duration()
                    + "] and not be empty");
        }
        int first = Arrays.binarySearch(timesMillis, start);
        first = first >= 0 ? first : -first - 2;
        int n = 0;
        long[] t = new long[timesMillis.length + 1];
        double[] r = new double[timesMillis.length + 1];
        for (int i = first; i < timesMillis.length && timesMillis[i] < end; i++) {
            t[n] = Math.max(0, timesMillis[i] - start);
            r[n++] = rps[i];
        }
        t[n] = end - start;
        r[n] = r[n - 1];
        return new LoadTrace(Arrays.copyOf(t, n + 1), Arrays.copyOf(r, n + 1));
    }

    /** The trace as CSV with the header {@code time_s,rps}; {@link #parseCsv} reads it back. */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("time_s,rps\n");
        for (int i = 0; i < rps.length; i++) {
            sb.append(format(timesMillis[i] / 1000.0)).append(',').append(format(rps[i])).append('\n');
        }
        return sb.toString();
    }

    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = String.format(java.util.Locale.ROOT, "%.3f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoadTrace t && Arrays.equals(timesMillis, t.timesMillis) && Arrays.equals(rps, t.rps);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(timesMillis) + Arrays.hashCode(rps);
    }

    @Override
    public String toString() {
        return "LoadTrace{points=" + rps.length + ", duration=" + duration() + ", peakRps=" + format(peakRps()) + "}";
    }
}
