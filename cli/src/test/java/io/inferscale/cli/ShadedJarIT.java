package io.inferscale.cli;

import io.inferscale.api.backend.Backends;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs {@code target/inferscale.jar} in a child JVM ({@code java -jar}), as a user does. Runs in the
 * {@code integration-test} phase (failsafe), after {@code package} has built the shaded jar.
 */
class ShadedJarIT {

    private static Path jar;

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void locateJar() {
        jar = Path.of(System.getProperty("inferscale.jar", "target/inferscale.jar"));
        assumeTrue(Files.isRegularFile(jar), "the shaded jar " + jar + " is built by 'mvn package'");
    }

    static Run run(String stdin, String... args) throws IOException, InterruptedException {
        return run(stdin, Map.of(), args);
    }

    static Run run(String stdin, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("INFERSCALE_BACKEND");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("inferscale-out", ".txt");
        Path err = Files.createTempFile("inferscale-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("inferscale " + String.join(" ", args) + " finished").isTrue();
        Run r = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    @Test
    void everyBackendRegistrationSurvivesShading() throws Exception {
        Run r = run("", "backends", "-o", "json");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        List<String> listed = new ArrayList<>();
        Matcher m = Pattern.compile("\"id\": \"([^\"]+)\"").matcher(r.out());
        while (m.find()) {
            listed.add(m.group(1));
        }
        // the same backends as on the module's class path: no services file lost when the jars were merged
        assertThat(listed).containsExactlyInAnyOrderElementsOf(Backends.discover().ids());
        assertThat(listed).contains("in-memory", "kubernetes", "sagemaker", "vertex");
        assertThat(r.err()).doesNotContain("could not be loaded");
    }

    @Test
    void printsTheProjectVersion() throws Exception {
        Run r = run("", "--version");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).startsWith("inferscale " + System.getProperty("inferscale.version") + "\n")
                .doesNotContain("development");
    }

    @Test
    void validatesTheSeedFromStandardInput() throws Exception {
        Run r = run(CliHarness.read("inference_endpoint.yaml"), "validate", "-f", "-");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).isEqualTo("<stdin>: endpoint 'my-model-endpoint' is valid" + System.lineSeparator());
    }

    @Test
    void rendersKubernetesManifestsOffline() throws Exception {
        Run r = run("", "render", "-f", CliHarness.seed(), "--backend", "kubernetes");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).contains("kind: Deployment").contains("kind: HorizontalPodAutoscaler");
    }

    @Test
    void exitCodesReachTheShell() throws Exception {
        assertThat(run("", "get", "--colour").code()).isEqualTo(ExitCode.USAGE);
        Run invalid = run("apiVersion: mlops.example.com/v1\nkind: InferenceEndpoint\nmetadata: {name: x}\n", "validate", "-f", "-");
        assertThat(invalid.code()).isEqualTo(ExitCode.INVALID);
        assertThat(invalid.err()).startsWith("<stdin>:1: error: spec: required field is missing").doesNotContain("\tat ");
    }

    @Test
    void aCloudErrorIsOneLineWithoutLibraryLogging() throws Exception {
        // Vertex AI over gRPC to a closed loopback port: grpc-netty logs through java.util.logging on first use
        Run r = run("", "get", "my-model-endpoint", "-b", "vertex", "--set", "vertex.project=p", "--set",
                "vertex.endpointOverride=127.0.0.1:1", "--set", "vertex.plaintext=true", "--set", "vertex.maxAttempts=1");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.BACKEND);
        assertThat(r.err().lines().toList()).singleElement().satisfies(l -> assertThat(l).startsWith("error: vertex: GetEndpoint ")
                .contains("UNAVAILABLE: io exception (Connection refused)"));
    }

    @Test
    void applyAndGetShareTheInMemoryStateFile(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("INFERSCALE_BACKEND", "in-memory",
                "INFERSCALE_IN_MEMORY_STATE_FILE", dir.resolve("state.yaml").toString());
        Run apply = run("", env, "apply", "-f", CliHarness.seed(), "--wait=30s");
        assertThat(apply.code()).as(apply.err()).isEqualTo(ExitCode.OK);
        Run get = run("", env, "get");
        assertThat(get.code()).as(get.err()).isEqualTo(ExitCode.OK);
        assertThat(get.out()).startsWith("NAME                MODEL            MIN   MAX   REPLICAS   TARGETS         STATUS   AGE")
                .contains("my-model-endpoint   my-ml-model:v1   1     5     1/1        <unknown>/60%   READY");
    }

    @Test
    void theOperatorReportsAnUnreachableClusterAndExitsThree(@TempDir Path dir) throws Exception {
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}
                  name: nowhere
                contexts:
                - context: {cluster: nowhere, user: nobody, namespace: default}
                  name: nowhere
                current-context: nowhere
                users:
                - name: nobody
                  user: {token: not-a-real-token}
                """);
        Run r = run("", Map.of("KUBECONFIG", kubeconfig.toString()), "operator", "--set", "kubernetes.retryBackoffLimit=0");
        assertThat(r.code()).isEqualTo(ExitCode.BACKEND);
        // the operator logs like any controller (library warnings included); the last line is the command's own
        List<String> lines = r.err().lines().toList();
        assertThat(lines.get(lines.size() - 1)).startsWith("error: kubernetes: the operator could not start against https://127.0.0.1:1/")
                .contains("Connection refused");
    }
}
