package io.inferscale.backend.vertex.simulation;

import io.inferscale.api.Accelerator;
import io.inferscale.api.AcceleratorType;
import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.simulation.AutoscalerModels;
import io.inferscale.api.simulation.ModelContext;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.backend.vertex.VertexTranslator;
import io.inferscale.simulator.Simulation;
import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.trace.LoadTrace;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Behaviour of the Vertex AI model against Google's documentation, with hand-computed expectations. Pages:
 * <ul>
 *   <li>"Scale inference nodes by using autoscaling", https://cloud.google.com/vertex-ai/docs/predictions/autoscaling
 *       (recommendations every 15 seconds; the replica count follows the highest recommendation of the previous five
 *       minutes; request count targets are requests per minute per replica);</li>
 *   <li>API reference, {@code DedicatedResources.autoscaling_metric_specs} (googleapis/googleapis
 *       {@code google/cloud/aiplatform/v1/machine_resources.proto} at f8291d2b89f0017ab078a4c7378069bae5686f6f): "scale
 *       up when either metrics exceeds its target value while scale down if both metrics are under their target
 *       value. The default target value is 60 for both metrics."</li>
 * </ul>
 * Every run uses 15-second ticks, so tick i is at 15 × i seconds, and a start-up of 2 minutes.
 */
class VertexAutoscalerModelTest {

    /** The seed's resources: requests 500m / 1Gi, limits 1 / 2Gi: machine n1-standard-2 (2 vCPUs); 100 % of the request is 25 % of the machine. */
    static final Resources SEED = Resources.of(ResourceList.of("500m", "1Gi"), ResourceList.of("1", "2Gi"));
    /** Requests = limits = 2 CPUs: machine n1-standard-2, so % of the request = % of the machine. */
    static final Resources WHOLE_MACHINE = Resources.of(ResourceList.of("2", "4Gi"), ResourceList.of("2", "4Gi"));

    static InferenceEndpoint endpoint(Resources resources, AutoscalingPolicy policy) {
        return InferenceEndpoint.builder("my-model-endpoint").model(ModelSpec.builder("my-ml-model").version("v1").build())
                .resources(resources).autoscaling(policy).build();
    }

    static AutoscalingPolicy.Builder policy(int min, int max) {
        return AutoscalingPolicy.builder().minReplicas(min).maxReplicas(max);
    }

    /** 4 rps, 30 rps from 10 min, 4 rps from 40 min, until 70 min. */
    static final LoadTrace UP_DOWN = LoadTrace.of(new double[] {0, 600, 2400, 4200}, new double[] {4, 30, 4, 4});
    /** The step: 20 rps, 60 rps from 10 min, 20 rps from 30 min, until 50 min. */
    static final LoadTrace STEP_20_60 = LoadTrace.of(new double[] {0, 600, 1800, 3000}, new double[] {20, 60, 20, 20});

    /** One replica serves 10 rps at 100 % of its CPU request, and bursts up to its CPU limit unless it has an accelerator. */
    static Simulation simulation(InferenceEndpoint e, LoadTrace trace) {
        return Simulation.of(e).trace(trace).profile(ReplicaProfile.builder(10).startup(Duration.ofMinutes(2))
                .burstToLimit(e.resources().accelerator().isEmpty()).build());
    }

    static int peak(SimulationResult r) {
        return IntStream.range(0, r.tickCount()).map(r::desiredReplicas).max().orElseThrow();
    }

    static VertexAutoscalerModel model(InferenceEndpoint e) {
        return (VertexAutoscalerModel) new VertexAutoscalerModelProvider().create(ModelContext.of(e));
    }

    @Test
    @DisplayName("is discovered under the id 'vertex'; its default start-up (3 min) is an assumption overridable with --startup")
    void discovered() {
        VertexAutoscalerModelProvider p = (VertexAutoscalerModelProvider) AutoscalerModels.discover().model("vertex");
        assertThat(p.defaultStartup()).isEqualTo(Duration.ofMinutes(3));
        assertThat(new Assumption("startup", "3m", p.defaultStartupSource()).isAssumption()).isTrue();
        assertThat(p.defaultStartupSource()).contains("--startup vertex=");
    }

