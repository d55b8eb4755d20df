package io.inferscale.cli;

import io.inferscale.api.backend.Backends;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.simulation.LoadTrace;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.api.simulation.Simulations;
import io.inferscale.api.simulation.tune.Tuner;
import io.inferscale.api.simulation.tune.TuningEvaluation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class TuneCommandTest {

    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness().backends(Backends.discover());
    private final String seed = CliHarness.seed();
    private final String day = CliHarness.resource("traces/diurnal-day.csv").toString();

    @Test
    void recommendsWritesAndPrintsFiguresSimulatedFromTheFile() throws Exception {
        CliHarness.Result r = cli.run("tune", "-f", seed, "--backend", "kubernetes", "--trace", day, "--replica-capacity", "40",
                "--out-dir", dir.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).startsWith("kubernetes: unpriced: minimising replica-hours; SLO max-unserved=0.50%, min-replicas=1; "
                + "tuned on the first 19h, holdout the last 4h48m;");
        assertThat(r.out()).contains("SETTING", "PART", "COST", "REPLICA-HOURS", "UNSERVED", "OVER-CAPACITY", "SCALE-EVENTS");
        assertThat(r.out()).contains("\ncurrent ", "\nrecommended ", "\nstatic 2 ", " holdout ");
        Path file = dir.resolve("my-model-endpoint.kubernetes.yaml");
        assertThat(r.out()).contains("wrote " + file + " (validated on kubernetes");
        assertThat(cli.run("validate", "-f", file.toString(), "--backend", "kubernetes").code()).isEqualTo(ExitCode.OK);

        // the printed recommendation row is the file's simulation
        TuningEvaluation again = Tuner.of(EndpointCodec.read(file).endpoint()).trace(LoadTrace.read(Path.of(day)))
                .profile(ReplicaProfile.of(40)).evaluate(Simulations.discover().model("kubernetes"),
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
        assertThat(r.out()).contains("no setting meets the SLO on kubernetes: closest misses ", "max-catch-up: 1m > 1s");
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
}
