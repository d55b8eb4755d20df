package io.inferscale.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DirectInvocation}, the plain {@code validate}/{@code render} command lines run without picocli: every
 * command line it recognises gives the command the fields picocli's parse gives it, the rest go to picocli, and it
 * knows every option picocli's model of both commands has (a new option there must be added here, or it would
 * silently never reach the command on the direct path).
 */
class DirectInvocationTest {

    private static final CliContext CONTEXT = CliContext.builder().environment(java.util.Map.of()).build();

    static Stream<List<String>> recognised() {
        return Stream.of(
                List.of("validate", "-f", "doc.yaml"),
                List.of("validate", "--filename", "doc.yaml"),
                List.of("validate", "--filename=doc.yaml"),
                List.of("validate", "-f", "-"),
                List.of("validate", "-f", "a file with spaces.yaml"),
                List.of("validate", "-f", "render"),
                List.of("validate", "-f", "help"),
                List.of("validate", "-f", "validate"),
                List.of("validate", "-f", "x=y.yaml"),
                List.of("--verbose", "validate", "-f", "doc.yaml"),
                List.of("validate", "-f", "doc.yaml", "--verbose"),
                List.of("validate", "-f", "doc.yaml", "--backend", "sagemaker"),
                List.of("render", "-f", "doc.yaml", "--backend", "kubernetes"),
                List.of("render", "-f", "doc.yaml", "-b", "kubernetes"),
                List.of("render", "--backend=kubernetes", "--filename", "doc.yaml"),
                List.of("render", "-f", "doc.yaml", "--backend", " in-memory "),
                List.of("render", "-b", "vertex", "-f", "doc.yaml", "--set", "vertex.project=p", "--set=vertex.location=europe-west4"),
                List.of("render", "-f", "doc.yaml", "--set", "a.b=c=d", "--set", "novalue", "--set", "k.k=1", "--set", "k.k=2"),
                List.of("render", "-f", "doc.yaml", "--set", "k.empty="),
                List.of("render", "-f", "doc.yaml", "--set", "=v"));
    }

    @ParameterizedTest
    @MethodSource("recognised")
    void aRecognisedCommandLineGivesTheFieldsPicocliGives(List<String> line) {
        String[] args = line.toArray(String[]::new);
        DirectInvocation direct = DirectInvocation.parse(args);
        assertThat(direct).as("recognised").isNotNull();

        CommandLine cl = Main.commandLine(CONTEXT, args);
        CommandLine.ParseResult parsed = cl.parseArgs(args);
        EndpointCommand viaPicocli = (EndpointCommand) parsed.subcommand().commandSpec().userObject();
        EndpointCommand viaDirect = direct.newCommand(new InferScaleCommand(CONTEXT));

        assertThat(viaDirect.getClass()).isEqualTo(viaPicocli.getClass());
        assertThat(direct.qualifiedName()).isEqualTo(parsed.subcommand().commandSpec().qualifiedName());
        assertThat(viaDirect.file).isEqualTo(viaPicocli.file);
        assertThat(viaDirect.backend.id).isEqualTo(viaPicocli.backend.id);
        assertThat(viaDirect.backend.values).containsExactlyEntriesOf(viaPicocli.backend.values);
        assertThat(viaDirect.root.context()).isSameAs(viaPicocli.root.context());
    }

    static Stream<List<String>> leftToPicocli() {
        return Stream.of(
                List.of(),
                List.of("validate"),
                List.of("validate", "-f"),
                List.of("validate", "-h"),
                List.of("validate", "--help"),
                List.of("validate", "-f", "doc.yaml", "--help"),
                List.of("render", "-f", "doc.yaml", "-V"),
                List.of("validate", "--version"),
                List.of("validate", "-f", "a.yaml", "-f", "b.yaml"),
                List.of("--verbose", "--verbose", "validate", "-f", "doc.yaml"),
                List.of("--verbose", "validate", "-f", "doc.yaml", "--verbose"),
                List.of("validate", "-f", "doc.yaml", "--verbose", "--verbose"),
                List.of("validate", "-fdoc.yaml"),
                List.of("validate", "-f=doc.yaml"),
                List.of("validate", "@args.txt"),
                List.of("validate", "-f", "@args.txt"),
                List.of("validate", "-f", "--backend"),
                List.of("validate", "-f", "-x.yaml"),
                List.of("validate", "-f", ""),
                List.of("validate", "--filename="),
                List.of("validate", "-f", "doc.yaml", "extra"),
                List.of("validate", "-f", "doc.yaml", "--"),
                List.of("render", "-f", "doc.yaml", "--unknown", "x"),
                List.of("render", "-f", "doc.yaml", "--backend", "a", "--backend", "b"),
                List.of("render", "-f", "doc.yaml", "--backend"),
                List.of("render", "-f", "doc.yaml", "--set", "-k=v"),
                List.of("render", "-f", "doc.yaml", "--verbose=true"),
                List.of("help", "validate"),
                List.of("--help"),
                List.of("--verbose"),
                List.of("backends"),
                List.of("plan", "-f", "doc.yaml", "--backend", "kubernetes"),
                List.of("Validate", "-f", "doc.yaml"));
    }

