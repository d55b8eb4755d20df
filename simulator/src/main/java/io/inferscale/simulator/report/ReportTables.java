package io.inferscale.simulator.report;

import io.inferscale.api.simulation.Assumption;
import io.inferscale.simulator.CostEstimate;
import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.SimulationSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.inferscale.simulator.report.ReportText.escape;

/**
 * The report's tables: the headline, cost and service level per backend, scale to zero (when a run scaled to zero or has a
 * floor-1 baseline), and what each result assumes. Rows carry {@code data-backend} and {@code data-row} ({@code cost},
 * {@code service}, {@code zero}, {@code assumption}); cells carry
 * {@code data-field} and, for numbers, the exact {@code data-value}, so tools can read the page as XML.
 */
final class ReportTables {

    private static final Pattern URL = Pattern.compile("https?://[^\\s,;)]+");

    private final List<SimulationResult> results;
    private final StringBuilder sb;

    private ReportTables(List<SimulationResult> results, StringBuilder sb) {
        this.results = results;
        this.sb = sb;
    }

    static void headline(List<SimulationResult> results, StringBuilder sb) {
        new ReportTables(results, sb).headline();
    }

    static void summary(List<SimulationResult> results, StringBuilder sb) {
        ReportTables t = new ReportTables(results, sb);
        sb.append("<div class=\"tables\">\n");
        t.cost();
        t.service();
        t.scaleToZero();
        sb.append("</div>\n");
    }

    static void assumptions(List<SimulationResult> results, StringBuilder sb) {
        new ReportTables(results, sb).assumptions();
    }

    /** One sentence per question a reader asks first: which backend costs least, which leaves the fewest requests unserved. */
    private void headline() {
        if (results.size() < 2) {
            return;
        }
        List<String> sentences = new ArrayList<>();
        List<SimulationResult> priced = results.stream().filter(r -> r.cost().isPresent()).toList();
        if (priced.size() >= 2) {
            List<SimulationResult> cheapest = lowest(priced, r -> r.cost().orElseThrow().totalUsd());
            sentences.add("Lowest cost: " + names(cheapest) + " (" + ReportText.usd(cheapest.get(0).cost().orElseThrow().totalUsd()) + ").");
        }
        List<SimulationResult> best = lowest(results, r -> r.summary().unservedFraction());
        double share = best.get(0).summary().unservedFraction();
        if (best.size() == results.size()) {
            sentences.add(share == 0 ? "Every backend served every request." : "Every backend left "
                    + ReportText.percent(share) + " of requests unserved.");
        } else {
            sentences.add("Fewest requests unserved: " + names(best) + " (" + (share == 0 ? "none" : ReportText.percent(share)) + ").");
        }
        sb.append("<p class=\"headline\">").append(escape(String.join(" ", sentences))).append("</p>\n");
    }

    private static List<SimulationResult> lowest(List<SimulationResult> among, ToDoubleFunction<SimulationResult> by) {
        double min = among.stream().mapToDouble(by).min().orElseThrow();
        return among.stream().filter(r -> Math.abs(by.applyAsDouble(r) - min) <= 1e-9 * Math.max(1, Math.abs(min))).toList();
    }

    private static String names(List<SimulationResult> rs) {
        List<String> ids = rs.stream().map(SimulationResult::backendId).toList();
        return ids.size() == 1 ? ids.get(0) : String.join(", ", ids.subList(0, ids.size() - 1)) + " and " + ids.get(ids.size() - 1);
    }

