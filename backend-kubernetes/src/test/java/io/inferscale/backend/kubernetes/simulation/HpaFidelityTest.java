package io.inferscale.backend.kubernetes.simulation;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.ScaleToZero;
import io.inferscale.api.ScalingBehavior;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.simulation.ModelContext;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.backend.kubernetes.KubernetesSettings;
import io.inferscale.backend.kubernetes.KubernetesTranslator;
import io.inferscale.simulator.Simulation;
import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.trace.LoadTrace;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13's figures for the Kubernetes HPA, and the rule that what the model simulates is what the translator
 * renders.
 */
class HpaFidelityTest {

    static InferenceEndpoint endpoint(int min, int max, TargetType type, long target) {
        return InferenceEndpoint.builder("my-model-endpoint").model(ModelSpec.builder("my-ml-model").version("v1").build())
                .resources(Resources.of(ResourceList.of("500m", "1Gi"), ResourceList.of("1", "2Gi")))
                .autoscaling(AutoscalingPolicy.builder().minReplicas(min).maxReplicas(max).target(type, target).build())
                .build();
    }

    /** 20 rps, 60 rps from 10 min, 20 rps from 40 min, until 70 min. */
    static final LoadTrace STEP = LoadTrace.of(new double[] {0, 600, 2400, 4200}, new double[] {20, 60, 20, 20});

    static SimulationResult run(InferenceEndpoint e, LoadTrace trace, ModelSettings settings) {
        return Simulation.of(e).trace(trace).profile(ReplicaProfile.builder(20).build()).settings(settings)
                .run(new KubernetesAutoscalerModelProvider());
    }

    @Test
    @DisplayName("issue 13: a step from 20 to 60 rps on a 10 rps/replica target peaks at 6-7 replicas, scales out within 2 min, "
            + "scales in 300 s after the last higher recommendation")
    void stepTwentyToSixtyRps() {
        SimulationResult r = run(endpoint(1, 10, TargetType.REQUESTS_PER_SECOND, 10), STEP, ModelSettings.empty());
        // before the step: 20 rps on the initial replica = ratio 2 -> 2 replicas, then 10 rps each (ratio 1)
        assertThat(r.desiredReplicas(39)).isEqualTo(2);
        // at 600 s: 30 rps per ready replica -> ceil(3 x 2) = 6, capped by the legacy limit max(2 x 2, 4) = 4;
        // at 615 s: 2 ready at 30 rps, 2 starting without a sample (missing, 0 on a scale-up): 60 / 4 = 15 rps
        // -> ceil(1.5 x 4) = 6, within max(2 x 4, 4); once all 6 are ready, 10 rps each: ratio 1, no change
        assertThat(r.firstDesiredChangeAfter(585).getAsDouble()).isEqualTo(600);
        assertThat(r.desiredReplicas(600 / 15)).isEqualTo(4);
        assertThat(r.desiredReplicas(615 / 15)).isEqualTo(6);
        assertThat(r.summary().peakReplicas()).isEqualTo(6);
        assertThat(r.readyReplicas(675 / 15)).isEqualTo(6);
        // the drop at 2400 s is seen by the sync at 2400 s: the last recommendation of 6 was made at 2385 s, and the
        // highest recommendation of the 300 s window falls to 2 once it is 300 s old
        double in = r.firstDesiredChangeAfter(2400).getAsDouble();
        assertThat(in).isEqualTo(2385 + 300);
        assertThat(r.desiredReplicas((int) in / 15)).isEqualTo(2);
    }

    @Test
    @DisplayName("without behavior the legacy 5-minute window ends when behavior's 300 s scale-down window does")
    void legacyWindowEqualsBehaviorWindow() {
        InferenceEndpoint legacy = endpoint(1, 10, TargetType.REQUESTS_PER_SECOND, 10);
        InferenceEndpoint withBehavior = legacy.toBuilder().autoscaling(legacy.autoscaling().toBuilder()
                .behavior(ScalingBehavior.of(null, ScalingRules.stabilization(300))).build()).build();
        double legacyIn = run(legacy, STEP, ModelSettings.empty()).firstDesiredChangeAfter(2400).getAsDouble();
        double behaviorIn = run(withBehavior, STEP, ModelSettings.empty()).firstDesiredChangeAfter(2400).getAsDouble();
        assertThat(legacyIn).isEqualTo(behaviorIn).isEqualTo(2685);
    }

