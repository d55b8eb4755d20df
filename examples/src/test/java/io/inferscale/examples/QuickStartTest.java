package io.inferscale.examples;

import io.inferscale.api.backend.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class QuickStartTest {

    @TempDir
    Path dir;

    @Test
    void runsEveryStepOnTheSeed() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = QuickStart.run(new String[0], new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), dir, Backends.discover());
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(text).contains("Loaded inference_endpoint.yaml: endpoint my-model-endpoint serving my-ml-model:v1, 1..5 replicas")
                .contains("== 3. Render for each cloud")
                .contains("--- kubernetes (yaml").contains("kind: HorizontalPodAutoscaler")
                // the seed names no image: SageMaker and Vertex say so by field before any call
                .contains("sagemaker rejects the document before any call:").contains("error: spec.model.image:")
                .contains("--- sagemaker (json").contains("\"operation\": \"PutScalingPolicy\"")
                .contains("--- vertex (json").contains("\"method\": \"DeployModel\"")
                .contains("== 4. Simulate")
                .contains("== 5. Apply to the in-memory backend")
                .contains("+ InferenceEndpoint my-model-endpoint")
                .containsPattern("my-model-endpoint\\s+my-ml-model:v1\\s+1\\s+5\\s+1/1\\s+<unknown>/60%\\s+READY");
        assertThat(dir.resolve("render-kubernetes.yaml")).exists();
        assertThat(dir.resolve("render-sagemaker.json")).exists();
        assertThat(dir.resolve("render-vertex.json")).exists();
        Path report = dir.resolve("simulation-report.html");
        String html = Files.readString(report);
        // one replica curve per cloud whose autoscaler model is on the class path (all three in this module)
        for (String id : io.inferscale.api.simulation.AutoscalerModels.discover().ids()) {
            if (QuickStart.CLOUDS.contains(id)) {
                assertThat(html).contains("data-series=\"replicas\" data-backend=\"" + id + "\"");
            }
        }
        assertThat(html).contains("data-backend=\"kubernetes\"");
    }

    @Test
    void anInvalidDocumentStopsAtValidation() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, QuickStart.text("inference_endpoint.yaml").replace("maxReplicas: 5", "maxReplicas: 0"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = QuickStart.run(new String[] {bad.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), dir, Backends.discover());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(bad + ":11: error: spec.autoscaling.maxReplicas:");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("== 3.");
    }
}
