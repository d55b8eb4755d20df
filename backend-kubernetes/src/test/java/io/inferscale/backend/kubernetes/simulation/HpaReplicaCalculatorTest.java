package io.inferscale.backend.kubernetes.simulation;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Upstream's replica-calculation cases from {@code pkg/controller/podautoscaler/replica_calculator_test.go}, with
 * the same inputs and expectations. Each upstream pod has two containers, each requesting {@code requests[i]} and
 * reporting {@code levels[i]}, so a pod's request and metric here are twice the per-container figures (as in
 * upstream, where {@code expectedValue} is {@code numContainersPerPod × ...}). "Hot CPU" pods started inside the
 * CPU initialization period and have no metric collected since their readiness changed. Object and External
 * metric cases call {@link HpaReplicaCalculator#valueReplicas} ({@code Value} targets) and
 * {@link HpaReplicaCalculator#averageValueReplicas} ({@code AverageValue} targets) with upstream's levels.
 *
 * <p>Upstream revision: {@value HpaSettings#UPSTREAM_REVISION}.
 */
class HpaReplicaCalculatorTest {

    private static final int CONTAINERS = 2;
    private static final double TOLERANCE = 0.1;

    /** A resource-metric case in upstream's terms. */
    private static final class Resource {
        int currentReplicas;
        String[] readiness;
        boolean[] hot;
        String[] phase;
        boolean[] deleted;
        long[] requestsMilli;
        long[] levels;
        int target;
        double downTolerance = TOLERANCE;
        double upTolerance = TOLERANCE;

        Resource tolerances(double down, double up) {
            downTolerance = down;
            upTolerance = up;
            return this;
        }

        Resource(int currentReplicas, long[] requestsMilli, long[] levels, int target) {
            this.currentReplicas = currentReplicas;
            this.requestsMilli = requestsMilli;
            this.levels = levels;
            this.target = target;
        }

        Resource readiness(String... r) {
            readiness = r;
            return this;
        }

        Resource hot(boolean... h) {
            hot = h;
            return this;
        }

        Resource phase(String... p) {
            phase = p;
            return this;
        }

        Resource deleted(boolean... d) {
            deleted = d;
            return this;
        }

        HpaPods pods() {
            HpaPods pods = new HpaPods();
            int count = currentReplicas;
            if (phase != null && phase.length > count) {
                count = phase.length;
            }
            for (int i = 0; i < count; i++) {
                boolean ready = readiness == null || i >= readiness.length || readiness[i].equals("True");
                boolean isHot = hot != null && hot[i];
                HpaPods.Phase p = phase == null ? HpaPods.Phase.RUNNING : HpaPods.Phase.valueOf(phase[i].toUpperCase());
                boolean del = deleted != null && deleted[i];
                long request = i < requestsMilli.length ? CONTAINERS * requestsMilli[i] : -1;
                Long metric = i < levels.length ? CONTAINERS * levels[i] : null;
                pods.add(1, p, ready, del, isHot, false, request, metric);
            }
            for (int i = count; i < levels.length; i++) {
                pods.addOrphanMetric(CONTAINERS * levels[i]);
            }
            return pods;
        }

        void expect(int replicas, long utilization, long rawValue) {
            HpaReplicaCalculator calc = new HpaReplicaCalculator(downTolerance, upTolerance);
            assertThat(calc.resourceReplicas(currentReplicas, target, true, pods())).as("replicas").isEqualTo(replicas);
            assertThat(calc.utilization()).as("utilization").isEqualTo(utilization);
            assertThat(calc.rawAverageValue()).as("raw value").isEqualTo(rawValue);
        }

        void expectError(String message) {
            HpaReplicaCalculator calc = new HpaReplicaCalculator(TOLERANCE);
            assertThatThrownBy(() -> calc.resourceReplicas(currentReplicas, target, true, pods()))
                    .isInstanceOf(HpaCalculationException.class).hasMessageContaining(message);
        }
    }

    private static long[] ones(int n) {
        long[] r = new long[n];
        java.util.Arrays.fill(r, 1000);
        return r;
    }

    private static long[] l(long... v) {
        return v;
    }

    /** A Pods-metric case: per-pod levels (milli-units), target (milli-units). */
    private static void podMetric(int currentReplicas, String[] readiness, long[] levels, long target, int expectedReplicas,
                                  long expectedUtilization) {
        podMetric(new HpaReplicaCalculator(TOLERANCE), currentReplicas, currentReplicas, readiness, levels, target, expectedReplicas,
                expectedUtilization);
    }

    /** A Pods-metric case with {@code podCount} running pods (more than {@code currentReplicas} during a surge). */
    private static void podMetric(HpaReplicaCalculator calc, int currentReplicas, int podCount, String[] readiness, long[] levels,
                                  long target, int expectedReplicas, long expectedUtilization) {
        HpaPods pods = new HpaPods();
        for (int i = 0; i < podCount; i++) {
            boolean ready = readiness == null || readiness[i].equals("True");
            pods.add(1, HpaPods.Phase.RUNNING, ready, false, false, false, 0, i < levels.length ? levels[i] : null);
        }
        assertThat(calc.metricReplicas(currentReplicas, target, pods)).as("replicas").isEqualTo(expectedReplicas);
        assertThat(calc.utilization()).as("utilization").isEqualTo(expectedUtilization);
    }

    @Test
    @DisplayName("TestReplicaCalcDisjointResourcesMetrics")
    void disjointResourcesMetrics() {
        Resource r = new Resource(1, ones(1), l(100), 100);
        HpaPods pods = new HpaPods().add(1, HpaPods.Phase.RUNNING, true, false, false, false, 2000, null).addOrphanMetric(200);
        assertThatThrownBy(() -> new HpaReplicaCalculator(TOLERANCE).resourceReplicas(r.currentReplicas, r.target, true, pods))
                .hasMessageContaining("no metrics returned matched known pods");
    }

    @Test
    @DisplayName("TestReplicaCalcScaleUp")
    void scaleUp() {
        new Resource(3, ones(3), l(300, 500, 700), 30).expect(5, 50, CONTAINERS * 500);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleUpUnreadyLessScale")
    void scaleUpUnreadyLessScale() {
        new Resource(3, ones(3), l(300, 500, 700), 30).readiness("False", "True", "True").expect(4, 60, CONTAINERS * 600);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleUpHotCpuLessScale")
    void scaleUpHotCpuLessScale() {
        new Resource(3, ones(3), l(300, 500, 700), 30).hot(true, false, false).expect(4, 60, CONTAINERS * 600);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleUpUnreadyNoScale")
    void scaleUpUnreadyNoScale() {
        new Resource(3, ones(3), l(400, 500, 700), 30).readiness("True", "False", "False").expect(3, 40, CONTAINERS * 400);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleHotCpuNoScale")
    void scaleHotCpuNoScale() {
        new Resource(3, ones(3), l(400, 500, 700), 30).readiness("True", "False", "False").hot(false, true, true)
                .expect(3, 40, CONTAINERS * 400);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleUpIgnoresFailedPods")
    void scaleUpIgnoresFailedPods() {
        new Resource(2, ones(4), l(500, 700), 30).readiness("True", "True", "False", "False")
                .phase("Running", "Running", "Failed", "Failed").expect(4, 60, CONTAINERS * 600);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleUpIgnoresDeletionPods")
    void scaleUpIgnoresDeletionPods() {
        new Resource(2, ones(4), l(500, 700), 30).readiness("True", "True", "False", "False")
                .phase("Running", "Running", "Running", "Running").deleted(false, false, true, true).expect(4, 60, CONTAINERS * 600);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleUpCM")
    void scaleUpCM() {
        podMetric(3, null, l(20000, 10000, 30000), 15000, 4, 20000);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale")
    void scaleUpCMUnreadyHotCpuNoLessScale() {
        podMetric(3, new String[] {"True", "True", "False"}, l(50000, 10000, 30000), 15000, 6, 30000);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleUpCMUnreadyHotCpuScaleWouldScaleDown")
    void scaleUpCMUnreadyHotCpuScaleWouldScaleDown() {
        podMetric(3, new String[] {"False", "True", "False"}, l(50000, 15000, 30000), 15000, 7, 31666);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleUpCMExternalNoLabels (a Pods metric in upstream's test)")
    void scaleUpCMExternalNoLabels() {
        podMetric(1, null, l(8600), 4400, 2, 8600);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleDown")
    void scaleDown() {
        new Resource(5, ones(5), l(100, 300, 500, 250, 250), 50).expect(3, 28, CONTAINERS * 280);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleDownCM")
    void scaleDownCM() {
        podMetric(5, null, l(12000, 12000, 12000, 12000, 12000), 20000, 3, 12000);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleDownIncludeUnreadyPods")
    void scaleDownIncludeUnreadyPods() {
        new Resource(5, ones(5), l(100, 300, 500, 250, 250), 50).readiness("True", "True", "True", "False", "False")
                .expect(2, 30, CONTAINERS * 300);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleDownExcludeUnscheduledPods")
    void scaleDownExcludeUnscheduledPods() {
        new Resource(5, ones(5), l(100), 50).readiness("True", "False", "False", "False", "False")
                .phase("Running", "Pending", "Pending", "Pending", "Pending").expect(1, 10, CONTAINERS * 100);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleDownIgnoreHotCpuPods")
    void scaleDownIgnoreHotCpuPods() {
        new Resource(5, ones(5), l(100, 300, 500, 250, 250), 50).hot(false, false, false, true, true)
                .expect(2, 30, CONTAINERS * 300);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleDownIgnoresFailedPods")
    void scaleDownIgnoresFailedPods() {
        new Resource(5, ones(7), l(100, 300, 500, 250, 250), 50)
                .readiness("True", "True", "True", "True", "True", "False", "False")
                .phase("Running", "Running", "Running", "Running", "Running", "Failed", "Failed").expect(3, 28, CONTAINERS * 280);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleDownIgnoresDeletionPods")
    void scaleDownIgnoresDeletionPods() {
        new Resource(5, ones(7), l(100, 300, 500, 250, 250), 50)
                .readiness("True", "True", "True", "True", "True", "False", "False")
                .phase("Running", "Running", "Running", "Running", "Running", "Running", "Running")
                .deleted(false, false, false, false, false, true, true).expect(3, 28, CONTAINERS * 280);
    }

    @Test
    @DisplayName("TestReplicaCalcTolerance")
    void tolerance() {
        new Resource(3, l(900, 1000, 1100), l(1010, 1030, 1020), 100).expect(3, 102, CONTAINERS * 1020);
    }

    @Test
    @DisplayName("TestReplicaCalcToleranceCM")
    void toleranceCM() {
        podMetric(3, null, l(20000, 21000, 21000), 20000, 3, 20666);
    }

    @Test
    @DisplayName("TestReplicaCalcSuperfluousMetrics")
    void superfluousMetrics() {
        new Resource(4, ones(4), l(4000, 9500, 3000, 7000, 3200, 2000), 100).expect(24, 587, CONTAINERS * 5875);
    }

    @Test
    @DisplayName("TestReplicaCalcMissingMetrics")
    void missingMetrics() {
        new Resource(4, ones(4), l(400, 95), 100).expect(3, 24, 495);
    }

    @Test
    @DisplayName("TestReplicaCalcEmptyMetrics")
    void emptyMetrics() {
        new Resource(4, ones(3), l(), 100).expectError("unable to get metrics for resource cpu: no metrics returned from resource metrics API");
    }

    @Test
    @DisplayName("TestReplicaCalcEmptyCPURequest")
    void emptyCpuRequest() {
        new Resource(1, l(), l(200), 100).expectError("missing request for");
    }

    @Test
    @DisplayName("TestReplicaCalcMissingMetricsNoChangeEq")
    void missingMetricsNoChangeEq() {
        new Resource(2, ones(2), l(1000), 100).expect(2, 100, CONTAINERS * 1000);
    }

    @Test
    @DisplayName("TestReplicaCalcMissingMetricsNoChangeGt")
    void missingMetricsNoChangeGt() {
        new Resource(2, ones(2), l(1900), 100).expect(2, 190, CONTAINERS * 1900);
    }

    @Test
    @DisplayName("TestReplicaCalcMissingMetricsNoChangeLt")
    void missingMetricsNoChangeLt() {
        new Resource(2, ones(2), l(600), 100).expect(2, 60, CONTAINERS * 600);
    }

    @Test
    @DisplayName("TestReplicaCalcMissingMetricsUnreadyChange")
    void missingMetricsUnreadyChange() {
        new Resource(3, ones(3), l(100, 450), 50).readiness("False", "True", "True").expect(3, 45, CONTAINERS * 450);
    }

    @Test
    @DisplayName("TestReplicaCalcMissingMetricsHotCpuNoChange")
    void missingMetricsHotCpuNoChange() {
        new Resource(3, ones(3), l(100, 450), 50).hot(true, false, false).expect(3, 45, CONTAINERS * 450);
    }

    @Test
    @DisplayName("TestReplicaCalcMissingMetricsUnreadyScaleUp")
    void missingMetricsUnreadyScaleUp() {
        new Resource(3, ones(3), l(100, 2000), 50).readiness("False", "True", "True").expect(4, 200, CONTAINERS * 2000);
    }

    @Test
    @DisplayName("TestReplicaCalcMissingMetricsHotCpuScaleUp")
    void missingMetricsHotCpuScaleUp() {
        new Resource(3, ones(3), l(100, 2000), 50).readiness("False", "True", "True").hot(true, false, false)
                .expect(4, 200, CONTAINERS * 2000);
    }

    @Test
    @DisplayName("TestReplicaCalcMissingMetricsUnreadyScaleDown")
    void missingMetricsUnreadyScaleDown() {
        new Resource(4, ones(4), l(100, 100, 100), 50).readiness("False", "True", "True", "True").expect(3, 10, CONTAINERS * 100);
    }

    @Test
    @DisplayName("TestReplicaCalcDuringRollingUpdateWithMaxSurge")
    void duringRollingUpdateWithMaxSurge() {
        new Resource(2, ones(3), l(100, 100), 50).phase("Running", "Running", "Running").expect(2, 10, CONTAINERS * 100);
    }

    @Test
    @DisplayName("TestReplicaCalcComputedToleranceAlgImplementation")
    void computedToleranceAlgImplementation() {
        int startPods = 10;
        long totalUsed = startPods * 150L;
        int totalRequested = (int) (2 * totalUsed);
        double requestedToUsed = (double) (totalRequested / (int) totalUsed);
        int perPodRequested = totalRequested / startPods;
        double target = Math.abs(1 / (requestedToUsed * (1 - TOLERANCE))) + .01;
        int finalCpuPercentTarget = (int) (target * 100);
        double resourcesUsedRatio = (double) totalUsed / ((double) totalRequested * target);
        int finalPods = (int) Math.ceil(resourcesUsedRatio * startPods);
        long[] levels = new long[10];
        java.util.Arrays.fill(levels, totalUsed / 10);
        long[] requests = {perPodRequested + 100, perPodRequested - 100, perPodRequested + 10, perPodRequested - 10,
            perPodRequested + 2, perPodRequested - 2, perPodRequested + 1, perPodRequested - 1, perPodRequested, perPodRequested};
        Resource tc = new Resource(startPods, requests, levels, finalCpuPercentTarget);
        tc.expect(finalPods, totalUsed * 100 / totalRequested, CONTAINERS * totalUsed / 10);
        assertThat(finalPods).isEqualTo(9);

        target = Math.abs(1 / (requestedToUsed * (1 - TOLERANCE))) + .004;
        tc.target = (int) (target * 100);
        tc.expect(startPods, totalUsed * 100 / totalRequested, CONTAINERS * totalUsed / 10);
    }

    @Test
    @DisplayName("TestPlainMetricReplicaCalcMissingMetricsNoChangeEq")
    void plainMetricMissingMetricsNoChangeEq() {
        // a ratio of exactly 1: missing pods are neither 0 nor the target, so they do not count
        podMetric(5, null, l(20000, 19000, 21000), 20000, 5, 20000);
    }

    @Test
    @DisplayName("TestReplicaCalcMissingMetricsScaleDownTargetOver100")
    void missingMetricsScaleDownTargetOver100() {
        new Resource(4, l(1000, 1000, 2000, 2000), l(200, 100, 100), 300).readiness("False", "True", "True", "True")
                .expect(2, 6, CONTAINERS * 100);
    }

    @Test
    @DisplayName("TestReplicaCalcDuringRollingUpdateWithMaxSurgeCM")
    void duringRollingUpdateWithMaxSurgeCM() {
        podMetric(new HpaReplicaCalculator(TOLERANCE), 2, 3, null, l(10000, 10000), 17000, 2, 10000);
    }

    @Test
    @DisplayName("issue 13: a ratio of exactly 1.1 is within the tolerance (3 replicas at 11 rps each, 10 rps target)")
    void inclusiveToleranceBound() {
        podMetric(3, null, l(11000, 11000, 11000), 10000, 3, 11000);
        assertThat(new HpaReplicaCalculator(TOLERANCE).isWithin(1.1)).isTrue();
        assertThat(new HpaReplicaCalculator(TOLERANCE).isWithin(0.9)).isTrue();
        assertThat(new HpaReplicaCalculator(TOLERANCE).isWithin(1.1000001)).isFalse();
    }

    @Test
    @DisplayName("TestReplicaCalcConfigurableTolerance")
    void configurableTolerance() {
        long[] requests = l(900, 1000, 1100);
        // Outside of a 0% tolerance
        new Resource(3, requests, l(909, 1010, 1111), 100).tolerances(0, 0).expect(4, 101, CONTAINERS * 1010);
        // Within a 200% scale-up tolerance
        new Resource(3, requests, l(1890, 1910, 1900), 100).tolerances(TOLERANCE, 2).expect(3, 190, CONTAINERS * 1900);
        // Outside 8% scale-up tolerance (and superfuous scale-down tolerance)
        new Resource(3, requests, l(1100, 1080, 1090), 100).tolerances(2, .08).expect(4, 109, CONTAINERS * 1090);
        // Within a 36% scale-down tolerance
        new Resource(3, requests, l(660, 640, 650), 100).tolerances(.36, TOLERANCE).expect(3, 65, CONTAINERS * 650);
        // Outside a 34% scale-down tolerance
        new Resource(3, requests, l(660, 640, 650), 100).tolerances(.34, TOLERANCE).expect(2, 65, CONTAINERS * 650);
    }

    @Test
    @DisplayName("TestReplicaCalcConfigurableToleranceCM")
    void configurableToleranceCM() {
        podMetric(new HpaReplicaCalculator(TOLERANCE, .01), 3, 3, null, l(20000, 21000, 21000), 20000, 4, 20666);
    }

    /** An Object or External metric with a {@code Value} target: replicas, then usage. */
    private static void value(HpaReplicaCalculator calc, int current, long target, long usage, int readyPods, int expected) {
        assertThat(calc.valueReplicas(current, target, usage, current, readyPods)).as("replicas").isEqualTo(expected);
        assertThat(calc.utilization()).as("usage").isEqualTo(usage);
    }

    /** An Object or External metric with an {@code AverageValue} target: replicas, then usage per pod. */
    private static void averageValue(HpaReplicaCalculator calc, int statusReplicas, long target, long usage, int expected,
                                     long expectedUsage) {
        assertThat(calc.averageValueReplicas(statusReplicas, target, usage)).as("replicas").isEqualTo(expected);
        assertThat(calc.utilization()).as("usage").isEqualTo(expectedUsage);
    }

    private static final HpaReplicaCalculator DEFAULT = new HpaReplicaCalculator(TOLERANCE);
    private static final HpaReplicaCalculator UP_ONE_PERCENT = new HpaReplicaCalculator(TOLERANCE, .01);

    @Test
    @DisplayName("TestReplicaCalcScaleUpCMObject")
    void scaleUpCMObject() {
        value(DEFAULT, 3, 15000, 20000, 3, 4);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleUpCMPerPodObject")
    void scaleUpCMPerPodObject() {
        averageValue(DEFAULT, 3, 5000, 20000, 4, 6667);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleUpCMObjectIgnoresUnreadyPods")
    void scaleUpCMObjectIgnoresUnreadyPods() {
        // readiness False, True, False: one ready pod (15 replicas if unready pods counted)
        value(DEFAULT, 3, 10000, 50000, 1, 5);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleUpCMExternalIgnoresUnreadyPods")
    void scaleUpCMExternalIgnoresUnreadyPods() {
        value(DEFAULT, 3, 4400, 8600, 1, 2);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleUpPerPodCMExternal")
    void scaleUpPerPodCMExternal() {
        averageValue(DEFAULT, 3, 2150, 8600, 4, 2867);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleDownPerPodCMObject")
    void scaleDownPerPodCMObject() {
        averageValue(DEFAULT, 5, 2000, 6000, 3, 1200);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleDownCMObject")
    void scaleDownCMObject() {
        value(DEFAULT, 5, 20000, 12000, 5, 3);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleDownCMExternal")
    void scaleDownCMExternal() {
        value(DEFAULT, 5, 14334, 8600, 5, 3);
    }

    @Test
    @DisplayName("TestReplicaCalcScaleDownPerPodCMExternal")
    void scaleDownPerPodCMExternal() {
        averageValue(DEFAULT, 5, 2867, 8600, 3, 1720);
    }

    @Test
    @DisplayName("TestReplicaCalcToleranceCMObject")
    void toleranceCMObject() {
        value(DEFAULT, 3, 20000, 20666, 3, 3);
    }

    @Test
    @DisplayName("TestReplicaCalcTolerancePerPodCMObject")
    void tolerancePerPodCMObject() {
        averageValue(DEFAULT, 4, 5000, 20166, 4, 5042);
    }

    @Test
    @DisplayName("TestReplicaCalcToleranceCMExternal")
    void toleranceCMExternal() {
        value(DEFAULT, 3, 8888, 8600, 3, 3);
    }

    @Test
    @DisplayName("TestReplicaCalcTolerancePerPodCMExternal")
    void tolerancePerPodCMExternal() {
        averageValue(DEFAULT, 3, 2900, 8600, 3, 2867);
    }

    @Test
    @DisplayName("TestReplicaCalcConfigurableToleranceCMObject")
    void configurableToleranceCMObject() {
        value(UP_ONE_PERCENT, 3, 20000, 20666, 3, 4);
    }

    @Test
    @DisplayName("TestReplicaCalcConfigurableTolerancePerPodCMObject")
    void configurableTolerancePerPodCMObject() {
        averageValue(UP_ONE_PERCENT, 4, 5000, 20208, 5, 5052);
    }

    @Test
    @DisplayName("TestReplicaCalcConfigurableToleranceCMExternal")
    void configurableToleranceCMExternal() {
        value(UP_ONE_PERCENT, 3, 8800, 8900, 3, 4);
    }

    @Test
    @DisplayName("TestReplicaCalcConfigurableTolerancePerPodCMExternal")
    void configurableTolerancePerPodCMExternal() {
        averageValue(UP_ONE_PERCENT, 3, 2800, 8600, 4, 2867);
    }

    @Test
    @DisplayName("from zero replicas: an External AverageValue metric gives ceil(usage / target), a Value metric ceil(ratio)")
    void fromZero() {
        averageValue(DEFAULT, 0, 10000, 33000, 4, 33000);
        averageValue(DEFAULT, 0, 10000, 0, 0, 0);
        value(DEFAULT, 0, 10000, 10500, 0, 2);
    }
}
