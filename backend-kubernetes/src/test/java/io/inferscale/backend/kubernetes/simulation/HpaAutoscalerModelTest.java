package io.inferscale.backend.kubernetes.simulation;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.ScalingBehavior;
import io.inferscale.api.ScalingPolicy;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.SelectPolicy;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.AutoscalerModels;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.simulator.Simulation;
import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.trace.LoadTrace;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Behaviour of the HPA model in the simulator for a step up and a step down in load. */
class HpaAutoscalerModelTest {

    /** The seed spec: 1..5 replicas, 60 % CPU, 500m request, 1 CPU limit. */
    static InferenceEndpoint seed(ScalingBehavior behavior) {
        return InferenceEndpoint.builder("my-model-endpoint").model(ModelSpec.builder("my-ml-model").version("v1").build())
                .resources(Resources.of(ResourceList.of("500m", "1Gi"), ResourceList.of("1", "2Gi")))
                .autoscaling(AutoscalingPolicy.builder().minReplicas(1).maxReplicas(5).target(TargetType.CPU_UTILIZATION, 60)
                        .behavior(behavior).build())
                .build();
    }

    /** 4 rps, 30 rps from 10 min, 4 rps from 40 min, until 70 min. */
    static final LoadTrace UP_DOWN = LoadTrace.of(new double[] {0, 600, 2400, 4200}, new double[] {4, 30, 4, 4});

    /** The scenarios below let a replica burst to its 1-CPU limit (200 % of its request, 20 rps), as the comments say. */
    static SimulationResult run(InferenceEndpoint e, Duration startup) {
        return Simulation.of(e).trace(UP_DOWN).profile(ReplicaProfile.builder(10).startup(startup).burstToLimit(true).build())
                .run(new KubernetesAutoscalerModelProvider());
    }

    @Test
    @DisplayName("is discovered under the id 'kubernetes'")
    void discovered() {
        assertThat(AutoscalerModels.discover().model("kubernetes")).isInstanceOf(KubernetesAutoscalerModelProvider.class);
    }

    @Test
    @DisplayName("scales up within a sync period of a step up, and waits the 5-minute stabilization before scaling down")
    void stepUpAndDown() {
        SimulationResult r = run(seed(ScalingBehavior.none()), Duration.ofSeconds(30));
        // before the step: 40 % of one replica, below 60 % but the minimum is 1
        assertThat(r.desiredReplicas(39)).isEqualTo(1);
        // at 600 s: 1 replica at 200 % (burst to the 1-CPU limit, 10 rps unserved) -> ceil(200/60) = 4, allowed by max(2*1, 4)
        assertThat(r.firstDesiredChangeAfter(585).getAsDouble()).isBetween(600.0, 600.0 + 3 * 15);
        assertThat(r.desiredReplicas(40)).isEqualTo(4);
        assertThat(r.readyReplicas(42)).isEqualTo(4);
        assertThat(r.summary().stepResponses()).hasSize(1);
        assertThat(r.summary().stepResponses().get(0).secondsToCapacity()).isEqualTo(30);
        // step down at 2400 s: the recommendation drops to 1 but the highest of the last 5 minutes stays 4
        double down = r.firstDesiredChangeAfter(2400).getAsDouble();
        assertThat(down).isBetween(2400.0 + 300 - 15, 2400.0 + 300 + 15);
        assertThat(r.desiredReplicas((int) (down / 15))).isEqualTo(1);
        // once the new pods' CPU counts (one metric window after ready): 7.5 rps each = 75 % -> ceil(1.25 * 4) = 5
        assertThat(r.desiredReplicas(44)).isEqualTo(5);
        assertThat(r.summary().scaleUps()).isEqualTo(2);
        assertThat(r.summary().scaleDowns()).isEqualTo(1);
    }

    @Test
    @DisplayName("starting pods damp the scale-up: no second scale-up while new pods are not ready")
    void unreadyPodsDampScaleUp() {
        SimulationResult r = run(seed(ScalingBehavior.none()), Duration.ofMinutes(3));
        for (int i = 40; i < 52; i++) {
            assertThat(r.desiredReplicas(i)).as("tick %d", i).isEqualTo(4);
        }
        assertThat(r.readyReplicas(52)).isEqualTo(4);
    }

