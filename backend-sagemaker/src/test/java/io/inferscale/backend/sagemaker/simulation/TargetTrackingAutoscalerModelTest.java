package io.inferscale.backend.sagemaker.simulation;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.ScalingBehavior;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.LoadTrace;
import io.inferscale.api.simulation.ModelContext;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.api.simulation.Simulation;
import io.inferscale.api.simulation.SimulationResult;
import io.inferscale.api.simulation.Simulations;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Behaviour of the SageMaker target-tracking model for a step up and a step down in load. */
class TargetTrackingAutoscalerModelTest {

    static InferenceEndpoint seed(AutoscalingPolicy policy) {
        return InferenceEndpoint.builder("my-model-endpoint").model(ModelSpec.builder("my-ml-model").version("v1").build())
                .resources(Resources.of(ResourceList.of("500m", "1Gi"), ResourceList.of("1", "2Gi")))
                .autoscaling(policy).build();
    }

    static final AutoscalingPolicy CPU60 = AutoscalingPolicy.builder().minReplicas(1).maxReplicas(5)
            .target(TargetType.CPU_UTILIZATION, 60).build();

    /** 4 rps, 30 rps from 10 min, 4 rps from 60 min, until 120 min. */
    static final LoadTrace UP_DOWN = LoadTrace.of(new double[] {0, 600, 3600, 7200}, new double[] {4, 30, 4, 4});

    /** The scenarios below let a replica burst to its 1-CPU limit (200 % of its request, 20 rps), as the comments say. */
    static SimulationResult run(InferenceEndpoint e, LoadTrace trace, ModelSettings settings) {
        return Simulation.of(e).trace(trace).profile(ReplicaProfile.builder(10).burstToLimit(true).build()).settings(settings)
                .run(new SageMakerAutoscalerModelProvider());
    }

    @Test
    @DisplayName("is discovered under the id 'sagemaker'")
    void discovered() {
        assertThat(Simulations.discover().model("sagemaker")).isInstanceOf(SageMakerAutoscalerModelProvider.class);
    }

    @Test
    @DisplayName("scales out about 3 minutes after a step up (3 one-minute datapoints) and in about 15 minutes after a step down")
    void stepUpAndDown() {
        SimulationResult r = run(seed(CPU60), UP_DOWN, ModelSettings.empty());
        double out = r.firstDesiredChangeAfter(585).getAsDouble();
        assertThat(out).isEqualTo(600 + 180);
        // proportional: 1 in-service instance at 200 % of a 60 % target -> ceil(3.33) = 4
        assertThat(r.desiredReplicas((int) (out / 15))).isEqualTo(4);
        // the instances take the default 5 minutes to come into service
        assertThat(r.readyReplicas((int) ((out + 285) / 15))).isEqualTo(1);
        assertThat(r.readyReplicas((int) ((out + 300) / 15))).isEqualTo(4);
        // then 7.5 rps each = 75 % -> ceil(4 * 75 / 60) = 5
        assertThat(r.desiredReplicas((int) ((out + 600) / 15))).isEqualTo(5);

        double in = r.firstDesiredChangeAfter(3600).getAsDouble();
        assertThat(in).isEqualTo(3600 + 15 * 60);
        // gradual: one instance per scale-in, then one more after each 300 s scale-in cooldown
        assertThat(r.desiredReplicas((int) (in / 15))).isEqualTo(4);
        assertThat(r.desiredReplicas((int) ((in + 285) / 15))).isEqualTo(4);
        assertThat(r.desiredReplicas((int) ((in + 300) / 15))).isEqualTo(3);
        assertThat(r.desiredReplicas((int) ((in + 900) / 15))).isEqualTo(1);
    }

    @Test
    @DisplayName("a concurrency target uses the 10-second high-resolution metric: scale-out 30 s after the step")
    void highResolutionConcurrency() {
        AutoscalingPolicy p = AutoscalingPolicy.builder().minReplicas(1).maxReplicas(10).target(TargetType.CONCURRENT_REQUESTS, 1).build();
        SimulationResult r = Simulation.of(seed(p)).trace(UP_DOWN).profile(ReplicaProfile.of(10)).step(Duration.ofSeconds(10))
                .run(new SageMakerAutoscalerModelProvider());
        // 30 rps on one instance with 100 ms latency = 3 in flight -> ceil(3 / 1) = 3
        assertThat(r.firstDesiredChangeAfter(595).getAsDouble()).isEqualTo(630);
        assertThat(r.desiredReplicas(63)).isEqualTo(3);
    }

