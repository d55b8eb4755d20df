package io.inferscale.simulator.trace;

import java.util.ArrayList;
import java.util.List;

/**
 * Every problem found in one trace file, each with its line, thrown at once as a {@link TraceFormatException}.
 * Keeps the first {@value #SHOWN}; the message counts the rest ("and 12 more problems").
 */
final class TraceProblems {

    static final int SHOWN = 20;

    private final String source;
    private final List<String> shown = new ArrayList<>();
    private int count;

    TraceProblems(String source) {
        this.source = source;
    }

    /** A problem on line {@code lineNo} (1-based). */
    void at(int lineNo, String problem) {
        add(source + " line " + lineNo + ": " + problem);
    }

    /** A problem of the whole file. */
    void file(String problem) {
        add(source + ": " + problem);
    }

    private void add(String message) {
        count++;
        if (shown.size() < SHOWN) {
            shown.add(message);
        }
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Throws the problems found, one per line, if any. */
    void throwIfAny() {
        if (count == 0) {
            return;
        }
        StringBuilder sb = new StringBuilder(String.join("\n", shown));
        if (count > shown.size()) {
            int more = count - shown.size();
            sb.append("\n... and ").append(more).append(" more problem").append(more == 1 ? "" : "s");
        }
        throw new TraceFormatException(sb.toString());
    }
}
