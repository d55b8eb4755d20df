package io.inferscale.backend.kubernetes.simulation;

import io.inferscale.api.ScalingPolicy;
import io.inferscale.api.SelectPolicy;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upstream's rate-limit and stabilization cases from {@code pkg/controller/podautoscaler/horizontal_test.go}
 * ({@code TestConvertDesiredReplicasWithRules}, {@code TestScalingWithRules}, {@code TestNormalizeDesiredReplicas},
 * {@code TestNormalizeDesiredReplicasWithBehavior}, {@code TestStoreScaleEvents},
 * {@code TestCalculateScaleUpLimitWithScalingRules}, {@code TestCalculateScaleDownLimitWithBehaviors}), case by
 * case with upstream's names, inputs and expected replicas and conditions. Times are relative to a fixed "now".
 *
 * <p>Upstream revision: {@value HpaSettings#UPSTREAM_REVISION}.
 */
class HpaScaleNormalizerTest {

    static final long NOW = 100_000_000L;
    static final long MINUTE = 60_000L;

    /** Upstream's test {@code init()} sets {@code scaleUpLimitFactor = 8}. */
    static HpaScaleNormalizer controller() {
        return new HpaScaleNormalizer(5 * MINUTE, 8, 4);
    }

    /** {@code generateScalingRules(pods, podsPeriod, percent, percentPeriod, stabilizationWindow)}. */
    static HpaScalingRules rules(int pods, int podsPeriod, int percent, int percentPeriod, int window) {
        List<ScalingPolicy> p = new ArrayList<>();
        if (pods != 0) {
            p.add(new ScalingPolicy(ScalingPolicy.Type.PODS, pods, podsPeriod));
        }
        if (percent != 0) {
            p.add(new ScalingPolicy(ScalingPolicy.Type.PERCENT, percent, percentPeriod));
        }
        return HpaScalingRules.of(window, SelectPolicy.MAX, p);
    }

    /** {@code generateEventsUniformDistribution(rawEvents, periodSeconds)}: events centred in equal segments before now. */
    static long[][] events(int[] raw, int periodSeconds) {
        long[][] out = new long[raw.length][];
        double segment = (double) periodSeconds / raw.length;
        for (int i = 0; i < raw.length; i++) {
            double boundary = periodSeconds - segment * (i + 1) + segment / 2;
            out[i] = new long[] {NOW - Math.round(boundary * 1000), raw[i]};
        }
        return out;
    }

    @Nested
    @DisplayName("TestConvertDesiredReplicasWithRules")
    class ConvertDesiredReplicasWithRules {
        @ParameterizedTest(name = "{5}")
        @MethodSource("io.inferscale.backend.kubernetes.simulation.HpaScaleNormalizerTest#convertCases")
        void convert(int current, int desired, int min, int max, int expected, String annotation, String condition) {
            HpaScaleNormalizer c = controller();
            int exp = expected == -1 ? c.calculateScaleUpLimit(3) : expected;
            assertThat(c.convertDesiredReplicasWithRules(current, desired, min, max)).isEqualTo(exp);
            assertThat(c.lastCondition()).isEqualTo(condition);
        }
    }

    static Stream<Arguments> convertCases() {
        return Stream.of(
                Arguments.of(5, 7, 3, 8, 7, "prenormalized desired replicas within range", "DesiredWithinRange"),
                Arguments.of(3, 1, 2, 8, 2, "prenormalized desired replicas < minReplicas", "TooFewReplicas"),
                Arguments.of(1, 0, 0, 10, 0, "prenormalized desired zeroed replicas within range", "DesiredWithinRange"),
                Arguments.of(20, 1000, 1, 10, 10, "maxReplicas is the limit because maxReplicas < scaleUpLimit", "TooManyReplicas"),
                Arguments.of(3, 1000, 1, 2000, -1, "scaleUpLimit is the limit because scaleUpLimit < maxReplicas", "ScaleUpLimit"));
    }

    /** One {@code TestScalingWithRules} case. */
    record RuleCase(String name, long[][] up, long[][] down, int min, int max, HpaScalingRules upRules, HpaScalingRules downRules,
                    int current, int prenormalized, int expected, String condition) {
        @Override
        public String toString() {
            return name;
        }
    }

    static RuleCase rc(String name, long[][] up, long[][] down, int min, int max, HpaScalingRules upRules, HpaScalingRules downRules,
                       int current, int prenormalized, int expected, String condition) {
        return new RuleCase(name, up, down, min, max, upRules == null ? HpaScalingRules.scaleUp(null) : upRules,
                downRules == null ? HpaScalingRules.scaleDown(null, 300) : downRules, current, prenormalized, expected, condition);
    }

    static Stream<RuleCase> scalingWithRulesCases() {
        long[][] none = new long[0][];
        int[] e159 = {1, 5, 9};
        return Stream.of(
                rc("prenormalized desired replicas within range", none, none, 3, 8, null, null, 5, 7, 7, "DesiredWithinRange"),
                rc("prenormalized desired replicas < minReplicas", none, none, 2, 8, null, null, 3, 1, 2, "TooFewReplicas"),
                rc("prenormalized desired replicas within range when minReplicas is 0", none, none, 0, 10, null, null, 1, 0, 0, "DesiredWithinRange"),
                rc("maxReplicas is the limit because maxReplicas < scaleUpLimit", none, none, 1, 10, null, null, 20, 1000, 10, "TooManyReplicas"),
                rc("desired replica count is more than the maximum replica count", none, none, 100, 150, null, null, 100, 1000, 150, "TooManyReplicas"),
                rc("scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies", none, none, 1, 2000,
                        rules(0, 0, 1, 60, 0), null, 3, 1000, 4, "ScaleUpLimit"),
                rc("scaleDownLimit is the limit because scaleDownLimit > minReplicas with user defined policies", none, none, 3, 2000,
                        null, rules(20, 60, 0, 0, 0), 1000, 3, 980, "ScaleDownLimit"),
                rc("scaleUp with default behavior", none, none, 1, 1000, null, null, 10, 50, 20, "ScaleUpLimit"),
                rc("scaleUp with pods policy larger than percent policy", none, none, 1, 1000, rules(100, 60, 100, 60, 0), null, 10, 500, 110, "ScaleUpLimit"),
                rc("scaleUp with percent policy larger than pods policy", none, none, 1, 1000, rules(2, 60, 100, 60, 0), null, 10, 500, 20, "ScaleUpLimit"),
                rc("scaleUp with spec MaxReplicas limitation with large pod policy", none, none, 1, 1000, rules(100, 60, 0, 0, 0), null, 10, 50, 50, "DesiredWithinRange"),
                rc("scaleUp with spec MaxReplicas limitation with large percent policy", none, none, 1, 1000, rules(10000, 60, 0, 0, 0), null, 10, 50, 50, "DesiredWithinRange"),
                rc("scaleUp with pod policy limitation", none, none, 1, 1000, rules(30, 60, 0, 0, 0), null, 10, 50, 40, "ScaleUpLimit"),
                rc("scaleUp with percent policy limitation", none, none, 1, 1000, rules(0, 0, 200, 60, 0), null, 10, 50, 30, "ScaleUpLimit"),
                rc("scaleDown with percent policy larger than pod policy", none, none, 1, 1000, null, rules(20, 60, 1, 60, 300), 100, 2, 80, "ScaleDownLimit"),
                rc("scaleDown with pod policy larger than percent policy", none, none, 1, 1000, null, rules(2, 60, 1, 60, 300), 100, 2, 98, "ScaleDownLimit"),
                rc("scaleDown with spec MinReplicas=nil limitation with large pod policy", none, none, 1, 1000, null, rules(100, 60, 0, 0, 300), 10, 0, 1, "TooFewReplicas"),
                rc("scaleDown with spec MinReplicas limitation with large pod policy", none, none, 1, 1000, null, rules(100, 60, 0, 0, 300), 10, 0, 1, "TooFewReplicas"),
                rc("scaleDown with spec MinReplicas limitation with large percent policy", none, none, 5, 1000, null, rules(0, 0, 100, 60, 300), 10, 2, 5, "TooFewReplicas"),
                rc("scaleDown with pod policy limitation", none, none, 1, 1000, null, rules(5, 60, 0, 0, 300), 10, 2, 5, "ScaleDownLimit"),
                rc("scaleDown with percent policy limitation", none, none, 1, 1000, null, rules(0, 0, 50, 60, 300), 10, 5, 5, "DesiredWithinRange"),
                rc("scaleUp with spec MaxReplicas limitation with large pod policy and events", events(e159, 120), none, 1, 200,
                        rules(300, 60, 0, 0, 0), null, 100, 500, 200, "TooManyReplicas"),
                rc("scaleUp with spec MaxReplicas limitation with large percent policy and events", events(e159, 120), none, 1, 200,
                        rules(0, 0, 10000, 60, 0), null, 100, 500, 200, "TooManyReplicas"),
                rc("scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent scale up events", events(e159, 120),
                        none, 1, 1000, rules(5, 120, 0, 0, 0), null, 100, 500, 100, "ScaleUpLimit"),
                rc("scaleUp with pod policy and previous scale up events", events(e159, 120), none, 1, 1000, rules(150, 120, 0, 0, 0), null,
                        100, 500, 235, "ScaleUpLimit"),
                rc("scaleUp with percent policy and previous scale up events", events(e159, 120), none, 1, 1000, rules(0, 0, 200, 120, 0), null,
                        100, 500, 255, "ScaleUpLimit"),
                rc("scaleUp with percent policy and previous scale up and down events", events(new int[] {4}, 120), events(new int[] {2}, 120),
                        1, 1000, rules(0, 0, 300, 300, 0), null, 6, 24, 16, "ScaleUpLimit"),
                rc("scaleDown with default policy and previous events", none, events(e159, 120), 1, 1000, null, null, 10, 5, 5, "DesiredWithinRange"),
                rc("scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events", none, events(e159, 120), 1, 1000,
                        null, rules(115, 120, 0, 0, 300), 100, 0, 1, "TooFewReplicas"),
                rc("scaleDown with spec MinReplicas limitation with large pod policy and previous events", none, events(e159, 120), 5, 1000,
                        null, rules(130, 120, 0, 0, 300), 100, 0, 5, "TooFewReplicas"),
                rc("scaleDown with spec MinReplicas limitation with large percent policy and previous events", none, events(e159, 120), 5, 1000,
                        null, rules(0, 0, 100, 120, 300), 100, 2, 5, "TooFewReplicas"),
                rc("scaleDown with pod policy limitation and previous events", none, events(e159, 120), 1, 1000, null, rules(5, 120, 0, 0, 300),
                        100, 2, 100, "ScaleDownLimit"),
                rc("scaleDown with percent policy limitation and previous events", none, events(new int[] {2, 4, 6}, 120), 1, 1000, null,
                        rules(0, 0, 50, 120, 300), 100, 0, 56, "ScaleDownLimit"),
                rc("scaleDown with percent policy and previous scale up and down events", events(new int[] {2}, 120), events(new int[] {4}, 120),
                        1, 1000, null, rules(0, 0, 50, 180, 0), 10, 1, 6, "ScaleDownLimit"),
                rc("scaleDown with previous events preventing further scale down", none, events(new int[] {10, 10, 10}, 120), 1, 1000, null,
                        rules(0, 0, 10, 120, 300), 100, 0, 100, "ScaleDownLimit"),
                rc("scaleDown with with previous events still allowing more scale down", none, events(new int[] {10, 10, 10}, 120), 1, 1000,
                        null, rules(0, 0, 1000, 120, 300), 10, 5, 5, "DesiredWithinRange"),
                rc("check 'outdated' flag for events for one behavior for up", events(new int[] {8, 12, 9, 11}, 120), none, 1, 1000,
                        rules(1000, 60, 0, 0, 0), null, 100, 200, 200, "DesiredWithinRange"),
                rc("check that events were not marked 'outdated' for two different policies in the behavior for up",
                        events(new int[] {8, 12, 9, 11}, 120), none, 1, 1000, rules(1000, 120, 100, 60, 0), null, 100, 200, 200, "DesiredWithinRange"),
                rc("check that events were marked 'outdated' for two different policies in the behavior for up",
                        events(new int[] {8, 12, 9, 11}, 120), none, 1, 1000, rules(1000, 30, 100, 60, 0), null, 100, 200, 200, "DesiredWithinRange"),
                rc("check 'outdated' flag for events for one behavior for down", none, events(new int[] {8, 12, 9, 11}, 120), 1, 1000, null,
                        rules(1000, 60, 0, 0, 300), 100, 5, 5, "DesiredWithinRange"),
                rc("check that events were not marked 'outdated' for two different policies in the behavior for down", none,
                        events(new int[] {8, 12, 9, 11}, 120), 1, 1000, null, rules(1000, 120, 100, 60, 300), 100, 5, 5, "DesiredWithinRange"),
                rc("check that events were marked 'outdated' for two different policies in the behavior for down", none,
                        events(new int[] {8, 12, 9, 11}, 120), 1, 1000, null, rules(1000, 30, 100, 60, 300), 100, 5, 5, "DesiredWithinRange"));
    }

    @Nested
    @DisplayName("TestScalingWithRules")
    class ScalingWithRules {
        @ParameterizedTest(name = "{0}")
        @MethodSource("io.inferscale.backend.kubernetes.simulation.HpaScaleNormalizerTest#scalingWithRulesCases")
        void convertWithBehaviorRate(RuleCase tc) {
            HpaScaleNormalizer c = controller();
            for (long[] e : tc.up()) {
                c.addScaleUpEvent(e[0], (int) e[1]);
            }
            for (long[] e : tc.down()) {
                c.addScaleDownEvent(e[0], (int) e[1]);
            }
            int replicas = c.convertDesiredReplicasWithBehaviorRate(NOW, tc.upRules(), tc.downRules(), tc.current(), tc.prenormalized(),
                    tc.min(), tc.max());
            assertThat(replicas).as("replicas").isEqualTo(tc.expected());
            assertThat(c.lastCondition()).as("condition").isEqualTo(tc.condition());
        }
    }

    @Nested
    @DisplayName("TestNormalizeDesiredReplicas")
    class NormalizeDesiredReplicas {
        private void check(long[][] recs, int prenormalized, int expectedStabilized, int expectedLogLength) {
            HpaScaleNormalizer c = controller();
            for (long[] r : recs) {
                c.addRecommendation(r[1], (int) r[0]);
            }
            assertThat(c.stabilizeRecommendation(NOW, prenormalized)).isEqualTo(expectedStabilized);
            assertThat(c.recommendations()).hasSize(expectedLogLength);
        }

        @Test
        @DisplayName("empty log")
        void emptyLog() {
            check(new long[0][], 5, 5, 1);
        }

        @Test
        @DisplayName("stabilize")
        void stabilize() {
            check(new long[][] {{4, NOW - 2 * MINUTE}, {5, NOW - MINUTE}}, 3, 5, 3);
        }

        @Test
        @DisplayName("no stabilize")
        void noStabilize() {
            check(new long[][] {{1, NOW - 2 * MINUTE}, {2, NOW - MINUTE}}, 3, 3, 3);
        }

        @Test
        @DisplayName("no stabilize - old recommendations")
        void noStabilizeOld() {
            check(new long[][] {{10, NOW - 10 * MINUTE}, {9, NOW - 9 * MINUTE}}, 3, 3, 2);
        }

        @Test
        @DisplayName("stabilize - old recommendations")
        void stabilizeOld() {
            check(new long[][] {{10, NOW - 10 * MINUTE}, {4, NOW - MINUTE}, {5, NOW - 2 * MINUTE}, {9, NOW - 9 * MINUTE}}, 3, 5, 4);
        }
    }

    /** One {@code TestNormalizeDesiredReplicasWithBehavior} case: recommendations as {value, minutes ago}. */
    record BehaviorCase(String name, long[][] recs, int current, int prenormalized, int expected, int[] expectedRecs, int upWindow,
                        int downWindow) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<BehaviorCase> behaviorCases() {
        return Stream.of(
                new BehaviorCase("empty recommendations for scaling down", new long[0][], 100, 5, 5, new int[] {5}, 0, 0),
                new BehaviorCase("simple scale down stabilization", new long[][] {{4, 2}, {5, 1}}, 100, 3, 5, new int[] {4, 5, 3}, 0, 180),
                new BehaviorCase("simple scale up stabilization", new long[][] {{4, 2}, {5, 1}}, 1, 7, 4, new int[] {4, 5, 7}, 300, 0),
                new BehaviorCase("no scale down stabilization", new long[][] {{1, 2}, {2, 1}}, 100, 3, 3, new int[] {1, 2, 3}, 300, 0),
                new BehaviorCase("no scale up stabilization", new long[][] {{4, 2}, {5, 1}}, 1, 3, 3, new int[] {4, 5, 3}, 0, 300),
                new BehaviorCase("no scale down stabilization, reuse recommendation element", new long[][] {{10, 10}, {9, 9}}, 100, 3, 3,
                        new int[] {10, 3}, 0, 0),
                new BehaviorCase("no scale up stabilization, reuse recommendation element", new long[][] {{10, 10}, {9, 9}}, 1, 100, 100,
                        new int[] {10, 100}, 0, 0),
                new BehaviorCase("scale down stabilization, reuse one of obsolete recommendation element",
                        new long[][] {{10, 10}, {4, 1}, {5, 2}, {9, 9}}, 100, 3, 5, new int[] {10, 4, 5, 3}, 0, 180),
                new BehaviorCase("scale up stabilization, reuse one of obsolete recommendation element",
                        new long[][] {{10, 100}, {6, 1}, {5, 2}, {9, 3}}, 1, 100, 5, new int[] {100, 6, 5, 9}, 300, 0),
                new BehaviorCase("scale up and down stabilization, do not scale up when prenormalized rec goes down",
                        new long[][] {{2, 100}, {3, 3}}, 2, 1, 2, null, 300, 300),
                new BehaviorCase("scale up and down stabilization, do not scale down when prenormalized rec goes up",
                        new long[][] {{2, 100}, {1, 3}}, 2, 3, 2, null, 300, 300));
    }

    @Nested
    @DisplayName("TestNormalizeDesiredReplicasWithBehavior")
    class NormalizeDesiredReplicasWithBehavior {
        @ParameterizedTest(name = "{0}")
        @MethodSource("io.inferscale.backend.kubernetes.simulation.HpaScaleNormalizerTest#behaviorCases")
        void stabilize(BehaviorCase tc) {
            HpaScaleNormalizer c = controller();
            for (long[] r : tc.recs()) {
                c.addRecommendation(NOW - r[1] * MINUTE, (int) r[0]);
            }
            HpaScalingRules up = HpaScalingRules.of(tc.upWindow(), SelectPolicy.MAX, List.of());
            HpaScalingRules down = HpaScalingRules.of(tc.downWindow(), SelectPolicy.MAX, List.of());
            assertThat(c.stabilizeRecommendationWithBehaviors(NOW, up, down, tc.current(), tc.prenormalized())).isEqualTo(tc.expected());
            if (tc.expectedRecs() != null) {
                assertThat(c.recommendations()).containsExactly(tc.expectedRecs());
            }
        }
    }

    /** One {@code TestStoreScaleEvents} case: previous events as {change, seconds ago}, expected as {change, outdated}. */
    record StoreCase(String name, long[][] previous, int[][] expected, HpaScalingRules rules, int expectedChange) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<StoreCase> storeCases() {
        return Stream.of(
                new StoreCase("empty entries with default behavior", new long[0][], new int[0][], null, 0),
                new StoreCase("empty entries with two-policy-behavior", new long[0][], new int[][] {{5, 0}}, rules(10, 60, 100, 60, 0), 0),
                new StoreCase("one outdated entry to be kept untouched without behavior", new long[][] {{7, 61}}, new int[][] {{7, 0}}, null, 0),
                new StoreCase("one outdated entry to be replaced with behavior", new long[][] {{7, 61}}, new int[][] {{5, 0}},
                        rules(10, 60, 100, 60, 0), 0),
                new StoreCase("one actual entry to be not touched with behavior", new long[][] {{7, 58}}, new int[][] {{7, 0}, {5, 0}},
                        rules(10, 60, 100, 60, 0), 7),
                new StoreCase("two entries, one of them to be replaced", new long[][] {{7, 61}, {6, 59}}, new int[][] {{5, 0}, {6, 0}},
                        rules(10, 60, 0, 0, 0), 6),
                new StoreCase("replace one entry, use policies with different periods", new long[][] {{8, 29}, {6, 59}, {7, 61}, {9, 61}},
                        new int[][] {{8, 0}, {6, 0}, {7, 1}, {5, 0}}, rules(10, 60, 100, 30, 0), 14),
                new StoreCase("two entries, both actual", new long[][] {{7, 58}, {6, 59}}, new int[][] {{7, 0}, {6, 0}, {5, 0}},
                        rules(10, 120, 100, 30, 0), 13));
    }

    @Nested
    @DisplayName("TestStoreScaleEvents")
    class StoreScaleEvents {
        @ParameterizedTest(name = "{0}")
        @MethodSource("io.inferscale.backend.kubernetes.simulation.HpaScaleNormalizerTest#storeCases")
        void store(StoreCase tc) {
            for (boolean scaleUp : new boolean[] {true, false}) {
                HpaScaleNormalizer c = controller();
                for (long[] e : tc.previous()) {
                    if (scaleUp) {
                        c.addScaleUpEvent(NOW - e[1] * 1000, (int) e[0]);
                    } else {
                        c.addScaleDownEvent(NOW - e[1] * 1000, (int) e[0]);
                    }
                }
                HpaScaleNormalizer.Events events = scaleUp ? c.up : c.down;
                assertThat(events.changeInPeriod(NOW, 60)).isEqualTo(tc.expectedChange());
                HpaScalingRules r = tc.rules() == null ? HpaScalingRules.scaleUp(null) : tc.rules();
                c.storeScaleEvent(NOW, tc.rules() != null, r, r, 10, scaleUp ? 15 : 5);
                assertThat(c.events(scaleUp)).as(scaleUp ? "up" : "down").isDeepEqualTo(tc.expected());
            }
        }
    }

    @Test
    @DisplayName("TestCalculateScaleUpLimitWithScalingRules")
    void calculateScaleUpLimitWithScalingRules() {
        HpaScalingRules r = HpaScalingRules.of(300, SelectPolicy.MIN, List.of(new ScalingPolicy(ScalingPolicy.Type.PODS, 2, 60),
                new ScalingPolicy(ScalingPolicy.Type.PERCENT, 50, 60)));
        assertThat(controller().calculateScaleUpLimitWithScalingRules(NOW, 1, r)).isEqualTo(2);
    }

    @Test
    @DisplayName("TestCalculateScaleDownLimitWithBehaviors")
    void calculateScaleDownLimitWithBehaviors() {
        HpaScalingRules r = HpaScalingRules.of(300, SelectPolicy.MIN, List.of(new ScalingPolicy(ScalingPolicy.Type.PODS, 2, 60),
                new ScalingPolicy(ScalingPolicy.Type.PERCENT, 50, 60)));
        assertThat(controller().calculateScaleDownLimitWithBehaviors(NOW, 5, r)).isEqualTo(3);
    }
}
