package io.inferscale.backend.kubernetes.simulation;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.ModelSettings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Controller-level cases of upstream {@code horizontal_test.go} (one reconcile of one HPA), with upstream's names,
 * inputs and expected desired replicas. Each pod reports {@code reportedLevels[i]} milli-units against a request of
 * {@code reportedCPURequests[i]}; metric proposals come from the general {@link HpaReplicaCalculator}, the rest
 * from {@link HpaAutoscalerModel#reconcile}. Upstream's test setup raises {@code scaleUpLimitFactor} to 8.
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
}
