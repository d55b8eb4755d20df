package io.inferscale.simulator.trace;

import io.inferscale.simulator.Decimals;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Offered load over time: requests per second, piecewise constant from each point to the next, ending at
 * the last point's time (the last point only marks the end; its rate is used for nothing but display).
 *
 * <p><b>Files.</b> {@link #read(Path, TraceOptions)} reads CSV in two shapes, told apart by the header:
 * <ul>
 *   <li>a <b>rate trace</b>: a time column and a rate column. {@code time_s,rps} has time in seconds from the start
 *       (decimals allowed; the first row must be at 0) and requests per second:
 *       <pre>
 * time_s,rps
 * 0,20
 * 600,120
 * 1800,120
 *       </pre>
 *       Instead of {@code time_s}, a timestamp column (below) gives the times, rebased so the first row is at 0. The rate
 *       column is {@code rps}, {@code rpm}, {@code requests} or {@code count}; its values are per second, or per minute
 *       with {@link TraceUnit#PER_MINUTE} (the default for a column named {@code rpm}).</li>
 *   <li>a <b>request log</b>: a timestamp column and no rate column, one row per request, such as the Azure LLM
 *       inference trace ({@code TIMESTAMP,ContextTokens,GeneratedTokens}). Rows are counted in buckets of
 *       {@link TraceOptions#bucket()} from the first request: each bucket's rate is its requests divided by its
 *       seconds, so the trace's requests (rate x time, summed) equal the log's rows. Token columns, when present, are
 *       summed the same way into tokens per second ({@link #tokensInPerSecond}, {@link #tokensOutPerSecond}).</li>
 * </ul>
 * A timestamp column is named (ignoring case) {@code timestamp}, {@code time}, {@code ts}, {@code arrival_time},
 * {@code arrival_timestamp}, {@code datetime}, {@code date_time}, {@code created_at} or {@code start_time}, or any
 * name given by {@link TraceColumns}. Its cells are ISO-8601 date-times, with or without a zone, with a {@code T} or a
 * space before the time and up to nine fractional digits ({@code 2023-11-16 18:15:46.6805900}; without a zone only
 * differences matter), or epoch numbers: seconds, or milliseconds when the first one is 10<sup>11</sup> or more.
 *
 * <p>Parsing is strict and reports every problem at once, each with its line (the first
 * 20, then how many more): cells that are not numbers or times, rows with the wrong number of
 * fields, negative or infinite rates and token counts, times out of order (a rate trace's must increase, a request
 * log's must not decrease), a rate trace with fewer than two rows, a log with no request, an empty file. Blank lines and
 * lines starting with {@code #} are skipped; cells may be double-quoted.
 *
 * <p>Generators build common shapes: {@link #constant}, {@link #step}, {@link #diurnal} and {@link #spike}.
 * Instances are immutable.
 */
public final class LoadTrace {

    private final long[] timesMillis;
    private final double[] rps;
    private final double[] tokensIn;
    private final double[] tokensOut;

    LoadTrace(long[] timesMillis, double[] rps, double[] tokensIn, double[] tokensOut) {
        this.timesMillis = timesMillis;
        this.rps = rps;
        this.tokensIn = tokensIn;
        this.tokensOut = tokensOut;
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
        return new LoadTrace(t, rps.clone(), null, null);
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
     * Parses CSV text: a rate trace or a request log, as {@link #read(Path, TraceOptions)} with default options.
     *
     * @param text   the CSV text
     * @param source a name for messages, e.g. the file name
     * @throws TraceFormatException listing every problem with its line
     */
    public static LoadTrace parseCsv(String text, String source) {
        Objects.requireNonNull(text, "text");
        return read(new StringReader(text), source, TraceOptions.DEFAULTS);
    }

    /**
     * Reads a trace file with default options: columns detected from the header, 15 s buckets for a request log.
     *
     * @throws TraceFormatException when the file cannot be read, or listing every problem with its line
     */
    public static LoadTrace read(Path file) {
        return read(file, TraceOptions.DEFAULTS);
    }

    /**
     * Reads a trace file, streaming it line by line: a rate trace or a request log (see the class description).
     *
     * @param file    a CSV file, UTF-8 (malformed bytes read as U+FFFD and then fail as cells)
     * @param options which columns hold what, the rate unit, a request log's bucket
     * @throws TraceFormatException when the file cannot be read, or listing every problem with its line
     */
    public static LoadTrace read(Path file, TraceOptions options) {
        try (Reader in = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8)) {
            return read(in, file.getFileName().toString(), options);
        } catch (IOException e) {
            throw new TraceFormatException("cannot read load trace " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a trace from {@code in} (not closed), line by line.
     *
     * @param in      CSV text
     * @param source  a name for messages, e.g. the file name
     * @param options which columns hold what, the rate unit, a request log's bucket
     * @throws TraceFormatException when reading fails, or listing every problem with its line
     */
    public static LoadTrace read(Reader in, String source, TraceOptions options) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(options, "options");
        try {
            return TraceReader.read(new BufferedReader(in, 1 << 16), source == null ? "load trace" : source, options);
        } catch (IOException e) {
            throw new TraceFormatException("cannot read load trace " + source + ": " + e.getMessage(), e);
        }
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

    /** True when the trace came from a request log with an input-token column. */
    public boolean hasInputTokens() {
        return tokensIn != null;
    }

    /** The header names recognised as a request's output (generated) tokens, e.g. {@code GeneratedTokens}; ignoring case. */
    public static final List<String> OUTPUT_TOKEN_COLUMNS = TraceReader.TOKENS_OUT_NAMES;

    /** True when the trace came from a request log with an output-token column. */
    public boolean hasOutputTokens() {
        return tokensOut != null;
    }

    /**
     * Input (prompt) tokens per second from point {@code i} to the next: the bucket's requests' tokens over its seconds.
     *
     * @throws IllegalStateException when the trace has none ({@link #hasInputTokens()})
     */
    public double tokensInPerSecond(int i) {
        if (tokensIn == null) {
            throw new IllegalStateException("this trace has no input-token column");
        }
        return tokensIn[i];
    }

    /**
     * Output (generated) tokens per second from point {@code i} to the next.
     *
     * @throws IllegalStateException when the trace has none ({@link #hasOutputTokens()})
     */
    public double tokensOutPerSecond(int i) {
        if (tokensOut == null) {
            throw new IllegalStateException("this trace has no output-token column");
        }
        return tokensOut[i];
    }

    /** Requests over the whole trace: each rate times the time to the next point, summed. */
    public double totalRequests() {
        double sum = 0;
        for (int i = 0; i < rps.length - 1; i++) {
            sum += rps[i] * (timesMillis[i + 1] - timesMillis[i]) / 1000.0;
        }
        return sum;
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
        double[] in = tokensIn == null ? null : new double[timesMillis.length + 1];
        double[] out = tokensOut == null ? null : new double[timesMillis.length + 1];
        for (int i = first; i < timesMillis.length && timesMillis[i] < end; i++) {
            t[n] = Math.max(0, timesMillis[i] - start);
            if (in != null) {
                in[n] = tokensIn[i];
            }
            if (out != null) {
                out[n] = tokensOut[i];
            }
            r[n++] = rps[i];
        }
        t[n] = end - start;
        r[n] = r[n - 1];
        return new LoadTrace(Arrays.copyOf(t, n + 1), Arrays.copyOf(r, n + 1), in == null ? null : Arrays.copyOf(in, n + 1),
                out == null ? null : Arrays.copyOf(out, n + 1));
    }

    /** The trace as CSV with the header {@code time_s,rps} (rates only, no tokens); {@link #parseCsv} reads it back. */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("time_s,rps\n");
        for (int i = 0; i < rps.length; i++) {
            sb.append(format(timesMillis[i] / 1000.0)).append(',').append(format(rps[i])).append('\n');
        }
        return sb.toString();
    }

    static String format(double v) {
        return Decimals.format(v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoadTrace t && Arrays.equals(timesMillis, t.timesMillis) && Arrays.equals(rps, t.rps)
                && Arrays.equals(tokensIn, t.tokensIn) && Arrays.equals(tokensOut, t.tokensOut);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(timesMillis), Arrays.hashCode(rps), Arrays.hashCode(tokensIn), Arrays.hashCode(tokensOut));
    }

    @Override
    public String toString() {
        return "LoadTrace{points=" + rps.length + ", duration=" + duration() + ", peakRps=" + format(peakRps()) + "}";
    }
}
