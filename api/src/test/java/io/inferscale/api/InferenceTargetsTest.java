package io.inferscale.api;

import io.inferscale.api.backend.BackendOverrides;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.Feature;
import io.inferscale.api.backend.OptionKey;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.api.simulation.TuningKnob;
import io.inferscale.api.validation.EndpointValidator;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Inference-native targets: queue depth and generated tokens per second per replica")
class InferenceTargetsTest {

    static final String SPEC = """
            apiVersion: mlops.example.com/v1
            kind: InferenceEndpoint
            metadata:
              name: llm
            spec:
              model:
                name: llama
                image: registry.example.com/llama:1
              autoscaling:
                minReplicas: 1
                maxReplicas: 8
                targetQueueDepthPerReplica: 4
                targetTokensPerSecondPerReplica: 1250.5
              resources:
                requests:
                  cpu: '4'
                  memory: 16Gi
            """;

    @Test
    @DisplayName("the types name their fields, paths and units, and are not percentages")
    void types() {
        assertThat(TargetType.QUEUE_DEPTH.field()).isEqualTo("targetQueueDepthPerReplica");
        assertThat(TargetType.QUEUE_DEPTH.path()).isEqualTo("spec.autoscaling.targetQueueDepthPerReplica");
        assertThat(TargetType.TOKENS_PER_SECOND.field()).isEqualTo("targetTokensPerSecondPerReplica");
        assertThat(TargetType.QUEUE_DEPTH.isPercentage()).isFalse();
        assertThat(TargetType.TOKENS_PER_SECOND.isPercentage()).isFalse();
        assertThat(TargetType.fromField("targetTokensPerSecondPerReplica")).contains(TargetType.TOKENS_PER_SECOND);
        assertThat(Feature.of(TargetType.QUEUE_DEPTH)).isEqualTo(Feature.QUEUE_DEPTH_TARGET);
        assertThat(Feature.of(TargetType.TOKENS_PER_SECOND)).isEqualTo(Feature.TOKENS_PER_SECOND_TARGET);
        assertThat(Feature.TOKENS_PER_SECOND_TARGET.path()).isEqualTo("spec.autoscaling.targetTokensPerSecondPerReplica");
        assertThat(Feature.QUEUE_DEPTH_TARGET.targetType()).contains(TargetType.QUEUE_DEPTH);
    }

