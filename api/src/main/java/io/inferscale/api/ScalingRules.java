package io.inferscale.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How one direction of scaling (up or down) behaves, in the shape of Kubernetes' {@code HPAScalingRules}.
 * Every part is optional: an absent part means "the backend's default", never zero.
 */
public final class ScalingRules {

    private final Integer stabilizationWindowSeconds;
    private final List<ScalingPolicy> policies;
    private final SelectPolicy selectPolicy;

    private ScalingRules(Integer stabilizationWindowSeconds, List<ScalingPolicy> policies, SelectPolicy selectPolicy) {
        this.stabilizationWindowSeconds = stabilizationWindowSeconds;
        this.policies = List.copyOf(Objects.requireNonNull(policies, "policies"));
        this.selectPolicy = selectPolicy;
    }

    /**
     * Rules with the given parts.
     *
     * @param stabilizationWindowSeconds how far back the autoscaler looks before changing replicas (0..3600), or {@code null}
     * @param policies                   rate limits, possibly empty
     * @param selectPolicy               which policy wins, or {@code null}
     */
    public static ScalingRules of(Integer stabilizationWindowSeconds, List<ScalingPolicy> policies, SelectPolicy selectPolicy) {
        return new ScalingRules(stabilizationWindowSeconds, policies, selectPolicy);
    }

    /** Rules with only a stabilization window. */
    public static ScalingRules stabilization(int seconds) {
        return new ScalingRules(seconds, List.of(), null);
    }

    /** Rules that disable this direction ({@code selectPolicy: Disabled}). */
    public static ScalingRules disabled() {
        return new ScalingRules(null, List.of(), SelectPolicy.DISABLED);
    }

    /** The stabilization window in seconds. */
    public Optional<Integer> stabilizationWindowSeconds() {
        return Optional.ofNullable(stabilizationWindowSeconds);
    }

    /** Rate limits; empty when none are given. */
    public List<ScalingPolicy> policies() {
        return policies;
    }

    /** Which policy wins. */
    public Optional<SelectPolicy> selectPolicy() {
        return Optional.ofNullable(selectPolicy);
    }

    /** True when this direction is switched off. */
    public boolean isDisabled() {
        return selectPolicy == SelectPolicy.DISABLED;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScalingRules r && Objects.equals(stabilizationWindowSeconds, r.stabilizationWindowSeconds)
                && policies.equals(r.policies) && selectPolicy == r.selectPolicy;
    }

    @Override
    public int hashCode() {
        return Objects.hash(stabilizationWindowSeconds, policies, selectPolicy);
    }

    @Override
    public String toString() {
        return "ScalingRules{stabilizationWindowSeconds=" + stabilizationWindowSeconds + ", policies=" + policies
                + ", selectPolicy=" + selectPolicy + "}";
    }
}
