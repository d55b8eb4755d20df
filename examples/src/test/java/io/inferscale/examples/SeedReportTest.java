package io.inferscale.examples;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.simulation.AutoscalerModels;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.simulator.Simulation;
import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.report.HtmlReport;
import io.inferscale.simulator.trace.LoadTrace;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's {@code inference_endpoint.yaml} on all three backends, with their discovered models: writes
 * {@code target/seed-report.html} and checks, by parsing it, that it holds one ready-replica line, one cost row and
 * the assumption rows of each backend.
 */
class SeedReportTest {

    /**
     * The seed spec on kubernetes, sagemaker and vertex under a rise to 30 and 45 rps and back, 10 rps per replica;
     * each replica starts in {@code startup}, or in its backend's default when null.
     */
    static List<SimulationResult> seedResults(Duration startup) throws Exception {
        String yaml;
        try (InputStream in = SeedReportTest.class.getResourceAsStream("/inference_endpoint.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        InferenceEndpoint seed = EndpointCodec.read(yaml, "inference_endpoint.yaml").endpoint();
        assertThat(AutoscalerModels.discover().ids()).contains("kubernetes", "sagemaker", "vertex");
        LoadTrace trace = LoadTrace.of(new double[] {0, 600, 1200, 2400, 3000, 5400},
                new double[] {4, 30, 45, 12, 4, 4});
        return Simulation.of(seed).trace(trace)
                .profile(startup == null ? ReplicaProfile.of(10) : ReplicaProfile.builder(10).startup(startup).build())
                .compare(List.of("kubernetes", "sagemaker", "vertex"));
    }

    /** The report parsed as XML. */
    static Document parse(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(file.toFile());
    }

    /** The {@code <tr data-row="KIND" data-backend="ID">} rows of the report. */
    static List<Element> rows(Document doc, String kind, String backendId) {
        NodeList all = doc.getElementsByTagNameNS("http://www.w3.org/1999/xhtml", "tr");
        List<Element> rows = new ArrayList<>();
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (e.getAttribute("data-row").equals(kind) && e.getAttribute("data-backend").equals(backendId)) {
                rows.add(e);
            }
        }
        return rows;
    }

    /** The text of the row's cell with {@code data-field="FIELD"}. */
    static String field(Element row, String field) {
        NodeList cells = row.getElementsByTagNameNS("http://www.w3.org/1999/xhtml", "td");
        for (int i = 0; i < cells.getLength(); i++) {
            Element c = (Element) cells.item(i);
            if (c.getAttribute("data-field").equals(field)) {
                return c.getTextContent();
            }
        }
        throw new AssertionError("no cell data-field=" + field + " in row " + row.getTextContent());
    }

    @Test
    void seedSpecOnAllThreeBackends() throws Exception {
        List<SimulationResult> results = seedResults(Duration.ofSeconds(90));
        Path file = Path.of("target", "seed-report.html");
        HtmlReport.write(results, file);
        Files.writeString(Path.of("target", "seed-report.csv"), SimulationResult.toCsv(results));

        Document doc = parse(file);
        NodeList lines = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline");
        List<String> replicaLines = new ArrayList<>();
        for (int i = 0; i < lines.getLength(); i++) {
            Element e = (Element) lines.item(i);
            if (e.getAttribute("data-series").equals("replicas")) {
                replicaLines.add(e.getAttribute("data-backend"));
            }
        }
        assertThat(replicaLines).containsExactly("kubernetes", "sagemaker", "vertex");
        for (SimulationResult r : results) {
            String id = r.backendId();
            // 60 % of the 500m CPU request is 0.3 cores on every backend: the HPA's Utilization 60, SageMaker's
            // CPUUtilization 30 (summed over ml.c5.large's 2 vCPUs), Vertex's cpu/utilization 15 (% of n1-standard-2's
            // 2 vCPUs); 45 rps needs 45 / (10 x 0.6) = 7.5 replicas at that threshold, so each scales out to maxReplicas 5
            assertThat(r.summary().scaleUps()).as(id).isPositive();
            assertThat(r.summary().peakReplicas()).as(id).isEqualTo(5);

            List<Element> cost = rows(doc, "cost", id);
            assertThat(cost).as(id).hasSize(1);
            assertThat(field(cost.get(0), "machine")).as(id).startsWith(r.cost().map(c -> c.price().machine()).orElse("no price"));
            assertThat(rows(doc, "service", id)).as(id).hasSize(1);

            List<Element> assumed = rows(doc, "assumption", id);
            assertThat(assumed).extracting(row -> field(row, "subject"))
                    .as(id).containsExactlyElementsOf(r.assumptions().stream().map(Assumption::subject).toList())
                    .contains("startup", "replica capacity");
            assertThat(assumed).extracting(row -> row.getAttribute("data-assumed"))
                    .containsExactlyElementsOf(r.assumptions().stream().map(a -> String.valueOf(a.isAssumption())).toList());
        }
    }
}
