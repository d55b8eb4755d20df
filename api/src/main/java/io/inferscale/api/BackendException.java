package io.inferscale.api;

import java.util.Objects;
import java.util.Optional;

/**
 * A backend (cloud API, cluster or local fake) refused or failed an operation. {@link #reason()} says
 * which kind of failure it was, so callers can react without knowing the SDK; the message carries the
 * backend's own message; the cause is the SDK's exception.
 */
public class BackendException extends InferScaleException {
    private static final long serialVersionUID = 1L;

    /** Kinds of backend failure. */
    public enum Reason {
        /** The endpoint or one of its resources does not exist. */
        NOT_FOUND(false),
        /** Already exists, or a concurrent change is in progress (e.g. SageMaker "Cannot update in-progress endpoint"). */
        CONFLICT(true),
        /** The backend rejected the request as invalid (after InferScale's own validation passed). */
        INVALID_REQUEST(false),
        /** The credentials lack a permission. */
        PERMISSION_DENIED(false),
        /** An account or project quota or limit is exhausted. */
        QUOTA_EXCEEDED(false),
        /** The backend throttled the caller; retrying later helps. */
        THROTTLED(true),
        /** The backend is unreachable or failed internally (5xx, network); retrying later may help. */
        UNAVAILABLE(true),
        /** Waiting for a state took longer than allowed. */
        TIMEOUT(true),
        /** The endpoint reached a failed state; the message carries the backend's failure reason. */
        FAILED(false),
        /** Credentials or configuration are missing or wrong. */
        CONFIGURATION(false);

        private final boolean retryable;

        Reason(boolean retryable) {
            this.retryable = retryable;
        }

        /** True when trying again later may succeed. */
        public boolean retryable() {
            return retryable;
        }
    }

    private final String backendId;
    private final Reason reason;
    private final String step;

    /** An exception without a cause. */
    public BackendException(String backendId, Reason reason, String message) {
        this(backendId, reason, message, null);
    }

    /** An exception wrapping the SDK's exception. */
    public BackendException(String backendId, Reason reason, String message, Throwable cause) {
        this(backendId, reason, message, cause, null);
    }

    private BackendException(String backendId, Reason reason, String message, Throwable cause, String step) {
        super(backendId + ": " + message, cause);
        this.backendId = Objects.requireNonNull(backendId, "backendId");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.step = step;
    }

    /**
     * Marks {@code failure} as having stopped a multi-step operation at {@code step}, and tells the caller
     * that running the same operation again is safe. Backends throw this from {@code apply} and
     * {@code delete} only where it is true: every step before {@code step} left a complete native object
     * that the next run recognises, and the next run of {@code operation} converges from whatever state the
     * failure left (apply reaches exactly the desired state; delete removes whatever is left).
     *
     * <p>The message reads {@code "<backend>: <operation> of endpoint '<name>' stopped at step <step>
     * (<REASON>): <failure's message>. Re-running <operation> is safe: <what it does>."}; the reason and
     * retryability are the failure's, and the failure is the cause.
     *
     * @param operation {@code "apply"} or {@code "delete"}
     * @param endpoint  the endpoint's name
     * @param step      the remote call that failed, as the backend names it (e.g. {@code "CreateEndpointConfig
     *                  my-endpoint-1a2b3c"}, {@code "apply HorizontalPodAutoscaler my-endpoint"})
     * @param failure   the mapped failure of that call
     */
    public static BackendException atStep(String operation, String endpoint, String step, BackendException failure) {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(failure, "failure");
        String rerun = "delete".equals(operation)
                ? "it removes whatever is left"
                : "it continues from the state this run left and converges to the spec";
        String message = operation + " of endpoint '" + endpoint + "' stopped at step " + step
                + " (" + failure.reason() + "): " + failure.detail()
                + ". Re-running " + operation + " is safe: " + rerun + ".";
        return new BackendException(failure.backendId(), failure.reason(), message, failure, step);
    }

    /** The message without the {@code "<backend>: "} prefix. */
    private String detail() {
        String message = getMessage();
        String prefix = backendId + ": ";
        return message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    /** The endpoint {@code name} does not exist on backend {@code backendId}. */
    public static BackendException notFound(String backendId, String name) {
        return new BackendException(backendId, Reason.NOT_FOUND, "endpoint '" + name + "' not found");
    }

    /** The id of the backend that failed. */
    public String backendId() {
        return backendId;
    }

    /** What kind of failure this is. */
    public Reason reason() {
        return reason;
    }

    /**
     * The step of a multi-step {@code apply} or {@code delete} at which this failure stopped it, when the
     * backend says so (see {@link #atStep}); when present, running the same operation again is safe.
     */
    public Optional<String> step() {
        return Optional.ofNullable(step);
    }

    /** True when trying again later may succeed. */
    public boolean isRetryable() {
        return reason.retryable();
    }
}
