package io.inferscale.backend.kubernetes.internal;

import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Says, while fabric8 retries, that the API server cannot be reached and why, so a command does not sit silent for the
 * seconds its retries take. fabric8 calls {@link #afterConnectionFailure} before each retry of a request that got no
 * connection; each call reports one line to the sink (by default the WARN level of the {@code io.inferscale.progress}
 * logger, which the {@code inferscale} command shows).
 */
public final class ConnectionProgress implements Interceptor {

    /** The logger the default sink writes to. */
    public static final String LOGGER = "io.inferscale.progress";

    private final String server;
    private final int retries;
    private final Consumer<String> sink;
    private final AtomicInteger failures = new AtomicInteger();

    /**
     * @param server  the API server's URL, as the kubeconfig names it
     * @param retries fabric8's retry limit ({@code kubernetes.retryBackoffLimit})
     * @param sink    where each line goes
     */
    public ConnectionProgress(String server, int retries, Consumer<String> sink) {
        this.server = Objects.requireNonNull(server, "server");
        this.retries = retries;
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * What {@code KubernetesClientBuilder.withHttpClientBuilderConsumer} takes to install a {@link #logging} instance. A
     * method of this class, so that linking {@code KubernetesBackend} (as {@code render} does) loads no HTTP client class.
     */
    public static Consumer<io.fabric8.kubernetes.client.http.HttpClient.Builder> installer(String server, int retries) {
        return b -> b.addOrReplaceInterceptor("inferscale-connection-progress", logging(server, retries));
    }

    /** Lines to the {@value #LOGGER} logger at WARN. */
    public static ConnectionProgress logging(String server, int retries) {
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LOGGER);
        return new ConnectionProgress(server, retries, log::warn);
    }

    @Override
    public void afterConnectionFailure(HttpRequest request, Throwable failure) {
        Throwable cause = ApiErrors.connectionFailure(failure);
        String why = cause == null ? String.valueOf(failure) : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        int n = failures.incrementAndGet();
        sink.accept("kubernetes: cannot reach the API server at " + server + " (" + why + "); retry " + Math.min(n, retries) + " of "
                + retries);
    }
}
