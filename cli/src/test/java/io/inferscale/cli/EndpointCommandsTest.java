package io.inferscale.cli;

import io.inferscale.api.TargetType;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.backend.inmemory.InMemoryBackendProvider;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointCommandsTest {

    private final CliHarness cli = new CliHarness();
    private final String seed = CliHarness.seed();

    @Nested
    class Render {
        @Test
        void printsTheNativeDesiredState() {
            CliHarness.Result r = cli.run("render", "-f", seed, "--backend", "in-memory");
            assertThat(r.code()).isEqualTo(ExitCode.OK);
            assertThat(EndpointCodec.read(r.out(), "out").endpoint().name()).isEqualTo("my-model-endpoint");
            assertThat(cli.backend.operations()).isEmpty();
        }

        @Test
        void withoutABackendIsAUsageError() {
            CliHarness.Result r = cli.run("render", "-f", seed);
            assertThat(r.code()).isEqualTo(ExitCode.USAGE);
            assertThat(r.err()).startsWith("error: no backend given: add --backend ID (one of: in-memory) or set INFERSCALE_BACKEND");
        }

        @Test
        void anUnknownBackendNamesTheOnesFoundAndTheArtifact() {
            CliHarness.Result r = cli.run("render", "-f", seed, "--backend", "sagemaker");
            assertThat(r.code()).isEqualTo(ExitCode.USAGE);
            assertThat(r.err()).contains("Unknown backend 'sagemaker'").contains("Found: in-memory")
                    .contains("io.inferscale:inferscale-backend-sagemaker");
        }

        @Test
        void aRejectedCapabilityIsExitOne() {
            CliHarness c = new CliHarness().backends(Backends.of(new InMemoryBackendProvider()));
            CliHarness.Result r = c.run("render", "-f", seed, "-b", "in-memory", "--set", "in-memory.unsupportedFeatures=CPU_UTILIZATION_TARGET");
            assertThat(r.code()).isEqualTo(ExitCode.INVALID);
            assertThat(r.err()).startsWith(seed + ":12: error: spec.autoscaling.targetCPUUtilizationPercentage: backend 'in-memory' does not support");
            assertThat(r.out()).isEmpty();
        }
    }

    @Nested
    class PlanAndApply {
        @Test
        void planExitsTwoWithChangesAndZeroWhenUpToDate() {
            CliHarness.Result first = cli.run("plan", "-f", seed, "--backend", "in-memory");
            assertThat(first.code()).isEqualTo(ExitCode.CHANGES);
            assertThat(first.out()).contains("Plan for my-model-endpoint on in-memory: 1 change").contains("+ InferenceEndpoint my-model-endpoint");
            assertThat(cli.backend.operations()).isEmpty();

            CliHarness.Result apply = cli.run("apply", "-f", seed, "--backend", "in-memory");
            assertThat(apply.code()).isEqualTo(ExitCode.OK);
            assertThat(apply.out()).contains("applied: my-model-endpoint on in-memory (READY, replicas 1/1)");

            CliHarness.Result second = cli.run("plan", "-f", seed, "--backend", "in-memory");
            assertThat(second.code()).isEqualTo(ExitCode.OK);
            assertThat(second.out()).startsWith("No changes: my-model-endpoint on in-memory is up to date.");
        }

        @Test
        void reApplyChangesNothing() {
            cli.run("apply", "-f", seed, "-b", "in-memory");
            CliHarness.Result again = cli.run("apply", "-f", seed, "-b", "in-memory");
            assertThat(again.code()).isEqualTo(ExitCode.OK);
            assertThat(again.out()).startsWith("unchanged: my-model-endpoint on in-memory is up to date");
            assertThat(cli.backend.operations()).hasSize(1);
        }

        @Test
        void applyReadsStandardInput() {
            CliHarness.Result r = cli.stdin(CliHarness.read("inference_endpoint.yaml")).run("apply", "-f", "-", "-b", "in-memory");
            assertThat(r.code()).isEqualTo(ExitCode.OK);
            assertThat(cli.backend.endpoint("my-model-endpoint")).isPresent();
        }
    }

    @Nested
    class ApplyWait {
        private final CliHarness slow = new CliHarness(Duration.ofSeconds(30));

        @Test
        void printsTimestampedLinesWhenNotATerminal() {
            CliHarness.Result r = slow.run("apply", "-f", seed, "-b", "in-memory", "--wait");
            assertThat(r.code()).isEqualTo(ExitCode.OK);
            assertThat(r.out()).contains("2026-01-01T00:00:00Z  my-model-endpoint  CREATING  replicas 0/1 ready/desired  0s")
                    .contains("2026-01-01T00:00:30Z  my-model-endpoint  READY  replicas 1/1 ready/desired  30s")
                    .contains("ready: my-model-endpoint on in-memory after 30s (1/1 replicas ready)")
                    .doesNotContain("\r");
            // one line per change, not per poll
            assertThat(r.out().lines().filter(l -> l.startsWith("2026") && l.contains("CREATING"))).hasSize(1);
        }

        @Test
        void redrawsOneLineOnATerminal() {
            CliHarness.Result r = slow.terminal(true).run("apply", "-f", seed, "-b", "in-memory", "--wait=1m");
            assertThat(r.code()).isEqualTo(ExitCode.OK);
            // redrawn on each status the backend's wait reports (in-memory: created, then ready)
            assertThat(r.out()).contains("\rmy-model-endpoint  CREATING  replicas 0/1 ready/desired  0s")
                    .contains("\rmy-model-endpoint  READY  replicas 1/1 ready/desired  30s");
        }

        @Test
        void aTimeoutIsExitThreeAndSaysWhatToDo() {
            CliHarness.Result r = slow.run("apply", "-f", seed, "-b", "in-memory", "--wait=10s");
            assertThat(r.code()).isEqualTo(ExitCode.BACKEND);
            assertThat(r.err()).startsWith("error: in-memory: endpoint 'my-model-endpoint' not ready after 10s (state CREATING, replicas 0/1)")
                    .contains("--wait=30m");
        }

        @Test
        void aMalformedDurationIsAUsageError() {
            CliHarness.Result r = slow.run("apply", "-f", seed, "-b", "in-memory", "--wait=soon");
            assertThat(r.code()).isEqualTo(ExitCode.USAGE);
            assertThat(r.err()).contains("'soon' is not a duration");
        }
    }

    @Nested
    class Get {
        @Test
        void showsATableLikeKubectlGetHpa() {
            cli.run("apply", "-f", seed, "-b", "in-memory");
            cli.backend.observe("my-model-endpoint", TargetType.CPU_UTILIZATION, new BigDecimal("45"));
            cli.clock.advance(Duration.ofMinutes(3).plusSeconds(20));
            CliHarness.Result r = cli.run("get", "-b", "in-memory");
            assertThat(r.code()).isEqualTo(ExitCode.OK);
            assertThat(r.out()).isEqualTo("""
                    NAME                MODEL            MIN   MAX   REPLICAS   TARGETS   STATUS   AGE
                    my-model-endpoint   my-ml-model:v1   1     5     1/1        45%/60%   READY    3m20s
                    """);
        }

        @Test
        void oneByNameAsJson() {
            cli.run("apply", "-f", seed, "-b", "in-memory");
            CliHarness.Result r = cli.run("get", "my-model-endpoint", "-b", "in-memory", "-o", "json");
            assertThat(r.code()).isEqualTo(ExitCode.OK);
            assertThat(r.out()).contains("\"name\": \"my-model-endpoint\"").contains("\"readyReplicas\": 1")
                    .contains("\"target\": \"60%\"").contains("\"createdAt\": \"2026-01-01T00:00:00Z\"");
        }

        @Test
        void allAsYaml() {
            cli.run("apply", "-f", seed, "-b", "in-memory");
            CliHarness.Result r = cli.run("get", "-b", "in-memory", "-o", "yaml");
            assertThat(r.code()).isEqualTo(ExitCode.OK);
            assertThat(r.out()).startsWith("- name: my-model-endpoint\n").contains("  state: READY\n");
        }

        @Test
        void aMissingEndpointIsExitOne() {
            CliHarness.Result r = cli.run("get", "nope", "-b", "in-memory");
            assertThat(r.code()).isEqualTo(ExitCode.INVALID);
            assertThat(r.err()).startsWith("error: in-memory: endpoint 'nope' not found; list the endpoints with 'inferscale get --backend in-memory'");
        }

        @Test
        void noEndpointsSaysSo() {
            CliHarness.Result r = cli.run("get", "-b", "in-memory");
            assertThat(r.code()).isEqualTo(ExitCode.OK);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).isEqualTo("No endpoints found on backend 'in-memory'." + System.lineSeparator());
        }

        @Test
        void anUnknownFormatIsAUsageError() {
            CliHarness.Result r = cli.run("get", "-b", "in-memory", "-o", "xml");
            assertThat(r.code()).isEqualTo(ExitCode.USAGE);
            assertThat(r.err()).contains("-o").contains("table, wide, name, json, yaml");
        }
    }

    @Nested
    class Delete {
        @Test
        void deletesAndIsIdempotent() {
            cli.run("apply", "-f", seed, "-b", "in-memory");
            CliHarness.Result r = cli.run("delete", "my-model-endpoint", "-b", "in-memory");
            assertThat(r.code()).isEqualTo(ExitCode.OK);
            assertThat(r.out()).isEqualTo("deleted: my-model-endpoint on in-memory" + System.lineSeparator());
            assertThat(cli.backend.endpoint("my-model-endpoint")).isEmpty();
            CliHarness.Result again = cli.run("delete", "my-model-endpoint", "-b", "in-memory");
            assertThat(again.code()).isEqualTo(ExitCode.OK);
            assertThat(again.out()).contains("not found: my-model-endpoint on in-memory (nothing to delete)");
        }

        @Test
        void needsAName() {
            CliHarness.Result r = cli.run("delete", "-b", "in-memory");
            assertThat(r.code()).isEqualTo(ExitCode.USAGE);
            assertThat(r.err()).contains("delete needs the endpoint: give NAME (e.g. inferscale delete my-model-endpoint) or -f FILE");
        }
    }
}
