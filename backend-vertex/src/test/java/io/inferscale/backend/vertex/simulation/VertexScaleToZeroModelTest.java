package io.inferscale.backend.vertex.simulation;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ScaleToZero;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.simulation.ModelContext;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.simulator.Simulation;
import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.trace.LoadTrace;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Vertex AI scale to zero: idle_scaledown_period, min_scaleup_period, 429s at zero, the wake with initial_replica_count.
 * Evaluations every 15 s; a replica serves 20 rps (10 rps = 600 requests/min per replica = the target, CPU 50 % < 60).
 */
class VertexScaleToZeroModelTest {

    /** 10 rps until 1200 s, idle until 7200 s, 10 rps again until 9000 s. */
    static final LoadTrace IDLE_GAP = LoadTrace.of(new double[] {0, 1200, 7200, 9000}, new double[] {10, 0, 10, 10});

    static InferenceEndpoint endpoint(int idleSeconds, Map<String, Integer> options) {
        AutoscalingPolicy policy = AutoscalingPolicy.builder().minReplicas(0).maxReplicas(5).target(TargetType.REQUESTS_PER_SECOND, 10)
                .scaleToZero(new ScaleToZero(idleSeconds)).build();
        InferenceEndpoint.Builder b = VertexAutoscalerModelTest.endpoint(VertexAutoscalerModelTest.WHOLE_MACHINE, policy).toBuilder();
        options.forEach((k, v) -> b.option("vertex", k, BigDecimal.valueOf(v)));
        return b.build();
    }

    static SimulationResult run(InferenceEndpoint e, LoadTrace trace) {
        return Simulation.of(e).trace(trace).profile(ReplicaProfile.of(20)).settings(ModelSettings.of(Map.of("vertex.coldStart", "4m")))
                .run(new VertexAutoscalerModelProvider());
    }

    @Test
    @DisplayName("idle: zero after idle_scaledown_period, not before min_scaleup_period (default 3600 s) from the deployment")
    void idleThenZeroAfterMinScaleup() {
        SimulationResult r = run(endpoint(600, Map.of()), IDLE_GAP);
        // idle from 1200 s: 600 s idle at 1800 s, but the deployment (the run's start) is only 1800 s old; 3600 s at 3600 s
        assertThat(r.firstDesiredChangeAfter(0).getAsDouble()).isEqualTo(3600);
        assertThat(r.desiredReplicas(3600 / 15)).isZero();
        // traffic at 7200 s (an evaluation): 1 replica (initial_replica_count default), serving at 7200 + 4 min = 7440 s
        assertThat(r.firstDesiredChangeAfter(3600).getAsDouble()).isEqualTo(7200);
        assertThat(r.readyReplicas(7425 / 15)).isZero();
        assertThat(r.readyReplicas(7440 / 15)).isEqualTo(1);
        assertThat(r.summary().zeroReplicaSeconds()).isCloseTo(3600, within(1e-6));
        // 429s: 10 rps x 240 s, all while the replica deploys
        assertThat(r.summary().requestsLostAtZero()).isCloseTo(2400, within(1e-6));
        assertThat(r.summary().requestsLostDuringColdStart()).isCloseTo(2400, within(1e-6));
        // a floor of 1 keeps one replica for all 9000 s: 2.5 replica-hours; this run 9000 - 3600 s at zero
        assertThat(r.summary().floorReplicaHours()).isCloseTo(2.5, within(1e-9));
        assertThat(r.summary().idleReplicaHoursSaved()).isCloseTo(1.0, within(1e-9));
        assertThat(r.cost()).hasValueSatisfying(c -> assertThat(c.idleUsdSaved()).isCloseTo(c.price().usdPerHour(), within(1e-9)));
    }

    @Test
    @DisplayName("minScaleupSeconds 300: zero exactly idleSeconds after the last request")
    void shortMinScaleup() {
        SimulationResult r = run(endpoint(600, Map.of(VertexScaleToZeroModel.OPTION_MIN_SCALEUP_SECONDS, 300)), IDLE_GAP);
        assertThat(r.firstDesiredChangeAfter(0).getAsDouble()).isEqualTo(1800);
        assertThat(r.summary().zeroReplicaSeconds()).isCloseTo(7200 - 1800, within(1e-6));
    }

    @Test
    @DisplayName("after a wake the endpoint stays up for min_scaleup_period even when idle sooner")
    void minScaleupAfterWake() {
        // wake at 7200 s, traffic stops at 7500 s: idle 600 s at 8100 s, but min_scaleup_period 3600 s from 7200 s: 10800 s
        LoadTrace burst = LoadTrace.of(new double[] {0, 1200, 7200, 7500, 12000}, new double[] {10, 0, 10, 0, 0});
        SimulationResult r = run(endpoint(600, Map.of(VertexScaleToZeroModel.OPTION_MIN_SCALEUP_SECONDS, 300)), burst);
        SimulationResult longer = run(endpoint(600, Map.of()), burst);
        assertThat(longer.desiredReplicas(8100 / 15)).isEqualTo(1);
        assertThat(longer.firstDesiredChangeAfter(7200).getAsDouble()).isEqualTo(10800);
        // with 300 s the idle timer decides: 7500 + 600
        assertThat(r.firstDesiredChangeAfter(7200).getAsDouble()).isEqualTo(8100);
    }

    @Test
    @DisplayName("traffic between evaluations: 429s until the next evaluation wakes it, then initial_replica_count replicas")
    void wakeAtNextEvaluationWithInitialReplicas() {
        LoadTrace late = LoadTrace.of(new double[] {0, 1200, 7205, 9000}, new double[] {10, 0, 10, 10});
        SimulationResult r = run(endpoint(600, Map.of(VertexScaleToZeroModel.OPTION_INITIAL_REPLICA_COUNT, 2)), late);
        assertThat(r.firstDesiredChangeAfter(3600).getAsDouble()).isEqualTo(7215);
        assertThat(r.desiredReplicas(7215 / 15)).isEqualTo(2);
        // 10 s at zero with nothing deploying, then 240 s of cold start
        assertThat(r.summary().requestsLostBeforeWake()).isCloseTo(100, within(1e-6));
        assertThat(r.summary().requestsLostDuringColdStart()).isCloseTo(2400, within(1e-6));
        Assumption wake = r.assumptions().stream().filter(a -> a.subject().equals("wake")).findFirst().orElseThrow();
        assertThat(wake.value()).startsWith("2 replica(s)").contains("spec.backends.vertex.initialReplicaCount");
    }

    @Test
    @DisplayName("Vertex's bounds are errors naming the field")
    void bounds() {
        VertexAutoscalerModelProvider p = new VertexAutoscalerModelProvider();
        assertThatThrownBy(() -> p.create(ModelContext.of(endpoint(120, Map.of())))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("spec.autoscaling.scaleToZero.idleSeconds").hasMessageContaining("300..28800");
        assertThatThrownBy(() -> p.create(ModelContext.of(endpoint(600, Map.of(VertexScaleToZeroModel.OPTION_MIN_SCALEUP_SECONDS, 30000)))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("spec.backends.vertex.minScaleupSeconds");
        assertThatThrownBy(() -> p.create(ModelContext.of(endpoint(600, Map.of(VertexScaleToZeroModel.OPTION_INITIAL_REPLICA_COUNT, 9)))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("spec.backends.vertex.initialReplicaCount")
                .hasMessageContaining("maxReplicas (5)");
        assertThat(p.create(ModelContext.of(endpoint(600, Map.of())))).isInstanceOf(VertexScaleToZeroModel.class);
    }
}
