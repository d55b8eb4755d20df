package io.inferscale.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's library example is this module's DeployModel, compiled and run here. */
class DeployModelTest {

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        int to = text.indexOf(end, from + 1);
        assertThat(from).as("marker " + start).isNotNegative();
        assertThat(to).as("marker " + end).isPositive();
        return text.substring(from + start.length(), to).strip();
    }

    @Test
    void theReadmeShowsExactlyThisCode() throws Exception {
        String source = Files.readString(Path.of("src/main/java/io/inferscale/examples/DeployModel.java"));
        String readme = Files.readString(Path.of("../README.md"));
        String inReadme = between(readme, "<!-- library-example:start -->", "<!-- library-example:end -->");
        assertThat(inReadme).startsWith("```java").endsWith("```");
        assertThat(inReadme.substring("```java".length(), inReadme.length() - 3).strip())
                .isEqualTo(between(source, "// README:start", "// README:end"));
    }

    @Test
    void itDeploysToTheInMemoryBackend() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            DeployModel.main(new String[] {"in-memory"});
        } finally {
            System.setOut(original);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("+ InferenceEndpoint my-model-endpoint")
                .contains("my-model-endpoint: 1/1 replicas ready");
    }
}
