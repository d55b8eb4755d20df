package io.inferscale.backend.kubernetes.simulation;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ScalingBehavior;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.TargetType;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.simulator.SimulationResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulation runs the endpoint as the backend does: with its {@code spec.backends.kubernetes} overrides applied. */
class HpaBackendOverridesTest {

    @Test
    @DisplayName("a spec.backends.kubernetes.behavior override is simulated as if it were spec.autoscaling.behavior; another backend's is not")
    void behaviourOverrideIsSimulated() {
        InferenceEndpoint plain = HpaFidelityTest.endpoint(1, 10, TargetType.REQUESTS_PER_SECOND, 10);
        ScalingBehavior quickDown = ScalingBehavior.of(null, ScalingRules.of(0, java.util.List.of(), null));
        InferenceEndpoint inSpec = plain.toBuilder().autoscaling(plain.autoscaling().toBuilder().behavior(quickDown).build()).build();
        Map<String, Object> override = Map.of("scaleDown", Map.of("stabilizationWindowSeconds", 0));
        InferenceEndpoint overridden = plain.toBuilder().option("kubernetes", "behavior", override).build();
        InferenceEndpoint otherBackend = plain.toBuilder().option("sagemaker", "behavior", override).build();

        SimulationResult asPlain = HpaFidelityTest.run(plain, HpaFidelityTest.STEP, ModelSettings.empty());
        SimulationResult asInSpec = HpaFidelityTest.run(inSpec, HpaFidelityTest.STEP, ModelSettings.empty());
        SimulationResult asOverridden = HpaFidelityTest.run(overridden, HpaFidelityTest.STEP, ModelSettings.empty());
        SimulationResult asOther = HpaFidelityTest.run(otherBackend, HpaFidelityTest.STEP, ModelSettings.empty());

        // the 0 s scale-down window changes the run (scales in at once after the fall, not 300 s later)
        assertThat(asInSpec.summary()).isNotEqualTo(asPlain.summary());
        assertThat(asOverridden.summary()).isEqualTo(asInSpec.summary());
        assertThat(asOther.summary()).isEqualTo(asPlain.summary());
        // the same from a document read back (as tune's re-simulation reads its file)
        InferenceEndpoint reRead = EndpointCodec.read(EndpointCodec.toYaml(overridden), "overridden.yaml").endpoint();
        assertThat(HpaFidelityTest.run(reRead, HpaFidelityTest.STEP, ModelSettings.empty()).summary()).isEqualTo(asInSpec.summary());
    }
}
