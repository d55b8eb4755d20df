package io.inferscale.simulator;

import io.inferscale.api.Accelerator;
import io.inferscale.api.AcceleratorType;
import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.Observation;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.simulator.trace.LoadTrace;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

class SimulationTest {

    static InferenceEndpoint endpoint(String requestCpu, String limitCpu) {
        return SimulationFixtures.endpoint(requestCpu, limitCpu);
    }

    @Test
    @DisplayName("decisions and readiness land on their exact times even with a coarse output step")
    void eventsLandOnTime() {
        LoadTrace trace = LoadTrace.step(10, 40, Duration.ofSeconds(100), Duration.ofSeconds(600));
        FixedScheduleModel model = new FixedScheduleModel(7_000, 10);
        SimulationResult r = Simulation.of(endpoint("1", "1")).trace(trace)
                .profile(ReplicaProfile.builder(10).startup(Duration.ofSeconds(45)).build())
                .step(Duration.ofSeconds(60)).run(model, Duration.ZERO);
        assertThat(model.decisions).startsWith(0L, 7_000L, 14_000L);
        assertThat(model.decisions).allMatch(t -> t % 7_000 == 0);
        // first decision after the step at 100 s is at 105 s; 3 new replicas are ready at 150 s exactly
        assertThat(model.observed).anySatisfy(o -> {
            assertThat(o[0]).isEqualTo(150_000L);
            assertThat(o[2]).isEqualTo(4L);
        });
        assertThat(r.tickCount()).isEqualTo(10);
        assertThat(r.tick(1).readyReplicas()).isEqualTo(1);
        assertThat(r.tick(1).desiredReplicas()).isEqualTo(1);
        assertThat(r.tick(2).desiredReplicas()).isEqualTo(4);
        assertThat(r.tick(2).readyReplicas()).isEqualTo(1);
        assertThat(r.tick(3).readyReplicas()).isEqualTo(4);
        SimulationSummary s = r.summary();
        // demand exceeded capacity from 100 s to 150 s
        assertThat(s.secondsOverCapacity()).isCloseTo(50, offset(1e-9));
        assertThat(s.requestsOverCapacity()).isCloseTo(50 * 30, offset(1e-6));
        assertThat(s.stepResponses()).hasSize(1);
        assertThat(s.stepResponses().get(0).secondsToCapacity()).isEqualTo(50);
        assertThat(s.scaleUps()).isEqualTo(1);
        assertThat(s.totalRequests()).isCloseTo(100 * 10 + 500 * 40, offset(1e-6));
        // replica-hours: 1 replica for 105 s, then 4 provisioned until 600 s
        assertThat(s.replicaHours()).isCloseTo((105 + 4 * 495) / 3600.0, offset(1e-9));
    }

    @Test
    @DisplayName("metrics follow the profile: CPU %, memory %, rps, Little's law concurrency, accelerator %")
    void derivedMetrics() {
        ReplicaProfile profile = ReplicaProfile.builder(20).overheadPercent(10).latency(Duration.ofMillis(200))
                .memory(40, 80).build();
        double[] seen = new double[6];
        AutoscalerModel probe = new AutoscalerModel() {
            long next;

            @Override
            public String backendId() {
                return "probe";
            }

            @Override
            public long nextDecisionMillis() {
                return next;
            }

            @Override
            public int decide(Observation o) {
                if (next == 0) {
                    seen[0] = o.value(TargetType.CPU_UTILIZATION);
                    seen[1] = o.value(TargetType.MEMORY_UTILIZATION);
                    seen[2] = o.value(TargetType.REQUESTS_PER_SECOND);
                    seen[3] = o.value(TargetType.CONCURRENT_REQUESTS);
                    seen[4] = o.value(TargetType.ACCELERATOR_UTILIZATION);
                    seen[5] = o.servedRps();
                }
                next += 15_000;
                return o.desiredReplicas();
            }
        };
        Simulation.of(endpoint("1", "1")).trace(LoadTrace.constant(20, Duration.ofMinutes(1))).profile(profile)
                .initialReplicas(2).run(probe, Duration.ZERO);
        // 10 rps per replica = half of full CPU: 10 + 90 * 0.5
        assertThat(seen[0]).isCloseTo(55, offset(1e-9));
        assertThat(seen[1]).isCloseTo(60, offset(1e-9));
        assertThat(seen[2]).isCloseTo(10, offset(1e-9));
        assertThat(seen[3]).isCloseTo(2, offset(1e-9));
        assertThat(seen[4]).isCloseTo(50, offset(1e-9));
        assertThat(seen[5]).isCloseTo(20, offset(1e-9));
    }

