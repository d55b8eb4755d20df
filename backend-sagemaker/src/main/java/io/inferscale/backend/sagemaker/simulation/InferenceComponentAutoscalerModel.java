package io.inferscale.backend.sagemaker.simulation;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.Observation;
import io.inferscale.backend.sagemaker.SageMakerTranslator;

import java.util.ArrayList;
import java.util.List;

/**
 * SageMaker scale to zero on an inference-component endpoint, as AWS documents it ({@value InferenceComponentSettings#SOURCE_ZERO};
 * docs/design/scale-to-zero.md section 2). A replica is one copy of the inference component on its own instance (managed
 * instance scaling provisions an instance per copy and removes it when its copy goes: an <b>assumption</b>, the instance type
 * being the one the translator picks for the requests).
 * <ol>
 *   <li><b>Above zero and down to zero</b>: Application Auto Scaling target tracking on {@code DesiredCopyCount} with
 *       {@code MinCapacity 0}, simulated by {@link TargetTrackingAutoscalerModel} on the per-copy metrics
 *       ({@code SageMakerInferenceComponentInvocationsPerCopy}, {@code ...ConcurrentRequestsPerCopyHighResolution} or the
 *       normalized utilizations, {@link TrackedMetric#perCopy(double)}) with its alarms ({@link TargetTrackingSettings}) and a
 *       ScaleInCooldown of {@code scaleToZero.idleSeconds} unless {@code scaleInCooldownSeconds} is given (as the backend
 *       renders it): after 15 one-minute datapoints without traffic the scale-in alarm
 *       asks for 0 copies; managed instance scaling then removes the idle instance (at once: an <b>assumption</b>, AWS publishes
 *       no delay), so nothing is billed.</li>
 *   <li><b>At zero</b> the endpoint "can't respond to any incoming inference requests until it provisions at least one
 *       instance": every request fails (the engine counts it lost) and SageMaker emits {@code NoCapacityInvocationFailures}
 *       "when an endpoint receives an inference request, but the endpoint has no active instances".</li>
 *   <li><b>Wake</b>: the failed requests of each {@code Period} (60 s) form one {@code Sum} datapoint; the alarm
 *       ({@code EvaluationPeriods 1}, {@code DatapointsToAlarm 1}, {@code Threshold 1}) goes to ALARM on the first breaching
 *       datapoint and invokes the step policy ({@code ChangeInCapacity +1}, {@code Cooldown 60}) at every evaluation while it
 *       stays in ALARM ("the adjustments can continue for additional alarm breaches until the alarm state returns to OK",
 *       {@value #SOURCE_STEP}). While the copy it added is being placed and for the cooldown after, that copy counts toward the
 *       next adjustment (as for target tracking), so the policy adds one copy, not one per minute of provisioning. The copy is
 *       in service after {@code sagemaker.coldStart} (instance provisioning, container start, model load: "several minutes",
 *       an <b>assumption</b> the user sets); meanwhile requests keep failing.</li>
 *   <li>Target tracking resumes when the copy is in service; its alarms start afresh (no copy emitted a datapoint while at
 *       zero: {@link TargetTrackingAutoscalerModel#resetAlarms()}).</li>
 * </ol>
 * Allocation-free after construction.
 */
public final class InferenceComponentAutoscalerModel implements AutoscalerModel {

    /** Application Auto Scaling's page on step scaling (adjustments repeat while the alarm stays in ALARM). */
    static final String SOURCE_STEP = "AWS docs: How step scaling for Application Auto Scaling works, "
            + "https://docs.aws.amazon.com/autoscaling/application/userguide/step-scaling-policy-overview.html";

    private final TargetTrackingAutoscalerModel tracking;
    private final InferenceComponentSettings zero;
    private final int maxReplicas;
    private final long alarmPeriodMillis;
    private final long delayMillis;
    private final long stepCooldownMillis;
    private final List<Assumption> assumptions;

    // NoCapacityInvocationFailures: the Sum of the period being measured, then datapoints on their way to the alarm
    private double failedInPeriod;
    private long periodEnd;
    private final long[] pendingAt;
    private final double[] pendingSum;
    private int pendingHead;
    private int pendingSize;
    private boolean inAlarm;

