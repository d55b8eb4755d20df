package io.inferscale.examples;

import io.inferscale.api.DiscoveryException;
import io.inferscale.api.backend.Backends;
import io.inferscale.backend.inmemory.InMemoryBackendProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SwitchCloudsTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String action, Backends backends, Map<String, String> env) throws Exception {
        return SwitchClouds.run(action, backends, env::get, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** What a Maven profile does: only that cloud's backend (and in-memory) on the class path. */
    private static Backends only(String id) {
        return Backends.of(Backends.discover().provider(id), new InMemoryBackendProvider());
    }

    @ParameterizedTest
    @CsvSource({"kubernetes, kind: HorizontalPodAutoscaler", "sagemaker, \"operation\": \"PutScalingPolicy\"",
        "vertex, \"method\": \"DeployModel\""})
    void theSameCodeRendersForTheCloudOnTheClassPath(String id, String expected) throws Exception {
        assertThat(run("render", only(id), Map.of())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Backend: " + id + " (found on the class path: ")
                .contains(expected);
    }

    @Test
    void appliesToInMemoryWhenNoCloudIsThere() throws Exception {
        assertThat(run("apply", Backends.of(new InMemoryBackendProvider()), Map.of())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Backend: in-memory")
                .contains("+ InferenceEndpoint my-model-endpoint").contains("my-model-endpoint: READY, 1/1 replicas ready");
    }

    @Test
    void severalCloudsNeedAChoice() {
        assertThatThrownBy(() -> run("render", Backends.discover(), Map.of()))
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("several cloud backends are on the class path (kubernetes, sagemaker, vertex): set INFERSCALE_BACKEND "
                        + "to one of them, or keep one dependency (mvn -Pkubernetes, -Psagemaker or -Pvertex)");
    }

    @Test
    void theEnvironmentChooses() throws Exception {
        assertThat(run("plan", Backends.discover(), Map.of("INFERSCALE_BACKEND", "in-memory"))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Plan for my-model-endpoint on in-memory: 1 change");
    }
}
