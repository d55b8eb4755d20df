package io.inferscale.backend.kubernetes.simulation;

/**
 * The Kubernetes HPA's replica calculation for one metric, ported from upstream
 * {@code pkg/controller/podautoscaler/replica_calculator.go} ({@code GetResourceReplicas} for {@code Utilization}
 * targets, {@code GetMetricReplicas}/{@code calcPlainMetricReplicas} for {@code Pods} metrics with an
 * {@code AverageValue} target) and {@code metrics/utilization.go}, with the same integer arithmetic.
 *
 * <p>Pod grouping follows upstream {@code groupPods}: deleted and failed pods are skipped; pending pods are
 * ignored; pods without a metric are "missing"; for CPU only, unready pods and pods still in the CPU
 * initialization period without a fresh metric are ignored. If the usage ratio says scale up, ignored pods count
 * as using 0 and missing pods 0; if it says scale down, missing pods count as using 100 % of their request (or the
 * target, for plain metrics). A recalculated ratio that flips direction or falls within the tolerance keeps the
 * current replica count — this is what damps scale-up while new pods start.
 *
 * <p>Object and External metrics are not ported: no neutral target maps to them.
 *
 * <p>Not thread-safe; allocation-free. After each call, {@link #utilization()} and {@link #rawAverageValue()} hold
 * the values upstream returns alongside the replica count.
 */
public final class HpaReplicaCalculator {

    private final double tolerance;
    private long utilization;
    private long rawAverageValue;

    /**
     * A calculator.
     *
     * @param tolerance the ratio band around 1.0 within which the HPA does not scale; upstream default 0.1
     *                  ({@code --horizontal-pod-autoscaler-tolerance})
     */
    public HpaReplicaCalculator(double tolerance) {
        this.tolerance = tolerance;
    }

    /** The current utilization (%, resource targets) or average value (milli-units, Pods metrics) of the last call. */
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
        int ignored = 0;
        int missing = 0;
        long metricsTotal = 0;
        long requestsTotal = 0;
        int entities = 0;
        long missingRequests = 0;
        long metricsLen = 0;
        for (int i = 0; i < pods.size; i++) {
            if (!pods.isPod[i]) {
                metricsLen += pods.count[i];
                continue;
            }
            if (!pods.hasRequest[i]) {
                throw new HpaCalculationException("missing request for " + (cpu ? "cpu" : "memory"));
            }
            int g = group(pods, i, cpu);
            int c = pods.count[i];
            if (g == SKIP) {
                // upstream skips deleted and failed pods when grouping but leaves their metrics in the map
                if (pods.hasMetric[i]) {
                    metricsTotal += c * pods.value[i];
                    requestsTotal += c * pods.request[i];
                    entities += c;
                    metricsLen += c;
                }
                continue;
            }
            if (g == IGNORED) {
                ignored += c;
                continue;
            }
            if (g == MISSING) {
                missing += c;
                missingRequests += c * pods.request[i];
                continue;
            }
            readyPodCount += c;
            metricsTotal += c * pods.value[i];
            requestsTotal += c * pods.request[i];
            entities += c;
            metricsLen += c;
        }
        if (metricsLen == 0) {
            throw new HpaCalculationException("did not receive metrics for any ready pods");
        }
        if (requestsTotal == 0) {
            throw new HpaCalculationException("no metrics returned matched known pods");
        }
        long current = (metricsTotal * 100) / requestsTotal;
        double usageRatio = (double) current / targetUtilization;
        utilization = current;
        rawAverageValue = metricsTotal / entities;

