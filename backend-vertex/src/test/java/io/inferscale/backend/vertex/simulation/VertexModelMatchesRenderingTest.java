package io.inferscale.backend.vertex.simulation;

import com.google.cloud.aiplatform.v1.AutoscalingMetricSpec;
import io.inferscale.api.Accelerator;
import io.inferscale.api.AcceleratorType;
import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.simulation.ModelContext;
import io.inferscale.backend.vertex.VertexTranslator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Vertex model simulates is what the vertex backend renders: the endpoint is translated for deployment (the
 * full {@code DeployModel} request), its {@code DedicatedResources.autoscaling_metric_specs} read back, and the model
 * built from the same endpoint must list exactly those metrics and targets among its assumptions, nothing more.
 */
class VertexModelMatchesRenderingTest {

    static final Pattern SCALES_ON = Pattern.compile("(\\S+) (\\d+)\\D.*");

    record Case(String name, InferenceEndpoint endpoint) {
        @Override
        public String toString() {
            return name;
        }
    }

    static InferenceEndpoint endpoint(Resources resources, AutoscalingPolicy policy) {
        return InferenceEndpoint.builder("my-model-endpoint")
                .model(ModelSpec.builder("my-ml-model").version("v1").image("us-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-3:latest").build())
                .resources(resources).autoscaling(policy).build();
    }

    static Stream<Case> cases() {
        Resources seed = Resources.of(ResourceList.of("500m", "1Gi"), ResourceList.of("1", "2Gi"));
        Resources l4 = Resources.of(ResourceList.of("4", "16Gi"), ResourceList.of("8", "24Gi"), new Accelerator(AcceleratorType.NVIDIA_L4, 1));
        AutoscalingPolicy.Builder p = AutoscalingPolicy.builder().minReplicas(1).maxReplicas(8);
        return Stream.of(
                new Case("CPU 60 only", endpoint(seed, p.build().toBuilder().target(TargetType.CPU_UTILIZATION, 60).build())),
                new Case("requests per second only (CPU 60 rendered too)", endpoint(seed, p.build().toBuilder()
                        .target(TargetType.REQUESTS_PER_SECOND, 10).build())),
                new Case("requests 2.5 rps and CPU 80", endpoint(seed, p.build().toBuilder().target(TargetType.REQUESTS_PER_SECOND, new BigDecimal("2.5"))
                        .target(TargetType.CPU_UTILIZATION, 80).build())),
                new Case("L4 with duty cycle 70 and requests (CPU 60 rendered too)", endpoint(l4, p.build().toBuilder()
                        .target(TargetType.ACCELERATOR_UTILIZATION, 70).target(TargetType.REQUESTS_PER_SECOND, 5).build())),
                new Case("L4 with CPU 50 only (duty cycle 60 rendered too)", endpoint(l4, p.build().toBuilder()
                        .target(TargetType.CPU_UTILIZATION, 50).build())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void modelScalesOnTheRenderedSpecs(Case c) {
        List<AutoscalingMetricSpec> rendered = new VertexTranslator("my-project", "us-central1").translate(c.endpoint())
                .deployedModel().getDedicatedResources().getAutoscalingMetricSpecsList();
        List<String> expected = rendered.stream().map(s -> s.getMetricName() + " " + s.getTarget()).toList();

        List<Assumption> assumptions = new VertexAutoscalerModelProvider().create(ModelContext.of(c.endpoint())).assumptions();
        List<String> simulated = assumptions.stream().filter(a -> a.subject().equals("scales on")).map(a -> {
            Matcher m = SCALES_ON.matcher(a.value());
            assertThat(m.matches()).as("'%s' reads '<metric> <target><unit>'", a.value()).isTrue();
            assertThat(a.source()).contains("rendered by the vertex backend");
            return m.group(1) + " " + m.group(2);
        }).toList();

        assertThat(simulated).containsExactlyElementsOf(expected);
        // every resource metric Vertex could scale on is rendered, so nothing is implicit
        assertThat(expected).anyMatch(s -> s.startsWith(VertexTranslator.CPU_METRIC + " "));
        if (c.endpoint().resources().accelerator().isPresent()) {
            assertThat(expected).anyMatch(s -> s.startsWith(VertexTranslator.ACCELERATOR_METRIC + " "));
        }
    }
}
