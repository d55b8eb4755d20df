package io.inferscale.simulator.report;

import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.SimulationSummary;
import java.util.List;

import static io.inferscale.simulator.report.ReportText.escape;
import static io.inferscale.simulator.report.ReportText.number;

/**
 * The report's chart: one small panel per backend on one shared time axis and one shared requests-per-second
 * scale. Each panel shows the backend's ready capacity as a filled area (its top edge is the ready-replica line, read
 * on the right axis), desired replicas dashed, demand in black on top, and demand beyond capacity in red.
 */
final class ReportChart {

    static final int WIDTH = 1320;
    private static final int LEFT = 64;
    private static final int RIGHT = 64;
    private static final int PLOT_W = WIDTH - LEFT - RIGHT;
    private static final int LEGEND_H = 30;
    private static final int TITLE_H = 22;
    private static final int PLOT_H = 120;
    private static final int PANEL_GAP = 20;
    private static final int AXIS_H = 42;

    private final List<SimulationResult> results;
    private final double duration;
    private final double yMax;
    private final double yStep;
    private final StringBuilder sb;

    private ReportChart(List<SimulationResult> results, StringBuilder sb) {
        this.results = results;
        this.sb = sb;
        double longest = 0;
        double highest = 0;
        for (SimulationResult r : results) {
            longest = Math.max(longest, r.summary().durationSeconds());
            for (int i = 0; i < r.tickCount(); i++) {
                highest = Math.max(highest, Math.max(r.demandRps(i), r.desiredReplicas(i) * r.capacityPerReplica()));
                highest = Math.max(highest, r.readyReplicas(i) * r.capacityPerReplica());
            }
        }
        this.duration = Math.max(longest, 1e-9);
        this.yStep = ReportText.niceCeiling(Math.max(1, highest) / 4);
        this.yMax = yStep * Math.ceil(Math.max(1, highest) / yStep - 1e-9);
    }

    /** Appends the chart of {@code results} to {@code sb} as one inline SVG element. */
    static void append(List<SimulationResult> results, StringBuilder sb) {
        new ReportChart(results, sb).svg();
    }

