package io.inferscale.simulator;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.DiscoveryException;
import io.inferscale.api.simulation.AutoscalerModels;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.simulator.trace.LoadTrace;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AutoscalerModelsTest {

    @Test
    void noProviderOnClassPathNamesArtifacts() {
        assertThatThrownBy(() -> AutoscalerModels.discover().model("sagemaker"))
                .isInstanceOf(DiscoveryException.class)
                .hasMessageStartingWith("No InferScale autoscaler model found on the class path.")
                .hasMessageContaining("io.inferscale:inferscale-backend-sagemaker (sagemaker)");
    }

    @Test
    void unknownIdNamesFoundIdsAndArtifact() {
        AutoscalerModels s = AutoscalerModels.of(new StubModelProvider("kubernetes", 1), new StubModelProvider("vertex", 1));
        assertThat(s.ids()).containsExactly("kubernetes", "vertex");
        assertThatThrownBy(() -> s.model("sagemaker"))
                .hasMessage("No autoscaler model for backend 'sagemaker'. Found: kubernetes, vertex. To simulate 'sagemaker', "
                        + "add the dependency io.inferscale:inferscale-backend-sagemaker.");
        assertThatThrownBy(() -> s.model("kubernets"))
                .hasMessageStartingWith("No autoscaler model for backend 'kubernets'; did you mean 'kubernetes'? Found: kubernetes, vertex.");
    }

    @Test
    void duplicateIdsFail() {
        assertThatThrownBy(() -> AutoscalerModels.of(new StubModelProvider("vertex", 1), new StubModelProvider("vertex", 2)))
                .isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("claims the same backend id: 'vertex' by " + StubModelProvider.class.getName());
    }

    @Test
    void settingsAreRoutedByPrefixAndUnknownKeysRejected() {
        Simulation sim = Simulation.of(SimulationFixtures.endpoint("1", "1")).trace(LoadTrace.constant(10, Duration.ofMinutes(2)))
                .profile(ReplicaProfile.of(10));
        SimulationResult r = sim.settings(ModelSettings.of(Map.of("a.period", "60s", "b.period", "1m")))
                .compareProviders(List.of(new StubModelProvider("a", 1), new StubModelProvider("b", 1))).get(0);
        assertThat(r.backendId()).isEqualTo("a");
        assertThatThrownBy(() -> sim.settings(ModelSettings.of(Map.of("a.perod", "60s"))).run(new StubModelProvider("a", 1)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("unknown model setting 'a.perod' for a; did you mean 'a.period'? Known settings for a: a.period, a.startup.");
        assertThatThrownBy(() -> sim.settings(ModelSettings.of(Map.of("zzz", "1"))).run(new StubModelProvider("a", 1)))
                .hasMessage("unknown model setting 'zzz' for a. Known settings for a: a.period, a.startup.");
        assertThatThrownBy(() -> ModelSettings.of(Map.of("x", "soon")).getDuration("x", Duration.ZERO))
                .hasMessage("model setting x was 'soon' but it must be a duration such as 15s, 5m, 1h or 250ms");
        assertThat(ModelSettings.parseDuration("5m", "d")).isEqualTo(Duration.ofMinutes(5));
        assertThat(ModelSettings.parseDuration("PT10S", "d")).isEqualTo(Duration.ofSeconds(10));
        assertThat(ModelSettings.parseDuration("250ms", "d")).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void durationsAreParsedByOneParserAndNeverNegative() {
        assertThat(ModelSettings.parseDuration("90", "d")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ModelSettings.parseDuration("1.5", "d")).isEqualTo(Duration.ofMillis(1500));
        assertThat(ModelSettings.parseDuration(" 6m ", "d")).isEqualTo(Duration.ofMinutes(6));
        assertThat(ModelSettings.parseDuration("1d", "d")).isEqualTo(Duration.ofDays(1));
        assertThat(ModelSettings.parseDuration("0", "d")).isEqualTo(Duration.ZERO);
        for (String bad : List.of("-1", "-5s", "-250ms", "PT-1M", "1e400s", "NaN", "Infinity", "5 min", "", "m")) {
            assertThatThrownBy(() -> ModelSettings.parseDuration(bad, "--startup"))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage("--startup was '" + bad + "' but it must be a duration such as 15s, 5m, 1h or 250ms");
        }
    }
}