    @Test
    @DisplayName("are read from YAML, written back in YAML and JSON, and round-trip to an equal endpoint")
    void codec() {
        InferenceEndpoint e = EndpointCodec.read(SPEC, "llm.yaml").endpoint();
        assertThat(e.autoscaling().target(TargetType.QUEUE_DEPTH)).map(ScalingTarget::value).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("4"));
        assertThat(e.autoscaling().target(TargetType.TOKENS_PER_SECOND)).map(ScalingTarget::value)
                .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("1250.5"));
        String yaml = EndpointCodec.toYaml(e);
        assertThat(yaml).contains("targetQueueDepthPerReplica: 4\n").contains("targetTokensPerSecondPerReplica: 1250.5\n");
        assertThat(EndpointCodec.read(yaml, "again").endpoint()).isEqualTo(e);
        assertThat(EndpointCodec.read(EndpointCodec.toJson(e), "json").endpoint()).isEqualTo(e);
        assertThat(EndpointValidator.validate(e).errors()).isEmpty();
    }

    @Test
    @DisplayName("a text value is an error at the field's path and line")
    void wrongType() {
        Problem p = catchReport(SPEC.replace("targetQueueDepthPerReplica: 4", "targetQueueDepthPerReplica: lots")).errors().get(0);
        assertThat(p.path()).isEqualTo("spec.autoscaling.targetQueueDepthPerReplica");
        assertThat(p.line()).isEqualTo(12);
    }

    private static ValidationReport catchReport(String yaml) {
        try {
            EndpointCodec.read(yaml, "llm.yaml");
        } catch (InvalidEndpointException ex) {
            return ex.report();
        }
        throw new AssertionError("expected the document to be rejected");
    }

    @Test
    @DisplayName("must be greater than 0 (fractions are fine), each at its own field")
    void positive() {
        InferenceEndpoint zero = EndpointCodec.read(SPEC.replace("targetQueueDepthPerReplica: 4", "targetQueueDepthPerReplica: 0")
                .replace("targetTokensPerSecondPerReplica: 1250.5", "targetTokensPerSecondPerReplica: -3"), "llm.yaml").endpoint();
        assertThat(EndpointValidator.validate(zero).errors()).extracting(Problem::path, Problem::message).containsExactlyInAnyOrder(
                org.assertj.core.api.Assertions.tuple("spec.autoscaling.targetQueueDepthPerReplica", "0 must be greater than 0"),
                org.assertj.core.api.Assertions.tuple("spec.autoscaling.targetTokensPerSecondPerReplica", "-3 must be greater than 0"));
        InferenceEndpoint fraction = EndpointCodec.read(SPEC.replace("targetQueueDepthPerReplica: 4", "targetQueueDepthPerReplica: 0.5"), "llm.yaml").endpoint();
        assertThat(EndpointValidator.validate(fraction).errors()).isEmpty();
    }

    /** {@link #SPEC} with {@code spec.backends} set to {@code options} (indented as its children). */
    private static InferenceEndpoint withBackends(String options) {
        return EndpointCodec.read(SPEC.replace("  resources:\n", "  backends:\n" + options + "  resources:\n"), "llm.yaml").endpoint();
    }

    @Test
    @DisplayName("per-backend overrides: each field is an option key and replaces the spec's targets as a set on that backend")
    void overrides() {
        InferenceEndpoint e = withBackends("""
                    kubernetes:
                      targetQueueDepthPerReplica: 2.5
                    vertex:
                      targetRequestsPerSecondPerReplica: 3
                """);
        assertThat(BackendOverrides.OPTION_KEYS).extracting(OptionKey::name)
                .contains("targetQueueDepthPerReplica", "targetTokensPerSecondPerReplica");
        InferenceEndpoint k8s = BackendOverrides.apply(e, "kubernetes");
        assertThat(k8s.autoscaling().targets()).singleElement().isEqualTo(ScalingTarget.of(TargetType.QUEUE_DEPTH, "2.5"));
        InferenceEndpoint vertex = BackendOverrides.apply(e, "vertex");
        assertThat(vertex.autoscaling().targets()).singleElement().isEqualTo(ScalingTarget.of(TargetType.REQUESTS_PER_SECOND, 3));
        assertThat(BackendOverrides.apply(e, "sagemaker").autoscaling().targets()).hasSize(2);
        assertThat(EndpointValidator.validate(e).errors()).isEmpty();
    }

    @Test
    @DisplayName("an override that is not a positive number is an error at spec.backends.<id>.<field>")
    void badOverride() {
        InferenceEndpoint e = withBackends("""
                    kubernetes:
                      targetTokensPerSecondPerReplica: 0
                """);
        assertThat(EndpointValidator.validate(e).errors()).extracting(Problem::path)
                .containsExactly("spec.backends.kubernetes.targetTokensPerSecondPerReplica");
    }

    @Test
    @DisplayName("a backend that lacks the feature rejects the field by name, with its reason and the targets it supports")
    void rejectedByField() {
        Capabilities caps = Capabilities.builder().supports(Feature.CONCURRENT_REQUESTS_TARGET)
                .rejects(Feature.TOKENS_PER_SECOND_TARGET, "no token metric").build();
        InferenceEndpoint e = EndpointCodec.read(SPEC, "llm.yaml").endpoint();
        ValidationReport r = caps.check(e, "cloud");
        assertThat(r.errors()).extracting(Problem::path).containsExactly("spec.autoscaling.targetQueueDepthPerReplica",
                "spec.autoscaling.targetTokensPerSecondPerReplica", "spec.autoscaling");
        assertThat(r.errors().get(1).message()).isEqualTo("backend 'cloud' does not support generated tokens per second per replica "
                + "targets: no token metric; supported targets: targetConcurrentRequestsPerReplica");
        assertThat(Capabilities.all().check(e, "in-memory").errors()).isEmpty();
    }

    @Test
    @DisplayName("tuning: queue depth tries 30-90 % of what one replica has in service; tokens per second has no candidates")
    void tuningCandidates() {
        ReplicaProfile profile = ReplicaProfile.builder(10).latency(Duration.ofMillis(2000)).build();
        assertThat(TuningKnob.target(TargetType.QUEUE_DEPTH, profile).candidates())
                .containsExactly(new BigDecimal("6.00"), new BigDecimal("9.00"), new BigDecimal("12.00"), new BigDecimal("15.00"),
                        new BigDecimal("18.00"));
        assertThat(TuningKnob.target(TargetType.TOKENS_PER_SECOND, profile).candidates()).isEmpty();
    }
}
