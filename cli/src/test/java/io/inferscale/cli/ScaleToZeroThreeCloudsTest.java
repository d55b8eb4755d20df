package io.inferscale.cli;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.simulator.Simulation;
import io.inferscale.simulator.SimulationJson;
import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.SimulationSummary;
import io.inferscale.simulator.report.HtmlReport;
import io.inferscale.simulator.trace.LoadTrace;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scenario of docs/simulation.md "Scale to zero on three clouds": the example endpoint that scales to zero
 * ({@code examples/src/main/resources/scale_to_zero_endpoint.yaml}) on two days with idle nights derived from the Azure LLM
 * trace 2023 (CC BY 4.0, attribution in {@code examples/src/main/resources/traces/azure-llm-2023/README.md}), on Kubernetes
 * with KEDA, SageMaker and Vertex AI. The shape is asserted from the simulation, not from figures.
 */
class ScaleToZeroThreeCloudsTest {

    static final Path ENDPOINT = Path.of("../examples/src/main/resources/scale_to_zero_endpoint.yaml");
    static final Path TRACE = Path.of("../examples/src/main/resources/traces/azure-llm-2023/azure-conv-idle-nights-2d.csv");
    static final List<String> CLOUDS = List.of("kubernetes", "sagemaker", "vertex");

    static List<SimulationResult> simulate() throws IOException {
        InferenceEndpoint endpoint = EndpointCodec.read(ENDPOINT).endpoint();
        return Simulation.of(endpoint).trace(LoadTrace.read(TRACE)).profile(ReplicaProfile.of(2)).compare(CLOUDS);
    }

    @Test
    @DisplayName("each cloud is at zero at night, SageMaker and Vertex lose requests waking up, and every cloud saves idle cost")
    void shape() throws IOException {
        List<SimulationResult> results = simulate();
        StringWriter table = new StringWriter();
        try (PrintWriter w = new PrintWriter(table)) {
            SimulateCommand.summaryTable(results).print(w);
        }
        System.out.println(table); // the table of docs/simulation.md
        for (SimulationResult r : results) {
            SimulationSummary s = r.summary();
            assertThat(s.zeroReplicaSeconds()).as(r.backendId() + " time at zero").isPositive();
            assertThat(s.idleReplicaHoursSaved()).as(r.backendId() + " replica-hours saved").isPositive();
            assertThat(r.cost()).as(r.backendId() + " priced").isPresent();
            assertThat(r.cost().get().idleUsdSaved()).as(r.backendId() + " dollars saved").isPositive();
            assertThat(s.requestsLostDuringColdStart()).isLessThanOrEqualTo(s.requestsLostAtZero());
            if (!r.backendId().equals("kubernetes")) {
                assertThat(s.requestsLostAtZero()).as(r.backendId() + " requests lost at zero").isPositive();
                assertThat(s.requestsLostDuringColdStart()).as(r.backendId() + " lost during the cold start").isPositive();
            }
        }
        // the table's new columns carry the same figures
        List<String> lines = table.toString().lines().toList();
        List<String> headers = Arrays.asList(lines.get(0).trim().split(" {3,}"));
        assertThat(headers).containsSubsequence("AT-ZERO", "LOST-AT-ZERO", "LOST-COLD-START", "IDLE-SAVED-REPLICA-H", "IDLE-SAVED");
        for (int i = 0; i < results.size(); i++) {
            List<String> cells = Arrays.asList(lines.get(i + 1).trim().split(" {3,}"));
            assertThat(cells.get(headers.indexOf("AT-ZERO"))).isNotEqualTo("-");
            assertThat(cells.get(headers.indexOf("IDLE-SAVED"))).startsWith("$");
        }
    }

    @Test
    @DisplayName("the HTML report's scale-to-zero rows and the JSON summary carry the same figures as the summary")
    void reportAndJson() throws IOException {
        List<SimulationResult> results = simulate();
        String page = HtmlReport.render(results);
        StringBuilder json = new StringBuilder();
        SimulationJson.write(results, json);
        for (SimulationResult r : results) {
            SimulationSummary s = r.summary();
            String row = page.substring(page.indexOf("<tr data-backend=\"" + r.backendId() + "\" data-row=\"zero\">"));
            row = row.substring(0, row.indexOf("</tr>"));
            assertThat(row).contains("data-field=\"zero-replica-seconds\" data-value=\"" + s.zeroReplicaSeconds() + "\"",
                    "data-field=\"requests-lost-cold-start\" data-value=\"" + s.requestsLostDuringColdStart() + "\"",
                    "data-field=\"idle-replica-hours-saved\" data-value=\"" + s.idleReplicaHoursSaved() + "\"",
                    "data-field=\"idle-usd-saved\" data-value=\"" + r.cost().orElseThrow().idleUsdSaved() + "\"");
        }
        assertThat(json.toString()).contains("\"requestsLostDuringColdStart\"", "\"floorReplicaHours\"", "\"idleReplicaHoursSaved\"",
                "\"idleUsdSaved\"");
    }

    @Test
    @DisplayName("simulate on the command line prints the same three rows as the library run")
    void cliMatchesLibrary() throws IOException {
        CliHarness.Result r = new CliHarness().backends(Backends.discover()).run("simulate", "-f", ENDPOINT.toString(), "-b", String.join(",", CLOUDS),
                "--trace", TRACE.toString(), "--replica-capacity", "2");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
        StringWriter table = new StringWriter();
        try (PrintWriter w = new PrintWriter(table)) {
            SimulateCommand.summaryTable(simulate()).print(w);
        }
        assertThat(r.out()).startsWith(table.toString());
    }
}
