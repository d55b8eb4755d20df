package io.inferscale.simulator.tune;

import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.report.HtmlReport;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A self-contained XHTML page (inline SVG, nothing loaded) for {@link Tuner} results: per backend, the cost-versus-SLO
 * frontier of the settings tried (each a point: objective across, unserved share up; those meeting the SLO filled, the
 * chosen one ringed, the current spec a square) and the replicas of the current spec and the recommendation on the
 * tuning part of the trace, with the demand in replicas' worth of capacity.
 *
 * <p>Readable as XML: {@code <g class="frontier" data-backend="ID">} holds {@code <circle data-meets-slo="true|false"
 * data-objective="..." data-unserved="..."/>}, the chosen point has {@code data-chosen="true"}; {@code <g class="replicas"
 * data-backend="ID">} holds {@code <polyline data-series="current|recommended|demand"/>}.
 */
public final class TuneReport {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 260;
    private static final int PAD = 50;
    private static final int MAX_POINTS = 1200;

    private TuneReport() {
    }

    /**
     * Writes the report for {@code results} to {@code file}.
     *
     * @throws IllegalArgumentException when {@code results} is empty
     * @throws UncheckedIOException     when the file cannot be written
     */
    public static void write(List<TuneResult> results, Path file) {
        HtmlReport.writePage(render(results), file, "tuning report");
    }