        boolean rebalanceIgnored = ignored > 0 && usageRatio > 1.0;
        if (!rebalanceIgnored && missing == 0) {
            if (Math.abs(1.0 - usageRatio) <= tolerance) {
                return currentReplicas;
            }
            return (int) Math.ceil(usageRatio * readyPodCount);
        }
        long newMetrics = metricsTotal;
        long newRequests = requestsTotal;
        long newLen = metricsLen;
        if (missing > 0) {
            if (usageRatio < 1.0) {
                newMetrics += missingRequests;
                newRequests += missingRequests;
                newLen += missing;
            } else if (usageRatio > 1.0) {
                newRequests += missingRequests;
                newLen += missing;
            }
        }
        if (rebalanceIgnored) {
            for (int i = 0; i < pods.size; i++) {
                if (pods.isPod[i] && group(pods, i, cpu) == IGNORED) {
                    newRequests += pods.count[i] * pods.request[i];
                }
            }
            newLen += ignored;
        }
        double newUsageRatio = (double) ((newMetrics * 100) / newRequests) / targetUtilization;
        if (Math.abs(1.0 - newUsageRatio) <= tolerance || (usageRatio < 1.0 && newUsageRatio > 1.0)
                || (usageRatio > 1.0 && newUsageRatio < 1.0)) {
            return currentReplicas;
        }
        int newReplicas = (int) Math.ceil(newUsageRatio * newLen);
        if ((newUsageRatio < 1.0 && newReplicas > currentReplicas) || (newUsageRatio > 1.0 && newReplicas < currentReplicas)) {
            return currentReplicas;
        }
        return newReplicas;
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
        int ignored = 0;
        int missing = 0;
        long metricsTotal = 0;
        long metricsLen = 0;
        for (int i = 0; i < pods.size; i++) {
            if (!pods.isPod[i]) {
                metricsTotal += pods.count[i] * pods.value[i];
                metricsLen += pods.count[i];
                continue;
            }
            int g = group(pods, i, false);
            int c = pods.count[i];
            if (g == SKIP) {
                if (pods.hasMetric[i]) {
                    metricsTotal += c * pods.value[i];
                    metricsLen += c;
                }
                continue;
            }
            if (g == IGNORED) {
                ignored += c;
                continue;
            }
            if (g == MISSING) {
                missing += c;
                continue;
            }
            readyPodCount += c;
            metricsTotal += c * pods.value[i];
            metricsLen += c;
        }
        if (metricsLen == 0) {
            throw new HpaCalculationException("did not receive metrics for any ready pods");
        }
        long current = metricsTotal / metricsLen;
        double usageRatio = (double) current / targetMilli;
        utilization = current;
        boolean rebalanceIgnored = ignored > 0 && usageRatio > 1.0;
        if (!rebalanceIgnored && missing == 0) {
            if (Math.abs(1.0 - usageRatio) <= tolerance) {
                return currentReplicas;
            }
            return (int) Math.ceil(usageRatio * readyPodCount);
        }
        long newTotal = metricsTotal;
        long newLen = metricsLen;
        if (missing > 0) {
            if (usageRatio < 1.0) {
                newTotal += missing * targetMilli;
            }
            newLen += missing;
        }
        if (rebalanceIgnored) {
            newLen += ignored;
        }
        double newUsageRatio = (double) (newTotal / newLen) / targetMilli;
        if (Math.abs(1.0 - newUsageRatio) <= tolerance || (usageRatio < 1.0 && newUsageRatio > 1.0)
                || (usageRatio > 1.0 && newUsageRatio < 1.0)) {
            return currentReplicas;
        }
        return (int) Math.ceil(newUsageRatio * newLen);
    }

    /**
     * {@link #resourceReplicas} for the simulator's pods, without building {@link HpaPods}: {@code counted} running,
     * ready pods with fresh metrics all at {@code valueMilli}, and {@code ignored} pods (pending, or CPU samples not
     * yet usable), every pod requesting {@code requestMilli}. No pod is missing a metric. Same arithmetic as the
     * general method (a test compares both on random inputs); -1 where the general method throws.
     */
    public int uniformResourceReplicas(int currentReplicas, int targetUtilization, int counted, int ignored, long requestMilli,
                                       long valueMilli) {
        if (counted <= 0 || requestMilli <= 0) {
            return -1;
        }
        long metricsTotal = counted * valueMilli;
        long requestsTotal = counted * requestMilli;
        long current = (metricsTotal * 100) / requestsTotal;
        double usageRatio = (double) current / targetUtilization;
        utilization = current;
        rawAverageValue = valueMilli;
        if (!(ignored > 0 && usageRatio > 1.0)) {
            if (Math.abs(1.0 - usageRatio) <= tolerance) {
                return currentReplicas;
            }
            return (int) Math.ceil(usageRatio * counted);
        }
        long newRequests = requestsTotal + ignored * requestMilli;
        long newLen = (long) counted + ignored;
        double newUsageRatio = (double) ((metricsTotal * 100) / newRequests) / targetUtilization;
        if (Math.abs(1.0 - newUsageRatio) <= tolerance || newUsageRatio < 1.0) {
            return currentReplicas;
        }
        int newReplicas = (int) Math.ceil(newUsageRatio * newLen);
        if (newUsageRatio > 1.0 && newReplicas < currentReplicas) {
            return currentReplicas;
        }
        return newReplicas;
    }

    /**
     * {@link #metricReplicas} for the simulator's pods: {@code counted} running pods reporting {@code valueMilli} and
     * {@code ignored} pending pods; -1 where the general method throws.
     */
    public int uniformMetricReplicas(int currentReplicas, long targetMilli, int counted, int ignored, long valueMilli) {
        if (counted <= 0) {
            return -1;
        }
        long current = valueMilli;
        double usageRatio = (double) current / targetMilli;
        utilization = current;
        if (!(ignored > 0 && usageRatio > 1.0)) {
            if (Math.abs(1.0 - usageRatio) <= tolerance) {
                return currentReplicas;
            }
            return (int) Math.ceil(usageRatio * counted);
        }
        long newLen = (long) counted + ignored;
        double newUsageRatio = (double) ((counted * valueMilli) / newLen) / targetMilli;
        if (Math.abs(1.0 - newUsageRatio) <= tolerance || newUsageRatio < 1.0) {
            return currentReplicas;
        }
        return (int) Math.ceil(newUsageRatio * newLen);
    }

    private static final int SKIP = 0;
    private static final int IGNORED = 1;
    private static final int MISSING = 2;
    private static final int READY = 3;

    /** Upstream {@code groupPods} for one group. */
    private static int group(HpaPods pods, int i, boolean cpu) {
        if (pods.deleted[i] || pods.phase[i] == HpaPods.Phase.FAILED) {
            return SKIP;
        }
        if (pods.phase[i] == HpaPods.Phase.PENDING) {
            return IGNORED;
        }
        if (!pods.hasMetric[i]) {
            return MISSING;
        }
        if (cpu) {
            boolean ignore;
            if (pods.withinCpuInitialization[i]) {
                ignore = !pods.ready[i] || !pods.metricFresh[i];
            } else {
                // unready and never ready since its initial readiness delay: the simulator's pods are never
                // unready after having been ready, so an unready pod here is always one that never was
                ignore = !pods.ready[i];
            }
            if (ignore) {
                return IGNORED;
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
