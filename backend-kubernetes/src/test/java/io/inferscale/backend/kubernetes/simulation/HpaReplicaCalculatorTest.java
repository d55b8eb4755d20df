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
 * metric cases are not ported: no neutral target uses them.
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
            HpaReplicaCalculator calc = new HpaReplicaCalculator(TOLERANCE);
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
        HpaPods pods = new HpaPods();
        for (int i = 0; i < currentReplicas; i++) {
            boolean ready = readiness == null || readiness[i].equals("True");
            pods.add(1, HpaPods.Phase.RUNNING, ready, false, false, false, 0, i < levels.length ? levels[i] : null);
        }
        HpaReplicaCalculator calc = new HpaReplicaCalculator(TOLERANCE);
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
}
