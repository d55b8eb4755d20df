package io.inferscale.backend.inmemory;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.Secrets;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.FieldChange;
import io.inferscale.api.backend.Plan;
import io.inferscale.api.ConfigurationException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The in-memory backend")
class InMemoryBackendTest {

    static InferenceEndpoint seed() {
        return InferenceEndpoint.builder("my-model-endpoint")
                .model(ModelSpec.builder("my-ml-model").version("v1").build())
                .autoscaling(AutoscalingPolicy.builder().minReplicas(1).maxReplicas(5).target(TargetType.CPU_UTILIZATION, 60).build())
                .resources(Resources.of(ResourceList.of("500m", "1Gi"), ResourceList.of("1", "2Gi")))
                .build();
    }

    /**
     * Runs {@code action} on another thread once {@code waiter} (the test thread) is waiting inside awaitReady,
     * so the action happens during the wait however slowly threads are scheduled. Once {@code over} is set (the
     * wait ended without the action), the helper gives up instead of acting late.
     */
    private static Thread whileWaiting(Thread waiter, AtomicBoolean over, Runnable action) {
        Thread t = new Thread(() -> {
            while (waiter.getState() != Thread.State.TIMED_WAITING) {
                if (over.get()) {
                    return;
                }
                Thread.yield();
            }
            if (!over.get()) {
                action.run();
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void finish(Thread helper, AtomicBoolean over) throws InterruptedException {
        over.set(true);
        helper.join(10_000);
        assertThat(helper.isAlive()).as("the helper thread ended").isFalse();
    }

    @Test
    @DisplayName("awaitReady on the system clock follows a re-apply during the wait and returns only when ready")
    void awaitReadyFollowsReapply() throws Exception {
        InMemoryBackend b = InMemoryBackend.builder().readyDelay(Duration.ofSeconds(3)).build();
        b.apply(seed());
        AtomicBoolean over = new AtomicBoolean();
        Thread reapply = whileWaiting(Thread.currentThread(), over,
                () -> b.apply(seed().toBuilder().autoscaling(seed().autoscaling().toBuilder().maxReplicas(6).build()).build()));
        EndpointStatus status = b.awaitReady("my-model-endpoint", Duration.ofSeconds(20));
        finish(reapply, over);
        assertThat(status.isReady()).isTrue();
        assertThat(status.maxReplicas()).as("the re-apply happened during the wait and awaitReady saw it").isEqualTo(6);
    }

    @Test
    @DisplayName("awaitReady ends with NOT_FOUND when the endpoint is deleted during the wait")
    void awaitReadyEndsOnDelete() throws Exception {
        InMemoryBackend b = InMemoryBackend.builder().readyDelay(Duration.ofSeconds(20)).build();
        b.apply(seed());
        AtomicBoolean over = new AtomicBoolean();
        Thread delete = whileWaiting(Thread.currentThread(), over, () -> b.delete("my-model-endpoint"));
        assertThatThrownBy(() -> b.awaitReady("my-model-endpoint", Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.reason()).isEqualTo(BackendException.Reason.NOT_FOUND));
        finish(delete, over);
    }

    @Test
    @DisplayName("awaitReady on a clock that never moves times out after the timeout in real time")
    void awaitReadyOnFixedClock() {
        InMemoryBackend b = InMemoryBackend.builder().clock(java.time.Clock.fixed(java.time.Instant.parse("2026-01-01T00:00:00Z"), java.time.ZoneOffset.UTC))
                .readyDelay(Duration.ofSeconds(1)).build();
        b.apply(seed());
        assertThatThrownBy(() -> b.awaitReady("my-model-endpoint", Duration.ofMillis(200)))
                .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.reason()).isEqualTo(BackendException.Reason.TIMEOUT));
    }

    @Test
    @DisplayName("awaitReady with the longest Duration does not overflow")
    void awaitReadyWithHugeTimeout() {
        InMemoryBackend b = InMemoryBackend.builder().clock(ManualClock.atEpochOf2026()).readyDelay(Duration.ofMinutes(1)).build();
        b.apply(seed());
        assertThat(b.awaitReady("my-model-endpoint", Duration.ofSeconds(Long.MAX_VALUE)).isReady()).isTrue();
    }

    @ParameterizedTest(name = "a corrupt state file: {0}")
    @CsvSource(delimiter = '|', value = {
            "garbage: [ \\n  API_TOKEN: s3cr3t| it is not valid YAML: expected ',' or ']', but got <stream end> at line 2",
            "endpoints: 5| expected a mapping with an 'endpoints' list",
            "endpoints: [7]| endpoints[0] is not a mapping",
            "endpoints: [{createdAt: x}]| endpoints[0]: document must be text, but it is missing",
    })
    void corruptStateFile(String content, String why, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("state.yaml");
        Files.writeString(file, content.replace("\\n", "\n"));
        assertThatThrownBy(() -> InMemoryBackend.builder().stateFile(file).build())
                .isInstanceOf(BackendException.class)
                .hasMessage("in-memory: cannot read state file " + file + " (" + why.strip() + "); fix it or delete it to start empty")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    @DisplayName("a state file with a broken endpoint document names the file, the entry and the problem")
    void corruptStateDocument(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state.yaml");
        try (InMemoryBackend b = InMemoryBackend.builder().stateFile(file).build()) {
            b.apply(seed());
        }
        Files.writeString(file, Files.readString(file).replace("maxReplicas: 5", "maxReplica: 5"));
        assertThatThrownBy(() -> InMemoryBackend.builder().stateFile(file).build())
                .isInstanceOf(BackendException.class)
                .hasMessageStartingWith("in-memory: cannot read state file " + file + " (" + file + " endpoints[0].document is invalid")
                .hasMessageContaining("did you mean 'maxReplicas'?");
    }

    @Test
    @DisplayName("a plan names a changed environment variable but never shows its values")
    void planHidesEnvironmentValues() {
        InMemoryBackend backend = InMemoryBackend.create();
        InferenceEndpoint before = seed().toBuilder().model(seed().model().toBuilder().env("API_TOKEN", "old-secret").build()).build();
        backend.apply(before);
        InferenceEndpoint after = before.toBuilder().model(before.model().toBuilder().env("API_TOKEN", "new-secret").env("LOG", "x").build()).build();
        Plan plan = backend.plan(after);
        assertThat(plan.changes()).singleElement().satisfies(c -> assertThat(c.fields()).containsExactly(
                new FieldChange("spec.model.env.API_TOKEN", Secrets.HIDDEN, Secrets.HIDDEN), new FieldChange("spec.model.env.LOG", null, Secrets.HIDDEN)));
        assertThat(plan.toString()).doesNotContain("old-secret", "new-secret");
    }

    @Test
    @DisplayName("is CREATING until its ready delay has passed on its clock, then READY")
    void readyAfterDelay() {
        ManualClock clock = ManualClock.atEpochOf2026();
        InMemoryBackend b = InMemoryBackend.builder().clock(clock).readyDelay(Duration.ofSeconds(30)).build();
        b.apply(seed());
        assertThat(b.status("my-model-endpoint").state()).isEqualTo(EndpointState.CREATING);
        assertThat(b.status("my-model-endpoint").readyReplicas()).isZero();
        clock.advance(Duration.ofSeconds(29));
        assertThat(b.status("my-model-endpoint").state()).isEqualTo(EndpointState.CREATING);
        clock.advance(Duration.ofSeconds(1));
        EndpointStatus s = b.status("my-model-endpoint");
        assertThat(s.state()).isEqualTo(EndpointState.READY);
        assertThat(s.replicasDisplay()).isEqualTo("1/1");
    }

    @Test
    @DisplayName("awaitReady advances a manual clock, and times out when the delay exceeds the timeout")
    void awaitReadyOnManualClock() {
        ManualClock clock = ManualClock.atEpochOf2026();
        InMemoryBackend b = InMemoryBackend.builder().clock(clock).readyDelay(Duration.ofMinutes(5)).build();
        b.apply(seed());
        assertThatThrownBy(() -> b.awaitReady("my-model-endpoint", Duration.ofMinutes(1)))
                .isInstanceOf(BackendException.class)
                .satisfies(e -> assertThat(((BackendException) e).reason()).isEqualTo(BackendException.Reason.TIMEOUT));
        assertThat(b.awaitReady("my-model-endpoint", Duration.ofMinutes(10)).isReady()).isTrue();
        assertThat(clock.instant()).isEqualTo(ManualClock.atEpochOf2026().instant().plus(Duration.ofMinutes(5)));
    }

    @Test
    @DisplayName("keeps the replica count the autoscaler chose across an update, clamped to the new range")
    void keepsDesiredAcrossUpdates() {
        InMemoryBackend b = InMemoryBackend.create();
        b.apply(seed());
        b.scale("my-model-endpoint", 4);
        InferenceEndpoint image = seed().toBuilder().model(seed().model().toBuilder().image("my-ml-model:v2").build()).build();
        b.apply(image);
        assertThat(b.status("my-model-endpoint").desiredReplicas()).isEqualTo(4);
        InferenceEndpoint smaller = image.toBuilder().autoscaling(image.autoscaling().toBuilder().maxReplicas(3).build()).build();
        b.apply(smaller);
        assertThat(b.status("my-model-endpoint").desiredReplicas()).isEqualTo(3);
        assertThatThrownBy(() -> b.scale("my-model-endpoint", 9)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside");
        assertThat(b.operations()).extracting(InMemoryBackend.Operation::type).containsExactly(
                InMemoryBackend.OperationType.CREATE, InMemoryBackend.OperationType.UPDATE, InMemoryBackend.OperationType.UPDATE);
    }

    @Test
    @DisplayName("a status becomes a document tree for JSON and YAML output")
    void statusTree() {
        InMemoryBackend b = InMemoryBackend.builder().clock(ManualClock.atEpochOf2026()).build();
        b.apply(seed());
        b.observe("my-model-endpoint", TargetType.CPU_UTILIZATION, new BigDecimal("45"));
        Map<String, Object> tree = b.status("my-model-endpoint").toTree();
        assertThat(tree).containsEntry("name", "my-model-endpoint").containsEntry("backend", "in-memory")
                .containsEntry("state", "READY").containsEntry("model", "my-ml-model:v1").containsEntry("minReplicas", 1)
                .containsEntry("maxReplicas", 5).containsEntry("readyReplicas", 1).containsEntry("desiredReplicas", 1)
                .containsEntry("createdAt", "2026-01-01T00:00:00Z");
        assertThat(tree.get("metrics")).isEqualTo(java.util.List.of(Map.of("name", "targetCPUUtilizationPercentage", "current", "45%", "target", "60%")));
        assertThat(io.inferscale.api.codec.Json.write(tree)).contains("\"conditions\": [").contains("\"type\": \"Ready\"");
    }

    @Test
    @DisplayName("shows observed metrics as current/target, like kubectl get hpa")
    void metricsDisplay() {
        InMemoryBackend b = InMemoryBackend.create();
        b.apply(seed());
        assertThat(b.status("my-model-endpoint").metrics().get(0).display()).isEqualTo("<unknown>/60%");
        b.observe("my-model-endpoint", TargetType.CPU_UTILIZATION, new BigDecimal("45"));
        assertThat(b.status("my-model-endpoint").metrics().get(0).display()).isEqualTo("45%/60%");
    }

    @Test
    @DisplayName("shares endpoints between instances through a state file")
    void stateFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state.yaml");
        BackendConfig config = BackendConfig.of(Map.of("in-memory.stateFile", file.toString()));
        try (var first = Backends.discover().create("in-memory", config)) {
            first.apply(seed());
        }
        assertThat(Files.readString(file)).contains("my-model-endpoint");
        try (var second = Backends.discover().create("in-memory", config)) {
            assertThat(second.get("my-model-endpoint")).isPresent();
            assertThat(second.plan(seed()).isEmpty()).isTrue();
            assertThat(second.delete("my-model-endpoint")).isTrue();
        }
        try (var third = Backends.discover().create("in-memory", config)) {
            assertThat(third.list()).isEmpty();
        }
    }

    @Test
    @DisplayName("rejects an unknown configuration key with a suggestion")
    void unknownConfigKey() {
        assertThatThrownBy(() -> Backends.discover().create("in-memory", BackendConfig.of(Map.of("in-memory.readyDelai", "1s"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("unknown configuration 'in-memory.readyDelai'; did you mean 'in-memory.readyDelay'? Known keys: "
                        + "in-memory.readyDelay, in-memory.unsupportedFeatures, in-memory.stateFile");
    }

    @Test
    @DisplayName("rejects features named in in-memory.unsupportedFeatures")
    void unsupportedFeaturesConfig() {
        var b = Backends.discover().create("in-memory", BackendConfig.of(Map.of("in-memory.unsupportedFeatures", "scale_to_zero, ACCELERATORS")));
        assertThat(b.capabilities().supports(io.inferscale.api.backend.Feature.SCALE_TO_ZERO)).isFalse();
        assertThat(b.capabilities().supports(io.inferscale.api.backend.Feature.ACCELERATORS)).isFalse();
        assertThatThrownBy(() -> Backends.discover().create("in-memory", BackendConfig.of(Map.of("in-memory.unsupportedFeatures", "WARP_DRIVE"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("unknown feature 'WARP_DRIVE'");
        assertThatThrownBy(() -> Backends.discover().create("in-memory", BackendConfig.of(Map.of("in-memory.unsupportedFeatures", "accelerator"))))
                .hasMessageStartingWith("configuration 'in-memory.unsupportedFeatures' names unknown feature 'accelerator'; did you mean 'ACCELERATORS'? Known: ");
        assertThatThrownBy(() -> Backends.discover().create("in-memory", BackendConfig.of(Map.of("in-memory.readyDelay", "-1s"))))
                .isInstanceOf(ConfigurationException.class).hasMessage("configuration 'in-memory.readyDelay' must not be negative, got '-1s'");
    }
}
