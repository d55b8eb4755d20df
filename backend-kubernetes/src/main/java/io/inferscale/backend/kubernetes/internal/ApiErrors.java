package io.inferscale.backend.kubernetes.internal;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.inferscale.api.BackendException;
import io.inferscale.api.BackendException.Reason;

import java.util.Locale;
import java.util.stream.Collectors;

/** Maps fabric8 / API server failures to {@link BackendException}, keeping the server's message and the cause. */
public final class ApiErrors {
    private ApiErrors() {
    }

    /** The reason for an HTTP status code (and message, to tell a ResourceQuota rejection from a plain 403). */
    public static Reason reason(int code, String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return switch (code) {
            case 400, 415, 422 -> Reason.INVALID_REQUEST;
            case 401 -> Reason.CONFIGURATION;
            case 403 -> m.contains("exceeded quota") ? Reason.QUOTA_EXCEEDED : Reason.PERMISSION_DENIED;
            case 404, 410 -> Reason.NOT_FOUND;
            case 409 -> Reason.CONFLICT;
            case 408, 504 -> Reason.TIMEOUT;
            case 429 -> Reason.THROTTLED;
            default -> code >= 500 || code <= 0 ? Reason.UNAVAILABLE : Reason.FAILED;
        };
    }

    /**
     * Wraps a client failure.
     *
     * @param backendId the backend id for the exception
     * @param doing     what was being done, e.g. {@code apply Deployment ml/my-model-endpoint}
     */
    public static BackendException wrap(String backendId, String doing, KubernetesClientException e) {
        return wrap(backendId, doing, e, null);
    }

    /**
     * Wraps a client failure; a failure to reach the API server at all names the server and the cause.
     *
     * @param server the API server's URL, or {@code null} when unknown
     */
    public static BackendException wrap(String backendId, String doing, KubernetesClientException e, String server) {
        Throwable unreachable = e.getCode() <= 0 ? connectionFailure(e) : null;
        if (unreachable != null) {
            return new BackendException(backendId, Reason.UNAVAILABLE, doing + ": cannot reach the Kubernetes API server"
                    + (server == null ? "" : " at " + server) + ": " + describe(unreachable)
                    + "; check the kubeconfig's server and context (kubernetes.context), the network or VPN, and that the cluster is running", e);
        }
        if (e instanceof KubernetesClientTimeoutException || (e.getCode() <= 0 && timedOut(e))) {
            return new BackendException(backendId, Reason.TIMEOUT, doing + ": " + e.getMessage(), e);
        }
        Status status = e.getStatus();
        int code = e.getCode();
        String message = status != null && status.getMessage() != null && !status.getMessage().isBlank() ? status.getMessage() : e.getMessage();
        StringBuilder sb = new StringBuilder(doing).append(": ");
        if (code > 0) {
            sb.append("HTTP ").append(code).append(' ');
        }
        sb.append(message);
        if (status != null && status.getDetails() != null && status.getDetails().getCauses() != null
                && !status.getDetails().getCauses().isEmpty() && (message == null || !containsAll(message, status))) {
            sb.append(" (").append(status.getDetails().getCauses().stream().map(ApiErrors::cause).collect(Collectors.joining("; "))).append(')');
        }
        Reason reason = reason(code, message);
        if (code == 422) {
            sb.append("; the API server rejected the object InferScale rendered: check the fields named above");
        }
        return new BackendException(backendId, reason, sb.toString(), e);
    }

    /**
     * The cause that shows the request never reached an API server: refused or unroutable connection, unknown host,
     * TLS handshake or certificate failure; {@code null} for anything else.
     */
    public static Throwable connectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.NoRouteToHostException || t instanceof javax.net.ssl.SSLHandshakeException
                    || t instanceof java.security.cert.CertificateException || t instanceof java.nio.channels.UnresolvedAddressException) {
                return t;
            }
        }
        return null;
    }

    /** {@code Connection refused}, {@code unknown host kube.example}, or the class name when there is no message. */
    private static String describe(Throwable t) {
        if (t instanceof java.net.UnknownHostException || t instanceof java.nio.channels.UnresolvedAddressException) {
            return "unknown host" + (t.getMessage() == null ? "" : " " + t.getMessage());
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    /** True when the failure (without an HTTP status) is a client-side timeout: the request or the connection timed out. */
    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException || t instanceof java.net.SocketTimeoutException
                    || t instanceof java.net.http.HttpTimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsAll(String message, Status status) {
        return status.getDetails().getCauses().stream().allMatch(c -> c.getField() == null || message.contains(c.getField()));
    }

    private static String cause(StatusCause c) {
        return (c.getField() == null ? "" : c.getField() + ": ") + (c.getMessage() == null ? String.valueOf(c.getReason()) : c.getMessage());
    }
}