    private boolean stepInProgress;
    private long stepCooldownEnd = Long.MIN_VALUE;
    private int wakeUps;

    /**
     * A model of {@code endpoint}'s inference component.
     *
     * @throws io.inferscale.api.ConfigurationException as {@link TargetTrackingAutoscalerModel} for a target it cannot simulate
     */
    public InferenceComponentAutoscalerModel(InferenceEndpoint endpoint, TargetTrackingSettings trackingSettings,
                                             InferenceComponentSettings settings) {
        this.tracking = new TargetTrackingAutoscalerModel(endpoint, trackingSettings, true);
        this.zero = settings;
        this.maxReplicas = endpoint.autoscaling().maxReplicas();
        this.alarmPeriodMillis = settings.alarmPeriod().toMillis();
        this.delayMillis = trackingSettings.metricDelay().toMillis();
        this.stepCooldownMillis = settings.stepCooldown().toMillis();
        this.periodEnd = alarmPeriodMillis;
        int depth = (int) Math.max(4, delayMillis / alarmPeriodMillis + 2);
        this.pendingAt = new long[depth];
        this.pendingSum = new double[depth];
        this.assumptions = describe(trackingSettings);
    }

    private List<Assumption> describe(TargetTrackingSettings trackingSettings) {
        List<Assumption> a = new ArrayList<>();
        String zeroDoc = InferenceComponentSettings.SOURCE_ZERO;
        InferenceComponentSettings d = InferenceComponentSettings.defaults();
        a.add(Assumption.assumed("replica", "one inference-component copy on its own instance; managed instance scaling (MinInstanceCount 0) "
                + "adds the instance with the copy and removes it, unbilled, as soon as its copy goes", "nothing; AWS publishes no delay "
                + "of managed instance scale-in (" + zeroDoc + ")"));
        a.add(new Assumption("scale to zero", "target tracking on DesiredCopyCount with MinCapacity 0 (scale-in alarm: "
                + trackingSettings.scaleInDatapoints() + " datapoints below " + TrackedMetric.plain(trackingSettings.scaleInThreshold())
                + " x target, ScaleInCooldown)", zeroDoc + " (RegisterScalableTarget MinCapacity 0); the target-tracking alarms below"));
        a.add(new Assumption("requests at zero copies", "fail (lost) until a copy is in service; each counts in NoCapacityInvocationFailures",
                zeroDoc + ": \"can't respond to any incoming inference requests until it provisions at least one instance\""));
        a.add(setting("wake alarm", "NoCapacityInvocationFailures Sum per " + zero.alarmPeriod().toSeconds() + " s "
                        + zero.comparisonName() + " " + TrackedMetric.plain(zero.alarmThreshold()) + ", 1 of 1 datapoints",
                zero.alarmPeriod().equals(d.alarmPeriod()) && zero.alarmThreshold() == d.alarmThreshold() && zero.orEqual() == d.orEqual(),
                "PutMetricAlarm Period 60, EvaluationPeriods 1, DatapointsToAlarm 1, Threshold 1 (" + zeroDoc + "); "
                        + "GreaterThanOrEqualToThreshold instead of the page's GreaterThanThreshold: docs/design/scale-to-zero.md section 2",
                InferenceComponentSettings.ALARM_PERIOD + " / " + InferenceComponentSettings.ALARM_THRESHOLD + " / "
                        + InferenceComponentSettings.ALARM_COMPARISON));
        a.add(setting("wake step policy", "ChangeInCapacity +1 copy while the alarm is in ALARM, Cooldown " + zero.stepCooldown().toSeconds()
                        + " s; the copy being placed counts toward the next adjustment", zero.stepCooldown().equals(d.stepCooldown()),
                "PutScalingPolicy StepScaling (" + zeroDoc + "); " + SOURCE_STEP + "; " + TargetTrackingSettings.SOURCE_API,
                InferenceComponentSettings.STEP_COOLDOWN));
        a.add(zero.coldStart().isPresent()
                ? new Assumption("cold start from zero", zero.coldStart().get().toSeconds() + " s from the +1 copy to the copy in service",
                "set by --setting " + InferenceComponentSettings.COLD_START)
                : Assumption.assumed("cold start from zero", "the run's startup (instance provisioning, container start, model load; "
                + "AWS: \"the provisioning process takes several minutes\", " + zeroDoc + ")", "--setting "
                + InferenceComponentSettings.COLD_START + "=DURATION"));
        a.add(Assumption.assumed("alarms after zero", "the target-tracking alarms start afresh when a copy is back (no datapoint while at zero)",
                "nothing; the model's reading of CloudWatch's missing data"));
        a.addAll(tracking.assumptions());
        return List.copyOf(a);
    }