    /**
     * The report as text.
     *
     * @throws IllegalArgumentException when {@code results} is empty
     */
    public static String render(List<TuneResult> results) {
        Objects.requireNonNull(results, "results");
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no tuning results to report");
        }
        String title = "Autoscaling tuned: " + results.get(0).current().endpoint().name();
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>")
                .append(escape(title)).append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:960px}")
                .append("svg{background:#fafafa;border:1px solid #ddd}.note{color:#555}</style>\n</head>\n<body>\n<h1>")
                .append(escape(title)).append("</h1>\n");
        for (TuneResult r : results) {
            backend(r, sb);
        }
        return sb.append("</body>\n</html>\n").toString();
    }

    private static void backend(TuneResult r, StringBuilder sb) {
        TuningEvaluation best = r.best();
        sb.append("<h2>").append(escape(r.backendId())).append("</h2>\n<p class=\"note\">").append(escape(r.objectiveDescription()))
                .append("; SLO ").append(escape(r.slo().toString())).append("; ").append(r.simulations()).append(" simulations; ")
                .append(r.recommendation().isPresent() ? "recommended" : "no setting meets the SLO; closest")
                .append(": ").append(escape(settings(r, best)))
                .append(r.instanceType().map(t -> "; instance type " + escape(t.toString())).orElse(""))
                .append(r.targetTypeChange().map(t -> "; target type changed: " + escape(t.toString())).orElse("")).append("</p>\n");
        frontier(r, best, sb);
        replicas(r, best, sb);
    }

    /** {@code minReplicas=1, maxReplicas=2, targetCPUUtilizationPercentage=90}: each knob's value, {@code default} when unset. */
    private static String settings(TuneResult r, TuningEvaluation e) {
        StringBuilder sb = new StringBuilder();
        for (io.inferscale.api.simulation.TuningKnob k : r.knobs()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(k.name()).append('=')
                    .append(k.read(e.endpoint()).map(java.math.BigDecimal::toPlainString).orElse("default"));
        }
        return sb.toString();
    }

    private static void frontier(TuneResult r, TuningEvaluation best, StringBuilder sb) {
        double maxX = 0;
        double maxY = r.slo().maxUnservedShare() * 2;
        for (TriedCandidate c : r.tried()) {
            maxX = Math.max(maxX, c.objective());
            maxY = Math.max(maxY, c.unservedShare());
        }
        maxX = Math.max(maxX, r.current().objective()) * 1.05;
        // up to 5 x the limit: settings that miss it by more sit on the top edge, so the region near the limit stays readable
        maxY = Math.min(maxY, Math.max(5 * r.slo().maxUnservedShare(), 0.01));
        maxY = Math.max(maxY, 1e-6) * 1.05;
        String unit = r.priced() ? "cost, USD" : "replica-hours";
        sb.append("<h3>Cost versus unserved requests, settings tried on the tuning part</h3>\n")
                .append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\">\n")
                .append("<g class=\"frontier\" data-backend=\"").append(escape(r.backendId())).append("\">\n");
        axes(sb, unit + " (0 to " + num(maxX) + ")", "unserved (0 to " + num(100 * maxY) + "%; higher on the top edge)");
        double sloY = y(r.slo().maxUnservedShare(), maxY);
        sb.append("<line x1=\"").append(PAD).append("\" x2=\"").append(WIDTH - 10).append("\" y1=\"").append(num(sloY)).append("\" y2=\"")
                .append(num(sloY)).append("\" stroke=\"#c00\" stroke-dasharray=\"4 3\"/><text x=\"").append(WIDTH - 120).append("\" y=\"")
                .append(num(sloY - 4)).append("\" font-size=\"11\" fill=\"#c00\">max-unserved</text>\n");
        for (TriedCandidate c : r.tried()) {
            sb.append("<circle cx=\"").append(num(x(c.objective(), maxX))).append("\" cy=\"").append(num(y(c.unservedShare(), maxY)))
                    .append("\" r=\"3\" fill=\"").append(c.meetsSlo() ? "#2a7" : "none").append("\" stroke=\"").append(c.meetsSlo() ? "#2a7" : "#999")
                    .append("\" data-meets-slo=\"").append(c.meetsSlo()).append("\" data-objective=\"").append(c.objective())
                    .append("\" data-unserved=\"").append(c.unservedShare()).append("\"><title>").append(escape(c.settings().toString()))
                    .append("</title></circle>\n");
        }
        TuningEvaluation current = r.current();
        double cx = x(current.objective(), maxX);
        double cy = y(current.tuning().summary().unservedFraction(), maxY);
        sb.append("<rect x=\"").append(num(cx - 5)).append("\" y=\"").append(num(cy - 5))
                .append("\" width=\"10\" height=\"10\" fill=\"none\" stroke=\"#333\" data-current=\"true\"><title>current spec</title></rect>\n");
        sb.append("<circle cx=\"").append(num(x(best.objective(), maxX))).append("\" cy=\"")
                .append(num(y(best.tuning().summary().unservedFraction(), maxY)))
                .append("\" r=\"8\" fill=\"none\" stroke=\"#06c\" stroke-width=\"2\" data-chosen=\"true\" data-objective=\"")
                .append(best.objective()).append("\"><title>chosen</title></circle>\n</g>\n</svg>\n");
    }

    private static void replicas(TuneResult r, TuningEvaluation best, StringBuilder sb) {
        SimulationResult current = r.current().tuning();
        SimulationResult chosen = best.tuning();
        int n = Math.min(current.tickCount(), chosen.tickCount());
        double capacity = current.capacityPerReplica();
        double maxY = 1;
        for (int i = 0; i < n; i++) {
            maxY = Math.max(maxY, Math.max(Math.max(current.desiredReplicas(i), chosen.desiredReplicas(i)), current.demandRps(i) / capacity));
        }
        maxY = Math.ceil(maxY * 1.1);
        sb.append("<h3>Replicas on the tuning part: current (grey), ").append(r.recommendation().isPresent() ? "recommended" : "closest")
                .append(" (blue), demand in replicas' worth of capacity (black)</h3>\n")
                .append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\">\n")
                .append("<g class=\"replicas\" data-backend=\"").append(escape(r.backendId())).append("\">\n");
        axes(sb, "time (0 to " + num(current.timeSeconds(Math.max(0, n - 1)) / 3600) + " h)", "replicas (0 to " + num(maxY) + ")");
        line(sb, "demand", "#000", n, maxY, i -> current.demandRps(i) / capacity);
        line(sb, "current", "#999", n, maxY, current::readyReplicas);
        line(sb, "recommended", "#06c", n, maxY, chosen::readyReplicas);
        sb.append("</g>\n</svg>\n");
    }

    private static void line(StringBuilder sb, String series, String colour, int n, double maxY, java.util.function.IntToDoubleFunction value) {
        int buckets = Math.min(n, MAX_POINTS);
        sb.append("<polyline data-series=\"").append(series).append("\" fill=\"none\" stroke=\"").append(colour).append("\" points=\"");
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) b * n / buckets);
            int to = (int) ((long) (b + 1) * n / buckets);
            double peak = 0;
            for (int i = from; i < Math.max(to, from + 1); i++) {
                peak = Math.max(peak, value.applyAsDouble(i));
            }
            sb.append(num(PAD + (WIDTH - PAD - 10.0) * b / Math.max(1, buckets - 1))).append(',').append(num(y(peak, maxY))).append(' ');
        }
        sb.append("\"/>\n");
    }

    private static void axes(StringBuilder sb, String xLabel, String yLabel) {
        sb.append("<line x1=\"").append(PAD).append("\" y1=\"").append(HEIGHT - PAD).append("\" x2=\"").append(WIDTH - 10).append("\" y2=\"")
                .append(HEIGHT - PAD).append("\" stroke=\"#333\"/><line x1=\"").append(PAD).append("\" y1=\"10\" x2=\"").append(PAD)
                .append("\" y2=\"").append(HEIGHT - PAD).append("\" stroke=\"#333\"/>\n<text x=\"").append(PAD).append("\" y=\"")
                .append(HEIGHT - PAD + 30).append("\" font-size=\"12\">").append(escape(xLabel)).append("</text><text x=\"4\" y=\"20\" font-size=\"12\">")
                .append(escape(yLabel)).append("</text>\n");
    }

    private static double x(double v, double max) {
        return PAD + (WIDTH - PAD - 10.0) * v / max;
    }

    private static double y(double v, double max) {
        return HEIGHT - PAD - (HEIGHT - PAD - 10.0) * Math.min(v, max) / max;
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
