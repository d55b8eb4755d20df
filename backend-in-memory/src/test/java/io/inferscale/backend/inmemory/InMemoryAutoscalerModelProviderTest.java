package io.inferscale.backend.inmemory;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.DiscoveryException;
import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.AutoscalerModelProvider;
import io.inferscale.api.simulation.AutoscalerModels;
import io.inferscale.api.simulation.ModelContext;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.Observation;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The in-memory autoscaler model")
class InMemoryAutoscalerModelProviderTest {

    /** A stand-in model that always wants {@code replicas}. */
    record Fixed(String backendId, int replicas) implements AutoscalerModelProvider {
        @Override
        public String description() {
            return "fixed " + replicas;
        }

        @Override
        public Duration defaultStartup() {
            return Duration.ofSeconds(42);
        }

        @Override
        public Set<String> settingKeys() {
            return Set.of();
        }

        @Override
        public AutoscalerModel create(ModelContext context) {
            return new AutoscalerModel() {
                @Override
                public String backendId() {
                    return backendId;
                }

                @Override
                public long nextDecisionMillis() {
                    return 15_000;
                }

                @Override
                public int decide(Observation observation) {
                    return replicas;
                }
            };
        }
    }

    private final InMemoryAutoscalerModelProvider provider = new InMemoryAutoscalerModelProvider(
            () -> AutoscalerModels.of(new Fixed("kubernetes", 3), new Fixed("sagemaker", 7)));

    @Test
    @DisplayName("is discovered under the in-memory id")
    void discovered() {
        assertThat(AutoscalerModels.discover().ids()).contains("in-memory");
        assertThat(AutoscalerModels.discover().model("in-memory")).isInstanceOf(InMemoryAutoscalerModelProvider.class);
    }

    @Test
    @DisplayName("follows the Kubernetes model by default, reporting itself as in-memory")
    void defaultsToKubernetes() {
        AutoscalerModel m = provider.create(ModelContext.of(InMemoryBackendTest.seed()));
        assertThat(m.backendId()).isEqualTo("in-memory");
        assertThat(m.decide(null)).isEqualTo(3);
        assertThat(provider.defaultStartup()).isEqualTo(Duration.ofSeconds(42));
    }

    @Test
    @DisplayName("follows the model named by in-memory.model")
    void configured() {
        AutoscalerModel m = provider.create(new ModelContext(InMemoryBackendTest.seed(), ModelSettings.of(Map.of("in-memory.model", "sagemaker"))));
        assertThat(m.decide(null)).isEqualTo(7);
    }

    @Test
    @DisplayName("refuses itself and names a missing model's artifact")
    void errors() {
        assertThatThrownBy(() -> provider.create(new ModelContext(InMemoryBackendTest.seed(), ModelSettings.of(Map.of("in-memory.model", "in-memory")))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("names 'in-memory' itself");
        assertThatThrownBy(() -> provider.create(new ModelContext(InMemoryBackendTest.seed(), ModelSettings.of(Map.of("in-memory.model", "vertex")))))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("io.inferscale:inferscale-backend-vertex");
    }
}
