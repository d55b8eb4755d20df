package io.inferscale.simulator;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.Observation;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.simulator.trace.LoadTrace;
import io.inferscale.simulator.trace.TraceOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.inferscale.simulator.SimulationFixtures.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

@DisplayName("Simulation of the inference-native targets: queue depth and generated tokens per second per replica")
class SimulationInferenceTargetsTest {

    /** A model that records, at each decision, queue depth, tokens/s (NaN when unknown) and ready replicas, and never rescales. */
    static final class Recorder implements AutoscalerModel {
        final List<double[]> seen = new ArrayList<>();
        private long next;

        @Override
        public String backendId() {
            return "recorder";
        }

        @Override
        public long nextDecisionMillis() {
            return next;
        }

        @Override
        public int decide(Observation o) {
            double tokens;
            try {
                tokens = o.value(TargetType.TOKENS_PER_SECOND);
            } catch (IllegalStateException e) {
                tokens = Double.NaN;
            }
            seen.add(new double[] {o.nowMillis(), o.value(TargetType.QUEUE_DEPTH), tokens, o.readyReplicas()});
            next += 60_000;
            return o.desiredReplicas();
        }
    }

    static InferenceEndpoint targeting(TargetType type, long value) {
        InferenceEndpoint e = endpoint("1", "1");
        return e.toBuilder().autoscaling(e.autoscaling().toBuilder().removeTarget(TargetType.CPU_UTILIZATION).target(type, value).build()).build();
    }

    /**
     * A request log of three minutes: 600 requests of 50 generated tokens in the first minute (10 rps, 500 tokens/s), 3,000
     * of 20 tokens in the second (50 rps, 1,000 tokens/s), none in the third except one last request at 2:59.
     */
    static LoadTrace requestLog() {
        StringBuilder csv = new StringBuilder("TIMESTAMP,ContextTokens,GeneratedTokens\n");
        for (int i = 0; i < 600; i++) {
            csv.append(String.format("2023-11-16 18:00:%02d.%03d0000,100,50%n", i / 10, (i % 10) * 100));
        }
        for (int i = 0; i < 3000; i++) {
            csv.append(String.format("2023-11-16 18:01:%02d.%03d0000,100,20%n", i / 50, (i % 50) * 20));
        }
        csv.append("2023-11-16 18:02:59.0000000,100,0\n");
        return LoadTrace.read(new StringReader(csv.toString()), "log.csv", TraceOptions.DEFAULTS.withBucket(Duration.ofMinutes(1)));
    }

    @Test
    @DisplayName("queue depth: 0 while the ready replicas keep up, then the unserved part of the in-flight requests (Little's law)")
    void queueDepth() {
        // 2 replicas of 20 rps, 200 ms per request: 30 rps is served; 50 rps leaves 10 rps per replica unserved = 2 waiting
        ReplicaProfile profile = ReplicaProfile.builder(20).latency(Duration.ofMillis(200)).build();
        Recorder r = new Recorder();
        Simulation.of(targeting(TargetType.QUEUE_DEPTH, 4)).trace(LoadTrace.step(30, 60, Duration.ofMinutes(2), Duration.ofMinutes(4)))
                .profile(profile).initialReplicas(2).run(r, Duration.ZERO);
        assertThat(r.seen.get(0)[1]).isEqualTo(0.0);
        assertThat(r.seen.get(1)[1]).isEqualTo(0.0);
        // 60 rps on 2 replicas: 30 offered, 20 served per replica: 10 x 0.2 s = 2 requests waiting per replica
        assertThat(r.seen.get(2)[1]).isCloseTo(2.0, offset(1e-9));
        // the rest of concurrency is in service: concurrency = in service + waiting
        assertThat(r.seen.get(2)[1] + 20 * 0.2).isCloseTo(30 * 0.2, offset(1e-9));
    }

    @Test
    @DisplayName("queue depth is 0 with no ready replica")
    void queueDepthAtZero() {
        Recorder r = new Recorder();
        Simulation.of(targeting(TargetType.QUEUE_DEPTH, 4)).trace(LoadTrace.constant(10, Duration.ofMinutes(2)))
                .profile(ReplicaProfile.of(5)).initialReplicas(0).run(r, Duration.ZERO);
        assertThat(r.seen.get(0)[1]).isEqualTo(0.0);
        assertThat(r.seen.get(0)[3]).isEqualTo(0.0);
    }

    @Test
    @DisplayName("tokens per second per replica: the request log's generated tokens, the served share, over the ready replicas")
    void tokensPerSecond() {
        LoadTrace log = requestLog();
        assertThat(log.hasOutputTokens()).isTrue();
        // 2 replicas of 20 rps: minute 1 all served (500 tokens/s / 2); minute 2 40 of 50 rps served (1000 x 0.8 / 2)
        Recorder r = new Recorder();
        Simulation.of(targeting(TargetType.TOKENS_PER_SECOND, 300)).trace(log).profile(ReplicaProfile.of(20)).initialReplicas(2)
                .run(r, Duration.ZERO);
        assertThat(r.seen.get(0)[2]).isCloseTo(250, offset(1e-9));
        assertThat(r.seen.get(1)[2]).isCloseTo(400, offset(1e-9));
    }

    @Test
    @DisplayName("a tokens-per-second target on a trace without token counts is an error naming the field and the trace column")
    void tokensNeedATraceWithTokens() {
        Simulation sim = Simulation.of(targeting(TargetType.TOKENS_PER_SECOND, 300)).trace(LoadTrace.constant(10, Duration.ofMinutes(2)))
                .profile(ReplicaProfile.of(20));
        assertThatThrownBy(() -> sim.run(new Recorder(), Duration.ZERO)).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("spec.autoscaling.targetTokensPerSecondPerReplica needs the generated tokens of each request")
                .hasMessageContaining("GeneratedTokens").hasMessageContaining("--trace-columns tokens_out=COLUMN");
        // another target on the same trace simulates; a model that asks for tokens anyway learns why there are none
        Recorder r = new Recorder();
        Simulation.of(targeting(TargetType.QUEUE_DEPTH, 4)).trace(LoadTrace.constant(10, Duration.ofMinutes(2)))
                .profile(ReplicaProfile.of(20)).run(r, Duration.ZERO);
        assertThat(r.seen.get(0)[2]).isNaN();
        assertThat(LoadTrace.OUTPUT_TOKEN_COLUMNS).contains("GeneratedTokens", "tokens_out");
    }
}
