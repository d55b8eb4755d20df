package io.inferscale.backend.inmemory;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("ManualClock")
class ManualClockTest {

    @Test
    @DisplayName("moves only when advanced, never back")
    void advances() {
        ManualClock clock = ManualClock.atEpochOf2026();
        Instant start = clock.instant();
        assertThat(clock.instant()).isEqualTo(start);
        clock.advance(Duration.ofMinutes(5));
        assertThat(clock.instant()).isEqualTo(start.plus(Duration.ofMinutes(5)));
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("a copy in another zone shares the time, so advancing the original moves it too")
    void withZoneSharesTime() {
        ManualClock clock = ManualClock.atEpochOf2026();
        Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));
        clock.advance(Duration.ofHours(1));
        assertThat(paris.instant()).isEqualTo(clock.instant());
        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        ((ManualClock) paris).advance(Duration.ofHours(1));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T02:00:00Z"));
    }
}
