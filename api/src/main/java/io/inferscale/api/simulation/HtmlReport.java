package io.inferscale.api.simulation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A self-contained HTML page comparing runs: inline SVG charts (demand against each backend's ready capacity,
 * and replicas over time with one line per backend) and a summary table. No script, no external style, font or
 * image: it opens in any browser without a network.
 *
 * <p>The page is well-formed XHTML, so tools can read it as XML. Each backend's ready-replica line is an SVG
 * {@code <polyline data-series="replicas" data-backend="ID">}; its capacity line has {@code data-series="capacity"}
 * and the demand line {@code data-series="demand"}. Long runs are reduced to at most {@value #MAX_POINTS} buckets
 * per line, each drawn at its highest value, so peaks stay visible. Where backends agree their lines overlap; earlier
 * backends are drawn wider so every line stays visible.
 */
public final class HtmlReport {

    /** The most buckets drawn per line. */
    public static final int MAX_POINTS = 1200;

    private static final String[] PALETTE = {"#326ce5", "#e8750a", "#1e8e3e", "#a142f4", "#d93025", "#12b5cb"};
    private static final int WIDTH = 960;
    private static final int HEIGHT = 280;
    private static final int LEFT = 60;
    private static final int RIGHT = 20;
    private static final int TOP = 20;
    private static final int BOTTOM = 40;

    private HtmlReport() {
    }

    /**
     * Writes the report for {@code results} (one spec on several backends, same trace and step) to {@code file}.
     *
     * @throws IllegalArgumentException when {@code results} is empty
     * @throws UncheckedIOException     when the file cannot be written
     */
    public static void write(List<SimulationResult> results, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, render(results), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the simulation report to " + file + ": " + e.getMessage(), e);
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
                .append("<title>").append(escape(title)).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#202124}\n")
                .append("h1{font-size:20px}h2{font-size:16px;margin-top:28px}\n")
                .append("table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #dadce0;padding:4px 8px;text-align:right}\n")
                .append("th{background:#f1f3f4}td.name,th.name{text-align:left}\n")
                .append(".axis{stroke:#5f6368;stroke-width:1}.grid{stroke:#e8eaed;stroke-width:1}\n")
                .append("text{font-size:11px;fill:#5f6368}.legend text{font-size:12px;fill:#202124}\n")
                .append("</style>\n</head>\n<body>\n");
        sb.append("<h1>").append(escape(title)).append("</h1>\n");
        sb.append("<p>").append(results.size()).append(" backend").append(results.size() == 1 ? "" : "s").append(", ")
                .append(fmt(first.summary().durationSeconds() / 3600.0)).append(" h of load, output every ")
                .append(fmt(first.stepMillis() / 1000.0)).append(" s. Capacity = ready replicas × ")
                .append(fmt(first.capacityPerReplica())).append(" rps per replica.</p>\n");

        double duration = first.summary().durationSeconds();
        double maxDemand = 0;
        double maxCapacity = 0;
        int maxReplicas = 1;
        for (SimulationResult r : results) {
            for (int i = 0; i < r.tickCount(); i++) {
                maxDemand = Math.max(maxDemand, r.demandRps(i));
                maxCapacity = Math.max(maxCapacity, r.readyReplicas(i) * r.capacityPerReplica());
                maxReplicas = Math.max(maxReplicas, Math.max(r.readyReplicas(i), r.desiredReplicas(i)));
            }
        }
        double yMaxRps = niceCeiling(Math.max(1, Math.max(maxDemand, maxCapacity)));
        double yMaxReplicas = 4 * Math.ceil((maxReplicas + 1) / 4.0);

        sb.append("<h2>Demand and ready capacity</h2>\n");
        startChart(sb, "demand-capacity", "requests per second", duration, yMaxRps);
        polyline(sb, first, Series.DEMAND, duration, yMaxRps, "#202124", "demand", null, "2");
        for (int k = 0; k < results.size(); k++) {
            SimulationResult r = results.get(k);
            polyline(sb, r, Series.CAPACITY, duration, yMaxRps, color(k), "capacity", r.backendId(), width(k, results.size()));
        }
        legend(sb, results, true);
        sb.append("</svg>\n");

        sb.append("<h2>Replicas over time</h2>\n");
        startChart(sb, "replicas", "ready replicas (dashed: desired)", duration, yMaxReplicas);
        for (int k = 0; k < results.size(); k++) {
            SimulationResult r = results.get(k);
            polyline(sb, r, Series.DESIRED, duration, yMaxReplicas, color(k), "desired", r.backendId(), "1\" stroke-dasharray=\"4 3");
            polyline(sb, r, Series.READY, duration, yMaxReplicas, color(k), "replicas", r.backendId(), width(k, results.size()));
        }
        legend(sb, results, false);
        sb.append("</svg>\n");

        sb.append("<h2>Summary</h2>\n<table>\n<tr><th class=\"name\">backend</th><th>replica-hours</th><th>p50 CPU %</th>")
                .append("<th>p95 CPU %</th><th>seconds over capacity</th><th>requests over capacity</th><th>scale-ups</th>")
                .append("<th>scale-downs</th><th>peak replicas</th><th>worst time to capacity (s)</th></tr>\n");
        for (SimulationResult r : results) {
            SimulationSummary s = r.summary();
            sb.append("<tr><td class=\"name\">").append(escape(r.backendId())).append("</td><td>").append(fmt(s.replicaHours()))
                    .append("</td><td>").append(fmt(s.p50UtilizationPercent())).append("</td><td>").append(fmt(s.p95UtilizationPercent()))
                    .append("</td><td>").append(fmt(s.secondsOverCapacity())).append("</td><td>").append(fmt(s.requestsOverCapacity()))
                    .append("</td><td>").append(s.scaleUps()).append("</td><td>").append(s.scaleDowns()).append("</td><td>")
                    .append(s.peakReplicas()).append("</td><td>")
                    .append(s.worstSecondsToCapacity().isPresent() ? fmt(s.worstSecondsToCapacity().getAsDouble()) : "-")
                    .append(s.stepsNeverCaughtUp() > 0 ? " (" + s.stepsNeverCaughtUp() + " never)" : "").append("</td></tr>\n");
        }
        sb.append("</table>\n</body>\n</html>\n");
        return sb.toString();
    }

    private enum Series { DEMAND, CAPACITY, READY, DESIRED }

    private static double value(SimulationResult r, Series s, int i) {
        switch (s) {
            case DEMAND:
                return r.demandRps(i);
            case CAPACITY:
                return r.readyReplicas(i) * r.capacityPerReplica();
            case READY:
                return r.readyReplicas(i);
            default:
                return r.desiredReplicas(i);
        }
    }

    private static void startChart(StringBuilder sb, String id, String yLabel, double duration, double yMax) {
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"").append(id).append("\" width=\"").append(WIDTH)
                .append("\" height=\"").append(HEIGHT + 30).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT + 30)
                .append("\" role=\"img\">\n");
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        for (int g = 0; g <= 4; g++) {
            double y = TOP + plotH - plotH * g / 4.0;
            sb.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" y1=\"").append(fmt(y)).append("\" x2=\"")
                    .append(LEFT + plotW).append("\" y2=\"").append(fmt(y)).append("\"/>\n");
            sb.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(fmt(y + 4)).append("\" text-anchor=\"end\">")
                    .append(fmt(yMax * g / 4.0)).append("</text>\n");
        }
        boolean hours = duration >= 3 * 3600;
        double unit = hours ? 3600 : 60;
        double span = duration / unit;
        double tickEvery = niceCeiling(span / 8);
        for (double x = 0; x <= span + 1e-9; x += tickEvery) {
            double px = LEFT + plotW * (x / Math.max(span, 1e-9));
            sb.append("<text x=\"").append(fmt(px)).append("\" y=\"").append(TOP + plotH + 16).append("\" text-anchor=\"middle\">")
                    .append(fmt(x)).append("</text>\n");
        }
        sb.append("<text x=\"").append(LEFT + plotW / 2).append("\" y=\"").append(TOP + plotH + 32).append("\" text-anchor=\"middle\">time (")
                .append(hours ? "hours" : "minutes").append(")</text>\n");
        sb.append("<text x=\"14\" y=\"").append(TOP + plotH / 2).append("\" text-anchor=\"middle\" transform=\"rotate(-90 14 ")
                .append(TOP + plotH / 2).append(")\">").append(escape(yLabel)).append("</text>\n");
        sb.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" y1=\"").append(TOP + plotH).append("\" x2=\"").append(LEFT + plotW)
                .append("\" y2=\"").append(TOP + plotH).append("\"/>\n");
        sb.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" y1=\"").append(TOP).append("\" x2=\"").append(LEFT)
                .append("\" y2=\"").append(TOP + plotH).append("\"/>\n");
    }

    private static void polyline(StringBuilder sb, SimulationResult r, Series series, double duration, double yMax, String color,
                                 String seriesName, String backendId, String strokeWidth) {
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        int n = r.tickCount();
        int buckets = Math.min(n, MAX_POINTS);
        sb.append("<polyline data-series=\"").append(seriesName).append('"');
        if (backendId != null) {
            sb.append(" data-backend=\"").append(escape(backendId)).append('"');
        }
        sb.append(" fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"").append(strokeWidth).append("\" points=\"");
        double stepSeconds = r.stepMillis() / 1000.0;
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) b * n / buckets);
            int to = (int) ((long) (b + 1) * n / buckets);
            double v = 0;
            for (int i = from; i < to; i++) {
                v = Math.max(v, value(r, series, i));
            }
            double x0 = LEFT + plotW * Math.min(1, r.timeSeconds(from) / duration);
            double x1 = LEFT + plotW * Math.min(1, Math.min(duration, r.timeSeconds(to - 1) + stepSeconds) / duration);
            double y = TOP + plotH - plotH * Math.min(1, v / yMax);
            sb.append(fmt(x0)).append(',').append(fmt(y)).append(' ').append(fmt(x1)).append(',').append(fmt(y)).append(' ');
        }
        sb.setLength(sb.length() - 1);
        sb.append("\"/>\n");
    }

    private static void legend(StringBuilder sb, List<SimulationResult> results, boolean withDemand) {
        sb.append("<g class=\"legend\">\n");
        int x = LEFT;
        int y = HEIGHT + 20;
        if (withDemand) {
            sb.append("<line x1=\"").append(x).append("\" y1=\"").append(y - 4).append("\" x2=\"").append(x + 20).append("\" y2=\"")
                    .append(y - 4).append("\" stroke=\"#202124\" stroke-width=\"2\"/><text x=\"").append(x + 24).append("\" y=\"").append(y)
                    .append("\">demand</text>\n");
            x += 100;
        }
        for (int k = 0; k < results.size(); k++) {
            sb.append("<line x1=\"").append(x).append("\" y1=\"").append(y - 4).append("\" x2=\"").append(x + 20).append("\" y2=\"")
                    .append(y - 4).append("\" stroke=\"").append(color(k)).append("\" stroke-width=\"2\"/><text x=\"").append(x + 24)
                    .append("\" y=\"").append(y).append("\">").append(escape(results.get(k).backendId())).append("</text>\n");
            x += 40 + 8 * results.get(k).backendId().length() + 40;
        }
        sb.append("</g>\n");
    }

    /** Earlier lines are drawn wider, so a later line on top of one leaves it visible as a border. */
    private static String width(int k, int n) {
        return fmt(2 + 2.0 * (n - 1 - k));
    }

    private static String color(int k) {
        return PALETTE[k % PALETTE.length];
    }

    private static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double exp = Math.pow(10, Math.floor(Math.log10(v)));
        double f = v / exp;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return nice * exp;
    }

    private static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.2f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
