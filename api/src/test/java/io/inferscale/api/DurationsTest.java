package io.inferscale.api;

import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.simulation.ModelSettings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Durations: one parser for configuration, flags and simulation settings")
class DurationsTest {

    @Test
    @DisplayName("every written form parses to the millisecond")
    void forms() {
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("1.5")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("1.5m")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse(" 2H ")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.parse("PT20M")).isEqualTo(Duration.ofMinutes(20));
        assertThat(Durations.parse("pt10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("-5s")).isEqualTo(Duration.ofSeconds(-5));
    }

    @Test
    @DisplayName("anything else is 'not a duration', naming the text")
    void refused() {
        for (String bad : List.of("soon", "5 min", "m", ".", "NaN", "Infinity", "1e400s", "5x", "PTM")) {
            assertThatThrownBy(() -> Durations.parse(bad)).isInstanceOf(IllegalArgumentException.class).hasMessage("not a duration: " + bad);
        }
        assertThatThrownBy(() -> Durations.parse("  ")).hasMessage("not a duration: empty");
    }

    @Test
    @DisplayName("the configuration and the simulation settings read the same forms (1d and 1.5m in configuration too)")
    void sameEverywhere() {
        for (String text : List.of("250ms", "90s", "1.5m", "2h", "1d", "PT5M", "42")) {
            assertThat(BackendConfig.parseDuration(text)).isEqualTo(ModelSettings.parseDuration(text, "x")).isEqualTo(Durations.parse(text));
        }
    }
}