    @Test
    @DisplayName("cooldowns come from the endpoint's behaviour windows; disabled scale-down is DisableScaleIn")
    void behaviourMapsToCooldownsAndDisableScaleIn() {
        AutoscalingPolicy fastIn = CPU60.toBuilder().behavior(ScalingBehavior.of(null, ScalingRules.stabilization(60))).build();
        SimulationResult r = run(seed(fastIn), UP_DOWN, ModelSettings.empty());
        double in = r.firstDesiredChangeAfter(3600).getAsDouble();
        assertThat(r.desiredReplicas((int) ((in + 60) / 15))).isEqualTo(3);

        AutoscalingPolicy noIn = CPU60.toBuilder().behavior(ScalingBehavior.of(null, ScalingRules.disabled())).build();
        SimulationResult never = run(seed(noIn), UP_DOWN, ModelSettings.empty());
        assertThat(never.desiredReplicas(never.tickCount() - 1)).isEqualTo(5);
        assertThat(never.summary().scaleDowns()).isZero();
    }

    @Test
    @DisplayName("loosely documented constants are settings: a 2-minute metric delay postpones the scale-out by 2 minutes")
    void metricDelaySetting() {
        SimulationResult r = run(seed(CPU60), UP_DOWN, ModelSettings.of(Map.of("sagemaker.metricDelay", "2m")));
        assertThat(r.firstDesiredChangeAfter(585).getAsDouble()).isEqualTo(600 + 180 + 120);
        assertThatThrownBy(() -> TargetTrackingSettings.from(ModelSettings.of(Map.of("sagemaker.scaleInThreshold", "1.5"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("sagemaker.scaleInThreshold was 1.5");
    }

    @Test
    @DisplayName("an endpoint without a target is rejected: target tracking needs a metric")
    void needsTarget() {
        AutoscalingPolicy none = AutoscalingPolicy.builder().minReplicas(1).maxReplicas(3).build();
        assertThatThrownBy(() -> new SageMakerAutoscalerModelProvider().create(ModelContext.of(seed(none))))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("spec.autoscaling needs a target");
    }

    @Test
    @DisplayName("a scale-out ends the scale-in cooldown (AWS's rule): the next scale-in need not wait for the old cooldown")
    void scaleOutEndsScaleInCooldown() {
        LoadTrace trace = LoadTrace.of(new double[] {0, 600, 660, 720, 1800}, new double[] {30, 4, 30, 4, 4});
        SimulationResult r = Simulation.of(seed(CPU60)).trace(trace).profile(ReplicaProfile.builder(10).startup(Duration.ZERO).build())
                .initialReplicas(5)
                .settings(ModelSettings.of(Map.of("sagemaker.scaleInDatapoints", "1", "sagemaker.scaleOutDatapoints", "1")))
                .run(new SageMakerAutoscalerModelProvider());
        assertThat(r.desiredReplicas(600 / 15)).isEqualTo(5);
        assertThat(r.desiredReplicas(660 / 15)).as("scale-in at 660 s, cooldown until 960 s").isEqualTo(4);
        assertThat(r.desiredReplicas(720 / 15)).as("scale-out at 720 s ends that cooldown").isEqualTo(5);
        assertThat(r.desiredReplicas(780 / 15)).as("so the next scale-in comes at 780 s").isEqualTo(4);
        assertThat(r.desiredReplicas(840 / 15)).as("and the one after waits for its own cooldown").isEqualTo(4);
        assertThat(r.desiredReplicas(1080 / 15)).isEqualTo(3);
    }

    @Test
    @DisplayName("with several policies, any one scales out but scale-in needs every policy below its threshold")
    void severalPolicies() {
        AutoscalingPolicy both = CPU60.toBuilder().target(TargetType.REQUESTS_PER_SECOND, 1).maxReplicas(10).build();
        SimulationResult r = Simulation.of(seed(both)).trace(LoadTrace.constant(4, Duration.ofHours(1)))
                .profile(ReplicaProfile.builder(10).startup(Duration.ZERO).build()).initialReplicas(4)
                .run(new SageMakerAutoscalerModelProvider());
        // CPU 10 % alone would scale in, but 1 rps per instance is exactly the rps target: never below 90 % of it
        assertThat(r.summary().scaleDowns()).isZero();
        assertThat(r.desiredReplicas(r.tickCount() - 1)).isEqualTo(4);
    }
}
