package io.inferscale.cli;

import io.inferscale.api.backend.Backends;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("inferscale simulate with queue-depth and tokens-per-second targets")
class SimulateInferenceTargetsTest {

    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness().backends(Backends.discover());
    /** 15 minutes of the Azure LLM inference trace 2023 (CC BY 4.0, see the folder's README): GeneratedTokens per request. */
    private final String azure = CliHarness.resource("traces/azure-llm-2023/AzureLLMInferenceTrace_conv-1835-1850.csv").toString();

    private Path spec(String target) throws IOException {
        Path f = dir.resolve("llm.yaml");
        Files.writeString(f, """
                apiVersion: mlops.example.com/v1
                kind: InferenceEndpoint
                metadata:
                  name: llm
                spec:
                  model:
                    name: llama
                    image: vllm/vllm-openai:v0.8.2
                  autoscaling:
                    minReplicas: 1
                    maxReplicas: 10
                    %s
                  resources:
                    requests: {cpu: '4', memory: 16Gi}
                """.formatted(target));
        return f;
    }

    @Test
    @DisplayName("tokens per second on the Azure trace's GeneratedTokens: simulated on kubernetes (HPA and KEDA)")
    void tokensOnTheAzureTrace() throws IOException {
        CliHarness.Result r = cli.run("simulate", "-f", spec("targetTokensPerSecondPerReplica: 200").toString(), "-b", "kubernetes",
                "--trace", azure, "--replica-capacity", "2");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out().lines().skip(1).findFirst().orElseThrow()).startsWith("kubernetes ");
    }

    @Test
    @DisplayName("tokens per second on a rate trace: exit INVALID naming the field and the trace column")
    void tokensOnARateTrace() throws IOException {
        CliHarness.Result r = cli.run("simulate", "-f", spec("targetTokensPerSecondPerReplica: 200").toString(), "-b", "kubernetes",
                "--trace", CliHarness.resource("traces/spike.csv").toString(), "--replica-capacity", "25");
        assertThat(r.code()).isEqualTo(ExitCode.INVALID);
        assertThat(r.err()).contains("spec.autoscaling.targetTokensPerSecondPerReplica").contains("GeneratedTokens")
                .contains("--trace-columns tokens_out=COLUMN");
    }

    @Test
    @DisplayName("queue depth simulates on kubernetes and vertex; sagemaker rejects it by field")
    void queueDepth() throws IOException {
        String f = spec("targetQueueDepthPerReplica: 4").toString();
        CliHarness.Result ok = cli.run("simulate", "-f", f, "-b", "kubernetes,vertex", "--trace", azure, "--replica-capacity", "2");
        assertThat(ok.code()).as(ok.err()).isEqualTo(ExitCode.OK);
        CliHarness.Result sm = cli.run("simulate", "-f", f, "-b", "sagemaker", "--trace", azure, "--replica-capacity", "2");
        assertThat(sm.code()).isNotEqualTo(ExitCode.OK);
        assertThat(sm.err()).contains("targetQueueDepthPerReplica");
    }
}
