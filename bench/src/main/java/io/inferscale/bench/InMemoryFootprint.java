package io.inferscale.bench;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.backend.inmemory.InMemoryBackend;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Retained heap of the in-memory backend holding {@code n} distinct endpoints (issue 9: 10,000 in under 100 MB).
 *
 * <p>Each endpoint is read by {@link EndpointCodec} from its own YAML document (the seed with its name, maxReplicas and
 * CPU target changed), as a fleet read from files would be, so no parts are shared between endpoints. Method, all in
 * one JVM: full GC twice, heap used with an empty {@link InMemoryBackend} (the baseline); apply the {@code n}
 * endpoints, dropping every reference except the backend's; full GC twice; heap used again. The difference is what
 * the backend retains. Reference in the same run: the same {@code n} endpoints read the same way and kept in a plain
 * {@code HashMap<String, InferenceEndpoint>} (the model objects alone). Repeated {@code rounds} times.
 *
 * <pre>java -Xms256m -Xmx256m -cp bench/target/benchmarks.jar io.inferscale.bench.InMemoryFootprint [n=10000] [rounds=3]</pre>
 */
public final class InMemoryFootprint {

    private InMemoryFootprint() {
    }

    /** Runs the measurement and prints a Markdown table. */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String template = seedText();
        // warm-up: load and JIT the codec, validator and backend classes before measuring
        InMemoryBackend warm = InMemoryBackend.create();
        for (int i = 0; i < 500; i++) {
            warm.apply(read(template, i));
        }
        warm = null;
        System.out.println("| round | holder | endpoints | heap before MiB | heap after MiB | retained MiB | bytes per endpoint |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int round = 1; round <= rounds; round++) {
            Phase.settle();
            long before = Phase.heapUsed();
            Map<String, InferenceEndpoint> map = new HashMap<>();
            for (int i = 0; i < n; i++) {
                InferenceEndpoint e = read(template, i);
                map.put(e.name(), e);
            }
            Phase.settle();
            long after = Phase.heapUsed();
            print(round, "reference: HashMap of the parsed endpoints", n, before, after);
            Reference.reachabilityFence(map);
            map = null;

            Phase.settle();
            InMemoryBackend backend = InMemoryBackend.create();
            before = Phase.heapUsed();
            for (int i = 0; i < n; i++) {
                backend.apply(read(template, i));
            }
            Phase.settle();
            after = Phase.heapUsed();
            if (backend.list().size() != n) {
                throw new AssertionError("backend holds " + backend.list().size() + " endpoints, expected " + n);
            }
            print(round, "InMemoryBackend after apply", n, before, after);
            Reference.reachabilityFence(backend);
        }
    }

    private static void print(int round, String holder, int n, long before, long after) {
        System.out.printf(Locale.ROOT, "| %d | %s | %d | %.1f | %.1f | %.1f | %d |%n", round, holder, n, before / 1048576.0, after / 1048576.0,
                (after - before) / 1048576.0, (after - before) / n);
    }

    private static String seedText() {
        try (InputStream in = InMemoryFootprint.class.getResourceAsStream("/seed/inference_endpoint.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Endpoint {@code i}: the seed document with name ep-NNNNN, maxReplicas 5..14 and CPU target 50..79, parsed on its own. */
    static InferenceEndpoint read(String seed, int i) {
        String yaml = seed.replace("name: my-model-endpoint", String.format("name: ep-%05d", i))
                .replace("maxReplicas: 5", "maxReplicas: " + (5 + i % 10))
                .replace("targetCPUUtilizationPercentage: 60", "targetCPUUtilizationPercentage: " + (50 + i % 30));
        return EndpointCodec.read(yaml, "ep-" + i + ".yaml").endpoint();
    }
}
