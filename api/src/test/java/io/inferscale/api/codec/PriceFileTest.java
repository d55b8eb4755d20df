package io.inferscale.api.codec;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.simulation.ModelSettings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Price files become price settings with their origins, or fail with every problem and its line. */
class PriceFileTest {

    private static final Set<String> IDS = Set.of("sagemaker", "vertex", "kubernetes");

    @Test
    @DisplayName("items and regions become <backend>.price.[<region>.]<item> settings, each from its file line")
    void readsPrices() {
        ModelSettings s = PriceFile.read("""
                # my negotiated prices
                sagemaker:
                  ml.g6.xlarge: 1.2
                  eu-west-1:
                    ml.g5.xlarge: 1.55
                kubernetes: {vcpuHour: 0.04, gibHour: .005}
                """, "p.yaml", IDS);
        assertThat(s.asMap()).isEqualTo(Map.of("sagemaker.price.ml.g6.xlarge", "1.2", "sagemaker.price.eu-west-1.ml.g5.xlarge", "1.55",
                "kubernetes.price.vcpuHour", "0.04", "kubernetes.price.gibHour", ".005"));
        assertThat(s.origin("sagemaker.price.ml.g6.xlarge")).contains("--prices p.yaml line 3");
        assertThat(s.origin("sagemaker.price.eu-west-1.ml.g5.xlarge")).contains("--prices p.yaml line 5");
        assertThat(s.origin("kubernetes.price.gibHour")).contains("--prices p.yaml line 6");
    }

    @Test
    @DisplayName("an empty file sets no price")
    void emptyFile() {
        assertThat(PriceFile.read("# nothing yet\n", "p.yaml", IDS).asMap()).isEmpty();
    }

    @Test
    @DisplayName("every problem is reported at once with its line")
    void everyProblemWithItsLine() {
        assertThatThrownBy(() -> PriceFile.read("""
                sagemaker:
                  ml.g6.xlarge: [1]
                  ml.g5.xlarge: .nan
                kubernetes: 4
                """, "p.yaml", IDS)).isInstanceOf(ConfigurationException.class).hasMessage("""
                price file p.yaml is invalid (3 problems):
                  line 2: sagemaker.price.ml.g6.xlarge: a list or mapping is not a price; write US dollars per hour as a number of 0 or more, e.g. 1.2
                  line 3: sagemaker.price.ml.g5.xlarge: '.nan' is not a price; write US dollars per hour as a number of 0 or more, e.g. 1.2
                  line 4: kubernetes: expected a mapping of items (or regions) to prices, e.g. kubernetes: {ITEM: 1.2}""");
    }

    @Test
    @DisplayName("YAML errors and duplicate keys name their line")
    void yamlErrors() {
        assertThatThrownBy(() -> PriceFile.read("sagemaker:\n  ml.g6.xlarge: 1\n  ml.g6.xlarge: 2\n", "p.yaml", IDS))
                .isInstanceOf(ConfigurationException.class).hasMessage("price file p.yaml is invalid (1 problem):\n"
                        + "  line 3: 'ml.g6.xlarge' is given twice (first at line 2); keep one");
        assertThatThrownBy(() -> PriceFile.read("sagemaker: {ml.g6.xlarge: 1\n", "p.yaml", IDS))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("price file p.yaml: line 2: YAML syntax error:");
        assertThatThrownBy(() -> PriceFile.read("- 1\n", "p.yaml", IDS))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("price file p.yaml is invalid (1 problem):\n  line 1: expected a mapping of backend ids to prices, e.g. sagemaker: {ml.g6.xlarge: 1.2}");
    }
}
