package io.inferscale.cli;

import io.inferscale.api.backend.Backends;
import io.inferscale.backend.kubernetes.simulation.KubernetesPrices;
import io.inferscale.backend.sagemaker.simulation.SageMakerPrices;
import io.inferscale.backend.vertex.simulation.VertexPrices;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

/** The cost columns of {@code simulate}: machine, price, cost, cost per million requests, and where each price comes from. */
class SimulateCostTest {

    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness().backends(Backends.discover());
    private final String seed = CliHarness.seed();
    private final String spike = CliHarness.resource("traces/spike.csv").toString();

    /** The table's rows by backend, each a map of header to cell (cells hold no spaces in these runs but WORST-CATCH-UP's). */
    private static Map<String, Map<String, String>> rows(String out) {
        List<String> lines = out.lines().toList();
        List<String> headers = Arrays.asList(lines.get(0).trim().split(" {3,}"));
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                break;
            }
            String[] cells = line.trim().split(" {3,}");
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < headers.size() && i < cells.length; i++) {
                row.put(headers.get(i), cells[i]);
            }
            rows.put(cells[0], row);
        }
        return rows;
    }

    private static double usd(String cell) {
        assertThat(cell).startsWith("$");
        return Double.parseDouble(cell.substring(1));
    }

    @Test
    @DisplayName("each backend's row has the catalogue price of the machine its translator chooses, and cost = replica-hours x price")
    void pricesEachBackendFromItsCatalogue() {
        CliHarness.Result r = cli.run("simulate", "-f", seed, "-b", "kubernetes,sagemaker,vertex", "--trace", spike, "--replica-capacity", "25");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).startsWith("BACKEND      MACHINE");
        Map<String, Map<String, String>> rows = rows(r.out());

        // the seed requests 500m / 1Gi (limits 1 / 2Gi): SageMaker picks from requests, Vertex from the larger of both
        Map<String, String> sm = rows.get("sagemaker");
        assertThat(sm.get("MACHINE")).isEqualTo("ml.c5.large");
        assertThat(usd(sm.get("USD/REPLICA-H"))).isEqualTo(SageMakerPrices.catalogue().find("us-east-1", "ml.c5.large").orElseThrow().usdPerHour());
        Map<String, String> vx = rows.get("vertex");
        assertThat(vx.get("MACHINE")).isEqualTo("n1-standard-2");
        assertThat(usd(vx.get("USD/REPLICA-H"))).isEqualTo(VertexPrices.catalogue().find("us-central1", "n1-standard-2").orElseThrow().usdPerHour());
        Map<String, String> k8s = rows.get("kubernetes");
        assertThat(k8s.get("MACHINE")).isEqualTo("0.5 vCPU, 1 GiB of a node");
        double vcpu = KubernetesPrices.catalogue().find("us-central1", "vcpuHour").orElseThrow().usdPerHour();
        double gib = KubernetesPrices.catalogue().find("us-central1", "gibHour").orElseThrow().usdPerHour();
        assertThat(usd(k8s.get("USD/REPLICA-H"))).isCloseTo(0.5 * vcpu + 1 * gib, within(1e-6));

        for (Map<String, String> row : rows.values()) {
            double hours = Double.parseDouble(row.get("REPLICA-HOURS"));
            assertThat(usd(row.get("COST"))).as(row.get("BACKEND")).isCloseTo(hours * usd(row.get("USD/REPLICA-H")), within(0.006));
            // the spike trace: 20 rps for 2 h plus 180 rps more for 10 minutes = 252,000 requests, less the unserved share
            double servedMillions = 0.252 * (1 - Double.parseDouble(row.get("UNSERVED").replace("%", "")) / 100);
            assertThat(usd(row.get("USD/M-REQ"))).as(row.get("BACKEND"))
                    .isCloseTo(hours * usd(row.get("USD/REPLICA-H")) / servedMillions, withinPercentage(2));
            assertThat(row.get("PRICE")).isEqualTo("assumed");
        }
        assertThat(sm.get("STARTUP")).isEqualTo("5m");
        assertThat(vx.get("STARTUP")).isEqualTo("3m");
        assertThat(k8s.get("STARTUP")).isEqualTo("1m");
    }

    @Test
    @DisplayName("--setting wins over --prices, a region's price over an any-region one, and each price says where it came from")
    void overridesComeFromTheSettingOrTheFile() throws IOException {
        Path prices = dir.resolve("prices.yaml");
        Files.writeString(prices, """
                sagemaker:
                  ml.c5.large: 0.5
                  eu-west-1:
                    ml.c5.large: 0.7
                vertex:
                  n1-standard-2: 0.3
                kubernetes: {vcpuHour: 0.1, gibHour: 0.01}
                """);
        CliHarness.Result r = cli.run("simulate", "-f", seed, "-b", "kubernetes,sagemaker,vertex", "--trace", spike, "--replica-capacity", "25",
                "--prices", prices.toString(), "--setting", "vertex.price.n1-standard-2=0.25", "--setting", "sagemaker.region=eu-west-1");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        Map<String, Map<String, String>> rows = rows(r.out());
        assertThat(rows.get("sagemaker").get("USD/REPLICA-H")).isEqualTo("$0.7");
        assertThat(rows.get("sagemaker").get("PRICE")).isEqualTo("--prices");
        assertThat(rows.get("vertex").get("USD/REPLICA-H")).isEqualTo("$0.25");
        assertThat(rows.get("vertex").get("PRICE")).isEqualTo("--setting");
        assertThat(rows.get("kubernetes").get("USD/REPLICA-H")).isEqualTo("$0.06");
        assertThat(rows.get("kubernetes").get("PRICE")).isEqualTo("--prices");
    }

    @Test
    @DisplayName("a bad price file fails with every problem and its line")
    void aBadPriceFileListsEveryProblem() throws IOException {
        Path prices = dir.resolve("bad.yaml");
        Files.writeString(prices, """
                sagemaker:
                  ml.c5.large: cheap
                  us-east-1:
                    ml.g5.xlarge: -1
                sagemakr:
                  ml.c5.large: 1
                vertex: 3
                """);
        CliHarness.Result r = cli.run("simulate", "-f", seed, "-b", "sagemaker", "--trace", spike, "--replica-capacity", "25",
                "--prices", prices.toString());
        assertThat(r.code()).isEqualTo(ExitCode.INVALID);
        String n = System.lineSeparator();
        assertThat(r.err()).isEqualTo("error: price file " + prices + " is invalid (4 problems):" + n
                + "  line 2: sagemaker.price.ml.c5.large: 'cheap' is not a price; write US dollars per hour as a number of 0 or more, e.g. 1.2" + n
                + "  line 4: sagemaker.price.us-east-1.ml.g5.xlarge: '-1' is not a price; write US dollars per hour as a number of 0 or more, e.g. 1.2" + n
                + "  line 5: 'sagemakr' is not a backend with a model here; use one of in-memory, kubernetes, sagemaker, vertex" + n
                + "  line 7: vertex: expected a mapping of items (or regions) to prices, e.g. vertex: {ITEM: 1.2}" + n);
    }

    @Test
    @DisplayName("a malformed price setting, an unknown Kubernetes unit and an uncatalogued region are rejected by name")
    void badSettingsAreRejectedByName() {
        CliHarness.Result bad = cli.run("simulate", "-f", seed, "-b", "sagemaker", "--trace", spike, "--replica-capacity", "25",
                "--setting", "sagemaker.price.ml.c5.large=abc");
        assertThat(bad.code()).isEqualTo(ExitCode.INVALID);
        assertThat(bad.err()).isEqualTo("error: model setting sagemaker.price.ml.c5.large was 'abc' but it must be a price in US dollars per hour, 0 or more"
                + System.lineSeparator());

        CliHarness.Result unit = cli.run("simulate", "-f", seed, "-b", "kubernetes", "--trace", spike, "--replica-capacity", "25",
                "--setting", "kubernetes.price.vcpuHours=0.1");
        assertThat(unit.code()).isEqualTo(ExitCode.INVALID);
        assertThat(unit.err()).isEqualTo("error: model setting kubernetes.price.vcpuHours names no priced unit; use kubernetes.price.vcpuHour, gibHour or gpuHour"
                + System.lineSeparator());

        CliHarness.Result region = cli.run("simulate", "-f", seed, "-b", "vertex", "--trace", spike, "--replica-capacity", "25",
                "--setting", "vertex.region=mars-north1");
        assertThat(region.code()).isEqualTo(ExitCode.INVALID);
        assertThat(region.err()).isEqualTo("error: model setting vertex.region was 'mars-north1' but the vertex price catalogue has us-central1, "
                + "europe-west4; choose one of them, or price the machine in mars-north1 with --setting vertex.price.mars-north1.ITEM=USD (or --prices FILE)"
                + System.lineSeparator());
    }
}