    private void cost() {
        sb.append("<table id=\"cost\">\n<caption>Cost</caption>\n<tr><th class=\"name\">backend</th><th>replica-hours</th>")
                .append("<th class=\"name\">billed as</th><th>per replica-hour</th><th>total</th><th>per million requests served</th></tr>\n");
        for (int k = 0; k < results.size(); k++) {
            SimulationResult r = results.get(k);
            row(k, r, "cost");
            number("replica-hours", r.summary().replicaHours(), ReportText.number(r.summary().replicaHours()));
            if (r.cost().isPresent()) {
                CostEstimate c = r.cost().get();
                cell("machine", "name", escape(c.price().machine()));
                boolean guessed = new Assumption("price", c.price().machine(), c.price().source()).isAssumption();
                sb.append("<td data-field=\"usd-per-hour\" data-value=\"").append(c.price().usdPerHour()).append("\">")
                        .append(guessed ? "<span class=\"badge\">assumption</span> " : "").append(ReportText.usd(c.price().usdPerHour()))
                        .append("</td>");
                number("total-usd", c.totalUsd(), ReportText.usd(c.totalUsd()));
                boolean served = !Double.isNaN(c.usdPerMillionRequestsServed());
                number("usd-per-million-served", c.usdPerMillionRequestsServed(),
                        served ? ReportText.usd(c.usdPerMillionRequestsServed()) : "no request served");
            } else {
                sb.append("<td class=\"name none\" data-field=\"machine\" colspan=\"4\">no price: this backend's model does not ")
                        .append("price a replica, so only replica-hours compare</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
    }

    private void service() {
        sb.append("<table id=\"service\">\n<caption>Service level</caption>\n<tr><th class=\"name\">backend</th>")
                .append("<th>requests unserved</th><th>time over capacity</th><th>worst catch-up after a rise</th>")
                .append("<th>peak replicas</th><th>scale-ups / -downs</th><th>CPU p50 / p95</th></tr>\n");
        for (int k = 0; k < results.size(); k++) {
            SimulationResult r = results.get(k);
            SimulationSummary s = r.summary();
            row(k, r, "service");
            number("unserved-fraction", s.unservedFraction(), s.requestsOverCapacity() > 0
                    ? ReportText.percent(s.unservedFraction()) + " (" + ReportText.count(s.requestsOverCapacity()) + ")" : "none");
            number("seconds-over-capacity", s.secondsOverCapacity(),
                    s.secondsOverCapacity() > 0 ? ReportText.duration(s.secondsOverCapacity()) : "none");
            cell("worst-catch-up", "", escape(catchUp(s)));
            number("peak-replicas", s.peakReplicas(), Integer.toString(s.peakReplicas()));
            cell("scale-events", "", s.scaleUps() + " / " + s.scaleDowns());
            cell("cpu", "", Math.round(s.p50UtilizationPercent()) + " % / " + Math.round(s.p95UtilizationPercent()) + " %");
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
    }

    /**
     * Time at zero replicas, requests lost before a replica was created and while replicas started from zero, and the
     * replica-hours and dollars saved against the same policy with a floor of 1 replica. Only when some run was at zero or
     * has that baseline.
     */
    private void scaleToZero() {
        if (results.stream().noneMatch(r -> r.summary().zeroReplicaSeconds() > 0 || !Double.isNaN(r.summary().floorReplicaHours()))) {
            return;
        }
        sb.append("<table id=\"zero\">\n<caption>Scale to zero</caption>\n<tr><th class=\"name\">backend</th>")
                .append("<th>time at zero</th><th>requests lost at zero</th><th>lost during cold starts</th>")
                .append("<th>replica-hours saved (vs floor 1)</th><th>idle cost saved</th></tr>\n");
        for (int k = 0; k < results.size(); k++) {
            SimulationResult r = results.get(k);
            SimulationSummary s = r.summary();
            row(k, r, "zero");
            number("zero-replica-seconds", s.zeroReplicaSeconds(), s.zeroReplicaSeconds() > 0 ? ReportText.duration(s.zeroReplicaSeconds()) : "never");
            number("requests-lost-before-wake", s.requestsLostBeforeWake(), ReportText.count(s.requestsLostBeforeWake()));
            number("requests-lost-cold-start", s.requestsLostDuringColdStart(), ReportText.count(s.requestsLostDuringColdStart()));
            boolean baseline = !Double.isNaN(s.floorReplicaHours());
            number("idle-replica-hours-saved", s.idleReplicaHoursSaved(), baseline ? ReportText.number(s.idleReplicaHoursSaved()) : "no baseline");
            double usd = r.cost().map(CostEstimate::idleUsdSaved).orElse(Double.NaN);
            number("idle-usd-saved", usd, Double.isNaN(usd) ? (baseline ? "no price" : "no baseline") : ReportText.usd(usd));
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
    }

    /** {@code no shortfall}, {@code 4 min 30 s}, {@code 4 min 30 s; 1 rise never caught up}, {@code 2 rises never caught up}. */
    static String catchUp(SimulationSummary s) {
        long never = s.stepsNeverCaughtUp();
        String worst = s.worstSecondsToCapacity().isPresent() ? ReportText.duration(s.worstSecondsToCapacity().getAsDouble()) : "";
        if (never == 0) {
            return worst.isEmpty() ? "no shortfall" : worst;
        }
        String missed = ReportText.plural(never, "rise", "rises") + " never caught up";
        return worst.isEmpty() ? missed : worst + "; " + missed;
    }

    private void assumptions() {
        for (int k = 0; k < results.size(); k++) {
            SimulationResult r = results.get(k);
            String id = escape(r.backendId());
            sb.append("<table class=\"assumptions\" data-backend=\"").append(id).append("\" style=\"border-left:4px solid ")
                    .append(ReportText.color(k)).append("\">\n<caption>").append(id).append("</caption>\n")
                    .append("<colgroup><col class=\"subject\"/><col class=\"value\"/><col/></colgroup>\n")
                    .append("<tr><th class=\"name\">what</th><th class=\"name\">value</th><th class=\"name\">source</th></tr>\n");
            for (Assumption a : r.assumptions()) {
                sb.append("<tr data-backend=\"").append(id).append("\" data-row=\"assumption\" data-assumed=\"").append(a.isAssumption())
                        .append('"').append(a.isAssumption() ? " class=\"assumed\"" : "").append('>');
                cell("subject", "name", escape(a.subject()));
                cell("value", "name", escape(a.value()));
                cell("source", "name", a.isAssumption()
                        ? "<span class=\"badge\">assumption</span> " + linked(a.source().replaceFirst("^assumption[;,:]?\\s*", ""))
                        : linked(a.source()));
                sb.append("</tr>\n");
            }
            sb.append("</table>\n");
        }
    }

    /** The source escaped, with its web addresses as links (followed only when clicked; nothing loads with the page). */
    private static String linked(String source) {
        Matcher m = URL.matcher(source);
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (m.find()) {
            out.append(escape(source.substring(at, m.start()))).append("<a href=\"").append(escape(m.group())).append("\">")
                    .append(escape(m.group())).append("</a>");
            at = m.end();
        }
        return out.append(escape(source.substring(at))).toString();
    }

    private void row(int k, SimulationResult r, String kind) {
        String id = escape(r.backendId());
        sb.append("<tr data-backend=\"").append(id).append("\" data-row=\"").append(kind).append("\"><td class=\"name\">")
                .append("<span class=\"swatch\" style=\"background:").append(ReportText.color(k)).append("\"></span>").append(id).append("</td>");
    }

    private void cell(String field, String cssClass, String html) {
        sb.append("<td data-field=\"").append(field).append('"').append(cssClass.isEmpty() ? "" : " class=\"" + cssClass + "\"").append('>')
                .append(html).append("</td>");
    }

    private void number(String field, double value, String text) {
        sb.append("<td data-field=\"").append(field).append("\" data-value=\"").append(value).append("\">").append(escape(text)).append("</td>");
    }
}