    @Nested
    @DisplayName("Google's autoscaling page")
    class Documented {
        @Test
        @DisplayName("recommendations every 15 s: scales up at the first evaluation after a rise, as far as the serving replicas' usage asks")
        void everyFifteenSeconds() {
            SimulationResult r = simulation(endpoint(WHOLE_MACHINE, policy(1, 10).target(TargetType.CPU_UTILIZATION, 60).build()), UP_DOWN)
                    .run(new VertexAutoscalerModelProvider());
            // 4 rps on 1 replica: 40 % of 2 of 2 vCPUs -> ceil(1 x 40 / 60) = 1
            assertThat(r.desiredReplicas(39)).isEqualTo(1);
            // 30 rps at 600 s: the replica serves 10 rps = 100 % -> ceil(1 x 100 / 60) = 2, at the evaluation at 600 s
            assertThat(r.firstDesiredChangeAfter(585).getAsDouble()).isEqualTo(600);
            assertThat(r.desiredReplicas(40)).isEqualTo(2);
            // the new replica is ready at 720 s: 2 x 10 rps = 100 % -> ceil(2 x 100 / 60) = 4
            assertThat(r.desiredReplicas(47)).isEqualTo(2);
            assertThat(r.desiredReplicas(48)).isEqualTo(4);
            // 4 ready at 840 s: 7.5 rps = 75 % -> ceil(4 x 75 / 60) = 5; 5 ready at 960 s: 60 % -> 5
            assertThat(r.desiredReplicas(56)).isEqualTo(5);
            assertThat(peak(r)).isEqualTo(5);
        }

        @Test
        @DisplayName("the highest recommendation of the previous 5 minutes: scales down only once the last high one is 300 s old")
        void fiveMinuteWindow() {
            SimulationResult r = simulation(endpoint(WHOLE_MACHINE, policy(1, 10).target(TargetType.CPU_UTILIZATION, 60).build()), UP_DOWN)
                    .run(new VertexAutoscalerModelProvider());
            // 4 rps from 2400 s on 5 replicas: 8 % -> 1; the last recommendation of 5 was made at 2385 s
            double down = r.firstDesiredChangeAfter(2400).getAsDouble();
            assertThat(down).isEqualTo(2385 + 300);
            assertThat(r.desiredReplicas((int) (down / 15))).isEqualTo(1);
            assertThat(r.desiredReplicas((int) (down / 15) - 1)).isEqualTo(5);
        }

        @Test
        @DisplayName("the window is a setting (vertex.stabilizationWindow)")
        void windowSetting() {
            SimulationResult r = simulation(endpoint(WHOLE_MACHINE, policy(1, 10).target(TargetType.CPU_UTILIZATION, 60).build()), UP_DOWN)
                    .settings(ModelSettings.of(Map.of("vertex.stabilizationWindow", "1m"))).run(new VertexAutoscalerModelProvider());
            assertThat(r.firstDesiredChangeAfter(2400).getAsDouble()).isEqualTo(2385 + 60);
        }

        @Test
        @DisplayName("with accelerators: scale up when either CPU or duty cycle exceeds its target (API reference)")
        void eitherMetricScalesUp() {
            // L4 on g2-standard-8 (8 vCPUs, larger of requests 4 and limits 8); duty-cycle target 50, CPU rendered at 60
            Resources gpu = Resources.of(ResourceList.of("4", "16Gi"), ResourceList.of("8", "24Gi"), new Accelerator(AcceleratorType.NVIDIA_L4, 1));
            InferenceEndpoint e = endpoint(gpu, policy(1, 10).target(TargetType.ACCELERATOR_UTILIZATION, 50).build());
            LoadTrace six = LoadTrace.of(new double[] {0, 600}, new double[] {6, 6});
            SimulationResult r = simulation(e, six).run(new VertexAutoscalerModelProvider());
            // 6 rps on 1 replica: duty cycle 60 % -> ceil(1 x 60 / 50) = 2; CPU 60 % of 4 cores = 30 % of 8 vCPUs -> 1
            assertThat(r.desiredReplicas(0)).isEqualTo(2);
            // 2 ready at 120 s: duty cycle 30 % -> 2 x 30 / 50 = 1.2 -> 2 (the window still holds 2 anyway)
            assertThat(peak(r)).isEqualTo(2);
        }
    }