    @ParameterizedTest
    @MethodSource("leftToPicocli")
    void anythingElseIsLeftToPicocli(List<String> line) {
        assertThat(DirectInvocation.parse(line.toArray(String[]::new))).isNull();
    }

    @Test
    void aPicocliSystemPropertyLeavesEveryCommandLineToPicocli() {
        System.setProperty("picocli.trace", "OFF");
        try {
            assertThat(DirectInvocation.parse("validate", "-f", "doc.yaml")).isNull();
        } finally {
            System.clearProperty("picocli.trace");
        }
        assertThat(DirectInvocation.parse("validate", "-f", "doc.yaml")).isNotNull();
    }

    @Test
    void itKnowsEveryOptionOfBothCommandsInPicocliModel() {
        CommandLine cl = Main.commandLine(CONTEXT);
        Set<String> standardHelp = Set.of("-h", "--help", "-V", "--version");
        for (String command : DirectInvocation.COMMANDS) {
            List<String> names = new ArrayList<>();
            for (OptionSpec o : cl.getSubcommands().get(command).getCommandSpec().options()) {
                names.addAll(Arrays.asList(o.names()));
            }
            for (OptionSpec o : cl.getCommandSpec().options()) {
                if (o.scopeType() == CommandLine.ScopeType.INHERIT) {
                    names.addAll(Arrays.asList(o.names()));
                }
            }
            names.removeAll(standardHelp);
            assertThat(new TreeSet<>(names)).as(command).isEqualTo(new TreeSet<>(DirectInvocation.OPTIONS));
            // and none of them has a default picocli would apply (the direct path keeps the fields' initial values)
            for (OptionSpec o : cl.getSubcommands().get(command).getCommandSpec().options()) {
                assertThat(o.defaultValue()).as(command + " " + o.longestName()).isNull();
            }
        }
    }

    @Test
    void theDirectPathPrintsAndReturnsWhatPicocliPathDoes(@TempDir Path dir) throws IOException {
        String seed = CliHarness.seed();
        String invalid = dir.resolve("invalid.yaml").toString();
        Files.writeString(Path.of(invalid), CliHarness.read("inference_endpoint.yaml").replace("maxReplicas: 5", "maxReplica: 5"));
        String warning = dir.resolve("warning.yaml").toString();
        Files.writeString(Path.of(warning), CliHarness.read("inference_endpoint.yaml").replace("name: my-model-endpoint",
                "name: my-model-endpoint\n  labels: {team: a}"));
        List<List<String>> lines = List.of(
                List.of("validate", "-f", seed),
                List.of("validate", "-f", seed, "--backend", "in-memory"),
                List.of("validate", "-f", invalid),
                List.of("validate", "-f", invalid, "--backend", "in-memory"),
                List.of("validate", "-f", warning),
                List.of("validate", "-f", dir.toString()),
                List.of("validate", "-f", dir.resolve("missing.yaml").toString()),
                List.of("validate", "-f", "-"),
                List.of("validate", "-f", seed, "--backend", "nope"),
                List.of("render", "-f", seed, "--backend", "in-memory"),
                List.of("render", "-f", seed),
                List.of("render", "-f", invalid, "--backend", "in-memory"),
                List.of("render", "-f", seed, "--backend", "in-memory", "--set", "bogus=1"),
                List.of("render", "-f", seed, "--backend", "in-memory", "--set", "in-memory.x"),
                List.of("render", "-f", "-", "--backend", "in-memory"));
        for (List<String> line : lines) {
            String[] args = line.toArray(String[]::new);
            assertThat(DirectInvocation.parse(args)).as("recognised: %s", line).isNotNull();
            CliHarness.Result direct = new CliHarness().stdin(CliHarness.read("inference_endpoint.yaml")).run(args);
            CliHarness.Result picocli;
            System.setProperty("picocli.trace", "OFF"); // leaves every command line to picocli
            try {
                picocli = new CliHarness().stdin(CliHarness.read("inference_endpoint.yaml")).run(args);
            } finally {
                System.clearProperty("picocli.trace");
            }
            assertThat(direct).as("%s", line).isEqualTo(picocli);
        }
    }
}
