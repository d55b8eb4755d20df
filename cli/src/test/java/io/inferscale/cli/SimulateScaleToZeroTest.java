package io.inferscale.cli;

import io.inferscale.api.backend.Backends;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code simulate} on a trace with an idle night for a KEDA endpoint that scales to zero: the time at zero and the requests lost. */
class SimulateScaleToZeroTest {

    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness().backends(Backends.discover());

    private Path endpoint() throws IOException {
        return Files.writeString(dir.resolve("keda.yaml"), """
                apiVersion: mlops.example.com/v1
                kind: InferenceEndpoint
                metadata:
                  name: night-endpoint
                spec:
                  model:
                    name: my-ml-model
                    version: v1
                  autoscaling:
                    minReplicas: 0
                    maxReplicas: 5
                    targetRequestsPerSecondPerReplica: 10
                    scaleToZero:
                      idleSeconds: 300
                  resources:
                    requests:
                      cpu: 500m
                      memory: 1Gi
                  backends:
                    kubernetes:
                      autoscaler: keda
                """);
    }

    private Path trace() throws IOException {
        // 20 rps for an hour, idle for two, 20 rps again from 10 810 s
        return Files.writeString(dir.resolve("night.csv"), "time_s,rps\n0,20\n3600,0\n10810,20\n12600,20\n");
    }

    @Test
    @DisplayName("the table shows the time at zero and the requests lost while no pod was ready; the JSON the same figures")
    void tableAndJson() throws IOException {
        String[] args = {"simulate", "-f", endpoint().toString(), "-b", "kubernetes", "--trace", trace().toString(),
                "--replica-capacity", "100", "--startup", "kubernetes=60s"};
        CliHarness.Result r = cli.run(args);
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        List<String> lines = r.out().lines().toList();
        List<String> headers = Arrays.asList(lines.get(0).trim().split(" {3,}"));
        List<String> cells = Arrays.asList(lines.get(1).trim().split(" {3,}"));
        assertThat(headers).containsSubsequence("AT-ZERO", "LOST-AT-ZERO", "LOST-COLD-START", "IDLE-SAVED-REPLICA-H", "IDLE-SAVED");
        // at zero from the poll at 3900 s to the poll at 10 830 s; lost: 20 rps from 10 810 s until the pod is ready at 10 890 s
        assertThat(cells.get(headers.indexOf("LOST-AT-ZERO"))).isEqualTo("1600");
        assertThat(cells.get(headers.indexOf("AT-ZERO"))).isNotEqualTo("-");
        // of which 20 rps x 60 s while the pod started (10 830 s to 10 890 s); the rest (10 810 s to the poll) before the wake
        assertThat(cells.get(headers.indexOf("LOST-COLD-START"))).isEqualTo("1200");
        // a floor of 1 keeps a pod through the idle hours: the run saves replica-hours
        assertThat(Double.parseDouble(cells.get(headers.indexOf("IDLE-SAVED-REPLICA-H")))).isPositive();

        String[] json = Arrays.copyOf(args, args.length + 2);
        json[args.length] = "-o";
        json[args.length + 1] = "json";
        CliHarness.Result j = cli.run(json);
        assertThat(j.code()).as(j.err()).isEqualTo(ExitCode.OK);
        assertThat(j.out()).contains("\"zeroReplicaSeconds\": 6930", "\"requestsLostAtZero\": 1600");
    }
}
