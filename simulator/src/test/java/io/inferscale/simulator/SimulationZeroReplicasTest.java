package io.inferscale.simulator;

import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.simulator.trace.LoadTrace;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/** The summary's time at zero replicas and the requests lost while no replica is ready. */
class SimulationZeroReplicasTest {

    /** 10 rps until 100 s, idle until 300 s, 10 rps until 600 s; the model follows the demand every 10 s (0 when idle). */
    static SimulationResult idleGap() {
        LoadTrace trace = LoadTrace.of(new double[] {0, 100, 300, 600}, new double[] {10, 0, 10, 10});
        return Simulation.of(SimulationFixtures.endpoint("1", "1")).trace(trace)
                .profile(ReplicaProfile.builder(10).startup(Duration.ofSeconds(45)).build())
                .step(Duration.ofSeconds(5)).run(new FixedScheduleModel(10_000, 10), Duration.ZERO);
    }

    @Test
    @DisplayName("at zero from 100 s to 300 s; the 10 rps offered from 300 s until the replica is ready at 345 s are lost")
    void zeroPeriodAndColdStartLosses() {
        SimulationSummary s = idleGap().summary();
        assertThat(s.zeroReplicaSeconds()).isCloseTo(200, offset(1e-9));
        assertThat(s.requestsLostAtZero()).isCloseTo(45 * 10, offset(1e-6));
        // the cold-start losses are part of the requests over capacity, which has nothing else here
        assertThat(s.requestsOverCapacity()).isCloseTo(45 * 10, offset(1e-6));
        // billed: 1 replica for 100 s, then from 300 s to 600 s
        assertThat(s.replicaHours()).isCloseTo((100 + 300) / 3600.0, offset(1e-9));
    }

    @Test
    @DisplayName("the JSON summary carries zeroReplicaSeconds and requestsLostAtZero; the old constructor leaves them 0")
    void jsonAndCompatibleConstructor() throws IOException {
        StringBuilder json = new StringBuilder();
        SimulationJson.write(List.of(idleGap()), json);
        assertThat(json.toString()).contains("\"zeroReplicaSeconds\": 200,", "\"requestsLostAtZero\": 450,");
        SimulationSummary old = new SimulationSummary("b", 3600, 1, 1, 50, 90, 0, 0, 1000, 0, 0, 1, List.of());
        assertThat(old.zeroReplicaSeconds()).isZero();
        assertThat(old.requestsLostAtZero()).isZero();
    }
}
