package io.inferscale.examples;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.simulation.AutoscalerModels;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.simulator.trace.LoadTrace;
import io.inferscale.simulator.tune.TuneResult;
import io.inferscale.simulator.tune.Tuner;
import io.inferscale.simulator.tune.TuningEvaluation;
import io.inferscale.simulator.tune.WrittenRecommendation;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tune} on the seed's {@code inference_endpoint.yaml} with the README's diurnal day (40 rps per replica at the
 * CPU request), on all three backends with their discovered models.
 */
class TuneSeedTest {

    static String resource(String name) throws Exception {
        try (InputStream in = TuneSeedTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    @DisplayName("the seed on the diurnal day: each backend's recommendation meets the SLO for less than the seed's settings, or says why none can")
    void seedOnTheDiurnalDay(@TempDir Path dir) throws Exception {
        InferenceEndpoint seed = EndpointCodec.read(resource("/inference_endpoint.yaml"), "inference_endpoint.yaml").endpoint();
        LoadTrace day = LoadTrace.parseCsv(resource("/traces/diurnal-day.csv"), "diurnal-day.csv");
        assertThat(AutoscalerModels.discover().ids()).contains("kubernetes", "sagemaker", "vertex");
        Tuner tuner = Tuner.of(seed).trace(day).profile(ReplicaProfile.of(40));
        List<TuneResult> results = new java.util.ArrayList<>();
        java.util.Map<String, WrittenRecommendation> alone = new java.util.HashMap<>();
        for (String backend : List.of("kubernetes", "sagemaker", "vertex")) {
            TuneResult r = tuner.tune(backend);
            results.add(r);
            System.out.println(describe(r));
            // the seed's CPU target scales on every backend: its type is kept
            assertThat(r.targetTypeChange()).as(backend).isEmpty();
            if (r.recommendation().isPresent()) {
                TuningEvaluation rec = r.recommendation().get();
                assertThat(rec.meetsSlo()).as(backend).isTrue();
                if (r.current().meetsSlo()) {
                    assertThat(rec.objective()).as(backend + ": cheaper than the seed").isLessThan(r.current().objective());
                }
                WrittenRecommendation w = tuner.write(r, dir);
                assertThat(w.file()).isEqualTo(dir.resolve("my-model-endpoint." + backend + ".yaml"));
                // the seed has no container image, which SageMaker needs: that error is the seed's, not the tuner's
                assertThat(w.validation().errors()).as(backend).allSatisfy(p -> assertThat(p.path()).isEqualTo("spec.model.image"));
                assertThat(w.evaluation().tuning().summary()).as(backend).isEqualTo(rec.tuning().summary());
                alone.put(backend, w);
            } else {
                assertThat(r.closest().orElseThrow().tuningViolations()).as(backend).isNotEmpty();
            }
        }
        // one file for the three clouds: each backend simulated from it (its spec.backends.<id> overrides applied) gives the
        // figures of its own file
        for (WrittenRecommendation w : tuner.writeOneFile(results, dir, io.inferscale.api.backend.Backends.discover())) {
            String backend = w.evaluation().tuning().backendId();
            assertThat(w.file()).isEqualTo(dir.resolve("my-model-endpoint.tuned.yaml"));
            assertThat(w.validation().errors()).as(backend).allSatisfy(p -> assertThat(p.path()).isEqualTo("spec.model.image"));
            assertThat(w.evaluation().tuning().summary()).as(backend).isEqualTo(alone.get(backend).evaluation().tuning().summary());
            assertThat(w.evaluation().holdout().orElseThrow().summary()).as(backend)
                    .isEqualTo(alone.get(backend).evaluation().holdout().orElseThrow().summary());
        }
    }

    static String describe(TuneResult r) {
        StringBuilder sb = new StringBuilder(r.backendId() + " (" + r.objectiveDescription() + ", " + r.simulations() + " simulations)\n");
        for (var e : List.of(java.util.Map.entry("current", r.current()), java.util.Map.entry("baseline", r.baseline()),
                java.util.Map.entry("recommended", r.best()))) {
            var s = e.getValue().tuning().summary();
            sb.append(String.format(java.util.Locale.ROOT, "  %-12s %-60s rh=%.2f unserved=%.3f%% over=%.0fs events=%d violations=%s%n",
                    e.getKey(), e.getValue().endpoint().autoscaling().toString().replaceAll("AutoscalingPolicy", ""),
                    s.replicaHours(), 100 * s.unservedFraction(), s.secondsOverCapacity(), s.scaleUps() + s.scaleDowns(),
                    e.getValue().tuningViolations()));
        }
        return sb.toString();
    }
}
