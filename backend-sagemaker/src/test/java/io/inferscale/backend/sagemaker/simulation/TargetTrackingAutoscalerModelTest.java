package io.inferscale.backend.sagemaker.simulation;

import io.inferscale.api.Accelerator;
import io.inferscale.api.AcceleratorType;
import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.ScalingBehavior;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.simulation.AutoscalerModels;
import io.inferscale.api.simulation.ModelContext;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.simulator.Simulation;
import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.trace.LoadTrace;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Behaviour of the SageMaker target-tracking model; every expectation is computed by hand in the comments. */
class TargetTrackingAutoscalerModelTest {

    static final String IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-ml-model:v1";

    /** An endpoint with 4 cores and 8 GiB requested: SageMakerTranslator picks ml.c5.xlarge (4 vCPUs, 8 GiB). */
    static InferenceEndpoint endpoint(AutoscalingPolicy policy) {
        return endpoint(policy, Resources.of(ResourceList.of("4", "8Gi"), ResourceList.empty()));
    }

    static InferenceEndpoint endpoint(AutoscalingPolicy policy, Resources resources) {
        return InferenceEndpoint.builder("my-model-endpoint").model(ModelSpec.builder("my-ml-model").version("v1").image(IMAGE).build())
                .resources(resources).autoscaling(policy).build();
    }

    static final AutoscalingPolicy RPS10 = AutoscalingPolicy.builder().minReplicas(1).maxReplicas(20)
            .target(TargetType.REQUESTS_PER_SECOND, 10).build();

    /** 20 rps, 60 rps from 10 min, 20 rps from 40 min, until 90 min. */
    static final LoadTrace STEP_20_60 = LoadTrace.of(new double[] {0, 600, 2400, 5400}, new double[] {20, 60, 20, 20});

    static SimulationResult stepRun(InferenceEndpoint e, ModelSettings settings) {
        return Simulation.of(e).trace(STEP_20_60).profile(ReplicaProfile.of(10)).initialReplicas(2).settings(settings)
                .run(new SageMakerAutoscalerModelProvider());
    }

    static int desiredAt(SimulationResult r, double seconds) {
        return r.desiredReplicas((int) (seconds / 15));
    }

    @Test
    @DisplayName("is discovered under the id 'sagemaker'; its start-up is a marked assumption with the override")
    void discovered() {
        assertThat(AutoscalerModels.discover().model("sagemaker")).isInstanceOf(SageMakerAutoscalerModelProvider.class);
        assertThat(new SageMakerAutoscalerModelProvider().defaultStartupSource())
                .startsWith("assumption; override with --startup sagemaker=");
    }

    @Test
    @DisplayName("issue 13 done-when: step 20 -> 60 rps, 10 rps/instance: scale-out 3 min after the step, peak 6, scale-in 15 min after the drop")
    void stepTwentyToSixty() {
        SimulationResult r = stepRun(endpoint(RPS10), ModelSettings.empty());
        // 2 instances at 20 rps = 600 invocations/instance/minute = the target: no alarm before the step.
        // After it, 60 rps on 2 instances = 1800/min; the 3rd datapoint above 600 closes at 600 + 180 s.
        double out = r.firstDesiredChangeAfter(600).getAsDouble();
        assertThat(out).isEqualTo(600 + 180);
        // ceil(2 instances in the datapoints' minute x 1800 / 600) = 6, and nothing more while they start (the added
        // capacity counts toward the next scale-out) nor after (60 rps / 6 = 600/min, not above the target)
        assertThat(desiredAt(r, out)).isEqualTo(6);
        assertThat(r.summary().peakReplicas()).isEqualTo(6);
        // after the drop, 20 / 6 = 200/min < 540 (0.9 x 600): the 15th such datapoint closes 15 min after the drop;
        // no cap per step: ceil(6 x 200 / 600) = 2 at once
        double in = r.firstDesiredChangeAfter(2400).getAsDouble();
        assertThat(in).isEqualTo(2400 + 900);
        assertThat(desiredAt(r, in)).isEqualTo(2);
        assertThat(r.summary().scaleDowns()).isEqualTo(1);
    }

    @Test
    @DisplayName("InvocationsPerInstance counts requests sent: a 10x spike on saturated instances asks for 10x the instances")
    void invocationsCountOfferedRequests() {
        // 2 instances serving at most 10 rps each; 200 rps from 600 s: 100 rps sent to each = 6000/min, though each serves
        // only 10 rps: ceil(2 x 6000 / 600) = 20 at 780 s
        SimulationResult r = Simulation.of(endpoint(RPS10)).trace(LoadTrace.of(new double[] {0, 600, 1800}, new double[] {20, 200, 200}))
                .profile(ReplicaProfile.of(10)).initialReplicas(2).run(new SageMakerAutoscalerModelProvider());
        assertThat(desiredAt(r, 780)).isEqualTo(20);
    }

