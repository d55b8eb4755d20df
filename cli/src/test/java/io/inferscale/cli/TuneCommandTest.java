package io.inferscale.cli;

import io.inferscale.api.backend.Backends;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.simulation.AutoscalerModels;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.simulator.trace.LoadTrace;
import io.inferscale.simulator.trace.TraceOptions;
import io.inferscale.simulator.tune.Tuner;
import io.inferscale.simulator.tune.TuningEvaluation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TuneCommandTest {

    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness().backends(Backends.discover());
    private final String seed = CliHarness.seed();
    private final String day = CliHarness.resource("traces/diurnal-day.csv").toString();
    private final String spike = CliHarness.resource("traces/spike.csv").toString();
    /** A quarter hour of the Azure LLM inference trace 2023 (CC BY 4.0, attribution in the README beside it): a request log. */
    private final Path azure = CliHarness.resource("traces/azure-llm-2023/AzureLLMInferenceTrace_conv-1835-1850.csv");

    @Test
    void recommendsWritesAndPrintsFiguresSimulatedFromTheFile() throws Exception {
        CliHarness.Result r = cli.run("tune", "-f", seed, "--backend", "kubernetes", "--trace", day, "--replica-capacity", "40",
                "--out-dir", dir.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).startsWith("kubernetes: minimising cost (USD); SLO max-unserved=0.50%, min-replicas=1; "
                + "tuned on the first 19h, holdout the last 4h48m;");
        assertThat(r.out()).contains("SETTING", "PART", "COST", "REPLICA-HOURS", "UNSERVED", "OVER-CAPACITY", "SCALE-EVENTS");
        assertThat(r.out()).contains("\ncurrent ", "\nrecommended ", "\nstatic 3 ", " holdout ");
        Path file = dir.resolve("my-model-endpoint.kubernetes.yaml");
        assertThat(r.out()).contains("wrote " + file + " (validated on kubernetes");
        assertThat(cli.run("validate", "-f", file.toString(), "--backend", "kubernetes").code()).isEqualTo(ExitCode.OK);

        // the printed recommendation row is the file's simulation
        TuningEvaluation again = Tuner.of(EndpointCodec.read(file).endpoint()).trace(LoadTrace.read(Path.of(day)))
                .profile(ReplicaProfile.of(40)).evaluate(AutoscalerModels.discover().model("kubernetes"),
                        EndpointCodec.read(file).endpoint());
        String row = r.out().lines().filter(l -> l.startsWith("recommended ") && l.contains(" tuning ")).findFirst().orElseThrow();
        assertThat(row).contains(String.format(Locale.ROOT, " %.2f ", again.tuning().summary().replicaHours()));
        String held = r.out().lines().filter(l -> l.startsWith("recommended ") && l.contains(" holdout ")).findFirst().orElseThrow();
        assertThat(held).contains(String.format(Locale.ROOT, " %.2f ", again.holdout().orElseThrow().summary().replicaHours()));
    }

    @Test
    void noSettingMeetingTheSloExitsOneNamingTheConstraint() {
        // a spike that the seed's 1..5 replicas (kept) cannot absorb within a second of a 60 s startup
        CliHarness.Result r = cli.run("tune", "-f", seed, "-b", "kubernetes", "--trace", CliHarness.resource("traces/spike.csv").toString(),
                "--replica-capacity", "25", "--slo", "max-catch-up=1s", "--keep", "minReplicas,maxReplicas", "--out-dir", dir.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.INVALID);
        // 5 replicas (kept) serve 125 of the spike's 200 rps: capacity never catches up with it
        assertThat(r.out()).contains("no setting meets the SLO on kubernetes: closest misses ", "max-catch-up: never (1 rise) > 1s");
        assertThat(r.out()).contains("\nclosest ");
        assertThat(dir.resolve("my-model-endpoint.kubernetes.yaml")).doesNotExist();
    }

    @Test
    void badSloKeysAndValuesNameTheKeyAndTheFix() throws Exception {
        CliHarness.Result key = cli.run("tune", "-f", seed, "-b", "kubernetes", "--trace", day, "--replica-capacity", "40",
                "--slo", "max-unserve=1%");
        assertThat(key.code()).isEqualTo(ExitCode.USAGE);
        assertThat(key.err()).contains("--slo: unknown SLO key 'max-unserve'; did you mean 'max-unserved'?");
        CliHarness.Result value = cli.run("tune", "-f", seed, "-b", "kubernetes", "--trace", day, "--replica-capacity", "40",
                "--slo", "max-over-capacity=soon");
        assertThat(value.code()).isEqualTo(ExitCode.USAGE);
        assertThat(value.err()).contains("max-over-capacity was 'soon'", "5m");
        CliHarness.Result holdout = cli.run("tune", "-f", seed, "-b", "kubernetes", "--trace", day, "--replica-capacity", "40",
                "--holdout", "120%");
        assertThat(holdout.code()).isEqualTo(ExitCode.USAGE);
        assertThat(holdout.err()).contains("--holdout was '120%'");
        CliHarness.Result keep = cli.run("tune", "-f", seed, "-b", "vertex", "--trace", day, "--replica-capacity", "40",
                "--keep", "behavior.scaleDown.stabilizationWindowSeconds");
        assertThat(keep.code()).isEqualTo(ExitCode.INVALID);
        assertThat(keep.err()).contains("--keep behavior.scaleDown.stabilizationWindowSeconds: backend 'vertex' has no such setting");
        Path notADirectory = dir.resolve("file");
        Files.writeString(notADirectory, "x");
        CliHarness.Result out = cli.run("tune", "-f", seed, "-b", "vertex", "--trace", day, "--replica-capacity", "40",
                "--out-dir", notADirectory.toString());
        assertThat(out.code()).isEqualTo(ExitCode.INVALID);
        assertThat(out.err()).startsWith("error: cannot write the recommendation " + notADirectory.resolve("my-model-endpoint.vertex.yaml"));
    }

    @Test
    void jsonAndReport() throws Exception {
        Path report = dir.resolve("tune.html");
        CliHarness.Result r = cli.run("tune", "-f", seed, "-b", "sagemaker,vertex", "--trace", day, "--replica-capacity", "40",
                "--out-dir", dir.toString(), "-o", "json", "--report", report.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).contains("\"backend\": \"sagemaker\"", "\"backend\": \"vertex\"", "\"staticBaseline\"", "\"recommended\"");
        // the seed has no container image, which SageMaker needs: reported as the spec's own problem, not the tuner's
        assertThat(r.err()).contains("the spec's own problem on sagemaker, not from tuning: spec.model.image");
        String html = Files.readString(report);
        assertThat(html).contains("<g class=\"frontier\" data-backend=\"sagemaker\">", "data-chosen=\"true\"",
                "<polyline data-series=\"recommended\"");
    }

    /** {@code tune} on the seed and the spike trace at 25 rps per replica, writing into the temporary directory, plus {@code extra}. */
    private CliHarness.Result tune(String... extra) {
        List<String> args = new ArrayList<>(List.of("tune", "-f", seed, "--trace", spike, "--replica-capacity", "25", "--out-dir", dir.toString()));
        args.addAll(List.of(extra));
        return cli.run(args.toArray(String[]::new));
    }

    /**
     * The output without the count of simulations run, which can differ by a few between equal runs (parallel searches may
     * simulate a setting twice); every figure printed stays.
     */
    private static String figures(String out) {
        return out.replaceFirst("; \\d+ simulations", "");
    }

    /** The cells of the table row for {@code setting} (current, recommended or closest) on {@code part} (tuning or holdout). */
    private static String[] row(String out, String setting, String part) {
        String line = out.lines().filter(l -> l.startsWith(setting + " ") && l.split(" +")[1].equals(part)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + setting + " " + part + " in:\n" + out));
        return line.split(" +");
    }

    /** The current spec's figures on the tuning part, as the Tuner API simulates them. */
    private TuningEvaluation current(String backend, LoadTrace trace, double capacity, ModelSettings settings, double holdout)
            throws IOException {
        var spec = EndpointCodec.read(Path.of(seed)).endpoint();
        return Tuner.of(spec).trace(trace).profile(ReplicaProfile.of(capacity)).settings(settings).holdout(holdout)
                .evaluate(AutoscalerModels.discover().model(backend), spec);
    }

    @Test
    void tunesOnARequestLogCountedPerStep() throws Exception {
        CliHarness.Result r = cli.run("tune", "-f", seed, "-b", "kubernetes", "--trace", azure.toString(), "--replica-capacity", "2",
                "--out-dir", dir.toString());
        assertThat(r.code()).as(r.err()).isIn(ExitCode.OK, ExitCode.INVALID);
        // timestamps from 2023-11-16 18:35:00.1 rebased to 0; 15 minutes of 15 s buckets, 20 % held out
        assertThat(r.out()).startsWith("kubernetes: minimising cost (USD); SLO max-unserved=0.50%, min-replicas=1; "
                + "tuned on the first 12m, holdout the last 3m;");
        TuningEvaluation expected = current("kubernetes", LoadTrace.read(azure, TraceOptions.DEFAULTS.withBucket(Duration.ofSeconds(15))), 2,
                ModelSettings.empty(), 0.2);
        assertThat(row(r.out(), "current", "tuning")[3]).isEqualTo(String.format(Locale.ROOT, "%.2f", expected.tuning().summary().replicaHours()));

        // the same log under another header, named with --trace-columns, tunes the same
        Path renamed = dir.resolve("renamed.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(azure));
        lines.set(0, "when,in,out");
        Files.write(renamed, lines);
        CliHarness.Result named = cli.run("tune", "-f", seed, "-b", "kubernetes", "--trace", renamed.toString(), "--replica-capacity", "2",
                "--out-dir", dir.toString(), "--trace-columns", "time=when,tokens_in=in,tokens_out=out");
        assertThat(named.code()).as(named.err()).isEqualTo(r.code());
        assertThat(figures(named.out())).isEqualTo(figures(r.out()));
    }

    @Test
    void aStartupPerBackendReachesEveryRunOfThatBackend() throws Exception {
        CliHarness.Result six = tune("-b", "sagemaker", "--startup", "sagemaker=6m", "--holdout", "0");
        CliHarness.Result setting = tune("-b", "sagemaker", "--setting", "sagemaker.startup=6m", "--holdout", "0");
        CliHarness.Result typical = tune("-b", "sagemaker", "--holdout", "0");
        assertThat(six.out()).as(six.err()).contains("\ncurrent ");
        assertThat(figures(setting.out())).isEqualTo(figures(six.out()));
        TuningEvaluation expected = current("sagemaker", LoadTrace.read(Path.of(spike)), 25, ModelSettings.of(Map.of("sagemaker.startup", "6m")), 0);
        String[] current = row(six.out(), "current", "all");
        assertThat(current[3]).isEqualTo(String.format(Locale.ROOT, "%.2f", expected.tuning().summary().replicaHours()));
        assertThat(current[4]).isEqualTo(String.format(Locale.ROOT, "%.2f%%", 100 * expected.tuning().summary().unservedFraction()));
        // SageMaker's typical start-up is 5m: a minute more leaves more of the spike unserved
        assertThat(row(typical.out(), "current", "all")[4]).isNotEqualTo(current[4]);
        // a start-up for every backend is a duration too (a plain number is seconds, as before)
        assertThat(figures(tune("-b", "kubernetes", "--startup", "90", "--holdout", "0").out()))
                .isEqualTo(figures(tune("-b", "kubernetes", "--startup", "90s", "--holdout", "0").out()));
    }

    @Test
    void aPriceFileAndPriceSettingsPriceWhatIsMinimised() throws Exception {
        Path prices = dir.resolve("prices.yaml");
        Files.writeString(prices, "sagemaker:\n  ml.c5.large: 10\n");
        CliHarness.Result file = tune("-b", "sagemaker", "--prices", prices.toString());
        assertThat(file.out()).as(file.err()).startsWith("sagemaker: minimising cost (USD);");
        for (String setting : List.of("current", "recommended", "closest")) {
            for (String part : List.of("tuning", "holdout")) {
                file.out().lines().filter(l -> l.startsWith(setting + " ") && l.split(" +")[1].equals(part)).findFirst().ifPresent(l -> {
                    String[] cells = l.split(" +");
                    double cost = Double.parseDouble(cells[2].substring(1));
                    assertThat(cost).as(l).isCloseTo(10 * Double.parseDouble(cells[3]), org.assertj.core.api.Assertions.within(0.06));
                });
            }
        }
        // --setting BACKEND.price.ITEM wins over the file
        CliHarness.Result setting = tune("-b", "sagemaker", "--prices", prices.toString(), "--setting", "sagemaker.price.ml.c5.large=20");
        String[] current = row(setting.out(), "current", "tuning");
        assertThat(Double.parseDouble(current[2].substring(1))).isCloseTo(20 * Double.parseDouble(current[3]),
                org.assertj.core.api.Assertions.within(0.06));
    }

    @Test
    void theDeploymentRegionOfSetIsTheRegionPriced() {
        String[] us = row(tune("-b", "sagemaker").out(), "current", "tuning");
        CliHarness.Result euRun = tune("-b", "sagemaker", "--set", "sagemaker.region=eu-west-1");
        assertThat(euRun.out()).as(euRun.err()).contains("\ncurrent ");
        String[] eu = row(euRun.out(), "current", "tuning");
        assertThat(eu[3]).isEqualTo(us[3]); // the same replica-hours
        assertThat(eu[2]).isNotEqualTo(us[2]); // at Ireland's price
        // --setting sagemaker.region wins over --set
        assertThat(row(tune("-b", "sagemaker", "--set", "sagemaker.region=eu-west-1", "--setting", "sagemaker.region=us-east-1").out(),
                "current", "tuning")).isEqualTo(us);
    }

    @Test
    void theBackendFallsBackToInferscaleBackendAndBurstingIsOptIn() {
        CliHarness.Result env = new CliHarness().backends(Backends.discover()).env("INFERSCALE_BACKEND", "kubernetes")
                .run("tune", "-f", seed, "--trace", spike, "--replica-capacity", "25", "--out-dir", dir.toString());
        assertThat(figures(env.out())).as(env.err()).isEqualTo(figures(tune("-b", "kubernetes").out()));
        // the seed's CPU limit is twice its request: bursting doubles what a replica serves, so less of the spike goes unserved
        String plain = row(tune("-b", "kubernetes").out(), "current", "tuning")[4];
        String burst = row(tune("-b", "kubernetes", "--burst-to-cpu-limit").out(), "current", "tuning")[4];
        assertThat(Double.parseDouble(burst.replace("%", ""))).as(burst + " vs " + plain).isLessThan(Double.parseDouble(plain.replace("%", "")));
    }

    @Test
    void badSimulationOptionsFailAsInSimulate() throws IOException {
        Path badPrices = dir.resolve("bad.yaml");
        Files.writeString(badPrices, "sagemaker:\n  ml.c5.large: cheap\nsagemakr:\n  ml.c5.large: 1\n");
        Path gpu = dir.resolve("gpu.yaml");
        Files.writeString(gpu, Files.readString(Path.of(seed)) + "    accelerator:\n      type: nvidia-t4\n      count: 1\n");
        // each case: the flags after -f SEED (or after the -f it gives)
        String[][] cases = {
                {"--replica-capacity", "0"}, {"--step", "0"}, {"--trace-unit", "hourly"}, {"--trace-columns", "when=t"},
                {"--startup", "soon"}, {"--startup", "sagemaker=5 min"}, {"--startup", "sagmaker=6m"}, {"--startup", "1m,2m"},
                {"--startup", "sagemaker=6m", "--setting", "sagemaker.startup=5m"}, {"--setting", "sagmaker.startup=6m"},
                {"--setting", "sagemaker.startup=soon"}, {"--setting", "sagemaker.price.ml.c5.large=abc"},
                {"--set", "region=eu-west-1"}, {"--set", "sagemaker.region"}, {"--prices", badPrices.toString()},
                {"--prices", dir.resolve("missing.yaml").toString()}, {"-f", gpu.toString(), "--burst-to-cpu-limit"}};
        for (String[] flags : cases) {
            List<String> c = new ArrayList<>(flags[0].equals("-f") ? List.of() : List.of("-f", seed));
            c.addAll(List.of(flags));
            List<String> common = new ArrayList<>(List.of("-b", "sagemaker", "--trace", spike));
            common.addAll(c);
            if (!c.contains("--replica-capacity")) {
                common.addAll(List.of("--replica-capacity", "25"));
            }
            CliHarness.Result simulate = cli.run(concat("simulate", common));
            common.addAll(List.of("--out-dir", dir.toString()));
            CliHarness.Result tune = cli.run(concat("tune", common));
            assertThat(simulate.code()).as(c + ": " + simulate.err()).isIn(ExitCode.USAGE, ExitCode.INVALID);
            assertThat(tune.code()).as(c.toString()).isEqualTo(simulate.code());
            assertThat(tune.err()).as(c.toString()).isEqualTo(simulate.err().replace("inferscale simulate --help", "inferscale tune --help"));
        }
        CliHarness.Result none = cli.run("tune", "-f", seed, "--trace", spike, "--replica-capacity", "25");
        assertThat(none.code()).isEqualTo(ExitCode.USAGE);
        assertThat(none.err()).startsWith("error: no backend given: add --backend ID[,ID...] (models found: ");
    }

    private static String[] concat(String command, List<String> args) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(args);
        return all.toArray(String[]::new);
    }

    @Test
    void instanceTypesAreSearchedWithTheCapacityGivenForEach() throws Exception {
        // ml.c5.xlarge at $0.204/h serving 200 rps per replica: one replica serves the day's peak (about 110 rps) for less than
        // the seed's ml.c5.large ($0.102/h, 40 rps) scaling between 1 and 3
        CliHarness.Result r = cli.run("tune", "-f", seed, "-b", "sagemaker", "--trace", day, "--replica-capacity", "40,ml.c5.xlarge=200",
                "--instance-types", "ml.c5.xlarge", "--out-dir", dir.toString(), "-o", "json");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).contains("\"instanceTypeChange\": {", "\"from\": \"ml.c5.large\"", "\"to\": \"ml.c5.xlarge\"",
                "\"replicaCapacityRps\": 200",
                "spec.backends.sagemaker.instanceType ml.c5.large -> ml.c5.xlarge (200 rps per replica, as given)");
        String file = Files.readString(dir.resolve("my-model-endpoint.sagemaker.yaml"));
        assertThat(file).contains("instanceType: ml.c5.xlarge");
    }

    @Test
    void instanceTypesNeedACapacityEachAndACataloguedName() {
        CliHarness.Result noCapacity = cli.run("tune", "-f", seed, "-b", "sagemaker", "--trace", day, "--replica-capacity", "40",
                "--instance-types", "ml.c5.xlarge", "--out-dir", dir.toString());
        assertThat(noCapacity.code()).isEqualTo(ExitCode.USAGE);
        assertThat(noCapacity.err()).startsWith("error: --instance-types ml.c5.xlarge: give the requests per second one replica of "
                + "ml.c5.xlarge serves with --replica-capacity ml.c5.xlarge=RPS (InferScale cannot know a model's throughput on another "
                + "machine; measure it), e.g. --replica-capacity 40,ml.c5.xlarge=80");

        CliHarness.Result typo = cli.run("tune", "-f", seed, "-b", "sagemaker,vertex", "--trace", day, "--replica-capacity",
                "40,ml.c5.xlarg=80", "--instance-types", "ml.c5.xlarg", "--out-dir", dir.toString());
        assertThat(typo.code()).isEqualTo(ExitCode.INVALID);
        assertThat(typo.err()).contains("--instance-types ml.c5.xlarg: not an instance or machine type of sagemaker "
                + "(spec.backends.sagemaker.instanceType), vertex (spec.backends.vertex.machineType) in the region priced; did you mean "
                + "'ml.c5.xlarge'?");

        CliHarness.Result kubernetes = cli.run("tune", "-f", seed, "-b", "kubernetes", "--trace", day, "--replica-capacity",
                "40,n1-standard-4=80", "--instance-types", "n1-standard-4", "--out-dir", dir.toString());
        assertThat(kubernetes.code()).isEqualTo(ExitCode.INVALID);
        assertThat(kubernetes.err()).contains("none of the backends tuned (kubernetes) has an instance or machine type to choose");

        CliHarness.Result stray = cli.run("tune", "-f", seed, "-b", "sagemaker", "--trace", day, "--replica-capacity",
                "40,ml.c5.xlarge=80", "--out-dir", dir.toString());
        assertThat(stray.code()).isEqualTo(ExitCode.USAGE);
        assertThat(stray.err()).startsWith("error: --replica-capacity ml.c5.xlarge=RPS: ml.c5.xlarge is not in --instance-types");

        CliHarness.Result simulate = cli.run("simulate", "-f", seed, "-b", "sagemaker", "--trace", day, "--replica-capacity",
                "40,ml.c5.xlarge=80");
        assertThat(simulate.code()).isEqualTo(ExitCode.USAGE);
        assertThat(simulate.err()).startsWith("error: --replica-capacity ml.c5.xlarge=RPS is for tune --instance-types");

        CliHarness.Result bad = cli.run("tune", "-f", seed, "-b", "sagemaker", "--trace", day, "--replica-capacity",
                "40,ml.c5.xlarge=fast", "--instance-types", "ml.c5.xlarge", "--out-dir", dir.toString());
        assertThat(bad.code()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).startsWith("error: --replica-capacity ml.c5.xlarge=fast: the capacity of ml.c5.xlarge must be a positive "
                + "number of requests per second, e.g. ml.c5.xlarge=80");
    }

    @Test
    void oneFileCarriesEachBackendsRecommendationAsOverridesAndReSimulatesToTheSameFigures() throws Exception {
        CliHarness.Result r = cli.run("tune", "-f", seed, "-b", "kubernetes,sagemaker", "--trace", day, "--replica-capacity", "40",
                "--out-dir", dir.toString(), "--one-file");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        Path together = dir.resolve("my-model-endpoint.tuned.yaml");
        assertThat(r.out()).contains("wrote " + together + " with spec.backends.<id> overrides for kubernetes, sagemaker (validated on each; "
                + "simulated from it per backend: the same figures as the per-backend files)");
        var merged = EndpointCodec.read(together).endpoint();
        var seedSpec = EndpointCodec.read(Path.of(seed)).endpoint();
        assertThat(merged.autoscaling()).isEqualTo(seedSpec.autoscaling()); // the shared fields stay the spec's
        for (String id : List.of("kubernetes", "sagemaker")) {
            var alone = EndpointCodec.read(dir.resolve("my-model-endpoint." + id + ".yaml")).endpoint();
            // what the backend runs from the one file is what its own file says
            assertThat(io.inferscale.api.backend.BackendOverrides.apply(merged, id).autoscaling()).as(id).isEqualTo(alone.autoscaling());
        }
        assertThat(merged.backends().of("kubernetes")).containsKeys("maxReplicas", "targetCPUUtilizationPercentage", "behavior");
        assertThat(cli.run("validate", "-f", together.toString(), "--backend", "kubernetes").code()).isEqualTo(ExitCode.OK);
    }
}
