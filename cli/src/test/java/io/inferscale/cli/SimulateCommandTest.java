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
        assertThat(r.out()).startsWith("BACKEND      REPLICA-HOURS   P50-UTIL   P95-UTIL   OVER-CAPACITY   UNSERVED   SCALE-UPS");
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
}