    @Test
    @DisplayName("ScaleOutCooldown 0 s re-adds the starting instances from the last stale minute; 300 s and 900 s do not (no metric delay)")
    void scaleOutCooldownWithoutDelay() {
        // the 4 instances come into service at 780 + 300 = 1080 s; the datapoint published then covers [1020, 1080) with
        // 2 in service and 1800/min: outside a cooldown it adds the capacity still missing, 6 + (6 - 2) = 10
        assertThat(stepRun(endpoint(withCooldowns(RPS10, 0)), ModelSettings.empty()).summary().peakReplicas()).isEqualTo(10);
        assertThat(stepRun(endpoint(withCooldowns(RPS10, 300)), ModelSettings.empty()).summary().peakReplicas()).isEqualTo(6);
        assertThat(stepRun(endpoint(withCooldowns(RPS10, 900)), ModelSettings.empty()).summary().peakReplicas()).isEqualTo(6);
    }

    @Test
    @DisplayName("with a 6-minute metric delay, ScaleOutCooldown 0, 300 and 900 s give 14, 10 and 6 instances")
    void scaleOutCooldownWithDelay() {
        ModelSettings delay = ModelSettings.of(Map.of("sagemaker.metricDelay", "6m"));
        // datapoints of minute [t, t + 60) reach the alarm at t + 420. Scale-out at 1140 (3rd datapoint, of [720, 780)) to 6;
        // in service at 1440; datapoints measured with 2 in service keep arriving until 1800 (minute [1380, 1440)).
        //  900 s: the cooldown lasts until 2340, past them: 6.
        //  300 s: it ends at 1740, when [1260, 1320) arrives (2 in service, 1800/min): 6 + (6 - 2) = 10.
        //  0 s: 10 at 1440; those 4 are in service at 1740, when the stale datapoint adds 4 again: 14.
        assertThat(stepRun(endpoint(withCooldowns(RPS10, 900)), delay).summary().peakReplicas()).isEqualTo(6);
        SimulationResult r300 = stepRun(endpoint(withCooldowns(RPS10, 300)), delay);
        assertThat(r300.summary().peakReplicas()).isEqualTo(10);
        assertThat(r300.firstDesiredChangeAfter(1150).getAsDouble()).isEqualTo(1740);
        SimulationResult r0 = stepRun(endpoint(withCooldowns(RPS10, 0)), delay);
        assertThat(desiredAt(r0, 1440)).isEqualTo(10);
        assertThat(r0.summary().peakReplicas()).isEqualTo(14);
    }

    static AutoscalingPolicy withCooldowns(AutoscalingPolicy p, int seconds) {
        return p.toBuilder().behavior(ScalingBehavior.of(ScalingRules.stabilization(seconds), null)).build();
    }

    @Test
    @DisplayName("CPU is CPUUtilization summed over the instance's cores: 60 % of a 4-core request is 240, of a 1-core request 60, on the same ml.c5.xlarge")
    void cpuMeasuredOverTheInstanceCores() {
        AutoscalingPolicy cpu60 = AutoscalingPolicy.builder().minReplicas(1).maxReplicas(10).target(TargetType.CPU_UTILIZATION, 60).build();
        LoadTrace load = LoadTrace.of(new double[] {0, 600, 1800}, new double[] {10, 60, 60});
        ReplicaProfile profile = ReplicaProfile.builder(10).startup(Duration.ofMinutes(5)).build();
        // 4 cores requested: 2 saturated instances (10 rps each = 100 % of the request = 4 cores) report 400;
        // ceil(2 x 400 / 240) = ceil(3.33) = 4 after 3 datapoints
        SimulationResult whole = Simulation.of(endpoint(cpu60)).trace(load).profile(profile).initialReplicas(2)
                .run(new SageMakerAutoscalerModelProvider());
        assertThat(whole.firstDesiredChangeAfter(600).getAsDouble()).isEqualTo(780);
        assertThat(desiredAt(whole, 780)).isEqualTo(4);

        // 1 core requested on the same instance type: the rendered target is 60 % of 1 core = 0.6 cores = 60. Before the
        // step a replica serves 5 rps = 50 % of 1 core = 50 < 0.9 x 60 = 54, but for 10 datapoints only, fewer than the
        // 15 a scale-in needs; after it a saturated replica uses its 1 core = 100 > 60 for 3 datapoints:
        // ceil(2 x 100 / 60) = ceil(3.33) = 4 at 780, as with 4 cores
        InferenceEndpoint oneCore = endpoint(cpu60, Resources.of(ResourceList.of("1", "2Gi"), ResourceList.empty()))
                .toBuilder().option("sagemaker", "instanceType", "ml.c5.xlarge").build();
        SimulationResult small = Simulation.of(oneCore).trace(load).profile(profile).initialReplicas(2)
                .run(new SageMakerAutoscalerModelProvider());
        assertThat(small.firstDesiredChangeAfter(600).getAsDouble()).isEqualTo(780);
        assertThat(desiredAt(small, 780)).isEqualTo(4);
        assertThat(small.assumptions()).anySatisfy(a -> assertThat(a.value())
                .contains("CPUUtilization target 60 % summed over the 4 vCPUs of ml.c5.xlarge"));
        assertThat(whole.assumptions()).noneSatisfy(a -> assertThat(a.value()).contains("cannot scale out"));
        assertThat(small.assumptions()).noneSatisfy(a -> assertThat(a.value()).contains("cannot scale out"));

        // 100 % of 1 core renders 100, which a replica capped at its request never exceeds: no scale-out, and the run says so
        AutoscalingPolicy cpu100 = cpu60.toBuilder().target(TargetType.CPU_UTILIZATION, 100).build();
        SimulationResult full = Simulation.of(oneCore.toBuilder().autoscaling(cpu100).build()).trace(load).profile(profile)
                .initialReplicas(2).run(new SageMakerAutoscalerModelProvider());
        assertThat(full.summary().scaleUps()).isZero();
        assertThat(full.assumptions()).anySatisfy(a -> assertThat(a.value())
                .contains("a replica reaches at most 100 here").contains("not above the target 100")
                .contains("this policy cannot scale out in the simulation"));
    }

