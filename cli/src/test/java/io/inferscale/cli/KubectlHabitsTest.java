package io.inferscale.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("kubectl habits: apply/delete -f DIR and multi-document files, get -o wide|name, describe, completion")
class KubectlHabitsTest {

    private final CliHarness cli = new CliHarness();
    private static final String SEED = CliHarness.read("inference_endpoint.yaml");

    private static String named(String name) {
        return SEED.replace("name: my-model-endpoint", "name: " + name);
    }

    @Nested
    @DisplayName("apply -f and delete -f")
    class Files_ {
        @Test
        @DisplayName("a file of three '---' documents applies three endpoints, and delete -f removes them")
        void multiDocument(@TempDir Path dir) throws IOException {
            Path f = dir.resolve("fleet.yaml");
            Files.writeString(f, "# a fleet\n---\n" + named("a") + "---\n" + named("b") + "...\n---\n" + named("c"));
            CliHarness.Result r = cli.run("apply", "-f", f.toString(), "-b", "in-memory");
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
            assertThat(r.out()).contains("applied: a on in-memory", "applied: b on in-memory", "applied: c on in-memory");
            assertThat(cli.run("get", "-b", "in-memory", "-o", "name").out()).isEqualTo(
                    "inferenceendpoint/a\ninferenceendpoint/b\ninferenceendpoint/c\n");
            CliHarness.Result d = cli.run("delete", "-f", f.toString(), "-b", "in-memory");
            assertThat(d.code()).as(d.err()).isEqualTo(ExitCode.OK);
            assertThat(d.out()).isEqualTo("deleted: a on in-memory\ndeleted: b on in-memory\ndeleted: c on in-memory\n");
            assertThat(cli.backend.list()).isEmpty();
        }

        @Test
        @DisplayName("a directory applies its .yaml/.yml/.json files in name order and ignores others")
        void directory(@TempDir Path dir) throws IOException {
            Files.writeString(dir.resolve("2-second.yml"), named("second"));
            Files.writeString(dir.resolve("1-first.yaml"), named("first"));
            Files.writeString(dir.resolve("notes.txt"), "not an endpoint");
            CliHarness.Result r = cli.run("apply", "-f", dir.toString(), "-b", "in-memory");
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
            assertThat(r.out().indexOf("applied: first")).isLessThan(r.out().indexOf("applied: second")).isNotNegative();
        }

        @Test
        @DisplayName("an error in the second document keeps its line in the file, and nothing is applied")
        void errorsKeepTheirLine(@TempDir Path dir) throws IOException {
            Path f = dir.resolve("two.yaml");
            String second = named("b").replace("maxReplicas: 5", "maxReplicas: -5");
            Files.writeString(f, named("a") + "---\n" + second);
            int line = (int) (named("a") + "---\n").lines().count()
                    + (int) second.substring(0, second.indexOf("maxReplicas: -5")).lines().count();
            CliHarness.Result r = cli.run("apply", "-f", f.toString(), "-b", "in-memory");
            assertThat(r.code()).isEqualTo(ExitCode.INVALID);
            assertThat(r.err()).contains(f + ":" + line + ": error: spec.autoscaling.maxReplicas");
            assertThat(cli.backend.list()).isEmpty();
        }

        @Test
        @DisplayName("two documents naming one endpoint are refused with both places")
        void duplicateNames(@TempDir Path dir) throws IOException {
            Path f = dir.resolve("dup.yaml");
            Files.writeString(f, SEED + "---\n" + SEED);
            int second = (int) SEED.lines().count() + 1 + 4; // after the seed: --- , apiVersion, kind, metadata, then name
            CliHarness.Result r = cli.run("apply", "-f", f.toString(), "-b", "in-memory");
            assertThat(r.code()).isEqualTo(ExitCode.INVALID);
            assertThat(r.err()).contains(f + ":" + second + ": error: metadata.name: more than one document names endpoint "
                    + "'my-model-endpoint' (the first in " + f + " at line 4); give each endpoint its own name");
            assertThat(cli.backend.list()).isEmpty();
        }

        @Test
        @DisplayName("an empty directory, and delete with neither or both of NAME and -f, are clear errors")
        void misuse(@TempDir Path dir) {
            CliHarness.Result empty = cli.run("apply", "-f", dir.toString(), "-b", "in-memory");
            assertThat(empty.code()).isEqualTo(ExitCode.INVALID);
            assertThat(empty.err()).contains("cannot read " + dir + ": the directory has no .yaml, .yml or .json file");
            CliHarness.Result neither = cli.run("delete", "-b", "in-memory");
            assertThat(neither.code()).isEqualTo(ExitCode.USAGE);
            assertThat(neither.err()).contains("delete needs the endpoint: give NAME");
            CliHarness.Result both = cli.run("delete", "x", "-f", CliHarness.seed(), "-b", "in-memory");
            assertThat(both.code()).isEqualTo(ExitCode.USAGE);
            assertThat(both.err()).contains("give NAME or -f FILE, not both");
        }
    }

    @Test
    @DisplayName("get -o wide shows every target, the backend and the message")
    void wide() {
        cli.run("apply", "-f", CliHarness.seed(), "-b", "in-memory");
        CliHarness.Result r = cli.run("get", "-b", "in-memory", "-o", "wide");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        String[] lines = r.out().split("\n");
        assertThat(lines[0]).matches("NAME +MODEL +MIN +MAX +REPLICAS +TARGETS +STATUS +AGE +BACKEND +MESSAGE");
        assertThat(lines[1]).startsWith("my-model-endpoint").contains("in-memory");
    }

    @Test
    @DisplayName("describe prints state, replicas, metrics, conditions and details; an unknown name is exit 1")
    void describe() {
        cli.run("apply", "-f", CliHarness.seed(), "-b", "in-memory");
        CliHarness.Result r = cli.run("describe", "my-model-endpoint", "-b", "in-memory");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).startsWith("Name:       my-model-endpoint\nBackend:    in-memory\nModel:      my-ml-model:v1\n")
                .contains("\nReplicas:   1 ready / 1 desired (min 1, max 5)\n", "\nMetrics:\n", "(current / target)", "\nConditions:", "\nDetails:");
        CliHarness.Result missing = cli.run("describe", "nope", "-b", "in-memory");
        assertThat(missing.code()).isEqualTo(ExitCode.INVALID);
        assertThat(missing.err()).contains("endpoint 'nope' not found");
    }

    @Test
    @DisplayName("completion bash is generated from the command model: every subcommand and its options")
    void completion() {
        CliHarness.Result r = cli.run("completion", "bash");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).contains("complete -F _complete_inferscale", "describe", "simulate", "--replica-capacity", "--wait");
        CliHarness.Result fish = cli.run("completion", "fish");
        assertThat(fish.code()).isEqualTo(ExitCode.USAGE);
        assertThat(fish.err()).contains("bash, zsh");
    }

    @Test
    @DisplayName("a typo of describe suggests describe; a typo of delete suggests nothing destructive")
    void suggestions() {
        assertThat(cli.run("describ", "x").err()).contains("Did you mean: inferscale describe");
        assertThat(cli.run("delet", "x").err()).doesNotContain("Did you mean: inferscale delete");
    }
}
