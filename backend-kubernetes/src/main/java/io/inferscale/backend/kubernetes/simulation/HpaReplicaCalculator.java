package io.inferscale.backend.kubernetes.simulation;

/**
 * The Kubernetes HPA's replica calculation for one metric, ported from upstream
 * {@code pkg/controller/podautoscaler/replica_calculator.go} at {@value HpaSettings#UPSTREAM_REVISION}, with the
 * same integer arithmetic:
 * <ul>
 *   <li>{@code GetResourceReplicas} for {@code Resource} metrics with a {@code Utilization} target;</li>
 *   <li>{@code GetMetricReplicas}/{@code calcPlainMetricReplicas} for {@code Pods} metrics ({@code AverageValue});</li>
 *   <li>{@code GetExternalMetricReplicas}/{@code GetObjectMetricReplicas} ({@code Value} target: usage over the
 *       target, times the ready pods; from zero replicas {@code ceil(usage / target)}, without tolerance) and
 *       {@code GetExternalPerPodMetricReplicas}/{@code GetObjectPerPodMetricReplicas} ({@code AverageValue}
 *       target: {@code ceil(usage / target)} when {@code usage / (target x replicas)} is outside the tolerance).</li>
 * </ul>
 *
 * <p>Pod grouping follows upstream {@code groupPods}: deleted and failed pods are ignored (their metrics dropped);
 * pending pods are unready; pods without a metric are "missing"; for the {@code cpu} resource only, pods that are
 * not ready, or still in the CPU initialization period without a metric collected since they became ready, are
 * unready too. Readiness does not matter for any other metric. If the usage ratio says scale up, unready pods count
 * as using 0 and missing pods 0; if it says scale down, missing pods count as using {@code max(100 %, target)} of
 * their request (the target, for {@code Pods} metrics). A recalculated ratio that flips direction or falls within
 * the tolerance keeps the current replica count, and so does a count that moves against the ratio's direction.
 *
 * <p>Tolerance: upstream's {@code Tolerances.isWithin}, inclusive at both ends: no change while
 * {@code 1 - tolerance <= ratio <= 1 + tolerance} (a ratio of exactly 1.1 does not scale with the default 0.1).
 *
 * <p>Not thread-safe; allocation-free. After each call, {@link #utilization()} and {@link #rawAverageValue()} hold
 * the values upstream returns alongside the replica count.
 */
public final class HpaReplicaCalculator {

    private final double lowerBound;
    private final double upperBound;
    private long utilization;
    private long rawAverageValue;

    /**
     * A calculator with the same tolerance both ways.
     *
     * @param tolerance the ratio band around 1.0 within which the HPA does not scale; upstream default 0.1
     *                  ({@code --horizontal-pod-autoscaler-tolerance})
     */
    public HpaReplicaCalculator(double tolerance) {
        this(tolerance, tolerance);
    }

    /**
     * A calculator with upstream's directional tolerances ({@code behavior.scaleDown.tolerance},
     * {@code behavior.scaleUp.tolerance}, KEP-4951).
     */
    public HpaReplicaCalculator(double scaleDownTolerance, double scaleUpTolerance) {
        this.lowerBound = 1.0 - scaleDownTolerance;
        this.upperBound = 1.0 + scaleUpTolerance;
    }

    /** Upstream {@code Tolerances.isWithin}: inclusive bounds. */
    public boolean isWithin(double usageRatio) {
        return lowerBound <= usageRatio && usageRatio <= upperBound;
    }

    /** The current utilization (%, resource targets) or usage (milli-units, other metrics) of the last call. */
    public long utilization() {
        return utilization;
    }

    /** The raw average value in milli-units of the last resource calculation. */
    public long rawAverageValue() {
        return rawAverageValue;
    }