    @Nested
    @DisplayName("the issue's step from 20 to 60 rps with a 10 rps/replica target and no CPU target")
    class Step {
        InferenceEndpoint rps(Resources resources) {
            return endpoint(resources, policy(1, 20).target(TargetType.REQUESTS_PER_SECOND, 10).build());
        }

        @Test
        @DisplayName("peaks at 6, scales out at the step and in 285 s after the drop (300 s after the last high recommendation)")
        void seedResources() {
            SimulationResult r = simulation(rps(SEED), STEP_20_60).initialReplicas(2).run(new VertexAutoscalerModelProvider());
            // 20 rps on 2 replicas: 10 rps = 600/min per replica against 600/min -> 2
            assertThat(r.desiredReplicas(39)).isEqualTo(2);
            // at 600 s: 30 rps = 1800/min per replica -> ceil(2 x 1800 / 600) = 6, at once
            assertThat(r.firstDesiredChangeAfter(585).getAsDouble()).isEqualTo(600);
            assertThat(r.desiredReplicas(40)).isEqualTo(6);
            // the rendered CPU 60 % never decides: the container may use 1 core (its limit) = 50 % of n1-standard-2
            assertThat(peak(r)).isEqualTo(6);
            // at 1800 s: 20 rps on 6 = 200/min -> ceil(6 x 200 / 600) = 2; the last 6 was recommended at 1785 s
            assertThat(r.firstDesiredChangeAfter(1800).getAsDouble()).isEqualTo(1785 + 300);
            assertThat(r.desiredReplicas((1785 + 300) / 15)).isEqualTo(2);
        }

        @Test
        @DisplayName("unless the rendered CPU 60 % decides: with the whole machine requested it peaks at 10, and the rendering shows that CPU target")
        void renderedCpuDecides() {
            InferenceEndpoint e = rps(WHOLE_MACHINE);
            SimulationResult r = simulation(e, STEP_20_60).initialReplicas(2).run(new VertexAutoscalerModelProvider());
            // at 0 s: 2 replicas at 10 rps = 100 % of 2 vCPUs -> CPU ceil(2 x 100 / 60) = 4 (requests: 2)
            assertThat(r.desiredReplicas(0)).isEqualTo(4);
            // at 600 s, 4 ready, 60 rps: each serves its 10 rps = 100 % -> ceil(4 x 100 / 60) = 7 (requests: ceil(4 x 900 / 600) = 6)
            assertThat(r.desiredReplicas(40)).isEqualTo(7);
            // at 720 s, 7 ready: 60 / 7 rps = 85.7 % -> ceil(7 x 85.71 / 60) = 10; at 840 s 10 ready at 60 % -> 10
            assertThat(r.desiredReplicas(48)).isEqualTo(10);
            assertThat(peak(r)).isEqualTo(10);
            assertThat(model(e).assumptions()).filteredOn(a -> a.subject().equals("scales on")).extracting(Assumption::value)
                    .anyMatch(v -> v.startsWith(VertexTranslator.CPU_METRIC + " 60%"));
        }
    }

