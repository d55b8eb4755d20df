package io.inferscale.cli;

import io.inferscale.api.backend.Backends;
import io.inferscale.backend.inmemory.InMemoryBackendProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackendsCommandTest {

    private final CliHarness cli = new CliHarness().backends(Backends.of(new InMemoryBackendProvider()));

    @Test
    void listsBackendsAndTheirCapabilities() {
        CliHarness.Result r = cli.run("backends");
        assertThat(r.code()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).contains("ID          ARTIFACT                                     DESCRIPTION")
                .contains("in-memory   io.inferscale:inferscale-backend-in-memory   endpoints kept in memory")
                .contains("FEATURE                          in-memory")
                .contains("cpu-utilization-target           native")
                .contains("scale-to-zero                    native");
    }

    @Test
    void describesOneBackend() {
        CliHarness.Result r = cli.run("backends", "in-memory");
        assertThat(r.code()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).contains("in-memory.readyDelay").contains("INFERSCALE_IN_MEMORY_READY_DELAY")
                .contains("spec.autoscaling.targetCPUUtilizationPercentage");
    }

    @Test
    void markdownAndJson() {
        assertThat(cli.run("backends", "-o", "markdown").out())
                .startsWith("| FEATURE | in-memory |\n|---|---|\n| cpu-utilization-target | native |");
        assertThat(cli.run("backends", "-o", "json").out()).contains("\"id\": \"in-memory\"").contains("\"CPU_UTILIZATION_TARGET\"");
    }

    @Test
    void anUnknownIdIsAUsageError() {
        CliHarness.Result r = cli.run("backends", "vertx");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("Unknown backend 'vertx'").contains("io.inferscale:inferscale-backend-vertex");
    }
}