    private void svg() {
        int height = LEGEND_H + results.size() * (TITLE_H + PLOT_H + PANEL_GAP) - PANEL_GAP + AXIS_H;
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"panels\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height).append("\" role=\"img\" aria-label=\"")
                .append("demand against each backend's ready capacity over time\">\n");
        legend();
        int top = LEGEND_H;
        for (int k = 0; k < results.size(); k++) {
            panel(k, top, k == results.size() - 1);
            top += TITLE_H + PLOT_H + PANEL_GAP;
        }
        sb.append("</svg>\n");
    }

    private void legend() {
        int y = 16;
        int x = LEFT;
        sb.append("<g class=\"legend\">\n");
        x = legendLine(x, y, ReportText.DEMAND, "2", "", "demand");
        sb.append("<rect x=\"").append(x).append("\" y=\"").append(y - 10).append("\" width=\"22\" height=\"12\" fill=\"")
                .append(ReportText.tint(0)).append("\" stroke=\"").append(ReportText.color(0)).append("\" stroke-width=\"2\"/>");
        double each = results.get(0).capacityPerReplica();
        boolean same = results.stream().allMatch(r -> r.capacityPerReplica() == each);
        x = legendText(x + 28, y, "ready capacity = ready replicas (right axis) × " + (same ? number(each) + " requests/s each"
                : "what one replica serves"));
        x = legendLine(x, y, ReportText.color(0), "1.5", " stroke-dasharray=\"5 3\"", "desired replicas");
        sb.append("<rect x=\"").append(x).append("\" y=\"").append(y - 10).append("\" width=\"22\" height=\"12\" fill=\"")
                .append(ReportText.UNSERVED).append("\"/>");
        legendText(x + 28, y, "demand beyond capacity (unserved)");
        sb.append("</g>\n");
    }

    private int legendLine(int x, int y, String color, String width, String extra, String label) {
        sb.append("<line x1=\"").append(x).append("\" y1=\"").append(y - 4).append("\" x2=\"").append(x + 22).append("\" y2=\"")
                .append(y - 4).append("\" stroke=\"").append(color).append("\" stroke-width=\"").append(width).append('"').append(extra)
                .append("/>");
        return legendText(x + 28, y, label);
    }

    private int legendText(int x, int y, String label) {
        sb.append("<text x=\"").append(x).append("\" y=\"").append(y).append("\">").append(escape(label)).append("</text>\n");
        return x + (int) (6.4 * label.length()) + 24;
    }

    private void panel(int k, int top, boolean last) {
        SimulationResult r = results.get(k);
        String id = escape(r.backendId());
        int plotTop = top + TITLE_H;
        int base = plotTop + PLOT_H;
        sb.append("<g class=\"panel\" data-backend=\"").append(id).append("\">\n");
        sb.append("<text class=\"panel-title\" x=\"").append(LEFT).append("\" y=\"").append(top + 15).append("\"><tspan fill=\"")
                .append(ReportText.color(k)).append("\" font-weight=\"bold\">").append(id).append("</tspan><tspan dx=\"10\">")
                .append(escape(panelFacts(r))).append("</tspan></text>\n");
        sb.append("<rect class=\"plot\" x=\"").append(LEFT).append("\" y=\"").append(plotTop).append("\" width=\"").append(PLOT_W)
                .append("\" height=\"").append(PLOT_H).append("\"/>\n");
        grid(r, plotTop, base, last);

        Buckets b = new Buckets(r);
        sb.append("<path data-series=\"capacity\" data-backend=\"").append(id).append("\" fill=\"").append(ReportText.tint(k))
                .append("\" stroke=\"none\" d=\"M").append(px(b.x0[0])).append(',').append(base);
        for (int i = 0; i < b.size; i++) {
            double y = py(plotTop, b.ready[i] * r.capacityPerReplica());
            sb.append(" L").append(px(b.x0[i])).append(',').append(number(y)).append(" L").append(px(b.x1[i])).append(',').append(number(y));
        }
        sb.append(" L").append(px(b.x1[b.size - 1])).append(',').append(base).append(" Z\"/>\n");
        unserved(b, id, plotTop);
        steps(b, b.desired, r.capacityPerReplica(), plotTop, "desired", id, ReportText.color(k), "1.5\" stroke-dasharray=\"5 3");
        steps(b, b.ready, r.capacityPerReplica(), plotTop, "replicas", id, ReportText.color(k), "2");
        steps(b, b.demand, 1, plotTop, "demand", id, ReportText.DEMAND, "1.5");
        sb.append("</g>\n");
    }

    /** The panel's headline: peak replicas, unserved share, and cost when priced. */
    private static String panelFacts(SimulationResult r) {
        SimulationSummary s = r.summary();
        String unserved = s.requestsOverCapacity() > 0 ? ReportText.percent(s.unservedFraction()) + " of requests unserved"
                : "every request served";
        String cost = r.cost().map(c -> " · " + ReportText.usd(c.totalUsd())).orElse(" · no price");
        String over = s.secondsOverCapacity() > 0 ? " · over capacity for " + ReportText.duration(s.secondsOverCapacity()) : "";
        return "peak " + ReportText.plural(s.peakReplicas(), "replica", "replicas") + " · " + unserved + over + cost;
    }

    private void grid(SimulationResult r, int plotTop, int base, boolean last) {
        for (double v = 0; v <= yMax + 1e-9; v += yStep) {
            double y = py(plotTop, v);
            sb.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" y1=\"").append(number(y)).append("\" x2=\"")
                    .append(LEFT + PLOT_W).append("\" y2=\"").append(number(y)).append("\"/>")
                    .append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(number(y + 4)).append("\" text-anchor=\"end\">")
                    .append(number(v)).append("</text>\n");
        }
        int maxReplicas = (int) Math.floor(yMax / r.capacityPerReplica() + 1e-9);
        int replicasEvery = Math.max(1, (int) Math.ceil(maxReplicas / 5.0));
        for (int n = 0; n <= maxReplicas; n += replicasEvery) {
            sb.append("<text x=\"").append(LEFT + PLOT_W + 6).append("\" y=\"").append(number(py(plotTop, n * r.capacityPerReplica()) + 4))
                    .append("\">").append(n).append("</text>\n");
        }
        int mid = plotTop + PLOT_H / 2;
        sb.append("<text x=\"16\" y=\"").append(mid).append("\" text-anchor=\"middle\" transform=\"rotate(-90 16 ").append(mid)
                .append(")\">requests/s</text>\n");
        int right = WIDTH - 22;
        sb.append("<text x=\"").append(right).append("\" y=\"").append(mid).append("\" text-anchor=\"middle\" transform=\"rotate(90 ")
                .append(right).append(' ').append(mid).append(")\">replicas</text>\n");

        double unit = duration >= 3 * 86400 ? 86400 : duration >= 3 * 3600 ? 3600 : 60;
        double span = duration / unit;
        double every = timeStep(span / 10, unit);
        for (double t = 0; t <= span + 1e-9; t += every) {
            String x = px(t * unit);
            sb.append("<line class=\"grid\" x1=\"").append(x).append("\" y1=\"").append(plotTop).append("\" x2=\"").append(x)
                    .append("\" y2=\"").append(base).append("\"/>\n");
            if (last) {
                sb.append("<text x=\"").append(x).append("\" y=\"").append(base + 16).append("\" text-anchor=\"middle\">")
                        .append(number(t)).append("</text>\n");
            }
        }
        sb.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" y1=\"").append(base).append("\" x2=\"").append(LEFT + PLOT_W)
                .append("\" y2=\"").append(base).append("\"/>\n");
        if (last) {
            sb.append("<text x=\"").append(LEFT + PLOT_W / 2).append("\" y=\"").append(base + 34).append("\" text-anchor=\"middle\">time (")
                    .append(unit == 86400 ? "days" : unit == 3600 ? "hours" : "minutes").append(")</text>\n");
        }
    }

    /** The smallest step a clock reads well (in {@code unit}s: minutes, hours or days) that is at least {@code atLeast}. */
    private static double timeStep(double atLeast, double unit) {
        double[] steps = unit == 60 ? new double[] {1, 2, 5, 10, 15, 30, 60}
                : unit == 3600 ? new double[] {1, 2, 3, 6, 12, 24} : new double[] {1, 2, 7, 14, 30};
        for (double s : steps) {
            if (s >= atLeast) {
                return s;
            }
        }
        return ReportText.niceCeiling(atLeast);
    }

    /** Demand beyond capacity: per bucket, the band between capacity and demand at its worst tick. */
    private void unserved(Buckets b, String id, int plotTop) {
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < b.size; i++) {
            if (b.worstDemand[i] > b.worstCapacity[i]) {
                d.append("M").append(px(b.x0[i])).append(',').append(number(py(plotTop, b.worstDemand[i]))).append(" H").append(px(b.x1[i]))
                        .append(" V").append(number(py(plotTop, b.worstCapacity[i]))).append(" H").append(px(b.x0[i])).append(" Z ");
            }
        }
        if (d.length() > 0) {
            d.setLength(d.length() - 1);
            sb.append("<path data-series=\"unserved\" data-backend=\"").append(id).append("\" fill=\"").append(ReportText.UNSERVED)
                    .append("\" stroke=\"none\" d=\"").append(d).append("\"/>\n");
        }
    }

    private void steps(Buckets b, double[] values, double scale, int plotTop, String series, String id, String color, String width) {
        sb.append("<polyline data-series=\"").append(series).append("\" data-backend=\"").append(id).append("\" fill=\"none\" stroke=\"")
                .append(color).append("\" stroke-width=\"").append(width).append("\" points=\"");
        for (int i = 0; i < b.size; i++) {
            String y = number(py(plotTop, values[i] * scale));
            sb.append(px(b.x0[i])).append(',').append(y).append(' ').append(px(b.x1[i])).append(',').append(y).append(' ');
        }
        sb.setLength(sb.length() - 1);
        sb.append("\"/>\n");
    }

    private String px(double seconds) {
        return number(LEFT + PLOT_W * Math.min(1, seconds / duration));
    }

    private double py(int plotTop, double rps) {
        return plotTop + PLOT_H - PLOT_H * Math.min(1, rps / yMax);
    }

    /**
     * A run reduced to at most {@link HtmlReport#MAX_POINTS} buckets: each holds the highest demand and replica
     * counts of its ticks (so peaks stay visible) and the demand and capacity at its tick with the most unserved demand.
     */
    private static final class Buckets {
        final int size;
        final double[] x0;
        final double[] x1;
        final double[] demand;
        final double[] ready;
        final double[] desired;
        final double[] worstDemand;
        final double[] worstCapacity;

        Buckets(SimulationResult r) {
            int n = r.tickCount();
            size = Math.min(n, HtmlReport.MAX_POINTS);
            x0 = new double[size];
            x1 = new double[size];
            demand = new double[size];
            ready = new double[size];
            desired = new double[size];
            worstDemand = new double[size];
            worstCapacity = new double[size];
            double step = r.stepMillis() / 1000.0;
            double end = r.summary().durationSeconds();
            for (int b = 0; b < size; b++) {
                int from = (int) ((long) b * n / size);
                int to = (int) ((long) (b + 1) * n / size);
                x0[b] = r.timeSeconds(from);
                x1[b] = Math.min(end, r.timeSeconds(to - 1) + step);
                double worst = 0;
                for (int i = from; i < to; i++) {
                    demand[b] = Math.max(demand[b], r.demandRps(i));
                    ready[b] = Math.max(ready[b], r.readyReplicas(i));
                    desired[b] = Math.max(desired[b], r.desiredReplicas(i));
                    if (r.unservedRps(i) > worst) {
                        worst = r.unservedRps(i);
                        worstDemand[b] = r.demandRps(i);
                        worstCapacity[b] = r.readyReplicas(i) * r.capacityPerReplica();
                    }
                }
            }
        }
    }
}