    private static Assumption setting(String subject, String value, boolean isDefault, String source, String key) {
        return new Assumption(subject, value, isDefault ? source : "set by --setting " + key);
    }

    @Override
    public String backendId() {
        return SageMakerTranslator.ID;
    }

    @Override
    public List<Assumption> assumptions() {
        return assumptions;
    }

    /** How often the endpoint was woken from zero copies so far (for tests). */
    int wakeUps() {
        return wakeUps;
    }

    @Override
    public long nextDecisionMillis() {
        return Math.min(tracking.nextDecisionMillis(), pendingSize > 0 ? pendingAt[pendingHead] : periodEnd + delayMillis);
    }

    @Override
    public long startupMillis(int fromReplicas, long runStartupMillis) {
        return fromReplicas == 0 && zero.coldStart().isPresent() ? zero.coldStart().get().toMillis() : runStartupMillis;
    }

    @Override
    public void observe(long from, long to, Observation o) {
        tracking.observe(from, to, o);
        completeStep(from, o);
        // NoCapacityInvocationFailures: requests received while no copy is in service
        double failingRps = o.readyReplicas() == 0 ? o.demandRps() : 0;
        long f = from;
        while (f < to) {
            long end = Math.min(to, periodEnd);
            failedInPeriod += failingRps * (end - f) / 1000.0;
            if (end == periodEnd) {
                closePeriod();
            }
            f = end;
        }
    }

    private void closePeriod() {
        if (pendingSize == pendingAt.length) {
            publish(); // the oldest is due anyway when the ring is full
        }
        int slot = (pendingHead + pendingSize) % pendingAt.length;
        pendingAt[slot] = periodEnd + delayMillis;
        pendingSum[slot] = failedInPeriod;
        pendingSize++;
        failedInPeriod = 0;
        periodEnd += alarmPeriodMillis;
    }

    /**
     * The alarm evaluates the oldest pending datapoint. A period without a failed request has no datapoint (SageMaker emits the
     * metric per failed request), so the alarm leaves ALARM (to INSUFFICIENT_DATA, which invokes no action).
     */
    private void publish() {
        double sum = pendingSum[pendingHead];
        inAlarm = sum > 0 && zero.breaches(sum);
        pendingHead = (pendingHead + 1) % pendingAt.length;
        pendingSize--;
    }

    /** The step policy's scale-out completes when its copy is in service; its cooldown starts then. */
    private void completeStep(long now, Observation o) {
        if (stepInProgress && o.startingReplicas() == 0) {
            stepInProgress = false;
            stepCooldownEnd = now + stepCooldownMillis;
        }
    }

    @Override
    public int decide(Observation o) {
        long now = o.nowMillis();
        completeStep(now, o);
        int current = o.desiredReplicas();
        int want = current;
        if (tracking.nextDecisionMillis() <= now) {
            want = tracking.decide(o);
        }
        boolean evaluated = false;
        while (pendingSize > 0 && pendingAt[pendingHead] <= now) {
            publish();
            evaluated = true;
        }
        if (evaluated && inAlarm && !stepInProgress && now >= stepCooldownEnd) {
            // ChangeInCapacity +1 on the current capacity; during the step's own scale-out or cooldown its copy already counts
            int stepped = Math.min(maxReplicas, current + 1);
            if (stepped > want) {
                want = stepped;
                stepInProgress = true;
            }
        }
        if (current == 0 && want > 0) {
            wakeUps++;
            tracking.resetAlarms();
        }
        return want;
    }
}
