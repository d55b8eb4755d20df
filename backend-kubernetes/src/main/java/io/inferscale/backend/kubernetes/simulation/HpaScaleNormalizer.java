package io.inferscale.backend.kubernetes.simulation;

import io.inferscale.api.SelectPolicy;

import java.util.Arrays;

/**
 * The HPA controller's memory and its normalization of a desired replica count, ported from upstream
 * {@code pkg/controller/podautoscaler/horizontal.go} ({@value HpaSettings#UPSTREAM_REVISION}):
 * <ul>
 *   <li>without {@code behavior}: {@code stabilizeRecommendation} (the highest recommendation of the downscale
 *       stabilization window, 5 minutes by default) then {@code convertDesiredReplicasWithRules} (min/max and the
 *       scale-up limit {@code max(scaleUpLimitFactor × current, scaleUpLimitMinimum)} = {@code max(2 × current, 4)});</li>
 *   <li>with {@code behavior}: {@code stabilizeRecommendationWithBehaviors} (the lowest recommendation of the
 *       scale-up window and the highest of the scale-down window, bounding the current count) then
 *       {@code convertDesiredReplicasWithBehaviorRate} (Pods/Percent policies over their periods, measured from
 *       the scale events of those periods, chosen by {@code selectPolicy}, and min/max).</li>
 * </ul>
 * Recommendations and scale events are kept, reused and replaced as upstream does (an entry older than every
 * window is overwritten before the list grows). Times are milliseconds; "after the cutoff" is strict, as Go's
 * {@code time.After}. {@link #lastCondition()} gives the {@code ScalingLimited} reason upstream would set.
 */
public final class HpaScaleNormalizer {

    private final long downscaleStabilizationMillis;
    private final double scaleUpLimitFactor;
    private final double scaleUpLimitMinimum;

    long[] recTime = new long[32];
    int[] recValue = new int[32];
    int recSize;
    private boolean historyStarted;

    final Events up = new Events();
    final Events down = new Events();

    private String lastCondition = "";
    private String lastStabilizationReason = "";

    /**
     * A normalizer with empty history.
     *
     * @param downscaleStabilizationMillis {@code --horizontal-pod-autoscaler-downscale-stabilization}, default 5 minutes
     * @param scaleUpLimitFactor           upstream's {@code scaleUpLimitFactor}, 2.0
     * @param scaleUpLimitMinimum          upstream's {@code scaleUpLimitMinimum}, 4.0
     */
    public HpaScaleNormalizer(long downscaleStabilizationMillis, double scaleUpLimitFactor, double scaleUpLimitMinimum) {
        this.downscaleStabilizationMillis = downscaleStabilizationMillis;
        this.scaleUpLimitFactor = scaleUpLimitFactor;
        this.scaleUpLimitMinimum = scaleUpLimitMinimum;
    }

    /** Scale events of one direction: time, replica change and the "outdated" mark. */
    static final class Events {
        long[] time = new long[16];
        int[] change = new int[16];
        boolean[] outdated = new boolean[16];
        int size;

        void add(long t, int c, boolean old) {
            if (size == time.length) {
                time = Arrays.copyOf(time, size * 2);
                change = Arrays.copyOf(change, size * 2);
                outdated = Arrays.copyOf(outdated, size * 2);
            }
            time[size] = t;
            change[size] = c;
            outdated[size] = old;
            size++;
        }

        /** {@code getReplicasChangePerPeriod}: the sum of changes strictly after {@code now - period}. */
        int changeInPeriod(long now, int periodSeconds) {
            long cutoff = now - periodSeconds * 1000L;
            int sum = 0;
            for (int i = 0; i < size; i++) {
                if (time[i] > cutoff) {
                    sum += change[i];
                }
            }
            return sum;
        }
    }

    /** The {@code ScalingLimited} reason of the last conversion, e.g. {@code ScaleUpLimit} or {@code DesiredWithinRange}. */
    public String lastCondition() {
        return lastCondition;
    }

    /** {@code ScaleUpStabilized} or {@code ScaleDownStabilized} from the last behaviour stabilization. */
    public String lastStabilizationReason() {
        return lastStabilizationReason;
    }

    /** Adds a stored recommendation (for tests that start from upstream's recorded history). */
    public void addRecommendation(long timeMillis, int replicas) {
        historyStarted = true;
        if (recSize == recTime.length) {
            recTime = Arrays.copyOf(recTime, recSize * 2);
            recValue = Arrays.copyOf(recValue, recSize * 2);
        }
        recTime[recSize] = timeMillis;
        recValue[recSize] = replicas;
        recSize++;
    }

    /** The stored recommendations' values, in storage order (for tests). */
    public int[] recommendations() {
        return Arrays.copyOf(recValue, recSize);
    }

    /** Adds a past scale-up event (for tests). */
    public void addScaleUpEvent(long timeMillis, int replicaChange) {
        up.add(timeMillis, replicaChange, false);
    }

    /** Adds a past scale-down event (for tests). */
    public void addScaleDownEvent(long timeMillis, int replicaChange) {
        down.add(timeMillis, replicaChange, false);
    }

