package io.inferscale.backend.sagemaker;

import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.FleetOptions;
import io.inferscale.testkit.ConcurrentApplies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.inferscale.backend.sagemaker.SageMakerTestSupport.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Issue 8's concurrency: 8 threads apply the same endpoint at once through two backend instances (two processes)
 * on one fake, with the same spec and with 8 different specs (maxReplicas, CPU target and instance type differ).
 * Every apply either returns or fails with a CONFLICT {@link BackendException} naming its step and saying re-running
 * is safe (SageMaker refused: "Cannot create already existing endpoint", "Cannot update in-progress endpoint", the
 * instance type of a variant another apply registered, or a config another apply's cleanup deleted). The final state
 * (model, config, endpoint, target, policies, and no leftovers) is exactly what applying one of the specs that
 * returned normally leaves on an empty fake: never a mixture.
 */
class SageMakerConcurrencyTest {

    private static final int THREADS = 8;
    private static final String[] TYPES = {"ml.c5.large", "ml.c5.xlarge", "ml.m5.large", "ml.m5.xlarge"};

    private FakeAwsServer fake;
    private final List<SageMakerBackend> backends = new ArrayList<>();

    @BeforeEach
    void start() {
        fake = FakeAwsServer.start();
        fake.transitionDelay(Duration.ofMillis(30));
        for (int i = 0; i < 2; i++) {
            backends.add(SageMakerTestSupport.backend(fake, Map.of("sagemaker.pollInterval", "5ms")));
        }
    }

    @AfterEach
    void stop() {
        backends.forEach(SageMakerBackend::close);
        fake.close();
    }

    private static InferenceEndpoint spec(int i) {
        return seed().toBuilder().option("sagemaker", "instanceType", TYPES[i % TYPES.length])
                .autoscaling(seed().autoscaling().toBuilder().maxReplicas(5 + i).target(TargetType.CPU_UTILIZATION, 50 + 5 * i).build()).build();
    }

    /** The state one apply of {@code spec} leaves on an empty fake. */
    private static String reference(InferenceEndpoint spec) {
        try (FakeAwsServer alone = FakeAwsServer.start(); SageMakerBackend backend = SageMakerTestSupport.backend(alone,
                Map.of("sagemaker.pollInterval", "5ms"))) {
            alone.transitionDelay(Duration.ofMillis(5));
            backend.apply(spec);
            return alone.state();
        }
    }

    /** Applies specs.get(i) on thread i (backend i % 2), all released at once; returns each thread's failure (null: it returned). */
    private List<Throwable> applyAtOnce(List<InferenceEndpoint> specs) throws Exception {
        return ConcurrentApplies.race(backends, specs, Duration.ofSeconds(60));
    }

    /** As {@link #applyAtOnce}, each thread through {@code applyAll} of a fleet of its one spec (issue 19: bulk reads before and after the writes). */
    private List<Throwable> applyAllAtOnce(List<InferenceEndpoint> specs) throws Exception {
        return ConcurrentApplies.race(backends, specs, Duration.ofSeconds(60),
                (backend, spec) -> backend.applyAll(List.of(spec), new FleetOptions(1)).orThrow());
    }

    /** Lines only in {@code expected} (-) and only in {@code actual} (+). */
    private static String lineDiff(String expected, String actual) {
        List<String> e = List.of(expected.split("\n"));
        List<String> a = List.of(actual.split("\n"));
        List<String> out = new ArrayList<>();
        e.stream().filter(l -> !a.contains(l)).forEach(l -> out.add("-" + l.strip()));
        a.stream().filter(l -> !e.contains(l)).forEach(l -> out.add("+" + l.strip()));
        return String.join(" ", out);
    }

    private static void assertExplained(List<Throwable> failures) {
        for (Throwable t : failures) {
            if (t == null) {
                continue;
            }
            if (!(t instanceof BackendException be) || be.reason() != BackendException.Reason.CONFLICT || be.step().isEmpty()
                    || !be.getMessage().contains("Re-running apply is safe")) {
                fail("an apply failed other than with a CONFLICT that names its step: " + t, t);
            }
        }
    }

    @Test
    @DisplayName("8 threads, 2 backends, the same spec: every apply returns and the state is that spec's")
    void sameSpec() throws Exception {
        List<Throwable> failures = applyAtOnce(java.util.Collections.nCopies(THREADS, seed()));
        assertThat(failures).as("the same spec never conflicts: a taken name is this spec's own").containsOnlyNulls();
        assertThat(fake.state()).isEqualTo(reference(seed()));
    }

    @RepeatedTest(3)
    @DisplayName("8 threads, 2 backends, 8 different specs on an empty account: the final state is entirely one returned spec's")
    void differentSpecs() throws Exception {
        assertOneReturnedSpecWins(false);
    }

    @RepeatedTest(3)
    @DisplayName("8 threads, 2 backends, 8 different specs over an existing endpoint (updates race): one returned spec's state, no mixture")
    void differentSpecsOverExisting() throws Exception {
        assertOneReturnedSpecWins(true);
    }

    @RepeatedTest(3)
    @DisplayName("8 threads, 2 backends, 8 different specs, each through applyAll (bulk reads before, bulk read-back after): one returned spec's state, no mixture")
    void differentSpecsThroughApplyAll() throws Exception {
        assertOneReturnedSpecWins(false, true);
    }

    @RepeatedTest(3)
    @DisplayName("the same through applyAll over an existing endpoint (updates race)")
    void differentSpecsOverExistingThroughApplyAll() throws Exception {
        assertOneReturnedSpecWins(true, true);
    }

    @Test
    @DisplayName("applyAll's bulk read-back comes after its writes: another apply that writes between them is seen, and the fleet apply (the last writer) writes its spec again")
    void applyAllSeesWriterBetweenWritesAndReadBack() throws Exception {
        InferenceEndpoint mine = seed();
        InferenceEndpoint theirs = seed().toBuilder().autoscaling(seed().autoscaling().toBuilder().maxReplicas(9)
                .target(TargetType.CPU_UTILIZATION, 45).build()).build();
        java.util.concurrent.atomic.AtomicBoolean interposed = new java.util.concurrent.atomic.AtomicBoolean();
        SageMakerBackend other = backends.get(1);
        // the first DescribeScalableTargets of a fresh fleet is its read-back (nothing is read before the creates):
        // the other apply runs to its end just before it
        software.amazon.awssdk.core.interceptor.ExecutionInterceptor between = new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
            @Override
            public void beforeExecution(software.amazon.awssdk.core.interceptor.Context.BeforeExecution context,
                                        software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                if (context.request() instanceof software.amazon.awssdk.services.applicationautoscaling.model.DescribeScalableTargetsRequest
                        && interposed.compareAndSet(false, true)) {
                    assertThat(other.apply(theirs).changed()).isTrue();
                }
            }
        };
        try (SageMakerBackend fleetBackend = SageMakerBackend.create(SageMakerTestSupport.config(fake, Map.of("sagemaker.pollInterval", "5ms")),
                software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("AKIAFAKEFAKEFAKEFAKE", "fake")),
                List.of(between), SageMakerTestSupport.SHORT_BACKOFF)) {
            var result = fleetBackend.applyAll(List.of(mine), new FleetOptions(1)).orThrow().get(mine.name());
            assertThat(interposed).as("the other apply ran between the fleet's writes and its read-back").isTrue();
            assertThat(result.status().maxReplicas()).isEqualTo(mine.autoscaling().maxReplicas());
        }
        assertThat(fake.state()).as("the fleet apply wrote last: its spec entirely").isEqualTo(reference(mine));
    }

    private void assertOneReturnedSpecWins(boolean existing) throws Exception {
        assertOneReturnedSpecWins(existing, false);
    }

    private void assertOneReturnedSpecWins(boolean existing, boolean fleet) throws Exception {
        if (existing) {
            backends.get(0).apply(seed());
        }
        List<InferenceEndpoint> specs = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            specs.add(spec(i));
        }
        List<Throwable> failures = fleet ? applyAllAtOnce(specs) : applyAtOnce(specs);
        assertExplained(failures);
        List<String> returned = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            if (failures.get(i) == null) {
                returned.add(reference(specs.get(i)));
            }
        }
        assertThat(returned).as("at least one apply returns").isNotEmpty();
        String state = fake.state();
        // the guarantee (Javadoc): when the racing applies return, no mixture; an apply that gave up may leave one
        // until a re-run, which the re-run below checks
        boolean allReturned = failures.stream().allMatch(java.util.Objects::isNull);
        assertThat(!allReturned || returned.contains(state)).as(() -> "final state is one returned spec's state entirely; failures " + failures.stream()
                .map(t -> t == null ? "returned" : t.getMessage()).toList() + "; differences " + returned.stream().map(r -> lineDiff(r, state)).toList())
                .isTrue();
        // and re-running a refused spec converges to it (the re-run is the last writer)
        int refused = failures.indexOf(failures.stream().filter(java.util.Objects::nonNull).findFirst().orElse(null));
        InferenceEndpoint again = specs.get(Math.max(0, refused));
        backends.get(1).apply(again);
        assertThat(fake.state()).isEqualTo(reference(again));
    }
}
