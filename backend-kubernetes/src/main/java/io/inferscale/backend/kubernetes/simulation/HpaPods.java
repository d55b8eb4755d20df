package io.inferscale.backend.kubernetes.simulation;

import java.util.Arrays;

/**
 * The pods and pod metrics one HPA replica calculation sees, as groups of identical pods (a group of one is a
 * single pod). The simulator describes its pods in two or three groups; the ported upstream tests use one group
 * per pod. Reusable: {@link #clear()} and add again without allocating.
 *
 * <p>Requests and metric values are milli-units, as upstream uses them ({@code MilliValue()}).
 */
public final class HpaPods {

    /** A pod's phase, as far as the replica calculation cares. */
    public enum Phase { RUNNING, PENDING, FAILED }

    int size;
    int[] count = new int[4];
    Phase[] phase = new Phase[4];
    boolean[] ready = new boolean[4];
    boolean[] deleted = new boolean[4];
    boolean[] withinCpuInitialization = new boolean[4];
    boolean[] metricFresh = new boolean[4];
    long[] request = new long[4];
    boolean[] hasRequest = new boolean[4];
    boolean[] hasMetric = new boolean[4];
    long[] value = new long[4];
    boolean[] isPod = new boolean[4];

    /** Empty. */
    public HpaPods() {
    }

    /** Removes every group. */
    public HpaPods clear() {
        size = 0;
        return this;
    }

    /**
     * Adds {@code count} identical pods.
     *
     * @param count                   how many pods
     * @param phase                   Running, Pending or Failed
     * @param ready                   the pod's Ready condition
     * @param deleted                 true when the pod has a deletion timestamp
     * @param withinCpuInitialization true while pod start + the CPU initialization period is after now
     * @param metricFresh             true when a full metric window was collected after the last readiness transition
     * @param requestMilli            the pod's request for the metric's resource, summed over containers; negative for "missing request"
     * @param metricMilli             the pod's metric value; {@code null} when the metrics API returned none for it
     */
    public HpaPods add(int count, Phase phase, boolean ready, boolean deleted, boolean withinCpuInitialization,
                       boolean metricFresh, long requestMilli, Long metricMilli) {
        int i = grow();
        this.count[i] = count;
        this.phase[i] = phase;
        this.ready[i] = ready;
        this.deleted[i] = deleted;
        this.withinCpuInitialization[i] = withinCpuInitialization;
        this.metricFresh[i] = metricFresh;
        this.request[i] = requestMilli;
        this.hasRequest[i] = requestMilli >= 0;
        this.hasMetric[i] = metricMilli != null;
        this.value[i] = metricMilli == null ? 0 : metricMilli;
        this.isPod[i] = true;
        return this;
    }

    /** Adds {@code count} identical pods without boxing (for the simulator's hot path). */
    public HpaPods addPods(int count, Phase phase, boolean ready, boolean withinCpuInitialization, boolean metricFresh,
                           long requestMilli, boolean hasMetric, long metricMilli) {
        int i = grow();
        this.count[i] = count;
        this.phase[i] = phase;
        this.ready[i] = ready;
        this.deleted[i] = false;
        this.withinCpuInitialization[i] = withinCpuInitialization;
        this.metricFresh[i] = metricFresh;
        this.request[i] = requestMilli;
        this.hasRequest[i] = requestMilli >= 0;
        this.hasMetric[i] = hasMetric;
        this.value[i] = metricMilli;
        this.isPod[i] = true;
        return this;
    }

    /** Adds a metric the metrics API returned for a pod that is not in the pod list (a superfluous metric). */
    public HpaPods addOrphanMetric(long metricMilli) {
        int i = grow();
        this.count[i] = 1;
        this.isPod[i] = false;
        this.hasMetric[i] = true;
        this.value[i] = metricMilli;
        this.hasRequest[i] = false;
        return this;
    }

    private int grow() {
        if (size == count.length) {
            int n = size * 2;
            count = Arrays.copyOf(count, n);
            phase = Arrays.copyOf(phase, n);
            ready = Arrays.copyOf(ready, n);
            deleted = Arrays.copyOf(deleted, n);
            withinCpuInitialization = Arrays.copyOf(withinCpuInitialization, n);
            metricFresh = Arrays.copyOf(metricFresh, n);
            request = Arrays.copyOf(request, n);
            hasRequest = Arrays.copyOf(hasRequest, n);
            hasMetric = Arrays.copyOf(hasMetric, n);
            value = Arrays.copyOf(value, n);
            isPod = Arrays.copyOf(isPod, n);
        }
        return size++;
    }
}
