package io.inferscale.api.validation;

import io.inferscale.api.InvalidEndpointException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Every problem found in an endpoint description, errors and warnings together, in the order found.
 */
public final class ValidationReport {

    private static final ValidationReport EMPTY = new ValidationReport(List.of());

    private final List<Problem> problems;

    private ValidationReport(List<Problem> problems) {
        this.problems = List.copyOf(problems);
    }

    /** A report with no problems. */
    public static ValidationReport empty() {
        return EMPTY;
    }

    /** A report with the given problems. */
    public static ValidationReport of(List<Problem> problems) {
        return problems.isEmpty() ? EMPTY : new ValidationReport(problems);
    }

    /** A report with the given problems. */
    public static ValidationReport of(Problem... problems) {
        return of(List.of(problems));
    }

    /** All problems. */
    public List<Problem> problems() {
        return problems;
    }

    /** The errors only. */
    public List<Problem> errors() {
        return problems.stream().filter(Problem::isError).toList();
    }

    /** The warnings only. */
    public List<Problem> warnings() {
        return problems.stream().filter(p -> !p.isError()).toList();
    }

    /** True when there is at least one error. */
    public boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }

    /** True when there are no problems at all. */
    public boolean isEmpty() {
        return problems.isEmpty();
    }

    /** This report followed by {@code other}'s problems, without duplicates. */
    public ValidationReport and(ValidationReport other) {
        if (other.isEmpty()) {
            return this;
        }
        List<Problem> all = new ArrayList<>(problems);
        for (Problem p : other.problems) {
            if (!all.contains(p)) {
                all.add(p);
            }
        }
        return of(all);
    }

    /**
     * A copy in which problems without a location get one from {@code locate} (which returns
     * {@code int[]{line, column}} for a path, or {@code null}).
     */
    public ValidationReport locate(Function<String, int[]> locate) {
        Objects.requireNonNull(locate, "locate");
        return of(problems.stream().map(p -> {
            if (p.hasLocation()) {
                return p;
            }
            int[] at = locate.apply(p.path());
            return at == null ? p : p.at(at[0], at[1]);
        }).toList());
    }

    /** A copy sorted by source line (unknown lines last), keeping the order of equal lines. */
    public ValidationReport sortedByLine() {
        return of(problems.stream()
                .sorted(Comparator.comparingInt((Problem p) -> p.hasLocation() ? p.line() : Integer.MAX_VALUE))
                .toList());
    }

    /**
     * Throws when there are errors.
     *
     * @param subject what was validated, for the message (e.g. the endpoint name)
     * @throws InvalidEndpointException with this report, when it has errors
     */
    public void throwIfErrors(String subject) {
        if (hasErrors()) {
            throw new InvalidEndpointException(subject, this);
        }
    }

    /** One problem a line, as the CLI prints them. */
    public String format() {
        return String.join("\n", problems.stream().map(Problem::toString).toList());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValidationReport r && problems.equals(r.problems);
    }

    @Override
    public int hashCode() {
        return problems.hashCode();
    }

    @Override
    public String toString() {
        return format();
    }
}