    @Test
    @DisplayName("GPU is GPUUtilization summed over the instance's GPUs: 50 % on ml.g5.12xlarge (4 x A10G) is 200")
    void gpuMeasuredOverTheInstanceGpus() {
        AutoscalingPolicy gpu50 = AutoscalingPolicy.builder().minReplicas(1).maxReplicas(10).target(TargetType.ACCELERATOR_UTILIZATION, 50).build();
        InferenceEndpoint e = endpoint(gpu50, Resources.of(ResourceList.of("8", "32Gi"), ResourceList.empty(),
                new Accelerator(AcceleratorType.NVIDIA_A10G, 4)));
        // 10 rps on 2 instances = 50 % of each replica's 4 GPUs = 200: the target, no alarm. 20 rps from 600 s: 100 % of
        // 4 GPUs = 400 > 200; ceil(2 x 400 / 200) = 4 at 780 s
        SimulationResult r = Simulation.of(e).trace(LoadTrace.of(new double[] {0, 600, 1800}, new double[] {10, 20, 20}))
                .profile(ReplicaProfile.of(10)).initialReplicas(2).run(new SageMakerAutoscalerModelProvider());
        assertThat(r.firstDesiredChangeAfter(0).getAsDouble()).isEqualTo(780);
        assertThat(desiredAt(r, 780)).isEqualTo(4);
    }

    @Test
    @DisplayName("a concurrency target scales out on the 10 s metric (30 s after the step) but in at the standard rate (15 min)")
    void highResolutionConcurrency() {
        AutoscalingPolicy p = AutoscalingPolicy.builder().minReplicas(1).maxReplicas(10).target(TargetType.CONCURRENT_REQUESTS, 1).build();
        LoadTrace trace = LoadTrace.of(new double[] {0, 600, 3600, 7200}, new double[] {4, 30, 4, 4});
        SimulationResult r = Simulation.of(endpoint(p)).trace(trace).profile(ReplicaProfile.of(10)).step(Duration.ofSeconds(10))
                .run(new SageMakerAutoscalerModelProvider());
        // 30 rps on one instance with 100 ms latency = 3 in flight; 3 datapoints of 10 s: ceil(1 x 3 / 1) = 3 at 630 s
        assertThat(r.firstDesiredChangeAfter(595).getAsDouble()).isEqualTo(630);
        assertThat(r.desiredReplicas(63)).isEqualTo(3);
        // 4 rps / 3 = 0.13 in flight < 0.9: fifteen 60 s datapoints, so 3600 + 900 s (not 150 s); ceil(3 x 0.133 / 1) = 1
        assertThat(r.firstDesiredChangeAfter(3600).getAsDouble()).isEqualTo(3600 + 900);
        assertThat(r.desiredReplicas((3600 + 900) / 10)).isEqualTo(1);
    }

