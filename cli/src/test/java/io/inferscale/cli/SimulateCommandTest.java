package io.inferscale.cli;

import io.inferscale.api.backend.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SimulateCommandTest {

    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness().backends(Backends.discover());
    private final String seed = CliHarness.seed();
    private final String spike = CliHarness.resource("traces/spike.csv").toString();

    @Test
    void summarisesEachBackend() {
        CliHarness.Result r = cli.run("simulate", "-f", seed, "--backend", "kubernetes", "--trace", spike, "--replica-capacity", "25");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).startsWith("BACKEND      MACHINE                     USD/REPLICA-H   PRICE     REPLICA-HOURS   COST");
        assertThat(r.out().lines().skip(1).findFirst().orElseThrow()).startsWith("kubernetes   ");
    }

    @Test
    void csvHasOneRowPerTickAndBackend() {
        CliHarness.Result r = cli.run("simulate", "-f", seed, "-b", "kubernetes", "--trace", spike, "--replica-capacity", "25",
                "--step", "60", "--startup", "30", "-o", "csv");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).startsWith("time_s,backend,demand_rps,ready_replicas,desired_replicas,utilization_pct");
        // 2 hours at one tick a minute: ticks at 0, 60, ..., 7140 s (the last row only marks the end)
        assertThat(r.out().lines().filter(l -> l.contains(",kubernetes,"))).hasSize(120);
        assertThat(r.out()).contains("\n1800,kubernetes,200,");
    }

    @Test
    void writesTheHtmlReport() throws IOException {
        Path report = dir.resolve("report.html");
        CliHarness.Result r = cli.run("simulate", "-f", seed, "-b", "kubernetes", "--trace", spike, "--replica-capacity", "25",
                "--report", report.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.err()).contains("report: " + report);
        assertThat(Files.readString(report)).contains("data-backend=\"kubernetes\"").contains("<svg");
    }

    @Test
    void aBackendWithoutAModelIsAUsageError() {
        CliHarness.Result r = cli.run("simulate", "-f", seed, "-b", "kubernetez", "--trace", spike, "--replica-capacity", "25");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).startsWith("error: No autoscaler model for backend 'kubernetez'");
    }

    @Test
    void aMalformedTraceIsInvalidInputWithEveryProblem() throws IOException {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "time_s,rps\n0,1\n60,-2\n30,x\n");
        CliHarness.Result r = cli.run("simulate", "-f", seed, "-b", "kubernetes", "--trace", bad.toString(), "--replica-capacity", "25");
        assertThat(r.code()).isEqualTo(ExitCode.INVALID);
        assertThat(r.err()).isEqualTo("error: bad.csv line 3: rps -2.0 must be a finite number, 0 or more\n"
                + "bad.csv line 4: time_s 30 is not after the previous row's 60; rows must be in increasing time order\n"
                + "bad.csv line 4: rps 'x' is not a number" + System.lineSeparator());
    }

    @Test
    void aRequestLogIsCountedPerStep() throws IOException {
        Path log = dir.resolve("requests.csv");
        Files.writeString(log, "TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:15:46.6805900,374,44\r\n"
                + "2023-11-16 18:15:50.9951690,396,109\r\n2023-11-16 18:16:51.2224670,879,55\r\n");
        CliHarness.Result r = cli.run("simulate", "-f", seed, "-b", "kubernetes", "--trace", log.toString(), "--replica-capacity", "1",
                "--step", "60", "-o", "csv");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        // two requests in the first minute, one in the second: 2/60 and 1/60 requests per second
        assertThat(r.out()).contains("\n0,kubernetes,0.033,").contains("\n60,kubernetes,0.017,");
    }

    @Test
    void namedColumnsAndPerMinuteCounts() throws IOException {
        Path counts = dir.resolve("counts.csv");
        Files.writeString(counts, "minute,n\n2026-01-01T00:00Z,600\n2026-01-01T00:01Z,1200\n2026-01-01T00:02Z,0\n");
        CliHarness.Result r = cli.run("simulate", "-f", seed, "-b", "kubernetes", "--trace", counts.toString(), "--replica-capacity", "25",
                "--trace-columns", "time=minute,rate=n", "--trace-unit", "per-minute", "--step", "60", "-o", "csv");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).contains("\n0,kubernetes,10,").contains("\n60,kubernetes,20,");
    }

    @Test
    void badTraceOptionsAreUsageErrors() {
        CliHarness.Result unit = cli.run("simulate", "-f", seed, "-b", "kubernetes", "--trace", spike, "--replica-capacity", "25",
                "--trace-unit", "hourly");
        assertThat(unit.code()).isEqualTo(ExitCode.USAGE);
        assertThat(unit.err()).startsWith("error: --trace-unit: 'hourly' is not a trace unit: use per-second or per-minute");
        CliHarness.Result columns = cli.run("simulate", "-f", seed, "-b", "kubernetes", "--trace", spike, "--replica-capacity", "25",
                "--trace-columns", "when=t");
        assertThat(columns.code()).isEqualTo(ExitCode.USAGE);
        assertThat(columns.err()).startsWith("error: --trace-columns: unknown key 'when': use time, rate, tokens_in, tokens_out");
    }

    @Test
    void jsonCarriesAssumptionsAndEveryTick() {
        CliHarness.Result r = cli.run("simulate", "-f", seed, "-b", "kubernetes", "--trace", spike, "--replica-capacity", "25",
                "--step", "60", "-o", "json");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).startsWith("[\n  {\n    \"backend\": \"kubernetes\",").contains("\"assumptions\": [", "\"subject\": \"startup\"")
                .endsWith("]" + "\n");
        assertThat(r.out().lines().filter(l -> l.contains("\"ready_replicas\""))).hasSize(120);
    }

    @Test
    void aNonPositiveCapacityIsAUsageError() {
        CliHarness.Result r = cli.run("simulate", "-f", seed, "-b", "kubernetes", "--trace", spike, "--replica-capacity", "0");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).startsWith("error: --replica-capacity must be a positive number");
    }

    @Test
    void anUnknownModelSettingIsInvalidInput() {
        CliHarness.Result r = cli.run("simulate", "-f", seed, "-b", "kubernetes", "--trace", spike, "--replica-capacity", "25",
                "--setting", "kubernetes.tolerence=0.2");
        assertThat(r.code()).isEqualTo(ExitCode.INVALID);
        assertThat(r.err()).contains("kubernetes.tolerence");
    }

    private static final String NL = System.lineSeparator();
    private static final String TRY_HELP = NL + "Try 'inferscale simulate --help' for more information." + NL;

    /** The assumptions block of one backend in the table output: its lines after "assumptions: ID", up to a blank line. */
    private static java.util.List<String> assumptionsOf(String out, String backend) {
        java.util.List<String> lines = out.lines().toList();
        int start = lines.indexOf("assumptions: " + backend);
        assertThat(start).as(out).isNotNegative();
        java.util.List<String> block = new java.util.ArrayList<>();
        for (int i = start + 1; i < lines.size() && !lines.get(i).isEmpty(); i++) {
            block.add(lines.get(i));
        }
        return block;
    }

    /** The command failed with {@code code} and printed exactly {@code err}. */
    private static void assertFails(CliHarness.Result r, int code, String err) {
        assertThat(r.code()).as(r.err()).isEqualTo(code);
        assertThat(r.err()).isEqualTo(err);
    }

    private CliHarness.Result simulate(String... extra) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("simulate", "-f", seed, "--trace", spike,
                "--replica-capacity", "25"));
        args.addAll(java.util.List.of(extra));
        return cli.run(args.toArray(String[]::new));
    }

    @Test
    void theTableIsFollowedByEachBackendsAssumptionsWithTheirSources() {
        CliHarness.Result r = simulate("-b", "kubernetes,sagemaker");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        // the summary table is unchanged: its header, one row per backend, then a blank line
        java.util.List<String> lines = r.out().lines().toList();
        assertThat(lines.get(1)).startsWith("kubernetes   ");
        assertThat(lines.get(2)).startsWith("sagemaker    ");
        assertThat(lines.get(3)).isEmpty();
        assertThat(lines.get(4)).isEqualTo("assumptions: kubernetes");
        java.util.List<String> k8s = assumptionsOf(r.out(), "kubernetes");
        assertThat(k8s.get(0)).matches("SUBJECT +VALUE +SOURCE");
        assertThat(k8s.get(1)).matches("startup +1m +.+");
        assertThat(k8s.get(2)).matches("replica capacity +25 rps +the replica profile \\(--replica-capacity\\), no burst to the CPU limit "
                + "\\(--burst-to-cpu-limit to allow it\\)");
        assertThat(assumptionsOf(r.out(), "sagemaker").get(1)).matches("startup +5m +.+");
    }

    @Test
    void csvAndJsonCarryNoAssumptionsBlock() {
        assertThat(simulate("-b", "kubernetes", "-o", "csv").out()).doesNotContain("assumptions:");
        assertThat(simulate("-b", "kubernetes", "-o", "json").out()).doesNotContain("assumptions:");
    }

    @Test
    void theCapacityBurstsOnlyWhenAsked() {
        // the seed asks for 500m CPU with a limit of 1: 200 % of its request
        CliHarness.Result r = simulate("-b", "kubernetes", "--burst-to-cpu-limit");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(assumptionsOf(r.out(), "kubernetes").get(2)).matches("replica capacity +50 rps +the replica profile "
                + "\\(--replica-capacity\\) bursting to the CPU limit \\(--burst-to-cpu-limit\\): 200% of the CPU request");
    }

    @Test
    void anAcceleratorBoundReplicaDoesNotBurst() throws IOException {
        Path gpu = dir.resolve("gpu.yaml");
        Files.writeString(gpu, Files.readString(Path.of(seed)) + "    accelerator:\n      type: nvidia-t4\n      count: 1\n");
        CliHarness.Result r = cli.run("simulate", "-f", gpu.toString(), "-b", "kubernetes", "--trace", spike, "--replica-capacity", "25",
                "--burst-to-cpu-limit");
        assertThat(r.code()).isEqualTo(ExitCode.INVALID);
        assertThat(r.err()).isEqualTo("error: endpoint 'my-model-endpoint' has accelerators (1xnvidia-t4) but the replica profile asks "
                + "to burst to the CPU limit: an accelerator-bound replica serves no more with spare CPU. Remove --burst-to-cpu-limit "
                + "(ReplicaProfile.burstToLimit) and give the GPU-bound capacity with --replica-capacity" + NL);
        CliHarness.Result plain = cli.run("simulate", "-f", gpu.toString(), "-b", "kubernetes", "--trace", spike, "--replica-capacity", "25");
        assertThat(plain.code()).as(plain.err()).isEqualTo(ExitCode.OK);
        assertThat(assumptionsOf(plain.out(), "kubernetes").get(2)).matches("replica capacity +25 rps +.*no burst.*");
    }

    @Test
    void startupForEveryBackendAndPerBackendWithTheirSources() {
        CliHarness.Result r = simulate("-b", "kubernetes,sagemaker,vertex", "--startup", "90s,sagemaker=6m", "--setting", "vertex.startup=4m");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(assumptionsOf(r.out(), "kubernetes").get(1)).matches("startup +1m30s +set for every backend \\(--startup DURATION\\)");
        assertThat(assumptionsOf(r.out(), "sagemaker").get(1))
                .matches("startup +6m +set for sagemaker \\(--startup sagemaker=DURATION or --setting sagemaker.startup=DURATION\\)");
        assertThat(assumptionsOf(r.out(), "vertex").get(1))
                .matches("startup +4m +set for vertex \\(--startup vertex=DURATION or --setting vertex.startup=DURATION\\)");
    }

    @Test
    void startupAcceptsDurationsAndPlainSeconds() {
        for (String[] given : new String[][] {{"90", "1m30s"}, {"250ms", "250ms"}, {"5m", "5m"}, {"kubernetes=45s", "45s"}, {"PT2M", "2m"}}) {
            CliHarness.Result r = simulate("-b", "kubernetes", "--startup", given[0]);
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
            assertThat(assumptionsOf(r.out(), "kubernetes").get(1)).as(given[0]).matches("startup +" + given[1] + " +set for .*");
        }
    }

    @Test
    void badStartupValuesAreUsageErrors() {
        String[][] cases = {
                {"soon", "error: --startup was 'soon' but it must be a duration such as 15s, 5m, 1h or 250ms"},
                {"-5s", "error: --startup was '-5s' but it must be a duration such as 15s, 5m, 1h or 250ms"},
                {"sagemaker=5 min", "error: --startup sagemaker was '5 min' but it must be a duration such as 15s, 5m, 1h or 250ms"},
                {"sagmaker=6m", "error: --startup names backend 'sagmaker', which has no autoscaler model; did you mean 'sagemaker'? "
                        + "Known backends: in-memory, kubernetes, sagemaker, vertex"},
                {"gke=6m", "error: --startup names backend 'gke', which has no autoscaler model. "
                        + "Known backends: in-memory, kubernetes, sagemaker, vertex"},
                {"1m,2m", "error: --startup for every backend was given twice ('1m' and '2m'); give one, and ID=DURATION for a backend of its own"},
                {"vertex=1m,vertex=2m", "error: --startup gives vertex a start-up twice; give it once"},
        };
        for (String[] c : cases) {
            assertFails(simulate("-b", "kubernetes", "--startup", c[0]), ExitCode.USAGE, c[1] + TRY_HELP);
        }
        assertFails(simulate("-b", "sagemaker", "--startup", "sagemaker=6m", "--setting", "sagemaker.startup=5m"), ExitCode.USAGE,
                "error: the start-up of sagemaker was given by both --startup sagemaker=6m and --setting sagemaker.startup=5m; give one"
                        + TRY_HELP);
    }

    @Test
    void aSettingForABackendWithoutAModelIsAUsageError() {
        assertFails(simulate("-b", "sagemaker", "--setting", "sagmaker.startup=6m"), ExitCode.USAGE,
                "error: --setting sagmaker.startup names backend 'sagmaker', which has no autoscaler model; "
                        + "did you mean 'sagemaker'? Known backends: in-memory, kubernetes, sagemaker, vertex" + TRY_HELP);
    }

    @Test
    void aBadStartupSettingIsInvalidInput() {
        assertFails(simulate("-b", "sagemaker", "--setting", "sagemaker.startup=soon"), ExitCode.INVALID,
                "error: model setting sagemaker.startup was 'soon' but it must be a duration such as 15s, 5m, 1h or 250ms" + NL);
    }

    @Test
    void helpShowsTheNewFlagsWithoutFormatWarnings() {
        CliHarness.Result r = cli.run("simulate", "--help");
        assertThat(r.out()).contains("--burst-to-cpu-limit", "--startup=[ID=]DURATION", "at 100% of its CPU request");
        assertThat(r.err()).doesNotContain("WARN");
    }

    @Test
    void setIsAcceptedAndItsRegionPricesTheRun() {
        // the deployment region of --set is the region priced; --setting ID.region wins over it
        CliHarness.Result eu = cli.run("simulate", "-f", seed, "-b", "sagemaker,vertex", "--trace", spike, "--replica-capacity", "25",
                "--set", "sagemaker.region=eu-west-1", "--set", "vertex.location=europe-west4", "-o", "json");
        assertThat(eu.code()).as(eu.err()).isEqualTo(ExitCode.OK);
        assertThat(eu.out()).contains("eu-west-1").contains("europe-west4");
        CliHarness.Result both = cli.run("simulate", "-f", seed, "-b", "sagemaker", "--trace", spike, "--replica-capacity", "25",
                "--set", "sagemaker.region=eu-west-1", "--setting", "sagemaker.region=us-east-1", "-o", "json");
        assertThat(both.code()).as(both.err()).isEqualTo(ExitCode.OK);
        assertThat(both.out()).contains("us-east-1").doesNotContain("eu-west-1");
        CliHarness.Result bad = cli.run("simulate", "-f", seed, "-b", "sagemaker", "--trace", spike, "--replica-capacity", "25",
                "--set", "region=eu-west-1");
        assertThat(bad.code()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).contains("--set region: configuration keys start with a backend id and a dot");
    }
}
