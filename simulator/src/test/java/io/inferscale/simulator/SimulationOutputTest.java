package io.inferscale.simulator;

import io.inferscale.api.simulation.ReplicaPrice;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.simulator.trace.LoadTrace;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("CSV and JSON output stream row by row and carry the summary, assumptions and cost")
class SimulationOutputTest {

    private static SimulationResult run() {
        return run(Duration.ofSeconds(600));
    }

    private static SimulationResult run(Duration length) {
        return Simulation.of(SimulationFixtures.endpoint("1", "1"))
                .trace(LoadTrace.step(10, 40, Duration.ofSeconds(100), length))
                .profile(ReplicaProfile.builder(10).startup(Duration.ofSeconds(45)).build())
                .step(Duration.ofSeconds(15)).run(new FixedScheduleModel(7_000, 10), Duration.ZERO);
    }

    /** An Appendable that keeps what it gets and the size of its largest single append. */
    private static final class Recorder implements Appendable {
        final StringBuilder all = new StringBuilder();
        final List<Integer> sizes = new ArrayList<>();

        @Override
        public Appendable append(CharSequence csq) {
            sizes.add(csq.length());
            all.append(csq);
            return this;
        }

        @Override
        public Appendable append(CharSequence csq, int start, int end) {
            return append(csq.subSequence(start, end));
        }

        @Override
        public Appendable append(char c) {
            return append(String.valueOf(c));
        }
    }

    @Test
    @DisplayName("writeCsv gives toCsv's text, in bounded chunks")
    void csvStreams() throws IOException {
        SimulationResult r = run(Duration.ofDays(1));
        Recorder out = new Recorder();
        SimulationResult.writeCsv(List.of(r, r), out);
        assertThat(out.sizes).hasSizeGreaterThan(20);
        assertThat(out.all.toString()).isEqualTo(SimulationResult.toCsv(List.of(r, r)));
        assertThat(out.all.toString().lines()).hasSize(1 + 2 * r.tickCount());
        assertThat(out.sizes.stream().mapToInt(Integer::intValue).max().orElseThrow()).isLessThan(SimulationResult.CHUNK + 128);
        assertThat(r.toCsv()).isEqualTo(SimulationResult.toCsv(List.of(r)));
    }

    @Test
    @DisplayName("JSON holds the summary, every assumption with its source, the cost when priced, and every tick")
    @SuppressWarnings("unchecked")
    void json() throws IOException {
        SimulationResult plain = run();
        SimulationResult priced = plain.withPrice(new ReplicaPrice("ml.g5.xlarge", 1.408, "AWS price list, us-east-1, 2026-11"));
        Recorder out = new Recorder();
        SimulationJson.write(List.of(plain, priced), out);
        Recorder big = new Recorder();
        SimulationJson.write(List.of(run(Duration.ofDays(1))), big);
        assertThat(big.sizes).hasSizeGreaterThan(20);
        assertThat(big.sizes.stream().mapToInt(Integer::intValue).max().orElseThrow()).isLessThan(SimulationResult.CHUNK + 4096);
        assertThat(out.sizes.stream().mapToInt(Integer::intValue).max().orElseThrow()).as("largest single write").isLessThan(SimulationResult.CHUNK + 4096);

        List<Map<String, Object>> runs = new Yaml().load(out.all.toString());
        assertThat(runs).hasSize(2);
        Map<String, Object> first = runs.get(0);
        assertThat(first).containsKeys("backend", "endpoint", "summary", "assumptions", "ticks").doesNotContainKey("cost");
        assertThat((Map<String, Object>) first.get("summary")).containsEntry("scaleUps", plain.summary().scaleUps());
        List<Map<String, Object>> assumptions = (List<Map<String, Object>>) first.get("assumptions");
        assertThat(assumptions).hasSize(plain.assumptions().size());
        assertThat(assumptions.get(0)).containsOnlyKeys("subject", "value", "source")
                .containsEntry("subject", plain.assumptions().get(0).subject())
                .containsEntry("source", plain.assumptions().get(0).source());
        List<Map<String, Object>> ticks = (List<Map<String, Object>>) first.get("ticks");
        assertThat(ticks).hasSize(plain.tickCount());
        assertThat(((Number) ticks.get(10).get("demand_rps")).doubleValue()).isEqualTo(plain.demandRps(10));
        assertThat(ticks.get(10).get("ready_replicas")).isEqualTo(plain.readyReplicas(10));

        Map<String, Object> cost = (Map<String, Object>) runs.get(1).get("cost");
        assertThat((Map<String, Object>) cost.get("price")).containsEntry("machine", "ml.g5.xlarge").containsEntry("usdPerHour", 1.408)
                .containsEntry("source", "AWS price list, us-east-1, 2026-11");
        assertThat(((Number) cost.get("totalUsd")).doubleValue()).isEqualTo(priced.cost().orElseThrow().totalUsd());
        assertThat(cost).containsKey("usdPerMillionRequestsServed");
        assertThat((List<?>) runs.get(1).get("assumptions")).hasSize(plain.assumptions().size() + 1);
    }

    @Test
    @DisplayName("JSON of no runs is an empty array")
    void empty() throws IOException {
        StringWriter w = new StringWriter();
        SimulationJson.write(List.of(), w);
        assertThat(w).hasToString("[]\n");
    }
}
