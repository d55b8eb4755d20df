package io.inferscale.bench.kubernetes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.backend.kubernetes.KubernetesBackend;
import io.inferscale.backend.kubernetes.KubernetesSettings;
import io.inferscale.backend.kubernetes.KubernetesTranslator;
import io.inferscale.backend.kubernetes.MockCluster;
import io.inferscale.bench.Seed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Requests per object: {@code kubectl apply} (client-side and {@code --server-side}) against InferScale's
 * {@link KubernetesBackend#apply}, for the three objects of the seed endpoint, fresh apply and unchanged re-apply, on
 * the backend's test stand-in ({@link MockCluster}: fabric8's CRUD mock plus server-side apply).
 *
 * <p>fabric8's mock serves no discovery and no OpenAPI, which kubectl needs, so kubectl talks to a small front server
 * in this class that answers discovery itself ({@code /api}, {@code /apis}, {@code /api/v1}, {@code /apis/apps/v1},
 * {@code /apis/autoscaling/v2}: static legacy documents listing services, deployments and horizontalpodautoscalers;
 * {@code /openapi/*} and {@code /version} answered 404 / a fixed version) and forwards everything else to the mock
 * unchanged. Requests are counted at that front server (discovery included) and at the mock (discovery excluded).
 * kubectl runs with {@code --validate=false} (client-side schema validation needs the OpenAPI document the mock lacks)
 * and a fresh {@code --cache-dir} per scenario, so the first apply does discovery and the re-apply may use the cache.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.inferscale.bench.kubernetes.KubectlComparison [kubectl=/usr/bin/kubectl]</pre>
 */
public final class KubectlComparison {

    private static final Set<String> DISCOVERY = Set.of("/api", "/apis", "/api/v1", "/apis/apps/v1", "/apis/autoscaling/v2", "/version");

    private KubectlComparison() {
    }

    /** Runs the comparison and prints Markdown tables. */
    public static void main(String[] args) throws Exception {
        String kubectl = args.length > 0 ? args[0] : "/usr/bin/kubectl";
        InferenceEndpoint seed = Seed.endpoint();
        Path dir = Files.createTempDirectory("kubectl-bench");
        Path manifest = dir.resolve("endpoint.yaml");
        Files.writeString(manifest, new KubernetesTranslator(KubernetesSettings.defaults()).translate(seed).toYaml());
        System.out.println("| client | apply | requests incl. discovery | discovery | requests to objects | writes | per object (excl. discovery) | request lines |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (boolean serverSide : new boolean[] {false, true}) {
            try (MockCluster cluster = new MockCluster(); Front front = new Front(cluster.endpoint())) {
                Path kubeconfig = dir.resolve("kubeconfig-" + serverSide);
                Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n    server: http://127.0.0.1:"
                        + front.port() + "\ncontexts:\n- name: mock\n  context:\n    cluster: mock\n    namespace: test\n    user: u\n"
                        + "current-context: mock\nusers:\n- name: u\n  user:\n    token: bench\n");
                Path cache = Files.createDirectories(dir.resolve("cache-" + serverSide));
                for (String phase : List.of("fresh", "re-apply")) {
                    int f0 = front.log.size();
                    int m0 = cluster.requests().size();
                    List<String> cmd = new ArrayList<>(List.of(kubectl, "--kubeconfig", kubeconfig.toString(), "--cache-dir", cache.toString(),
                            "apply", "--validate=false", "-f", manifest.toString()));
                    if (serverSide) {
                        cmd.add("--server-side");
                    }
                    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                    if (p.waitFor() != 0) {
                        throw new IllegalStateException("kubectl failed: " + out + "\nrequests: " + front.log.subList(f0, front.log.size()));
                    }
                    List<String> all = List.copyOf(front.log.subList(f0, front.log.size()));
                    long discovery = all.stream().filter(l -> l.startsWith("D ")).count();
                    List<RecordedRequest> objects = cluster.requests().subList(m0, cluster.requests().size());
                    long writes = objects.stream().filter(r -> !"GET".equals(r.getMethod())).count();
                    System.out.printf("| kubectl apply%s | %s | %d | %d | %d | %d | %.2f | %s |%n", serverSide ? " --server-side" : "", phase,
                            all.size(), discovery, objects.size(), writes, objects.size() / 3.0, String.join("<br>", all).replace("|", "\\|"));
                    System.err.println(out);
                }
            }
        }
        try (MockCluster cluster = new MockCluster()) {
            KubernetesBackend backend = new KubernetesBackend(cluster.client(), KubernetesSettings.defaults());
            for (String phase : List.of("fresh", "re-apply")) {
                int m0 = cluster.requests().size();
                backend.apply(seed);
                List<RecordedRequest> objects = cluster.requests().subList(m0, cluster.requests().size());
                long writes = objects.stream().filter(r -> !"GET".equals(r.getMethod())).count();
                System.out.printf("| InferScale KubernetesBackend.apply | %s | %d | 0 | %d | %d | %.2f | %s |%n", phase, objects.size(), objects.size(),
                        writes, objects.size() / 3.0, String.join("<br>", objects.stream().map(r -> r.getMethod() + " " + path(r.getPath())).toList()));
            }
            backend.close();
        }
    }

    private static String path(String p) {
        return p.contains("?") ? p.substring(0, p.indexOf('?')) : p;
    }

    /** Serves discovery, forwards the rest to the mock, logs "D|F METHOD path -> status". */
    private static final class Front implements AutoCloseable {
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        private final HttpServer server;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final String upstream;

        Front(String upstream) throws IOException {
            this.upstream = upstream;
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", this::handle);
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        private void handle(HttpExchange ex) throws IOException {
            String path = ex.getRequestURI().getRawPath();
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            String method = ex.getRequestMethod();
            int status;
            byte[] out;
            String type = "application/json";
            String doc = discovery(path);
            if (doc != null || path.startsWith("/openapi")) {
                status = doc == null ? 404 : 200;
                out = (doc == null ? "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":404,\"reason\":\"NotFound\"}" : doc)
                        .getBytes(StandardCharsets.UTF_8);
                log.add("D " + method + " " + path + " -> " + status);
            } else {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstream + ex.getRequestURI().toString()))
                        .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
                for (String h : List.of("Content-Type", "Accept", "User-Agent")) {
                    String v = ex.getRequestHeaders().getFirst(h);
                    if (v != null) {
                        b.header(h, v);
                    }
                }
                try {
                    HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                    status = r.statusCode();
                    out = r.body();
                    type = r.headers().firstValue("Content-Type").orElse(type);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
                log.add("F " + method + " " + path + " -> " + status);
            }
            ex.getResponseHeaders().add("Content-Type", type);
            ex.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        }

        private static String discovery(String path) {
            return switch (path) {
                case "/version" -> "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0\",\"platform\":\"linux/amd64\"}";
                case "/api" -> "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1\"}]}";
                case "/apis" -> "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[" + group("apps", "v1") + "," + group("autoscaling", "v2") + "]}";
                case "/api/v1" -> resources("v1", resource("services", "service", "Service", "svc"));
                case "/apis/apps/v1" -> resources("apps/v1", resource("deployments", "deployment", "Deployment", "deploy"));
                case "/apis/autoscaling/v2" -> resources("autoscaling/v2", resource("horizontalpodautoscalers", "horizontalpodautoscaler",
                        "HorizontalPodAutoscaler", "hpa"));
                default -> null;
            };
        }

        private static String group(String name, String version) {
            String gv = "{\"groupVersion\":\"" + name + "/" + version + "\",\"version\":\"" + version + "\"}";
            return "{\"name\":\"" + name + "\",\"versions\":[" + gv + "],\"preferredVersion\":" + gv + "}";
        }

        private static String resources(String groupVersion, String resource) {
            return "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"" + groupVersion + "\",\"resources\":[" + resource + "]}";
        }

        private static String resource(String plural, String singular, String kind, String shortName) {
            return "{\"name\":\"" + plural + "\",\"singularName\":\"" + singular + "\",\"namespaced\":true,\"kind\":\"" + kind
                    + "\",\"verbs\":[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\",\"update\",\"watch\"],\"shortNames\":[\"" + shortName + "\"]}";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

}
