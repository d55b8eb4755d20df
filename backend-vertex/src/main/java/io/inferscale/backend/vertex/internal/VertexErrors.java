package io.inferscale.backend.vertex.internal;

import com.google.api.gax.rpc.ApiException;
import io.grpc.StatusRuntimeException;
import io.inferscale.api.BackendException;
import io.inferscale.api.BackendException.Reason;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Turns GAX/gRPC failures into {@link BackendException}s, keeping Vertex's message and the SDK exception as cause. */
public final class VertexErrors {

    static final String BACKEND = "vertex";

    private VertexErrors() {
    }

    /** The reason for a gRPC status code name. */
    public static Reason reason(String code) {
        return switch (code) {
            case "NOT_FOUND" -> Reason.NOT_FOUND;
            case "ALREADY_EXISTS", "FAILED_PRECONDITION", "ABORTED" -> Reason.CONFLICT;
            case "INVALID_ARGUMENT", "OUT_OF_RANGE" -> Reason.INVALID_REQUEST;
            case "PERMISSION_DENIED" -> Reason.PERMISSION_DENIED;
            case "UNAUTHENTICATED" -> Reason.CONFIGURATION;
            case "RESOURCE_EXHAUSTED" -> Reason.QUOTA_EXCEEDED;
            case "UNAVAILABLE" -> Reason.UNAVAILABLE;
            case "DEADLINE_EXCEEDED" -> Reason.TIMEOUT;
            default -> Reason.FAILED;
        };
    }

    /**
     * The exception for a failed call.
     *
     * @param action what was being done, e.g. "DeployModel projects/.../endpoints/x"
     */
    public static BackendException map(String action, Throwable t) {
        Throwable e = t;
        while ((e instanceof ExecutionException || e instanceof java.util.concurrent.CompletionException
                || e instanceof com.google.common.util.concurrent.UncheckedExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof BackendException b) {
            return b;
        }
        if (e instanceof ApiException api) {
            String code = api.getStatusCode().getCode().name();
            return new BackendException(BACKEND, reason(code), action + " failed: " + code + ": " + message(api), api);
        }
        if (e instanceof StatusRuntimeException sre) {
            String code = sre.getStatus().getCode().name();
            return new BackendException(BACKEND, reason(code), action + " failed: " + code + ": " + sre.getStatus().getDescription(), sre);
        }
        if (e instanceof TimeoutException) {
            return new BackendException(BACKEND, Reason.TIMEOUT, action + " did not finish in time; the operation goes on in Vertex AI", e);
        }
        if (e instanceof CancellationException) {
            return new BackendException(BACKEND, Reason.FAILED, action + " was cancelled", e);
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new BackendException(BACKEND, Reason.FAILED, action + " was interrupted", e);
        }
        return new BackendException(BACKEND, Reason.FAILED, action + " failed: " + e, e);
    }

    /** Vertex's own message: the gRPC status description when there is one. */
    static String message(ApiException api) {
        if (api.getCause() instanceof StatusRuntimeException sre && sre.getStatus().getDescription() != null) {
            return sre.getStatus().getDescription();
        }
        String m = api.getMessage();
        return m == null ? api.getStatusCode().getCode().name() : m;
    }
}