    @Test
    @DisplayName("behavior: a Pods policy of 1 per minute and a 1-minute window scale down one replica a minute")
    void behaviorScaleDownPolicy() {
        ScalingBehavior b = ScalingBehavior.of(null,
                ScalingRules.of(60, List.of(new ScalingPolicy(ScalingPolicy.Type.PODS, 1, 60)), SelectPolicy.MAX));
        SimulationResult r = run(seed(b), Duration.ofSeconds(30));
        // scale-up uses the default behaviour: max(4 pods, 100 %) per 15 s -> 4 at once
        assertThat(r.desiredReplicas(40)).isEqualTo(4);
        double first = r.firstDesiredChangeAfter(2400).getAsDouble();
        assertThat(first).isBetween(2400.0 + 60 - 15, 2400.0 + 60 + 15);
        int at = (int) (first / 15);
        assertThat(r.desiredReplicas(at)).isEqualTo(4);
        assertThat(r.desiredReplicas(at + 4)).isEqualTo(3);
        assertThat(r.desiredReplicas(at + 8)).isEqualTo(2);
        assertThat(r.desiredReplicas(at + 12)).isEqualTo(1);
        assertThat(r.summary().scaleDowns()).isEqualTo(4);
    }

    @Test
    @DisplayName("legacy scale-up limit: from 1 replica at most max(2 x 1, 4) = 4 even when 10 are wanted")
    void legacyScaleUpLimit() {
        InferenceEndpoint e = seed(ScalingBehavior.none()).toBuilder()
                .autoscaling(AutoscalingPolicy.builder().minReplicas(1).maxReplicas(20).target(TargetType.REQUESTS_PER_SECOND, 1).build())
                .build();
        SimulationResult r = Simulation.of(e).trace(LoadTrace.step(1, 10, Duration.ofMinutes(1), Duration.ofMinutes(5)))
                .profile(ReplicaProfile.builder(100).startup(Duration.ofSeconds(5)).build()).run(new KubernetesAutoscalerModelProvider());
        assertThat(r.desiredReplicas(4)).isEqualTo(4);
        assertThat(r.desiredReplicas(5)).isEqualTo(8);
        assertThat(r.desiredReplicas(6)).isEqualTo(10);
    }

    @Test
    @DisplayName("settings override constants, and a CPU target without a CPU request is rejected by name")
    void settingsAndErrors() {
        SimulationResult r = Simulation.of(seed(ScalingBehavior.none())).trace(UP_DOWN)
                .profile(ReplicaProfile.builder(10).startup(Duration.ofSeconds(30)).build())
                .settings(ModelSettings.of(Map.of("kubernetes.downscaleStabilization", "2m")))
                .run(new KubernetesAutoscalerModelProvider());
        assertThat(r.firstDesiredChangeAfter(2400).getAsDouble()).isBetween(2400.0 + 120 - 15, 2400.0 + 120 + 15);
        InferenceEndpoint noRequest = seed(ScalingBehavior.none()).toBuilder().resources(Resources.none()).build();
        assertThatThrownBy(() -> new KubernetesAutoscalerModelProvider().create(
                io.inferscale.api.simulation.ModelContext.of(noRequest)))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("spec.resources.requests.cpu is required");
        assertThatThrownBy(() -> HpaSettings.from(ModelSettings.of(Map.of("kubernetes.tolerance", "2"))))
                .hasMessage("model setting kubernetes.tolerance was 2.0 but it must be >= 0 and < 1");
    }

    @Test
    @DisplayName("a 30-day run allocates only its output: about 48 bytes per tick (6 output arrays and the percentile copy)")
    void allocatesNothingPerTickBeyondOutput() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
        LoadTrace month = LoadTrace.diurnal(30, 22, Duration.ofDays(1), Duration.ofHours(15), Duration.ofMinutes(5), Duration.ofDays(30));
        Simulation sim = Simulation.of(seed(ScalingBehavior.none())).trace(month)
                .profile(ReplicaProfile.builder(10).startup(Duration.ofSeconds(45)).build());
        KubernetesAutoscalerModelProvider provider = new KubernetesAutoscalerModelProvider();
        sim.run(provider);
        long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        SimulationResult r = sim.run(provider);
        long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertThat(r.tickCount()).isEqualTo(172_800);
        assertThat(r.summary().scaleUps()).isGreaterThan(30);
        assertThat((double) allocated / r.tickCount()).as("bytes allocated per tick").isLessThan(60);
    }
}
