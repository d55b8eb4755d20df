package io.inferscale.backend.kubernetes.simulation;

import io.inferscale.api.ScalingPolicy;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.SelectPolicy;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;

import java.util.Arrays;
import java.util.List;

/**
 * One direction of an HPA's {@code spec.behavior} with upstream's defaults filled in, as
 * {@code pkg/apis/autoscaling/v2/defaults.go} ({@code GenerateHPAScaleUpRules}, {@code GenerateHPAScaleDownRules})
 * and the controller's {@code maybeInitScaleDownStabilizationWindow} do:
 * <ul>
 *   <li>scale up: stabilization window 0 s, policies {@code Pods 4 per 15 s} and {@code Percent 100 per 15 s},
 *       {@code selectPolicy: Max};</li>
 *   <li>scale down: stabilization window = the controller's downscale stabilization (300 s by default),
 *       policy {@code Percent 100 per 15 s}, {@code selectPolicy: Max}.</li>
 * </ul>
 * Each absent part takes its default separately; an empty policy list takes the default policies.
 */
public final class HpaScalingRules {

    final int stabilizationWindowSeconds;
    final SelectPolicy selectPolicy;
    final boolean[] percent;
    final int[] value;
    final int[] periodSeconds;
    final int longestPeriodSeconds;

    private HpaScalingRules(int window, SelectPolicy select, List<ScalingPolicy> policies) {
        this.stabilizationWindowSeconds = window;
        this.selectPolicy = select;
        int n = policies.size();
        this.percent = new boolean[n];
        this.value = new int[n];
        this.periodSeconds = new int[n];
        int longest = 0;
        for (int i = 0; i < n; i++) {
            ScalingPolicy p = policies.get(i);
            percent[i] = p.type() == ScalingPolicy.Type.PERCENT;
            value[i] = p.value();
            periodSeconds[i] = p.periodSeconds();
            longest = Math.max(longest, p.periodSeconds());
        }
        this.longestPeriodSeconds = longest;
    }

    /** Upstream's default scale-up policies: Pods 4 per 15 s and Percent 100 per 15 s. */
    public static final List<ScalingPolicy> DEFAULT_SCALE_UP_POLICIES = List.of(
            new ScalingPolicy(ScalingPolicy.Type.PODS, 4, 15), new ScalingPolicy(ScalingPolicy.Type.PERCENT, 100, 15));

    /** Upstream's default scale-down policy: Percent 100 per 15 s. */
    public static final List<ScalingPolicy> DEFAULT_SCALE_DOWN_POLICIES = List.of(
            new ScalingPolicy(ScalingPolicy.Type.PERCENT, 100, 15));

    /** Scale-up rules from the neutral rules ({@code null} for none), defaults filled in. */
    public static HpaScalingRules scaleUp(ScalingRules rules) {
        if (rules == null) {
            return new HpaScalingRules(0, SelectPolicy.MAX, DEFAULT_SCALE_UP_POLICIES);
        }
        return new HpaScalingRules(rules.stabilizationWindowSeconds().orElse(0), rules.selectPolicy().orElse(SelectPolicy.MAX),
                rules.policies().isEmpty() ? DEFAULT_SCALE_UP_POLICIES : rules.policies());
    }

    /** Scale-down rules from the neutral rules ({@code null} for none), defaults filled in. */
    public static HpaScalingRules scaleDown(ScalingRules rules, int downscaleStabilizationSeconds) {
        if (rules == null) {
            return new HpaScalingRules(downscaleStabilizationSeconds, SelectPolicy.MAX, DEFAULT_SCALE_DOWN_POLICIES);
        }
        return new HpaScalingRules(rules.stabilizationWindowSeconds().orElse(downscaleStabilizationSeconds),
                rules.selectPolicy().orElse(SelectPolicy.MAX),
                rules.policies().isEmpty() ? DEFAULT_SCALE_DOWN_POLICIES : rules.policies());
    }

    /** Scale-up rules from a rendered HPA's {@code behavior.scaleUp} ({@code null} for none), defaults filled in. */
    public static HpaScalingRules renderedScaleUp(HPAScalingRules rendered) {
        return scaleUp(neutral(rendered));
    }

    /** Scale-down rules from a rendered HPA's {@code behavior.scaleDown} ({@code null} for none), defaults filled in. */
    public static HpaScalingRules renderedScaleDown(HPAScalingRules rendered, int downscaleStabilizationSeconds) {
        return scaleDown(neutral(rendered), downscaleStabilizationSeconds);
    }

    /** The rendered rules read back into the neutral form (the translator maps one onto the other one to one). */
    private static ScalingRules neutral(HPAScalingRules r) {
        if (r == null) {
            return null;
        }
        SelectPolicy select = null;
        if (r.getSelectPolicy() != null) {
            select = Arrays.stream(SelectPolicy.values()).filter(p -> p.id().equals(r.getSelectPolicy())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown selectPolicy " + r.getSelectPolicy()));
        }
        List<ScalingPolicy> policies = new java.util.ArrayList<>();
        if (r.getPolicies() != null) {
            for (HPAScalingPolicy p : r.getPolicies()) {
                ScalingPolicy.Type type = Arrays.stream(ScalingPolicy.Type.values()).filter(t -> t.id().equals(p.getType())).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("unknown policy type " + p.getType()));
                policies.add(new ScalingPolicy(type, p.getValue(), p.getPeriodSeconds()));
            }
        }
        return ScalingRules.of(r.getStabilizationWindowSeconds(), policies, select);
    }

    /** Rules exactly as given (no defaults), for tests that build them as upstream's tests do. */
    public static HpaScalingRules of(int stabilizationWindowSeconds, SelectPolicy selectPolicy, List<ScalingPolicy> policies) {
        return new HpaScalingRules(stabilizationWindowSeconds, selectPolicy, policies);
    }

    /** The stabilization window in seconds. */
    public int stabilizationWindowSeconds() {
        return stabilizationWindowSeconds;
    }

    /** Which policy wins. */
    public SelectPolicy selectPolicy() {
        return selectPolicy;
    }
}