    /**
     * {@code GetResourceReplicas}: the desired replicas for a resource metric with a {@code Utilization} target.
     *
     * @param currentReplicas   the scale target's {@code spec.replicas}
     * @param targetUtilization target average utilization, % of the request
     * @param cpu               true for the {@code cpu} resource (readiness and initialization rules apply)
     * @throws HpaCalculationException with upstream's message when no metric, pod or request is usable
     */
    public int resourceReplicas(int currentReplicas, int targetUtilization, boolean cpu, HpaPods pods) {
        if (podCount(pods) == 0) {
            throw new HpaCalculationException("no pods returned by selector while calculating replica count");
        }
        if (!anyMetric(pods)) {
            throw new HpaCalculationException("unable to get metrics for resource " + (cpu ? "cpu" : "memory")
                    + ": no metrics returned from resource metrics API");
        }
        int readyPodCount = 0;
        int unready = 0;
        int missing = 0;
        long metricsTotal = 0;
        long requestsTotal = 0;
        int entities = 0;
        long missingRequests = 0;
        long unreadyRequests = 0;
        long metricsLen = 0;
        for (int i = 0; i < pods.size; i++) {
            int c = pods.count[i];
            if (!pods.isPod[i]) {
                // a metric for a pod not in the list stays in the map (it counts in len(metrics)) but has no request
                metricsLen += c;
                continue;
            }
            int g = group(pods, i, cpu);
            if (g == READY) {
                readyPodCount += c;
                metricsTotal += c * pods.value[i];
                requestsTotal += c * pods.request[i];
                entities += c;
                metricsLen += c;
            } else if (g == UNREADY) {
                unready += c;
                unreadyRequests += c * pods.request[i];
            } else if (g == MISSING) {
                missing += c;
                missingRequests += c * pods.request[i];
            }
        }
        if (metricsLen == 0) {
            throw new HpaCalculationException("did not receive metrics for targeted pods (pods might be unready)");
        }
        for (int i = 0; i < pods.size; i++) {
            if (pods.isPod[i] && !pods.hasRequest[i]) {
                throw new HpaCalculationException("missing request for " + (cpu ? "cpu" : "memory"));
            }
        }
        if (requestsTotal == 0) {
            throw new HpaCalculationException("no metrics returned matched known pods");
        }
        long current = (metricsTotal * 100) / requestsTotal;
        double usageRatio = (double) current / targetUtilization;
        utilization = current;
        rawAverageValue = metricsTotal / entities;

        boolean scaleUpWithUnready = unready > 0 && usageRatio > 1.0;
        if (!scaleUpWithUnready && missing == 0) {
            if (isWithin(usageRatio)) {
                return currentReplicas;
            }
            return (int) Math.ceil(usageRatio * readyPodCount);
        }
        long newMetrics = metricsTotal;
        long newRequests = requestsTotal;
        long newLen = metricsLen;
        if (missing > 0) {
            if (usageRatio < 1.0) {
                long fallback = Math.max(100, targetUtilization);
                for (int i = 0; i < pods.size; i++) {
                    if (pods.isPod[i] && group(pods, i, cpu) == MISSING) {
                        newMetrics += pods.count[i] * (pods.request[i] * fallback / 100);
                    }
                }
                newRequests += missingRequests;
                newLen += missing;
            } else if (usageRatio > 1.0) {
                newRequests += missingRequests;
                newLen += missing;
            }
        }
        if (scaleUpWithUnready) {
            newRequests += unreadyRequests;
            newLen += unready;
        }
        double newUsageRatio = (double) ((newMetrics * 100) / newRequests) / targetUtilization;
        return settle(currentReplicas, usageRatio, newUsageRatio, newLen);
    }

    /**
     * {@code GetMetricReplicas}: the desired replicas for a {@code Pods} metric with an {@code AverageValue} target.
     *
     * @param currentReplicas the scale target's {@code spec.replicas}
     * @param targetMilli     the target average value in milli-units
     * @throws HpaCalculationException with upstream's message when no metric or pod is usable
     */
    public int metricReplicas(int currentReplicas, long targetMilli, HpaPods pods) {
        if (podCount(pods) == 0) {
            throw new HpaCalculationException("no pods returned by selector while calculating replica count");
        }
        int readyPodCount = 0;
        int unready = 0;
        int missing = 0;
        long metricsTotal = 0;
        long metricsLen = 0;
        for (int i = 0; i < pods.size; i++) {
            int c = pods.count[i];
            if (!pods.isPod[i]) {
                metricsTotal += c * pods.value[i];
                metricsLen += c;
                continue;
            }
            int g = group(pods, i, false);
            if (g == READY) {
                readyPodCount += c;
                metricsTotal += c * pods.value[i];
                metricsLen += c;
            } else if (g == UNREADY) {
                unready += c;
            } else if (g == MISSING) {
                missing += c;
            }
        }
        if (metricsLen == 0) {
            throw new HpaCalculationException("did not receive metrics for targeted pods (pods might be unready)");
        }
        return plain(currentReplicas, targetMilli, readyPodCount, unready, missing, metricsTotal, metricsLen);
    }

