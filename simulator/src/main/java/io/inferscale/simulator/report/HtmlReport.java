package io.inferscale.simulator.report;

import io.inferscale.simulator.SimulationResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import static io.inferscale.simulator.report.ReportText.escape;

/**
 * A self-contained page comparing runs of one spec on several backends under the same load, so a reader sees at a
 * glance which backend keeps up and at what cost, and what each result rests on. From the top: a headline (lowest
 * cost, fewest requests unserved), a cost table and a service-level table (unserved share, time over capacity, worst
 * catch-up after a rise), one small chart panel per backend on one shared time axis and requests-per-second scale
 * (demand on top of the backend's ready capacity, unserved demand in red), and per backend a table of
 * {@link SimulationResult#assumptions()} with each value's source, the ones nothing publishes marked
 * {@code assumption}. No script, no external style, font or image: it opens in any browser without a network.
 *
 * <p>The page is well-formed XHTML, so tools and tests can read it as XML:
 * <ul>
 *   <li>each panel is an SVG {@code <g class="panel" data-backend="ID">} holding the backend's
 *       {@code <polyline data-series="replicas">} (ready replicas, drawn at their capacity), {@code data-series="desired"}
 *       and {@code data-series="demand"} polylines, a {@code <path data-series="capacity">} area and, when demand
 *       exceeded capacity, a {@code <path data-series="unserved">}, each with {@code data-backend="ID"};</li>
 *   <li>cost rows are {@code <tr data-backend="ID" data-row="cost">}, service-level rows {@code data-row="service"},
 *       and each assumption {@code <tr data-backend="ID" data-row="assumption" data-assumed="true|false">}; their cells
 *       carry {@code data-field} (e.g. {@code total-usd}, {@code unserved-fraction}, {@code subject}, {@code source})
 *       and numeric cells the exact {@code data-value}.</li>
 * </ul>
 * Long runs are reduced to at most {@value #MAX_POINTS} buckets per line, each drawn at its highest value, so peaks
 * stay visible.
 */
public final class HtmlReport {

    /** The most buckets drawn per line. */
    public static final int MAX_POINTS = 1200;

    private HtmlReport() {
    }

    /**
     * Writes the report for {@code results} (one spec on several backends, same trace and step) to {@code file}.
     *
     * @throws IllegalArgumentException when {@code results} is empty
     * @throws UncheckedIOException     when the file cannot be written
     */
    public static void write(List<SimulationResult> results, Path file) {
        writePage(render(results), file, "simulation report");
    }

    /**
     * Writes a rendered page to {@code file} as UTF-8, creating its parent directories; the file-writing both this report
     * and the tuning report ({@link io.inferscale.simulator.tune.TuneReport}) use.
     *
     * @param page the page's text
     * @param file where to write it (replaced when it exists)
     * @param what the page's name in the error message, e.g. {@code simulation report}
     * @throws UncheckedIOException when the file cannot be written, naming {@code what} and the file
     */
    public static void writePage(String page, Path file, String what) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, page, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the " + what + " to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The report as text.
     *
     * @throws IllegalArgumentException when {@code results} is empty
     */
    public static String render(List<SimulationResult> results) {
        Objects.requireNonNull(results, "results");
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no simulation results to report");
        }
        SimulationResult first = results.get(0);
        String title = "Autoscaling simulation: " + first.endpointName();
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<title>").append(escape(title)).append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        sb.append("<h1>").append(escape(title)).append("</h1>\n");
        sb.append("<p class=\"lede\">").append(escape(lede(results))).append("</p>\n");
        ReportTables.headline(results, sb);
        ReportTables.summary(results, sb);
        sb.append("<h2>Demand and capacity over time</h2>\n");
        ReportChart.append(results, sb);
        sb.append("<h2>What each result rests on</h2>\n<p class=\"note\">Rows marked <span class=\"badge\">assumption</span> ")
                .append("are not published by the cloud: they are this tool's guesses, and their source says how to override them.</p>\n");
        ReportTables.assumptions(results, sb);
        sb.append("</body>\n</html>\n");
        return sb.toString();
    }

    /** Backends, trace length, peak demand and requests, step. */
    private static String lede(List<SimulationResult> results) {
        SimulationResult first = results.get(0);
        double peak = 0;
        for (int i = 0; i < first.tickCount(); i++) {
            peak = Math.max(peak, first.demandRps(i));
        }
        return ReportText.plural(results.size(), "backend", "backends") + " under the same load: "
                + ReportText.duration(first.summary().durationSeconds()) + ", " + ReportText.count(first.summary().totalRequests())
                + " requests, peak " + ReportText.number(peak) + " requests/s; one point every " + ReportText.duration(first.stepMillis() / 1000.0)
                + ".";
    }

    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:20px 24px;color:#202124;font-size:14px}
            h1{font-size:21px;margin:0 0 4px}h2{font-size:16px;margin:22px 0 6px}
            p{margin:4px 0}.lede{color:#5f6368}.headline{font-size:15px;font-weight:600;margin:10px 0}.note{color:#5f6368;font-size:13px}
            .tables{display:flex;flex-wrap:wrap;gap:12px 32px;align-items:flex-start}
            table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #e0e0e0;padding:5px 10px;text-align:right}
            th{background:#f1f3f4;font-weight:600}td.name,th.name{text-align:left}td.none{color:#80868b;text-align:left}
            caption{text-align:left;font-weight:600;font-size:14px;padding:4px 0}
            .swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}
            table.assumptions{width:100%;table-layout:fixed;margin:0 0 12px}
            table.assumptions caption{padding-left:4px}
            table.assumptions td{vertical-align:top;overflow-wrap:anywhere}col.subject{width:16%}col.value{width:24%}
            tr.assumed td{background:#fff8e1}
            .badge{display:inline-block;background:#f9ab00;color:#202124;border-radius:3px;padding:0 5px;font-size:11px;font-weight:600}
            a{color:#1a73e8}
            svg{max-width:100%;height:auto}svg text{font-size:12px;fill:#5f6368}.legend text{fill:#202124}
            .panel-title{font-size:13px;fill:#202124}rect.plot{fill:#ffffff;stroke:none}
            .axis{stroke:#5f6368;stroke-width:1}.grid{stroke:#eceff1;stroke-width:1}
            """;
}
