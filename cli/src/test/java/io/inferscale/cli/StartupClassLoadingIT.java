package io.inferscale.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
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
 * What a cold {@code java -jar target/inferscale.jar} loads (issue 9, start-up): the classes each command
 * loads, read from {@code -Xlog:class+load}, so a change that makes {@code validate} load a backend SDK or
 * {@code render --backend kubernetes} load an HTTP client fails here. Counts and names only; the times are
 * measured by {@code bench/startup/startup.sh}. Also checks that the launcher {@code target/inferscale}
 * creates its class-data archive once and then loads the command's classes from it.
 */
class StartupClassLoadingIT {

    private static final Pattern LOADED = Pattern.compile("\\] (\\S+) source: (.*)$");

    private static Path jar;
    private static Path document;

    record Loaded(String name, String source) {
    }

    @BeforeAll
    static void locate() {
        jar = Path.of(System.getProperty("inferscale.jar", "target/inferscale.jar")).toAbsolutePath();
        assumeTrue(Files.isRegularFile(jar), "the shaded jar " + jar + " is built by 'mvn package'");
        document = Path.of("src/test/resources/inference_endpoint.yaml").toAbsolutePath();
    }

    @Test
    void validateWithoutBackendLoadsNoBackendAndOnlyItsOwnSubcommand(@TempDir Path tmp) throws Exception {
        List<Loaded> loaded = classesLoaded(tmp, "validate", "-f", document.toString());

        assertThat(names(loaded)).contains("io.inferscale.cli.ValidateCommand", "io.inferscale.api.validation.EndpointValidator");
        assertThat(names(loaded)).noneMatch(n -> n.startsWith("io.inferscale.backend.") || n.startsWith("io.inferscale.testkit.")
                || n.startsWith("io.fabric8.") || n.startsWith("software.amazon.") || n.startsWith("com.google.")
                || n.startsWith("io.grpc.") || n.startsWith("com.fasterxml.jackson."));
        // one subcommand's picocli model: the others are not even loaded
        assertThat(names(loaded)).doesNotContain("io.inferscale.cli.OperatorCommand", "io.inferscale.cli.ApplyCommand",
                "io.inferscale.cli.SimulateCommand", "io.inferscale.cli.RenderCommand");
        // java.util.logging is configured lazily (JavaLoggingLevel), and reading a document does not start it
        assertThat(names(loaded)).doesNotContain("java.util.logging.LogManager");
        // a plain command line runs without picocli (DirectInvocation, issue 19)
        assertThat(names(loaded)).noneMatch(n -> n.startsWith("picocli."));
    }

    @Test
    void renderOnKubernetesLoadsOnlyTheKubernetesBackendAndNoHttpClient(@TempDir Path tmp) throws Exception {
        List<Loaded> loaded = classesLoaded(tmp, "render", "-f", document.toString(), "--backend", "kubernetes");

        assertThat(names(loaded)).contains("io.inferscale.backend.kubernetes.KubernetesTranslator");
        // the other providers are instantiated by ServiceLoader (their ids are needed) with their descriptors (id,
        // capabilities and keys live in <Cloud>Settings, which imports no SDK), nothing behind them
        assertThat(names(loaded)).noneMatch(n -> n.startsWith("software.amazon.") || n.startsWith("com.google.")
                || n.startsWith("io.grpc.") || (n.startsWith("io.inferscale.backend.sagemaker.") && !n.endsWith("BackendProvider") && !n.endsWith("Settings"))
                || (n.startsWith("io.inferscale.backend.vertex.") && !n.endsWith("BackendProvider") && !n.endsWith("Settings")));
        // rendering is translation and YAML: no client, no HTTP stack
        assertThat(names(loaded)).noneMatch(n -> n.startsWith("io.vertx.") || n.startsWith("io.netty.") || n.startsWith("okhttp3.")
                || n.startsWith("io.fabric8.kubernetes.client.http.") || n.startsWith("io.fabric8.kubernetes.client.impl.")
                || n.startsWith("io.fabric8.kubernetes.client.vertx.") || n.startsWith("io.javaoperatorsdk."));
        // the YAML writer is built without a SnakeYAML Yaml object, which would start java.util.logging
        assertThat(names(loaded)).doesNotContain("java.util.logging.LogManager");
        // the manifests become trees by reading the model's annotations (ModelTree), not through a Jackson ObjectMapper
        assertThat(names(loaded)).doesNotContain("com.fasterxml.jackson.databind.ObjectMapper",
                "io.fabric8.kubernetes.client.utils.KubernetesSerialization");
        // without picocli (DirectInvocation), and ModelTree parses no annotation (no annotation proxy): issue 19
        assertThat(names(loaded)).noneMatch(n -> n.startsWith("picocli.") || n.contains("$Proxy"));
    }

