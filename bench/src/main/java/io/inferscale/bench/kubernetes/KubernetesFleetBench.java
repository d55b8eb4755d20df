package io.inferscale.bench.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.backend.kubernetes.KubernetesBackend;
import io.inferscale.backend.kubernetes.KubernetesSettings;
import io.inferscale.backend.kubernetes.KubernetesTranslator;
import io.inferscale.backend.kubernetes.MockCluster;
import io.inferscale.bench.FleetApplyPhases;
import io.inferscale.bench.Phase;
import io.inferscale.bench.Seed;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;

/**
 * Fleet-scale apply on Kubernetes (issue 9): {@code n} distinct endpoints applied with {@link KubernetesBackend} to the
 * fabric8 mock server with the backends' server-side-apply stand-in ({@link MockCluster} from the backend's test-jar, with its {@code FieldOwnership}),
 * then applied again unchanged; the baseline, in the same JVM and against the same stand-in, server-side-applies the
 * same {@code 3n} objects {@link KubernetesTranslator} renders with plain fabric8 calls
 * ({@code client.resource(o).inNamespace(ns).fieldManager("x").forceConflicts().serverSideApply()}), twice. Requests are
 * counted at the server (MockCluster's log). A third pair of phases is a reference for read-then-write at its limit
 * ({@link #readThenApply}). A fourth pair ({@link #inferscaleApplyAll}, issue 19) applies the whole fleet with one
 * {@code Backend.applyAll} call (LISTs instead of per-object GETs) and again unchanged. Each pair gets a fresh cluster
 * and client; rounds alternate the order.
 *
 * <pre>java -Xms512m -Xmx512m -cp bench/target/benchmarks.jar io.inferscale.bench.kubernetes.KubernetesFleetBench [n=1000] [threads=8] [rounds=2] [groups=baseline,apply,reference,applyAll]</pre>
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
        List<InferenceEndpoint> warm = fleet.subList(0, Math.min(n, 200));
        List<String> groups = List.of((args.length > 3 ? args[3] : "baseline,apply,reference,applyAll").split(","));
        KubernetesTranslator translator = new KubernetesTranslator(KubernetesSettings.defaults());
        Phase.rounds(warm.size() + " endpoints", rounds, groups(groups, warm, translator, threads), groups(groups, fleet, translator, threads));
    }

    /** The selected pairs of phases over {@code fleet}, in the order named. */
    private static List<Phase.Group> groups(List<String> names, List<InferenceEndpoint> fleet, KubernetesTranslator translator, int threads) {
        List<Phase.Group> out = new ArrayList<>();
        for (String name : names) {
            out.add(switch (name) {
                case "baseline" -> () -> baseline(fleet, translator, threads);
                case "apply" -> () -> inferscale(fleet, threads);
                case "reference" -> () -> readThenApply(fleet, translator, threads);
                case "applyAll" -> () -> inferscaleApplyAll(fleet, threads);
                default -> throw new IllegalArgumentException("groups: unknown '" + name + "'; use baseline, apply, reference, applyAll");
            });
        }
        return out;
    }

    /** One {@code applyAll} of the whole fleet with concurrency {@code threads}, then again unchanged ({@link FleetApplyPhases}). */
    static List<Phase.Result> inferscaleApplyAll(List<InferenceEndpoint> fleet, int threads) {
        try (MockCluster cluster = new MockCluster()) {
            KubernetesBackend backend = new KubernetesBackend(cluster.client(), KubernetesSettings.defaults());
            List<Phase.Result> results = FleetApplyPhases.applyAllTwice(backend, fleet, threads, () -> cluster.requests().size(),
                    cluster::writeCount, null);
            backend.close();
            return results;
        }
    }

    /** Plain fabric8 server-side apply of the rendered objects: first apply, then the same again. */
    static List<Phase.Result> baseline(List<InferenceEndpoint> fleet, KubernetesTranslator translator, int threads) {
        return plain(fleet, translator, threads, "baseline: fabric8 SSA, 3 objects each", "baseline: fabric8 SSA again (unchanged)",
                (client, o) -> client.resource(o).inNamespace("test").fieldManager("x").forceConflicts().serverSideApply());
    }

    /**
     * Reference for the read-then-write approach at its physical limit: per object one GET, then a server-side apply
     * only when the object is absent (plain fabric8, no diff, no status). Fresh apply: 3 reads + 3 writes per
     * endpoint; unchanged re-apply: 3 reads.
     */
    static List<Phase.Result> readThenApply(List<InferenceEndpoint> fleet, KubernetesTranslator translator, int threads) {
        return plain(fleet, translator, threads, "reference: fabric8 GET, SSA if absent", "reference: fabric8 GET only (unchanged)", (client, o) -> {
            if (client.resource(o).inNamespace("test").get() == null) {
                client.resource(o).inNamespace("test").fieldManager("x").forceConflicts().serverSideApply();
            }
        });
    }

    /** Two passes of {@code perObject} over the objects the translator renders (rendered before, not timed), on a fresh cluster. */
    private static List<Phase.Result> plain(List<InferenceEndpoint> fleet, KubernetesTranslator translator, int threads, String first,
                                            String again, BiConsumer<KubernetesClient, HasMetadata> perObject) {
        List<List<HasMetadata>> objects = new ArrayList<>();
        for (InferenceEndpoint e : fleet) {
            objects.add(translator.translate(e).objects());
        }
        try (MockCluster cluster = new MockCluster()) {
            KubernetesClient client = cluster.client();
            IntConsumer apply = i -> objects.get(i).forEach(o -> perObject.accept(client, o));
            return List.of(Phase.run(first, fleet.size(), threads, apply, () -> cluster.requests().size(), cluster::writeCount, null),
                    Phase.run(again, fleet.size(), threads, apply, () -> cluster.requests().size(), cluster::writeCount, null));
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
