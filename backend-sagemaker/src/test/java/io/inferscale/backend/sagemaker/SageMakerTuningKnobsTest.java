package io.inferscale.backend.sagemaker;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.api.simulation.TuningKnob;
import io.inferscale.backend.sagemaker.simulation.SageMakerAutoscalerModelProvider;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static io.inferscale.backend.sagemaker.SageMakerTestSupport.ROLE;
import static io.inferscale.backend.sagemaker.SageMakerTestSupport.seed;
import static org.assertj.core.api.Assertions.assertThat;

class SageMakerTuningKnobsTest {

    private final List<TuningKnob> knobs = new SageMakerAutoscalerModelProvider().tuningKnobs(seed(), ReplicaProfile.of(40));

    private TuningKnob knob(String name) {
        return knobs.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("tune searches min, max, each target and the two cooldowns, and nothing else")
    void knobNames() {
        assertThat(knobs).extracting(TuningKnob::name).containsExactly("minReplicas", "maxReplicas", "targetCPUUtilizationPercentage",
                "sagemaker.scaleOutCooldownSeconds", "sagemaker.scaleInCooldownSeconds");
    }

    @Test
    @DisplayName("the cooldown knobs set what the translator renders as ScaleOutCooldown and ScaleInCooldown")
    void cooldownKnobsReachTheRenderedPolicy() {
        InferenceEndpoint tuned = knob("sagemaker.scaleInCooldownSeconds").apply(seed(), BigDecimal.valueOf(900));
        tuned = knob("sagemaker.scaleOutCooldownSeconds").apply(tuned, BigDecimal.valueOf(120));
        var c = new SageMakerTranslator().translate(tuned, ROLE).desired().scalingPolicies().get(0).targetTrackingScalingPolicyConfiguration();
        assertThat(c.scaleInCooldown()).isEqualTo(900);
        assertThat(c.scaleOutCooldown()).isEqualTo(120);
        assertThat(knob("sagemaker.scaleInCooldownSeconds").read(tuned)).contains(BigDecimal.valueOf(900));
        assertThat(knob("sagemaker.scaleInCooldownSeconds").read(seed())).isEmpty();
    }
}
