package io.inferscale.backend.sagemaker.simulation;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.ConfigurationException;
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

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** SageMaker inference-component scale to zero: idle -> zero, the wake path, losses. Expectations are computed in the comments. */
class InferenceComponentAutoscalerModelTest {

    /** 0..5 copies, 10 rps per copy (600 invocations per copy per minute), scale to zero. */
    static final AutoscalingPolicy ZERO = AutoscalingPolicy.builder().minReplicas(0).maxReplicas(5)
            .target(TargetType.REQUESTS_PER_SECOND, 10).scaleToZero(new ScaleToZero(600)).build();

    /** 10 rps until 1200 s, idle until 7200 s, 10 rps again until 9000 s. */
    static final LoadTrace IDLE_GAP = LoadTrace.of(new double[] {0, 1200, 7200, 9000}, new double[] {10, 0, 10, 10});

    static SimulationResult run(LoadTrace trace, Map<String, String> settings) {
        return Simulation.of(TargetTrackingAutoscalerModelTest.endpoint(ZERO)).trace(trace).profile(ReplicaProfile.of(10))
                .settings(ModelSettings.of(settings)).run(new SageMakerAutoscalerModelProvider());
    }

    @Test
    @DisplayName("a scale-to-zero endpoint gets the inference-component model; a floor of 1 keeps target tracking on instances")
    void chosenByScaleToZero() {
        SageMakerAutoscalerModelProvider p = new SageMakerAutoscalerModelProvider();
        assertThat(p.create(ModelContext.of(TargetTrackingAutoscalerModelTest.endpoint(ZERO)))).isInstanceOf(InferenceComponentAutoscalerModel.class);
        assertThat(p.create(ModelContext.of(TargetTrackingAutoscalerModelTest.endpoint(TargetTrackingAutoscalerModelTest.RPS10))))
                .isInstanceOf(TargetTrackingAutoscalerModel.class);
        assertThat(p.settingKeys()).contains(InferenceComponentSettings.COLD_START, InferenceComponentSettings.ALARM_COMPARISON);
    }

    @Test
    @DisplayName("idle: zero after 15 one-minute datapoints without traffic; wake: failures -> alarm -> +1 copy -> cold start; losses split")
    void idleZeroAndWake() {
        SimulationResult r = run(IDLE_GAP, Map.of("sagemaker.coldStart", "6m"));
        // 10 rps on 1 copy = 600/min = the target: no alarm. Idle from 1200 s: the 15th datapoint below 540 closes at
        // 1200 + 15 x 60 = 2100 s and asks for ceil(1 x 0 / 600) = 0 copies (MinCapacity 0).
        assertThat(r.firstDesiredChangeAfter(0).getAsDouble()).isEqualTo(2100);
        assertThat(r.desiredReplicas(2100 / 15)).isZero();
        // traffic returns at 7200 s: the minute [7200, 7260) fails 600 requests, its Sum datapoint (>= 1) puts the alarm in
        // ALARM at 7260 s and the step policy adds 1 copy; it is in service 6 min later (sagemaker.coldStart), at 7620 s
        assertThat(r.firstDesiredChangeAfter(2100).getAsDouble()).isEqualTo(7260);
        assertThat(r.desiredReplicas(7260 / 15)).isEqualTo(1);
        assertThat(r.readyReplicas(7605 / 15)).isZero();
        assertThat(r.readyReplicas(7620 / 15)).isEqualTo(1);
        // the alarm stays in ALARM while the copy is placed, but the copy being placed counts: one copy, not one per minute
        assertThat(r.summary().peakReplicas()).isEqualTo(1);
        assertThat(r.summary().zeroReplicaSeconds()).isCloseTo(7260 - 2100, within(1e-6));
        // lost: 10 rps from 7200 to 7620 s = 4200, of which 3600 during the cold start (7260..7620)
        assertThat(r.summary().requestsLostAtZero()).isCloseTo(4200, within(1e-6));
        assertThat(r.summary().requestsLostDuringColdStart()).isCloseTo(3600, within(1e-6));
        assertThat(r.summary().requestsLostBeforeWake()).isCloseTo(600, within(1e-6));
        // billed: 0..2100 s and 7260..9000 s = 3840 s; a floor of 1 keeps the copy for the whole 9000 s
        assertThat(r.summary().replicaHours()).isCloseTo(3840 / 3600.0, within(1e-9));
        assertThat(r.summary().floorReplicaHours()).isCloseTo(2.5, within(1e-9));
        assertThat(r.summary().idleReplicaHoursSaved()).isCloseTo(2.5 - 3840 / 3600.0, within(1e-9));
        // priced: the saving in dollars is the saved replica-hours at the instance's price
        assertThat(r.cost()).isPresent();
        assertThat(r.cost().get().idleUsdSaved()).isCloseTo(r.summary().idleReplicaHoursSaved() * r.cost().get().price().usdPerHour(), within(1e-9));
    }

