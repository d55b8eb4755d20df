package io.inferscale.api.simulation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HtmlReportTest {

    /** Parses a report and returns the backend ids of its ready-replica polylines, in order. */
    static List<String> replicaPolylines(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = f.newDocumentBuilder().parse(file.toFile());
        NodeList lines = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < lines.getLength(); i++) {
            Element e = (Element) lines.item(i);
            if (e.getAttribute("data-series").equals("replicas")) {
                assertThat(e.getAttribute("points").split(" ")).hasSizeGreaterThan(2);
                ids.add(e.getAttribute("data-backend"));
            }
        }
        return ids;
    }

    @Test
    void oneReplicaLinePerBackendAndNoNetwork(@TempDir Path dir) throws Exception {
        Simulation sim = Simulation.of(SimulationFixtures.endpoint("500m", "1"))
                .trace(LoadTrace.step(10, 80, Duration.ofMinutes(10), Duration.ofHours(1)))
                .profile(ReplicaProfile.of(10));
        List<SimulationResult> results = sim.compareProviders(List.of(new StubModelProvider("kubernetes", 6),
                new StubModelProvider("sagemaker", 8), new StubModelProvider("vertex", 12)));
        Path file = dir.resolve("out/report.html");
        HtmlReport.write(results, file);
        assertThat(replicaPolylines(file)).containsExactly("kubernetes", "sagemaker", "vertex");
        String html = Files.readString(file);
        assertThat(html).doesNotContain("http://\"", "https://", "<script", "<link", "src=");
        assertThat(html).contains("data-series=\"demand\"", "data-series=\"capacity\" data-backend=\"vertex\"");
    }

    @Test
    void longRunsAreBucketed() {
        SimulationResult r = Simulation.of(SimulationFixtures.endpoint("1", "1"))
                .trace(LoadTrace.constant(10, Duration.ofDays(2))).profile(ReplicaProfile.of(10))
                .compareProviders(List.of(new StubModelProvider("kubernetes", 6))).get(0);
        String html = HtmlReport.render(List.of(r));
        int start = html.indexOf("data-series=\"replicas\"");
        String points = html.substring(html.indexOf("points=\"", start) + 8, html.indexOf("\"/>", start));
        assertThat(points.split(" ")).hasSize(2 * HtmlReport.MAX_POINTS);
        assertThatThrownBy(() -> HtmlReport.render(List.of())).hasMessage("no simulation results to report");
    }
}
