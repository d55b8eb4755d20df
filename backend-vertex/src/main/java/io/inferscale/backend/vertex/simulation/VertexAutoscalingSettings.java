package io.inferscale.backend.vertex.simulation;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.simulation.ModelSettings;

import java.time.Duration;
import java.util.Set;

/**
 * The Vertex AI model's constants, each overridable through {@link ModelSettings} with the key shown. What the model
 * scales on is not a setting: it is the endpoint's rendered {@code DedicatedResources.autoscaling_metric_specs}
 * (change the endpoint's targets to change it).
 *
 * <table>
 *   <caption>Vertex AI model settings</caption>
 *   <tr><th>key</th><th>default</th><th>source</th></tr>
 *   <tr><td>{@code vertex.evaluationPeriod}</td><td>15s</td><td>Google, "Scale inference nodes by using autoscaling"
 *       (https://cloud.google.com/vertex-ai/docs/predictions/autoscaling): recommendations are computed every 15 seconds</td></tr>
 *   <tr><td>{@code vertex.stabilizationWindow}</td><td>5m</td><td>same page: the replica count follows the highest
 *       recommendation of the previous five minutes</td></tr>
 *   <tr><td>{@code vertex.tolerance}</td><td>0</td><td><b>assumption</b>: {@code AutoscalingMetricSpec.target}
 *       says replicas change "once the real usage deviates from the target by a certain percentage" without the
 *       figure; 0 changes them at any deviation</td></tr>
 * </table>
 *
 * @param evaluationPeriod    how often recommendations are computed
 * @param stabilizationWindow how far back the highest recommendation is taken
 * @param tolerance           relative deviation from a target below which a metric recommends no change (0.1 = 10 %)
 */
public record VertexAutoscalingSettings(Duration evaluationPeriod, Duration stabilizationWindow, double tolerance) {

    /** Setting key of {@link #evaluationPeriod()}. */
    public static final String EVALUATION_PERIOD = "vertex.evaluationPeriod";
    /** Setting key of {@link #stabilizationWindow()}. */
    public static final String STABILIZATION_WINDOW = "vertex.stabilizationWindow";
    /** Setting key of {@link #tolerance()}. */
    public static final String TOLERANCE = "vertex.tolerance";
    /** The keys, for {@link io.inferscale.api.simulation.AutoscalerModelProvider#settingKeys()}. */
    public static final Set<String> KEYS = Set.of(EVALUATION_PERIOD, STABILIZATION_WINDOW, TOLERANCE);
    /** Where the evaluation period and the window come from. */
    public static final String AUTOSCALING_PAGE = "Google Cloud, \"Scale inference nodes by using autoscaling\", "
            + "https://cloud.google.com/vertex-ai/docs/predictions/autoscaling";

    /** The defaults. */
    public static VertexAutoscalingSettings defaults() {
        return from(ModelSettings.empty());
    }

    /**
     * Defaults overridden by {@code settings}.
     *
     * @throws ConfigurationException naming the key of a value out of range
     */
    public static VertexAutoscalingSettings from(ModelSettings s) {
        VertexAutoscalingSettings v = new VertexAutoscalingSettings(s.getDuration(EVALUATION_PERIOD, Duration.ofSeconds(15)),
                s.getDuration(STABILIZATION_WINDOW, Duration.ofMinutes(5)), s.getDouble(TOLERANCE, 0.0));
        if (v.evaluationPeriod.toMillis() < 1) {
            throw new ConfigurationException("model setting " + EVALUATION_PERIOD + " was " + v.evaluationPeriod + " but it must be at least 1ms");
        }
        if (!(v.tolerance >= 0 && v.tolerance < 1)) {
            throw new ConfigurationException("model setting " + TOLERANCE + " was " + v.tolerance + " but it must be at least 0 and below 1 "
                    + "(a fraction of the target, e.g. 0.1)");
        }
        return v;
    }
}
