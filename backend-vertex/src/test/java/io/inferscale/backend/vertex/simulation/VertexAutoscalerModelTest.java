package io.inferscale.backend.vertex.simulation;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.LoadTrace;
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

/** Behaviour of the Vertex AI model for a step up and a step down in load. */
class VertexAutoscalerModelTest {

    static InferenceEndpoint seed(AutoscalingPolicy policy) {
        return InferenceEndpoint.builder("my-model-endpoint").model(ModelSpec.builder("my-ml-model").version("v1").build())
                .resources(Resources.of(ResourceList.of("500m", "1Gi"), ResourceList.of("1", "2Gi")))
                .autoscaling(policy).build();
    }

    static final AutoscalingPolicy CPU60 = AutoscalingPolicy.builder().minReplicas(1).maxReplicas(5)
            .target(TargetType.CPU_UTILIZATION, 60).build();

    /** 4 rps, 30 rps from 10 min, 4 rps from 40 min, until 70 min. */
    static final LoadTrace UP_DOWN = LoadTrace.of(new double[] {0, 600, 2400, 4200}, new double[] {4, 30, 4, 4});

    /** The scenarios below let a replica burst to its 1-CPU limit (200 % of its request, 20 rps), as the comments say. */
    static SimulationResult run(AutoscalingPolicy p, ModelSettings settings) {
        return Simulation.of(seed(p)).trace(UP_DOWN)
                .profile(ReplicaProfile.builder(10).startup(Duration.ofMinutes(2)).burstToLimit(true).build())
                .settings(settings).run(new VertexAutoscalerModelProvider());
    }

    @Test
    @DisplayName("is discovered under the id 'vertex'")
    void discovered() {
        assertThat(Simulations.discover().model("vertex")).isInstanceOf(VertexAutoscalerModelProvider.class);
    }

    @Test
    @DisplayName("scales up at the first 15-second evaluation after a step up, and down only after 5 minutes of lower recommendations")
    void stepUpAndDown() {
        SimulationResult r = run(CPU60, ModelSettings.empty());
        assertThat(r.firstDesiredChangeAfter(585).getAsDouble()).isEqualTo(600);
        // ceil(1 x 200 / 60) = 4
        assertThat(r.desiredReplicas(40)).isEqualTo(4);
        // while the 3 new replicas start, the ready one still recommends 4; once ready, 7.5 rps each = 75 % -> ceil(4 x 1.25) = 5
        assertThat(r.desiredReplicas(47)).isEqualTo(4);
        assertThat(r.desiredReplicas(48)).isEqualTo(5);
        double down = r.firstDesiredChangeAfter(2400).getAsDouble();
        // the last recommendation of 5 was made at 2385 s; it leaves the 5-minute window at 2685 s
        assertThat(down).isEqualTo(2385 + 300);
        assertThat(r.desiredReplicas((int) (down / 15))).isEqualTo(1);
    }

    @Test
    @DisplayName("the highest recommendation over metrics wins")
    void highestOverMetrics() {
        AutoscalingPolicy two = CPU60.toBuilder().maxReplicas(20).target(TargetType.REQUESTS_PER_SECOND, 2).build();
        SimulationResult r = run(two, ModelSettings.empty());
        // 4 rps on 1 replica: CPU 40 % -> 1, rps 4 / 2 -> 2
        assertThat(r.desiredReplicas(1)).isEqualTo(2);
    }

    @Test
    @DisplayName("without a CPU target, Vertex still scales on CPU at its default 60 %")
    void implicitCpuTarget() {
        AutoscalingPolicy rpsOnly = AutoscalingPolicy.builder().minReplicas(1).maxReplicas(20)
                .target(TargetType.REQUESTS_PER_SECOND, 100).build();
        SimulationResult r = run(rpsOnly, ModelSettings.empty());
        // 30 rps on 1 replica: request count 30 / 100 -> 1, but CPU saturates at the 1-core limit (200 % of the
        // 500m request) and the implicit 60 % CPU target asks for ceil(1 x 200 / 60) = 4
        assertThat(r.desiredReplicas(41)).isEqualTo(4);
        SimulationResult lower = run(rpsOnly, ModelSettings.of(Map.of("vertex.defaultCpuUtilization", "100")));
        assertThat(lower.desiredReplicas(41)).isEqualTo(2);
    }

    @Test
    @DisplayName("the window is a setting")
    void windowSetting() {
        SimulationResult r = run(CPU60, ModelSettings.of(Map.of("vertex.stabilizationWindow", "1m")));
        assertThat(r.firstDesiredChangeAfter(2400).getAsDouble()).isEqualTo(2385 + 60);
    }
}
