package io.inferscale.api.backend;

import io.inferscale.api.Accelerator;
import io.inferscale.api.AcceleratorType;
import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.ScaleToZero;
import io.inferscale.api.ScalingBehavior;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.TargetType;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

@DisplayName("Capabilities")
class CapabilitiesTest {

    static final Capabilities VERTEX_LIKE = Capabilities.builder()
            .supports(Feature.CPU_UTILIZATION_TARGET)
            .supports(Feature.REQUESTS_PER_SECOND_TARGET)
            .rejects(Feature.MEMORY_UTILIZATION_TARGET, "Vertex AI autoscaling has no memory metric")
            .approximates(Feature.SCALE_DOWN_STABILIZATION, "Vertex always looks back 5 minutes")
            .build();

    static InferenceEndpoint endpoint(AutoscalingPolicy policy) {
        return InferenceEndpoint.builder("e").model(ModelSpec.builder("m").build()).autoscaling(policy)
                .resources(Resources.of(ResourceList.of("1", "1Gi"), ResourceList.of("1", "1Gi"))).build();
    }

    @Test
    @DisplayName("rejects an unsupported feature by field, backend, reason and what is supported")
    void rejects() {
        ValidationReport r = VERTEX_LIKE.check(endpoint(AutoscalingPolicy.builder().maxReplicas(3)
                .target(TargetType.MEMORY_UTILIZATION, 70).build()), "vertex");
        assertThat(r.errors()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("spec.autoscaling.targetMemoryUtilizationPercentage");
            assertThat(p.message()).isEqualTo("backend 'vertex' does not support memory utilization targets: Vertex AI autoscaling has no "
                    + "memory metric; supported targets: targetCPUUtilizationPercentage, targetRequestsPerSecondPerReplica");
        });
    }

    @Test
    @DisplayName("warns about an approximated feature and rejects features never declared")
    void approximatesAndDefaultsToUnsupported() {
        ValidationReport r = VERTEX_LIKE.check(endpoint(AutoscalingPolicy.builder().maxReplicas(3).target(TargetType.CPU_UTILIZATION, 60)
                .behavior(ScalingBehavior.of(ScalingRules.disabled(), ScalingRules.stabilization(600))).build()), "vertex");
        assertThat(r.warnings()).extracting(Problem::path).containsExactly("spec.autoscaling.behavior.scaleDown.stabilizationWindowSeconds");
        assertThat(r.warnings().get(0).message()).isEqualTo("backend 'vertex' approximates a scale-down stabilization window: Vertex always looks back 5 minutes");
        assertThat(r.errors()).extracting(Problem::path).containsExactly("spec.autoscaling.behavior.scaleUp.selectPolicy");
        assertThat(r.errors().get(0).message()).isEqualTo("backend 'vertex' does not support disabling scale-up; behaviour it honours: "
                + "a scale-down stabilization window (approximated); remove selectPolicy: Disabled");
    }

    @Test
    @DisplayName("an unsupported feature that is not a target says how to do without it")
    void fixesForOtherFeatures() {
        Capabilities none = Capabilities.builder().supports(Feature.CPU_UTILIZATION_TARGET).supports(Feature.MEMORY_UTILIZATION_TARGET).build();
        InferenceEndpoint e = endpoint(AutoscalingPolicy.builder().minReplicas(0).maxReplicas(3).scaleToZero(new ScaleToZero(600))
                .target(TargetType.CPU_UTILIZATION, 60).target(TargetType.MEMORY_UTILIZATION, 70)
                .behavior(ScalingBehavior.of(null, ScalingRules.stabilization(600))).build());
        e = e.toBuilder().resources(e.resources().withAccelerator(new Accelerator(AcceleratorType.NVIDIA_T4, 1))).build();
        assertThat(none.check(e, "demo").errors()).extracting(Problem::path, Problem::message).containsExactly(
                tuple("spec.autoscaling", "backend 'demo' does not support several scaling targets at once; keep one target"),
                tuple("spec.autoscaling.behavior.scaleDown.stabilizationWindowSeconds", "backend 'demo' does not support a scale-down "
                        + "stabilization window; behaviour it honours: none; remove spec.autoscaling.behavior.scaleDown.stabilizationWindowSeconds"),
                tuple("spec.autoscaling.scaleToZero", "backend 'demo' does not support scaling to zero replicas; remove scaleToZero and set"
                        + " minReplicas to 1 or more"),
                tuple("spec.resources.accelerator", "backend 'demo' does not support accelerators (GPUs); remove spec.resources.accelerator"));
    }

    @Test
    @DisplayName("reports every feature's support level")
    void asMap() {
        assertThat(VERTEX_LIKE.asMap()).hasSize(Feature.values().length)
                .containsEntry(Feature.CPU_UTILIZATION_TARGET, Support.NATIVE)
                .containsEntry(Feature.SCALE_DOWN_STABILIZATION, Support.APPROXIMATED)
                .containsEntry(Feature.SCALE_TO_ZERO, Support.UNSUPPORTED);
        assertThat(Capabilities.all().asMap().values()).containsOnly(Support.NATIVE);
    }

    @Test
    @DisplayName("FieldChanges compares numbers and quantities by value, text as text")
    void fieldChanges() {
        var before = java.util.Map.of("spec", java.util.Map.of("maxReplicas", 5, "cpu", io.inferscale.api.Quantity.parse("1"), "label", "1.0", "metrics", List.of(java.util.Map.of("target", 60))));
        var after = java.util.Map.of("spec", java.util.Map.of("maxReplicas", 8, "cpu", io.inferscale.api.Quantity.parse("1000m"), "label", "1", "metrics", List.of(java.util.Map.of("target", 60.0))));
        assertThat(FieldChanges.diff(before, after)).containsExactly(new FieldChange("spec.label", "1.0", "1"), new FieldChange("spec.maxReplicas", "5", "8"));
        assertThat(FieldChanges.diff(java.util.Map.of("a", 1), java.util.Map.of("b", "x")))
                .containsExactly(new FieldChange("a", "1", null), new FieldChange("b", null, "x"));
    }
}