    /**
     * {@code recordInitialRecommendation}: the current count becomes the first recommendation when the HPA has no
     * recommendation history yet (upstream tests that start from an empty, non-nil history use {@link #startHistory()}).
     */
    public void recordInitialRecommendation(long now, int currentReplicas) {
        if (!historyStarted) {
            addRecommendation(now, currentReplicas);
        }
    }

    /** Starts an empty recommendation history, as an upstream test's {@code recommendations: []timestampedRecommendation{}}. */
    public void startHistory() {
        historyStarted = true;
    }

    /**
     * {@code stabilizeRecommendation}: the legacy downscale stabilization, the highest recommendation of the last
     * window. Upstream keeps a recommendation while {@code !timestamp.Before(cutoff)}; in a cluster the controller
     * re-queues an HPA one sync period <em>after</em> it finished the last one, so a recommendation made a whole
     * number of periods ago is always a little older than the window when the window is a multiple of the period.
     * The simulator's syncs are exactly one period apart, so a recommendation exactly one window old is treated as
     * outside it (as the behaviour path's strict {@code After(cutoff)} does): the first scale-down comes one window
     * (300 s) after the last high recommendation, not one sync period later.
     */
    public int stabilizeRecommendation(long now, int prenormalized) {
        int max = prenormalized;
        boolean foundOld = false;
        int oldIndex = 0;
        long cutoff = now - downscaleStabilizationMillis;
        for (int i = 0; i < recSize; i++) {
            if (recTime[i] <= cutoff) {
                foundOld = true;
                oldIndex = i;
            } else if (recValue[i] > max) {
                max = recValue[i];
            }
        }
        store(foundOld, oldIndex, now, prenormalized);
        return max;
    }

    private void store(boolean foundOld, int oldIndex, long now, int value) {
        if (foundOld) {
            recTime[oldIndex] = now;
            recValue[oldIndex] = value;
        } else {
            addRecommendation(now, value);
        }
    }

    /** {@code normalizeDesiredReplicas}: the path without {@code behavior}. */
    public int normalizeDesiredReplicas(long now, int current, int prenormalized, int minReplicas, int maxReplicas) {
        int stabilized = stabilizeRecommendation(now, prenormalized);
        return convertDesiredReplicasWithRules(current, stabilized, minReplicas, maxReplicas);
    }

    /** {@code calculateScaleUpLimit}: {@code max(factor × current, minimum)}. */
    public int calculateScaleUpLimit(int current) {
        return (int) Math.max(scaleUpLimitFactor * current, scaleUpLimitMinimum);
    }

    /** {@code convertDesiredReplicasWithRules}: min/max and the legacy scale-up limit. */
    public int convertDesiredReplicasWithRules(int current, int desired, int minReplicas, int maxReplicas) {
        int minimumAllowed = minReplicas;
        int maximumAllowed;
        String condition;
        int scaleUpLimit = calculateScaleUpLimit(current);
        if (maxReplicas > scaleUpLimit) {
            maximumAllowed = scaleUpLimit;
            condition = "ScaleUpLimit";
        } else {
            maximumAllowed = maxReplicas;
            condition = "TooManyReplicas";
        }
        if (desired < minimumAllowed) {
            lastCondition = "TooFewReplicas";
            return minimumAllowed;
        } else if (desired > maximumAllowed) {
            lastCondition = condition;
            return maximumAllowed;
        }
        lastCondition = "DesiredWithinRange";
        return desired;
    }

    /** {@code normalizeDesiredReplicasWithBehaviors}: the path with {@code behavior}. */
    public int normalizeDesiredReplicasWithBehaviors(long now, HpaScalingRules scaleUp, HpaScalingRules scaleDown, int current,
                                                     int prenormalized, int minReplicas, int maxReplicas) {
        int stabilized = stabilizeRecommendationWithBehaviors(now, scaleUp, scaleDown, current, prenormalized);
        return convertDesiredReplicasWithBehaviorRate(now, scaleUp, scaleDown, current, stabilized, minReplicas, maxReplicas);
    }

    /** {@code stabilizeRecommendationWithBehaviors}. */
    public int stabilizeRecommendationWithBehaviors(long now, HpaScalingRules scaleUp, HpaScalingRules scaleDown, int current,
                                                    int desired) {
        boolean foundOld = false;
        int oldIndex = 0;
        int upRecommendation = desired;
        long upCutoff = now - scaleUp.stabilizationWindowSeconds * 1000L;
        int downRecommendation = desired;
        long downCutoff = now - scaleDown.stabilizationWindowSeconds * 1000L;
        for (int i = 0; i < recSize; i++) {
            long ts = recTime[i];
            if (ts > upCutoff) {
                upRecommendation = Math.min(recValue[i], upRecommendation);
            }
            if (ts > downCutoff) {
                downRecommendation = Math.max(recValue[i], downRecommendation);
            }
            if (ts < upCutoff && ts < downCutoff) {
                foundOld = true;
                oldIndex = i;
            }
        }
        int recommendation = current;
        if (recommendation < upRecommendation) {
            recommendation = upRecommendation;
        }
        if (recommendation > downRecommendation) {
            recommendation = downRecommendation;
        }
        store(foundOld, oldIndex, now, desired);
        lastStabilizationReason = desired >= current ? "ScaleUpStabilized" : "ScaleDownStabilized";
        return recommendation;
    }