    /** No load, 30 rps from 10 min, no load from 20 min, until 50 min. */
    static final LoadTrace BURST = LoadTrace.of(new double[] {0, 600, 1200, 3000}, new double[] {0, 30, 0, 0});

    static InferenceEndpoint scaleToZero(int idleSeconds) {
        InferenceEndpoint e = endpoint(0, 10, TargetType.REQUESTS_PER_SECOND, 10);
        return e.toBuilder().autoscaling(e.autoscaling().toBuilder().scaleToZero(new ScaleToZero(idleSeconds)).build()).build();
    }

    static final ModelSettings EXTERNAL = ModelSettings.of(Map.of("kubernetes.requestsPerSecondMetricType", "External"));

    @Test
    @DisplayName("minReplicas 0 with an External metric: to zero after the idle window (rendered as the scale-down window), "
            + "back up from zero at the next sync")
    void externalMetricScalesFromZero() {
        SimulationResult r = run(scaleToZero(120), BURST, EXTERNAL);
        // 1 initial replica, no requests: External AverageValue -> ceil(0 / 10) = 0, held by the 120 s window
        double toZero = r.firstDesiredChangeAfter(0).getAsDouble();
        assertThat(toZero).isEqualTo(120);
        assertThat(r.desiredReplicas((int) toZero / 15)).isZero();
        // 30 rps arrive at 600 s: usage / (target x 0 replicas) is infinite -> ceil(30 / 10) = 3 at once
        assertThat(r.firstDesiredChangeAfter(toZero).getAsDouble()).isEqualTo(600);
        assertThat(r.desiredReplicas(600 / 15)).isEqualTo(3);
        // load gone at 1200 s (seen by the sync at 1200 s): zero once the last recommendation of 3 (1185 s) is 120 s old
        assertThat(r.firstDesiredChangeAfter(1200).getAsDouble()).isEqualTo(1185 + 120);
        assertThat(r.desiredReplicas(1305 / 15)).isZero();
    }

    @Test
    @DisplayName("minReplicas 0 with a Pods metric: upstream cannot compute it without pods, so zero stays zero")
    void podsMetricStaysAtZero() {
        SimulationResult r = run(scaleToZero(120), BURST, ModelSettings.empty());
        assertThat(r.desiredReplicas(120 / 15)).isZero();
        assertThat(r.desiredReplicas(900 / 15)).isZero();
    }

    /** What the rendered HPA says, one line per metric: type, name, target type and value. */
    static List<String> rendered(HorizontalPodAutoscaler hpa) {
        List<String> out = new ArrayList<>();
        for (MetricSpec m : hpa.getSpec().getMetrics()) {
            switch (m.getType()) {
                case "Resource" -> out.add("Resource " + m.getResource().getName() + " " + m.getResource().getTarget().getType() + " "
                        + m.getResource().getTarget().getAverageUtilization() + "%");
                case "Pods" -> out.add("Pods " + m.getPods().getMetric().getName() + " " + m.getPods().getTarget().getType() + " "
                        + m.getPods().getTarget().getAverageValue());
                case "External" -> out.add("External " + m.getExternal().getMetric().getName() + " " + m.getExternal().getTarget().getType()
                        + " " + m.getExternal().getTarget().getAverageValue());
                default -> out.add(m.getType());
            }
        }
        return out;
    }

    static List<String> scalesOn(HpaAutoscalerModel m) {
        return m.assumptions().stream().filter(a -> a.subject().equals("scales on")).map(Assumption::value).toList();
    }

