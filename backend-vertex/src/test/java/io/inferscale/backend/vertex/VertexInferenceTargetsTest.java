package io.inferscale.backend.vertex;

import com.google.gson.JsonObject;
import io.inferscale.api.Accelerator;
import io.inferscale.api.AcceleratorType;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.Note;
import io.inferscale.api.backend.Rendering;
import io.inferscale.backend.vertex.simulation.VertexAutoscalerModelProvider;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;

import static io.inferscale.backend.vertex.VertexTranslatorTest.assertGolden;
import static io.inferscale.backend.vertex.VertexTranslatorTest.backend;
import static io.inferscale.backend.vertex.VertexTranslatorTest.deployRequest;
import static io.inferscale.backend.vertex.VertexTranslatorTest.seed;
import static io.inferscale.backend.vertex.VertexTranslatorTest.withImage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Vertex AI and the inference-native targets")
class VertexInferenceTargetsTest {

    /** An L4 endpoint scaling on queue depth, as a vLLM server on Vertex would. */
    static InferenceEndpoint queueDepth(String value) throws IOException {
        return withImage(seed()).toBuilder()
                .resources(Resources.of(ResourceList.of("4", "16Gi"), ResourceList.of("8", "24Gi"), new Accelerator(AcceleratorType.NVIDIA_L4, 1)))
                .autoscaling(seed().autoscaling().toBuilder().minReplicas(1).maxReplicas(4).removeTarget(TargetType.CPU_UTILIZATION)
                        .target(TargetType.QUEUE_DEPTH, new BigDecimal(value)).build()).build();
    }

    @Test
    @DisplayName("queue depth renders prometheus.googleapis.com/vertex_vllm_num_requests_waiting with a whole-number target (golden)")
    void queueDepthGolden() throws IOException {
        Rendering r = backend().render(queueDepth("5"));
        assertGolden("gpu-l4-queue-depth.json", r.text());
        JsonObject dr = deployRequest(r).getAsJsonObject("deployedModel").getAsJsonObject("dedicatedResources");
        assertThat(dr.getAsJsonArray("autoscalingMetricSpecs").get(0).getAsJsonObject().get("metricName").getAsString())
                .isEqualTo("prometheus.googleapis.com/vertex_vllm_num_requests_waiting");
        assertThat(dr.getAsJsonArray("autoscalingMetricSpecs").get(0).getAsJsonObject().get("target").getAsInt()).isEqualTo(5);
        assertThat(r.notes()).filteredOn(n -> n.path().equals("spec.autoscaling.targetQueueDepthPerReplica"))
                .extracting(Note::kind).containsExactly(Note.Kind.DERIVED);
        assertThat(backend().validate(queueDepth("5")).errors()).isEmpty();
    }

    @Test
    @DisplayName("a fractional queue depth is rounded half up (at least 1) and the note says APPROXIMATED")
    void queueDepthRounded() throws IOException {
        VertexDesiredState s = new VertexTranslator("p", "us-central1").translate(queueDepth("2.5"));
        assertThat(s.deployedModel().getDedicatedResources().getAutoscalingMetricSpecs(0).getTarget()).isEqualTo(3);
        assertThat(s.notes()).anyMatch(n -> n.kind() == Note.Kind.APPROXIMATED && n.message().contains("(2.5, rounded"));
        VertexDesiredState tiny = new VertexTranslator("p", "us-central1").translate(queueDepth("0.2"));
        assertThat(tiny.deployedModel().getDedicatedResources().getAutoscalingMetricSpecs(0).getTarget()).isEqualTo(1);
    }

    @Test
    @DisplayName("tokens per second are rejected by field, naming Vertex's metrics and the supported targets")
    void tokensRejected() throws IOException {
        InferenceEndpoint e = queueDepth("5").toBuilder().autoscaling(queueDepth("5").autoscaling().toBuilder()
                .removeTarget(TargetType.QUEUE_DEPTH).target(TargetType.TOKENS_PER_SECOND, 800).build()).build();
        assertThat(backend().validate(e).errors()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("spec.autoscaling.targetTokensPerSecondPerReplica");
            assertThat(p.message()).contains("backend 'vertex' does not support generated tokens per second per replica targets")
                    .contains("not on a token rate").contains("supported targets: ").contains("targetQueueDepthPerReplica")
                    .contains("targetRequestsPerSecondPerReplica");
        });
        assertThatThrownBy(() -> backend().render(e)).isInstanceOf(InvalidEndpointException.class);
    }

    @Test
    @DisplayName("the simulator's Vertex model scales out on the queue depth the engine observes once demand exceeds capacity")
    void simulated() throws IOException {
        // 10 rps per replica, 1 s per request: at 30 rps one replica has 20 requests waiting, 4 times the target of 5
        io.inferscale.simulator.SimulationResult r = io.inferscale.simulator.Simulation.of(queueDepth("5"))
                .trace(io.inferscale.simulator.trace.LoadTrace.step(5, 30, java.time.Duration.ofMinutes(5), java.time.Duration.ofMinutes(30)))
                .profile(io.inferscale.api.simulation.ReplicaProfile.builder(10).latency(java.time.Duration.ofSeconds(1))
                        .startup(java.time.Duration.ofMinutes(2)).build())
                .run(new VertexAutoscalerModelProvider());
        assertThat(r.assumptions()).anyMatch(a -> a.value().contains("vertex_vllm_num_requests_waiting 5 requests waiting per replica"));
        assertThat(r.desiredReplicas(0)).isEqualTo(1);
        assertThat(r.summary().peakReplicas()).isGreaterThanOrEqualTo(3);
        assertThat(r.summary().scaleUps()).isPositive();
    }
}
