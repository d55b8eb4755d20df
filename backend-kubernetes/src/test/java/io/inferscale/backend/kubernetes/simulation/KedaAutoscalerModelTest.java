package io.inferscale.backend.kubernetes.simulation;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ScaleToZero;
import io.inferscale.api.ScalingBehavior;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.simulation.ModelContext;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.backend.kubernetes.KubernetesTranslator;
import io.inferscale.simulator.Simulation;
import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.trace.LoadTrace;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The KEDA model: 0 <-> 1 by KEDA's polling loop and cooldown, the HPA above 1, requests lost at zero. */
class KedaAutoscalerModelTest {

    /** A KEDA endpoint on 10 rps per replica, 0..5 replicas, idle 300 s before zero. */
    static InferenceEndpoint keda(int idleSeconds) {
        InferenceEndpoint e = HpaFidelityTest.endpoint(0, 5, TargetType.REQUESTS_PER_SECOND, 10);
        return e.toBuilder().autoscaling(e.autoscaling().toBuilder().scaleToZero(new ScaleToZero(idleSeconds)).build())
                .option(KubernetesTranslator.BACKEND_ID, KubernetesTranslator.AUTOSCALER_OPTION, KubernetesTranslator.AUTOSCALER_KEDA).build();
    }

    /** 20 rps for an hour, an idle night of 2 h, then 20 rps again from 10 810 s (10 s after a poll) to 12 600 s. */
    static final LoadTrace IDLE_NIGHT = LoadTrace.of(new double[] {0, 3600, 10_810, 12_600}, new double[] {20, 0, 20, 20});

    static SimulationResult run(InferenceEndpoint e, LoadTrace trace, ModelSettings settings) {
        return Simulation.of(e).trace(trace).profile(ReplicaProfile.builder(100).startup(Duration.ofSeconds(60)).build())
                .step(Duration.ofSeconds(5)).settings(settings).run(new KubernetesAutoscalerModelProvider());
    }

    @Test
    @DisplayName("an idle night: 1 -> 0 at the first poll after lastActiveTime + cooldownPeriod, back on the first poll that sees "
            + "traffic, the requests until the pod is ready are lost")
    void idleNight() {
        SimulationResult r = run(keda(300), IDLE_NIGHT, ModelSettings.empty());
        assertThat(new KubernetesAutoscalerModelProvider().create(new ModelContext(keda(300), ModelSettings.empty())))
                .isInstanceOf(KedaAutoscalerModel.class);
        // 20 rps on a 10 rps/replica target: the HPA KEDA created holds 2 replicas during the day
        assertThat(r.desiredReplicas(3000 / 5)).isEqualTo(2);
        // polls every 30 s from 0: the last active one at 3570 s; 3570 + 300 = 3870 is not before the poll at 3870
        // (LastActiveTime.Add(cooldownPeriod).Before(now)), so the Deployment goes to 0 at the poll at 3900 s
        assertThat(r.desiredReplicas(3895 / 5)).isPositive();
        assertThat(r.desiredReplicas(3900 / 5)).isZero();
        assertThat(r.firstDesiredChangeAfter(3895).getAsDouble()).isEqualTo(3900);
        // traffic returns at 10 810 s; the next poll (10 830 s, 20 s later) sees it: max(minReplicaCount, 1) = 1
        assertThat(r.desiredReplicas(10_825 / 5)).isZero();
        assertThat(r.desiredReplicas(10_830 / 5)).isEqualTo(1);
        assertThat(r.readyReplicas(10_885 / 5)).isZero();
        assertThat(r.readyReplicas(10_890 / 5)).isEqualTo(1);
        // lost: 20 rps from 10 810 s until the pod is ready at 10 830 + 60 = 10 890 s, nothing else (100 rps per replica)
        assertThat(r.summary().requestsOverCapacity()).isCloseTo(20 * 80, within(1e-6));
        assertThat(r.summary().requestsLostAtZero()).isCloseTo(20 * 80, within(1e-6));
        // at zero from 3900 s to 10 830 s
        assertThat(r.summary().zeroReplicaSeconds()).isCloseTo(10_830 - 3900, within(1e-6));
        // above 1 the HPA scales again: 2 replicas once the first one serves 20 rps
        assertThat(r.desiredReplicas(12_000 / 5)).isEqualTo(2);
    }

    @Test
    @DisplayName("traffic returning just after a poll waits up to one polling interval plus the startup")
    void coldStartIsAtMostOnePollPlusStartup() {
        // traffic from 10 801 s: the poll at 10 800 s misses it, the one at 10 830 s sees it
        LoadTrace late = LoadTrace.of(new double[] {0, 3600, 10_801, 12_600}, new double[] {20, 0, 20, 20});
        SimulationResult r = run(keda(300), late, ModelSettings.empty());
        double lostSeconds = r.summary().requestsLostAtZero() / 20;
        assertThat(lostSeconds).isCloseTo(29 + 60, within(1e-6)).isLessThanOrEqualTo(30 + 60);
    }

