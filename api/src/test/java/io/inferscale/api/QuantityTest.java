package io.inferscale.api;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Quantity parses exactly as Kubernetes writes quantities")
class QuantityTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
            "500m, 0.5",
            "1, 1",
            "0.5, 0.5",
            "1Gi, 1073741824",
            "512Mi, 536870912",
            "2G, 2000000000",
            "1e3, 1000",
            "1E3, 1000",
            "1.5Gi, 1610612736",
            "100Ki, 102400",
            "1k, 1000",
            "1M, 1000000",
            "1Ti, 1099511627776",
            "1Pi, 1125899906842624",
            "1Ei, 1152921504606846976",
            "1T, 1000000000000",
            "1P, 1000000000000000",
            "2E, 2000000000000000000",
            "250n, 0.00000025",
            "3u, 0.000003",
            ".5, 0.5",
            "5., 5",
            "+1, 1",
            "-1, -1",
            "1e-3, 0.001",
            "12e+2, 1200",
    })
    void parses(String text, String value) {
        Quantity q = Quantity.parse(text);
        assertThat(q.value()).isEqualByComparingTo(new BigDecimal(value));
        assertThat(q.text()).isEqualTo(text);
    }

    @ParameterizedTest(name = "''{0}'' is rejected")
    @ValueSource(strings = {"", " 1", "1 ", "abc", "1Gb", "1e", "1.2.3", "--1", "Gi", "1 Gi", "0x10", "1ki", "1e100"})
    void rejects(String text) {
        assertThatThrownBy(() -> Quantity.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "' is not a quantity");
    }

    @Test
    @DisplayName("an unknown unit names the units that exist")
    void unknownUnitMessage() {
        assertThatThrownBy(() -> Quantity.parse("2Gb")).hasMessage("'2Gb' is not a quantity: unknown unit 'Gb'; use m (milli), k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent such as e3");
    }

    @Test
    @DisplayName("millicores and bytes are exact, and inexact conversions fail")
    void exactConversions() {
        assertThat(Quantity.parse("500m").millis()).isEqualTo(500);
        assertThat(Quantity.parse("2").millis()).isEqualTo(2000);
        assertThat(Quantity.parse("1Gi").whole()).isEqualTo(1L << 30);
        assertThatThrownBy(() -> Quantity.parse("0.1m").millis()).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Quantity.parse("0.5").whole()).isInstanceOf(ArithmeticException.class);
    }

    @Test
    @DisplayName("equal values are equal whatever the notation")
    void equality() {
        assertThat(Quantity.parse("1")).isEqualTo(Quantity.parse("1000m")).hasSameHashCodeAs(Quantity.parse("1000m"));
        assertThat(Quantity.parse("1Ki")).isEqualTo(Quantity.parse("1024"));
        assertThat(Quantity.parse("1k")).isNotEqualTo(Quantity.parse("1Ki"));
        assertThat(Quantity.parse("1Gi")).isGreaterThan(Quantity.parse("1G"));
    }

    @Test
    @DisplayName("builds the notation Kubernetes prints")
    void canonicalNotation() {
        assertThat(Quantity.ofMillicores(500).text()).isEqualTo("500m");
        assertThat(Quantity.ofMillicores(2000).text()).isEqualTo("2");
        assertThat(Quantity.ofBytes(1L << 30).text()).isEqualTo("1Gi");
        assertThat(Quantity.ofBytes(512L << 20).text()).isEqualTo("512Mi");
        assertThat(Quantity.ofBytes(1000).text()).isEqualTo("1000");
    }

    @Test
    @DisplayName("the constructor rejects text that does not denote the value")
    void constructorChecks() {
        assertThatThrownBy(() -> new Quantity("1Gi", BigDecimal.ONE)).hasMessageContaining("does not denote");
    }
}
