package io.inferscale.examples;

import io.inferscale.api.codec.EndpointDocument;
import io.inferscale.api.simulation.AutoscalerModels;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.simulator.Simulation;
import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.trace.LoadTrace;
import io.inferscale.simulator.trace.TraceOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.StringReader;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("The shipped sample of the Azure LLM inference trace 2023 loads as published")
class AzureTraceSampleTest {

    static final String SAMPLE = "traces/azure-llm-2023/AzureLLMInferenceTrace_conv-1835-1850.csv";

    private static long requests(String csv) {
        return csv.lines().filter(l -> !l.isBlank()).count() - 1; // one row per request after the header
    }

    @ParameterizedTest(name = "buckets of {0} s")
    @ValueSource(ints = {1, 15, 60, 900})
    @DisplayName("the sum of demand (rate x time) equals the number of requests in the log")
    void demandSumsToTheRequests(int bucketSeconds) throws Exception {
        String csv = QuickStart.text(SAMPLE);
        LoadTrace trace = LoadTrace.read(new StringReader(csv), "sample",
                TraceOptions.DEFAULTS.withBucket(Duration.ofSeconds(bucketSeconds)));
        assertThat(requests(csv)).isEqualTo(6282);
        assertThat(trace.totalRequests()).isCloseTo(6282, within(1e-6));
        assertThat(trace.hasInputTokens()).isTrue();
        assertThat(trace.hasOutputTokens()).isTrue();
        // 18:35:00.1065080 to 18:49:59.9110240: just under 15 minutes, rounded up to whole buckets
        assertThat(trace.durationMillis()).isEqualTo((long) Math.ceil(899.804516 / bucketSeconds) * bucketSeconds * 1000);
    }

    @Test
    @DisplayName("a simulation over it is offered every request of the log")
    void theSimulationIsOfferedEveryRequest() throws Exception {
        EndpointDocument doc = QuickStart.bundled("inference_endpoint.yaml");
        LoadTrace trace = LoadTrace.parseCsv(QuickStart.text(SAMPLE), "sample");
        SimulationResult r = Simulation.of(doc.endpoint()).trace(trace).profile(ReplicaProfile.of(2))
                .run(AutoscalerModels.discover().model("kubernetes"));
        assertThat(r.summary().totalRequests()).isCloseTo(6282, within(1e-6));
        assertThat(r.tickCount()).isEqualTo(60);
    }

    @Test
    @DisplayName("keeps its attribution and licence beside it")
    void attribution() throws Exception {
        assertThat(QuickStart.text("traces/azure-llm-2023/README.md"))
                .contains("Splitwise: Efficient generative LLM inference using phase splitting", "CC BY 4.0", "LICENSE-CC-BY-4.0.txt");
        assertThat(QuickStart.text("traces/azure-llm-2023/LICENSE-CC-BY-4.0.txt")).contains("Attribution 4.0 International");
        assertThat(QuickStart.text(SAMPLE)).startsWith("TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:35:00.1065080,401,109\r\n");
    }
}