    @Test
    @DisplayName("pollingInterval and activationThreshold come from the model settings through the rendered ScaledObject")
    void pollingIntervalAndActivationFromSettings() {
        ModelSettings s = ModelSettings.of(Map.of("kubernetes.keda.pollingIntervalSeconds", "10", "kubernetes.keda.activationThreshold", "25"));
        KedaAutoscalerModel m = (KedaAutoscalerModel) new KubernetesAutoscalerModelProvider().create(new ModelContext(keda(300), s));
        assertThat(m.pollingMillis()).isEqualTo(10_000);
        assertThat(m.activationThresholds()).containsExactly(25.0);
        // 20 rps is not above the activation threshold 25: the endpoint goes to zero after the cooldown and stays there
        SimulationResult r = run(keda(300), LoadTrace.of(new double[] {0, 3600}, new double[] {20, 20}), s);
        assertThat(r.desiredReplicas(3590 / 5)).isZero();
        assertThat(r.summary().requestsLostAtZero()).isGreaterThan(0);
    }

    @Test
    @DisplayName("the assumptions list KEDA's constants with their source file and revision, then the HPA's")
    void assumptionsCiteKeda() {
        KedaAutoscalerModel m = (KedaAutoscalerModel) new KubernetesAutoscalerModelProvider().create(new ModelContext(keda(600), ModelSettings.empty()));
        List<Assumption> a = m.assumptions();
        assertThat(a).anySatisfy(x -> {
            assertThat(x.subject()).isEqualTo("KEDA pollingInterval");
            assertThat(x.value()).startsWith("30s");
            assertThat(x.source()).contains("withtriggers_types.go", "v2.20.2");
        });
        assertThat(a).anySatisfy(x -> {
            assertThat(x.subject()).isEqualTo("KEDA cooldownPeriod");
            assertThat(x.value()).startsWith("600s");
            assertThat(x.source()).contains("scale_executor.go", "v2.20.2");
        });
        assertThat(a).anySatisfy(x -> assertThat(x.subject()).isEqualTo("HPA sync period"));
    }

    @Test
    @DisplayName("a keda endpoint without scale to zero runs exactly as the HPA model of the same endpoint")
    void withoutScaleToZeroLikeHpa() {
        assertSameAsHpa(HpaFidelityTest.endpoint(1, 10, TargetType.REQUESTS_PER_SECOND, 10));
    }

    @Test
    @DisplayName("the ScaledObject's advanced.horizontalPodAutoscalerConfig.behavior reaches the HPA model: same run as the HPA with that behavior")
    void behaviorFromTheScaledObject() {
        InferenceEndpoint e = HpaFidelityTest.endpoint(1, 10, TargetType.REQUESTS_PER_SECOND, 10);
        InferenceEndpoint withBehavior = e.toBuilder().autoscaling(e.autoscaling().toBuilder()
                .behavior(ScalingBehavior.of(ScalingRules.stabilization(60), ScalingRules.stabilization(120))).build()).build();
        SimulationResult b = assertSameAsHpa(withBehavior);
        // the 120 s scale-down window, not the 300 s default: 2 -> 1 within 120 s + one sync of the drop at 3600 s
        assertThat(b.firstDesiredChangeAfter(3600).getAsDouble()).isLessThanOrEqualTo(3600 + 120 + 15);
    }

    private static SimulationResult assertSameAsHpa(InferenceEndpoint hpa) {
        InferenceEndpoint keda = hpa.toBuilder()
                .option(KubernetesTranslator.BACKEND_ID, KubernetesTranslator.AUTOSCALER_OPTION, KubernetesTranslator.AUTOSCALER_KEDA).build();
        // KEDA's HPA reads the prometheus trigger as an External AverageValue metric: compare with the HPA rendered the same way
        ModelSettings external = ModelSettings.of(Map.of("kubernetes.requestsPerSecondMetricType", "External"));
        SimulationResult a = run(hpa, IDLE_NIGHT, external);
        SimulationResult b = run(keda, IDLE_NIGHT, ModelSettings.empty());
        assertThat(b.summary().zeroReplicaSeconds()).isZero();
        assertThat(b.summary().requestsLostAtZero()).isZero();
        for (int i = 0; i < a.tickCount(); i++) {
            assertThat(b.desiredReplicas(i)).as("desired replicas at %s s", a.timeSeconds(i)).isEqualTo(a.desiredReplicas(i));
        }
        assertThat(b.summary().replicaHours()).isEqualTo(a.summary().replicaHours());
        return b;
    }

    @Test
    @DisplayName("the rendered ScaledObject is what the model reads")
    void readsTheScaledObject() {
        GenericKubernetesResource so = new KubernetesTranslator().translate(keda(450)).scaledObject();
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) so.getAdditionalProperties().get("spec");
        KedaAutoscalerModel m = new KedaAutoscalerModel(keda(450), so, HpaSettings.defaults());
        assertThat(spec).containsEntry("cooldownPeriod", 450).containsEntry("minReplicaCount", 0).doesNotContainKey("pollingInterval");
        assertThat(m.cooldownMillis()).isEqualTo(450_000);
        assertThat(m.pollingMillis()).isEqualTo(30_000);
        assertThat(m.hpa().simulatedMetrics()).containsExactly("EXTERNAL_AVERAGE_VALUE 10000");
    }
}