    @Test
    void launcherCreatesItsArchiveOnceAndLoadsTheCommandFromIt(@TempDir Path tmp) throws Exception {
        Path launcher = jar.resolveSibling("inferscale");
        assumeTrue(Files.isExecutable(launcher), "the launcher " + launcher + " is copied by 'mvn package'");
        Path cache = tmp.resolve("cds");
        Map<String, String> env = Map.of("INFERSCALE_CDS_DIR", cache.toString(), "JAVA_HOME", System.getProperty("java.home"));

        int first = exec(tmp, env, launcher.toString(), "validate", "-f", document.toString());
        assertThat(first).isEqualTo(ExitCode.OK);
        try (var files = Files.list(cache)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).singleElement().satisfies(n -> assertThat(n).endsWith(".jsa"));
        }

        Path log = tmp.resolve("classes.log");
        Map<String, String> logging = new java.util.HashMap<>(env);
        logging.put("INFERSCALE_JAVA_OPTS", "-Xlog:class+load=info:file=" + log);
        int second = exec(tmp, logging, launcher.toString(), "render", "-f", document.toString(), "--backend", "kubernetes");
        assertThat(second).isEqualTo(ExitCode.OK);
        List<Loaded> loaded = parse(log);
        // the command's own classes and the Kubernetes translation come from the archive, not the jar
        assertThat(loaded).filteredOn(l -> l.name().equals("io.inferscale.cli.RenderCommand")
                || l.name().equals("io.inferscale.backend.kubernetes.KubernetesTranslator")
                || l.name().equals("io.inferscale.api.InferenceEndpoint"))
                .hasSize(3).allSatisfy(l -> assertThat(l.source()).startsWith("shared objects file"));
        try (var files = Files.list(cache)) {
            assertThat(files.count()).as("no second archive").isEqualTo(1);
        }
    }

    @Test
    void launcherTrainsOnceWhenTheArchiveCannotBeMadeAndNeverUsesASharedCache(@TempDir Path tmp) throws Exception {
        Path launcher = jar.resolveSibling("inferscale");
        assumeTrue(Files.isExecutable(launcher), "the launcher " + launcher + " is copied by 'mvn package'");
        // a JDK whose training run fails: it counts training runs and runs everything else with the real java
        Path jdk = Files.createDirectories(tmp.resolve("jdk/bin"));
        Path count = tmp.resolve("trainings");
        Path java = jdk.resolve("java");
        Files.writeString(java, "#!/bin/sh\ncase \"$*\" in *ArchiveClassesAtExit*) echo x >> '" + count + "'; exit 1;; esac\n"
                + "exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' \"$@\"\n");
        assertThat(java.toFile().setExecutable(true)).isTrue();
        Path cache = tmp.resolve("cds");
        Map<String, String> env = Map.of("INFERSCALE_CDS_DIR", cache.toString(), "JAVA_HOME", jdk.getParent().toString());
        for (int i = 0; i < 3; i++) {
            assertThat(exec(tmp, env, launcher.toString(), "validate", "-f", document.toString())).isEqualTo(ExitCode.OK);
        }
        assertThat(Files.readAllLines(count)).as("one training run, then the marker stops further attempts").hasSize(1);
        try (var files = Files.list(cache)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).singleElement()
                    .satisfies(n -> assertThat(n).endsWith(".jsa.failed"));
        }

        // without HOME, XDG_CACHE_HOME and INFERSCALE_CDS_DIR: no archive anywhere (never a shared /tmp one), still runs
        List<String> command = List.of("env", "-u", "HOME", "-u", "XDG_CACHE_HOME", "-u", "INFERSCALE_CDS_DIR",
                "JAVA_HOME=" + jdk.getParent(), launcher.toString(), "validate", "-f", document.toString());
        assertThat(exec(tmp, Map.of(), command.toArray(String[]::new))).isEqualTo(ExitCode.OK);
        assertThat(Files.readAllLines(count)).as("no training without a private cache").hasSize(1);
    }

    private static List<Loaded> classesLoaded(Path tmp, String... args) throws IOException, InterruptedException {
        Path log = tmp.resolve("classes.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + log, "-jar", jar.toString()));
        command.addAll(List.of(args));
        assertThat(exec(tmp, Map.of(), command.toArray(String[]::new))).as(String.join(" ", args)).isEqualTo(ExitCode.OK);
        return parse(log);
    }

    private static int exec(Path tmp, Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("INFERSCALE_BACKEND");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().putAll(env);
        pb.redirectOutput(tmp.resolve("out.txt").toFile()).redirectError(tmp.resolve("err.txt").toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command) + " finished").isTrue();
        return p.exitValue();
    }

    private static List<Loaded> parse(Path log) throws IOException {
        List<Loaded> loaded = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = LOADED.matcher(line);
            if (m.find()) {
                loaded.add(new Loaded(m.group(1), m.group(2)));
            }
        }
        assertThat(loaded).as("classes in " + log).hasSizeGreaterThan(100);
        return loaded;
    }

    private static List<String> names(List<Loaded> loaded) {
        return loaded.stream().map(Loaded::name).toList();
    }
}
