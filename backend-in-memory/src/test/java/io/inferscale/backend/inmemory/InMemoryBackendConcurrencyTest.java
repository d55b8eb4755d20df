package io.inferscale.backend.inmemory;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.EndpointStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The in-memory backend under concurrent use")
class InMemoryBackendConcurrencyTest {

    private static final String NAME = "race";
    private static final int APPLIERS = 8;
    private static final int ROUNDS = 40;

    /**
     * Spec {@code k}: every field that a mixture could take from another spec carries {@code k} (model version,
     * replica range, target, resources, environment), so a status or endpoint mixing two specs is detected.
     */
    static InferenceEndpoint spec(String name, int k) {
        return InferenceEndpoint.builder(name)
                .labels(java.util.Map.of("spec", "s" + k))
                .model(ModelSpec.builder("m").version("v" + k).env("SPEC", "s" + k).build())
                .autoscaling(AutoscalingPolicy.builder().minReplicas(k + 1).maxReplicas(k + 10).target(TargetType.CPU_UTILIZATION, 50 + k).build())
                .resources(Resources.of(ResourceList.of((k + 1) * 100 + "m", (k + 1) + "Gi"), ResourceList.of((k + 1) * 200 + "m", (k + 1) * 2 + "Gi")))
                .build();
    }

    /** Threads 0..3 apply the same spec 0; threads 4..7 each their own spec 4..7. */
    static int specOf(int thread) {
        return thread < 4 ? 0 : thread;
    }

    /** A status is one spec's whole: its model version and replica range name the same k. */
    static void assertOneSpec(EndpointStatus s) {
        String model = s.model().orElseThrow();
        String version = model.substring(model.indexOf(":v") + 2);
        int k = Integer.parseInt(version);
        assertThat(s.minReplicas()).as("min replicas of spec %d in %s", k, s).isEqualTo(k + 1);
        assertThat(s.maxReplicas()).as("max replicas of spec %d in %s", k, s).isEqualTo(k + 10);
    }

    @RepeatedTest(3)
    @DisplayName("8 threads applying the same and different specs, with get, list and delete racing: "
            + "every snapshot and the final state are exactly one submitted spec, and the write log is consistent")
    void applyRace(@TempDir Path dir) throws Exception {
        Path stateFile = dir.resolve("state.yaml");
        InMemoryBackend backend = InMemoryBackend.builder().stateFile(stateFile).build();
        List<InferenceEndpoint> submitted = new ArrayList<>();
        for (int t = 0; t < APPLIERS; t++) {
            submitted.add(spec(NAME, specOf(t)));
        }
        Queue errors = new Queue();
        AtomicBoolean appliersDone = new AtomicBoolean();
        CyclicBarrier start = new CyclicBarrier(APPLIERS + 2);
        ExecutorService pool = Executors.newFixedThreadPool(APPLIERS + 2);
        List<Future<?>> appliers = new ArrayList<>();
        for (int t = 0; t < APPLIERS; t++) {
            InferenceEndpoint mine = submitted.get(t);
            appliers.add(pool.submit(errors.guard(() -> {
                start.await();
                for (int i = 0; i < ROUNDS; i++) {
                    ApplyResult r = backend.apply(mine);
                    assertOneSpec(r.status());
                    assertThat(r.status().model()).contains(mine.model().reference());
                    if (!r.plan().isEmpty()) {
                        assertThat(r.plan().endpoint()).isEqualTo(NAME);
                    }
                }
                return null;
            })));
        }
        Future<?> reader = pool.submit(errors.guard(() -> {
            start.await();
            while (!appliersDone.get()) {
                backend.get(NAME).ifPresent(InMemoryBackendConcurrencyTest::assertOneSpec);
                backend.list().forEach(InMemoryBackendConcurrencyTest::assertOneSpec);
                backend.endpoint(NAME).ifPresent(e -> assertThat(submitted).contains(e));
            }
            return null;
        }));
        Future<?> deleter = pool.submit(errors.guard(() -> {
            start.await();
            for (int i = 0; i < ROUNDS && !appliersDone.get(); i++) {
                backend.delete(NAME);
                Thread.yield();
            }
            return null;
        }));
        for (Future<?> f : appliers) {
            f.get(60, TimeUnit.SECONDS);
        }
        appliersDone.set(true);
        reader.get(60, TimeUnit.SECONDS);
        deleter.get(60, TimeUnit.SECONDS);
        pool.shutdown();
        assertThat(errors.all()).isEmpty();

        List<InMemoryBackend.Operation> ops = backend.operations();
        Optional<InferenceEndpoint> last = backend.endpoint(NAME);
        // the log is a valid life cycle: CREATE first and after each DELETE, UPDATE and DELETE only while it exists
        boolean exists = false;
        for (InMemoryBackend.Operation op : ops) {
            switch (op.type()) {
                case CREATE -> assertThat(exists).as("CREATE of an existing endpoint in %s", ops).isFalse();
                case UPDATE, DELETE -> assertThat(exists).as("%s of a missing endpoint in %s", op.type(), ops).isTrue();
                default -> throw new AssertionError(op);
            }
            exists = op.type() != InMemoryBackend.OperationType.DELETE;
        }
        assertThat(last.isPresent()).isEqualTo(exists);
        if (last.isPresent()) {
            assertThat(submitted).contains(last.get());
            assertOneSpec(backend.get(NAME).orElseThrow());
        }
        // the state file holds exactly the final state
        InMemoryBackend reloaded = InMemoryBackend.builder().stateFile(stateFile).build();
        assertThat(reloaded.endpoint(NAME)).isEqualTo(last);
    }

    @Test
    @DisplayName("8 threads applying 8 different names at once: all 8 stored, each its own spec, list sorted")
    void distinctNames() throws Exception {
        InMemoryBackend backend = InMemoryBackend.create();
        Queue errors = new Queue();
        CyclicBarrier start = new CyclicBarrier(APPLIERS);
        ExecutorService pool = Executors.newFixedThreadPool(APPLIERS);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < APPLIERS; t++) {
            int k = t;
            futures.add(pool.submit(errors.guard(() -> {
                start.await();
                for (int i = 0; i < ROUNDS; i++) {
                    backend.apply(spec("e" + k, i % 2 == 0 ? k : k + 1));
                }
                return null;
            })));
        }
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(errors.all()).isEmpty();
        assertThat(backend.list()).extracting(EndpointStatus::name).containsExactly("e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7");
        for (int k = 0; k < APPLIERS; k++) {
            assertThat(backend.endpoint("e" + k)).contains(spec("e" + k, k + 1)); // the last round (39) is odd
        }
        // each name: one CREATE, then one UPDATE per change of spec (every round changes it)
        assertThat(backend.operations()).hasSize(APPLIERS * ROUNDS);
    }

    /** Collects what any worker threw, assertion failures included. */
    static final class Queue {
        private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

        java.util.concurrent.Callable<Void> guard(java.util.concurrent.Callable<Void> body) {
            return () -> {
                try {
                    return body.call();
                } catch (Throwable t) {
                    errors.add(t);
                    return null;
                }
            };
        }

        List<Throwable> all() {
            return Collections.unmodifiableList(new ArrayList<>(errors));
        }
    }
}
