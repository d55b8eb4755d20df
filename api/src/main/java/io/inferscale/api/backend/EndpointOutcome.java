package io.inferscale.api.backend;

import io.inferscale.api.BackendException;

import java.util.Objects;
import java.util.Optional;

/**
 * What one endpoint of a {@link Backend#applyAll} or {@link Backend#planAll} came to: its result, or the failure that
 * stopped it. Exactly one of the two is present.
 *
 * @param name    the endpoint's name ({@code metadata.name})
 * @param result  the endpoint's result ({@link ApplyResult} or {@link Plan}), or null when it failed
 * @param failure the failure, or null when it succeeded; its message names the endpoint
 * @param <T>     the result type
 */
public record EndpointOutcome<T>(String name, T result, BackendException failure) {

    /** Rejects a missing name and an outcome that is both or neither a result and a failure. */
    public EndpointOutcome {
        Objects.requireNonNull(name, "name");
        if ((result == null) == (failure == null)) {
            throw new IllegalArgumentException("an outcome of endpoint '" + name + "' is either a result or a failure");
        }
    }

    /** A successful outcome. */
    public static <T> EndpointOutcome<T> succeeded(String name, T result) {
        return new EndpointOutcome<>(name, Objects.requireNonNull(result, "result"), null);
    }

    /** A failed outcome. */
    public static <T> EndpointOutcome<T> failed(String name, BackendException failure) {
        return new EndpointOutcome<>(name, null, Objects.requireNonNull(failure, "failure"));
    }

    /** True when the endpoint has a result. */
    public boolean succeeded() {
        return result != null;
    }

    /** The result, empty when the endpoint failed. */
    public Optional<T> resultIfAny() {
        return Optional.ofNullable(result);
    }

    /** The failure, empty when the endpoint succeeded. */
    public Optional<BackendException> failureIfAny() {
        return Optional.ofNullable(failure);
    }
}
