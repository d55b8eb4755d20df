package io.inferscale.cli;

import io.inferscale.api.backend.Backends;
import io.inferscale.backend.inmemory.InMemoryBackendProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Separate invocations share the in-memory backend's state through {@code in-memory.stateFile}, as in the README. */
class StateFileTest {

    @TempDir
    Path dir;

    @Test
    void applyThenGetThenDeleteAcrossInvocations() {
        String state = dir.resolve("state.yaml").toString();
        // a fresh provider per invocation: nothing is shared but the file
        CliHarness cli = new CliHarness().backends(Backends.of(new InMemoryBackendProvider()))
                .env("INFERSCALE_BACKEND", "in-memory").env("INFERSCALE_IN_MEMORY_STATE_FILE", state);
        String seed = CliHarness.seed();

        assertThat(cli.run("plan", "-f", seed).code()).isEqualTo(ExitCode.CHANGES);
        assertThat(cli.run("apply", "-f", seed, "--wait=1m").code()).isEqualTo(ExitCode.OK);
        CliHarness.Result get = cli.run("get");
        assertThat(get.code()).isEqualTo(ExitCode.OK);
        assertThat(get.out()).contains("my-model-endpoint   my-ml-model:v1   1     5     1/1");
        assertThat(cli.run("plan", "-f", seed).code()).isEqualTo(ExitCode.OK);
        assertThat(cli.run("delete", "my-model-endpoint").out()).startsWith("deleted: my-model-endpoint");
        assertThat(cli.run("get").err()).contains("No endpoints found on backend 'in-memory'.");
    }

    @Test
    void theStateFileMayBeSetWithSet() {
        String state = dir.resolve("other.yaml").toString();
        CliHarness cli = new CliHarness().backends(Backends.of(new InMemoryBackendProvider()));
        String seed = CliHarness.seed();
        assertThat(cli.run("apply", "-f", seed, "-b", "in-memory", "--set", "in-memory.stateFile=" + state).code()).isEqualTo(ExitCode.OK);
        assertThat(cli.run("get", "my-model-endpoint", "-b", "in-memory", "--set", "in-memory.stateFile=" + state).code()).isEqualTo(ExitCode.OK);
        assertThat(cli.run("get", "my-model-endpoint", "-b", "in-memory").code()).isEqualTo(ExitCode.INVALID);
    }
}
