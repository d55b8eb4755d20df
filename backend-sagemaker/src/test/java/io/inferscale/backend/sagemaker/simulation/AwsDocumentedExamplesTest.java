package io.inferscale.backend.sagemaker.simulation;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.simulator.Simulation;
import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.trace.LoadTrace;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.inferscale.backend.sagemaker.simulation.TargetTrackingAutoscalerModelTest.desiredAt;
import static io.inferscale.backend.sagemaker.simulation.TargetTrackingAutoscalerModelTest.endpoint;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * AWS's documented target-tracking and cooldown behaviour, each reproduced with expectations computed by hand.
 * Pages: {@value TargetTrackingSettings#SOURCE_OVERVIEW}; {@value TargetTrackingSettings#SOURCE_ALARMS};
 * {@value TargetTrackingSettings#SOURCE_DEFINE_POLICY}.
 */
class AwsDocumentedExamplesTest {

    static final ReplicaProfile INSTANT = ReplicaProfile.builder(1000).startup(Duration.ZERO).build();

    static SimulationResult run(AutoscalingPolicy p, LoadTrace trace, int initial, ReplicaProfile profile, ModelSettings settings) {
        return Simulation.of(endpoint(p)).trace(trace).profile(profile).initialReplicas(initial).settings(settings)
                .run(new SageMakerAutoscalerModelProvider());
    }

    @Test
    @DisplayName("re:Post 'SageMaker autoscaling delay': target 1500 -> scale-out alarm > 1500 for 3 of 3 minutes")
    void rePostScaleOutAlarm() {
        // 25 rps per instance renders TargetValue 1500 invocations/instance/minute.
        AutoscalingPolicy p = AutoscalingPolicy.builder().minReplicas(1).maxReplicas(10).target(TargetType.REQUESTS_PER_SECOND, 25).build();
        // 2 instances at 50 rps = 1500/min: not above the threshold, never scales out
        assertThat(run(p, LoadTrace.constant(50, Duration.ofMinutes(30)), 2, INSTANT, ModelSettings.empty()).summary().scaleUps()).isZero();
        // 51 rps from 600 s = 1530/min > 1500: the 3rd datapoint closes at 780 s; ceil(2 x 1530 / 1500) = ceil(2.04) = 3
        SimulationResult r = run(p, LoadTrace.of(new double[] {0, 600, 1800}, new double[] {50, 51, 51}), 2, INSTANT, ModelSettings.empty());
        assertThat(r.firstDesiredChangeAfter(0).getAsDouble()).isEqualTo(780);
        assertThat(desiredAt(r, 780)).isEqualTo(3);
    }

    @Test
    @DisplayName("re:Post 'SageMaker autoscaling delay': target 1500 -> scale-in alarm < 1350 for 15 of 15 minutes")
    void rePostScaleInAlarm() {
        AutoscalingPolicy p = AutoscalingPolicy.builder().minReplicas(1).maxReplicas(10).target(TargetType.REQUESTS_PER_SECOND, 25).build();
        // 10 instances at 225.1 rps = 1350.6/min: not below 1350, never scales in
        assertThat(run(p, LoadTrace.constant(225.1, Duration.ofMinutes(40)), 10, INSTANT, ModelSettings.empty()).summary().scaleDowns()).isZero();
        // 224.9 rps = 1349.4/min < 1350 from the start: the 15th datapoint closes at 900 s; ceil(10 x 1349.4 / 1500) = ceil(8.996) = 9
        SimulationResult r = run(p, LoadTrace.constant(224.9, Duration.ofMinutes(40)), 10, INSTANT, ModelSettings.empty());
        assertThat(r.firstDesiredChangeAfter(0).getAsDouble()).isEqualTo(900);
        assertThat(desiredAt(r, 900)).isEqualTo(9);
    }

    @Test
    @DisplayName("AAS 'Define cooldown periods': during the scale-out cooldown no new scale-out unless a larger one is triggered")
    void largerScaleOutDuringCooldown() {
        AutoscalingPolicy p = TargetTrackingAutoscalerModelTest.RPS10;
        // 20 -> 60 rps at 600 s: 6 at 780 s, in service at 1080, cooldown until 1380. While they start the alarm keeps
        // asking for ceil(2 x 1800 / 600) = 6, which the added capacity covers: no change.
        // 100 rps from 1140 s: 100 / 6 = 1000/min; the 3rd datapoint closes at 1320, inside the cooldown, and asks for
        // ceil(6 x 1000 / 600) = 10 > 6: a larger scale-out goes ahead.
        LoadTrace trace = LoadTrace.of(new double[] {0, 600, 1140, 2400}, new double[] {20, 60, 100, 100});
        SimulationResult r = run(p, trace, 2, ReplicaProfile.of(10), ModelSettings.empty());
        assertThat(desiredAt(r, 780)).isEqualTo(6);
        assertThat(r.firstDesiredChangeAfter(781).getAsDouble()).isEqualTo(1320);
        assertThat(desiredAt(r, 1320)).isEqualTo(10);
    }

    @Test
    @DisplayName("AAS 'Define cooldown periods': a scale-out during the scale-in cooldown stops that cooldown")
    void scaleOutStopsTheScaleInCooldown() {
        // 1-datapoint alarms, instant instances, 6 rps per instance (360/min), min 1.
        AutoscalingPolicy p = AutoscalingPolicy.builder().minReplicas(1).maxReplicas(10).target(TargetType.REQUESTS_PER_SECOND, 6).build();
        LoadTrace trace = LoadTrace.of(new double[] {0, 600, 660, 720, 1800}, new double[] {30, 4, 30, 4, 4});
        ModelSettings oneDatapoint = ModelSettings.of(Map.of("sagemaker.scaleInDatapoints", "1", "sagemaker.scaleOutDatapoints", "1"));
        SimulationResult r = run(p, trace, 5, INSTANT, oneDatapoint);
        // 30 rps on 5 = 360/min: the target. 4 rps in [600, 660) = 48/min < 324: ceil(5 x 48 / 360) = 1 at 660, cooldown to 960
        assertThat(desiredAt(r, 645)).isEqualTo(5);
        assertThat(desiredAt(r, 660)).isEqualTo(1);
        // 30 rps on 1 in [660, 720) = 1800/min: ceil(1 x 1800 / 360) = 5 at 720, which ends the scale-in cooldown
        assertThat(desiredAt(r, 720)).isEqualTo(5);
        // so 4 rps in [720, 780) scales in at 780 already (not at 960): 1
        assertThat(desiredAt(r, 780)).isEqualTo(1);
    }

    @Test
    @DisplayName("AAS 'Multiple scaling policies': out when any policy asks, the largest capacity wins; in only when all allow it")
    void severalPolicies() {
        // CPU 5 % of the 4-core request (on ml.c5.xlarge) renders CPUUtilization 5 x 4 = 20; invocations 1 rps renders 60/min. 1000 rps capacity
        // would hide CPU, so replicas reach full CPU at 10 rps.
        AutoscalingPolicy both = AutoscalingPolicy.builder().minReplicas(1).maxReplicas(20)
                .target(TargetType.CPU_UTILIZATION, 5).target(TargetType.REQUESTS_PER_SECOND, 1).build();
        ReplicaProfile profile = ReplicaProfile.builder(10).startup(Duration.ZERO).build();
        // 8 rps on 4 instances from 600 s: 2 rps each = 120/min (asks ceil(4 x 120 / 60) = 8) and 20 % of 4 cores = 80
        // (asks ceil(4 x 80 / 20) = 16): 16 at 780
        SimulationResult out = run(both, LoadTrace.of(new double[] {0, 600, 1800}, new double[] {4, 8, 8}), 4, profile, ModelSettings.empty());
        assertThat(desiredAt(out, 780)).isEqualTo(16);

        AutoscalingPolicy cpu60 = AutoscalingPolicy.builder().minReplicas(1).maxReplicas(10)
                .target(TargetType.CPU_UTILIZATION, 60).target(TargetType.REQUESTS_PER_SECOND, 1).build();
        // 4 rps on 4: CPU 10 % of 4 cores = 40 < 0.9 x 240 would scale in, but 60/min is the invocations target, never below 54
        SimulationResult in = run(cpu60, LoadTrace.constant(4, Duration.ofHours(1)), 4, profile, ModelSettings.empty());
        assertThat(in.summary().scaleDowns()).isZero();
    }
}
