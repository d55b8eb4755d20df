package io.inferscale.bench.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.inferscale.backend.kubernetes.InferenceEndpointOperator;
import io.inferscale.backend.kubernetes.InferenceEndpointResource;
import io.inferscale.backend.kubernetes.KubernetesSettings;
import io.inferscale.backend.kubernetes.KubernetesTranslator;
import io.inferscale.backend.kubernetes.MockCluster;
import io.inferscale.bench.Phase;
import io.inferscale.bench.Seed;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The operator from a cold start (issue 19): {@code n} InferenceEndpoint resources exist, none has children; the
 * operator starts ({@link InferenceEndpointOperator#start()}: its informers list and watch the resources and the
 * children, then it reconciles every resource) on the fabric8 CRUD mock server with the backend's server-side-apply
 * stand-in ({@link MockCluster} from the backend's test-jar). Measured per round:
 * <ul>
 *   <li>time from {@code start()} until every resource has a status for its generation (polled every 500 ms with a
 *       client the mock does not log);</li>
 *   <li>the operator's requests by call until 3 s after that (the events of its last writes drained), split into its
 *       informers' LISTs and WATCHes (a fixed number, not per endpoint) and the rest, per endpoint;</li>
 *   <li>the operator's retained heap: used heap after full GCs with the operator running and every resource reconciled,
 *       minus the same after {@code close()} (the mock's stored objects and its request log stay in both), per endpoint;</li>
 *   <li>then a steady state of {@code steadySeconds} with no change: the operator's requests other than WATCHes
 *       (re-opened watches are counted apart), which must be 0.</li>
 * </ul>
 * The baseline, in the same JVM and round, on a fresh cluster with the same resources: plain fabric8 calls doing the least
 * an operator must do per endpoint (server-side apply of the three objects {@link KubernetesTranslator} renders, and a
 * merge patch of the status), on {@code threads} threads; its wall time and requests are the reference for the ratios.
 * Rounds alternate the order of the two. Load average ({@code /proc/loadavg}) is printed before and after each phase.
 *
 * <pre>java -Xms1g -Xmx1g -cp bench/target/benchmarks.jar io.inferscale.bench.kubernetes.OperatorColdStartBench [n=1000] [rounds=2] [steadySeconds=60] [threads=8]</pre>
 */
public final class OperatorColdStartBench {

    private static final String AGENT = "inferscale-operator-bench";
    private static final String NS = "test";
    /**
     * fabric8's default request timeout is 10 s; on the loaded machine the mock's event loop has stalled for up to 8 s, so
     * an informer's first LIST timed out and the operator did not start. Both sides get 2 minutes.
     */
    private static final int REQUEST_TIMEOUT_MS = 120_000;

    private OperatorColdStartBench() {
    }

    /** What one operator cold start measured. */
    record Run(long wallNanos, long cpuNanos, Map<String, Long> calls, long informerRequests, long reconcileRequests, long reconcileWrites,
               long operatorHeap, long steadyRequests, long steadyWatches, String loadBefore, String loadAfter) {
    }

    /** What one baseline pass measured. */
    record Baseline(long wallNanos, long cpuNanos, long requests, long writes, Map<String, Long> calls, String loadBefore, String loadAfter) {
    }

    /** Runs the benchmark and prints Markdown tables. */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int steadySeconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        System.out.printf(Locale.ROOT, "n=%d rounds=%d steady=%ds baseline threads=%d, %d cores, heap max %d MiB%n", n, rounds, steadySeconds,
                threads, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        System.out.println("warm-up (50 endpoints, 2 s steady state, not reported)...");
        operator(50, 2);
        baseline(50, threads);
        List<String> rows = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            boolean operatorFirst = r % 2 == 1;
            Run op = null;
            Baseline base = null;
            for (int k = 0; k < 2; k++) {
                if ((k == 0) == operatorFirst) {
                    op = operator(n, steadySeconds);
                } else {
                    base = baseline(n, threads);
                }
            }
            rows.add(String.format(Locale.ROOT, "| r%d baseline: fabric8 SSA x3 + status patch | %.1f | %.1f | %d | %.2f | %d | - | - | - | %s / %s |",
                    r, base.wallNanos / 1e9, base.cpuNanos / 1e9, base.requests, base.requests / (double) n, base.writes, base.loadBefore, base.loadAfter));
            rows.add(String.format(Locale.ROOT, "| r%d operator cold start | %.1f (%.2fx) | %.1f | %d + %d informer | %.2f | %d | %.1f | %d | %d | %s / %s |",
                    r, op.wallNanos / 1e9, op.wallNanos / (double) base.wallNanos, op.cpuNanos / 1e9, op.reconcileRequests, op.informerRequests,
                    op.reconcileRequests / (double) n, op.reconcileWrites, op.operatorHeap / 1024.0 / n, op.steadyRequests, op.steadyWatches,
                    op.loadBefore, op.loadAfter));
            System.out.println("r" + r + " operator requests by call: " + op.calls);
            System.out.println("r" + r + " baseline requests by call: " + base.calls);
        }
        System.out.println();
        System.out.println("| phase | wall s (vs baseline) | JVM CPU s | requests | requests per endpoint | writes | operator heap KiB per endpoint"
                + " | steady-state requests beyond watches (" + steadySeconds + " s) | watches re-opened | load avg before / after |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    /** A fresh cluster with the CRD and {@code n} InferenceEndpoint resources made from the seed (no children). */
    private static MockCluster clusterWithResources(int n) throws IOException {
        MockCluster cluster = new MockCluster();
        KubernetesClient c = cluster.controllerClient();
        try (InputStream crd = InferenceEndpointOperator.class.getResourceAsStream("/manifests/crd.yaml")) {
            c.resource(c.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class)).create();
        }
        String seed;
        try (InputStream in = OperatorColdStartBench.class.getResourceAsStream("/seed/inference_endpoint.yaml")) {
            seed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> created = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                InferenceEndpointResource r = c.getKubernetesSerialization().unmarshal(variant(seed, i), InferenceEndpointResource.class);
                created.add(pool.submit(() -> c.resource(r).inNamespace(NS).create()));
            }
            for (Future<?> f : created) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the InferenceEndpoint resources", e);
        } finally {
            pool.shutdown();
        }
        return cluster;
    }

    /** The seed resource as endpoint {@code i}: the name, maxReplicas and CPU target of {@link Seed#variant}. */
    private static String variant(String seed, int i) {
        return seed.replace("name: my-model-endpoint", "name: " + String.format("ep-%05d", i))
                .replace("maxReplicas: 5", "maxReplicas: " + (5 + i % 10))
                .replace("targetCPUUtilizationPercentage: 60", "targetCPUUtilizationPercentage: " + (50 + i % 30));
    }

    /** One cold start of the operator over {@code n} resources, then {@code steadySeconds} of steady state. */
    static Run operator(int n, int steadySeconds) throws Exception {
        try (MockCluster cluster = clusterWithResources(n)) {
            KubernetesClient watcher = cluster.controllerClient();
            int r0 = cluster.requests().size();
            String loadBefore = loadAverage();
            Phase.settle();
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long start = System.nanoTime();
            InferenceEndpointOperator operator = InferenceEndpointOperator.create(
                    cluster.client(AGENT, c -> c.withRequestTimeout(REQUEST_TIMEOUT_MS)), KubernetesSettings.defaults(), Set.of(NS));
            try {
                operator.start();
                while (reconciled(watcher) < n) {
                    if (System.nanoTime() - start > 600_000_000_000L) {
                        throw new IllegalStateException("not every resource reconciled within 600 s: " + reconciled(watcher) + " of " + n);
                    }
                    Thread.sleep(500);
                }
                long wall = System.nanoTime() - start;
                long cpu = os.getProcessCpuTime() - cpu0;
                String loadAfter = loadAverage();
                // the events of the operator's own writes may still be in flight: what they cause counts for the cold start
                Thread.sleep(3_000);
                List<RecordedRequest> upToSteady = cluster.requests();
                int s0 = upToSteady.size();
                List<RecordedRequest> coldStart = upToSteady.subList(r0, s0).stream().filter(q -> AGENT.equals(q.getHeader("User-Agent"))).toList();
                Thread.sleep(steadySeconds * 1000L);
                List<RecordedRequest> steady = byOperator(cluster, s0);
                long steadyWatches = steady.stream().filter(OperatorColdStartBench::isWatch).count();
                Phase.settle();
                long withOperator = heapUsed();
                operator.close();
                operator = null;
                Phase.settle();
                long without = heapUsed();
                Map<String, Long> calls = new TreeMap<>();
                coldStart.forEach(q -> calls.merge(label(q), 1L, Long::sum));
                long informer = coldStart.stream().filter(q -> isWatch(q) || isList(q)).count();
                long reconcile = coldStart.size() - informer;
                long writes = coldStart.stream().filter(q -> !"GET".equals(q.getMethod())).count();
                return new Run(wall, cpu, calls, informer, reconcile, writes, withOperator - without, steady.size() - steadyWatches,
                        steadyWatches, loadBefore, loadAfter);
            } finally {
                if (operator != null) {
                    operator.close();
                }
            }
        }
    }

    /** The least an operator does per endpoint, with plain fabric8: SSA of the three objects, a merge patch of the status. */
    static Baseline baseline(int n, int threads) throws Exception {
        KubernetesTranslator translator = new KubernetesTranslator(KubernetesSettings.defaults());
        List<List<HasMetadata>> objects = new ArrayList<>();
        for (var e : Seed.fleet(n, x -> x)) {
            objects.add(translator.translate(e).objects());
        }
        try (MockCluster cluster = clusterWithResources(n)) {
            KubernetesClient client = cluster.client(AGENT, c -> c.withRequestTimeout(REQUEST_TIMEOUT_MS));
            int r0 = cluster.requests().size();
            String loadBefore = loadAverage();
            Phase.Result result = Phase.run("baseline", n, threads, i -> {
                objects.get(i).forEach(o -> client.resource(o).inNamespace(NS).fieldManager("x").forceConflicts().serverSideApply());
                client.resources(InferenceEndpointResource.class).inNamespace(NS).withName(String.format("ep-%05d", i)).subresource("status")
                        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"observedGeneration\":1,\"state\":\"CREATING\"}}");
            }, () -> cluster.requests().size(), cluster::writeCount, null);
            if (result.failures() > 0) {
                throw new IllegalStateException("baseline failed " + result.failures() + " times, first: " + result.firstFailure());
            }
            String loadAfter = loadAverage();
            Map<String, Long> calls = new TreeMap<>();
            byOperator(cluster, r0).forEach(q -> calls.merge(label(q), 1L, Long::sum));
            return new Baseline(result.wallNanos(), result.cpuNanos(), cluster.requests().size() - r0, result.writes(), calls, loadBefore, loadAfter);
        }
    }

    /** Resources whose status describes their current generation. */
    private static long reconciled(KubernetesClient c) {
        try {
            return reconciledNow(c);
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            return -1; // the poll timed out on the loaded machine: poll again
        }
    }

    private static long reconciledNow(KubernetesClient c) {
        return c.resources(InferenceEndpointResource.class).inNamespace(NS).list().getItems().stream()
                .filter(r -> r.getStatus() != null && r.getStatus().state != null && r.getStatus().observedGeneration != null
                        && r.getStatus().observedGeneration.equals(r.getMetadata().getGeneration()))
                .count();
    }

    private static List<RecordedRequest> byOperator(MockCluster cluster, int from) {
        List<RecordedRequest> all = cluster.requests();
        return all.subList(from, all.size()).stream().filter(q -> AGENT.equals(q.getHeader("User-Agent"))).toList();
    }

    private static boolean isWatch(RecordedRequest q) {
        return "GET".equals(q.getMethod()) && q.getPath().contains("watch=true");
    }

    /** A GET of a collection (an informer's LIST): the path's last segment is the plural resource, not an object name. */
    private static boolean isList(RecordedRequest q) {
        String path = q.getPath().split("\\?")[0];
        String last = path.substring(path.lastIndexOf('/') + 1);
        return "GET".equals(q.getMethod()) && !isWatch(q)
                && Set.of("inferenceendpoints", "deployments", "services", "horizontalpodautoscalers", "scaledobjects").contains(last);
    }

    private static String label(RecordedRequest q) {
        String kind = isWatch(q) ? " (watch)" : isList(q) ? " (list)" : "";
        return MockCluster.call(q) + (q.getPath().contains("/status") ? "/status" : "") + kind;
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The 1, 5 and 15 minute load averages. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "n/a";
        }
    }
}
