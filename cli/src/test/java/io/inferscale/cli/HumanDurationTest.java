package io.inferscale.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The cases of k8s.io/apimachinery/pkg/util/duration's TestHumanDuration. */
class HumanDurationTest {

    @ParameterizedTest
    @CsvSource({
        "PT1S, 1s", "PT1M10S, 70s", "PT2M, 2m", "PT2M10S, 2m10s", "PT9M59S, 9m59s", "PT10M, 10m", "PT2H59M, 179m",
        "PT3H, 3h", "PT3H10M, 3h10m", "PT8H, 8h", "PT47H, 47h", "PT48H, 2d", "PT49H, 2d1h", "PT191H, 7d23h",
        "PT192H, 8d", "PT17520H, 2y", "PT17544H, 2y1d", "PT70080H, 8y", "PT-1S, 0s", "PT-3S, <invalid>"})
    void formatsLikeKubectl(String duration, String expected) {
        assertThat(HumanDuration.format(Duration.parse(duration))).isEqualTo(expected);
    }
}
