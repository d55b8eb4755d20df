package io.inferscale.backend.sagemaker.simulation;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.ScalingTarget;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.Observation;
import io.inferscale.backend.sagemaker.SageMakerTranslator;
import io.inferscale.backend.sagemaker.internal.InstanceCatalogue.InstanceType;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SageMaker endpoint autoscaling: Application Auto Scaling target tracking on the variant's
 * {@code DesiredInstanceCount}, one policy per target exactly as {@link SageMakerTranslator} renders it
 * ({@link TrackedMetric}: the same CloudWatch metric, unit and target value), driven by the two CloudWatch alarms
 * AWS creates per policy. Sources: {@link TargetTrackingSettings}.
 * <ol>
 *   <li>Datapoints: per alarm and period, the metric averaged over the in-service instances and the period
 *       ({@code Σ value × instances × dt / Σ instances × dt}), together with the instances in service in that same
 *       period ({@code Σ instances × dt / period}), as CloudWatch normalises {@code InvocationsPerInstance} by the
 *       instance count. Periods: 60 s; the scale-out alarm of a concurrency policy uses the 10 s high-resolution
 *       metric, its scale-in alarm the same 60 s as standard metrics ("scales in at the same rate"). A period
 *       without an in-service instance has no datapoint.</li>
 *   <li>Capacity a datapoint asks for: {@code ceil(instances in its period × datapoint / target)}.</li>
 *   <li>Scale-out: a policy whose last {@code scaleOutDatapoints} (3) datapoints are above its target asks for that
 *       capacity; the largest wins. While a scale-out is in progress (its instances are starting: SageMaker keeps
 *       the endpoint {@code Updating} until they are in service) and for {@code ScaleOutCooldown} after it completes,
 *       "the capacity added by the initiating scale-out activity is calculated as part of the desired capacity for
 *       the next": the desired count rises to that capacity only when it is larger. Outside the cooldown the
 *       capacity still missing ({@code asked - instances in the period}) is added to the desired count, so a
 *       datapoint measured before the last instances came into service adds them again: that is the overshoot a
 *       cooldown exists to prevent.</li>
 *   <li>Scale-in: when every policy's last {@code scaleInDatapoints} (15) 60 s datapoints are below
 *       {@code scaleInThreshold} (0.9) × target, no scale-out is in progress and the scale-in cooldown has passed,
 *       the desired count falls to the largest capacity the policies ask for. No cap per step: the gradual
 *       scale-in AWS describes comes from the 15 datapoints, the 0.9 threshold and the cooldown. While the alarm
 *       stays in ALARM, the next scale-in comes after the cooldown. A scale-out ends a scale-in cooldown.</li>
 *   <li>The result is clamped to MinCapacity/MaxCapacity ({@code minReplicas}/{@code maxReplicas});
 *       {@code behavior.scaleDown.selectPolicy: Disabled} is {@code DisableScaleIn}; a disabled scale-up is
 *       {@code DynamicScalingOutSuspended}.</li>
 * </ol>
 * Decisions happen when a datapoint reaches its alarms (every period, plus {@code sagemaker.metricDelay}).
 * Allocation-free after construction.
 */
public final class TargetTrackingAutoscalerModel implements AutoscalerModel {

    /** Endpoint option overriding the scale-out cooldown, as the SageMaker translator reads it. */
    public static final String OPTION_SCALE_OUT_COOLDOWN = SageMakerTranslator.OPTION_SCALE_OUT_COOLDOWN;
    /** Endpoint option overriding the scale-in cooldown, as the SageMaker translator reads it. */
    public static final String OPTION_SCALE_IN_COOLDOWN = SageMakerTranslator.OPTION_SCALE_IN_COOLDOWN;

    private static final String SOURCE_METRICS = "AWS docs: SageMaker AI metrics in Amazon CloudWatch (CPUUtilization and "
            + "GPUUtilization are sums over the instance's cores/GPUs; InvocationsPerInstance is normalized by the instance count), "
            + "https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html";
    private static final double EPSILON = 1e-9;

    private final TrackedMetric[] metrics;
    private final int minReplicas;
    private final int maxReplicas;
    private final boolean scaleOutEnabled;
    private final boolean scaleInEnabled;
    private final long scaleOutCooldownMillis;
    private final long scaleInCooldownMillis;
    private final long delayMillis;
    private final int scaleOutDatapoints;
    private final int scaleInDatapoints;
    private final List<Assumption> assumptions;

