package io.inferscale.api.backend;

import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("applyAll and planAll: bounded concurrency, one outcome per endpoint")
class FleetApplyTest {

    /** A backend whose apply fails for the names in {@code failing} and records how many applies run at once. */
    static final class GatedBackend extends AbstractBackend<String> {
        final Set<String> failing;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final AtomicInteger applies = new AtomicInteger();
        final CountDownLatch started;

        GatedBackend(Set<String> failing, int awaitStarted) {
            super("demo", Capabilities.all(), List.of());
            this.failing = failing;
            this.started = new CountDownLatch(awaitStarted);
        }

        @Override
        protected Translation<String> translate(InferenceEndpoint effective) {
            return new Translation<>(effective.name(), List.of(), io.inferscale.api.validation.ValidationReport.empty());
        }

        @Override
        protected Rendering render(PreparedEndpoint<String> e) {
            return new Rendering(id(), "text", e.desired(), e.notes());
        }

        @Override
        protected Plan plan(PreparedEndpoint<String> e) {
            if (failing.contains(e.name())) {
                throw new BackendException(id(), BackendException.Reason.PERMISSION_DENIED, "cannot read");
            }
            return new Plan(e.name(), id(), List.of(new Change(Change.Action.CREATE, "Thing", e.name(), List.of(), "")), List.of());
        }

        @Override
        protected ApplyResult apply(PreparedEndpoint<String> e) {
            applies.incrementAndGet();
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                started.countDown();
                // hold the slot until enough applies run at once to show the bound (or give up after a while)
                started.await(2, TimeUnit.SECONDS);
                if (failing.contains(e.name())) {
                    throw BackendException.atStep("apply", e.name(), "write Thing " + e.name(),
                            new BackendException(id(), BackendException.Reason.THROTTLED, "slow down"));
                }
                if (e.name().equals("bug")) {
                    throw new IllegalStateException("a bug");
                }
                return new ApplyResult(plan(e), EndpointStatus.builder(e.name(), id()).build());
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override
        protected Optional<EndpointStatus> read(String name) {
            return Optional.empty();
        }

        @Override
        protected EndpointStatus waitUntilReady(String name, Duration timeout, ProgressListener progress) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected boolean remove(String name) {
            return false;
        }

        @Override
        public List<EndpointStatus> list() {
            return List.of();
        }
    }

    private static List<InferenceEndpoint> fleet(String... names) {
        return java.util.Arrays.stream(names).map(n -> BackendValidateDefaultTest.seed().name(n).build()).toList();
    }

    private static String[] names(int n) {
        return IntStream.range(0, n).mapToObj(i -> "ep-" + i).toArray(String[]::new);
    }

    @Test
    @DisplayName("at most `concurrency` endpoints are applied at once, and that many are")
    void boundedConcurrency() {
        GatedBackend b = new GatedBackend(Set.of(), 3);
        FleetResult<ApplyResult> r = b.applyAll(fleet(names(12)), new FleetOptions(3));
        assertThat(r.allSucceeded()).isTrue();
        assertThat(b.applies).hasValue(12);
        assertThat(b.maxInFlight).hasValue(3);
    }

    @Test
    @DisplayName("sequential options apply one at a time on the calling thread")
    void sequential() {
        GatedBackend b = new GatedBackend(Set.of(), 1);
        assertThat(b.applyAll(fleet(names(5)), FleetOptions.sequential()).allSucceeded()).isTrue();
        assertThat(b.maxInFlight).hasValue(1);
    }

    @Test
    @DisplayName("a failed endpoint keeps its failure (naming it and its step); the others keep their results")
    void partialFailure() {
        GatedBackend b = new GatedBackend(Set.of("ep-2", "ep-5"), 1);
        FleetResult<ApplyResult> r = b.applyAll(fleet(names(8)));

        assertThat(r.allSucceeded()).isFalse();
        assertThat(r.results()).containsOnlyKeys("ep-0", "ep-1", "ep-3", "ep-4", "ep-6", "ep-7");
        assertThat(r.failures()).containsOnlyKeys("ep-2", "ep-5");
        BackendException e = r.outcome("ep-5").failure();
        assertThat(e.getMessage()).contains("apply of endpoint 'ep-5' stopped at step write Thing ep-5 (THROTTLED)");
        assertThat(e.step()).contains("write Thing ep-5");
        assertThatThrownBy(r::orThrow).isSameAs(r.outcome("ep-2").failure());
        assertThat(r.outcome("ep-2").failure().getSuppressed()).containsExactly(e);
    }

    @Test
    @DisplayName("a failure that does not name the endpoint, or a bug, is wrapped naming it")
    void namesTheEndpoint() {
        GatedBackend b = new GatedBackend(Set.of("ep-1"), 1);
        FleetResult<Plan> plans = b.planAll(fleet("ep-0", "ep-1"));
        assertThat(plans.outcome("ep-1").failure().getMessage()).startsWith("demo: plan of endpoint 'ep-1' failed: demo: cannot read");
        assertThat(plans.outcome("ep-1").failure().reason()).isEqualTo(BackendException.Reason.PERMISSION_DENIED);
        assertThat(plans.outcome("ep-0").result().changes()).hasSize(1);

        FleetResult<ApplyResult> applied = b.applyAll(fleet("bug", "ep-0"));
        assertThat(applied.outcome("bug").failure().reason()).isEqualTo(BackendException.Reason.FAILED);
        assertThat(applied.outcome("bug").failure()).hasMessageContaining("apply of endpoint 'bug' failed unexpectedly")
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(applied.outcome("ep-0").succeeded()).isTrue();
    }

    @Test
    @DisplayName("concurrency outside 1..256 is rejected naming the option and the default")
    void optionBounds() {
        assertThatThrownBy(() -> new FleetOptions(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("concurrency was 0 but it must be between 1 and 256 (endpoints planned or applied at the same time; default 8)");
        assertThat(FleetOptions.DEFAULT.concurrency()).isEqualTo(8);
    }

    @Test
    @DisplayName("the Backend interface's default applies each endpoint after validating all")
    void interfaceDefault() {
        GatedBackend inner = new GatedBackend(Set.of(), 1);
        Backend plain = new Backend() {
            @Override public String id() { return "demo"; }
            @Override public Capabilities capabilities() { return Capabilities.all(); }
            @Override public Rendering render(InferenceEndpoint endpoint) { return inner.render(endpoint); }
            @Override public Plan plan(InferenceEndpoint endpoint) { return inner.plan(endpoint); }
            @Override public ApplyResult apply(InferenceEndpoint endpoint) { return inner.apply(endpoint); }
            @Override public Optional<EndpointStatus> get(String name) { return Optional.empty(); }
            @Override public List<EndpointStatus> list() { return List.of(); }
            @Override public EndpointStatus awaitReady(String name, Duration timeout) { throw new UnsupportedOperationException(); }
            @Override public boolean delete(String name) { return false; }
        };
        assertThat(plain.applyAll(fleet("a", "b", "c")).results()).containsOnlyKeys("a", "b", "c");
        assertThat(inner.applies).hasValue(3);
        List<InferenceEndpoint> bad = List.of(BackendValidateDefaultTest.seed().name("ok").build(),
                BackendValidateDefaultTest.seed().name("bad").option("demo", "nope", "1").build());
        assertThatThrownBy(() -> plain.applyAll(bad)).isInstanceOf(io.inferscale.api.InvalidEndpointException.class)
                .hasMessageContaining("endpoint 'bad': unknown option");
        assertThat(inner.applies).hasValue(3);
    }
}
