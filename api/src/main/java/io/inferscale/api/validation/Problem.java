package io.inferscale.api.validation;

import java.util.Objects;

/**
 * One problem found in an endpoint description.
 *
 * @param severity error or warning
 * @param path     the field path, e.g. {@code spec.autoscaling.maxReplicas}; the document root is {@code ""}
 * @param message  what is wrong and how to fix it
 * @param line     1-based line in the source document, or 0 when unknown
 * @param column   1-based column in the source document, or 0 when unknown
 */
public record Problem(Severity severity, String path, String message, int line, int column) {

    /** Rejects nulls. */
    public Problem {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** An error at a field path, location unknown. */
    public static Problem error(String path, String message) {
        return new Problem(Severity.ERROR, path, message, 0, 0);
    }

    /** A warning at a field path, location unknown. */
    public static Problem warning(String path, String message) {
        return new Problem(Severity.WARNING, path, message, 0, 0);
    }

    /** True for errors. */
    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** True when the source line is known. */
    public boolean hasLocation() {
        return line > 0;
    }

    /** A copy at the given source location. */
    public Problem at(int line, int column) {
        return new Problem(severity, path, message, line, column);
    }

    /** {@code error: spec.autoscaling.maxReplicas: message}, the CLI's format. */
    public String format() {
        return severity.label() + ": " + (path.isEmpty() ? "(document)" : path) + ": " + message;
    }

    @Override
    public String toString() {
        return (hasLocation() ? "line " + line + ": " : "") + format();
    }
}