    @Test
    @DisplayName("cooldowns come from the endpoint's behaviour windows; disabled scale-down is DisableScaleIn")
    void behaviourMapsToCooldownsAndDisableScaleIn() {
        AutoscalingPolicy noIn = RPS10.toBuilder().behavior(ScalingBehavior.of(null, ScalingRules.disabled())).build();
        SimulationResult never = stepRun(endpoint(noIn), ModelSettings.empty());
        assertThat(never.desiredReplicas(never.tickCount() - 1)).isEqualTo(6);
        assertThat(never.summary().scaleDowns()).isZero();
        assertThat(never.assumptions()).anySatisfy(a -> assertThat(a.value()).contains("DisableScaleIn"));
    }

    @Test
    @DisplayName("while the low alarm stays in ALARM, the next scale-in comes when the scale-in cooldown (300 s, 600 s) ends")
    void scaleInCooldownPacesScaleIn() {
        // 10 instances at 100 rps (600/min each = the target); 42 rps from 600 s: 252/min < 540. The 15th low datapoint
        // closes at 1500: ceil(10 x 252 / 600) = ceil(4.2) = 5. On 5 instances 42 rps is 504/min, still < 540: the alarm
        // stays in ALARM. From 1600 s, 20 rps = 240/min: ceil(5 x 240 / 600) = 2 as soon as the cooldown allows.
        LoadTrace falling = LoadTrace.of(new double[] {0, 600, 1600, 4000}, new double[] {100, 42, 20, 20});
        for (int cooldown : new int[] {300, 600}) {
            AutoscalingPolicy p = RPS10.toBuilder().behavior(ScalingBehavior.of(null, ScalingRules.stabilization(cooldown))).build();
            SimulationResult r = Simulation.of(endpoint(p)).trace(falling).profile(ReplicaProfile.builder(10).startup(Duration.ZERO).build())
                    .initialReplicas(10).run(new SageMakerAutoscalerModelProvider());
            assertThat(r.firstDesiredChangeAfter(600).getAsDouble()).isEqualTo(1500);
            assertThat(desiredAt(r, 1500)).isEqualTo(5);
            assertThat(r.firstDesiredChangeAfter(1501).getAsDouble()).as("cooldown %d s", cooldown).isEqualTo(1500 + cooldown);
            assertThat(desiredAt(r, 1500 + cooldown)).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("a metric delay setting postpones every decision by the delay")
    void metricDelaySetting() {
        SimulationResult r = stepRun(endpoint(RPS10), ModelSettings.of(Map.of("sagemaker.metricDelay", "2m")));
        assertThat(r.firstDesiredChangeAfter(600).getAsDouble()).isEqualTo(600 + 180 + 120);
        assertThat(r.assumptions()).anySatisfy(a -> assertThat(a).isEqualTo(new Assumption("metric delay", "120 s",
                "set by --setting sagemaker.metricDelay")));
        assertThatThrownBy(() -> TargetTrackingSettings.from(ModelSettings.of(Map.of("sagemaker.scaleInThreshold", "1.5"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("sagemaker.scaleInThreshold was 1.5");
    }

    @Test
    @DisplayName("an endpoint without a target is rejected; a CPU target on an uncatalogued instance type names the option")
    void rejectsWhatCannotBeMeasured() {
        AutoscalingPolicy none = AutoscalingPolicy.builder().minReplicas(1).maxReplicas(3).build();
        assertThatThrownBy(() -> new SageMakerAutoscalerModelProvider().create(ModelContext.of(endpoint(none))))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("spec.autoscaling needs a target");
        InferenceEndpoint unknown = endpoint(AutoscalingPolicy.builder().minReplicas(1).maxReplicas(3).target(TargetType.CPU_UTILIZATION, 50).build())
                .toBuilder().option("sagemaker", "instanceType", "ml.inf2.xlarge").build();
        assertThatThrownBy(() -> new SageMakerAutoscalerModelProvider().create(ModelContext.of(unknown)))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("spec.backends.sagemaker.instanceType: ml.inf2.xlarge");
    }

    @Test
    @DisplayName("every assumption has a source; the unpublished ones are marked and say how to override them")
    void assumptionsCarrySources() {
        var model = new SageMakerAutoscalerModelProvider().create(ModelContext.of(endpoint(RPS10)));
        assertThat(model.assumptions()).extracting(Assumption::subject).contains("scales on (inferscale-invocations-per-instance)",
                "datapoint period", "scale-out alarm", "scale-in alarm", "capacity asked", "scale-out cooldown", "scale-in cooldown",
                "metric delay");
        assertThat(model.assumptions()).filteredOn(Assumption::isAssumption)
                .allSatisfy(a -> assertThat(a.source()).contains("override with --setting sagemaker."));
        assertThat(model.assumptions()).filteredOn(a -> !a.isAssumption())
                .allSatisfy(a -> assertThat(a.source()).containsAnyOf("https://", "SageMakerTranslator", "set by"));
    }
}
