package io.inferscale.backend.sagemaker.simulation;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.simulation.ModelSettings;

import java.time.Duration;
import java.util.Set;

/**
 * The SageMaker target-tracking model's constants, each overridable through {@link ModelSettings} (CLI
 * {@code --setting KEY=VALUE}) with the key shown, each with its source. A value AWS does not publish is an
 * assumption and says so.
 *
 * <table>
 *   <caption>SageMaker model settings</caption>
 *   <tr><th>key</th><th>default</th><th>source</th></tr>
 *   <tr><td>{@code sagemaker.metricPeriod}</td><td>60s</td><td>{@value #SOURCE_DEFINE_POLICY}: standard metrics such as
 *       {@code InvocationsPerInstance} "emit data once every minute"</td></tr>
 *   <tr><td>{@code sagemaker.highResolutionPeriod}</td><td>10s</td><td>the same page: the high-resolution
 *       {@code ConcurrentRequestsPerModel} metric "emit[s] data every 10 seconds"; it drives the scale-out alarm of a
 *       concurrency policy only (scale-in "at the same rate as standard metrics")</td></tr>
 *   <tr><td>{@code sagemaker.scaleOutDatapoints}</td><td>3</td><td>the scale-out alarm Application Auto Scaling creates:
 *       "3 datapoints within 3 minutes" above the target ({@value #SOURCE_ALARMS}); for the high-resolution metric 3
 *       datapoints of 10 s is an assumption</td></tr>
 *   <tr><td>{@code sagemaker.scaleInDatapoints}</td><td>15</td><td>the scale-in alarm: "15 datapoints within 15 minutes"
 *       ({@value #SOURCE_ALARMS})</td></tr>
 *   <tr><td>{@code sagemaker.scaleInThreshold}</td><td>0.9</td><td>the scale-in alarm's threshold: 1350 for a target of
 *       1500 ({@value #SOURCE_ALARMS}); "usually more than 10% lower" than the target ({@value #SOURCE_OVERVIEW})</td></tr>
 *   <tr><td>{@code sagemaker.scaleOutCooldown}</td><td>300s</td><td>{@code ScaleOutCooldown} default for SageMaker endpoint
 *       variants ({@value #SOURCE_API}); the endpoint's {@code spec.backends.sagemaker.scaleOutCooldownSeconds} or
 *       {@code behavior.scaleUp.stabilizationWindowSeconds} wins, as the translator renders it</td></tr>
 *   <tr><td>{@code sagemaker.scaleInCooldown}</td><td>300s</td><td>{@code ScaleInCooldown} default, likewise</td></tr>
 *   <tr><td>{@code sagemaker.metricDelay}</td><td>0s</td><td><b>assumption</b>: the time from the end of a period until its
 *       datapoint reaches the alarm; AWS publishes no figure</td></tr>
 * </table>
 *
 * @param metricPeriod         CloudWatch period of standard metrics
 * @param highResolutionPeriod period of the high-resolution concurrency metric
 * @param scaleOutDatapoints   consecutive datapoints above the target before a scale-out
 * @param scaleInDatapoints    consecutive datapoints below the scale-in threshold before a scale-in
 * @param scaleInThreshold     scale-in threshold as a fraction of the target
 * @param scaleOutCooldown     default scale-out cooldown
 * @param scaleInCooldown      default scale-in cooldown
 * @param metricDelay          delay before a datapoint reaches its alarm
 */
public record TargetTrackingSettings(Duration metricPeriod, Duration highResolutionPeriod, int scaleOutDatapoints,
                                     int scaleInDatapoints, double scaleInThreshold, Duration scaleOutCooldown,
                                     Duration scaleInCooldown, Duration metricDelay) {

    /** SageMaker's page on scaling policies (metric periods, high-resolution scale-in rate, the policy examples). */
    public static final String SOURCE_DEFINE_POLICY = "AWS docs: Define a scaling policy, "
            + "https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-add-code-define.html";
    /** The alarms Application Auto Scaling creates for a SageMaker target-tracking policy, as CloudWatch shows them. */
    public static final String SOURCE_ALARMS = "AWS re:Post, SageMaker autoscaling delay (the alarms AWS created for a target of 1500: "
            + "> 1500 for 3 datapoints within 3 minutes, < 1350 for 15 datapoints within 15 minutes), "
            + "https://repost.aws/questions/QUf450Wsd9RROGGOIwaolN9w/sagemaker-autoscaling-delay";
    /** Application Auto Scaling's page on how target tracking works (cooldowns, scale-in threshold, several policies). */
    public static final String SOURCE_OVERVIEW = "AWS docs: How target tracking scaling for Application Auto Scaling works, "
            + "https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html";
    /** The API reference of the policy configuration (cooldown defaults and definitions). */
    public static final String SOURCE_API = "AWS API reference: TargetTrackingScalingPolicyConfiguration, "
            + "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingScalingPolicyConfiguration.html";

    /** The keys, for {@link io.inferscale.api.simulation.AutoscalerModelProvider#settingKeys()}. */
    public static final Set<String> KEYS = Set.of("sagemaker.metricPeriod", "sagemaker.highResolutionPeriod",
            "sagemaker.scaleOutDatapoints", "sagemaker.scaleInDatapoints", "sagemaker.scaleInThreshold",
            "sagemaker.scaleOutCooldown", "sagemaker.scaleInCooldown", "sagemaker.metricDelay");

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
                s.getDuration("sagemaker.metricDelay", Duration.ZERO));
        if (t.metricPeriod.toMillis() < 1 || t.highResolutionPeriod.toMillis() < 1) {
            throw new ConfigurationException("model settings sagemaker.metricPeriod and sagemaker.highResolutionPeriod must be at least 1ms");
        }
        if (t.scaleOutDatapoints < 1 || t.scaleInDatapoints < 1) {
            throw new ConfigurationException("model settings sagemaker.scaleOutDatapoints and sagemaker.scaleInDatapoints must be at least 1");
        }
        if (!(t.scaleInThreshold > 0 && t.scaleInThreshold <= 1)) {
            throw new ConfigurationException("model setting sagemaker.scaleInThreshold was " + t.scaleInThreshold + " but it must be > 0 and <= 1");
        }
        if (t.scaleOutCooldown.isNegative() || t.scaleInCooldown.isNegative() || t.metricDelay.isNegative()) {
            throw new ConfigurationException("model settings sagemaker.scaleOutCooldown, sagemaker.scaleInCooldown and sagemaker.metricDelay "
                    + "must be 0 or more");
        }
        return t;
    }
}