    @Test
    @DisplayName("without sagemaker.coldStart the wake takes the run's startup (5 min default), and the assumption says so")
    void coldStartDefaultsToStartup() {
        SimulationResult r = run(IDLE_GAP, Map.of());
        assertThat(r.readyReplicas(7545 / 15)).isZero();
        assertThat(r.readyReplicas(7560 / 15)).isEqualTo(1); // 7260 + 300
        assertThat(r.summary().requestsLostDuringColdStart()).isCloseTo(3000, within(1e-6));
        Assumption cold = r.assumptions().stream().filter(a -> a.subject().equals("cold start from zero")).findFirst().orElseThrow();
        assertThat(cold.isAssumption()).isTrue();
        assertThat(cold.value()).contains("several minutes");
        assertThat(r.assumptions()).anyMatch(a -> a.subject().startsWith("scales on")
                && a.value().contains("SageMakerInferenceComponentInvocationsPerCopy target 600"));
    }

    @Test
    @DisplayName("one failed request a minute wakes the endpoint with GreaterThanOrEqualToThreshold 1, never with AWS's GreaterThanThreshold")
    void alarmComparison() {
        // idle from 1200 s (zero at 2100 s), then one request a minute from 3600 s
        LoadTrace trickle = LoadTrace.of(new double[] {0, 1200, 3600, 7200}, new double[] {10, 0, 1 / 60.0, 1 / 60.0});
        SimulationResult orEqual = run(trickle, Map.of());
        assertThat(orEqual.firstDesiredChangeAfter(2100).getAsDouble()).isEqualTo(3660);
        SimulationResult greater = run(trickle, Map.of(InferenceComponentSettings.ALARM_COMPARISON, "GreaterThanThreshold"));
        assertThat(greater.firstDesiredChangeAfter(2100)).isEmpty();
        // every request after 2100 s is lost: 1/60 rps for 3600 s = 60 requests
        assertThat(greater.summary().requestsLostAtZero()).isCloseTo(60, within(1e-6));
        assertThat(greater.summary().requestsLostDuringColdStart()).isZero();
    }

    @Test
    @DisplayName("after the wake the target-tracking alarms start afresh: 15 new idle datapoints before the next zero")
    void alarmsStartAfreshAfterWake() {
        // wakes at 7260 s (in service at 7560 s), traffic stops again at 7800 s
        LoadTrace twice = LoadTrace.of(new double[] {0, 1200, 7200, 7800, 10800}, new double[] {10, 0, 10, 0, 0});
        SimulationResult r = run(twice, Map.of());
        // datapoints of [7560, 7800) are at the target (no breach), idle ones from [7800, 7860): the 15th closes at 8700 s
        assertThat(r.firstDesiredChangeAfter(7260).getAsDouble()).isEqualTo(8700);
        assertThat(r.desiredReplicas(8700 / 15)).isZero();
    }

    @Test
    @DisplayName("as the backend renders it: a CPU target tracks CPUUtilizationNormalized at the spec's percentage; ScaleInCooldown = idleSeconds")
    void renderedPerCopy() {
        AutoscalingPolicy cpu = AutoscalingPolicy.builder().minReplicas(0).maxReplicas(5).target(TargetType.CPU_UTILIZATION, 60)
                .scaleToZero(new ScaleToZero(900)).build();
        InferenceComponentAutoscalerModel m = (InferenceComponentAutoscalerModel) new SageMakerAutoscalerModelProvider()
                .create(ModelContext.of(TargetTrackingAutoscalerModelTest.endpoint(cpu)));
        assertThat(m.assumptions()).anyMatch(a -> a.subject().startsWith("scales on")
                && a.value().contains("CPUUtilizationNormalized target 60 % of the copy's reserved CPU") && a.value().contains("ScaleInCooldown 900 s"));
        InferenceComponentAutoscalerModel given = (InferenceComponentAutoscalerModel) new SageMakerAutoscalerModelProvider()
                .create(ModelContext.of(TargetTrackingAutoscalerModelTest.endpoint(cpu).toBuilder()
                        .option("sagemaker", TargetTrackingAutoscalerModel.OPTION_SCALE_IN_COOLDOWN, java.math.BigDecimal.valueOf(120)).build()));
        assertThat(given.assumptions()).anyMatch(a -> a.subject().startsWith("scales on") && a.value().contains("ScaleInCooldown 120 s"));
    }

    @Test
    @DisplayName("settings are validated by key")
    void badSettings() {
        assertThatThrownBy(() -> InferenceComponentSettings.from(ModelSettings.of(Map.of(InferenceComponentSettings.ALARM_COMPARISON, "LessThan"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(InferenceComponentSettings.ALARM_COMPARISON)
                .hasMessageContaining("GreaterThanThreshold");
        assertThatThrownBy(() -> InferenceComponentSettings.from(ModelSettings.of(Map.of(InferenceComponentSettings.ALARM_PERIOD, "0s"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(InferenceComponentSettings.ALARM_PERIOD);
    }
}
