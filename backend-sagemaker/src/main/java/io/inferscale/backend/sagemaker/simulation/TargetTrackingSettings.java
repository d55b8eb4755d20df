package io.inferscale.backend.sagemaker.simulation;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.simulation.ModelSettings;

import java.time.Duration;
import java.util.Set;

/**
 * The SageMaker target-tracking model's constants, each overridable through {@link ModelSettings} with the key
 * shown. Where AWS documents a behaviour only loosely, the default is our reading and is marked so.
 *
 * <table>
 *   <caption>SageMaker model settings</caption>
 *   <tr><th>key</th><th>default</th><th>source</th></tr>
 *   <tr><td>{@code sagemaker.metricPeriod}</td><td>60s</td><td>SageMaker endpoint metrics are published per minute; target
 *       tracking alarms use 1-minute periods</td></tr>
 *   <tr><td>{@code sagemaker.highResolutionPeriod}</td><td>10s</td><td>the high-resolution
 *       {@code ConcurrentRequestsPerModel} metric (10-second period), used for concurrency targets</td></tr>
 *   <tr><td>{@code sagemaker.scaleOutDatapoints}</td><td>3</td><td>the alarm Application Auto Scaling creates for scale-out:
 *       3 consecutive datapoints above the target</td></tr>
 *   <tr><td>{@code sagemaker.scaleInDatapoints}</td><td>15</td><td>the scale-in alarm: 15 consecutive datapoints below
 *       {@code scaleInThreshold} × target</td></tr>
 *   <tr><td>{@code sagemaker.scaleInThreshold}</td><td>0.9</td><td>the scale-in alarm's threshold as a fraction of the target
 *       (AWS creates it at 90 % of the target value)</td></tr>
 *   <tr><td>{@code sagemaker.scaleOutCooldown}</td><td>300s</td><td>{@code ScaleOutCooldown} default; the endpoint's
 *       {@code spec.backends.sagemaker.scaleOutCooldownSeconds} or {@code behavior.scaleUp.stabilizationWindowSeconds} wins,
 *       as the SageMaker translator renders it</td></tr>
 *   <tr><td>{@code sagemaker.scaleInCooldown}</td><td>300s</td><td>{@code ScaleInCooldown} default; likewise from
 *       {@code scaleInCooldownSeconds} or {@code behavior.scaleDown.stabilizationWindowSeconds}</td></tr>
 *   <tr><td>{@code sagemaker.scaleInMaxStepPercent}</td><td>10</td><td><b>loosely documented</b>: AWS says target tracking
 *       "scales in more gradually" without a formula; we remove at most this share of the instances per scale-in
 *       (at least one), never going below the proportional capacity</td></tr>
 *   <tr><td>{@code sagemaker.metricDelay}</td><td>0s</td><td><b>loosely documented</b>: the time from the end of a metric period
 *       until its datapoint reaches the alarm; CloudWatch typically adds one to a few minutes in practice</td></tr>
 *   <tr><td>{@code sagemaker.scaleOutCooldownBlocksScaleOut}</td><td>false</td><td><b>loosely documented</b>: AWS says that
 *       during a scale-out cooldown "the capacity added by the previous scale-out is calculated as part of the desired
 *       capacity for the next scale-out"; we let a larger scale-out through (new capacity is computed from in-service
 *       instances, so starting ones are not counted twice). {@code true} blocks every scale-out until the cooldown ends</td></tr>
 * </table>
 *
 * @param metricPeriod                  CloudWatch period of standard metrics
 * @param highResolutionPeriod          period of the high-resolution concurrency metric
 * @param scaleOutDatapoints            consecutive breaching datapoints before a scale-out
 * @param scaleInDatapoints             consecutive datapoints below the scale-in threshold before a scale-in
 * @param scaleInThreshold              scale-in threshold as a fraction of the target
 * @param scaleOutCooldown              default scale-out cooldown
 * @param scaleInCooldown               default scale-in cooldown
 * @param scaleInMaxStepPercent         most instances removed per scale-in, % of the current count (at least 1)
 * @param metricDelay                   delay before a datapoint is seen
 * @param scaleOutCooldownBlocksScaleOut whether a scale-out cooldown blocks further scale-outs
 */
public record TargetTrackingSettings(Duration metricPeriod, Duration highResolutionPeriod, int scaleOutDatapoints,
                                     int scaleInDatapoints, double scaleInThreshold, Duration scaleOutCooldown,
                                     Duration scaleInCooldown, double scaleInMaxStepPercent, Duration metricDelay,
                                     boolean scaleOutCooldownBlocksScaleOut) {

    /** The keys, for {@link io.inferscale.api.simulation.AutoscalerModelProvider#settingKeys()}. */
    public static final Set<String> KEYS = Set.of("sagemaker.metricPeriod", "sagemaker.highResolutionPeriod",
            "sagemaker.scaleOutDatapoints", "sagemaker.scaleInDatapoints", "sagemaker.scaleInThreshold",
            "sagemaker.scaleOutCooldown", "sagemaker.scaleInCooldown", "sagemaker.scaleInMaxStepPercent", "sagemaker.metricDelay",
            "sagemaker.scaleOutCooldownBlocksScaleOut");

    /** The defaults. */
    public static TargetTrackingSettings defaults() {
        return from(ModelSettings.empty());
    }

    /**
     * Defaults overridden by {@code settings}.
     *
     * @throws ConfigurationException naming the key of a value out of range
     */
    public static TargetTrackingSettings from(ModelSettings s) {
        TargetTrackingSettings t = new TargetTrackingSettings(
                s.getDuration("sagemaker.metricPeriod", Duration.ofSeconds(60)),
                s.getDuration("sagemaker.highResolutionPeriod", Duration.ofSeconds(10)),
                s.getInt("sagemaker.scaleOutDatapoints", 3),
                s.getInt("sagemaker.scaleInDatapoints", 15),
                s.getDouble("sagemaker.scaleInThreshold", 0.9),
                s.getDuration("sagemaker.scaleOutCooldown", Duration.ofSeconds(300)),
                s.getDuration("sagemaker.scaleInCooldown", Duration.ofSeconds(300)),
                s.getDouble("sagemaker.scaleInMaxStepPercent", 10),
                s.getDuration("sagemaker.metricDelay", Duration.ZERO),
                s.getBoolean("sagemaker.scaleOutCooldownBlocksScaleOut", false));
        if (t.metricPeriod.toMillis() < 1 || t.highResolutionPeriod.toMillis() < 1) {
            throw new ConfigurationException("model settings sagemaker.metricPeriod and sagemaker.highResolutionPeriod must be at least 1ms");
        }
        if (t.scaleOutDatapoints < 1 || t.scaleInDatapoints < 1) {
            throw new ConfigurationException("model settings sagemaker.scaleOutDatapoints and sagemaker.scaleInDatapoints must be at least 1");
        }
        if (!(t.scaleInThreshold > 0 && t.scaleInThreshold <= 1)) {
            throw new ConfigurationException("model setting sagemaker.scaleInThreshold was " + t.scaleInThreshold + " but it must be > 0 and <= 1");
        }
        if (!(t.scaleInMaxStepPercent > 0 && t.scaleInMaxStepPercent <= 100)) {
            throw new ConfigurationException("model setting sagemaker.scaleInMaxStepPercent was " + t.scaleInMaxStepPercent
                    + " but it must be > 0 and <= 100");
        }
        return t;
    }
}
