package io.inferscale.api;

import io.inferscale.api.validation.ValidationReport;

/**
 * The endpoint description is invalid, or asks for something the chosen backend cannot honour. Thrown
 * before any call to a cloud. {@link #report()} has every problem with its field path.
 */
public class InvalidEndpointException extends InferScaleException {
    private static final long serialVersionUID = 1L;

    private final transient ValidationReport report;

    /**
     * @param subject what was checked (an endpoint name or a file name)
     * @param report  the problems; should contain at least one error
     */
    public InvalidEndpointException(String subject, ValidationReport report) {
        super(message(subject, report));
        this.report = report;
    }

    /** Every problem found, errors and warnings. */
    public ValidationReport report() {
        return report;
    }

    private static String message(String subject, ValidationReport report) {
        int n = report.errors().size();
        StringBuilder sb = new StringBuilder(subject).append(" is invalid (").append(n).append(n == 1 ? " error" : " errors").append("):");
        report.errors().forEach(p -> sb.append("\n  ").append(p.hasLocation() ? "line " + p.line() + ": " : "").append(p.path().isEmpty() ? "(document)" : p.path()).append(": ").append(p.message()));
        return sb.toString();
    }
}
