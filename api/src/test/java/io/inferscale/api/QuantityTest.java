package io.inferscale.api;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.List;

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

    /**
     * The valid table of {@code TestQuantityParse} in kubernetes/apimachinery
     * {@code pkg/api/resource/quantity_test.go}, with exact values (the rows that Kubernetes rounds or caps
     * are in {@link #upstreamDeviations}). Like upstream, each row is also parsed with a leading {@code -}
     * and {@code +}.
     */
    @ParameterizedTest(name = "upstream TestQuantityParse: {0} = {1}")
    @CsvSource({
            "0, 0", "0n, 0", "0u, 0", "0m, 0", "0Ki, 0", "0k, 0", "0Mi, 0", "0M, 0", "0Gi, 0", "0G, 0", "0Ti, 0", "0T, 0",
            "1, 1",
            "1Ki, 1024", "8Ki, 8192", "7Mi, 7340032", "6Gi, 6442450944", "5Ti, 5497558138880", "4Pi, 4503599627370496",
            "3Ei, 3458764513820540928", "10Ti, 10995116277760", "100Ti, 109951162777600",
            "5n, 0.000000005", "4u, 0.000004", "3m, 0.003", "9, 9", "8k, 8000", "50k, 50000", "7M, 7000000", "6G, 6000000000",
            "5T, 5000000000000", "40T, 40000000000000", "300T, 300000000000000", "2P, 2000000000000000", "1E, 1000000000000000000",
            "1E-3, 0.001", "1e3, 1000", "1E6, 1000000", "1e9, 1000000000", "1E12, 1000000000000", "1e15, 1000000000000000",
            "1E18, 1000000000000000000", "1e14, 100000000000000", "1e13, 10000000000000", "100.035k, 100035",
            "0.001, 0.001", "0.0005k, 0.5", "0.005, 0.005", "0.05, 0.05", "0.5, 0.5", "0.00050k, 0.5", "0.00500, 0.005",
            "0.05000, 0.05", "0.50000, 0.5", "0.5e0, 0.5", "0.5e-1, 0.05", "0.5e-2, 0.005", "10.035M, 10035000",
            "1.2e3, 1200", "1.3E+6, 1300000", "1.40e9, 1400000000", "1.53E12, 1530000000000", "1.6e15, 1600000000000000",
            "1.7E18, 1700000000000000000",
            "9.01, 9.01", "8.1k, 8100", "7.123456M, 7123456", "6.987654321G, 6987654321", "5.444T, 5444000000000",
            "40.1T, 40100000000000", "300.2T, 300200000000000", "2.5P, 2500000000000000", "1.01E, 1010000000000000000",
            "12E, 12000000000000000000",
            "100.035Ki, 102435.84", "0.5Mi, 524288", "0.05Gi, 53687091.2", "0.025Ti, 27487790694.4",
            ".001, 0.001", ".0001k, 0.1", "1., 1", "1.G, 1000000000",
    })
    void upstreamTestQuantityParse(String text, String value) {
        BigDecimal expected = new BigDecimal(value);
        assertThat(Quantity.parse(text).value()).isEqualByComparingTo(expected);
        assertThat(Quantity.parse("-" + text).value()).isEqualByComparingTo(expected.negate());
        assertThat(Quantity.parse("+" + text).value()).isEqualByComparingTo(expected);
    }

    /** The invalid list of upstream {@code TestQuantityParse}, plus the empty string it checks first. */
    @ParameterizedTest(name = "upstream TestQuantityParse invalid: ''{0}''")
    @ValueSource(strings = {"", "1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-", " 1", "1 "})
    void upstreamTestQuantityParseInvalid(String text) {
        assertThatThrownBy(() -> Quantity.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'" + text + "' is not a quantity");
    }

    /** Upstream {@code TestParseQuantityString}: the number, fraction and suffix split. */
    @ParameterizedTest(name = "upstream TestParseQuantityString: {0} = {1}")
    @CsvSource({"0.025Ti, 27487790694.4", "1.025Ti, 1126999418470.4", "-1.025Ti, -1126999418470.4", "1E-3, 0.001"})
    void upstreamTestParseQuantityString(String text, String value) {
        assertThat(Quantity.parse(text).value()).isEqualByComparingTo(new BigDecimal(value));
    }

    @Test
    @DisplayName("where Kubernetes rounds, caps or accepts a bare sign, InferScale keeps the exact value or rejects (documented on Quantity)")
    void upstreamDeviations() {
        // upstream rounds finer than 1n up: 3.001n -> 4n, 0.9n -> 1n, 0.000000000001Ki -> 2n
        assertThat(Quantity.parse("3.001n").value()).isEqualByComparingTo("0.000000003001");
        assertThat(Quantity.parse("0.9n").value()).isEqualByComparingTo("0.0000000009");
        assertThat(Quantity.parse("0.000000000001Ki").value()).isEqualByComparingTo("0.000000001024");
        // upstream caps binary suffixes at 2^63-1: 9Ei and 9223372036854775807Ki
        assertThat(Quantity.parse("9Ei").value()).isEqualByComparingTo(new BigDecimal(java.math.BigInteger.valueOf(9).shiftLeft(60)));
        assertThat(Quantity.parse("9223372036854775807Ki").value())
                .isEqualByComparingTo(new BigDecimal(java.math.BigInteger.valueOf(Long.MAX_VALUE).shiftLeft(10)));
        // upstream parses ".", "-." and a bare sign as zero (TestParseQuantityString)
        for (String zeroToUpstream : List.of(".", "-.", "+", "-")) {
            assertThatThrownBy(() -> Quantity.parse(zeroToUpstream)).hasMessageStartingWith("'" + zeroToUpstream + "' is not a quantity");
        }
        // exponents beyond 18 and texts beyond MAX_LENGTH are InferScale's own limits
        assertThatThrownBy(() -> Quantity.parse("1e19")).hasMessageStartingWith("'1e19' is not a quantity: unknown unit 'e19'");
        assertThat(Quantity.parse("10E").value()).isEqualByComparingTo("1e19");
        String longText = "1" + "0".repeat(Quantity.MAX_LENGTH);
        assertThatThrownBy(() -> Quantity.parse(longText))
                .hasMessage("'" + longText.substring(0, 20) + "...' is not a quantity: it is 65 characters long; the limit is 64");
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
