package io.inferscale.cli;

import io.inferscale.api.backend.Backends;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Keeps the top-level README honest: its capability table and its commands. */
class ReadmeTest {

    private static final Path README = Path.of("../README.md");
    private static final Path CI = Path.of("../.ci/run");

    @Test
    void theCapabilityTableIsWhatTheBackendsDeclare() throws IOException {
        String readme = Files.readString(README);
        int start = readme.indexOf("<!-- capabilities:start -->\n");
        int end = readme.indexOf("<!-- capabilities:end -->");
        assertThat(start).isNotNegative();
        assertThat(end).isGreaterThan(start);
        String table = readme.substring(start + "<!-- capabilities:start -->\n".length(), end);

        CliHarness.Result generated = new CliHarness().backends(Backends.discover()).run("backends", "-o", "markdown");
        assertThat(generated.code()).isZero();
        assertThat(table).as("README.md capability table; regenerate with: java -jar cli/target/inferscale.jar backends -o markdown")
                .isEqualTo(generated.out());
        assertThat(table).startsWith("| FEATURE | in-memory | kubernetes | sagemaker | vertex |");
    }

    @Test
    void everyCommandInTheReadmeIsRunByCi() throws IOException {
        List<String> commands = new ArrayList<>();
        boolean inConsole = false;
        for (String line : Files.readAllLines(README)) {
            if (line.startsWith("```")) {
                inConsole = line.equals("```console");
                continue;
            }
            if (inConsole && line.startsWith("$ ")) {
                commands.add(line.substring(2).strip());
            }
        }
        assertThat(commands).hasSizeGreaterThanOrEqualTo(10);
        List<String> ci = Files.readAllLines(CI).stream().map(String::strip)
                .map(l -> l.replaceFirst("^expect_exit \\d+ ", "")).toList();
        assertThat(ci).as(".ci/run runs every README command").containsAll(commands);
    }

    @Test
    void theTwoCommandsStayAsTheyAre() throws IOException {
        String readme = Files.readString(README);
        assertThat(readme).contains("```\nmvn -B -q -DskipTests install && mvn -B -q -pl examples exec:java\n```")
                .contains("```\nmvn -B verify\n```");
        List<String> ci = Files.readAllLines(CI).stream().map(String::strip).toList();
        assertThat(ci).contains("mvn -B verify", "mvn -B -q -DskipTests install && mvn -B -q -pl examples exec:java");
    }

    @Test
    void everyRelativeLinkPointsToAFile() throws IOException {
        String readme = Files.readString(README);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\]\\(([^)#]+)(#[^)]*)?\\)").matcher(readme);
        int links = 0;
        while (m.find()) {
            String target = m.group(1);
            if (target.startsWith("http")) {
                continue;
            }
            links++;
            assertThat(Path.of("..").resolve(target)).as("README link " + target).exists();
        }
        assertThat(links).isGreaterThanOrEqualTo(5);
    }
}
