package io.inferscale.backend.kubernetes.simulation;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's allocation-free fast path ({@code uniform*Replicas}) against the general, upstream-tested
 * calculation on the same pods, over many random inputs: same replicas, same utilization, same failures.
 */
class HpaUniformPathTest {

    @Test
    @DisplayName("uniformResourceReplicas equals resourceReplicas for ready, unfresh, pending and missing pods")
    void resourceEquivalence() {
        Random random = new Random(7);
        HpaReplicaCalculator general = new HpaReplicaCalculator(0.1);
        HpaReplicaCalculator fast = new HpaReplicaCalculator(0.1);
        for (int round = 0; round < 20_000; round++) {
            int counted = random.nextInt(6);
            int unfresh = random.nextInt(3);
            int pending = random.nextInt(4);
            int missing = random.nextInt(3);
            if (counted + unfresh + pending + missing == 0) {
                continue;
            }
            int current = counted + unfresh + pending + missing;
            long request = 100 + random.nextInt(2000);
            long value = random.nextInt(4000);
            int target = 1 + random.nextInt(300);
            HpaPods pods = new HpaPods();
            if (counted > 0) {
                pods.addPods(counted, HpaPods.Phase.RUNNING, true, false, true, request, true, value);
            }
            if (unfresh > 0) {
                pods.addPods(unfresh, HpaPods.Phase.RUNNING, true, true, false, request, true, value);
            }
            if (pending > 0) {
                pods.addPods(pending, HpaPods.Phase.PENDING, false, true, false, request, false, 0);
            }
            if (missing > 0) {
                pods.addPods(missing, HpaPods.Phase.RUNNING, false, true, false, request, false, 0);
            }
            int expected;
            try {
                expected = general.resourceReplicas(current, target, true, pods);
            } catch (HpaCalculationException e) {
                expected = -1;
            }
            int actual = fast.uniformResourceReplicas(current, target, counted, unfresh + pending, missing, request, value);
            assertThat(actual).as("round %d: %d counted, %d unfresh, %d pending, %d missing, request %d, value %d, target %d", round,
                    counted, unfresh, pending, missing, request, value, target).isEqualTo(expected);
            if (expected >= 0) {
                assertThat(fast.utilization()).isEqualTo(general.utilization());
            }
        }
    }

    @Test
    @DisplayName("uniformMetricReplicas equals metricReplicas for ready, pending and missing pods")
    void metricEquivalence() {
        Random random = new Random(11);
        HpaReplicaCalculator general = new HpaReplicaCalculator(0.1);
        HpaReplicaCalculator fast = new HpaReplicaCalculator(0.1);
        for (int round = 0; round < 20_000; round++) {
            int counted = random.nextInt(6);
            int pending = random.nextInt(4);
            int missing = random.nextInt(3);
            if (counted + pending + missing == 0) {
                continue;
            }
            int current = counted + pending + missing;
            long value = random.nextInt(50_000);
            long target = 1 + random.nextInt(30_000);
            HpaPods pods = new HpaPods();
            if (counted > 0) {
                pods.addPods(counted, HpaPods.Phase.RUNNING, true, false, true, 0, true, value);
            }
            if (pending > 0) {
                pods.addPods(pending, HpaPods.Phase.PENDING, false, false, false, 0, false, 0);
            }
            if (missing > 0) {
                pods.addPods(missing, HpaPods.Phase.RUNNING, false, false, false, 0, false, 0);
            }
            int expected;
            try {
                expected = general.metricReplicas(current, target, pods);
            } catch (HpaCalculationException e) {
                expected = -1;
            }
            assertThat(fast.uniformMetricReplicas(current, target, counted, pending, missing, value)).as("round %d", round).isEqualTo(expected);
        }
    }
}