    @Test
    @DisplayName("the model scales on exactly the metrics the translator renders: type, name, target type and value")
    void modelMetricsAreTheRenderedOnes() {
        InferenceEndpoint e = InferenceEndpoint.builder("my-model-endpoint").model(ModelSpec.builder("my-ml-model").version("v1").build())
                .resources(Resources.of(ResourceList.of("500m", "1Gi"), ResourceList.of("1", "2Gi")))
                .autoscaling(AutoscalingPolicy.builder().minReplicas(1).maxReplicas(10).target(TargetType.CPU_UTILIZATION, 60)
                        .target(TargetType.MEMORY_UTILIZATION, 70).target(TargetType.REQUESTS_PER_SECOND, 10)
                        .target(TargetType.CONCURRENT_REQUESTS, new java.math.BigDecimal("2.5")).build())
                .build();
        for (Map<String, String> config : List.of(Map.<String, String>of(), Map.of("kubernetes.requestsPerSecondMetricType", "External",
                "kubernetes.concurrencyMetric", "inflight"))) {
            HorizontalPodAutoscaler hpa = new KubernetesTranslator(KubernetesSettings.from(BackendConfig.of(config))).translate(e).hpa();
            HpaAutoscalerModel model = (HpaAutoscalerModel) new KubernetesAutoscalerModelProvider()
                    .create(new ModelContext(e, ModelSettings.of(config)));
            List<String> expected = rendered(hpa);
            assertThat(scalesOn(model)).as("config %s", config).isEqualTo(expected);
            assertThat(model.simulatedMetrics()).hasSize(expected.size());
        }
        HpaAutoscalerModel pods = (HpaAutoscalerModel) new KubernetesAutoscalerModelProvider().create(ModelContext.of(e));
        assertThat(scalesOn(pods)).containsExactly("Resource cpu Utilization 60%", "Resource memory Utilization 70%",
                "Pods http_requests_per_second AverageValue 10", "Pods http_requests_in_flight AverageValue 2500m");
        assertThat(pods.simulatedMetrics()).containsExactly("CPU 60", "MEMORY 70", "PODS 10000", "PODS 2500");
        HpaAutoscalerModel external = (HpaAutoscalerModel) new KubernetesAutoscalerModelProvider()
                .create(new ModelContext(e, EXTERNAL));
        assertThat(external.simulatedMetrics()).containsExactly("CPU 60", "MEMORY 70", "EXTERNAL_AVERAGE_VALUE 10000", "PODS 2500");
    }

    @Test
    @DisplayName("assumptions: every metric, the deciding constants with their sources, the start-up marked as an assumption")
    void assumptionsCarrySources() {
        SimulationResult r = run(endpoint(1, 10, TargetType.REQUESTS_PER_SECOND, 10), STEP, ModelSettings.empty());
        List<Assumption> a = r.assumptions();
        assertThat(a).allSatisfy(x -> assertThat(x.source()).isNotBlank());
        assertThat(a).extracting(Assumption::subject).contains("scales on", "HPA sync period", "HPA tolerance",
                "HPA scale-down stabilization", "HPA scale-up limit", "HPA CPU initialization period", "starting pods' metrics");
        assertThat(a).filteredOn(x -> x.subject().equals("HPA tolerance")).singleElement()
                .satisfies(x -> assertThat(x.source()).contains("Tolerances.isWithin"));
        assertThat(new KubernetesAutoscalerModelProvider().defaultStartupSource()).startsWith("assumption; override with --startup kubernetes=");
    }

    @Test
    @DisplayName("readiness counts for CPU only: for a Pods metric, starting pods are missing and count at the target on a "
            + "scale-down, so a drop while they start does not scale down before they are ready")
    void startingPodsAreMissingForPodsMetrics() {
        InferenceEndpoint e = endpoint(1, 10, TargetType.REQUESTS_PER_SECOND, 10);
        e = e.toBuilder().autoscaling(e.autoscaling().toBuilder()
                .behavior(ScalingBehavior.of(null, ScalingRules.stabilization(0))).build()).build();
        LoadTrace spike = LoadTrace.of(new double[] {0, 600, 615, 1800}, new double[] {5, 60, 5, 5});
        SimulationResult r = Simulation.of(e).trace(spike)
                .profile(ReplicaProfile.builder(20).startup(java.time.Duration.ofSeconds(180)).build())
                .run(new KubernetesAutoscalerModelProvider());
        // 600 s: 60 rps on 1 replica -> 6, limited by the default scale-up policies to max(1 + 4, 2 x 1) = 5
        assertThat(r.desiredReplicas(600 / 15)).isEqualTo(5);
        // 615 s..765 s: 5 rps on the 1 ready replica (ratio 0.5) and 4 starting pods without a sample, counted at the
        // 10 rps target: (5 + 4 x 10) / 5 = 9 rps, ratio 0.9 - within the tolerance, no change (counting them as
        // Pending, i.e. ignoring them, would have scaled to ceil(0.5 x 1) = 1 at once)
        for (int t = 615; t < 780; t += 15) {
            assertThat(r.desiredReplicas(t / 15)).as("at %d s", t).isEqualTo(5);
        }
        // 780 s: all 5 ready at 1 rps each -> ceil(0.1 x 5) = 1, the scale-down window is 0
        assertThat(r.desiredReplicas(780 / 15)).isEqualTo(1);
    }
}