    /** {@code convertDesiredReplicasWithBehaviorRate}. */
    public int convertDesiredReplicasWithBehaviorRate(long now, HpaScalingRules scaleUp, HpaScalingRules scaleDown, int current,
                                                      int desired, int minReplicas, int maxReplicas) {
        if (desired > current) {
            int scaleUpLimit = calculateScaleUpLimitWithScalingRules(now, current, scaleUp);
            if (scaleUpLimit < current) {
                scaleUpLimit = current;
            }
            int maximumAllowed = maxReplicas;
            String reason;
            if (maximumAllowed > scaleUpLimit) {
                maximumAllowed = scaleUpLimit;
                reason = "ScaleUpLimit";
            } else {
                reason = "TooManyReplicas";
            }
            if (desired > maximumAllowed) {
                lastCondition = reason;
                return maximumAllowed;
            }
        } else if (desired < current) {
            int scaleDownLimit = calculateScaleDownLimitWithBehaviors(now, current, scaleDown);
            if (scaleDownLimit > current) {
                scaleDownLimit = current;
            }
            int minimumAllowed = minReplicas;
            String reason;
            if (minimumAllowed < scaleDownLimit) {
                minimumAllowed = scaleDownLimit;
                reason = "ScaleDownLimit";
            } else {
                reason = "TooFewReplicas";
            }
            if (desired < minimumAllowed) {
                lastCondition = reason;
                return minimumAllowed;
            }
        }
        lastCondition = "DesiredWithinRange";
        return desired;
    }

    /** {@code calculateScaleUpLimitWithScalingRules}. */
    public int calculateScaleUpLimitWithScalingRules(long now, int current, HpaScalingRules rules) {
        if (rules.selectPolicy == SelectPolicy.DISABLED) {
            return current;
        }
        boolean min = rules.selectPolicy == SelectPolicy.MIN;
        int result = min ? Integer.MAX_VALUE : Integer.MIN_VALUE;
        for (int i = 0; i < rules.value.length; i++) {
            int added = up.changeInPeriod(now, rules.periodSeconds[i]);
            int deleted = down.changeInPeriod(now, rules.periodSeconds[i]);
            int periodStart = current - added + deleted;
            int proposed = rules.percent[i]
                    ? (int) Math.ceil(periodStart * (1 + rules.value[i] / 100.0))
                    : periodStart + rules.value[i];
            result = min ? Math.min(result, proposed) : Math.max(result, proposed);
        }
        return result;
    }

    /** {@code calculateScaleDownLimitWithBehaviors}. */
    public int calculateScaleDownLimitWithBehaviors(long now, int current, HpaScalingRules rules) {
        if (rules.selectPolicy == SelectPolicy.DISABLED) {
            return current;
        }
        boolean min = rules.selectPolicy == SelectPolicy.MIN;
        int result = min ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        for (int i = 0; i < rules.value.length; i++) {
            int added = up.changeInPeriod(now, rules.periodSeconds[i]);
            int deleted = down.changeInPeriod(now, rules.periodSeconds[i]);
            int periodStart = current - added + deleted;
            int proposed = rules.percent[i]
                    ? (int) (periodStart * (1 - rules.value[i] / 100.0))
                    : periodStart - rules.value[i];
            result = min ? Math.max(result, proposed) : Math.min(result, proposed);
        }
        return result;
    }

    /**
     * {@code storeScaleEvent}: records a rescale when the HPA has {@code behavior}, reusing the last event older
     * than the direction's longest policy period.
     */
    public void storeScaleEvent(long now, boolean hasBehavior, HpaScalingRules scaleUp, HpaScalingRules scaleDown,
                                int previous, int next) {
        if (!hasBehavior) {
            return;
        }
        Events events = next > previous ? up : down;
        int longest = next > previous ? scaleUp.longestPeriodSeconds : scaleDown.longestPeriodSeconds;
        int change = next > previous ? next - previous : previous - next;
        long cutoff = now - longest * 1000L;
        boolean foundOld = false;
        int oldIndex = 0;
        for (int i = 0; i < events.size; i++) {
            if (events.time[i] < cutoff) {
                events.outdated[i] = true;
            }
            if (events.outdated[i]) {
                foundOld = true;
                oldIndex = i;
            }
        }
        if (foundOld) {
            events.time[oldIndex] = now;
            events.change[oldIndex] = change;
            events.outdated[oldIndex] = false;
        } else {
            events.add(now, change, false);
        }
    }

    /** The stored events of one direction as {change, outdated ? 1 : 0} pairs (for tests). */
    int[][] events(boolean scaleUp) {
        Events e = scaleUp ? up : down;
        int[][] out = new int[e.size][];
        for (int i = 0; i < e.size; i++) {
            out[i] = new int[] {e.change[i], e.outdated[i] ? 1 : 0};
        }
        return out;
    }
}
