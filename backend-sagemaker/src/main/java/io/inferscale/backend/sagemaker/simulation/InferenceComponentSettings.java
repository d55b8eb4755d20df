package io.inferscale.backend.sagemaker.simulation;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.backend.sagemaker.SageMakerTranslator;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The constants of the scale-to-zero path of {@link InferenceComponentAutoscalerModel}, each overridable through
 * {@link ModelSettings} (CLI {@code --setting KEY=VALUE}). The target-tracking constants above zero are
 * {@link TargetTrackingSettings}'. The alarm's and step policy's defaults are the constants the backend renders them with
 * ({@link SageMakerTranslator#ALARM_PERIOD_SECONDS}, {@link SageMakerTranslator#ALARM_THRESHOLD},
 * {@link SageMakerTranslator#ALARM_COMPARISON}, {@link SageMakerTranslator#STEP_COOLDOWN_SECONDS}), so a change there changes the simulation.
 *
 * <table>
 *   <caption>SageMaker inference-component scale-to-zero settings</caption>
 *   <tr><th>key</th><th>default</th><th>source</th></tr>
 *   <tr><td>{@code sagemaker.coldStart}</td><td>the run's startup ({@code sagemaker.startup}, 5 min by default)</td>
 *       <td><b>assumption</b>: from the step policy's +1 copy to the copy in service when no instance is left: managed
 *       instance scaling provisions an instance, then the container starts and loads the model. {@value #SOURCE_ZERO}:
 *       "the provisioning process takes several minutes"; AWS gives no figure</td></tr>
 *   <tr><td>{@code sagemaker.noCapacityAlarmPeriod}</td><td>60s</td><td>the alarm's {@code Period 60} on
 *       {@code NoCapacityInvocationFailures} ({@value #SOURCE_ZERO})</td></tr>
 *   <tr><td>{@code sagemaker.noCapacityAlarmThreshold}</td><td>1</td><td>the alarm's {@code Threshold 1}, {@code Statistic Sum},
 *       {@code EvaluationPeriods 1}, {@code DatapointsToAlarm 1} ({@value #SOURCE_ZERO})</td></tr>
 *   <tr><td>{@code sagemaker.noCapacityAlarmComparison}</td><td>{@code GreaterThanOrEqualToThreshold}</td><td>the design's
 *       documented deviation from AWS's example ({@code GreaterThanThreshold}, with which one failed request in a minute does
 *       not fire the alarm): docs/design/scale-to-zero.md section 2; set {@code GreaterThanThreshold} to simulate AWS's
 *       example as written</td></tr>
 *   <tr><td>{@code sagemaker.wakeStepCooldown}</td><td>60s</td><td>the step policy's {@code "Cooldown": 60}
 *       ({@value #SOURCE_ZERO})</td></tr>
 * </table>
 *
 * @param coldStart         time from the wake-up's +1 copy to the copy in service, empty for the run's startup
 * @param alarmPeriod       period of the {@code NoCapacityInvocationFailures} datapoints (Sum)
 * @param alarmThreshold    the alarm's threshold, failed requests per period
 * @param orEqual           {@code GreaterThanOrEqualToThreshold} (true) or {@code GreaterThanThreshold} (false)
 * @param stepCooldown      the step policy's cooldown
 */
public record InferenceComponentSettings(Optional<Duration> coldStart, Duration alarmPeriod, double alarmThreshold, boolean orEqual,
                                         Duration stepCooldown) {

    /** AWS's page on scaling an inference-component endpoint to zero (alarm, step policy, "several minutes"). */
    public static final String SOURCE_ZERO = "AWS docs: Scale an endpoint to zero instances, "
            + "https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html";
    /** Setting key of {@link #coldStart()}. */
    public static final String COLD_START = "sagemaker.coldStart";
    /** Setting key of {@link #alarmPeriod()}. */
    public static final String ALARM_PERIOD = "sagemaker.noCapacityAlarmPeriod";
    /** Setting key of {@link #alarmThreshold()}. */
    public static final String ALARM_THRESHOLD = "sagemaker.noCapacityAlarmThreshold";
    /** Setting key of {@link #orEqual()}. */
    public static final String ALARM_COMPARISON = "sagemaker.noCapacityAlarmComparison";
    /** Setting key of {@link #stepCooldown()}. */
    public static final String STEP_COOLDOWN = "sagemaker.wakeStepCooldown";
    /** The keys, for {@link io.inferscale.api.simulation.AutoscalerModelProvider#settingKeys()}. */
    public static final Set<String> KEYS = Set.of(COLD_START, ALARM_PERIOD, ALARM_THRESHOLD, ALARM_COMPARISON, STEP_COOLDOWN);

    /** The defaults. */
    public static InferenceComponentSettings defaults() {
        return from(ModelSettings.empty());
    }

    /**
     * Defaults overridden by {@code settings}.
     *
     * @throws ConfigurationException naming the key of a value out of range
     */
    public static InferenceComponentSettings from(ModelSettings s) {
        Optional<Duration> coldStart = s.get(COLD_START).isPresent() ? Optional.of(s.getDuration(COLD_START, Duration.ZERO)) : Optional.empty();
        // the defaults are what the backend renders (SageMakerTranslator's constants), so the simulation models the deployed alarm
        String comparison = s.get(ALARM_COMPARISON).orElse(SageMakerTranslator.ALARM_COMPARISON.toString());
        if (!comparison.equals("GreaterThanOrEqualToThreshold") && !comparison.equals("GreaterThanThreshold")) {
            throw new ConfigurationException("model setting " + ALARM_COMPARISON + " was '" + comparison
                    + "' but it must be GreaterThanOrEqualToThreshold or GreaterThanThreshold");
        }
        InferenceComponentSettings i = new InferenceComponentSettings(coldStart,
                s.getDuration(ALARM_PERIOD, Duration.ofSeconds(SageMakerTranslator.ALARM_PERIOD_SECONDS)),
                s.getDouble(ALARM_THRESHOLD, SageMakerTranslator.ALARM_THRESHOLD), comparison.equals("GreaterThanOrEqualToThreshold"),
                s.getDuration(STEP_COOLDOWN, Duration.ofSeconds(SageMakerTranslator.STEP_COOLDOWN_SECONDS)));
        if (i.alarmPeriod.toMillis() < 1) {
            throw new ConfigurationException("model setting " + ALARM_PERIOD + " was " + i.alarmPeriod + " but it must be at least 1ms");
        }
        if (!(i.alarmThreshold >= 0) || Double.isInfinite(i.alarmThreshold)) {
            throw new ConfigurationException("model setting " + ALARM_THRESHOLD + " was " + i.alarmThreshold + " but it must be a number, 0 or more");
        }
        if (i.stepCooldown.isNegative()) {
            throw new ConfigurationException("model setting " + STEP_COOLDOWN + " must be 0 or more");
        }
        return i;
    }

    /** The comparison operator's CloudWatch name. */
    public String comparisonName() {
        return orEqual ? "GreaterThanOrEqualToThreshold" : "GreaterThanThreshold";
    }

    /** True when a datapoint (failed requests in one period) puts the alarm in ALARM. */
    boolean breaches(double failedRequests) {
        return orEqual ? failedRequests >= alarmThreshold : failedRequests > alarmThreshold;
    }
}
