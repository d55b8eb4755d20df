package io.inferscale.backend.kubernetes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The operator's probe endpoints, served by the JDK's {@code com.sun.net.httpserver} on one daemon thread:
 * {@code GET /healthz} (liveness) answers 200 {@code ok} while {@link InferenceEndpointOperator#isAlive()}, and
 * {@code GET /readyz} (readiness) answers 200 {@code ok} while {@link InferenceEndpointOperator#isReady()}; otherwise
 * 503. A follower (not holding the Lease) is alive and ready: it is a warm stand-by. Anything else is 404.
 *
 * <pre>{@code
 * try (OperatorHealthServer health = OperatorHealthServer.start(8080, operator)) { ... }
 * }</pre>
 */
public final class OperatorHealthServer implements AutoCloseable {

    /** The port {@code manifests/operator.yaml} probes. */
    public static final int DEFAULT_PORT = 8080;

    private final HttpServer server;

    private OperatorHealthServer(HttpServer server) {
        this.server = server;
    }

    /**
     * Serves the probes of {@code operator} on {@code port} (0: any free port, see {@link #port()}) on all interfaces.
     *
     * @throws UncheckedIOException when the port cannot be bound (e.g. in use)
     */
    public static OperatorHealthServer start(int port, InferenceEndpointOperator operator) {
        Objects.requireNonNull(operator, "operator");
        return start(port, operator::isAlive, operator::isReady);
    }

    static OperatorHealthServer start(int port, BooleanSupplier alive, BooleanSupplier ready) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("health port " + port + " is not a port number (0-65535; 0 picks a free one)");
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the operator's health probes on port " + port + ": " + e.getMessage()
                    + "; choose another port", e);
        }
        server.createContext("/healthz", x -> answer(x, "/healthz", alive));
        server.createContext("/readyz", x -> answer(x, "/readyz", ready));
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "inferscale-operator-health");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return new OperatorHealthServer(server);
    }

    /** The port the probes are served on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, String path, BooleanSupplier check) throws IOException {
        try (exchange) {
            boolean found = exchange.getRequestURI().getPath().equals(path);
            boolean ok = found && check.getAsBoolean();
            byte[] body = (!found ? "not found" : ok ? "ok" : "not ok").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(!found ? 404 : ok ? 200 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops serving (at once). */
    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
