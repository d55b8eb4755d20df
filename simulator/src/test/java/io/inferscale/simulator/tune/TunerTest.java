package io.inferscale.simulator.tune;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.TargetType;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.simulation.AutoscalerModels;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.simulator.Simulation;
import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.SimulationSummary;
import io.inferscale.simulator.trace.LoadTrace;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TunerTest {

    /** 20 rps, two rises to 80 rps and back; an hour. */
    static final LoadTrace TWO_RISES = LoadTrace.of(new double[] {0, 600, 1800, 2400, 3000, 3600},
            new double[] {20, 80, 20, 80, 20, 20});
    /** 10 rps per replica (no CPU burst: no limits), 60 s startup, no idle CPU. */
    static final ReplicaProfile PROFILE = ReplicaProfile.builder(10).startup(Duration.ofSeconds(60)).overheadPercent(0).build();
    static final ServiceLevelObjective ONE_PERCENT = ServiceLevelObjective.parse(Map.of("max-unserved", "1%"));

    static InferenceEndpoint spec(int min, int max, int cpuTarget) {
        return InferenceEndpoint.builder("tuned").model(ModelSpec.builder("m").version("v1").build())
                .resources(io.inferscale.api.Resources.of(io.inferscale.api.ResourceList.of("1", "1Gi"),
                        io.inferscale.api.ResourceList.empty()))
                .autoscaling(io.inferscale.api.AutoscalingPolicy.builder().minReplicas(min).maxReplicas(max)
                        .target(TargetType.CPU_UTILIZATION, cpuTarget).build())
                .build();
    }

    static Tuner tuner(InferenceEndpoint spec, ProportionalModelProvider provider) {
        return Tuner.of(spec).trace(TWO_RISES).profile(PROFILE).slo(ONE_PERCENT).holdout(0).models(AutoscalerModels.of(provider));
    }

    @Test
    @DisplayName("the tuner finds the optimum of an exhaustive search over every min, max and target it may reach")
    void findsTheExhaustiveOptimum() {
        ProportionalModelProvider provider = new ProportionalModelProvider(2.0);
        InferenceEndpoint seed = spec(1, 5, 60);
        // exhaustive: min 1..8 (8 = peak / capacity), max min..18, every target the refinement can reach (step 5)
        double best = Double.POSITIVE_INFINITY;
        List<int[]> argmin = new ArrayList<>();
        for (int target = 40; target <= 80; target += 5) {
            for (int min = 1; min <= 8; min++) {
                for (int max = min; max <= 18; max++) {
                    SimulationResult r = Simulation.of(spec(min, max, target)).trace(TWO_RISES).profile(PROFILE).run(provider);
                    if (!ONE_PERCENT.check(r.summary()).isEmpty()) {
                        continue;
                    }
                    double cost = r.cost().orElseThrow().totalUsd();
                    if (cost < best - 1e-9) {
                        best = cost;
                        argmin.clear();
                    }
                    if (Math.abs(cost - best) <= 1e-9) {
                        argmin.add(new int[] {min, max, target});
                    }
                }
            }
        }
        assertThat(argmin).isNotEmpty();

        TuneResult result = tuner(seed, provider).tune("proportional");

        assertThat(result.priced()).isTrue();
        TuningEvaluation chosen = result.recommendation().orElseThrow();
        assertThat(chosen.tuning().cost().orElseThrow().totalUsd()).isCloseTo(best, org.assertj.core.data.Offset.offset(1e-9));
        int[] picked = {chosen.endpoint().autoscaling().minReplicas(), chosen.endpoint().autoscaling().maxReplicas(),
                chosen.endpoint().autoscaling().target(TargetType.CPU_UTILIZATION).orElseThrow().value().intValueExact()};
        assertThat(argmin).anySatisfy(a -> assertThat(a).containsExactly(picked));
        assertThat(chosen.meetsSlo()).isTrue();
        // far fewer simulations than the exhaustive 9 x 8 x ~14
        assertThat(result.simulations()).isLessThan(9 * 8 * 14 / 2);
        assertThat(result.tried()).isNotEmpty().hasSizeLessThanOrEqualTo(result.simulations());
    }

    @Test
    @DisplayName("unpriced: the objective is replica-hours and the result says so")
    void unpricedMinimisesReplicaHours() {
        TuneResult result = tuner(spec(1, 5, 60), new ProportionalModelProvider(null)).tune("proportional");
        assertThat(result.priced()).isFalse();
        assertThat(result.objectiveDescription()).isEqualTo("unpriced: minimising replica-hours");
        TuningEvaluation chosen = result.recommendation().orElseThrow();
        assertThat(chosen.objective()).isEqualTo(chosen.tuning().summary().replicaHours());
        assertThat(chosen.tuning().cost()).isEmpty();
    }

    @Test
    @DisplayName("no setting meets the SLO: the failing constraint and the closest result")
    void infeasibleNamesTheConstraintAndTheClosest() {
        ServiceLevelObjective impossible = ServiceLevelObjective.parse(Map.of("max-catch-up", "10s"));
        TuneResult result = tuner(spec(1, 3, 60), new ProportionalModelProvider(null)).slo(impossible).keep(List.of("maxReplicas"))
                .tune("proportional");
        assertThat(result.recommendation()).isEmpty();
        TuningEvaluation closest = result.closest().orElseThrow();
        assertThat(closest.tuningViolations()).extracting(SloViolation::key).contains("max-catch-up");
        assertThat(closest.endpoint().autoscaling().maxReplicas()).isEqualTo(3);
        assertThat(result.tried()).noneMatch(TriedCandidate::meetsSlo);
        // closest: no tried setting misses by less
        double excess = closest.tuningViolations().stream().mapToDouble(SloViolation::excess).sum();
        assertThat(excess).isPositive();
    }

    @Test
    @DisplayName("a kept setting is never searched")
    void keptSettingsAreNotSearched() {
        TuneResult result = tuner(spec(1, 12, 60), new ProportionalModelProvider(null))
                .keep(List.of("maxReplicas", "targetCPUUtilizationPercentage")).tune("proportional");
        assertThat(result.tried()).isNotEmpty().allSatisfy(c -> {
            assertThat(c.settings().get("maxReplicas")).isEqualByComparingTo("12");
            assertThat(c.settings()).doesNotContainKey("targetCPUUtilizationPercentage");
        });
        InferenceEndpoint chosen = result.recommendation().orElseThrow().endpoint();
        assertThat(chosen.autoscaling().maxReplicas()).isEqualTo(12);
        assertThat(chosen.autoscaling().target(TargetType.CPU_UTILIZATION).orElseThrow().value()).isEqualByComparingTo("60");
    }

    @Test
    @DisplayName("an unknown --keep name is refused with the backend's knob names")
    void unknownKeepIsRefused() {
        assertThatThrownBy(() -> tuner(spec(1, 5, 60), new ProportionalModelProvider(null)).keep(List.of("maxReplica"))
                .tune("proportional"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--keep maxReplica")
                .hasMessageContaining("did you mean 'maxReplicas'")
                .hasMessageContaining("targetCPUUtilizationPercentage");
    }

    @Test
    @DisplayName("the SLO's min-replicas floor bounds the search")
    void minReplicasFloor() {
        ServiceLevelObjective floor = ServiceLevelObjective.parse(Map.of("max-unserved", "5%", "min-replicas", "3"));
        TuneResult result = tuner(spec(1, 5, 60), new ProportionalModelProvider(null)).slo(floor).tune("proportional");
        assertThat(result.tried()).allSatisfy(c -> assertThat(c.settings().get("minReplicas")).isGreaterThanOrEqualTo(BigDecimal.valueOf(3)));
        assertThat(result.recommendation().orElseThrow().endpoint().autoscaling().minReplicas()).isGreaterThanOrEqualTo(3);
    }

    @Test
    @DisplayName("holdout 25 %: the search runs on the first 45 minutes, the SLO is reported on the last 15")
    void holdoutSplit() {
        TuneResult result = tuner(spec(1, 5, 60), new ProportionalModelProvider(null)).holdout(0.25).tune("proportional");
        assertThat(result.tuningPart()).isEqualTo(Duration.ofMinutes(45));
        assertThat(result.holdoutPart()).isEqualTo(Duration.ofMinutes(15));
        for (TuningEvaluation e : List.of(result.current(), result.baseline(), result.recommendation().orElseThrow())) {
            assertThat(e.tuning().summary().durationSeconds()).isEqualTo(2700);
            SimulationSummary held = e.holdout().orElseThrow().summary();
            assertThat(held.durationSeconds()).isEqualTo(900);
            // the holdout holds the end of the second rise (2700..3000 s) and the fall
            assertThat(held.totalRequests()).isCloseTo(80 * 300 + 20 * 600, org.assertj.core.data.Offset.offset(1e-6));
        }
        // the tuning runs never saw the holdout: the second rise's requests are not in them
        assertThat(result.current().tuning().summary().totalRequests()).isCloseTo(20 * 600 + 80 * 1200 + 20 * 600 + 80 * 300,
                org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    @DisplayName("the static baseline runs ceil(peak / capacity) replicas all the time")
    void staticBaseline() {
        TuneResult result = tuner(spec(1, 5, 60), new ProportionalModelProvider(null)).tune("proportional");
        assertThat(result.baselineReplicas()).isEqualTo(8);
        assertThat(result.baseline().tuning().summary().replicaHours()).isCloseTo(8.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(result.baseline().tuning().summary().requestsOverCapacity()).isZero();
    }

    @Test
    @DisplayName("the written file re-reads to the recommendation and re-simulates to the same figures")
    void writtenFileReSimulates(@TempDir Path dir) throws Exception {
        ProportionalModelProvider provider = new ProportionalModelProvider(2.0);
        Tuner tuner = tuner(spec(1, 5, 60), provider).holdout(0.2);
        TuneResult result = tuner.tune("proportional");
        WrittenRecommendation written = tuner.write(result, dir, io.inferscale.api.backend.Backends.of());
        assertThat(written.file()).isEqualTo(dir.resolve("tuned.proportional.yaml"));
        InferenceEndpoint reRead = EndpointCodec.read(written.file()).endpoint();
        assertThat(reRead).isEqualTo(result.recommendation().orElseThrow().endpoint());
        assertThat(written.validation().hasErrors()).isFalse();
        assertThat(written.evaluation().tuning().summary()).isEqualTo(result.recommendation().orElseThrow().tuning().summary());
        assertThat(written.evaluation().holdout().orElseThrow().summary())
                .isEqualTo(result.recommendation().orElseThrow().holdout().orElseThrow().summary());
    }

    @Test
    @DisplayName("SLO keys and values: errors name the key and the fix")
    void sloParsing() {
        ServiceLevelObjective slo = ServiceLevelObjective.parse(Map.of("max-unserved", "0.2%", "max-over-capacity", "5m",
                "max-catch-up", "90s", "min-replicas", "2"));
        assertThat(slo.maxUnservedShare()).isCloseTo(0.002, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(slo.maxOverCapacity()).contains(Duration.ofMinutes(5));
        assertThat(slo.maxCatchUp()).contains(Duration.ofSeconds(90));
        assertThat(slo.minReplicas()).isEqualTo(2);
        assertThat(ServiceLevelObjective.defaults().maxUnservedShare()).isEqualTo(0.005);
        assertThatThrownBy(() -> ServiceLevelObjective.parse(Map.of("max-unserve", "1%")))
                .hasMessageContaining("unknown SLO key 'max-unserve'").hasMessageContaining("did you mean 'max-unserved'");
        assertThatThrownBy(() -> ServiceLevelObjective.parse(Map.of("max-unserved", "lots")))
                .hasMessageContaining("max-unserved was 'lots'").hasMessageContaining("max-unserved=0.5%");
        assertThatThrownBy(() -> ServiceLevelObjective.parse(Map.of("max-over-capacity", "soon")))
                .hasMessageContaining("max-over-capacity was 'soon'").hasMessageContaining("5m");
        assertThatThrownBy(() -> ServiceLevelObjective.parse(Map.of("min-replicas", "-1")))
                .hasMessageContaining("min-replicas was '-1'");
    }

    @Test
    @DisplayName("LoadTrace.slice keeps the rate in force at the cut and shifts time to 0")
    void slice() {
        LoadTrace part = TWO_RISES.slice(Duration.ofSeconds(900), Duration.ofSeconds(2700));
        assertThat(part.duration()).isEqualTo(Duration.ofSeconds(1800));
        assertThat(part.rpsAt(0)).isEqualTo(80);
        assertThat(part.rpsAt(900_000)).isEqualTo(20);
        assertThat(part.rpsAt(1_500_000)).isEqualTo(80);
        assertThatThrownBy(() -> TWO_RISES.slice(Duration.ofSeconds(10), Duration.ofSeconds(4000)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("the report draws every setting tried, marks the chosen one and the replicas of current and recommended")
    void reportReadsAsXml() throws Exception {
        TuneResult result = tuner(spec(1, 5, 60), new ProportionalModelProvider(2.0)).tune("proportional");
        String html = TuneReport.render(List.of(result));
        javax.xml.parsers.DocumentBuilderFactory f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        org.w3c.dom.Document doc = f.newDocumentBuilder().parse(new org.xml.sax.InputSource(new java.io.StringReader(html)));
        org.w3c.dom.NodeList circles = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "circle");
        int tried = 0;
        int chosen = 0;
        for (int i = 0; i < circles.getLength(); i++) {
            org.w3c.dom.Element c = (org.w3c.dom.Element) circles.item(i);
            tried += c.hasAttribute("data-meets-slo") ? 1 : 0;
            if (c.getAttribute("data-chosen").equals("true")) {
                chosen++;
                assertThat(Double.parseDouble(c.getAttribute("data-objective"))).isEqualTo(result.recommendation().orElseThrow().objective());
            }
        }
        assertThat(tried).isEqualTo(result.tried().size());
        assertThat(chosen).isEqualTo(1);
        assertThat(html).contains("data-series=\"current\"", "data-series=\"recommended\"", "data-series=\"demand\"",
                "minReplicas=", "targetCPUUtilizationPercentage=");
    }

    @Test
    @DisplayName("the choice does not depend on the number of threads or on whose executor runs the search")
    void deterministicAcrossThreads() {
        ProportionalModelProvider provider = new ProportionalModelProvider(2.0);
        TuneResult one = tuner(spec(1, 5, 60), provider).parallelism(1).tune("proportional");
        TuneResult four = tuner(spec(1, 5, 60), provider).parallelism(4).tune("proportional");
        java.util.concurrent.ExecutorService own = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            TuneResult given = tuner(spec(1, 5, 60), provider).executor(own).tune("proportional");
            assertThat(given.recommendation().orElseThrow().endpoint()).isEqualTo(one.recommendation().orElseThrow().endpoint());
            assertThat(own.isShutdown()).as("the caller's executor is left running").isFalse();
        } finally {
            own.shutdown();
        }
        assertThat(four.recommendation().orElseThrow().endpoint()).isEqualTo(one.recommendation().orElseThrow().endpoint());
        assertThat(four.recommendation().orElseThrow().tuning().summary()).isEqualTo(one.recommendation().orElseThrow().tuning().summary());
        // each setting is simulated once, whichever thread asks first: the count is the same on 1 and 4 threads
        assertThat(four.simulations()).isEqualTo(one.simulations()).isEqualTo(one.tried().size());
    }

    // --- candidate target type ---

    /** A model that sees a quarter of the CPU (as Vertex measures a request against a bigger machine) and can scale on requests per second. */
    static ProportionalModelProvider cpuBlind(List<io.inferscale.api.simulation.TuningKnob.TargetTypeCandidate> candidates) {
        return new ProportionalModelProvider(2.0, 0.25, candidates, Map.of());
    }

    static final List<io.inferscale.api.simulation.TuningKnob.TargetTypeCandidate> RPS_NATIVELY = List.of(
            new io.inferscale.api.simulation.TuningKnob.TargetTypeCandidate(TargetType.REQUESTS_PER_SECOND, "the test's request count"));

    @Test
    @DisplayName("a CPU target that cannot scale (the SLO is met only by a static fleet) switches to the request-rate target the backend scales on natively, which costs less; the file re-simulates")
    void switchesToARequestRateTargetWhenTheSpecsTypeCannotScale(@TempDir Path dir) throws Exception {
        InferenceEndpoint seed = spec(1, 5, 60);
        // the spec's own type alone: feasible only with minReplicas at the peak's need (8 x 10 rps = 80 rps)
        TuneResult ownOnly = tuner(seed, cpuBlind(RPS_NATIVELY)).keep(List.of(Tuner.KEEP_TARGET_TYPE)).tune("proportional");
        assertThat(ownOnly.targetTypeChange()).isEmpty();
        assertThat(ownOnly.recommendation().orElseThrow().endpoint().autoscaling().minReplicas()).isEqualTo(8);

        Tuner tuner = tuner(seed, cpuBlind(RPS_NATIVELY));
        TuneResult result = tuner.tune("proportional");

        TuneResult.TargetTypeChange change = result.targetTypeChange().orElseThrow();
        assertThat(change.from()).containsExactly("targetCPUUtilizationPercentage");
        assertThat(change.to()).isEqualTo(TargetType.REQUESTS_PER_SECOND);
        assertThat(change.reason()).contains("targetCPUUtilizationPercentage meets the SLO only with minReplicas 8");
        assertThat(change.toString()).contains("targetRequestsPerSecondPerReplica scales on the test's request count");
        InferenceEndpoint chosen = result.recommendation().orElseThrow().endpoint();
        assertThat(chosen.autoscaling().targets()).extracting(io.inferscale.api.ScalingTarget::type)
                .containsExactly(TargetType.REQUESTS_PER_SECOND);
        assertThat(chosen.autoscaling().minReplicas()).isLessThan(8);
        assertThat(result.recommendation().get().objective()).isLessThan(ownOnly.recommendation().get().objective());
        assertThat(result.current().endpoint()).isEqualTo(seed); // the current row stays the spec as given
        assertThat(result.knobs()).extracting(io.inferscale.api.simulation.TuningKnob::name).contains("targetRequestsPerSecondPerReplica");
        // the frontier holds both types' settings; the simulations of both searches are counted
        assertThat(result.tried()).anyMatch(c -> c.settings().containsKey("targetCPUUtilizationPercentage"))
                .anyMatch(c -> c.settings().containsKey("targetRequestsPerSecondPerReplica"));
        assertThat(result.simulations()).isGreaterThan(ownOnly.simulations());

        WrittenRecommendation written = tuner.write(result, dir, io.inferscale.api.backend.Backends.of());
        assertThat(EndpointCodec.read(written.file()).endpoint()).isEqualTo(chosen);
        assertThat(written.evaluation().tuning().summary()).isEqualTo(result.recommendation().get().tuning().summary());
    }

    @Test
    @DisplayName("when the spec's own target type meets the SLO by scaling, the type is not switched and no other type is searched")
    void keepsTheSpecsTypeWhenItScales() {
        TuneResult withCandidates = tuner(spec(1, 5, 60), new ProportionalModelProvider(2.0, 1.0, RPS_NATIVELY, Map.of()))
                .tune("proportional");
        TuneResult without = tuner(spec(1, 5, 60), new ProportionalModelProvider(2.0)).tune("proportional");
        assertThat(withCandidates.targetTypeChange()).isEmpty();
        assertThat(withCandidates.recommendation().orElseThrow().endpoint())
                .isEqualTo(without.recommendation().orElseThrow().endpoint());
        assertThat(withCandidates.recommendation().get().endpoint().autoscaling().minReplicas()).isLessThan(8);
        assertThat(withCandidates.simulations()).isEqualTo(without.simulations());
        assertThat(withCandidates.tried()).noneMatch(c -> c.settings().containsKey("targetRequestsPerSecondPerReplica"));
    }

    @Test
    @DisplayName("a kept target (by its field or as targetType) is never switched")
    void aKeptTargetIsNotSwitched() {
        for (String kept : List.of("targetCPUUtilizationPercentage", Tuner.KEEP_TARGET_TYPE)) {
            TuneResult r = tuner(spec(1, 5, 60), cpuBlind(RPS_NATIVELY)).keep(List.of(kept)).tune("proportional");
            assertThat(r.targetTypeChange()).as(kept).isEmpty();
            assertThat(r.recommendation().orElseThrow().endpoint().autoscaling().target(TargetType.CPU_UTILIZATION)).as(kept).isPresent();
        }
    }

    // --- instance types ---

    /** Priced per machine: the spec's own (no machine named) $2/h at 10 rps; "large" $3/h; "small" $1.5/h. */
    static ProportionalModelProvider machines() {
        return new ProportionalModelProvider(2.0, 1.0, List.of(), Map.of("small", 1.5, "large", 3.0));
    }

    @Test
    @DisplayName("--instance-types: each type is searched with the capacity given for it; the cheapest that meets the SLO wins and its file re-simulates at that capacity")
    void searchesInstanceTypesWithTheirCapacity(@TempDir Path dir) throws Exception {
        InferenceEndpoint seed = spec(1, 5, 60);
        TuneResult own = tuner(seed, machines()).tune("proportional");
        // large: 25 rps per replica for $3/h (0.12 $/rps-h) beats the spec's 10 rps for $2/h (0.2) and small's 6 rps for $1.5/h (0.25)
        Tuner tuner = tuner(seed, machines()).instanceTypes(Map.of("large", 25.0, "small", 6.0));
        TuneResult result = tuner.tune(List.of("proportional")).get(0);

        TuneResult.InstanceTypeChange change = result.instanceType().orElseThrow();
        assertThat(change.to()).isEqualTo("large");
        assertThat(change.from()).isEqualTo("test-machine");
        assertThat(change.replicaCapacity()).isEqualTo(25.0);
        assertThat(change.path()).isEqualTo("spec.backends.proportional.machine");
        TuningEvaluation rec = result.recommendation().orElseThrow();
        assertThat(rec.endpoint().backends().string("proportional", ProportionalModelProvider.MACHINE)).contains("large");
        assertThat(rec.tuning().capacityPerReplica()).isEqualTo(25.0);
        assertThat(rec.tuning().cost().orElseThrow().price().machine()).isEqualTo("large");
        assertThat(rec.objective()).isLessThan(own.recommendation().orElseThrow().objective());
        assertThat(result.current().tuning().capacityPerReplica()).isEqualTo(10.0); // the current row: the spec's own machine
        assertThat(result.current().endpoint()).isEqualTo(seed);

        WrittenRecommendation written = tuner.write(result, dir, io.inferscale.api.backend.Backends.of());
        assertThat(written.evaluation().tuning().capacityPerReplica()).isEqualTo(25.0);
        assertThat(written.evaluation().tuning().summary()).isEqualTo(rec.tuning().summary());
    }

    @Test
    @DisplayName("--instance-types: a type no backend tuned catalogues names the closest; a backend with no type to choose says so")
    void unknownInstanceTypesAreRefused() {
        assertThatThrownBy(() -> tuner(spec(1, 5, 60), machines()).instanceTypes(Map.of("lareg", 25.0)).tune(List.of("proportional")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--instance-types lareg")
                .hasMessageContaining("did you mean 'large'")
                .hasMessageContaining("large, small");
        assertThatThrownBy(() -> tuner(spec(1, 5, 60), new ProportionalModelProvider(2.0)).instanceTypes(Map.of("large", 25.0))
                .tune(List.of("proportional")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("has an instance or machine type to choose");
        assertThatThrownBy(() -> Tuner.of(spec(1, 5, 60)).instanceTypes(Map.of("large", -1.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("large=80");
    }
}
