package io.inferscale.api;

import java.util.Objects;
import java.util.Optional;

/**
 * Scale-up and scale-down behaviour, in the shape of Kubernetes' {@code HorizontalPodAutoscalerBehavior}.
 * Either direction may be absent, meaning the backend's default.
 */
public final class ScalingBehavior {

    private static final ScalingBehavior NONE = new ScalingBehavior(null, null);

    private final ScalingRules scaleUp;
    private final ScalingRules scaleDown;

    private ScalingBehavior(ScalingRules scaleUp, ScalingRules scaleDown) {
        this.scaleUp = scaleUp;
        this.scaleDown = scaleDown;
    }

    /** No behaviour given: backend defaults both ways. */
    public static ScalingBehavior none() {
        return NONE;
    }

    /** Behaviour with the given rules; either may be {@code null}. */
    public static ScalingBehavior of(ScalingRules scaleUp, ScalingRules scaleDown) {
        return scaleUp == null && scaleDown == null ? NONE : new ScalingBehavior(scaleUp, scaleDown);
    }

    /** Rules for adding replicas. */
    public Optional<ScalingRules> scaleUp() {
        return Optional.ofNullable(scaleUp);
    }

    /** Rules for removing replicas. */
    public Optional<ScalingRules> scaleDown() {
        return Optional.ofNullable(scaleDown);
    }

    /** True when neither direction is given. */
    public boolean isEmpty() {
        return scaleUp == null && scaleDown == null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScalingBehavior b && Objects.equals(scaleUp, b.scaleUp) && Objects.equals(scaleDown, b.scaleDown);
    }

    @Override
    public int hashCode() {
        return Objects.hash(scaleUp, scaleDown);
    }

    @Override
    public String toString() {
        return "ScalingBehavior{scaleUp=" + scaleUp + ", scaleDown=" + scaleDown + "}";
    }
}
