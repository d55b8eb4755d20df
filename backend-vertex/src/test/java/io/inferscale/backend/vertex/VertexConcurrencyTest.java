package io.inferscale.backend.vertex;

import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.backend.vertex.fake.FakeVertexServer;
import io.inferscale.testkit.ConcurrentApplies;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8, concurrency: 8 threads apply the same endpoint at once through two backend instances (two processes) on
 * one fake, with the same spec and with 8 different specs. Every apply must return normally or fail with a CONFLICT
 * {@link BackendException} naming its step; the final state must equal, entirely, the state a lone apply of one of the
 * submitted specs leaves (endpoint, one deployed model with its replicas and targets, 100% of the traffic).
 */
@DisplayName("Vertex concurrent applies (issue 8)")
class VertexConcurrencyTest {

    static final int THREADS = 8;

    static Backend backend(FakeVertexServer fake) {
        return new VertexBackendProvider().create(BackendConfig.of(Map.of("vertex.project", "race-project",
                "vertex.endpointOverride", "inprocess:" + fake.name(), "vertex.pollInterval", "2ms", "vertex.operationTimeout", "20s")));
    }

    /** Operations take a few ms and every call 2 ms, so that one apply's read-plan-write windows overlap another's writes. */
    static FakeVertexServer fake() {
        return new FakeVertexServer().deployDelay(java.time.Duration.ofMillis(15)).operationDelay(java.time.Duration.ofMillis(3))
                .callLatency(java.time.Duration.ofMillis(2));
    }

    static InferenceEndpoint sample() {
        try {
            return VertexBackendTest.sample();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Spec i: its own replica range and CPU target; every fourth on another machine type (a redeploy, not a mutate). */
    static InferenceEndpoint spec(int i) {
        InferenceEndpoint e = VertexBackendTest.withPolicy(sample(), p -> p.minReplicas(1 + i % 3).maxReplicas(4 + i)
                .target(TargetType.CPU_UTILIZATION, 50 + 5 * i));
        return i % 4 == 3 ? e.toBuilder().option("vertex", "machineType", "n1-standard-4").build() : e;
    }

    /** The state a lone apply of {@code spec} leaves on an empty fake. */
    static String stateOf(InferenceEndpoint spec) {
        try (FakeVertexServer f = fake(); Backend b = backend(f)) {
            b.apply(spec);
            return f.state();
        }
    }

    /** Runs the applies at once, half through each backend; returns what each threw (null when it returned). */
    static List<Throwable> race(FakeVertexServer fake, List<InferenceEndpoint> specs) throws Exception {
        try (Backend a = backend(fake); Backend b = backend(fake)) {
            return ConcurrentApplies.race(List.of(a, b), specs, Duration.ofSeconds(60));
        }
    }

    /** Only CONFLICT BackendExceptions that name their step and say re-running is safe may escape. */
    static void assertExplained(List<Throwable> thrown) {
        for (Throwable t : thrown) {
            if (t != null) {
                assertThat(t).as("what an apply threw").isInstanceOf(BackendException.class);
                BackendException e = (BackendException) t;
                assertThat(e.reason()).as(e.getMessage()).isEqualTo(BackendException.Reason.CONFLICT);
                assertThat(e.step()).as(e.getMessage()).isPresent();
                assertThat(e.getMessage()).contains("Re-running apply is safe");
            }
        }
    }

    @Test
    @DisplayName("8 threads, 2 backend instances, the same spec: all return, and the state is that spec's, with one deployed model")
    void sameSpec() throws Exception {
        String expected = stateOf(sample());
        try (FakeVertexServer fake = fake()) {
            List<Throwable> thrown = race(fake, java.util.Collections.nCopies(THREADS, sample()));
            assertExplained(thrown);
            assertThat(thrown).as("every apply of the same spec returns").containsOnlyNulls();
            assertThat(fake.state()).isEqualTo(expected);
            assertThat(fake.modelNames()).hasSize(1);
        }
    }

    @RepeatedTest(3)
    @DisplayName("8 threads, 2 backend instances, 8 different specs: the final state is one spec entirely, never a mixture")
    void differentSpecs() throws Exception {
        Map<String, Integer> expected = new LinkedHashMap<>();
        List<InferenceEndpoint> specs = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            specs.add(spec(i));
            expected.put(stateOf(spec(i)), i);
        }
        assertThat(expected).as("the 8 specs leave 8 different states").hasSize(THREADS);
        try (FakeVertexServer fake = fake()) {
            List<Throwable> thrown = race(fake, specs);
            assertExplained(thrown);
            String state = fake.state();
            System.out.println("different specs: " + thrown.stream().filter(t -> t != null).count() + " of " + THREADS
                    + " applies gave up with CONFLICT; writes " + fake.writeCount() + "; final spec " + expected.get(state));
            if (thrown.stream().allMatch(t -> t == null)) {
                assertThat(expected).as("final state after 8 applies that all returned:\n" + state).containsKey(state);
            } else {
                // an apply gave up (CONFLICT): re-running it is safe and converges to its spec
                int failed = thrown.indexOf(thrown.stream().filter(t -> t != null).findFirst().orElseThrow());
                try (Backend b = backend(fake)) {
                    b.apply(specs.get(failed));
                }
                assertThat(fake.state()).isEqualTo(stateOf(specs.get(failed)));
            }
            assertThat(fake.endpoint("projects/race-project/locations/us-central1/endpoints/my-model-endpoint").orElseThrow()
                    .getDeployedModelsCount()).isEqualTo(1);
        }
    }
}
