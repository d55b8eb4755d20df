package io.inferscale.cli;

import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.BackendProvider;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.ConfigKey;
import io.inferscale.backend.inmemory.InMemoryBackendProvider;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("secret canaries never appear in the command's output or logs")
class SecretsCliTest {

    static final String CANARY = "c4n4ry-7f3e9b21";

    @TempDir
    Path dir;

    private static void assertNoCanary(CliHarness.Result r) {
        assertThat(r.out()).doesNotContain(CANARY);
        assertThat(r.err()).doesNotContain(CANARY);
    }

    /** The seed with a secret in the environment and in the artifact URI's user info and query string. */
    private String documentWithSecrets(String name, String suffix) throws IOException {
        String doc = CliHarness.read("inference_endpoint.yaml").replace("    version: v1\n", "    version: v1\n"
                + "    artifactUri: https://bob:" + CANARY + suffix + "@models.example.com/m.tar.gz?X-Amz-Signature=" + CANARY + suffix + "\n"
                + "    env:\n      DB_PASSWORD: " + CANARY + suffix + "\n      LOG_LEVEL: " + CANARY + suffix + "\n");
        Path p = dir.resolve(name);
        Files.writeString(p, doc);
        return p.toString();
    }

    @Test
    @DisplayName("plan, render, apply --verbose, get (table, yaml, json) and delete on the in-memory backend")
    void endpointCommands() throws IOException {
        CliHarness cli = new CliHarness();
        String doc = documentWithSecrets("e.yaml", "");
        String changed = documentWithSecrets("changed.yaml", "-2");
        for (String[] args : List.of(
                new String[] {"validate", "-f", doc, "--verbose"},
                new String[] {"plan", "-f", doc, "-b", "in-memory", "--verbose"},
                new String[] {"render", "-f", doc, "-b", "in-memory", "--verbose"},
                new String[] {"apply", "-f", doc, "-b", "in-memory", "--verbose"},
                new String[] {"plan", "-f", changed, "-b", "in-memory", "--verbose"},
                new String[] {"apply", "-f", changed, "-b", "in-memory", "--verbose"},
                new String[] {"get", "-b", "in-memory", "--verbose"},
                new String[] {"get", "my-model-endpoint", "-o", "yaml", "-b", "in-memory"},
                new String[] {"get", "my-model-endpoint", "-o", "json", "-b", "in-memory"},
                new String[] {"delete", "my-model-endpoint", "-b", "in-memory", "--verbose"})) {
            CliHarness.Result r = cli.run(args);
            assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isIn(ExitCode.OK, ExitCode.CHANGES);
            assertNoCanary(r);
        }
        assertThat(cli.backend.operations()).hasSize(3);
    }

    @Test
    @DisplayName("an invalid document holding secrets: the errors name fields, never the values")
    void invalidDocument() throws IOException {
        CliHarness cli = new CliHarness();
        String doc = Files.readString(Path.of(documentWithSecrets("bad.yaml", ""))).replace("maxReplicas: 5", "maxReplicas: 0")
                .replace("      LOG_LEVEL: ", "      LOG-LEVEL!: ");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, doc);
        for (String command : List.of("validate", "plan", "apply", "render")) {
            CliHarness.Result r = cli.run(command, "-f", bad.toString(), "-b", "in-memory", "--verbose");
            assertThat(r.code()).isEqualTo(ExitCode.INVALID);
            assertThat(r.err()).contains("spec.autoscaling.maxReplicas").contains("spec.model.env.LOG-LEVEL!");
            assertNoCanary(r);
        }
    }

    /** A provider with a secret key whose name does not look secret, that fails printing its configuration. */
    static final class LeakyProvider implements BackendProvider {
        @Override
        public String id() {
            return "acme";
        }

        @Override
        public Capabilities capabilities() {
            return Capabilities.all();
        }

        @Override
        public List<ConfigKey> configKeys() {
            return List.of(ConfigKey.secret("acme.connectionString", "the account's connection string"));
        }

        @Override
        public Backend create(BackendConfig config) {
            throw new IllegalStateException("cannot connect with " + config);
        }
    }

    @Test
    @DisplayName("a declared secret set with --set, and name-secret keys set in the environment: not in errors or --verbose stack traces")
    void configuration() {
        CliHarness cli = new CliHarness().backends(Backends.of(new LeakyProvider(), new InMemoryBackendProvider()))
                .env("INFERSCALE_ACME_API_TOKEN", CANARY);
        CliHarness.Result r = cli.run("render", "-f", CliHarness.seed(), "-b", "acme", "--set", "acme.connectionString=" + CANARY, "--verbose");
        assertThat(r.code()).isEqualTo(ExitCode.BACKEND);
        assertThat(r.err()).contains("acme.connectionString=****");
        assertNoCanary(r);
        CliHarness.Result unknown = cli.run("render", "-f", CliHarness.seed(), "-b", "in-memory", "--set", "in-memory.apiToken=" + CANARY, "--verbose");
        assertThat(unknown.code()).isEqualTo(ExitCode.INVALID);
        assertThat(unknown.err()).contains("in-memory.apiToken");
        assertNoCanary(unknown);
    }

    @Test
    @DisplayName("the in-memory state file: it stores the values (as a cloud does), a damaged one is reported without them")
    void stateFile() throws IOException {
        String state = dir.resolve("state.yaml").toString();
        CliHarness cli = new CliHarness().backends(Backends.of(new InMemoryBackendProvider()))
                .env("INFERSCALE_BACKEND", "in-memory").env("INFERSCALE_IN_MEMORY_STATE_FILE", state);
        CliHarness.Result apply = cli.run("apply", "-f", documentWithSecrets("e.yaml", ""), "--verbose");
        assertThat(apply.code()).isEqualTo(ExitCode.OK);
        assertNoCanary(apply);
        assertNoCanary(cli.run("get", "--verbose"));
        Path file = Path.of(state);
        Files.writeString(file, Files.readString(file).replace("updating: false", "updating: {broken: [" + CANARY));
        CliHarness.Result get = cli.run("get", "--verbose");
        assertThat(get.code()).isNotEqualTo(ExitCode.OK);
        assertThat(get.err()).contains(state);
        assertNoCanary(get);
    }
}