    // Two alarms per policy: alarm 2i is policy i's scale-out alarm, 2i + 1 its scale-in alarm.
    private final double[] threshold;
    private final long[] periodMillis;
    private final long[] periodEnd;
    private final double[] valueTimesInstances;
    private final double[] instanceMillis;
    private final int[] breaching;
    private final double[] lastValue;
    private final double[] lastInstances;
    private final boolean[] hasLast;
    // datapoints on their way to the alarm (published after the delay): one ring buffer per alarm
    private final long[][] pendingAt;
    private final double[][] pendingValue;
    private final double[][] pendingInstances;
    private final int[] pendingHead;
    private final int[] pendingSize;

    private boolean scaleOutInProgress;
    private long scaleOutCooldownEnd = Long.MIN_VALUE;
    private long scaleInCooldownEnd = Long.MIN_VALUE;
    private long next;

    /**
     * A model for the endpoint's {@code spec.autoscaling}, measuring the metrics the translator renders for it.
     *
     * @throws ConfigurationException when the endpoint has no target (SageMaker needs a target-tracking metric), or a
     *                                CPU or GPU target's instance type is not catalogued (its vCPU/GPU count is unknown)
     */
    public TargetTrackingAutoscalerModel(InferenceEndpoint endpoint, TargetTrackingSettings settings) {
        this(endpoint, settings, false);
    }

    /**
     * A model of the variant's instances ({@code perCopy} false) or of an inference component's copies ({@code perCopy} true:
     * the policies track the per-copy metrics of {@link TrackedMetric#perCopy(double)}, and the ScaleInCooldown is
     * {@code scaleInCooldownSeconds}, else {@code scaleToZero.idleSeconds}, as the backend renders them).
     */
    TargetTrackingAutoscalerModel(InferenceEndpoint endpoint, TargetTrackingSettings settings, boolean perCopy) {
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
        this.scaleInCooldownMillis = perCopy ? idleCooldown(endpoint, down, settings.scaleInCooldown().toMillis())
                : cooldown(endpoint, OPTION_SCALE_IN_COOLDOWN, down, settings.scaleInCooldown().toMillis());
        this.delayMillis = settings.metricDelay().toMillis();
        this.scaleOutDatapoints = settings.scaleOutDatapoints();
        this.scaleInDatapoints = settings.scaleInDatapoints();

        Optional<InstanceType> instance = SageMakerTranslator.renderedInstanceType(endpoint);
        int n = given.size();
        metrics = new TrackedMetric[n];
        for (int i = 0; i < n; i++) {
            TrackedMetric m = TrackedMetric.of(endpoint, given.get(i), instance);
            metrics[i] = perCopy ? m.perCopy(given.get(i).doubleValue()) : m;
        }
        threshold = new double[2 * n];
        periodMillis = new long[2 * n];
        periodEnd = new long[2 * n];
        valueTimesInstances = new double[2 * n];
        instanceMillis = new double[2 * n];
        breaching = new int[2 * n];
        lastValue = new double[2 * n];
        lastInstances = new double[2 * n];
        hasLast = new boolean[2 * n];
        pendingAt = new long[2 * n][];
        pendingValue = new double[2 * n][];
        pendingInstances = new double[2 * n][];
        pendingHead = new int[2 * n];
        pendingSize = new int[2 * n];
        long standard = settings.metricPeriod().toMillis();
        for (int a = 0; a < 2 * n; a++) {
            TrackedMetric m = metrics[a >> 1];
            boolean scaleOut = (a & 1) == 0;
            threshold[a] = scaleOut ? m.target() : settings.scaleInThreshold() * m.target();
            periodMillis[a] = scaleOut && m.type() == TargetType.CONCURRENT_REQUESTS ? settings.highResolutionPeriod().toMillis() : standard;
            periodEnd[a] = periodMillis[a];
            int depth = (int) Math.max(4, delayMillis / periodMillis[a] + 2);
            pendingAt[a] = new long[depth];
            pendingValue[a] = new double[depth];
            pendingInstances[a] = new double[depth];
        }
        this.assumptions = describe(endpoint, settings, instance);
        next = nextAvailability();
    }