    /** One replica, never rescaled, under 50 rps for a minute. */
    private static SimulationResult oneReplicaUnder50Rps(InferenceEndpoint endpoint, ReplicaProfile profile) {
        return Simulation.of(endpoint).trace(LoadTrace.constant(50, Duration.ofMinutes(1))).profile(profile).initialReplicas(1)
                .run(new FixedScheduleModel(3_600_000, 1e9), Duration.ZERO);
    }

    private static Assumption capacityOf(SimulationResult r) {
        return r.assumptions().stream().filter(a -> a.subject().equals("replica capacity")).findFirst().orElseThrow();
    }

    /** The single replica's capacity, and at the first tick what it served, its CPU % and what it left unserved of 50 rps. */
    private static void assertOneReplicaServes(SimulationResult r, double capacity, double cpuPercent) {
        assertThat(r.capacityPerReplica()).isEqualTo(capacity);
        assertThat(r.tick(1).servedRps()).isEqualTo(capacity);
        assertThat(r.tick(1).utilizationPercent()).isEqualTo(cpuPercent);
        assertThat(r.tick(1).unservedRps()).isEqualTo(50 - capacity);
    }

    @Test
    @DisplayName("capacity is what one replica serves: a CPU limit above the request does not raise it unless asked")
    void capacityIsExplicitWithoutBurst() {
        // 500m request, 1 CPU limit: before burstToLimit existed this replica silently served 20 rps
        SimulationResult r = oneReplicaUnder50Rps(endpoint("500m", "1"), ReplicaProfile.of(10));
        assertOneReplicaServes(r, 10, 100);
        assertThat(capacityOf(r)).isEqualTo(new Assumption("replica capacity", "10 rps",
                "the replica profile (--replica-capacity), no burst to the CPU limit (--burst-to-cpu-limit to allow it)"));
    }

    @Test
    @DisplayName("asked to burst, a replica uses CPU up to its limit: 500m request, 1 CPU limit = 200 % ceiling, twice the capacity")
    void burstToLimit() {
        assertThat(Simulation.cpuCeilingPercent(endpoint("500m", "1"))).isEqualTo(200);
        assertThat(Simulation.cpuCeilingPercent(endpoint("1", "1"))).isEqualTo(100);
        SimulationResult r = oneReplicaUnder50Rps(endpoint("500m", "1"), ReplicaProfile.builder(10).burstToLimit(true).build());
        assertOneReplicaServes(r, 20, 200);
        assertThat(capacityOf(r)).isEqualTo(new Assumption("replica capacity", "20 rps",
                "the replica profile (--replica-capacity) bursting to the CPU limit (--burst-to-cpu-limit): 200% of the CPU request"));
    }

    @Test
    @DisplayName("the profile's burst choice defaults to off, survives toBuilder and is part of equality")
    void burstIsPartOfTheProfile() {
        ReplicaProfile plain = ReplicaProfile.of(10);
        ReplicaProfile burst = plain.toBuilder().burstToLimit(true).build();
        assertThat(plain.burstToLimit()).isFalse();
        assertThat(burst.burstToLimit()).isTrue();
        assertThat(burst.toBuilder().build()).isEqualTo(burst).isNotEqualTo(plain);
        assertThat(burst.toString()).contains("burstToLimit=true");
    }

    @Test
    @DisplayName("a burst grows only the part above the idle overhead: 10 % overhead, 200 % ceiling = 10 x 190/90 rps")
    void burstWithOverhead() {
        SimulationResult r = oneReplicaUnder50Rps(endpoint("500m", "1"),
                ReplicaProfile.builder(10).overheadPercent(10).burstToLimit(true).build());
        assertThat(r.capacityPerReplica()).isCloseTo(10 * 190 / 90.0, offset(1e-12));
        assertThat(r.tick(1).utilizationPercent()).isCloseTo(200, offset(1e-9));
    }

    @Test
    @DisplayName("asked to burst without a CPU limit above the request, capacity stays and the assumption says why")
    void burstWithoutHigherLimit() {
        SimulationResult r = oneReplicaUnder50Rps(endpoint("1", "1"), ReplicaProfile.builder(10).burstToLimit(true).build());
        assertOneReplicaServes(r, 10, 100);
        assertThat(capacityOf(r).source())
                .isEqualTo("the replica profile (--replica-capacity); burst to the CPU limit asked but limits.cpu is not above requests.cpu");
    }