    /**
     * {@link #resourceReplicas} for the simulator's pods, without building {@link HpaPods}: {@code counted} running
     * pods whose metric counts, all at {@code valueMilli}; {@code unready} pods (CPU: not ready, or a sample not yet
     * usable) and {@code missing} pods without a metric; every pod requesting {@code requestMilli}. Same arithmetic
     * as the general method (a test compares both on random inputs); -1 where the general method throws.
     */
    public int uniformResourceReplicas(int currentReplicas, int targetUtilization, int counted, int unready, int missing,
                                       long requestMilli, long valueMilli) {
        if (counted <= 0 || requestMilli <= 0) {
            return -1;
        }
        long metricsTotal = counted * valueMilli;
        long requestsTotal = counted * requestMilli;
        long current = (metricsTotal * 100) / requestsTotal;
        double usageRatio = (double) current / targetUtilization;
        utilization = current;
        rawAverageValue = valueMilli;
        boolean scaleUpWithUnready = unready > 0 && usageRatio > 1.0;
        if (!scaleUpWithUnready && missing == 0) {
            if (isWithin(usageRatio)) {
                return currentReplicas;
            }
            return (int) Math.ceil(usageRatio * counted);
        }
        long newMetrics = metricsTotal;
        long newRequests = requestsTotal;
        long newLen = counted;
        if (missing > 0) {
            if (usageRatio < 1.0) {
                newMetrics += missing * (requestMilli * Math.max(100, targetUtilization) / 100);
                newRequests += missing * requestMilli;
                newLen += missing;
            } else if (usageRatio > 1.0) {
                newRequests += missing * requestMilli;
                newLen += missing;
            }
        }
        if (scaleUpWithUnready) {
            newRequests += unready * requestMilli;
            newLen += unready;
        }
        double newUsageRatio = (double) ((newMetrics * 100) / newRequests) / targetUtilization;
        return settle(currentReplicas, usageRatio, newUsageRatio, newLen);
    }

    /**
     * {@link #metricReplicas} for the simulator's pods: {@code counted} running pods reporting {@code valueMilli},
     * {@code unready} pending pods and {@code missing} pods without a metric; -1 where the general method throws.
     */
    public int uniformMetricReplicas(int currentReplicas, long targetMilli, int counted, int unready, int missing, long valueMilli) {
        if (counted <= 0) {
            return -1;
        }
        return plain(currentReplicas, targetMilli, counted, unready, missing, counted * valueMilli, counted);
    }

    /**
     * {@code GetExternalMetricReplicas} / {@code GetObjectMetricReplicas} (a {@code Value} target) with
     * {@code getUsageRatioReplicaCount}: from zero replicas {@code ceil(usage / target)}, otherwise the current count
     * within the tolerance, else {@code ceil(usage / target x readyPods)}.
     *
     * @param currentReplicas the scale target's {@code spec.replicas}
     * @param targetMilli     the target value in milli-units
     * @param usageMilli      the metric's value (an External metric: the sum of the returned series), milli-units
     * @param podCount        pods matching the selector (0 fails upstream's ready-pod count when replicas are not 0)
     * @param readyPods       running and ready pods
     * @return the desired replicas, or -1 where upstream fails (replicas not 0 but no pod matches the selector)
     */
    public int valueReplicas(int currentReplicas, long targetMilli, long usageMilli, int podCount, int readyPods) {
        utilization = usageMilli;
        double usageRatio = (double) usageMilli / targetMilli;
        if (currentReplicas == 0) {
            return ceilToInt(usageRatio);
        }
        if (isWithin(usageRatio)) {
            return currentReplicas;
        }
        if (podCount == 0) {
            return -1;
        }
        return ceilToInt(usageRatio * readyPods);
    }

