package io.inferscale.backend.kubernetes.simulation;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ScaleToZero;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.backend.kubernetes.KubernetesTranslator;
import io.inferscale.simulator.Simulation;
import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.trace.LoadTrace;
import io.inferscale.simulator.trace.TraceOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HPA and KEDA models on queue-depth and tokens-per-second targets. */
class InferenceTargetsSimulationTest {

    static InferenceEndpoint endpoint(int min, int max, TargetType type, long target, boolean keda) {
        InferenceEndpoint e = HpaFidelityTest.endpoint(min, max, type, target);
        return keda ? e.toBuilder().option(KubernetesTranslator.BACKEND_ID, KubernetesTranslator.AUTOSCALER_OPTION,
                KubernetesTranslator.AUTOSCALER_KEDA).build() : e;
    }

    /** 20 rps for {@code minutes}, every request generating 100 tokens: 2,000 tokens per second. */
    static LoadTrace tokenLog(int minutes) {
        StringBuilder csv = new StringBuilder("TIMESTAMP,ContextTokens,GeneratedTokens\n");
        for (int s = 0; s < minutes * 60; s++) {
            for (int i = 0; i < 20; i++) {
                csv.append(String.format("2023-11-16 18:%02d:%02d.%02d00000,300,100%n", s / 60, s % 60, i * 5));
            }
        }
        return LoadTrace.read(new StringReader(csv.toString()), "tokens.csv", TraceOptions.DEFAULTS);
    }

    static SimulationResult run(InferenceEndpoint e, LoadTrace trace, ReplicaProfile profile) {
        return Simulation.of(e).trace(trace).profile(profile).run(new KubernetesAutoscalerModelProvider());
    }

    @Test
    @DisplayName("HPA on tokens per second (Pods metric): 2,000 generated tokens/s on a 500 per replica target settle at 4 replicas")
    void hpaTokensPerSecond() {
        SimulationResult r = run(endpoint(1, 10, TargetType.TOKENS_PER_SECOND, 500, false), tokenLog(20),
                ReplicaProfile.builder(100).startup(Duration.ofSeconds(30)).build());
        // from the initial replica, 2,000 tokens/s on 1 replica = 4 x the target: one scale-up to 4 at the first sync, and no other
        assertThat(r.summary().scaleUps()).isEqualTo(1);
        assertThat(r.summary().scaleDowns()).isZero();
        assertThat(r.desiredReplicas(r.tickCount() - 1)).isEqualTo(4);
        assertThat(r.summary().peakReplicas()).isEqualTo(4);
        assertThat(r.assumptions()).anyMatch(a -> a.value().startsWith("Pods vllm:generation_tokens_per_second AverageValue 500"));
    }

    @Test
    @DisplayName("KEDA on tokens per second (prometheus trigger, External AverageValue): the same 4 replicas")
    void kedaTokensPerSecond() {
        SimulationResult r = run(endpoint(1, 10, TargetType.TOKENS_PER_SECOND, 500, true), tokenLog(20),
                ReplicaProfile.builder(100).startup(Duration.ofSeconds(30)).build());
        assertThat(r.desiredReplicas(r.tickCount() - 1)).isEqualTo(4);
        assertThat(r.assumptions()).anyMatch(a -> a.subject().equals("KEDA trigger s0-prometheus activity")
                && a.value().contains("generated tokens per second per replica"));
    }

    @Test
    @DisplayName("a tokens-per-second target on a rate trace (no token counts) is an error naming the field and the column")
    void tokensWithoutTokenCounts() {
        assertThatThrownBy(() -> run(endpoint(1, 10, TargetType.TOKENS_PER_SECOND, 500, false),
                LoadTrace.constant(20, Duration.ofMinutes(10)), ReplicaProfile.of(100)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("targetTokensPerSecondPerReplica")
                .hasMessageContaining("GeneratedTokens");
    }

    @Test
    @DisplayName("HPA on queue depth: no scaling while capacity keeps up, scale-out once requests wait, enough replicas for the demand")
    void hpaQueueDepth() {
        // 10 rps per replica, 1 s per request; 8 rps for 10 min (no queue on 1 replica), then 50 rps (40 waiting on 1 replica)
        LoadTrace step = LoadTrace.step(8, 50, Duration.ofMinutes(10), Duration.ofMinutes(30));
        ReplicaProfile profile = ReplicaProfile.builder(10).latency(Duration.ofSeconds(1)).startup(Duration.ofSeconds(30)).build();
        for (boolean keda : new boolean[] {false, true}) {
            SimulationResult r = run(endpoint(1, 10, TargetType.QUEUE_DEPTH, 5, keda), step, profile);
            assertThat(r.firstDesiredChangeAfter(0).getAsDouble()).as("keda=" + keda).isGreaterThanOrEqualTo(600);
            assertThat(r.summary().peakReplicas()).as("keda=" + keda).isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    @DisplayName("KEDA with scale to zero on queue depth alone never wakes: the pods export the queue, and at zero there are none")
    void kedaQueueDepthCannotWake() {
        InferenceEndpoint e = endpoint(0, 5, TargetType.QUEUE_DEPTH, 5, true);
        e = e.toBuilder().autoscaling(e.autoscaling().toBuilder().scaleToZero(new ScaleToZero(300)).build()).build();
        LoadTrace night = LoadTrace.of(new double[] {0, 600, 3600, 4200}, new double[] {5, 0, 5, 5});
        SimulationResult r = run(e, night, ReplicaProfile.builder(10).latency(Duration.ofSeconds(1)).startup(Duration.ofSeconds(30)).build());
        assertThat(r.desiredReplicas(3000 / 15)).isZero();
        assertThat(r.desiredReplicas(r.tickCount() - 1)).isZero();
        assertThat(r.summary().requestsLostAtZero()).isGreaterThan(5 * 500);
        assertThat(r.assumptions()).anyMatch(a -> a.value().contains("0 at zero replicas: cannot wake the endpoint"));
    }
}