    /**
     * An inference component's ScaleInCooldown as the backend renders it for scale to zero: {@code scaleInCooldownSeconds} when
     * given, else {@code scaleToZero.idleSeconds} (the behaviour window is not used), else as for a variant.
     */
    private static long idleCooldown(InferenceEndpoint e, Optional<ScalingRules> rules, long defaultMillis) {
        Optional<Object> explicit = e.backends().get(SageMakerTranslator.ID, OPTION_SCALE_IN_COOLDOWN);
        if (explicit.isPresent() && explicit.get() instanceof BigDecimal d) {
            return d.longValue() * 1000;
        }
        return e.autoscaling().scaleToZero().map(z -> z.idleSeconds() * 1000L)
                .orElseGet(() -> cooldown(e, OPTION_SCALE_IN_COOLDOWN, rules, defaultMillis));
    }

    private static long cooldown(InferenceEndpoint e, String option, Optional<ScalingRules> rules, long defaultMillis) {
        Optional<Object> explicit = e.backends().get(SageMakerTranslator.ID, option);
        if (explicit.isPresent() && explicit.get() instanceof BigDecimal d) {
            return d.longValue() * 1000;
        }
        return rules.flatMap(ScalingRules::stabilizationWindowSeconds).map(s -> s * 1000L).orElse(defaultMillis);
    }

    @Override
    public String backendId() {
        return SageMakerTranslator.ID;
    }

    /**
     * Forgets every alarm's datapoints (the alarms read INSUFFICIENT_DATA): called when copies come back after a time at zero,
     * during which no copy emitted a datapoint. The scale-in alarm then needs its full run of new datapoints again rather
     * than continuing the run that took the endpoint to zero. Datapoints of the current, unfinished periods are kept.
     */
    void resetAlarms() {
        java.util.Arrays.fill(breaching, 0);
        java.util.Arrays.fill(hasLast, false);
    }

    @Override
    public long nextDecisionMillis() {
        return next;
    }

    @Override
    public void observe(long from, long to, Observation o) {
        completeScaleOut(from, o);
        int ready = o.readyReplicas();
        for (int i = 0; i < metrics.length; i++) {
            double valueTimesReady = ready > 0 ? metrics[i].measure(o) * ready : 0;
            accumulate(2 * i, from, to, ready, valueTimesReady);
            accumulate(2 * i + 1, from, to, ready, valueTimesReady);
        }
    }

    private void accumulate(int a, long from, long to, int ready, double valueTimesReady) {
        long f = from;
        while (f < to) {
            long end = Math.min(to, periodEnd[a]);
            if (ready > 0) {
                long dt = end - f;
                valueTimesInstances[a] += valueTimesReady * dt;
                instanceMillis[a] += (double) ready * dt;
            }
            if (end == periodEnd[a]) {
                closePeriod(a);
            }
            f = end;
        }
    }

    /** A scale-out activity completes when its instances are in service; its cooldown starts then. */
    private void completeScaleOut(long now, Observation o) {
        if (scaleOutInProgress && o.startingReplicas() == 0) {
            scaleOutInProgress = false;
            scaleOutCooldownEnd = now + scaleOutCooldownMillis;
        }
    }

    private void closePeriod(int a) {
        long[] at = pendingAt[a];
        if (pendingSize[a] == at.length) {
            publish(a); // the oldest is due anyway when the ring is full
        }
        int slot = (pendingHead[a] + pendingSize[a]) % at.length;
        at[slot] = periodEnd[a] + delayMillis;
        boolean present = instanceMillis[a] > 0;
        pendingValue[a][slot] = present ? valueTimesInstances[a] / instanceMillis[a] : 0;
        pendingInstances[a][slot] = instanceMillis[a] / periodMillis[a];
        pendingSize[a]++;
        valueTimesInstances[a] = 0;
        instanceMillis[a] = 0;
        periodEnd[a] += periodMillis[a];
    }

    /** Feeds the oldest pending datapoint of alarm {@code a} to it. A period without instances leaves the alarm as it was. */
    private void publish(int a) {
        int h = pendingHead[a];
        if (pendingInstances[a][h] > 0) {
            double v = pendingValue[a][h];
            lastValue[a] = v;
            lastInstances[a] = pendingInstances[a][h];
            hasLast[a] = true;
            boolean breach = (a & 1) == 0 ? v > threshold[a] : v < threshold[a];
            breaching[a] = breach ? breaching[a] + 1 : 0;
        }
        pendingHead[a] = (h + 1) % pendingAt[a].length;
        pendingSize[a]--;
    }

