package io.inferscale.cli;

import io.inferscale.api.backend.Backends;
import io.inferscale.backend.inmemory.InMemoryBackendProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ValidateCommandTest {

    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness();

    private String write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p.toString();
    }

    @Test
    void theSeedIsValid() {
        CliHarness.Result r = cli.run("validate", "-f", CliHarness.seed());
        assertThat(r.code()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).contains("endpoint 'my-model-endpoint' is valid");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void anUnknownFieldIsAnErrorWithFileLineAndSuggestion() throws IOException {
        String file = write("typo.yaml", CliHarness.read("inference_endpoint.yaml").replace("maxReplicas: 5", "maxReplica: 5"));
        CliHarness.Result r = cli.run("validate", "-f", file);
        assertThat(r.code()).isEqualTo(ExitCode.INVALID);
        assertThat(r.err()).contains(file + ":11: error: spec.autoscaling.maxReplica: ")
                .contains("maxReplicas");
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void everyProblemIsReportedOneLineEach() throws IOException {
        String file = write("bad.yaml", CliHarness.read("inference_endpoint.yaml")
                .replace("minReplicas: 1", "minReplicas: 7")
                .replace("targetCPUUtilizationPercentage: 60", "targetCPUUtilizationPercentage: 160"));
        CliHarness.Result r = cli.run("validate", "-f", file);
        assertThat(r.code()).isEqualTo(ExitCode.INVALID);
        assertThat(r.err().lines().filter(l -> l.contains(": error: "))).hasSizeGreaterThanOrEqualTo(2);
        assertThat(r.err()).contains(file + ":12: error: spec.autoscaling.targetCPUUtilizationPercentage: ");
        assertThat(r.err().lines()).allMatch(l -> l.startsWith(file + ":") || l.startsWith("error: ") || l.startsWith("warning: "));
    }

    @Test
    void warningsDoNotFailValidation() throws IOException {
        String file = write("fixed.yaml", CliHarness.read("inference_endpoint.yaml").replace("maxReplicas: 5", "maxReplicas: 1"));
        CliHarness.Result r = cli.run("validate", "-f", file);
        assertThat(r.code()).isEqualTo(ExitCode.OK);
        assertThat(r.err()).contains(": warning: spec.autoscaling");
        assertThat(r.out()).contains("is valid (1 warning)");
    }

    @Test
    void readsStandardInput() {
        CliHarness.Result r = cli.stdin(CliHarness.read("inference_endpoint.yaml")).run("validate", "-f", "-");
        assertThat(r.code()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).startsWith("<stdin>: endpoint 'my-model-endpoint' is valid");
    }

    @Test
    void readsJson() throws IOException {
        String file = write("e.json", """
                {"apiVersion": "mlops.example.com/v1", "kind": "InferenceEndpoint", "metadata": {"name": "j"},
                 "spec": {"model": {"name": "m"}, "autoscaling": {"minReplicas": 1, "maxReplicas": 3, "targetRequestsPerSecondPerReplica": 20}}}
                """);
        CliHarness.Result r = cli.run("validate", "-f", file);
        assertThat(r.code()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).contains("endpoint 'j' is valid");
    }

    @Test
    void aSyntaxErrorNamesTheLine() throws IOException {
        String file = write("broken.yaml", "apiVersion: mlops.example.com/v1\nkind: [\n");
        CliHarness.Result r = cli.run("validate", "-f", file);
        assertThat(r.code()).isEqualTo(ExitCode.INVALID);
        assertThat(r.err()).containsPattern(java.util.regex.Pattern.quote(file) + ":\\d+: error: \\(document\\): YAML syntax error");
    }

    @Test
    void aMissingFileIsInvalidInput() {
        CliHarness.Result r = cli.run("validate", "-f", dir.resolve("nope.yaml").toString());
        assertThat(r.code()).isEqualTo(ExitCode.INVALID);
        assertThat(r.err()).isEqualTo("error: cannot read " + dir.resolve("nope.yaml") + ": no such file" + System.lineSeparator());
    }

    @Test
    void withABackendItChecksCapabilities() {
        CliHarness c = new CliHarness().backends(Backends.of(new InMemoryBackendProvider()));
        CliHarness.Result r = c.run("validate", "-f", CliHarness.seed(), "--backend", "in-memory",
                "--set", "in-memory.unsupportedFeatures=CPU_UTILIZATION_TARGET");
        assertThat(r.code()).isEqualTo(ExitCode.INVALID);
        assertThat(r.err()).contains(CliHarness.seed() + ":12: error: spec.autoscaling.targetCPUUtilizationPercentage: backend 'in-memory' does not support");
    }

    @Test
    void theBackendMayComeFromTheEnvironment() {
        CliHarness c = new CliHarness().backends(Backends.of(new InMemoryBackendProvider()))
                .env("INFERSCALE_BACKEND", "in-memory").env("INFERSCALE_IN_MEMORY_UNSUPPORTED_FEATURES", "CPU_UTILIZATION_TARGET");
        CliHarness.Result r = c.run("validate", "-f", CliHarness.seed());
        assertThat(r.code()).isEqualTo(ExitCode.INVALID);
        assertThat(r.err()).contains("backend 'in-memory' does not support");
    }
}