    /**
     * {@code GetExternalPerPodMetricReplicas} / {@code GetObjectPerPodMetricReplicas} (an {@code AverageValue}
     * target): {@code ceil(usage / target)} unless {@code usage / (target x statusReplicas)} is within the tolerance.
     * With zero replicas the ratio is infinite (or NaN with zero usage), so the count is {@code ceil(usage / target)}:
     * the HPA scales from and to zero on these metrics.
     *
     * @param statusReplicas  the HPA's {@code status.currentReplicas}: every pod of the target, ready or not
     * @param targetPerPodMilli the target average value per pod, milli-units
     * @param usageMilli      the metric's total value, milli-units
     */
    public int averageValueReplicas(int statusReplicas, long targetPerPodMilli, long usageMilli) {
        double usageRatio = (double) usageMilli / ((double) targetPerPodMilli * statusReplicas);
        int replicas = statusReplicas;
        if (!isWithin(usageRatio)) {
            replicas = ceilToInt((double) usageMilli / targetPerPodMilli);
        }
        utilization = statusReplicas == 0 ? usageMilli : (long) Math.ceil((double) usageMilli / statusReplicas);
        return replicas;
    }

    /** The end of {@code calcPlainMetricReplicas} from the grouped totals. */
    private int plain(int currentReplicas, long targetMilli, int readyPodCount, int unready, int missing, long metricsTotal,
                      long metricsLen) {
        long current = metricsTotal / metricsLen;
        double usageRatio = (double) current / targetMilli;
        utilization = current;
        boolean scaleUpWithUnready = unready > 0 && usageRatio > 1.0;
        if (!scaleUpWithUnready && missing == 0) {
            if (isWithin(usageRatio)) {
                return currentReplicas;
            }
            return (int) Math.ceil(usageRatio * readyPodCount);
        }
        long newTotal = metricsTotal;
        long newLen = metricsLen;
        if (missing > 0) {
            if (usageRatio < 1.0) {
                newTotal += missing * targetMilli;
                newLen += missing;
            } else if (usageRatio > 1.0) {
                newLen += missing;
            }
        }
        if (scaleUpWithUnready) {
            newLen += unready;
        }
        double newUsageRatio = (double) (newTotal / newLen) / targetMilli;
        return settle(currentReplicas, usageRatio, newUsageRatio, newLen);
    }

    /** The common end of both pod-based calculations: tolerance, direction flips, then the count over all entries. */
    private int settle(int currentReplicas, double usageRatio, double newUsageRatio, long newLen) {
        if (isWithin(newUsageRatio) || (usageRatio < 1.0 && newUsageRatio > 1.0) || (usageRatio > 1.0 && newUsageRatio < 1.0)) {
            return currentReplicas;
        }
        int newReplicas = (int) Math.ceil(newUsageRatio * newLen);
        if ((newUsageRatio < 1.0 && newReplicas > currentReplicas) || (newUsageRatio > 1.0 && newReplicas < currentReplicas)) {
            return currentReplicas;
        }
        return newReplicas;
    }

    /** {@code int32(math.Ceil(x))}, capped at the largest int as upstream caps it. */
    private static int ceilToInt(double x) {
        double c = Math.ceil(x);
        return c >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) c;
    }

    private static final int IGNORED = 0;
    private static final int UNREADY = 1;
    private static final int MISSING = 2;
    private static final int READY = 3;

    /** Upstream {@code groupPods} for one group. */
    private static int group(HpaPods pods, int i, boolean cpu) {
        if (pods.deleted[i] || pods.phase[i] == HpaPods.Phase.FAILED) {
            return IGNORED;
        }
        if (pods.phase[i] == HpaPods.Phase.PENDING) {
            return UNREADY;
        }
        if (!pods.hasMetric[i]) {
            return MISSING;
        }
        if (cpu) {
            boolean unready;
            if (pods.withinCpuInitialization[i]) {
                unready = !pods.ready[i] || !pods.metricFresh[i];
            } else {
                // unready and never ready since its initial readiness delay: the simulator's pods are never
                // unready after having been ready, so an unready pod here is always one that never was
                unready = !pods.ready[i];
            }
            if (unready) {
                return UNREADY;
            }
        }
        return READY;
    }

    private static int podCount(HpaPods pods) {
        int n = 0;
        for (int i = 0; i < pods.size; i++) {
            if (pods.isPod[i]) {
                n += pods.count[i];
            }
        }
        return n;
    }

    private static boolean anyMetric(HpaPods pods) {
        for (int i = 0; i < pods.size; i++) {
            if (pods.hasMetric[i] && pods.count[i] > 0) {
                return true;
            }
        }
        return false;
    }
}