    @Test
    @DisplayName("CPU is measured against the machine's vCPUs and the target keeps the request's cores: 60 % of 500m renders 15 % of n1-standard-2")
    void cpuOfTheMachine() {
        InferenceEndpoint e = endpoint(SEED, policy(1, 10).target(TargetType.CPU_UTILIZATION, 60).build());
        assertThat(model(e).assumptions()).filteredOn(a -> a.subject().equals("scales on")).extracting(Assumption::value)
                .containsExactly(VertexTranslator.CPU_METRIC + " 15% of the machine's vCPUs");
        SimulationResult r = simulation(e, UP_DOWN).run(new VertexAutoscalerModelProvider());
        // 4 rps on 1 replica: 40 % of the request = 0.2 cores = 10 % of the machine -> ceil(1 x 10 / 15) = 1
        assertThat(r.desiredReplicas(39)).isEqualTo(1);
        // 30 rps at 600 s: the replica bursts to its 1-core limit = 50 % of the machine -> ceil(1 x 50 / 15) = ceil(3.33) = 4
        assertThat(r.firstDesiredChangeAfter(585).getAsDouble()).isEqualTo(600);
        assertThat(r.desiredReplicas(40)).isEqualTo(4);
        assertThat(r.desiredReplicas(47)).isEqualTo(4);
        // 4 ready at 720 s: 7.5 rps = 75 % of the request = 18.75 % of the machine -> ceil(4 x 18.75 / 15) = 5;
        // 5 ready at 840 s: 6 rps = 60 % of the request = 15 % -> 5, as a Kubernetes HPA at 60 % of the request
        assertThat(r.desiredReplicas(48)).isEqualTo(5);
        assertThat(peak(r)).isEqualTo(5);
        // 4 rps from 2400 s on 5: 0.8 rps = 2 % of the machine -> 1, once the last 5 (at 2385 s) is 300 s old
        assertThat(r.firstDesiredChangeAfter(2400).getAsDouble()).isEqualTo(2385 + 300);
        assertThat(r.desiredReplicas((2385 + 300) / 15)).isEqualTo(1);
        assertThat(model(e).assumptions()).filteredOn(a -> a.subject().equals("CPU utilization measured against"))
                .singleElement().satisfies(a -> assertThat(a.value()).contains("2 vCPUs of n1-standard-2").contains("25%"));
    }

    @Test
    @DisplayName("a tolerance (vertex.tolerance) keeps the count while usage is within it of the target")
    void tolerance() {
        InferenceEndpoint e = endpoint(WHOLE_MACHINE, policy(1, 10).target(TargetType.CPU_UTILIZATION, 60).build());
        LoadTrace seven = LoadTrace.of(new double[] {0, 600}, new double[] {6.5, 6.5});
        // 6.5 rps on 1 replica: 65 % -> ceil(65 / 60) = 2 without tolerance; |65 / 60 - 1| = 0.083 <= 0.1 keeps 1
        assertThat(simulation(e, seven).run(new VertexAutoscalerModelProvider()).desiredReplicas(0)).isEqualTo(2);
        assertThat(simulation(e, seven).settings(ModelSettings.of(Map.of("vertex.tolerance", "0.1")))
                .run(new VertexAutoscalerModelProvider()).desiredReplicas(0)).isEqualTo(1);
        assertThatThrownBy(() -> VertexAutoscalingSettings.from(ModelSettings.of(Map.of("vertex.tolerance", "1.5"))))
                .hasMessageContaining("vertex.tolerance");
    }

    @Test
    @DisplayName("a target Vertex cannot scale on is refused by name, as the backend refuses it")
    void unsupportedTarget() {
        InferenceEndpoint e = endpoint(SEED, policy(1, 10).target(TargetType.MEMORY_UTILIZATION, 70).build());
        assertThatThrownBy(() -> model(e)).hasMessageContaining("targetMemoryUtilizationPercentage").hasMessageContaining("vertex");
    }

    @Test
    @DisplayName("the old vertex.defaultCpuUtilization setting is gone: the CPU target is the rendered one")
    void noDefaultCpuSetting() {
        assertThat(VertexAutoscalingSettings.KEYS).containsExactlyInAnyOrder("vertex.evaluationPeriod", "vertex.stabilizationWindow", "vertex.tolerance");
    }
}
