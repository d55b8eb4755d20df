package io.inferscale.testkit;

import io.inferscale.api.Accelerator;
import io.inferscale.api.AcceleratorType;
import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.ScaleToZero;
import io.inferscale.api.ScalingBehavior;
import io.inferscale.api.ScalingPolicy;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendProvider;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.EndpointOutcome;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.Feature;
import io.inferscale.api.backend.FleetOptions;
import io.inferscale.api.backend.FleetResult;
import io.inferscale.api.backend.Plan;
import io.inferscale.api.backend.Rendering;
import io.inferscale.api.backend.Support;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The behavioural suite every backend passes, each against its own local fake (and, behind the
 * {@code live} profile, against a real cloud). A backend's test extends it in a few lines:
 *
 * <pre>{@code
 * class KubernetesConformanceTest extends BackendConformanceKit {
 *     protected Backend createBackend() { return new KubernetesBackend(cluster.client(), KubernetesSettings.from(config)); }
 *     protected long writeCount() { return cluster.writeCount(); }
 * }
 * }</pre>
 *
 * <p>The name of the subclass must end in {@code Test} so Surefire runs it. A backend that lacks a
 * capability is tested for rejecting it; nothing is skipped by deleting tests. The scale-to-zero case runs when the
 * backend's capabilities support {@link Feature#SCALE_TO_ZERO} (exactly or approximately) and is otherwise reported as
 * skipped (a JUnit assumption naming the backend and its capability note); {@link #customizeForScaleToZero} adds what the
 * backend needs for it.
 *
 * <p>Lifecycle of each test: {@link #createBackend} before it; after it, the kit deletes every endpoint
 * the test named with {@link #newName} (best effort), closes the backend, and finally calls
 * {@link #afterDeletes}, where a subclass stops a fake it started per test.
 */
public abstract class BackendConformanceKit {

    /** A fresh backend wired to the test's fake; called before each test and closed after it. */
    protected abstract Backend createBackend();

    /** How many mutating requests the fake has received so far (creates, updates, deletes, patches). */
    protected abstract long writeCount();

    /**
     * Adapts the sample endpoint to the backend (an image, an execution role, options). The default
     * returns the builder unchanged.
     */
    protected InferenceEndpoint.Builder customize(InferenceEndpoint.Builder builder) {
        return builder;
    }

    /**
     * Adds what the backend needs to scale the sample to zero, for the scale-to-zero case only: e.g. an option choosing an
     * autoscaler that can (Kubernetes: {@code spec.backends.kubernetes.autoscaler: keda}). The builder holds
     * {@link #scaleToZeroSample}'s endpoint before this hook. The default returns it unchanged.
     */
    protected InferenceEndpoint.Builder customizeForScaleToZero(InferenceEndpoint.Builder builder) {
        return builder;
    }

    /**
     * The native objects of endpoint {@code name} still on the fake, each by a readable name (e.g.
     * {@code "ScaledObject default/kit-1a2b3c"}): the delete cases assert there are none. The default returns an empty
     * list, so the kit checks a delete through the backend's {@code get}, {@code list} and second {@code delete} only;
     * a backend that can look into its fake overrides this.
     */
    protected List<String> remainingObjects(String name) {
        return List.of();
    }

    /** How long {@link Backend#awaitReady} may take against the fake. */
    protected Duration readyTimeout() {
        return Duration.ofSeconds(30);
    }

    /**
     * Runs at the very end of each test, after the kit has deleted the test's endpoints and closed the
     * backend: the place to stop or reset the fake. A subclass's own {@code @AfterEach} methods run
     * <em>before</em> the kit's, while the kit still needs the fake for those deletes, so stop it here
     * instead. Also called when {@link #createBackend} was aborted (e.g. by an assumption), so a fake
     * started there is still stopped. The default does nothing.
     */
    protected void afterDeletes() {
    }

    /** The backend under test in the current test. */
    protected Backend backend;
    private final List<String> created = new ArrayList<>();

    @BeforeEach
    void openBackend() {
        backend = createBackend();
    }

    @AfterEach
    void closeBackend() {
        try {
            if (backend != null) {
                deleteCreatedAndClose();
            }
        } finally {
            afterDeletes();
        }
    }

    private void deleteCreatedAndClose() {
        try {
            for (String name : created) {
                try {
                    backend.delete(name);
                } catch (RuntimeException ignored) {
                    // best effort: the test may have deleted it, or the fake may be failing on purpose
                }
            }
        } finally {
            backend.close();
        }
    }

    /** A unique, short endpoint name for this test; deleted after the test. */
    protected String newName() {
        String name = "kit-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
        created.add(name);
        return name;
    }

    /**
     * The sample endpoint: the seed's policy (1..5 replicas, 60% CPU, requests 500m/1Gi, limits 1/2Gi)
     * with an image, passed through {@link #customize}.
     */
    protected InferenceEndpoint sample(String name) {
        return customize(InferenceEndpoint.builder(name)
                .label("team", "conformance")
                .model(ModelSpec.builder("my-ml-model").version("v1").image("registry.example.com/my-ml-model:v1").port(8080).build())
                .autoscaling(AutoscalingPolicy.builder().minReplicas(1).maxReplicas(5).target(TargetType.CPU_UTILIZATION, 60).build())
                .resources(Resources.of(ResourceList.of("500m", "1Gi"), ResourceList.of("1", "2Gi")))).build();
    }

    private InferenceEndpoint applied(String name) {
        InferenceEndpoint e = sample(name);
        backend.apply(e);
        backend.awaitReady(name, readyTimeout());
        return e;
    }

    private static InferenceEndpoint withPolicy(InferenceEndpoint e, Function<AutoscalingPolicy.Builder, AutoscalingPolicy.Builder> change) {
        return e.toBuilder().autoscaling(change.apply(e.autoscaling().toBuilder()).build()).build();
    }

    @Nested
    @DisplayName("discovery")
    class Discovery {
        @Test
        @DisplayName("the provider is found by its id through ServiceLoader")
        void providerFoundById() {
            BackendProvider provider = Backends.discover().provider(backend.id());
            assertThat(provider.id()).isEqualTo(backend.id());
            assertThat(provider.capabilities()).isNotNull();
        }
    }

    @Nested
    @DisplayName("create")
    class Create {
        @Test
        @DisplayName("plan for a new endpoint lists creates and writes nothing")
        void planForNewEndpoint() {
            String name = newName();
            long before = writeCount();
            Plan plan = backend.plan(sample(name));
            assertThat(plan.isEmpty()).isFalse();
            assertThat(plan.changes()).extracting(Change::action).contains(Change.Action.CREATE);
            assertThat(plan.endpoint()).isEqualTo(name);
            assertThat(writeCount()).isEqualTo(before);
            assertThat(backend.get(name)).isEmpty();
        }

        @Test
        @DisplayName("apply creates the endpoint; get, status and list report it")
        void applyCreates() {
            String name = newName();
            ApplyResult result = backend.apply(sample(name));
            assertThat(result.changed()).isTrue();
            assertThat(result.status().name()).isEqualTo(name);
            assertThat(backend.get(name)).isPresent();
            assertThat(backend.status(name).name()).isEqualTo(name);
            assertThat(backend.list()).extracting(EndpointStatus::name).contains(name);
        }

        @Test
        @DisplayName("the endpoint becomes ready with replicas inside its range")
        void becomesReady() {
            String name = newName();
            backend.apply(sample(name));
            EndpointStatus status = backend.awaitReady(name, readyTimeout());
            assertThat(status.isReady()).isTrue();
            assertThat(status.minReplicas()).isEqualTo(1);
            assertThat(status.maxReplicas()).isEqualTo(5);
            assertThat(status.desiredReplicas()).isBetween(1, 5);
            assertThat(status.readyReplicas()).isBetween(1, 5);
        }
    }

    @Nested
    @DisplayName("idempotence")
    class Idempotence {
        @Test
        @DisplayName("re-applying an unchanged endpoint plans nothing and makes no write")
        void reapplyMakesNoWrite() {
            String name = newName();
            InferenceEndpoint e = applied(name);
            long before = writeCount();
            assertThat(backend.plan(e).isEmpty()).as("plan after apply").isTrue();
            ApplyResult again = backend.apply(e);
            assertThat(again.changed()).isFalse();
            assertThat(again.plan().changes()).isEmpty();
            assertThat(writeCount()).isEqualTo(before);
        }
    }

    @Nested
    @DisplayName("fleet")
    class Fleet {
        @Test
        @DisplayName("applyAll of a fleet (one endpoint there, one changed, one new) applies each as apply would; then planAll is empty and applyAll again writes nothing")
        void applyAllThenNoOp() {
            InferenceEndpoint same = applied(newName());
            InferenceEndpoint changed = withPolicy(applied(newName()), p -> p.maxReplicas(7));
            InferenceEndpoint fresh = sample(newName());
            List<InferenceEndpoint> fleet = List.of(same, changed, fresh);

            FleetResult<Plan> plans = backend.planAll(fleet, new FleetOptions(2));
            assertThat(plans.orThrow().get(same.name()).isEmpty()).as("plan of the unchanged member").isTrue();
            assertThat(plans.orThrow().get(changed.name()).isEmpty()).as("plan of the changed member").isFalse();
            assertThat(plans.orThrow().get(fresh.name()).changes()).extracting(Change::action).containsOnly(Change.Action.CREATE);

            FleetResult<ApplyResult> applied = backend.applyAll(fleet, new FleetOptions(2));
            assertThat(applied.outcomes()).extracting(EndpointOutcome::name).containsExactly(same.name(), changed.name(), fresh.name());
            Map<String, ApplyResult> results = applied.orThrow();
            assertThat(results.get(same.name()).changed()).isFalse();
            assertThat(results.get(changed.name()).changed()).isTrue();
            assertThat(results.get(fresh.name()).changed()).isTrue();
            assertThat(backend.awaitReady(changed.name(), readyTimeout()).maxReplicas()).isEqualTo(7);
            backend.awaitReady(fresh.name(), readyTimeout());

            long before = writeCount();
            assertThat(backend.planAll(fleet, new FleetOptions(2)).orThrow().values()).allSatisfy(p -> assertThat(p.isEmpty()).isTrue());
            assertThat(backend.applyAll(fleet, new FleetOptions(2)).orThrow().values()).allSatisfy(r -> assertThat(r.changed()).isFalse());
            assertThat(writeCount()).as("planAll and a no-op applyAll write nothing").isEqualTo(before);
        }

        @Test
        @DisplayName("applyAll with an invalid member rejects the whole fleet by field before any call")
        void applyAllRejectsInvalidFleet() {
            InferenceEndpoint good = sample(newName());
            InferenceEndpoint bad = withPolicy(sample(newName()), p -> p.minReplicas(4).maxReplicas(2));
            long before = writeCount();
            assertThatThrownBy(() -> backend.applyAll(List.of(good, bad), new FleetOptions(2)))
                    .isInstanceOf(InvalidEndpointException.class).hasMessageContaining(bad.name()).hasMessageContaining("minReplicas");
            assertThat(writeCount()).isEqualTo(before);
            assertThat(backend.get(good.name())).as("nothing applied").isEmpty();
        }
    }

    @Nested
    @DisplayName("update")
    class Update {
        @Test
        @DisplayName("a new replica range and target are planned as updates, applied, and then up to date")
        void updateReplicasAndTargets() {
            String name = newName();
            InferenceEndpoint e = applied(name);
            InferenceEndpoint changed = withPolicy(e, p -> p.minReplicas(2).maxReplicas(8).target(TargetType.CPU_UTILIZATION, 70));
            long before = writeCount();
            Plan plan = backend.plan(changed);
            assertThat(writeCount()).as("plan writes nothing").isEqualTo(before);
            assertThat(plan.isEmpty()).isFalse();
            assertThat(plan.changes()).extracting(Change::action).doesNotContain(Change.Action.DELETE);
            backend.apply(changed);
            EndpointStatus status = backend.awaitReady(name, readyTimeout());
            assertThat(status.minReplicas()).isEqualTo(2);
            assertThat(status.maxReplicas()).isEqualTo(8);
            assertThat(status.desiredReplicas()).isBetween(2, 8);
            assertThat(backend.plan(changed).isEmpty()).as("plan after the update").isTrue();
        }
    }

    @Nested
    @DisplayName("target update")
    class TargetUpdate {
        @Test
        @DisplayName("a change of the target value alone is planned, applied, and then up to date")
        void updateTargetOnly() {
            String name = newName();
            InferenceEndpoint e = applied(name);
            InferenceEndpoint changed = withPolicy(e, p -> p.target(TargetType.CPU_UTILIZATION, 75));
            long before = writeCount();
            assertThat(backend.plan(changed).isEmpty()).as("a new target value is a change").isFalse();
            assertThat(writeCount()).as("plan writes nothing").isEqualTo(before);
            backend.apply(changed);
            backend.awaitReady(name, readyTimeout());
            assertThat(backend.plan(changed).isEmpty()).as("plan after the update").isTrue();
            assertThat(backend.plan(e).isEmpty()).as("going back to the old target is a change again").isFalse();
        }
    }

    @Nested
    @DisplayName("delete")
    class Delete {
        @Test
        @DisplayName("delete removes the endpoint; a second delete is a no-op")
        void deleteIsIdempotent() {
            String name = newName();
            applied(name);
            assertDeletedCompletely(name);
        }

        @Test
        @DisplayName("deleting an endpoint that never existed returns false")
        void deleteMissing() {
            assertThat(backend.delete(newName())).isFalse();
        }

        @Test
        @DisplayName("status of a missing endpoint is NOT_FOUND")
        void statusOfMissing() {
            String name = newName();
            BackendException e = catchThrowableOfType(BackendException.class, () -> backend.status(name));
            assertThat(e).isNotNull();
            assertThat(e.reason()).isEqualTo(BackendException.Reason.NOT_FOUND);
            assertThat(e.getMessage()).contains(name);
            assertThat(backend.get(name)).isEmpty();
        }
    }

    @Nested
    @DisplayName("validation")
    class Validation {
        @Test
        @DisplayName("an invalid endpoint is rejected with its field path before any write")
        void invalidRejected() {
            String name = newName();
            InferenceEndpoint bad = withPolicy(sample(name), p -> p.maxReplicas(0));
            long before = writeCount();
            InvalidEndpointException e = catchThrowableOfType(InvalidEndpointException.class, () -> backend.apply(bad));
            assertThat(e).isNotNull();
            assertThat(e.report().errors()).extracting(Problem::path).contains("spec.autoscaling.maxReplicas");
            assertThatThrownBy(() -> backend.plan(bad)).isInstanceOf(InvalidEndpointException.class);
            assertThatThrownBy(() -> backend.render(bad)).isInstanceOf(InvalidEndpointException.class);
            assertThat(writeCount()).isEqualTo(before);
            assertThat(backend.get(name)).isEmpty();
        }

        @Test
        @DisplayName("an unknown option for this backend is rejected by name")
        void unknownOptionRejected() {
            String name = newName();
            InferenceEndpoint bad = sample(name).toBuilder().option(backend.id(), "noSuchOption", "x").build();
            long before = writeCount();
            InvalidEndpointException e = catchThrowableOfType(InvalidEndpointException.class, () -> backend.apply(bad));
            assertThat(e).isNotNull();
            assertThat(e.report().errors()).extracting(Problem::path).contains("spec.backends." + backend.id() + ".noSuchOption");
            assertThat(writeCount()).isEqualTo(before);
        }

        @Test
        @DisplayName("options for other backends are ignored")
        void otherBackendsOptionsIgnored() {
            InferenceEndpoint e = sample(newName()).toBuilder().option("some-other-backend", "anything", "x").build();
            assertThat(backend.validate(e).errors()).isEmpty();
        }
    }

    @Nested
    @DisplayName("capabilities")
    class CapabilityChecks {
        @Test
        @DisplayName("every unsupported feature is rejected by its field path before any write")
        void unsupportedFeaturesRejected() {
            List<Feature> unsupported = featuresWith(Support.UNSUPPORTED);
            assumeTrue(!unsupported.isEmpty(), "backend " + backend.id() + " supports every feature");
            for (Feature f : unsupported) {
                String name = newName();
                InferenceEndpoint e = using(f, sample(name));
                assertThat(f.isUsedBy(e)).as("sample uses %s", f).isTrue();
                long before = writeCount();
                InvalidEndpointException ex = catchThrowableOfType(InvalidEndpointException.class, () -> backend.apply(e));
                assertThat(ex).as("%s rejected", f).isNotNull();
                assertThat(ex.report().errors()).as("errors for %s", f).extracting(Problem::path).contains(f.path());
                assertThat(ex.report().errors()).filteredOn(p -> p.path().equals(f.path())).first()
                        .satisfies(p -> assertThat(p.message()).contains(backend.id()));
                assertThat(writeCount()).as("no write for %s", f).isEqualTo(before);
            }
        }

        @Test
        @DisplayName("every approximated feature is a warning naming the field, not an error")
        void approximatedFeaturesWarn() {
            List<Feature> approximated = featuresWith(Support.APPROXIMATED);
            assumeTrue(!approximated.isEmpty(), "backend " + backend.id() + " approximates nothing");
            for (Feature f : approximated) {
                InferenceEndpoint e = using(f, sample(newName()));
                ValidationReport report = backend.validate(e);
                assertThat(report.warnings()).as("warning for %s", f).extracting(Problem::path).contains(f.path());
                assertThat(report.errors()).as("no error at %s", f).extracting(Problem::path).doesNotContain(f.path());
            }
        }

        @Test
        @DisplayName("render works offline for the sample and names the endpoint")
        void renderOffline() {
            String name = newName();
            Rendering r = backend.render(sample(name));
            assertThat(r.backendId()).isEqualTo(backend.id());
            assertThat(r.text()).isNotBlank().contains(name);
        }
    }

    @Nested
    @DisplayName("scale to zero")
    class ScaleToZeroCase {
        @Test
        @DisplayName("an endpoint with scaleToZero {idleSeconds: 600} reports minReplicas 0, re-applies as a no-op, and deletes completely")
        void scaleToZeroLifecycle() {
            assumeTrue(backend.capabilities().supports(Feature.SCALE_TO_ZERO), "backend " + backend.id()
                    + " does not support scale to zero (" + backend.capabilities().note(Feature.SCALE_TO_ZERO) + ")");
            String name = newName();
            InferenceEndpoint e = scaleToZeroSample(name);
            assertThat(backend.validate(e).errors()).as("errors for the scale-to-zero sample").isEmpty();
            ApplyResult created = backend.apply(e);
            assertThat(created.changed()).isTrue();
            EndpointStatus ready = backend.awaitReady(name, readyTimeout());
            assertThat(ready.isReady()).isTrue();
            EndpointStatus status = backend.status(name);
            assertThat(status.minReplicas()).as("minReplicas in the status of a scale-to-zero endpoint").isZero();
            assertThat(status.maxReplicas()).isEqualTo(e.autoscaling().maxReplicas());
            assertThat(backend.list()).filteredOn(s -> s.name().equals(name)).singleElement()
                    .satisfies(s -> assertThat(s.minReplicas()).as("minReplicas in list").isZero());

            long before = writeCount();
            assertThat(backend.plan(e).changes()).as("plan after apply").isEmpty();
            ApplyResult again = backend.apply(e);
            assertThat(again.changed()).isFalse();
            assertThat(again.plan().changes()).isEmpty();
            assertThat(writeCount()).as("writes of the re-apply").isEqualTo(before);

            assertDeletedCompletely(name);
        }
    }

    /**
     * The sample with {@code minReplicas 0} and {@code scaleToZero {idleSeconds: 600}}, its CPU target replaced by 20
     * requests per second per replica when the backend supports that target (at zero replicas no CPU is measured, so
     * only a request metric can wake the endpoint: KEDA's webhook rejects a ScaledObject with only cpu/memory triggers
     * and minReplicaCount 0), passed through {@link #customizeForScaleToZero}.
     */
    protected InferenceEndpoint scaleToZeroSample(String name) {
        InferenceEndpoint e = using(Feature.SCALE_TO_ZERO, sample(name));
        if (backend.capabilities().supports(Feature.REQUESTS_PER_SECOND_TARGET)) {
            e = using(Feature.REQUESTS_PER_SECOND_TARGET, e);
        }
        return customizeForScaleToZero(e.toBuilder()).build();
    }

    /**
     * Deletes endpoint {@code name}, which exists, and checks that nothing is left: {@code get} is empty, {@code list}
     * does not name it, a second delete returns false, and {@link #remainingObjects} finds nothing on the fake.
     */
    private void assertDeletedCompletely(String name) {
        assertThat(backend.delete(name)).isTrue();
        assertThat(backend.get(name)).isEmpty();
        assertThat(backend.list()).extracting(EndpointStatus::name).doesNotContain(name);
        assertThat(backend.delete(name)).isFalse();
        assertThat(remainingObjects(name)).as("objects of %s left on the fake after delete", name).isEmpty();
    }

    private List<Feature> featuresWith(Support support) {
        return Arrays.stream(Feature.values()).filter(f -> backend.capabilities().support(f) == support).toList();
    }

    /** The sample changed to use one feature (and whatever it needs to be otherwise valid). */
    protected static InferenceEndpoint using(Feature f, InferenceEndpoint e) {
        AutoscalingPolicy p = e.autoscaling();
        AutoscalingPolicy.Builder b = p.toBuilder();
        InferenceEndpoint.Builder eb = e.toBuilder();
        switch (f) {
            case CPU_UTILIZATION_TARGET -> b.target(TargetType.CPU_UTILIZATION, 60);
            case MEMORY_UTILIZATION_TARGET -> b.removeTarget(TargetType.CPU_UTILIZATION).target(TargetType.MEMORY_UTILIZATION, 70);
            case REQUESTS_PER_SECOND_TARGET -> b.removeTarget(TargetType.CPU_UTILIZATION).target(TargetType.REQUESTS_PER_SECOND, 20);
            case CONCURRENT_REQUESTS_TARGET -> b.removeTarget(TargetType.CPU_UTILIZATION).target(TargetType.CONCURRENT_REQUESTS, 4);
            case QUEUE_DEPTH_TARGET -> b.removeTarget(TargetType.CPU_UTILIZATION).target(TargetType.QUEUE_DEPTH, 8);
            case TOKENS_PER_SECOND_TARGET -> b.removeTarget(TargetType.CPU_UTILIZATION).target(TargetType.TOKENS_PER_SECOND, 500);
            case ACCELERATOR_UTILIZATION_TARGET -> {
                b.removeTarget(TargetType.CPU_UTILIZATION).target(TargetType.ACCELERATOR_UTILIZATION, 70);
                eb.resources(e.resources().withAccelerator(new Accelerator(AcceleratorType.NVIDIA_T4, 1)));
            }
            case MULTIPLE_TARGETS -> b.target(TargetType.CPU_UTILIZATION, 60).target(TargetType.MEMORY_UTILIZATION, 70);
            case SCALE_UP_STABILIZATION -> b.behavior(ScalingBehavior.of(ScalingRules.stabilization(60), p.behavior().scaleDown().orElse(null)));
            case SCALE_DOWN_STABILIZATION -> b.behavior(ScalingBehavior.of(p.behavior().scaleUp().orElse(null), ScalingRules.stabilization(600)));
            case SCALE_UP_RATE_POLICIES -> b.behavior(ScalingBehavior.of(
                    ScalingRules.of(null, List.of(new ScalingPolicy(ScalingPolicy.Type.PODS, 4, 60)), null), p.behavior().scaleDown().orElse(null)));
            case SCALE_DOWN_RATE_POLICIES -> b.behavior(ScalingBehavior.of(p.behavior().scaleUp().orElse(null),
                    ScalingRules.of(null, List.of(new ScalingPolicy(ScalingPolicy.Type.PERCENT, 50, 60)), null)));
            case SCALE_UP_DISABLED -> b.behavior(ScalingBehavior.of(ScalingRules.disabled(), p.behavior().scaleDown().orElse(null)));
            case SCALE_DOWN_DISABLED -> b.behavior(ScalingBehavior.of(p.behavior().scaleUp().orElse(null), ScalingRules.disabled()));
            case SCALE_TO_ZERO -> b.minReplicas(0).scaleToZero(new ScaleToZero(600));
            case ACCELERATORS -> eb.resources(e.resources().withAccelerator(new Accelerator(AcceleratorType.NVIDIA_T4, 1)));
            default -> throw new IllegalArgumentException("no sample for " + f);
        }
        return eb.autoscaling(b.build()).build();
    }
}
