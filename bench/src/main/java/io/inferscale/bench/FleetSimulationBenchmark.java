package io.inferscale.bench;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.AutoscalerModelProvider;
import io.inferscale.api.simulation.ModelContext;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.backend.kubernetes.simulation.KubernetesAutoscalerModelProvider;
import io.inferscale.backend.sagemaker.simulation.SageMakerAutoscalerModelProvider;
import io.inferscale.backend.vertex.simulation.VertexAutoscalerModelProvider;
import io.inferscale.simulator.Simulation;
import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.trace.LoadTrace;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A fleet of 1,000 distinct endpoints (the seed with maxReplicas 5..14 and CPU target 50..79 %), each simulated over
 * 30 days at the simulator's default 15 s step (172,800 ticks per endpoint, 172.8 million endpoint-ticks per
 * operation) on one thread, for each autoscaler model, and the engine alone (a model that never changes the count)
 * as the baseline in the same run. Traces: 10 diurnal 30-day traces (mean 20..38 rps, peak hour 10..19 h, 5-minute
 * points), endpoint {@code i} uses trace {@code i % 10}. One operation = the whole fleet; endpoint-ticks per second =
 * 172.8e6 / (seconds per operation). Each endpoint's result is dropped after its peak replica count is read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class FleetSimulationBenchmark {

    /** Endpoints in the fleet. */
    public static final int ENDPOINTS = 1000;
    /** Ticks per endpoint: 30 days at 15 s. */
    public static final int TICKS = 172_800;

    List<InferenceEndpoint> fleet;
    LoadTrace[] traces;
    ReplicaProfile profile;

    /** Builds the fleet and the traces (not measured). */
    @Setup
    public void setUp() {
        InferenceEndpoint seed = SimulatorBenchmark.seedEndpoint();
        fleet = java.util.stream.IntStream.range(0, ENDPOINTS).mapToObj(i -> Seed.variant(seed, i)).toList();
        traces = new LoadTrace[10];
        for (int t = 0; t < traces.length; t++) {
            traces[t] = LoadTrace.diurnal(20 + 2 * t, 15, Duration.ofDays(1), Duration.ofHours(10 + t), Duration.ofMinutes(5), Duration.ofDays(30));
        }
        profile = ReplicaProfile.builder(10).startup(Duration.ofSeconds(45)).burstToLimit(true).build();
    }

    private long fleet(Function<ModelContext, AutoscalerModel> models) {
        long sum = 0;
        for (int i = 0; i < ENDPOINTS; i++) {
            InferenceEndpoint e = fleet.get(i);
            SimulationResult r = Simulation.of(e).trace(traces[i % traces.length]).profile(profile)
                    .run(models.apply(ModelContext.of(e)), Duration.ofSeconds(45));
            if (r.tickCount() != TICKS) {
                throw new IllegalStateException("expected " + TICKS + " ticks, got " + r.tickCount());
            }
            sum += r.tick(TICKS - 1).readyReplicas();
        }
        return sum;
    }

    private static Function<ModelContext, AutoscalerModel> of(AutoscalerModelProvider p) {
        return p::create;
    }

    /** 1,000 endpoints x 30 days through the Kubernetes HPA model. */
    @Benchmark
    public long hpaFleet30Days() {
        return fleet(of(new KubernetesAutoscalerModelProvider()));
    }

    /** 1,000 endpoints x 30 days through SageMaker target tracking. */
    @Benchmark
    public long sagemakerFleet30Days() {
        return fleet(of(new SageMakerAutoscalerModelProvider()));
    }

    /** 1,000 endpoints x 30 days through the Vertex AI model. */
    @Benchmark
    public long vertexFleet30Days() {
        return fleet(of(new VertexAutoscalerModelProvider()));
    }

    /** Baseline: the engine alone, with a model that decides every 15 s and never changes the count. */
    @Benchmark
    public long baselineEngineFleet30Days() {
        return fleet(c -> SimulatorBenchmark.noopModel());
    }
}
