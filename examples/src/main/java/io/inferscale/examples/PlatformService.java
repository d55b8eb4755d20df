package io.inferscale.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.inferscale.api.BackendException;
import io.inferscale.api.InferScaleException;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.codec.EndpointDocument;
import io.inferscale.api.codec.Json;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small internal platform service ("deploy model X with autoscaling") on the JDK's HTTP server, using
 * whichever backend is on the class path. JSON in and out:
 *
 * <ul>
 *   <li>{@code POST /endpoints}: an InferenceEndpoint document, YAML or JSON. Creates or updates it:
 *       {@code 201} when created, {@code 200} when updated or unchanged, with the status, the changes made and
 *       any warnings. An invalid document gets {@code 400} with every problem
 *       ({@code {"error": ..., "problems": [{"severity", "path", "message", "line", "column"}]}}).</li>
 *   <li>{@code GET /endpoints}: {@code {"items": [status...]}}; {@code GET /endpoints/NAME}: one status or {@code 404}.</li>
 *   <li>{@code DELETE /endpoints/NAME}: {@code 204}, or {@code 404} when it does not exist.</li>
 * </ul>
 *
 * <p>Backend failures map to HTTP: not found 404, conflict 409, throttled 429, permission denied 403, others 502;
 * the body names the reason. Bodies over {@link EndpointCodec#MAX_DOCUMENT_CHARS} characters get 413.
 */
public final class PlatformService implements AutoCloseable {

    private static final int MAX_BODY_BYTES = EndpointCodec.MAX_DOCUMENT_CHARS * 4;
    /** How much of an oversized body is read and thrown away after the 413, so that the client sees the answer. */
    private static final long MAX_DISCARDED_BYTES = 128L * 1024 * 1024;

    private final Backend backend;
    private final HttpServer server;
    private final ExecutorService executor;

    private PlatformService(Backend backend, HttpServer server, ExecutorService executor) {
        this.backend = backend;
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving.
     *
     * @param backend the backend to deploy with (not closed by {@link #close()})
     * @param address where to listen; port 0 picks a free port
     */
    public static PlatformService start(Backend backend, InetSocketAddress address) throws IOException {
        HttpServer server = HttpServer.create(address, 0);
        ExecutorService executor = Executors.newFixedThreadPool(4);
        PlatformService service = new PlatformService(backend, server, executor);
        server.createContext("/endpoints", service::handle);
        server.setExecutor(executor);
        server.start();
        return service;
    }

    /** The base URI, e.g. {@code http://127.0.0.1:8080}. */
    public URI uri() {
        InetSocketAddress a = server.getAddress();
        return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort());
    }

    /** Stops serving at once. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * Serves on {@code 127.0.0.1} and the port in the first argument (default 8080) until interrupted, with
     * the backend {@link BackendChoice} picks ({@code INFERSCALE_BACKEND}, the one cloud on the class path, or in-memory).
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        Backends backends = Backends.discover();
        String id = BackendChoice.choose(backends, System::getenv);
        Backend backend = backends.create(id, BackendConfig.fromEnvironment());
        PlatformService service = start(backend, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        System.out.println("Serving " + service.uri() + "/endpoints with the " + id + " backend; Ctrl-C stops.");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            backend.close();
            stopped.countDown();
        }));
        stopped.await();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String rest = path.length() > "/endpoints".length() ? path.substring("/endpoints".length()) : "";
            String name = rest.startsWith("/") && rest.length() > 1 ? rest.substring(1) : null;
            if (!rest.isEmpty() && !rest.equals("/") && (name == null || name.contains("/"))) {
                send(exchange, 404, error("no such resource: " + path + "; use /endpoints or /endpoints/NAME"));
                return;
            }
            String method = exchange.getRequestMethod();
            try {
                if (name == null) {
                    switch (method) {
                        case "POST" -> post(exchange);
                        case "GET" -> send(exchange, 200, Map.of("items", backend.list().stream().map(EndpointStatus::toTree).toList()));
                        default -> notAllowed(exchange, "GET, POST");
                    }
                } else {
                    switch (method) {
                        case "GET" -> {
                            Optional<EndpointStatus> s = backend.get(name);
                            if (s.isPresent()) {
                                send(exchange, 200, s.get().toTree());
                            } else {
                                send(exchange, 404, error("endpoint '" + name + "' not found"));
                            }
                        }
                        case "DELETE" -> {
                            if (backend.delete(name)) {
                                exchange.sendResponseHeaders(204, -1);
                            } else {
                                send(exchange, 404, error("endpoint '" + name + "' not found"));
                            }
                        }
                        default -> notAllowed(exchange, "GET, DELETE");
                    }
                }
            } catch (BackendException e) {
                int code = switch (e.reason()) {
                    case NOT_FOUND -> 404;
                    case CONFLICT -> 409;
                    case THROTTLED -> 429;
                    case PERMISSION_DENIED -> 403;
                    default -> 502;
                };
                Map<String, Object> body = error(e.getMessage());
                body.put("reason", e.reason().name());
                send(exchange, code, body);
            } catch (InvalidEndpointException e) {
                // e.g. a name in the path that is not a DNS-1123 label: the caller's mistake, refused before any lookup
                send(exchange, 400, invalid(e.getMessage().lines().findFirst().orElse("invalid request"), e.report()));
            } catch (InferScaleException e) {
                send(exchange, 500, error(e.getMessage()));
            } catch (RuntimeException e) {
                send(exchange, 500, error("internal error: " + e.getClass().getSimpleName()));
            }
        }
    }

    private void post(HttpExchange exchange) throws IOException {
        byte[] body;
        InputStream in = exchange.getRequestBody();
        body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            tooLarge(exchange, in);
            return;
        }
        in.close();
        EndpointDocument doc;
        try {
            // the bytes, not a leniently decoded String: the codec refuses a body that is not UTF-8, naming the byte
            doc = EndpointCodec.read(new java.io.ByteArrayInputStream(body), "request body");
        } catch (InvalidEndpointException e) {
            send(exchange, 400, invalid(e.getMessage().lines().findFirst().orElse("invalid document"), e.report()));
            return;
        }
        ValidationReport report = doc.locate(backend.validate(doc.endpoint()));
        if (report.hasErrors()) {
            send(exchange, 400, invalid("endpoint '" + doc.endpoint().name() + "' is invalid on backend '" + backend.id() + "'", report));
            return;
        }
        boolean existed = backend.get(doc.endpoint().name()).isPresent();
        ApplyResult result = backend.apply(doc.endpoint());
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("endpoint", result.status().toTree());
        List<Object> changes = new ArrayList<>();
        for (Change c : result.plan().changes()) {
            changes.add(c.toString());
        }
        response.put("changes", changes);
        response.put("warnings", problems(report.warnings()));
        send(exchange, existed ? 200 : 201, response);
    }

    private static void notAllowed(HttpExchange exchange, String allowed) throws IOException {
        exchange.getResponseHeaders().set("Allow", allowed);
        send(exchange, 405, error(exchange.getRequestMethod() + " is not allowed here; use " + allowed));
    }

    private static Map<String, Object> error(String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message);
        return m;
    }

    private static Map<String, Object> invalid(String message, ValidationReport report) {
        Map<String, Object> m = error(message);
        m.put("problems", problems(report.problems()));
        return m;
    }

    private static List<Object> problems(List<Problem> problems) {
        List<Object> list = new ArrayList<>();
        for (Problem p : problems) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("severity", p.severity().label());
            m.put("path", p.path());
            m.put("message", p.message());
            m.put("line", p.line());
            m.put("column", p.column());
            list.add(m);
        }
        return list;
    }

    /**
     * 413 for a body over the limit. The answer is written first, then the rest of the body is read and discarded
     * (at most {@link #MAX_DISCARDED_BYTES}, never kept), so the client, still sending, reads the 413 instead of a
     * connection reset; a longer body is cut off by closing the connection.
     */
    private static void tooLarge(HttpExchange exchange, InputStream in) throws IOException {
        byte[] bytes = (Json.write(error("the document is larger than " + EndpointCodec.MAX_DOCUMENT_CHARS + " characters")) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Connection", "close");
        exchange.sendResponseHeaders(413, bytes.length);
        OutputStream out = exchange.getResponseBody();
        out.write(bytes);
        out.flush();
        long discarded = 0;
        byte[] sink = new byte[64 * 1024];
        for (int n; discarded < MAX_DISCARDED_BYTES && (n = in.read(sink)) > 0; ) {
            discarded += n;
        }
        out.close();
    }

    private static void send(HttpExchange exchange, int code, Object body) throws IOException {
        byte[] bytes = (Json.write(body) + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
