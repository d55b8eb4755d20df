package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.bench.Phase;
import io.inferscale.bench.Seed;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Fleet-scale apply on Kubernetes (issue 9): {@code n} distinct endpoints applied with {@link KubernetesBackend} to the
 * fabric8 mock server with the backends' server-side-apply stand-in ({@link MockCluster}, {@link FieldOwnership}),
 * then applied again unchanged; the baseline, in the same JVM and against the same stand-in, server-side-applies the
 * same {@code 3n} objects {@link KubernetesTranslator} renders with plain fabric8 calls
 * ({@code client.resource(o).inNamespace(ns).fieldManager("x").forceConflicts().serverSideApply()}), twice. Requests are
 * counted at the server (MockCluster's log). A third pair of phases is a reference for read-then-write at its limit
 * ({@link #readThenApply}). Each pair gets a fresh cluster and client; rounds alternate the order.
 *
 * <pre>java -Xms512m -Xmx512m -cp bench/target/benchmarks.jar io.inferscale.backend.kubernetes.KubernetesFleetBench [n=1000] [threads=8] [rounds=2]</pre>
 */
public final class KubernetesFleetBench {

    private KubernetesFleetBench() {
    }

    /** Runs the benchmark and prints a Markdown table. */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        List<InferenceEndpoint> fleet = Seed.fleet(n, e -> e);
        KubernetesTranslator translator = new KubernetesTranslator(KubernetesSettings.defaults());
        System.out.println("warm-up (" + Math.min(n, 200) + " endpoints, not reported)...");
        List<Phase.Result> ignored = new ArrayList<>();
        ignored.addAll(baseline(fleet.subList(0, Math.min(n, 200)), translator, threads));
        ignored.addAll(inferscale(fleet.subList(0, Math.min(n, 200)), threads));
        ignored.addAll(readThenApply(fleet.subList(0, Math.min(n, 200)), translator, threads));
        ignored.stream().filter(r -> r.failures() > 0).forEach(r -> System.out.println("warm-up failure: " + r.row()));
        System.out.println(Phase.HEADER);
        for (int round = 1; round <= rounds; round++) {
            List<Phase.Result> results = new ArrayList<>();
            if (round % 2 == 1) {
                results.addAll(baseline(fleet, translator, threads));
                results.addAll(inferscale(fleet, threads));
                results.addAll(readThenApply(fleet, translator, threads));
            } else {
                results.addAll(readThenApply(fleet, translator, threads));
                results.addAll(inferscale(fleet, threads));
                results.addAll(baseline(fleet, translator, threads));
            }
            for (Phase.Result r : results) {
                System.out.println(r.row().replaceFirst("\\| ", "| r" + round + " "));
            }
        }
    }

    /** Plain fabric8 server-side apply of the rendered objects: first apply, then the same again. */
    static List<Phase.Result> baseline(List<InferenceEndpoint> fleet, KubernetesTranslator translator, int threads) {
        List<List<HasMetadata>> objects = new ArrayList<>();
        for (InferenceEndpoint e : fleet) {
            objects.add(translator.translate(e).objects());
        }
        try (MockCluster cluster = new MockCluster()) {
            KubernetesClient client = cluster.client();
            IntConsumer apply = i -> {
                for (HasMetadata o : objects.get(i)) {
                    client.resource(o).inNamespace("test").fieldManager("x").forceConflicts().serverSideApply();
                }
            };
            Phase.Result first = Phase.run("baseline: fabric8 SSA, 3 objects each", fleet.size(), threads, apply,
                    () -> cluster.requests().size(), cluster::writeCount, null);
            Phase.Result again = Phase.run("baseline: fabric8 SSA again (unchanged)", fleet.size(), threads, apply,
                    () -> cluster.requests().size(), cluster::writeCount, null);
            return List.of(first, again);
        }
    }

    /**
     * Reference for the read-then-write approach at its physical limit: per object one GET, then a server-side apply
     * only when the object is absent (plain fabric8, no diff, no status). Fresh apply: 3 reads + 3 writes per
     * endpoint; unchanged re-apply: 3 reads.
     */
    static List<Phase.Result> readThenApply(List<InferenceEndpoint> fleet, KubernetesTranslator translator, int threads) {
        List<List<HasMetadata>> objects = new ArrayList<>();
        for (InferenceEndpoint e : fleet) {
            objects.add(translator.translate(e).objects());
        }
        try (MockCluster cluster = new MockCluster()) {
            KubernetesClient client = cluster.client();
            IntConsumer apply = i -> {
                for (HasMetadata o : objects.get(i)) {
                    if (client.resource(o).inNamespace("test").get() == null) {
                        client.resource(o).inNamespace("test").fieldManager("x").forceConflicts().serverSideApply();
                    }
                }
            };
            Phase.Result first = Phase.run("reference: fabric8 GET, SSA if absent", fleet.size(), threads, apply,
                    () -> cluster.requests().size(), cluster::writeCount, null);
            Phase.Result again = Phase.run("reference: fabric8 GET only (unchanged)", fleet.size(), threads, apply,
                    () -> cluster.requests().size(), cluster::writeCount, null);
            return List.of(first, again);
        }
    }

    /** {@link KubernetesBackend#apply} of each endpoint, then again unchanged (must plan no change). */
    static List<Phase.Result> inferscale(List<InferenceEndpoint> fleet, int threads) {
        try (MockCluster cluster = new MockCluster()) {
            KubernetesBackend backend = new KubernetesBackend(cluster.client(), KubernetesSettings.defaults());
            Phase.Result first = Phase.run("InferScale apply", fleet.size(), threads, i -> backend.apply(fleet.get(i)),
                    () -> cluster.requests().size(), cluster::writeCount, null);
            Phase.Result again = Phase.run("InferScale re-apply (no-op)", fleet.size(), threads, i -> {
                ApplyResult r = backend.apply(fleet.get(i));
                if (!r.plan().changes().isEmpty()) {
                    throw new AssertionError("re-apply of " + fleet.get(i).name() + " planned " + r.plan().changes());
                }
            }, () -> cluster.requests().size(), cluster::writeCount, null);
            backend.close();
            return List.of(first, again);
        }
    }
}
