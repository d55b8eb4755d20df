package io.inferscale.api.simulation;

import io.inferscale.api.ConfigurationException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading a catalogue, resolving overrides, and the settings' key prefixes and origins. */
class PriceCatalogueTest {

    private static PriceCatalogue read(String csv) throws IOException {
        return PriceCatalogue.read("cloud", "test.csv", new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
    }

    private static final String CSV = """
            # comment
            region,item,usd_per_hour,basis,source,date
            r-1,small,0.1,published,"cloud.example/pricing, table \"\"small\"\"",2026-12-03
            r-1,big,0.4,assumption,4 x small,2026-12-03
            r-2,small,0.12,assumption,r-1 x 1.2,2026-12-03
            """;

    @Test
    @DisplayName("rows by region and item; the first region is the default; quoted cells keep commas and quotes")
    void reads() throws IOException {
        PriceCatalogue c = read(CSV);
        assertThat(c.defaultRegion()).isEqualTo("r-1");
        assertThat(c.regions()).containsExactly("r-1", "r-2");
        assertThat(c.find("r-1", "small").orElseThrow())
                .isEqualTo(new PriceCatalogue.Entry("r-1", "small", 0.1, false, "cloud.example/pricing, table \"small\"", "2026-12-03"));
        assertThat(c.price(ModelSettings.empty(), "r-1", "small").orElseThrow().source())
                .isEqualTo("catalogue: cloud.example/pricing, table \"small\", r-1, 2026-12-03");
        assertThat(c.price(ModelSettings.empty(), "r-2", "small").orElseThrow().source())
                .isEqualTo("assumption; override with --setting cloud.price.small=USD or --prices FILE. Catalogue test.csv, r-2, 2026-12-03: r-1 x 1.2");
        assertThat(c.price(ModelSettings.empty(), "r-2", "big")).isEmpty();
    }

    @Test
    @DisplayName("malformed rows fail naming their line")
    void malformed() {
        assertThatThrownBy(() -> read("region,item\n")).hasMessage("test.csv line 1: expected the header " + PriceCatalogue.HEADER);
        assertThatThrownBy(() -> read(PriceCatalogue.HEADER + "\nr,a,x,published,s,2026-12-03\n"))
                .hasMessage("test.csv line 2: usd_per_hour 'x' is not a number");
        assertThatThrownBy(() -> read(PriceCatalogue.HEADER + "\nr,a,1,guessed,s,2026-12-03\n"))
                .hasMessageStartingWith("test.csv line 2: needs a region");
        assertThatThrownBy(() -> read(PriceCatalogue.HEADER + "\nr,a,1,published,s,2026-12-03\nr,a,2,published,s,2026-12-03\n"))
                .hasMessage("test.csv line 3: r a is listed twice");
    }

    @Test
    @DisplayName("a bad price setting names its key and origin")
    void badSetting() throws IOException {
        PriceCatalogue c = read(CSV);
        ModelSettings s = ModelSettings.of(Map.of("cloud.price.small", "free"), Map.of("cloud.price.small", "--prices p.yaml line 2"));
        assertThatThrownBy(() -> c.price(s, "r-1", "big")).isInstanceOf(ConfigurationException.class)
                .hasMessage("model setting cloud.price.small was 'free' (--prices p.yaml line 2) but it must be a price in US dollars per hour, 0 or more");
    }

    @Test
    @DisplayName("key prefixes admit a family of keys; select keeps origins")
    void prefixesAndOrigins() {
        ModelSettings s = ModelSettings.of(Map.of("cloud.price.small", "1", "cloud.tolerance", "0.1", "other.x", "2"),
                Map.of("cloud.price.small", "--prices p.yaml line 2"));
        ModelSettings own = s.select(k -> k.startsWith("cloud."));
        assertThat(own.asMap()).containsOnlyKeys("cloud.price.small", "cloud.tolerance");
        assertThat(own.origin("cloud.price.small")).contains("--prices p.yaml line 2");
        own.requireKnownKeys("cloud", Set.of("cloud.tolerance"), Set.of("cloud.price."));
        assertThatThrownBy(() -> own.requireKnownKeys("cloud", Set.of("cloud.tolerance"))).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("unknown model setting 'cloud.price.small' for cloud");
    }

    @Test
    @DisplayName("combine adds quantity x part price and marks the whole an assumption when a part is")
    void combine() {
        ReplicaPrice a = new ReplicaPrice("m", 1, "catalogue: page, r, 2026-12-03");
        ReplicaPrice b = new ReplicaPrice("gpu", 0.5, "assumption; x");
        Map<ReplicaPrice, Double> parts = new java.util.LinkedHashMap<>();
        parts.put(a, 1.0);
        parts.put(b, 2.0);
        assertThat(PriceCatalogue.combine("m + 2 x gpu", parts)).isEqualTo(new ReplicaPrice("m + 2 x gpu", 2,
                "assumption (a part is assumed): 1 x m at $1/h from catalogue: page, r, 2026-12-03; 2 x gpu at $0.5/h from assumption; x"));
    }
}