    @Test
    @DisplayName("an accelerator-bound replica never bursts: asking for it is refused by name")
    void acceleratorBoundReplicaDoesNotBurst() {
        InferenceEndpoint gpu = endpoint("500m", "1").toBuilder()
                .resources(Resources.of(ResourceList.of("500m", "1Gi"), ResourceList.of("1", "2Gi"),
                        new Accelerator(AcceleratorType.NVIDIA_T4, 1)))
                .build();
        assertThatThrownBy(() -> oneReplicaUnder50Rps(gpu, ReplicaProfile.builder(10).burstToLimit(true).build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("endpoint 'sim-test' has accelerators (1xnvidia-t4) but the replica profile asks to burst to the CPU "
                        + "limit: an accelerator-bound replica serves no more with spare CPU. Remove --burst-to-cpu-limit "
                        + "(ReplicaProfile.burstToLimit) and give the GPU-bound capacity with --replica-capacity");
        assertOneReplicaServes(oneReplicaUnder50Rps(gpu, ReplicaProfile.of(10)), 10, 100);
    }

    @Test
    @DisplayName("a scale-down removes starting replicas before ready ones")
    void scaleDownRemovesNewestFirst() {
        long[] plan = {0, 30_000, 40_000};
        int[] want = {5, 2, 2};
        AutoscalerModel scripted = new AutoscalerModel() {
            int i;

            @Override
            public String backendId() {
                return "scripted";
            }

            @Override
            public long nextDecisionMillis() {
                return i < plan.length ? plan[i] : Long.MAX_VALUE;
            }

            @Override
            public int decide(Observation o) {
                return want[i++];
            }
        };
        SimulationResult r = Simulation.of(endpoint("1", "1")).trace(LoadTrace.constant(1, Duration.ofMinutes(2)))
                .profile(ReplicaProfile.builder(10).startup(Duration.ofMinutes(1)).build()).step(Duration.ofSeconds(10))
                .initialReplicas(1).run(scripted, Duration.ZERO);
        assertThat(r.tick(3).desiredReplicas()).isEqualTo(2);
        assertThat(r.tick(3).readyReplicas()).isEqualTo(1);
        assertThat(r.tick(6).readyReplicas()).isEqualTo(2);
        assertThat(r.summary().scaleDowns()).isEqualTo(1);
        assertThat(r.summary().peakReplicas()).isEqualTo(5);
    }

    @Test
    void csvHasDocumentedColumns() {
        SimulationResult r = Simulation.of(endpoint("1", "1")).trace(LoadTrace.constant(5, Duration.ofSeconds(30)))
                .profile(ReplicaProfile.of(10)).run(new FixedScheduleModel(15_000, 10), Duration.ZERO);
        assertThat(r.toCsv()).isEqualTo("""
                time_s,backend,demand_rps,ready_replicas,desired_replicas,utilization_pct,served_rps,unserved_rps
                0,fixed,5,1,1,50,5,0
                15,fixed,5,1,1,50,5,0
                """);
        assertThat(SimulationResult.toCsv(List.of(r, r)).lines()).hasSize(5);
    }

    @Test
    void missingTraceOrProfileIsClear() {
        assertThatThrownBy(() -> Simulation.of(endpoint("1", "1")).profile(ReplicaProfile.of(1))
                .run(new FixedScheduleModel(1, 1), Duration.ZERO))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("call trace(LoadTrace)");
        assertThatThrownBy(() -> ReplicaProfile.of(0)).hasMessageContaining("rpsAtFullCpu was 0.0 but it must be a positive");
    }

    @Test
    void modelThatDoesNotAdvanceIsRejected() {
        AutoscalerModel stuck = new AutoscalerModel() {
            @Override
            public String backendId() {
                return "stuck";
            }

            @Override
            public long nextDecisionMillis() {
                return 0;
            }

            @Override
            public int decide(Observation o) {
                return 1;
            }
        };
        assertThatThrownBy(() -> Simulation.of(endpoint("1", "1")).trace(LoadTrace.constant(1, Duration.ofSeconds(30)))
                .profile(ReplicaProfile.of(1)).run(stuck, Duration.ZERO))
                .hasMessageContaining("autoscaler model stuck asked to decide again at 0 ms");
    }

    @Test
    @DisplayName("percentiles by selection equal nearest-rank percentiles of the sorted values")
    void percentileSelection() {
        java.util.Random random = new java.util.Random(42);
        for (int round = 0; round < 200; round++) {
            int n = 1 + random.nextInt(300);
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                values[i] = random.nextInt(round % 2 == 0 ? 5 : 1000) * 1.5;
            }
            double[] sorted = values.clone();
            java.util.Arrays.sort(sorted);
            for (double p : new double[] {1, 50, 95, 100}) {
                int rank = (int) Math.ceil(p / 100.0 * n);
                assertThat(Simulation.Engine.percentile(values.clone(), n, p)).isEqualTo(sorted[Math.max(0, rank - 1)]);
            }
            // the engine's order: the 95th over all values, then the 50th among those before it
            double[] work = values.clone();
            int i95 = Simulation.Engine.rankIndex(n, 95);
            assertThat(Simulation.Engine.select(work, n, i95)).isEqualTo(sorted[i95]);
            assertThat(Simulation.Engine.select(work, i95 + 1, Simulation.Engine.rankIndex(n, 50)))
                    .isEqualTo(sorted[Simulation.Engine.rankIndex(n, 50)]);
        }
    }
}