    private long nextAvailability() {
        long n = Long.MAX_VALUE;
        for (int a = 0; a < periodEnd.length; a++) {
            n = Math.min(n, pendingSize[a] > 0 ? pendingAt[a][pendingHead[a]] : periodEnd[a] + delayMillis);
        }
        return n;
    }

    /** The capacity alarm {@code a}'s last datapoint asks for, unrounded: instances in its period × datapoint / target. */
    private double asked(int a) {
        return lastInstances[a] * lastValue[a] / metrics[a >> 1].target();
    }

    @Override
    public int decide(Observation o) {
        long now = o.nowMillis();
        for (int a = 0; a < periodEnd.length; a++) {
            while (pendingSize[a] > 0 && pendingAt[a][pendingHead[a]] <= now) {
                publish(a);
            }
        }
        next = nextAvailability();
        completeScaleOut(now, o);
        int desired = o.desiredReplicas();
        if (desired < minReplicas) {
            return minReplicas;
        }
        if (desired > maxReplicas) {
            return maxReplicas;
        }
        if (scaleOutEnabled) {
            boolean inCooldown = scaleOutInProgress || now < scaleOutCooldownEnd;
            int out = -1;
            for (int a = 0; a < periodEnd.length; a += 2) {
                if (breaching[a] >= scaleOutDatapoints && hasLast[a]) {
                    double asked = asked(a);
                    // outside the cooldown the capacity still missing is added to the desired count (never below what is asked)
                    double proposal = inCooldown ? asked : Math.max(asked, desired + asked - lastInstances[a]);
                    out = Math.max(out, (int) Math.ceil(proposal - EPSILON));
                }
            }
            int target = Math.min(out, maxReplicas);
            if (target > desired) {
                scaleOutInProgress = true;
                scaleInCooldownEnd = Long.MIN_VALUE; // a scale-out ends the scale-in cooldown
                return target;
            }
        }
        if (!scaleInEnabled || now < scaleInCooldownEnd || scaleOutInProgress || o.startingReplicas() > 0) {
            return desired;
        }
        int in = minReplicas;
        for (int a = 1; a < periodEnd.length; a += 2) {
            if (breaching[a] < scaleInDatapoints || !hasLast[a]) {
                return desired;
            }
            in = Math.max(in, (int) Math.ceil(asked(a) - EPSILON));
        }
        if (in < desired) {
            scaleInCooldownEnd = now + scaleInCooldownMillis;
            return in;
        }
        return desired;
    }

    @Override
    public List<Assumption> assumptions() {
        return assumptions;
    }

