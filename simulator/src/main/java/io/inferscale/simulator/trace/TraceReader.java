package io.inferscale.simulator.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one trace file, line by line, into a {@link LoadTrace}: a rate trace (a time column and a rate column) or a
 * request log (a time column, one row per request, counted into buckets). Collects every problem with its line in a
 * {@link TraceProblems} and throws them at once. See {@link LoadTrace#read(java.nio.file.Path, TraceOptions)}.
 */
final class TraceReader {

    /** Header names taken as the time column, in order of preference (ignoring case). */
    static final List<String> TIME_NAMES = List.of("time_s", "timestamp", "time", "ts", "arrival_time", "arrival_timestamp",
            "datetime", "date_time", "created_at", "start_time");
    /** Header names taken as the rate column of a rate trace. */
    static final List<String> RATE_NAMES = List.of("rps", "rpm", "requests", "count");
    /** Header names taken as a request's input tokens. */
    static final List<String> TOKENS_IN_NAMES = List.of("tokens_in", "input_tokens", "prompt_tokens", "ContextTokens",
            "context_tokens", "request_tokens", "Request tokens");
    /** Header names taken as a request's output tokens. */
    static final List<String> TOKENS_OUT_NAMES = List.of("tokens_out", "output_tokens", "completion_tokens", "GeneratedTokens",
            "generated_tokens", "response_tokens", "Response tokens");

    /** Most buckets a request log may fill (10 M: 115 days of 1 s buckets); bounds memory on a stray timestamp. */
    static final int MAX_BUCKETS = 10_000_000;

    private static final String DATE_TIME_EXAMPLES = "e.g. 2023-11-16 18:15:46.6805900 or 2023-11-16T18:15:46Z";

    private final TraceOptions options;
    private final TraceProblems problems;

    private String headerLine;
    private int fields;
    private String[] names;
    private int timeCol = -1;
    private int rateCol = -1;
    private int inCol = -1;
    private int outCol = -1;
    private boolean secondsFromZero;
    private double rateDivisor = 1;
    /** Epoch numbers: 1,000,000 when they are seconds, 1,000 when milliseconds, 0 until the first one decides. */
    private int epochToMicros;

    /** The previous good row's time: milliseconds in a rate trace, microseconds in a request log. */
    private long previousTime = Long.MIN_VALUE;
    private String previousText;
    private int dataLines;
    private int rows;

    // a rate trace
    private long[] times = new long[64];
    private double[] rates = new double[64];

    // a request log
    private long firstMicros;
    private long[] counts = new long[64];
    private double[] tokensIn;
    private double[] tokensOut;
    private int buckets;

    private TraceReader(String source, TraceOptions options) {
        this.options = options;
        this.problems = new TraceProblems(source);
    }

    static LoadTrace read(BufferedReader in, String source, TraceOptions options) throws IOException {
        return new TraceReader(source, options).read(in);
    }

    private LoadTrace read(BufferedReader in) throws IOException {
        int lineNo = 0;
        for (String raw = in.readLine(); raw != null; raw = in.readLine()) {
            lineNo++;
            String line = (lineNo == 1 && raw.startsWith("\uFEFF") ? raw.substring(1) : raw).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (headerLine == null) {
                header(line, lineNo);
                problems.throwIfAny();
            } else {
                row(line, lineNo);
            }
        }
        if (headerLine == null) {
            problems.file("empty; expected a header (time_s,rps for a rate trace, or a timestamp column for a request log) and data rows");
        }
        problems.throwIfAny();
        LoadTrace trace = rateCol >= 0 ? rateTrace() : requestLog();
        problems.throwIfAny();
        return trace;
    }

    private void header(String line, int lineNo) {
        headerLine = line;
        names = split(line);
        fields = names.length;
        TraceColumns given = options.columns();
        timeCol = column(given.time(), TIME_NAMES, "time", lineNo);
        if (timeCol < 0 && given.time() == null) {
            problems.at(lineNo, "no time column in the header '" + abbreviate(line) + "': expected time_s,rps (a rate trace) or "
                    + "a timestamp column named one of " + String.join(", ", TIME_NAMES.subList(1, TIME_NAMES.size()))
                    + " (a request log, one row per request); or name it with --trace-columns time=COLUMN");
            return;
        }
        rateCol = column(given.rate(), RATE_NAMES, "rate", lineNo);
        if (timeCol >= 0 && rateCol == timeCol) {
            problems.at(lineNo, "column '" + names[timeCol] + "' cannot be both the time and the rate");
        }
        secondsFromZero = timeCol >= 0 && names[timeCol].equalsIgnoreCase("time_s");
        if (rateCol >= 0) {
            TraceUnit unit = options.unit() != null ? options.unit()
                    : names[rateCol].equalsIgnoreCase("rpm") ? TraceUnit.PER_MINUTE : TraceUnit.PER_SECOND;
            rateDivisor = unit.seconds();
            if (given.tokensIn() != null || given.tokensOut() != null) {
                problems.at(lineNo, "token columns belong to request logs (one row per request), but '" + names[rateCol]
                        + "' makes this a rate trace");
            }
        } else {
            if (options.unit() != null) {
                problems.at(lineNo, "a unit (--trace-unit " + options.unit().label() + ") applies to a rate trace, but this header "
                        + "has no rate column (" + String.join(", ", RATE_NAMES) + "), so it is read as a request log, one row per "
                        + "request; name the rate column with --trace-columns rate=COLUMN");
            }
            inCol = column(given.tokensIn(), TOKENS_IN_NAMES, "tokens_in", lineNo);
            outCol = column(given.tokensOut(), TOKENS_OUT_NAMES, "tokens_out", lineNo);
            tokensIn = inCol >= 0 ? new double[64] : null;
            tokensOut = outCol >= 0 ? new double[64] : null;
        }
    }

    /** The index of the column named {@code given} (problem if absent), or of the first of {@code candidates}; -1 if none. */
    private int column(String given, List<String> candidates, String key, int lineNo) {
        if (given != null) {
            int i = indexOf(given);
            if (i < 0) {
                problems.at(lineNo, "no column '" + given + "' (--trace-columns " + key + "=" + given + ") in the header '"
                        + abbreviate(headerLine) + "'");
            }
            return i;
        }
        for (String candidate : candidates) {
            int i = indexOf(candidate);
            if (i >= 0) {
                return i;
            }
        }
        return -1;
    }

    private int indexOf(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].strip().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private void row(String line, int lineNo) {
        dataLines++;
        String[] cells = split(line);
        if (cells.length != fields) {
            problems.at(lineNo, "expected " + fields + " fields (" + abbreviate(headerLine) + ") but found " + cells.length
                    + " in '" + abbreviate(line) + "'");
            return;
        }
        String timeText = cells[timeCol].strip();
        long micros = time(timeText, lineNo);
        if (rateCol >= 0) {
            rateRow(cells, timeText, micros, lineNo);
        } else {
            requestRow(cells, timeText, micros, lineNo);
        }
    }

    private void rateRow(String[] cells, String timeText, long micros, int lineNo) {
        boolean inOrder = micros != Long.MIN_VALUE && inOrder(Math.floorDiv(micros + 500, 1000), timeText, lineNo);
        double rate = number(cells[rateCol], rateCol, lineNo);
        if (!Double.isNaN(rate) && (rate < 0 || Double.isInfinite(rate))) {
            problems.at(lineNo, names[rateCol].strip() + " " + rate + " must be a finite number, 0 or more");
        }
        if (!inOrder) {
            return;
        }
        if (rows == times.length) {
            times = Arrays.copyOf(times, rows * 2);
            rates = Arrays.copyOf(rates, rows * 2);
        }
        times[rows] = previousTime;
        rates[rows] = rate / rateDivisor;
        rows++;
    }

    /** Checks a rate trace's row time against the previous one and the first-row rule; remembers it when in order. */
    private boolean inOrder(long millis, String timeText, int lineNo) {
        if (dataLines == 1 && secondsFromZero && millis != 0) {
            problems.at(lineNo, "the first row must be at time_s 0 (found " + timeText + ")");
        } else if (millis <= previousTime) {
            problems.at(lineNo, names[timeCol].strip() + " " + timeText + " is not after the previous row's " + previousText
                    + "; rows must be in increasing time order");
            return false;
        }
        previousTime = millis;
        previousText = timeText;
        return true;
    }

    private void requestRow(String[] cells, String timeText, long micros, int lineNo) {
        double in = inCol >= 0 ? tokens(cells[inCol], inCol, lineNo) : 0;
        double out = outCol >= 0 ? tokens(cells[outCol], outCol, lineNo) : 0;
        if (micros == Long.MIN_VALUE) {
            return;
        }
        if (micros < previousTime) {
            problems.at(lineNo, names[timeCol].strip() + " " + timeText + " is before the previous row's " + previousText
                    + "; a request log must be sorted by time");
            return;
        }
        if (rows == 0) {
            firstMicros = micros;
        }
        long bucketMillis = options.bucket().toMillis();
        long index = (micros - firstMicros) / (bucketMillis * 1000);
        if (index >= MAX_BUCKETS) {
            problems.at(lineNo, names[timeCol].strip() + " " + timeText + " is " + (micros - firstMicros) / 1_000_000 + " s after the "
                    + "first request: more than " + MAX_BUCKETS + " buckets of " + bucketMillis + " ms; use longer buckets (simulate --step)");
            return;
        }
        previousTime = micros;
        previousText = timeText;
        int k = (int) index;
        if (k >= counts.length) {
            int size = Math.max(k + 1, Math.min(MAX_BUCKETS, counts.length * 2));
            counts = Arrays.copyOf(counts, size);
            tokensIn = tokensIn == null ? null : Arrays.copyOf(tokensIn, size);
            tokensOut = tokensOut == null ? null : Arrays.copyOf(tokensOut, size);
        }
        counts[k]++;
        if (tokensIn != null) {
            tokensIn[k] += in;
        }
        if (tokensOut != null) {
            tokensOut[k] += out;
        }
        buckets = k + 1;
        rows++;
    }

    /** The time of a row in microseconds, or {@link Long#MIN_VALUE} after reporting why it has none. */
    private long time(String text, int lineNo) {
        String column = names[timeCol].strip();
        String s = unquote(text);
        if (s.isEmpty()) {
            problems.at(lineNo, column + " is empty");
            return Long.MIN_VALUE;
        }
        if (secondsFromZero) {
            double seconds = parse(s);
            if (Double.isNaN(seconds)) {
                problems.at(lineNo, column + " '" + abbreviate(s) + "' is not a number");
                return Long.MIN_VALUE;
            }
            if (!Double.isFinite(seconds) || seconds < 0 || seconds > 1e12) {
                problems.at(lineNo, column + " " + seconds + " must be a finite number of seconds, 0 or more");
                return Long.MIN_VALUE;
            }
            return Math.round(seconds * 1e6);
        }
        if (s.indexOf(':') >= 0 || s.indexOf('-', 1) >= 0) {
            return dateTime(s, column, lineNo);
        }
        double epoch = parse(s);
        if (Double.isNaN(epoch)) {
            problems.at(lineNo, column + " '" + abbreviate(s) + "' is neither an ISO-8601 date-time (" + DATE_TIME_EXAMPLES
                    + ") nor epoch seconds or milliseconds");
            return Long.MIN_VALUE;
        }
        if (!Double.isFinite(epoch) || epoch < 0 || epoch > 1e15) {
            problems.at(lineNo, column + " " + s + " must be epoch seconds or milliseconds, 0 or more");
            return Long.MIN_VALUE;
        }
        if (epochToMicros == 0) {
            // 1e11 seconds is the year 5138 and 1e11 ms is 1973: larger numbers are milliseconds
            epochToMicros = epoch >= 1e11 ? 1_000 : 1_000_000;
        }
        return Math.round(epoch * epochToMicros);
    }

    private long dateTime(String s, String column, int lineNo) {
        String iso = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
        try {
            TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parse(iso);
            Instant instant = t.isSupported(ChronoField.OFFSET_SECONDS) ? Instant.from(t)
                    : LocalDateTime.from(t).toInstant(ZoneOffset.UTC);
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
        } catch (DateTimeParseException | ArithmeticException e) {
            problems.at(lineNo, column + " '" + abbreviate(s) + "' is not an ISO-8601 date-time (" + DATE_TIME_EXAMPLES + ")");
            return Long.MIN_VALUE;
        }
    }

    /** A number cell, or NaN after reporting that it is not one. */
    private double number(String cell, int col, int lineNo) {
        String s = unquote(cell.strip());
        double v = parse(s);
        if (Double.isNaN(v)) {
            problems.at(lineNo, names[col].strip() + " '" + abbreviate(s) + "' is not a number");
        }
        return v;
    }

    private double tokens(String cell, int col, int lineNo) {
        double v = number(cell, col, lineNo);
        if (!Double.isNaN(v) && (v < 0 || Double.isInfinite(v))) {
            problems.at(lineNo, names[col].strip() + " " + unquote(cell.strip()) + " must be a finite number of tokens, 0 or more");
            return 0;
        }
        return Double.isNaN(v) ? 0 : v;
    }

    /** The number in {@code s}, or NaN when it is none (NaN itself is not accepted as a number). */
    private static double parse(String s) {
        if (s.isEmpty() || s.equalsIgnoreCase("nan") || s.contains("NaN")) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private LoadTrace rateTrace() {
        if (rows < 2 && problems.isEmpty()) {
            problems.file("has " + rows + " data row" + (rows == 1 ? "" : "s")
                    + "; a load trace needs at least two (the last row's time marks the end)");
        }
        if (!problems.isEmpty()) {
            return null;
        }
        long start = times[0];
        long[] t = new long[rows];
        for (int i = 0; i < rows; i++) {
            t[i] = times[i] - start;
        }
        return new LoadTrace(t, Arrays.copyOf(rates, rows), null, null);
    }

    private LoadTrace requestLog() {
        if (rows == 0 && problems.isEmpty()) {
            problems.file("has no requests; a request log needs at least one row after its header");
        }
        if (!problems.isEmpty()) {
            return null;
        }
        long bucketMillis = options.bucket().toMillis();
        double bucketSeconds = bucketMillis / 1000.0;
        long[] t = new long[buckets + 1];
        double[] rps = new double[buckets + 1];
        for (int k = 0; k <= buckets; k++) {
            t[k] = k * bucketMillis;
            rps[k] = counts[Math.min(k, buckets - 1)] / bucketSeconds;
        }
        return new LoadTrace(t, rps, perSecond(tokensIn, bucketSeconds), perSecond(tokensOut, bucketSeconds));
    }

    private double[] perSecond(double[] sums, double bucketSeconds) {
        if (sums == null) {
            return null;
        }
        double[] r = new double[buckets + 1];
        for (int k = 0; k <= buckets; k++) {
            r[k] = sums[Math.min(k, buckets - 1)] / bucketSeconds;
        }
        return r;
    }

    /** The cells of a CSV line; double quotes group a cell that holds commas ({@code ""} is a quote inside one). */
    static String[] split(String line) {
        if (line.indexOf('"') < 0) {
            return line.split(",", -1);
        }
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells.toArray(String[]::new);
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"' ? s.substring(1, s.length() - 1).strip() : s;
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
