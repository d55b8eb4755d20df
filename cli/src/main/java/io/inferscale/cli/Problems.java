package io.inferscale.cli;

import io.inferscale.api.validation.Problem;

/** Formats problems the way compilers do: {@code FILE:LINE: error: path: message}. */
final class Problems {
    private Problems() {
    }

    static String format(String source, Problem p) {
        return (p.hasLocation() && !source.isEmpty() ? source + ":" + p.line() + ": " : "") + p.format();
    }
}
