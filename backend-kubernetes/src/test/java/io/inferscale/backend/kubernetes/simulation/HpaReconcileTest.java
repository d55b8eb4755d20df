package io.inferscale.backend.kubernetes.simulation;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.ScalingBehavior;
import io.inferscale.api.ScalingPolicy;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.ModelSettings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Controller-level cases of upstream {@code horizontal_test.go} (one reconcile of one HPA), with upstream's names,
 * inputs and expected desired replicas. Each pod reports {@code reportedLevels[i]} milli-units against a request of
 * {@code reportedCPURequests[i]}; metric proposals come from the general {@link HpaReplicaCalculator}, the rest
 * from {@link HpaAutoscalerModel#reconcile}. Upstream's test setup raises {@code scaleUpLimitFactor} to 8.
 * {@code Object} and {@code External} proposals come from {@link HpaReplicaCalculator#valueReplicas} and
 * {@link HpaReplicaCalculator#averageValueReplicas} with upstream's levels. A test whose upstream
 * {@code recommendations} is an empty list starts the history empty ({@link HpaScaleNormalizer#startHistory()});
 * one without records the current count first, as upstream's {@code recordInitialRecommendation}.
 * Not ported: cases about the scale target's kind (Deployment/ReplicaSet give the same arithmetic), container
 * resources, conditions and events, and the controller's API plumbing.
 *
 * <p>Upstream revision: {@value HpaSettings#UPSTREAM_REVISION}.
 */
class HpaReconcileTest {

    static final long NOW = 100_000_000L;
    static final double TOLERANCE = 0.1;

    static HpaAutoscalerModel model(int min, int max, TargetType... targets) {
        AutoscalingPolicy.Builder p = AutoscalingPolicy.builder().minReplicas(min).maxReplicas(max);
        for (TargetType t : targets) {
            p.target(t, 1);
        }
        InferenceEndpoint e = InferenceEndpoint.builder("test-hpa").model(ModelSpec.builder("m").version("v1").build())
                .resources(Resources.of(ResourceList.of("1", "1Gi"), ResourceList.empty())).autoscaling(p.build()).build();
        return new HpaAutoscalerModel(e, HpaSettings.from(ModelSettings.of(Map.of("kubernetes.scaleUpLimitFactor", "8"))));
    }

    static int cpu(int current, int target, long[] levels, long[] requests) {
        HpaPods pods = new HpaPods();
        for (int i = 0; i < requests.length; i++) {
            pods.add(1, HpaPods.Phase.RUNNING, true, false, false, false, requests[i], i < levels.length ? levels[i] : null);
        }
        return new HpaReplicaCalculator(TOLERANCE).resourceReplicas(current, target, true, pods);
    }

    static int podsMetric(int current, long targetMilli, long[] levels) {
        HpaPods pods = new HpaPods();
        for (long level : levels) {
            pods.add(1, HpaPods.Phase.RUNNING, true, false, false, false, 1000, level);
        }
        return new HpaReplicaCalculator(TOLERANCE).metricReplicas(current, targetMilli, pods);
    }

    static long[] l(long... v) {
        return v;
    }

    @Test
    @DisplayName("TestScaleUpRCImmediately")
    void scaleUpRCImmediately() {
        assertThat(model(2, 6, TargetType.CPU_UTILIZATION).reconcile(NOW, 1, -1, 0)).isEqualTo(2);
    }

    @Test
    @DisplayName("TestScaleDownRCImmediately")
    void scaleDownRCImmediately() {
        assertThat(model(2, 5, TargetType.CPU_UTILIZATION).reconcile(NOW, 6, -1, 0)).isEqualTo(5);
    }

    @Test
    @DisplayName("TestStabilizeDownscale")
    void stabilizeDownscale() {
        HpaAutoscalerModel m = model(1, 5, TargetType.CPU_UTILIZATION);
        m.normalizer().addRecommendation(NOW - 10 * 60_000, 10);
        m.normalizer().addRecommendation(NOW - 60_000, 4);
        int proposal = cpu(4, 100, l(50, 50, 50), l(100, 100, 100));
        assertThat(proposal).isEqualTo(2);
        assertThat(m.reconcile(NOW, 4, proposal, 0)).isEqualTo(4);
    }

    @Test
    @DisplayName("TestNoBackoffUpscaleCM")
    void noBackoffUpscaleCM() {
        HpaAutoscalerModel m = model(1, 5, TargetType.REQUESTS_PER_SECOND);
        assertThat(m.reconcile(NOW, 3, podsMetric(3, 15_000, l(20000, 10000, 30000)), 0)).isEqualTo(4);
    }

    @Test
    @DisplayName("TestNoBackoffUpscaleCMNoBackoffCpu")
    void noBackoffUpscaleCMNoBackoffCpu() {
        HpaAutoscalerModel m = model(1, 5, TargetType.CPU_UTILIZATION, TargetType.REQUESTS_PER_SECOND);
        int byCpu = cpu(3, 10, l(20000, 10000, 30000), l(1000, 1000, 1000));
        int byQps = podsMetric(3, 15_000, l(20000, 10000, 30000));
        assertThat(m.reconcile(NOW, 3, Math.max(byCpu, byQps), 0)).isEqualTo(5);
        assertThat(m.normalizer().lastCondition()).isEqualTo("TooManyReplicas");
    }

    @Test
    @DisplayName("TestComputedToleranceAlgImplementation")
    void computedToleranceAlgImplementation() {
        int startPods = 10;
        long totalUsed = startPods * 150L;
        int totalRequested = (int) (2 * totalUsed);
        double requestedToUsed = (double) (totalRequested / (int) totalUsed);
        int perPodRequested = totalRequested / startPods;
        double target = Math.abs(1 / (requestedToUsed * (1 - TOLERANCE))) + .01;
        double resourcesUsedRatio = (double) totalUsed / ((double) totalRequested * target);
        int finalPods = (int) Math.ceil(resourcesUsedRatio * startPods);
        long[] levels = new long[10];
        java.util.Arrays.fill(levels, totalUsed / 10);
        long[] requests = {perPodRequested + 100, perPodRequested - 100, perPodRequested + 10, perPodRequested - 10,
            perPodRequested + 2, perPodRequested - 2, perPodRequested + 1, perPodRequested - 1, perPodRequested, perPodRequested};

        HpaAutoscalerModel tc1 = model(0, 1000, TargetType.CPU_UTILIZATION);
        tc1.normalizer().startHistory();
        assertThat(tc1.reconcile(NOW, startPods, cpu(startPods, (int) (target * 100), levels, requests), 0)).isEqualTo(finalPods);

        target = Math.abs(1 / (requestedToUsed * (1 - TOLERANCE))) + .004;
        HpaAutoscalerModel tc2 = model(0, 1000, TargetType.CPU_UTILIZATION);
        tc2.normalizer().startHistory();
        assertThat(tc2.reconcile(NOW, startPods, cpu(startPods, (int) (target * 100), levels, requests), 0)).isEqualTo(startPods);
    }

    @Test
    @DisplayName("TestNoScaleDownOneMetricInvalid")
    void noScaleDownOneMetricInvalid() {
        HpaAutoscalerModel m = model(2, 6, TargetType.CPU_UTILIZATION, TargetType.REQUESTS_PER_SECOND);
        m.normalizer().startHistory();
        int byCpu = cpu(5, 50, l(100, 300, 500, 250, 250), l(1000, 1000, 1000, 1000, 1000));
        assertThat(byCpu).isEqualTo(3);
        assertThat(m.reconcile(NOW, 5, byCpu, 1)).isEqualTo(5);
    }

    @Test
    @DisplayName("TestScaleUpOneMetricEmpty")
    void scaleUpOneMetricEmpty() {
        HpaAutoscalerModel m = model(2, 6, TargetType.CPU_UTILIZATION, TargetType.REQUESTS_PER_SECOND);
        int byCpu = cpu(3, 30, l(300, 400, 500), l(1000, 1000, 1000));
        assertThat(m.reconcile(NOW, 3, byCpu, 1)).isEqualTo(4);
    }

    /** Pods for a CPU case, one per entry of {@code requests}: readiness, hot (in the CPU initialization period without a fresh sample), phase, deletion. */
    static final class Cpu {
        final long[] levels;
        final long[] requests;
        String[] readiness;
        boolean[] hot;
        String[] phase;
        boolean[] deleted;

        Cpu(long[] levels, long... requests) {
            this.levels = levels;
            this.requests = requests;
        }

        Cpu readiness(String... r) {
            readiness = r;
            return this;
        }

        Cpu hot(boolean... h) {
            hot = h;
            return this;
        }

        Cpu phase(String... p) {
            phase = p;
            return this;
        }

        Cpu deleted(boolean... d) {
            deleted = d;
            return this;
        }

        /** The proposal, or -1 when upstream fails to compute it. */
        int replicas(int current, int target) {
            HpaPods pods = new HpaPods();
            for (int i = 0; i < requests.length; i++) {
                pods.add(1, phase == null ? HpaPods.Phase.RUNNING : HpaPods.Phase.valueOf(phase[i].toUpperCase()),
                        readiness == null || readiness[i].equals("True"), deleted != null && deleted[i], hot != null && hot[i], false,
                        requests[i], i < levels.length ? levels[i] : null);
            }
            try {
                return new HpaReplicaCalculator(TOLERANCE).resourceReplicas(current, target, true, pods);
            } catch (HpaCalculationException e) {
                return -1;
            }
        }
    }

    static long[] ones(int n) {
        long[] r = new long[n];
        java.util.Arrays.fill(r, 1000);
        return r;
    }

    static final long[] UNEVEN = {900, 1000, 1100};
    static final HpaReplicaCalculator CALC = new HpaReplicaCalculator(TOLERANCE);

    /** One reconcile with one metric: an empty recommendation history when {@code emptyHistory}. */
    static int reconcile(int min, int max, int current, int proposal, boolean emptyHistory) {
        HpaAutoscalerModel m = model(min, max, TargetType.CPU_UTILIZATION);
        if (emptyHistory) {
            m.normalizer().startHistory();
        }
        return m.reconcile(NOW, current, proposal, proposal < 0 ? 1 : 0);
    }

    @Test
    @DisplayName("TestScaleUp")
    void scaleUp() {
        assertThat(reconcile(2, 6, 3, new Cpu(l(300, 500, 700), ones(3)).replicas(3, 30), false)).isEqualTo(5);
    }

    @Test
    @DisplayName("TestScaleUpUnreadyLessScale")
    void scaleUpUnreadyLessScale() {
        assertThat(reconcile(2, 6, 3, new Cpu(l(300, 500, 700), ones(3)).readiness("False", "True", "True").replicas(3, 30), false))
                .isEqualTo(4);
    }

    @Test
    @DisplayName("TestScaleUpHotCpuLessScale")
    void scaleUpHotCpuLessScale() {
        assertThat(reconcile(2, 6, 3, new Cpu(l(300, 500, 700), ones(3)).hot(true, false, false).replicas(3, 30), false)).isEqualTo(4);
    }

    @Test
    @DisplayName("TestScaleUpUnreadyNoScale")
    void scaleUpUnreadyNoScale() {
        assertThat(reconcile(2, 6, 3, new Cpu(l(400, 500, 700), ones(3)).readiness("True", "False", "False").replicas(3, 30), false))
                .isEqualTo(3);
    }

    @Test
    @DisplayName("TestScaleUpHotCpuNoScale")
    void scaleUpHotCpuNoScale() {
        assertThat(reconcile(2, 6, 3, new Cpu(l(400, 500, 700), ones(3)).readiness("True", "False", "False").hot(false, true, true)
                .replicas(3, 30), false)).isEqualTo(3);
    }

    @Test
    @DisplayName("TestScaleUpIgnoresFailedPods")
    void scaleUpIgnoresFailedPods() {
        assertThat(reconcile(2, 6, 2, new Cpu(l(500, 700), ones(4)).readiness("True", "True", "False", "False")
                .phase("Running", "Running", "Failed", "Failed").replicas(2, 30), false)).isEqualTo(4);
    }

    @Test
    @DisplayName("TestScaleUpIgnoresDeletionPods")
    void scaleUpIgnoresDeletionPods() {
        assertThat(reconcile(2, 6, 2, new Cpu(l(500, 700), ones(4)).readiness("True", "True", "False", "False")
                .deleted(false, false, true, true).replicas(2, 30), false)).isEqualTo(4);
    }

    @Test
    @DisplayName("TestScaleUpCM")
    void scaleUpCM() {
        assertThat(reconcile(2, 6, 3, podsMetric(3, 15_000, l(20000, 10000, 30000)), false)).isEqualTo(4);
    }

    @Test
    @DisplayName("TestScaleUpCMUnreadyAndHotCpuNoLessScale")
    void scaleUpCMUnreadyAndHotCpuNoLessScale() {
        // readiness does not matter for a Pods metric: the unready pod's 30 counts
        assertThat(reconcile(2, 6, 3, podsMetric(3, 15_000, l(50000, 10000, 30000)), false)).isEqualTo(6);
    }

    @Test
    @DisplayName("TestScaleUpCMUnreadyandCpuHot")
    void scaleUpCMUnreadyandCpuHot() {
        HpaAutoscalerModel m = model(2, 6, TargetType.REQUESTS_PER_SECOND);
        assertThat(m.reconcile(NOW, 3, podsMetric(3, 15_000, l(50000, 15000, 30000)), 0)).isEqualTo(6);
        assertThat(m.normalizer().lastCondition()).isEqualTo("TooManyReplicas");
    }

    @Test
    @DisplayName("TestScaleUpHotCpuNoScaleWouldScaleDown")
    void scaleUpHotCpuNoScaleWouldScaleDown() {
        HpaAutoscalerModel m = model(2, 6, TargetType.REQUESTS_PER_SECOND);
        assertThat(m.reconcile(NOW, 3, podsMetric(3, 15_000, l(50000, 15000, 30000)), 0)).isEqualTo(6);
        assertThat(m.normalizer().lastCondition()).isEqualTo("TooManyReplicas");
    }

    @Test
    @DisplayName("TestScaleUpCMObject")
    void scaleUpCMObject() {
        assertThat(reconcile(2, 6, 3, CALC.valueReplicas(3, 15_000, 20_000, 3, 3), false)).isEqualTo(4);
    }

    @Test
    @DisplayName("TestScaleUpFromZeroCMObject")
    void scaleUpFromZeroCMObject() {
        assertThat(reconcile(0, 6, 0, CALC.valueReplicas(0, 15_000, 20_000, 0, 0), false)).isEqualTo(2);
    }

    @Test
    @DisplayName("TestScaleUpFromZeroIgnoresToleranceCMObject")
    void scaleUpFromZeroIgnoresToleranceCMObject() {
        assertThat(reconcile(0, 6, 0, CALC.valueReplicas(0, 1000, 1000, 0, 0), false)).isEqualTo(1);
    }

    @Test
    @DisplayName("TestScaleUpPerPodCMObject")
    void scaleUpPerPodCMObject() {
        assertThat(reconcile(2, 6, 3, CALC.averageValueReplicas(3, 10_000, 40_000), false)).isEqualTo(4);
    }

    @Test
    @DisplayName("TestScaleUpCMExternal")
    void scaleUpCMExternal() {
        assertThat(reconcile(2, 6, 3, CALC.valueReplicas(3, 6666, 8600, 3, 3), false)).isEqualTo(4);
    }

    @Test
    @DisplayName("TestScaleUpPerPodCMExternal")
    void scaleUpPerPodCMExternal() {
        assertThat(reconcile(2, 6, 3, CALC.averageValueReplicas(3, 2222, 8600), false)).isEqualTo(4);
    }

    @Test
    @DisplayName("TestScaleDown")
    void scaleDown() {
        assertThat(reconcile(2, 6, 5, new Cpu(l(100, 300, 500, 250, 250), ones(5)).replicas(5, 50), true)).isEqualTo(3);
    }

    @Test
    @DisplayName("TestScaleDownWithScalingRules")
    void scaleDownWithScalingRules() {
        // scaleUpRules: generateScalingRules(0, 0, 100, 15, 30): Percent 100 per 15 s, a 30 s window; default scale-down rules
        AutoscalingPolicy p = AutoscalingPolicy.builder().minReplicas(2).maxReplicas(6).target(TargetType.CPU_UTILIZATION, 50)
                .behavior(ScalingBehavior.of(ScalingRules.of(30, List.of(new ScalingPolicy(ScalingPolicy.Type.PERCENT, 100, 15)), null), null))
                .build();
        InferenceEndpoint e = InferenceEndpoint.builder("test-hpa").model(ModelSpec.builder("m").version("v1").build())
                .resources(Resources.of(ResourceList.of("1", "1Gi"), ResourceList.empty())).autoscaling(p).build();
        HpaAutoscalerModel m = new HpaAutoscalerModel(e, HpaSettings.defaults());
        m.normalizer().startHistory();
        assertThat(m.reconcile(NOW, 5, new Cpu(l(100, 300, 500, 250, 250), ones(5)).replicas(5, 50), 0)).isEqualTo(3);
    }

    @Test
    @DisplayName("TestScaleUpOneMetricInvalid")
    void scaleUpOneMetricInvalid() {
        HpaAutoscalerModel m = model(2, 6, TargetType.CPU_UTILIZATION, TargetType.REQUESTS_PER_SECOND);
        assertThat(m.reconcile(NOW, 3, new Cpu(l(300, 400, 500), ones(3)).replicas(3, 30), 1)).isEqualTo(4);
    }

    @Test
    @DisplayName("TestScaleUpFromZeroOneMetricInvalid")
    void scaleUpFromZeroOneMetricInvalid() {
        HpaAutoscalerModel m = model(0, 6, TargetType.CPU_UTILIZATION, TargetType.REQUESTS_PER_SECOND);
        m.normalizer().startHistory();
        assertThat(m.reconcile(NOW, 0, new Cpu(l(300, 400, 500), ones(3)).replicas(0, 30), 1)).isEqualTo(4);
    }

    @Test
    @DisplayName("TestScaleUpBothMetricsEmpty")
    void scaleUpBothMetricsEmpty() {
        assertThat(reconcile(2, 6, 3, -1, false)).isEqualTo(3);
    }

    @Test
    @DisplayName("TestScaleDownStabilizeInitialSize")
    void scaleDownStabilizeInitialSize() {
        assertThat(reconcile(2, 6, 5, new Cpu(l(100, 300, 500, 250, 250), ones(5)).replicas(5, 50), false)).isEqualTo(5);
    }

    @Test
    @DisplayName("TestScaleDownCM")
    void scaleDownCM() {
        assertThat(reconcile(2, 6, 5, podsMetric(5, 20_000, l(12000, 12000, 12000, 12000, 12000)), true)).isEqualTo(3);
    }

    @Test
    @DisplayName("TestScaleDownCMObject")
    void scaleDownCMObject() {
        assertThat(reconcile(2, 6, 5, CALC.valueReplicas(5, 20_000, 12_000, 5, 5), true)).isEqualTo(3);
    }

    @Test
    @DisplayName("TestScaleDownToZeroCMObject")
    void scaleDownToZeroCMObject() {
        assertThat(reconcile(0, 6, 5, CALC.valueReplicas(5, 20_000, 0, 5, 5), true)).isZero();
    }

    @Test
    @DisplayName("TestScaleDownPerPodCMObject")
    void scaleDownPerPodCMObject() {
        assertThat(reconcile(2, 6, 5, CALC.averageValueReplicas(5, 20_000, 60_000), true)).isEqualTo(3);
    }

    @Test
    @DisplayName("TestScaleDownCMExternal")
    void scaleDownCMExternal() {
        assertThat(reconcile(2, 6, 5, CALC.valueReplicas(5, 14_400, 8600, 5, 5), true)).isEqualTo(3);
    }

    @Test
    @DisplayName("TestScaleDownToZeroCMExternal")
    void scaleDownToZeroCMExternal() {
        assertThat(reconcile(0, 6, 5, CALC.valueReplicas(5, 14_400, 0, 5, 5), true)).isZero();
    }

    @Test
    @DisplayName("TestScaleDownPerPodCMExternal")
    void scaleDownPerPodCMExternal() {
        assertThat(reconcile(2, 6, 5, CALC.averageValueReplicas(5, 3000, 8600), true)).isEqualTo(3);
    }

    @Test
    @DisplayName("TestScaleDownIncludeUnreadyPods")
    void scaleDownIncludeUnreadyPods() {
        assertThat(reconcile(2, 6, 5, new Cpu(l(100, 300, 500, 250, 250), ones(5)).readiness("True", "True", "True", "False", "False")
                .replicas(5, 50), true)).isEqualTo(2);
    }

    @Test
    @DisplayName("TestScaleDownIgnoreHotCpuPods")
    void scaleDownIgnoreHotCpuPods() {
        assertThat(reconcile(2, 6, 5, new Cpu(l(100, 300, 500, 250, 250), ones(5)).hot(false, false, false, true, true)
                .replicas(5, 50), true)).isEqualTo(2);
    }

    @Test
    @DisplayName("TestScaleDownIgnoresFailedPods")
    void scaleDownIgnoresFailedPods() {
        assertThat(reconcile(2, 6, 5, new Cpu(l(100, 300, 500, 250, 250), ones(7))
                .readiness("True", "True", "True", "True", "True", "False", "False")
                .phase("Running", "Running", "Running", "Running", "Running", "Failed", "Failed").replicas(5, 50), true)).isEqualTo(3);
    }

    @Test
    @DisplayName("TestScaleDownIgnoresDeletionPods")
    void scaleDownIgnoresDeletionPods() {
        assertThat(reconcile(2, 6, 5, new Cpu(l(100, 300, 500, 250, 250), ones(7))
                .readiness("True", "True", "True", "True", "True", "False", "False")
                .deleted(false, false, false, false, false, true, true).replicas(5, 50), true)).isEqualTo(3);
    }

    @Test
    @DisplayName("TestTolerance")
    void tolerance() {
        assertThat(reconcile(1, 5, 3, new Cpu(l(1010, 1030, 1020), UNEVEN).replicas(3, 100), false)).isEqualTo(3);
    }

    @Test
    @DisplayName("TestToleranceCM")
    void toleranceCM() {
        assertThat(reconcile(1, 5, 3, podsMetric(3, 20_000, l(20000, 20001, 21000)), false)).isEqualTo(3);
    }

    @Test
    @DisplayName("TestToleranceCMObject")
    void toleranceCMObject() {
        assertThat(reconcile(1, 5, 3, CALC.valueReplicas(3, 20_000, 20_050, 3, 3), false)).isEqualTo(3);
    }

    @Test
    @DisplayName("TestToleranceCMExternal")
    void toleranceCMExternal() {
        assertThat(reconcile(2, 6, 4, CALC.valueReplicas(4, 8666, 8600, 4, 4), false)).isEqualTo(4);
    }

    @Test
    @DisplayName("TestTolerancePerPodCMObject")
    void tolerancePerPodCMObject() {
        assertThat(reconcile(2, 6, 4, CALC.averageValueReplicas(4, 2200, 8600), false)).isEqualTo(4);
    }

    @Test
    @DisplayName("TestTolerancePerPodCMExternal")
    void tolerancePerPodCMExternal() {
        assertThat(reconcile(2, 6, 4, CALC.averageValueReplicas(4, 2200, 8600), false)).isEqualTo(4);
    }

    @Test
    @DisplayName("TestMinReplicas")
    void minReplicas() {
        HpaAutoscalerModel m = model(2, 5, TargetType.CPU_UTILIZATION);
        m.normalizer().startHistory();
        assertThat(m.reconcile(NOW, 3, new Cpu(l(10, 95, 10), UNEVEN).replicas(3, 90), 0)).isEqualTo(2);
        assertThat(m.normalizer().lastCondition()).isEqualTo("TooFewReplicas");
    }

    @Test
    @DisplayName("TestZeroMinReplicasDesiredZero")
    void zeroMinReplicasDesiredZero() {
        HpaAutoscalerModel m = model(0, 5, TargetType.CPU_UTILIZATION);
        m.normalizer().startHistory();
        assertThat(m.reconcile(NOW, 3, new Cpu(l(0, 0, 0), UNEVEN).replicas(3, 90), 0)).isZero();
        assertThat(m.normalizer().lastCondition()).isEqualTo("DesiredWithinRange");
    }

    @Test
    @DisplayName("TestMinReplicasDesiredZero")
    void minReplicasDesiredZero() {
        HpaAutoscalerModel m = model(2, 5, TargetType.CPU_UTILIZATION);
        m.normalizer().startHistory();
        assertThat(m.reconcile(NOW, 3, new Cpu(l(0, 0, 0), UNEVEN).replicas(3, 90), 0)).isEqualTo(2);
        assertThat(m.normalizer().lastCondition()).isEqualTo("TooFewReplicas");
    }

    @Test
    @DisplayName("TestZeroReplicas")
    void zeroReplicas() {
        // scaling is disabled while the target has 0 replicas and minReplicas is not 0
        assertThat(reconcile(3, 5, 0, -1, false)).isZero();
    }

    @Test
    @DisplayName("TestTooFewReplicas")
    void tooFewReplicas() {
        assertThat(reconcile(3, 5, 2, -1, false)).isEqualTo(3);
    }

    @Test
    @DisplayName("TestTooManyReplicas")
    void tooManyReplicas() {
        assertThat(reconcile(3, 5, 10, -1, false)).isEqualTo(5);
    }

    @Test
    @DisplayName("TestMaxReplicas")
    void maxReplicas() {
        HpaAutoscalerModel m = model(2, 5, TargetType.CPU_UTILIZATION);
        assertThat(m.reconcile(NOW, 3, new Cpu(l(8000, 9500, 1000), UNEVEN).replicas(3, 90), 0)).isEqualTo(5);
        assertThat(m.normalizer().lastCondition()).isEqualTo("TooManyReplicas");
    }

    @Test
    @DisplayName("TestSuperfluousMetrics")
    void superfluousMetrics() {
        HpaPods pods = new HpaPods();
        long[] levels = {4000, 9500, 3000, 7000, 3200, 2000};
        for (int i = 0; i < 4; i++) {
            pods.add(1, HpaPods.Phase.RUNNING, true, false, false, false, 1000, levels[i]);
        }
        pods.addOrphanMetric(3200).addOrphanMetric(2000);
        HpaAutoscalerModel m = model(2, 6, TargetType.CPU_UTILIZATION);
        assertThat(m.reconcile(NOW, 4, CALC.resourceReplicas(4, 100, true, pods), 0)).isEqualTo(6);
        assertThat(m.normalizer().lastCondition()).isEqualTo("TooManyReplicas");
    }

    @Test
    @DisplayName("TestMissingMetrics")
    void missingMetrics() {
        assertThat(reconcile(2, 6, 4, new Cpu(l(400, 95), ones(4)).replicas(4, 100), true)).isEqualTo(3);
    }

    @Test
    @DisplayName("TestEmptyMetrics")
    void emptyMetrics() {
        int proposal = new Cpu(l(), ones(4)).replicas(4, 100);
        assertThat(proposal).isEqualTo(-1);
        assertThat(reconcile(2, 6, 4, proposal, false)).isEqualTo(4);
    }

    @Test
    @DisplayName("TestEmptyCPURequest")
    void emptyCpuRequest() {
        HpaPods pods = new HpaPods().add(1, HpaPods.Phase.RUNNING, true, false, false, false, -1, 200L);
        assertThatThrownBy(() -> CALC.resourceReplicas(1, 100, true, pods)).hasMessageContaining("missing request for");
        assertThat(reconcile(1, 5, 1, -1, false)).isEqualTo(1);
    }
}
