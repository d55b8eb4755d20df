package io.inferscale.api.backend;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("AbstractBackend: the shared contract, once")
class AbstractBackendTest {

    /** A backend whose desired state is the effective endpoint's replica range; counts every hook call. */
    static final class CountingBackend extends AbstractBackend<String> {
        final AtomicInteger validations = new AtomicInteger();
        final AtomicInteger translations = new AtomicInteger();
        final List<String> hookNames = new ArrayList<>();
        ValidationReport nativeProblems = ValidationReport.empty();
        ValidationReport translationProblems = ValidationReport.empty();

        CountingBackend(Capabilities capabilities) {
            super("demo", capabilities, List.of(new OptionKey("zone", "where")));
        }

        @Override
        protected ValidationReport validateNative(InferenceEndpoint effective) {
            validations.incrementAndGet();
            return nativeProblems;
        }

        @Override
        protected Translation<String> translate(InferenceEndpoint effective) {
            translations.incrementAndGet();
            String desired = effective.autoscaling().minReplicas() + ".." + effective.autoscaling().maxReplicas();
            return translationProblems.hasErrors() ? Translation.failed(translationProblems)
                    : new Translation<>(desired, List.of(), translationProblems);
        }

        @Override
        protected Rendering render(PreparedEndpoint<String> e) {
            hookNames.add("render");
            return new Rendering(id(), "text", e.desired(), e.notes());
        }

        @Override
        protected Plan plan(PreparedEndpoint<String> e) {
            hookNames.add("plan");
            return new Plan(e.name(), id(), List.of(), List.of());
        }

        @Override
        protected ApplyResult apply(PreparedEndpoint<String> e) {
            hookNames.add("apply");
            return new ApplyResult(plan(e), EndpointStatus.builder(e.name(), id()).build(),
                    List.of(Problem.warning("spec.model", "from the executor")));
        }

        @Override
        protected Optional<EndpointStatus> read(String name) {
            hookNames.add("read " + name);
            return Optional.empty();
        }

        @Override
        protected EndpointStatus waitUntilReady(String name, Duration timeout, ProgressListener progress) {
            hookNames.add("wait " + name);
            EndpointStatus s = EndpointStatus.builder(name, id()).state(EndpointState.READY).build();
            progress.onStatus(s);
            return s;
        }

        @Override
        protected boolean remove(String name) {
            hookNames.add("remove " + name);
            return false;
        }

        @Override
        public List<EndpointStatus> list() {
            return List.of();
        }
    }

    private static InferenceEndpoint seed() {
        return BackendValidateDefaultTest.seed().build();
    }

    @Test
    @DisplayName("render, plan and apply validate once and translate once each, with the overrides applied")
    void onceEach() {
        CountingBackend b = new CountingBackend(Capabilities.all());
        assertThat(b.render(seed()).text()).isEqualTo("1..5");
        b.plan(seed());
        b.apply(seed());
        assertThat(b.validations).hasValue(3);
        assertThat(b.translations).hasValue(3);
        assertThat(b.hookNames).containsExactly("render", "plan", "apply", "plan");
    }

    @Test
    @DisplayName("an error from the neutral rules, the backend's rules or the translation stops before any hook and names the field")
    void errorsStopBeforeHooks() {
        CountingBackend b = new CountingBackend(Capabilities.all());
        InferenceEndpoint badOption = BackendValidateDefaultTest.seed().option("demo", "zome", "a").build();
        assertThatThrownBy(() -> b.apply(badOption)).isInstanceOf(InvalidEndpointException.class)
                .hasMessageContaining("spec.backends.demo.zome").hasMessageContaining("did you mean 'zone'");
        assertThat(b.translations).hasValue(0);

        b.nativeProblems = ValidationReport.of(Problem.error("spec.resources.requests.cpu", "too small for demo; use at least 1"));
        assertThatThrownBy(() -> b.plan(seed())).isInstanceOf(InvalidEndpointException.class)
                .hasMessageContaining("spec.resources.requests.cpu").hasMessageContaining("use at least 1");
        assertThat(b.translations).hasValue(0);

        b.nativeProblems = ValidationReport.empty();
        b.translationProblems = ValidationReport.of(Problem.error("spec.model.image", "found only while translating"));
        assertThatThrownBy(() -> b.render(seed())).isInstanceOf(InvalidEndpointException.class)
                .hasMessageContaining("found only while translating");
        assertThat(b.hookNames).isEmpty();
    }

    @Test
    @DisplayName("validate reports the neutral problems and the backend's own in one report (a caller sees every field at once)")
    void oneReport() {
        CountingBackend b = new CountingBackend(Capabilities.all());
        b.nativeProblems = ValidationReport.of(Problem.error("spec.model.port", "demo serves on 8080 only"));
        InferenceEndpoint e = BackendValidateDefaultTest.seed().option("demo", "zome", "a").build();
        assertThat(b.validate(e).errors()).extracting(Problem::path).containsExactly("spec.backends.demo.zome", "spec.model.port");
    }

    @Test
    @DisplayName("apply returns the validation warnings with its own, each once")
    void applyCarriesWarnings() {
        Capabilities caps = Capabilities.builder().supports(Feature.CPU_UTILIZATION_TARGET)
                .approximates(Feature.SCALE_DOWN_STABILIZATION, "as a cooldown").build();
        CountingBackend b = new CountingBackend(caps);
        b.translationProblems = ValidationReport.of(Problem.warning("spec.model", "from the translation"));
        ApplyResult r = b.apply(seed());
        assertThat(r.warnings()).extracting(Problem::message).containsExactly("from the executor", "from the translation");
        assertThat(new ApplyResult(r.plan(), r.status()).warnings()).isEmpty();
    }

    @Test
    @DisplayName("get, awaitReady and delete check the name before the hook; a bad timeout is refused")
    void namesChecked() {
        CountingBackend b = new CountingBackend(Capabilities.all());
        for (Runnable call : List.<Runnable>of(() -> b.get("Bad_Name"), () -> b.delete("Bad_Name"), () -> b.awaitReady("Bad_Name", Duration.ofSeconds(1)))) {
            assertThatThrownBy(call::run).isInstanceOf(InvalidEndpointException.class).hasMessageContaining("metadata.name")
                    .hasMessageContaining("DNS-1123");
        }
        assertThat(b.hookNames).isEmpty();
        assertThatThrownBy(() -> b.awaitReady("ok", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
        List<EndpointStatus> seen = new ArrayList<>();
        assertThat(b.awaitReady("ok", Duration.ofSeconds(1), seen::add).isReady()).isTrue();
        assertThat(seen).hasSize(1);
        assertThat(b.delete("ok")).isFalse();
        assertThat(b.get("ok")).isEmpty();
        assertThat(b.hookNames).containsExactly("wait ok", "remove ok", "read ok");
    }
}
