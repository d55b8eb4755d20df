package io.inferscale.backend.vertex.simulation;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.simulation.ModelSettings;

import java.time.Duration;
import java.util.Set;

/**
 * The Vertex AI model's constants, each overridable through {@link ModelSettings} with the key shown. Source:
 * Vertex AI's "Scale inference nodes by using autoscaling" documentation for online prediction, which states that
 * each metric's recommendation is computed every 15 seconds and that the replica count follows the highest
 * recommendation of the last 5 minutes.
 *
 * <table>
 *   <caption>Vertex AI model settings</caption>
 *   <tr><th>key</th><th>default</th><th>source</th></tr>
 *   <tr><td>{@code vertex.evaluationPeriod}</td><td>15s</td><td>documented: "every 15 seconds"</td></tr>
 *   <tr><td>{@code vertex.stabilizationWindow}</td><td>5m</td><td>documented: the highest recommendation "from the previous five minutes"</td></tr>
 *   <tr><td>{@code vertex.defaultCpuUtilization}</td><td>60</td><td>documented default target of the CPU (and, with accelerators, duty-cycle) metric when the spec sets none; Vertex always scales on it</td></tr>
 * </table>
 *
 * @param evaluationPeriod      how often recommendations are computed
 * @param stabilizationWindow   how far back the highest recommendation is taken
 * @param defaultCpuUtilization the CPU (and accelerator duty-cycle) target used when the endpoint sets none
 */
public record VertexAutoscalingSettings(Duration evaluationPeriod, Duration stabilizationWindow, int defaultCpuUtilization) {

    /** The keys, for {@link io.inferscale.api.simulation.AutoscalerModelProvider#settingKeys()}. */
    public static final Set<String> KEYS = Set.of("vertex.evaluationPeriod", "vertex.stabilizationWindow", "vertex.defaultCpuUtilization");

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
        VertexAutoscalingSettings v = new VertexAutoscalingSettings(s.getDuration("vertex.evaluationPeriod", Duration.ofSeconds(15)),
                s.getDuration("vertex.stabilizationWindow", Duration.ofMinutes(5)), s.getInt("vertex.defaultCpuUtilization", 60));
        if (v.evaluationPeriod.toMillis() < 1) {
            throw new ConfigurationException("model setting vertex.evaluationPeriod was " + v.evaluationPeriod + " but it must be at least 1ms");
        }
        if (v.defaultCpuUtilization < 1 || v.defaultCpuUtilization > 100) {
            throw new ConfigurationException("model setting vertex.defaultCpuUtilization must be between 1 and 100");
        }
        return v;
    }
}
