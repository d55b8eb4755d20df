package io.inferscale.backend.vertex.internal;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.ApiExceptionFactory;
import io.grpc.StatusRuntimeException;
import io.inferscale.api.BackendException;
import io.inferscale.api.BackendException.Reason;
import io.inferscale.api.Secrets;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
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
     * The reason for a gRPC status code and Vertex's message: RESOURCE_EXHAUSTED is THROTTLED when the message names a rate
     * quota ("... requests per minute ...", Google's wording for request-rate limits), QUOTA_EXCEEDED otherwise (e.g.
     * "custom_model_serving_cpus").
     */
    public static Reason reason(String code, String message) {
        if ("RESOURCE_EXHAUSTED".equals(code) && message != null
                && message.toLowerCase(java.util.Locale.ROOT).matches("(?s).*\\bper (minute|second|100 seconds)\\b.*")) {
            return Reason.THROTTLED;
        }
        return reason(code);
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
            String message = message(api);
            return new BackendException(BACKEND, reason(code, message), action + " failed: " + code + ": " + message, api);
        }
        if (e instanceof StatusRuntimeException sre) {
            String code = sre.getStatus().getCode().name();
            return new BackendException(BACKEND, reason(code), action + " failed: " + code + ": " + sre.getStatus().getDescription()
                    + transportCause(sre.getStatus()), sre);
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

    /**
     * {@code e} with every secret (e.g. the model's environment values) replaced by {@link Secrets#HIDDEN}: in its message and,
     * when the cause chain mentions one, in a copy of the cause (an {@link ApiException} keeps its status code; the
     * stack trace is kept). {@code e} itself when no secret appears.
     */
    public static BackendException hide(BackendException e, Collection<String> secrets) {
        List<String> present = secrets.stream().filter(v -> v != null && !v.isEmpty() && mentions(e, v))
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        if (present.isEmpty()) {
            return e;
        }
        Throwable cause = e.getCause();
        Throwable hiddenCause = cause;
        if (cause != null && mentionsAny(cause, present)) {
            hiddenCause = cause instanceof ApiException api
                    ? ApiExceptionFactory.createException(hide(message(api), present), null, api.getStatusCode(), api.isRetryable())
                    : new IllegalStateException(cause.getClass().getName() + ": " + hide(String.valueOf(cause.getMessage()), present));
            hiddenCause.setStackTrace(cause.getStackTrace());
        }
        String prefix = e.backendId() + ": ";
        String message = e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
        BackendException out = new BackendException(e.backendId(), e.reason(), hide(message, present), hiddenCause);
        out.setStackTrace(e.getStackTrace());
        return out;
    }

    private static boolean mentions(Throwable t, String secret) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains(secret)) {
                return true;
            }
        }
        return false;
    }

    private static boolean mentionsAny(Throwable t, List<String> secrets) {
        return secrets.stream().anyMatch(v -> mentions(t, v));
    }

    private static String hide(String text, List<String> secrets) {
        String out = text;
        for (String v : secrets) {
            out = out.replace(v, Secrets.HIDDEN);
        }
        return out;
    }

    /** Vertex's own message: the gRPC status description when there is one. */
    static String message(ApiException api) {
        if (api.getCause() instanceof StatusRuntimeException sre && sre.getStatus().getDescription() != null) {
            return sre.getStatus().getDescription() + transportCause(sre.getStatus());
        }
        String m = api.getMessage();
        return m == null ? api.getStatusCode().getCode().name() : m;
    }

    /**
     * gRPC's own failures say little ({@code UNAVAILABLE: io exception}); the transport's cause, kept on the status,
     * says what happened: {@code " (Connection refused: localhost/127.0.0.1:443)"}, {@code " (unknown host ...)"}.
     * Empty when the status carries no cause (an answer from Vertex AI itself).
     */
    static String transportCause(io.grpc.Status status) {
        Throwable root = status.getCause();
        if (root == null) {
            return "";
        }
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        if (m != null) {
            m = m.replaceFirst("^\\S+\\(\\.\\.\\) failed with error\\(-?\\d+\\): ", ""); // netty's native transport: "finishConnect(..) failed with error(-111): "
        }
        String what = root instanceof java.net.UnknownHostException ? "unknown host " + m
                : m == null || m.isBlank() ? root.getClass().getSimpleName() : m;
        return " (" + what + ")";
    }
}
