package io.inferscale.api.backend;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.TargetType;

import java.util.Optional;
import java.util.function.Predicate;

/**
 * A part of the neutral model that a backend may or may not honour. Each feature knows the field path
 * that uses it and how to tell whether an endpoint uses it, so one generic check
 * ({@link Capabilities#check}) rejects, by name, whatever a backend cannot honour.
 */
public enum Feature {
    /** {@code targetCPUUtilizationPercentage}. */
    CPU_UTILIZATION_TARGET(TargetType.CPU_UTILIZATION),
    /** {@code targetMemoryUtilizationPercentage}. */
    MEMORY_UTILIZATION_TARGET(TargetType.MEMORY_UTILIZATION),
    /** {@code targetRequestsPerSecondPerReplica}. */
    REQUESTS_PER_SECOND_TARGET(TargetType.REQUESTS_PER_SECOND),
    /** {@code targetConcurrentRequestsPerReplica}. */
    CONCURRENT_REQUESTS_TARGET(TargetType.CONCURRENT_REQUESTS),
    /** {@code targetAcceleratorUtilizationPercentage}. */
    ACCELERATOR_UTILIZATION_TARGET(TargetType.ACCELERATOR_UTILIZATION),
    /** {@code targetQueueDepthPerReplica}. */
    QUEUE_DEPTH_TARGET(TargetType.QUEUE_DEPTH),
    /** {@code targetTokensPerSecondPerReplica}. */
    TOKENS_PER_SECOND_TARGET(TargetType.TOKENS_PER_SECOND),
    /** More than one target at once (the autoscaler follows the one asking for the most replicas). */
    MULTIPLE_TARGETS("spec.autoscaling", "several scaling targets at once", e -> e.autoscaling().targets().size() > 1),
    /** {@code behavior.scaleUp.stabilizationWindowSeconds}. */
    SCALE_UP_STABILIZATION("spec.autoscaling.behavior.scaleUp.stabilizationWindowSeconds", "a scale-up stabilization window",
            e -> up(e).flatMap(ScalingRules::stabilizationWindowSeconds).isPresent()),
    /** {@code behavior.scaleDown.stabilizationWindowSeconds}. */
    SCALE_DOWN_STABILIZATION("spec.autoscaling.behavior.scaleDown.stabilizationWindowSeconds", "a scale-down stabilization window",
            e -> down(e).flatMap(ScalingRules::stabilizationWindowSeconds).isPresent()),
    /** {@code behavior.scaleUp.policies} (rate limits) and a {@code selectPolicy} other than Disabled. */
    SCALE_UP_RATE_POLICIES("spec.autoscaling.behavior.scaleUp.policies", "scale-up rate policies",
            e -> up(e).map(r -> !r.policies().isEmpty()).orElse(false)),
    /** {@code behavior.scaleDown.policies}. */
    SCALE_DOWN_RATE_POLICIES("spec.autoscaling.behavior.scaleDown.policies", "scale-down rate policies",
            e -> down(e).map(r -> !r.policies().isEmpty()).orElse(false)),
    /** {@code behavior.scaleUp.selectPolicy: Disabled}. */
    SCALE_UP_DISABLED("spec.autoscaling.behavior.scaleUp.selectPolicy", "disabling scale-up",
            e -> up(e).map(ScalingRules::isDisabled).orElse(false)),
    /** {@code behavior.scaleDown.selectPolicy: Disabled}. */
    SCALE_DOWN_DISABLED("spec.autoscaling.behavior.scaleDown.selectPolicy", "disabling scale-down",
            e -> down(e).map(ScalingRules::isDisabled).orElse(false)),
    /** {@code scaleToZero} with {@code minReplicas: 0}. */
    SCALE_TO_ZERO("spec.autoscaling.scaleToZero", "scaling to zero replicas",
            e -> e.autoscaling().scaleToZero().isPresent() || e.autoscaling().minReplicas() == 0),
    /** {@code resources.accelerator}. */
    ACCELERATORS("spec.resources.accelerator", "accelerators (GPUs)", e -> e.resources().accelerator().isPresent());

    private final String path;
    private final String description;
    private final Predicate<InferenceEndpoint> usedBy;
    private final TargetType target;

    Feature(TargetType target) {
        this.path = target.path();
        this.description = target.description() + " targets";
        this.usedBy = e -> e.autoscaling().target(target).isPresent();
        this.target = target;
    }

    Feature(String path, String description, Predicate<InferenceEndpoint> usedBy) {
        this.path = path;
        this.description = description;
        this.usedBy = usedBy;
        this.target = null;
    }

    /** The field path that uses this feature, e.g. {@code spec.autoscaling.targetMemoryUtilizationPercentage}. */
    public String path() {
        return path;
    }

    /** Words for messages and tables, e.g. {@code memory utilization targets}. */
    public String description() {
        return description;
    }

    /** True when {@code endpoint} uses this feature. */
    public boolean isUsedBy(InferenceEndpoint endpoint) {
        return usedBy.test(endpoint);
    }

    /** The target type, for the target features (one per {@link TargetType}). */
    public Optional<TargetType> targetType() {
        return Optional.ofNullable(target);
    }

    /** The feature of a target type. */
    public static Feature of(TargetType type) {
        for (Feature f : values()) {
            if (f.target == type) {
                return f;
            }
        }
        throw new IllegalArgumentException(String.valueOf(type));
    }

    private static Optional<ScalingRules> up(InferenceEndpoint e) {
        return e.autoscaling().behavior().scaleUp();
    }

    private static Optional<ScalingRules> down(InferenceEndpoint e) {
        return e.autoscaling().behavior().scaleDown();
    }

}