    private List<Assumption> describe(InferenceEndpoint e, TargetTrackingSettings s, Optional<InstanceType> instance) {
        TargetTrackingSettings d = TargetTrackingSettings.defaults();
        List<Assumption> list = new ArrayList<>();
        String cooldowns = "ScaleOutCooldown " + scaleOutCooldownMillis / 1000 + " s, ScaleInCooldown " + scaleInCooldownMillis / 1000 + " s"
                + (scaleInEnabled ? "" : ", DisableScaleIn") + (scaleOutEnabled ? "" : ", DynamicScalingOutSuspended");
        instance.ifPresent(t -> list.add(new Assumption("instance type", t.name() + " (" + t.describe() + ")",
                "the type SageMakerTranslator renders (spec.backends.sagemaker.instanceType, else the smallest catalogued type fitting the requests)")));
        boolean highResolution = false;
        for (TrackedMetric m : metrics) {
            boolean request = m.type() == TargetType.REQUESTS_PER_SECOND || m.type() == TargetType.CONCURRENT_REQUESTS;
            highResolution |= m.type() == TargetType.CONCURRENT_REQUESTS;
            list.add(new Assumption("scales on (" + m.policyName() + ")", m.describe() + "; " + cooldowns,
                    "the PutScalingPolicy SageMakerTranslator renders; " + (request ? TargetTrackingSettings.SOURCE_DEFINE_POLICY : SOURCE_METRICS)));
            list.add(new Assumption("measured (" + m.metricName() + ")", m.measurement(), request ? TargetTrackingSettings.SOURCE_DEFINE_POLICY : SOURCE_METRICS));
        }
        list.add(setting("datapoint period", s.metricPeriod().toSeconds() + " s", "sagemaker.metricPeriod", s.metricPeriod().equals(d.metricPeriod()),
                TargetTrackingSettings.SOURCE_DEFINE_POLICY));
        if (highResolution) {
            list.add(setting("high-resolution period (concurrency scale-out alarm)", s.highResolutionPeriod().toSeconds() + " s",
                    "sagemaker.highResolutionPeriod", s.highResolutionPeriod().equals(d.highResolutionPeriod()),
                    TargetTrackingSettings.SOURCE_DEFINE_POLICY + " (scale-in at the same rate as standard metrics: its 60 s alarm)"));
            list.add(Assumption.assumed("high-resolution scale-out alarm", s.scaleOutDatapoints() + " datapoints of "
                    + s.highResolutionPeriod().toSeconds() + " s above the target (AWS publishes no alarm figures for it)",
                    "--setting sagemaker.scaleOutDatapoints=N or sagemaker.highResolutionPeriod=DURATION"));
        }
        list.add(setting("scale-out alarm", s.scaleOutDatapoints() + " consecutive datapoints above the target (any policy)",
                "sagemaker.scaleOutDatapoints", s.scaleOutDatapoints() == d.scaleOutDatapoints(), TargetTrackingSettings.SOURCE_ALARMS));
        list.add(setting("scale-in alarm", s.scaleInDatapoints() + " consecutive 60 s datapoints below " + TrackedMetric.plain(s.scaleInThreshold())
                        + " x target (every policy)", "sagemaker.scaleInDatapoints / sagemaker.scaleInThreshold",
                s.scaleInDatapoints() == d.scaleInDatapoints() && s.scaleInThreshold() == d.scaleInThreshold(),
                TargetTrackingSettings.SOURCE_ALARMS + "; " + TargetTrackingSettings.SOURCE_OVERVIEW));
        list.add(new Assumption("capacity asked", "ceil(instances in service in the datapoint's period x datapoint / target); "
                + "the largest over policies", TargetTrackingSettings.SOURCE_OVERVIEW + " (capacity proportional to the metric; "
                + "several policies: the largest capacity); " + SOURCE_METRICS));
        list.add(new Assumption("scale-out cooldown", scaleOutCooldownMillis / 1000 + " s from when the scale-out's instances are "
                + "in service; until then the added capacity counts toward the next scale-out, after it a scale-out adds the capacity "
                + "still missing to the desired count", TargetTrackingSettings.SOURCE_OVERVIEW + "; " + TargetTrackingSettings.SOURCE_API
                + " (\"after a scale out activity completes\"); AWS API reference: UpdateEndpointWeightsAndCapacities (the endpoint "
                + "stays Updating until the change is done), https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateEndpointWeightsAndCapacities.html"));
        list.add(new Assumption("scale-in cooldown", scaleInCooldownMillis / 1000 + " s; blocks scale-in, a scale-out ends it; "
                + "no other limit per scale-in", TargetTrackingSettings.SOURCE_OVERVIEW));
        list.add(s.metricDelay().equals(d.metricDelay())
                ? Assumption.assumed("metric delay", s.metricDelay().toSeconds() + " s from the end of a period to its alarm",
                "--setting sagemaker.metricDelay=2m")
                : new Assumption("metric delay", s.metricDelay().toSeconds() + " s", "set by --setting sagemaker.metricDelay"));
        if (e.backends().get(SageMakerTranslator.ID, OPTION_SCALE_OUT_COOLDOWN).isEmpty() && !s.scaleOutCooldown().equals(d.scaleOutCooldown())
                || e.backends().get(SageMakerTranslator.ID, OPTION_SCALE_IN_COOLDOWN).isEmpty() && !s.scaleInCooldown().equals(d.scaleInCooldown())) {
            list.add(new Assumption("default cooldowns", "ScaleOutCooldown " + s.scaleOutCooldown().toSeconds() + " s, ScaleInCooldown "
                    + s.scaleInCooldown().toSeconds() + " s", "set by --setting sagemaker.scaleOutCooldown / sagemaker.scaleInCooldown "
                    + "(the rendered policy keeps AWS's 300 s unless the endpoint sets them)"));
        }
        return List.copyOf(list);
    }

    private static Assumption setting(String subject, String value, String key, boolean isDefault, String source) {
        return new Assumption(subject, value, isDefault ? source : "set by --setting " + key);
    }
}
