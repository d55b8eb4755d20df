package io.inferscale.api.backend;

import io.inferscale.api.BackendException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The outcome of {@link Backend#applyAll} or {@link Backend#planAll}: one {@link EndpointOutcome} per endpoint, in the
 * order the endpoints were given. A failed endpoint does not hide the others' results.
 *
 * @param outcomes every endpoint's outcome, in the order given; names are unique
 * @param <T>      the result type ({@link ApplyResult} or {@link Plan})
 */
public record FleetResult<T>(List<EndpointOutcome<T>> outcomes) {

    /** Copies the outcomes; rejects two outcomes for one name. */
    public FleetResult {
        outcomes = List.copyOf(outcomes);
        if (outcomes.stream().map(EndpointOutcome::name).distinct().count() != outcomes.size()) {
            throw new IllegalArgumentException("a fleet result has one outcome per endpoint name");
        }
    }

    /** True when every endpoint succeeded (also when there were none). */
    public boolean allSucceeded() {
        return outcomes.stream().allMatch(EndpointOutcome::succeeded);
    }

    /** The results of the endpoints that succeeded, by name, in the order given. */
    public Map<String, T> results() {
        Map<String, T> out = new LinkedHashMap<>();
        outcomes.stream().filter(EndpointOutcome::succeeded).forEach(o -> out.put(o.name(), o.result()));
        return out;
    }

    /** The failures of the endpoints that failed, by name, in the order given. */
    public Map<String, BackendException> failures() {
        Map<String, BackendException> out = new LinkedHashMap<>();
        outcomes.stream().filter(o -> !o.succeeded()).forEach(o -> out.put(o.name(), o.failure()));
        return out;
    }

    /**
     * The outcome of endpoint {@code name}.
     *
     * @throws NoSuchElementException when the fleet had no endpoint of that name
     */
    public EndpointOutcome<T> outcome(String name) {
        Objects.requireNonNull(name, "name");
        return outcomes.stream().filter(o -> o.name().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("the fleet had no endpoint named '" + name + "'"));
    }

    /**
     * Throws the first failure (in the order given), with every other failure added as suppressed; returns the
     * results by name when there was none.
     *
     * @throws BackendException the first endpoint's failure, when any endpoint failed
     */
    public Map<String, T> orThrow() {
        List<BackendException> failed = List.copyOf(failures().values());
        if (!failed.isEmpty()) {
            BackendException first = failed.get(0);
            if (first.getSuppressed().length == 0) {
                failed.stream().skip(1).forEach(first::addSuppressed);
            }
            throw first;
        }
        return results();
    }
}
