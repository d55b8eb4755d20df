package io.inferscale.simulator;

import io.inferscale.api.codec.Json;
import io.inferscale.api.simulation.Assumption;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Simulation results as JSON, streamed: an array with one object per run holding {@code backend}, {@code endpoint},
 * {@code summary}, {@code assumptions} (subject, value, source), {@code cost} when the run is priced (price: machine,
 * usdPerHour, source; totalUsd; usdPerMillionRequestsServed) and {@code ticks}. Ticks are written as they are
 * formatted, in chunks of about 8 KiB, so memory stays bounded whatever the run's length; tick numbers have at most
 * three decimals, as in the CSV. Pretty-printed with two-space indentation like {@link Json#write}, except that each
 * tick is one line; NaN is {@code null}.
 */
public final class SimulationJson {

    private SimulationJson() {
    }

    /**
     * Writes {@code results} to {@code out}, ending with a newline.
     *
     * @throws IOException when {@code out} fails
     */
    public static void write(List<SimulationResult> results, Appendable out) throws IOException {
        if (results.isEmpty()) {
            out.append("[]\n");
            return;
        }
        out.append("[\n");
        for (int r = 0; r < results.size(); r++) {
            SimulationResult result = results.get(r);
            out.append("  {\n");
            for (Map.Entry<String, Object> e : head(result).entrySet()) {
                out.append("    ").append(Json.quote(e.getKey())).append(": ")
                        .append(Json.write(e.getValue()).replace("\n", "\n    ")).append(",\n");
            }
            writeTicks(result, out);
            out.append(r + 1 < results.size() ? "  },\n" : "  }\n");
        }
        out.append("]\n");
    }

    private static Map<String, Object> head(SimulationResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", r.backendId());
        m.put("endpoint", r.endpointName());
        m.put("summary", summary(r.summary()));
        List<Object> assumptions = new ArrayList<>();
        for (Assumption a : r.assumptions()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("subject", a.subject());
            x.put("value", a.value());
            x.put("source", a.source());
            assumptions.add(x);
        }
        m.put("assumptions", assumptions);
        r.cost().ifPresent(c -> {
            Map<String, Object> price = new LinkedHashMap<>();
            price.put("machine", c.price().machine());
            price.put("usdPerHour", c.price().usdPerHour());
            price.put("source", c.price().source());
            Map<String, Object> cost = new LinkedHashMap<>();
            cost.put("price", price);
            cost.put("totalUsd", c.totalUsd());
            cost.put("usdPerMillionRequestsServed", c.usdPerMillionRequestsServed());
            cost.put("idleUsdSaved", c.idleUsdSaved());
            m.put("cost", cost);
        });
        return m;
    }

    private static Map<String, Object> summary(SimulationSummary s) {
        Map<String, Object> sm = new LinkedHashMap<>();
        sm.put("durationSeconds", s.durationSeconds());
        sm.put("replicaHours", s.replicaHours());
        sm.put("readyReplicaHours", s.readyReplicaHours());
        sm.put("p50UtilizationPercent", s.p50UtilizationPercent());
        sm.put("p95UtilizationPercent", s.p95UtilizationPercent());
        sm.put("secondsOverCapacity", s.secondsOverCapacity());
        sm.put("requestsOverCapacity", s.requestsOverCapacity());
        sm.put("totalRequests", s.totalRequests());
        sm.put("unservedFraction", s.unservedFraction());
        sm.put("scaleUps", s.scaleUps());
        sm.put("scaleDowns", s.scaleDowns());
        sm.put("peakReplicas", s.peakReplicas());
        sm.put("zeroReplicaSeconds", s.zeroReplicaSeconds());
        sm.put("requestsLostAtZero", s.requestsLostAtZero());
        sm.put("requestsLostDuringColdStart", s.requestsLostDuringColdStart());
        sm.put("floorReplicaHours", s.floorReplicaHours());
        sm.put("idleReplicaHoursSaved", s.idleReplicaHoursSaved());
        List<Object> steps = new ArrayList<>();
        for (StepResponse sr : s.stepResponses()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("atSeconds", sr.atSeconds());
            x.put("fromRps", sr.fromRps());
            x.put("toRps", sr.toRps());
            x.put("secondsToCapacity", sr.secondsToCapacity());
            steps.add(x);
        }
        sm.put("stepResponses", steps);
        return sm;
    }

    private static void number(double v, StringBuilder sb) {
        if (Double.isFinite(v)) {
            Decimals.append(v, sb);
        } else {
            sb.append("null");
        }
    }

    private static void writeTicks(SimulationResult r, Appendable out) throws IOException {
        int n = r.tickCount();
        if (n == 0) {
            out.append("    \"ticks\": []\n");
            return;
        }
        out.append("    \"ticks\": [\n");
        StringBuilder t = new StringBuilder(SimulationResult.CHUNK + 256);
        for (int i = 0; i < n; i++) {
            t.append("      {\"time_s\": ");
            number(r.timeSeconds(i), t);
            t.append(", \"demand_rps\": ");
            number(r.demandRps(i), t);
            t.append(", \"ready_replicas\": ").append(r.readyReplicas(i));
            t.append(", \"desired_replicas\": ").append(r.desiredReplicas(i));
            t.append(", \"utilization_pct\": ");
            number(r.utilizationPercent(i), t);
            t.append(", \"served_rps\": ");
            number(r.servedRps(i), t);
            t.append(", \"unserved_rps\": ");
            number(r.unservedRps(i), t);
            t.append(i + 1 < n ? "},\n" : "}\n");
            if (t.length() >= SimulationResult.CHUNK) {
                out.append(t);
                t.setLength(0);
            }
        }
        out.append(t);
        out.append("    ]\n");
    }
}
