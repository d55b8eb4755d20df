package io.inferscale.backend.kubernetes;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ScalingBehavior;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.api.simulation.TuningKnob;
import io.inferscale.backend.kubernetes.simulation.KubernetesAutoscalerModelProvider;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KubernetesTuningKnobsTest {

    private static InferenceEndpoint seed() throws Exception {
        return KubernetesTranslatorTest.endpoint("inference_endpoint.yaml");
    }

    private static TuningKnob knob(List<TuningKnob> knobs, String name) {
        return knobs.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("tune searches min, max, each target and both HPA stabilization windows")
    void knobNames() throws Exception {
        assertThat(new KubernetesAutoscalerModelProvider().tuningKnobs(seed(), ReplicaProfile.of(40))).extracting(TuningKnob::name)
                .containsExactly("minReplicas", "maxReplicas", "targetCPUUtilizationPercentage",
                        "behavior.scaleUp.stabilizationWindowSeconds", "behavior.scaleDown.stabilizationWindowSeconds");
    }

    @Test
    @DisplayName("the window knob sets the rendered HPA's behavior and keeps the direction's other rules")
    void windowKnobReachesTheHpa() throws Exception {
        List<TuningKnob> knobs = new KubernetesAutoscalerModelProvider().tuningKnobs(seed(), ReplicaProfile.of(40));
        InferenceEndpoint tuned = knob(knobs, "behavior.scaleDown.stabilizationWindowSeconds").apply(seed(), BigDecimal.valueOf(120));
        assertThat(new KubernetesTranslator().translate(tuned).hpa().getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds())
                .isEqualTo(120);
        assertThat(new KubernetesTranslator().translate(tuned).hpa().getSpec().getBehavior().getScaleUp()).isNull();
    }

    @Test
    @DisplayName("a disabled direction gets no window knob")
    void disabledDirectionIsLeftAlone() throws Exception {
        InferenceEndpoint noScaleDown = seed().toBuilder().autoscaling(seed().autoscaling().toBuilder()
                .behavior(ScalingBehavior.of(null, ScalingRules.disabled())).build()).build();
        assertThat(new KubernetesAutoscalerModelProvider().tuningKnobs(noScaleDown, ReplicaProfile.of(40))).extracting(TuningKnob::name)
                .doesNotContain("behavior.scaleDown.stabilizationWindowSeconds").contains("behavior.scaleUp.stabilizationWindowSeconds");
    }
}
