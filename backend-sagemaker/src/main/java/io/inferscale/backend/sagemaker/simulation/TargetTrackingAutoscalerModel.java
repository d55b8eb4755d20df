package io.inferscale.backend.sagemaker.simulation;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.ScalingTarget;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.Observation;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * SageMaker endpoint autoscaling: Application Auto Scaling target tracking on the variant's
 * {@code DesiredInstanceCount}, one policy per target, driven by the CloudWatch alarms it creates.
 * <ol>
 *   <li>Each target's metric becomes one datapoint per period: the time-weighted average, over the period, of the
 *       per-instance value of the in-service instances (1-minute periods; 10 s for concurrency, the
 *       high-resolution {@code ConcurrentRequestsPerModel}). A period without an in-service instance has no datapoint.</li>
 *   <li>Scale-out: when any policy's last {@code scaleOutDatapoints} (3) datapoints are above its target, the new
 *       capacity is {@code ceil(in-service × datapoint / target)}, proportional to metric/target; the highest policy
 *       wins; applied when above the current desired count.</li>
 *   <li>Scale-in: when every policy's last {@code scaleInDatapoints} (15) datapoints are below
 *       {@code scaleInThreshold} (90 %) of its target and the scale-in cooldown has passed, capacity moves toward
 *       the proportional value but by at most {@code scaleInMaxStepPercent} of the instances (at least one):
 *       AWS scales in "more gradually". While the alarm stays in ALARM, the next scale-in comes when the cooldown ends.</li>
 *   <li>Cooldowns ({@code ScaleOutCooldown}, {@code ScaleInCooldown}, 300 s): a scale-in cannot start during the
 *       scale-in cooldown; a scale-out ends a scale-in cooldown at once (AWS's documented rule); the scale-out
 *       cooldown is described in {@link TargetTrackingSettings}.</li>
 *   <li>The result is clamped to the scalable target's MinCapacity/MaxCapacity ({@code minReplicas}/{@code maxReplicas}).
 *       {@code behavior.scaleDown.selectPolicy: Disabled} is {@code DisableScaleIn}; a disabled scale-up stops scale-out.</li>
 * </ol>
 * Constants: {@link TargetTrackingSettings}.
 */
public final class TargetTrackingAutoscalerModel implements AutoscalerModel {

    /** Endpoint option overriding the scale-out cooldown, as the SageMaker translator reads it. */
    public static final String OPTION_SCALE_OUT_COOLDOWN = "scaleOutCooldownSeconds";
    /** Endpoint option overriding the scale-in cooldown, as the SageMaker translator reads it. */
    public static final String OPTION_SCALE_IN_COOLDOWN = "scaleInCooldownSeconds";

    private final TargetTrackingSettings settings;
    private final int minReplicas;
    private final int maxReplicas;
    private final boolean scaleOutEnabled;
    private final boolean scaleInEnabled;
    private final long scaleOutCooldownMillis;
    private final long scaleInCooldownMillis;
    private final long delayMillis;

    private final TargetType[] types;
    private final double[] targets;
    private final long[] periodMillis;
    private final long[] periodEnd;
    private final double[] sum;
    private final long[] covered;
    private final int[] high;
    private final int[] low;
    private final double[] latest;
    private final boolean[] hasLatest;
    // pending datapoints per target (published after the delay): ring buffers
    private final long[][] pendingAt;
    private final double[][] pendingValue;
    private final boolean[][] pendingPresent;
    private final int[] pendingHead;
    private final int[] pendingSize;

    private long lastScaleOutEnd = Long.MIN_VALUE / 2;
    private long lastScaleInEnd = Long.MIN_VALUE / 2;
    private long next;

    /**
     * A model for the endpoint's {@code spec.autoscaling}.
     *
     * @throws ConfigurationException when the endpoint has no target (SageMaker needs a target-tracking metric)
     */
    public TargetTrackingAutoscalerModel(InferenceEndpoint endpoint, TargetTrackingSettings settings) {
        this.settings = settings;
        AutoscalingPolicy policy = endpoint.autoscaling();
        this.minReplicas = policy.minReplicas();
        this.maxReplicas = policy.maxReplicas();
        List<ScalingTarget> given = policy.targets();
        if (given.isEmpty()) {
            throw new ConfigurationException("spec.autoscaling needs a target (e.g. targetCPUUtilizationPercentage): SageMaker "
                    + "target tracking has no default metric");
        }
        Optional<ScalingRules> up = policy.behavior().scaleUp();
        Optional<ScalingRules> down = policy.behavior().scaleDown();
        this.scaleOutEnabled = up.map(r -> !r.isDisabled()).orElse(true);
        this.scaleInEnabled = down.map(r -> !r.isDisabled()).orElse(true);
        this.scaleOutCooldownMillis = cooldown(endpoint, OPTION_SCALE_OUT_COOLDOWN, up, settings.scaleOutCooldown().toMillis());
        this.scaleInCooldownMillis = cooldown(endpoint, OPTION_SCALE_IN_COOLDOWN, down, settings.scaleInCooldown().toMillis());
        this.delayMillis = settings.metricDelay().toMillis();
        int n = given.size();
        types = new TargetType[n];
        targets = new double[n];
        periodMillis = new long[n];
        periodEnd = new long[n];
        sum = new double[n];
        covered = new long[n];
        high = new int[n];
        low = new int[n];
        latest = new double[n];
        hasLatest = new boolean[n];
        int depth = 4;
        for (int i = 0; i < n; i++) {
            types[i] = given.get(i).type();
            targets[i] = given.get(i).doubleValue();
            periodMillis[i] = types[i] == TargetType.CONCURRENT_REQUESTS ? settings.highResolutionPeriod().toMillis()
                    : settings.metricPeriod().toMillis();
            periodEnd[i] = periodMillis[i];
            depth = (int) Math.max(depth, delayMillis / periodMillis[i] + 2);
        }
        pendingAt = new long[n][depth];
        pendingValue = new double[n][depth];
        pendingPresent = new boolean[n][depth];
        pendingHead = new int[n];
        pendingSize = new int[n];
        next = nextAvailability();
    }

    private static long cooldown(InferenceEndpoint e, String option, Optional<ScalingRules> rules, long defaultMillis) {
        Optional<Object> explicit = e.backends().get("sagemaker", option);
        if (explicit.isPresent() && explicit.get() instanceof BigDecimal d) {
            return d.longValue() * 1000;
        }
        return rules.flatMap(ScalingRules::stabilizationWindowSeconds).map(s -> s * 1000L).orElse(defaultMillis);
    }

    @Override
    public String backendId() {
        return "sagemaker";
    }

    @Override
    public long nextDecisionMillis() {
        return next;
    }

    @Override
    public void observe(long from, long to, Observation o) {
        for (int i = 0; i < types.length; i++) {
            long f = from;
            while (f < to) {
                long segEnd = Math.min(to, periodEnd[i]);
                if (o.readyReplicas() > 0) {
                    long dt = segEnd - f;
                    sum[i] += o.value(types[i]) * dt;
                    covered[i] += dt;
                }
                if (segEnd == periodEnd[i]) {
                    closePeriod(i);
                }
                f = segEnd;
            }
        }
    }

    private void closePeriod(int i) {
        boolean present = covered[i] > 0;
        double value = present ? sum[i] / covered[i] : 0;
        int cap = pendingAt[i].length;
        int slot = (pendingHead[i] + pendingSize[i]) % cap;
        if (pendingSize[i] == cap) {
            publish(i); // oldest is due anyway when the ring is full
            slot = (pendingHead[i] + pendingSize[i]) % cap;
        }
        pendingAt[i][slot] = periodEnd[i] + delayMillis;
        pendingValue[i][slot] = value;
        pendingPresent[i][slot] = present;
        pendingSize[i]++;
        sum[i] = 0;
        covered[i] = 0;
        periodEnd[i] += periodMillis[i];
    }

    /** Feeds the oldest pending datapoint of target {@code i} to its alarms. */
    private void publish(int i) {
        int h = pendingHead[i];
        if (pendingPresent[i][h]) {
            double v = pendingValue[i][h];
            latest[i] = v;
            hasLatest[i] = true;
            high[i] = v > targets[i] ? high[i] + 1 : 0;
            low[i] = v < settings.scaleInThreshold() * targets[i] ? low[i] + 1 : 0;
        }
        pendingHead[i] = (h + 1) % pendingAt[i].length;
        pendingSize[i]--;
    }

    private long nextAvailability() {
        long n = Long.MAX_VALUE;
        for (int i = 0; i < types.length; i++) {
            long a = pendingSize[i] > 0 ? pendingAt[i][pendingHead[i]] : periodEnd[i] + delayMillis;
            n = Math.min(n, a);
        }
        return n;
    }

    @Override
    public int decide(Observation o) {
        long now = o.nowMillis();
        for (int i = 0; i < types.length; i++) {
            while (pendingSize[i] > 0 && pendingAt[i][pendingHead[i]] <= now) {
                publish(i);
            }
        }
        next = nextAvailability();
        int desired = o.desiredReplicas();
        int ready = o.readyReplicas();
        if (desired < minReplicas) {
            return minReplicas;
        }
        if (desired > maxReplicas) {
            return maxReplicas;
        }
        // scale-out: any policy in alarm
        int out = -1;
        for (int i = 0; i < types.length; i++) {
            if (high[i] >= settings.scaleOutDatapoints() && hasLatest[i] && ready > 0) {
                out = Math.max(out, (int) Math.ceil(ready * latest[i] / targets[i] - 1e-9));
            }
        }
        if (scaleOutEnabled && out > desired) {
            boolean inCooldown = now < lastScaleOutEnd + scaleOutCooldownMillis;
            if (!(inCooldown && settings.scaleOutCooldownBlocksScaleOut())) {
                lastScaleOutEnd = now;
                lastScaleInEnd = Long.MIN_VALUE / 2; // a scale-out ends the scale-in cooldown
                return Math.min(out, maxReplicas);
            }
        }
        // scale-in: every policy in its low alarm, outside the scale-in cooldown
        if (!scaleInEnabled || now < lastScaleInEnd + scaleInCooldownMillis || ready == 0 || ready < desired) {
            return desired;
        }
        int in = minReplicas;
        for (int i = 0; i < types.length; i++) {
            if (low[i] < settings.scaleInDatapoints() || !hasLatest[i]) {
                return desired;
            }
            in = Math.max(in, (int) Math.ceil(ready * latest[i] / targets[i] - 1e-9));
        }
        int step = Math.max(1, (int) Math.floor(desired * settings.scaleInMaxStepPercent() / 100.0));
        int proposal = Math.max(Math.max(in, desired - step), minReplicas);
        if (proposal < desired) {
            lastScaleInEnd = now;
            return proposal;
        }
        return desired;
    }
}
