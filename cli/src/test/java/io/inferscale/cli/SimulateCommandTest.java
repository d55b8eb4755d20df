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
    void aMalformedTraceIsInvalidInput() throws IOException {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "time,rps\n0,1\n60,2\n");
        CliHarness.Result r = cli.run("simulate", "-f", seed, "-b", "kubernetes", "--trace", bad.toString(), "--replica-capacity", "25");
        assertThat(r.code()).isEqualTo(ExitCode.INVALID);
        assertThat(r.err()).isEqualTo("error: bad.csv line 1: expected the header 'time_s,rps' but found 'time,rps'" + System.lineSeparator());
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
