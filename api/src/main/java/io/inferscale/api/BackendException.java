package io.inferscale.api;

import java.util.Objects;

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

    /** An exception without a cause. */
    public BackendException(String backendId, Reason reason, String message) {
        this(backendId, reason, message, null);
    }

    /** An exception wrapping the SDK's exception. */
    public BackendException(String backendId, Reason reason, String message, Throwable cause) {
        super(backendId + ": " + message, cause);
        this.backendId = Objects.requireNonNull(backendId, "backendId");
        this.reason = Objects.requireNonNull(reason, "reason");
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

    /** True when trying again later may succeed. */
    public boolean isRetryable() {
        return reason.retryable();
    }
}
