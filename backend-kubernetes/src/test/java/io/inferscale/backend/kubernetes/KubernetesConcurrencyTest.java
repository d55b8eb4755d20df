package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.testkit.ConcurrentApplies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static io.inferscale.backend.kubernetes.KubernetesTranslatorTest.endpoint;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8's concurrency: 8 threads apply the same endpoint at once through two {@link KubernetesBackend} instances with
 * their own clients (two processes) on one {@link MockCluster}. Spec {@code i} differs from the others in each of the
 * three objects (image tag in the Deployment, port in the Service, maxReplicas in the HPA), so a mixture is visible.
 * Every apply must return normally, or fail with a CONFLICT naming its step and saying re-running is safe; the final
 * state must be exactly one submitted spec.
 */
class KubernetesConcurrencyTest {

    private static final int THREADS = 8;
    private static final int ROUNDS = 2;

    private MockCluster cluster;
    private List<KubernetesBackend> processes;
    private KubernetesClient observer;
    private InferenceEndpoint seed;

    @BeforeEach
    void start() throws IOException {
        cluster = new MockCluster();
        // a generous request timeout: 8 threads on a loaded 2-core machine must not time out spuriously
        processes = List.of(new KubernetesBackend(cluster.client("process-1", b -> b.withRequestTimeout(30_000)), KubernetesSettings.defaults()),
                new KubernetesBackend(cluster.client("process-2", b -> b.withRequestTimeout(30_000)), KubernetesSettings.defaults()));
        observer = cluster.controllerClient();
        seed = endpoint("inference_endpoint.yaml");
    }

    @AfterEach
    void stop() {
        processes.forEach(KubernetesBackend::close);
        cluster.close();
    }

    /** Spec {@code i}: image tag v{@code i}, Service port 8000+{@code i}, maxReplicas 10+{@code i}. */
    private InferenceEndpoint spec(int i) {
        return seed.toBuilder()
                .model(seed.model().toBuilder().image("registry.example.com/my-ml-model:v" + i).build())
                .autoscaling(seed.autoscaling().toBuilder().maxReplicas(10 + i).build())
                .backends(seed.backends().with(KubernetesBackend.ID, "servicePort", BigDecimal.valueOf(8000 + i)))
                .build();
    }

    /** Runs {@code specs[t]} on thread t (backend t % 2), all released at once; returns what each threw (null: none). */
    private List<Throwable> race(List<InferenceEndpoint> specs) throws Exception {
        return ConcurrentApplies.race(processes, specs, Duration.ofSeconds(60));
    }

    /** Any failure must be the documented one: CONFLICT with its step and "re-running is safe". */
    private static void onlyExplainedConflicts(List<Throwable> thrown) {
        for (Throwable t : thrown) {
            if (t == null) {
                continue;
            }
            assertThat(t).as("only a CONFLICT that names its step may escape; thrown: %s", describe(thrown)).isInstanceOfSatisfying(BackendException.class, e -> {
                assertThat(e.reason()).isEqualTo(BackendException.Reason.CONFLICT);
                assertThat(e.step()).isPresent();
                assertThat(e.getMessage()).contains("Re-running apply is safe");
            });
        }
    }

    private static String describe(List<Throwable> thrown) {
        StringBuilder out = new StringBuilder();
        for (Throwable t : thrown) {
            if (t != null) {
                java.io.StringWriter w = new java.io.StringWriter();
                t.printStackTrace(new java.io.PrintWriter(w));
                out.append('\n').append(w);
            }
        }
        return out.toString();
    }

    /** The index of the spec the cluster holds, read from each object; all three must agree. */
    private int[] held() {
        Deployment d = observer.apps().deployments().inNamespace("test").withName(seed.name()).get();
        Service s = observer.services().inNamespace("test").withName(seed.name()).get();
        HorizontalPodAutoscaler h = observer.autoscaling().v2().horizontalPodAutoscalers().inNamespace("test").withName(seed.name()).get();
        String image = d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        return new int[] {Integer.parseInt(image.substring(image.lastIndexOf(":v") + 2)),
                s.getSpec().getPorts().get(0).getPort() - 8000, h.getSpec().getMaxReplicas() - 10};
    }

    @Test
    @DisplayName("8 threads, 2 processes, the same spec: all succeed and the endpoint is that spec")
    void sameSpec() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            cluster.reset();
            InferenceEndpoint e = spec(round);
            List<Throwable> thrown = race(IntStream.range(0, THREADS).mapToObj(t -> e).toList());
            assertThat(thrown).as("same spec: nothing to conflict about; thrown: %s", describe(thrown)).containsOnlyNulls();
            assertThat(processes.get(0).plan(e).isEmpty()).as("round " + round + ": the cluster holds the spec").isTrue();
            assertThat(held()).containsExactly(round, round, round);
        }
    }

    @Test
    @DisplayName("8 threads, 2 processes, 8 different specs (from empty and over an existing endpoint): the result is one spec entirely")
    void differentSpecs() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            if (round % 2 == 0) {
                cluster.reset(); // from nothing: every thread creates
            }
            int base = round * THREADS;
            List<InferenceEndpoint> specs = IntStream.range(0, THREADS).mapToObj(t -> spec(base + t)).toList();
            List<Throwable> thrown = race(specs);
            onlyExplainedConflicts(thrown);
            int refused = thrown.indexOf(thrown.stream().filter(java.util.Objects::nonNull).findFirst().orElse(null));
            if (refused >= 0) {
                // an apply gave up (documented: a mixture may remain until a re-run); re-running it must converge
                processes.get(0).apply(specs.get(refused));
                assertThat(held()).as("round " + round + ": after re-running the refused spec").containsExactly(base + refused,
                        base + refused, base + refused);
            }
            int[] held = held();
            assertThat(held[1]).as("round " + round + ": Service from the Deployment's spec, not a mixture").isEqualTo(held[0]);
            assertThat(held[2]).as("round " + round + ": HPA from the Deployment's spec, not a mixture").isEqualTo(held[0]);
            assertThat(held[0]).isBetween(base, base + THREADS - 1);
            InferenceEndpoint winner = specs.get(held[0] - base);
            assertThat(processes.get(1).plan(winner).isEmpty()).as("round " + round + ": every field of the winning spec").isTrue();
        }
    }
}
