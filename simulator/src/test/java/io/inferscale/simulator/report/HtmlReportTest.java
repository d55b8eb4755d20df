package io.inferscale.simulator.report;

import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.AutoscalerModelProvider;
import io.inferscale.api.simulation.ModelContext;
import io.inferscale.api.simulation.Observation;
import io.inferscale.api.simulation.ReplicaPrice;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.simulator.CostEstimate;
import io.inferscale.simulator.Simulation;
import io.inferscale.simulator.SimulationFixtures;
import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.SimulationSummary;
import io.inferscale.simulator.StepResponse;
import io.inferscale.simulator.StubModelProvider;
import io.inferscale.simulator.trace.LoadTrace;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HtmlReportTest {

    private static final String XHTML = "http://www.w3.org/1999/xhtml";
    private static final String SVG = "http://www.w3.org/2000/svg";
    private static final LoadTrace STEP = LoadTrace.step(10, 80, Duration.ofMinutes(10), Duration.ofHours(1));

    static Document parse(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    /** The elements {@code ns:tag} with {@code attribute="value"}. */
    static List<Element> elements(Document doc, String ns, String tag, String attribute, String value) {
        NodeList all = doc.getElementsByTagNameNS(ns, tag);
        List<Element> found = new ArrayList<>();
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (e.getAttribute(attribute).equals(value)) {
                found.add(e);
            }
        }
        return found;
    }

    /** Per row of kind {@code data-row}: backend id to the row's cells by {@code data-field}, in page order. */
    static Map<String, List<Map<String, String>>> rows(Document doc, String kind) {
        Map<String, List<Map<String, String>>> byBackend = new TreeMap<>();
        for (Element row : elements(doc, XHTML, "tr", "data-row", kind)) {
            Map<String, String> cells = new TreeMap<>();
            NodeList tds = row.getElementsByTagNameNS(XHTML, "td");
            for (int i = 0; i < tds.getLength(); i++) {
                Element td = (Element) tds.item(i);
                if (td.hasAttribute("data-field")) {
                    cells.put(td.getAttribute("data-field"), td.getTextContent());
                }
            }
            cells.put("data-assumed", row.getAttribute("data-assumed"));
            byBackend.computeIfAbsent(row.getAttribute("data-backend"), k -> new ArrayList<>()).add(cells);
        }
        return byBackend;
    }

    /** The stub model under {@code id}, listing {@code assumptions} as its own. */
    private static AutoscalerModelProvider withAssumptions(String id, double perReplica, List<Assumption> assumptions) {
        StubModelProvider stub = new StubModelProvider(id, perReplica);
        return new AutoscalerModelProvider() {
            public String backendId() {
                return id;
            }

            public String description() {
                return "stub " + id;
            }

            public Duration defaultStartup() {
                return stub.defaultStartup();
            }

            public Set<String> settingKeys() {
                return stub.settingKeys();
            }

            public AutoscalerModel create(ModelContext context) {
                AutoscalerModel m = stub.create(context);
                return new AutoscalerModel() {
                    public String backendId() {
                        return id;
                    }

                    public long nextDecisionMillis() {
                        return m.nextDecisionMillis();
                    }

                    public int decide(Observation o) {
                        return m.decide(o);
                    }

                    public List<Assumption> assumptions() {
                        return assumptions;
                    }
                };
            }
        };
    }

    private static List<SimulationResult> threeBackends() {
        return Simulation.of(SimulationFixtures.endpoint("500m", "1")).trace(STEP).profile(ReplicaProfile.of(10))
                .compareProviders(List.of(new StubModelProvider("kubernetes", 6), new StubModelProvider("sagemaker", 8),
                        new StubModelProvider("vertex", 12)));
    }

    @Test
    @DisplayName("one panel per backend with its replica, capacity and demand lines; nothing loads from elsewhere")
    void onePanelPerBackendAndNoNetwork(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out/report.html");
        HtmlReport.write(threeBackends(), file);
        String html = Files.readString(file);
        Document doc = parse(html);
        assertThat(elements(doc, SVG, "g", "class", "panel")).extracting(e -> e.getAttribute("data-backend"))
                .containsExactly("kubernetes", "sagemaker", "vertex");
        for (String series : List.of("replicas", "desired", "demand")) {
            List<Element> lines = elements(doc, SVG, "polyline", "data-series", series);
            assertThat(lines).as(series).extracting(e -> e.getAttribute("data-backend")).containsExactly("kubernetes", "sagemaker", "vertex");
            assertThat(lines).allSatisfy(e -> assertThat(e.getAttribute("points").split(" ")).hasSizeGreaterThan(2));
        }
        assertThat(elements(doc, SVG, "path", "data-series", "capacity")).hasSize(3);
        assertThat(html).doesNotContain("<script", "<link", "src=", "@import", "url(", "@font-face");
    }

    @Test
    @DisplayName("demand beyond capacity is drawn in red only in the panels of backends that fell behind")
    void unservedDemandIsDrawn() throws Exception {
        List<SimulationResult> results = threeBackends();
        Document doc = parse(HtmlReport.render(results));
        List<String> behind = results.stream().filter(r -> r.summary().requestsOverCapacity() > 0).map(SimulationResult::backendId).toList();
        assertThat(behind).isNotEmpty();
        assertThat(elements(doc, SVG, "path", "data-series", "unserved")).extracting(e -> e.getAttribute("data-backend"))
                .containsExactlyElementsOf(behind);
    }

    @Test
    @DisplayName("each backend has a cost row (or 'no price') and its assumptions with their sources, guesses marked")
    void costAndAssumptionRowsPerBackend() throws Exception {
        List<Assumption> own = List.of(new Assumption("scales on", "CPU 60 % <of request> & more", "AWS docs, https://docs.example/a"),
                Assumption.assumed("scale-in cooldown", "5m", "--setting sagemaker.cooldown=DURATION"));
        List<SimulationResult> results = new ArrayList<>(Simulation.of(SimulationFixtures.endpoint("500m", "1")).trace(STEP)
                .profile(ReplicaProfile.of(10)).compareProviders(List.of(new StubModelProvider("kubernetes", 6),
                        withAssumptions("sagemaker", 8, own), new StubModelProvider("vertex", 12))));
        results.set(1, results.get(1).withPrice(new ReplicaPrice("ml.m5.xlarge", 0.23, "catalogue us-east-1, 2026-11")));
        results.set(2, results.get(2).withPrice(new ReplicaPrice("n1-standard-2", 0.1, "assumption; override with --prices FILE")));
        String html = HtmlReport.render(results);
        Document doc = parse(html);

        Map<String, List<Map<String, String>>> cost = rows(doc, "cost");
        assertThat(cost.keySet()).containsExactly("kubernetes", "sagemaker", "vertex");
        assertThat(cost.get("vertex").get(0)).as("a guessed price is marked").containsEntry("usd-per-hour", "assumption $0.1000");
        assertThat(cost.get("kubernetes")).singleElement().satisfies(c -> assertThat(c.get("machine")).startsWith("no price"));
        Map<String, String> sagemaker = cost.get("sagemaker").get(0);
        CostEstimate estimate = results.get(1).cost().orElseThrow();
        assertThat(sagemaker).containsEntry("machine", "ml.m5.xlarge").containsEntry("usd-per-hour", "$0.2300")
                .containsEntry("total-usd", ReportText.usd(estimate.totalUsd()))
                .containsEntry("usd-per-million-served", ReportText.usd(estimate.usdPerMillionRequestsServed()));
        assertThat(elements(doc, XHTML, "td", "data-field", "total-usd").get(0).getAttribute("data-value"))
                .isEqualTo(Double.toString(estimate.totalUsd()));

        Map<String, List<Map<String, String>>> assumptions = rows(doc, "assumption");
        assertThat(assumptions.get("kubernetes")).extracting(a -> a.get("subject")).containsExactly("startup", "replica capacity");
        assertThat(assumptions.get("sagemaker")).extracting(a -> a.get("subject"))
                .containsExactly("startup", "replica capacity", "scales on", "scale-in cooldown", "price per replica-hour");
        assertThat(assumptions.get("sagemaker")).extracting(a -> a.get("data-assumed")).containsExactly("true", "false", "false", "true", "false");
        Map<String, String> scalesOn = assumptions.get("sagemaker").get(2);
        assertThat(scalesOn).containsEntry("value", "CPU 60 % <of request> & more").containsEntry("source", "AWS docs, https://docs.example/a");
        assertThat(assumptions.get("sagemaker").get(3)).containsEntry("source", "assumption override with --setting sagemaker.cooldown=DURATION");
        assertThat(elements(doc, XHTML, "a", "href", "https://docs.example/a")).hasSize(1);
        assertThat(html).contains("<span class=\"badge\">assumption</span>");
        assertThat(rows(doc, "service").keySet()).containsExactly("kubernetes", "sagemaker", "vertex");
    }

    @Test
    @DisplayName("the headline names the cheapest backend and the one with the fewest requests unserved")
    void headline() throws Exception {
        List<SimulationResult> results = threeBackends();
        String unpriced = text(parse(HtmlReport.render(results)), "headline");
        assertThat(unpriced).doesNotContain("cost").startsWith("Fewest requests unserved: ");
        List<SimulationResult> priced = results.stream().map(r -> r.withPrice(new ReplicaPrice("m", 1, "test"))).toList();
        SimulationResult cheapest = priced.stream().min((a, b) -> Double.compare(a.summary().replicaHours(), b.summary().replicaHours()))
                .orElseThrow();
        assertThat(text(parse(HtmlReport.render(priced)), "headline"))
                .startsWith("Lowest cost: " + cheapest.backendId() + " (" + ReportText.usd(cheapest.cost().orElseThrow().totalUsd()) + ").");
        assertThat(text(parse(HtmlReport.render(results.subList(0, 1))), "headline")).isEmpty();
    }

    private static String text(Document doc, String cssClass) {
        return elements(doc, XHTML, "p", "class", cssClass).stream().map(Element::getTextContent).findFirst().orElse("");
    }

    @Test
    @DisplayName("catch-up reads as words: no shortfall, a duration, rises that never caught up")
    void catchUpInWords() {
        assertThat(ReportTables.catchUp(summary())).isEqualTo("no shortfall");
        assertThat(ReportTables.catchUp(summary(new StepResponse(600, 10, 80, 270)))).isEqualTo("4 min 30 s");
        assertThat(ReportTables.catchUp(summary(new StepResponse(600, 10, 80, Double.NaN)))).isEqualTo("1 rise never caught up");
        assertThat(ReportTables.catchUp(summary(new StepResponse(600, 10, 80, 90), new StepResponse(900, 10, 80, Double.NaN),
                new StepResponse(1200, 10, 80, Double.NaN)))).isEqualTo("1 min 30 s; 2 rises never caught up");
    }

    private static SimulationSummary summary(StepResponse... steps) {
        return new SimulationSummary("b", 3600, 1, 1, 50, 90, 0, 0, 1000, 0, 0, 1, List.of(steps));
    }

    @Test
    @DisplayName("numbers read as a person writes them")
    void numbers() {
        assertThat(List.of(45.0, 60.0, 270.0, 3600.0, 8100.0, 3 * 86400.0 + 4 * 3600)).extracting(ReportText::duration)
                .containsExactly("45 s", "1 min", "4 min 30 s", "1 h", "2 h 15 min", "3 d 4 h");
        assertThat(List.of(0.0, 0.0421, 12.345, 1234.5)).extracting(ReportText::usd).containsExactly("$0.00", "$0.0421", "$12.35", "$1,235");
        assertThat(List.of(0.0074, 0.00000001, 0.5)).extracting(ReportText::percent).containsExactly("0.74 %", "<0.01 %", "50 %");
        assertThat(ReportText.tint(0)).isEqualTo("#ccdaf9");
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
        assertThat(html).contains(">time (hours)<");
        assertThatThrownBy(() -> HtmlReport.render(List.of())).hasMessage("no simulation results to report");
    }
}
