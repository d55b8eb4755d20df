package io.inferscale.simulator;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.DiscoveryException;
import io.inferscale.api.simulation.AutoscalerModels;
import io.inferscale.api.simulation.DelegatingAutoscalerModelProvider;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.simulator.trace.LoadTrace;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DelegatingAutoscalerModelProviderTest {

    final AutoscalerModels found = AutoscalerModels.of(new StubModelProvider("kubernetes", 5), new StubModelProvider("vertex", 20));
    final DelegatingAutoscalerModelProvider inMemory = new DelegatingAutoscalerModelProvider("in-memory", "kubernetes", () -> found);
    final Simulation sim = Simulation.of(SimulationFixtures.endpoint("1", "1")).trace(LoadTrace.constant(40, Duration.ofMinutes(2)))
            .profile(ReplicaProfile.builder(100).startup(Duration.ZERO).build());

    @Test
    void usesTheDefaultDelegateAndReportsItsOwnId() {
        SimulationResult r = sim.run(inMemory);
        assertThat(r.backendId()).isEqualTo("in-memory");
        assertThat(r.desiredReplicas(1)).isEqualTo(8);
        assertThat(inMemory.defaultStartup()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void settingChoosesAnotherDelegate() {
        SimulationResult r = sim.settings(ModelSettings.of(Map.of("in-memory.model", "vertex"))).run(inMemory);
        assertThat(r.desiredReplicas(1)).isEqualTo(2);
    }

    @Test
    void missingOrSelfDelegateIsClear() {
        assertThatThrownBy(() -> sim.settings(ModelSettings.of(Map.of("in-memory.model", "sagemaker"))).run(inMemory))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("add the dependency io.inferscale:inferscale-backend-sagemaker");
        assertThatThrownBy(() -> sim.settings(ModelSettings.of(Map.of("in-memory.model", "in-memory"))).run(inMemory))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("names 'in-memory' itself");
    }
}
