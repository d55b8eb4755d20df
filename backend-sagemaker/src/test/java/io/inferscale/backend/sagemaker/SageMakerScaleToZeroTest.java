package io.inferscale.backend.sagemaker;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.ScaleToZero;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.Feature;
import io.inferscale.api.backend.Plan;
import io.inferscale.api.backend.Support;
import io.inferscale.api.validation.Problem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.inferscale.backend.sagemaker.SageMakerTestSupport.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Scale to zero through an inference component, against the fake through the real SDK clients (SageMaker, Application
 * Auto Scaling, CloudWatch in awsQuery): what apply creates, the no-op re-apply, status at zero copies, an update of the
 * model, the refused switch between a plain variant and an inference component, delete of everything in AWS's order,
 * and the exact calls of each (changes finish on the {@value #POLLS}nd poll, so the waits' polls are counted exactly).
 */
class SageMakerScaleToZeroTest {

    private static final int POLLS = 2;
    private static final String NAME = "my-model-endpoint";
    private static final String IC = NAME + "-ic";
    private static final String RESOURCE = "inference-component/" + IC;
    private static final String ALARM = "inferscale-" + IC + "-no-capacity";

    private FakeAwsServer fake;
    private SageMakerBackend backend;

    @BeforeEach
    void start() {
        fake = FakeAwsServer.start();
        fake.transitionAfterPolls(POLLS);
        backend = SageMakerTestSupport.backend(fake);
    }

    @AfterEach
    void stop() {
        backend.close();
        fake.close();
    }

    /** The seed with scale to zero after 600 s idle and a requests-per-second target (the metric that reaches zero). */
    static InferenceEndpoint scaleToZero() {
        InferenceEndpoint e = seed();
        return e.toBuilder().autoscaling(e.autoscaling().toBuilder().minReplicas(0).scaleToZero(new ScaleToZero(600))
                .removeTarget(TargetType.CPU_UTILIZATION).target(TargetType.REQUESTS_PER_SECOND, 5).build()).build();
    }

    private List<String> writesDuring(Runnable r) {
        int from = fake.operations().size();
        r.run();
        return fake.operations().subList(from, fake.operations().size()).stream()
                .filter(op -> !op.startsWith("Describe") && !op.startsWith("List")).toList();
    }

    private Map<String, Integer> readsDuring(Runnable r) {
        int from = fake.operations().size();
        long polls = fake.waitPolls() + fake.componentPolls();
        r.run();
        Map<String, Integer> reads = new TreeMap<>();
        fake.operations().subList(from, fake.operations().size()).stream().filter(op -> op.startsWith("Describe") || op.startsWith("List"))
                .forEach(op -> reads.merge(op, 1, Integer::sum));
        assertThat(fake.waitPolls() + fake.componentPolls()).as("no wait").isEqualTo(polls);
        return reads;
    }

    @Test
    @DisplayName("the capability is supported, and its note says requests fail until a copy is placed and what wakes it")
    void capability() {
        assertThat(backend.capabilities().support(Feature.SCALE_TO_ZERO)).isEqualTo(Support.NATIVE);
        assertThat(backend.capabilities().note(Feature.SCALE_TO_ZERO)).contains("requests fail with an error until a copy is placed")
                .contains("NoCapacityInvocationFailures wakes it").contains("endpoint-auto-scaling-zero-instances.html");
    }

    @Test
    @DisplayName("apply creates model, config, endpoint, inference component, copy-count target, policies and alarm, in that order")
    void applyCreatesEverything() {
        List<String> writes = writesDuring(() -> backend.apply(scaleToZero()));
        assertThat(writes).containsExactly("CreateModel", "CreateEndpointConfig", "CreateEndpoint", "CreateInferenceComponent",
                "RegisterScalableTarget", "PutScalingPolicy", "PutScalingPolicy", "PutMetricAlarm");
        assertThat(fake.inferenceComponentNames()).containsExactly(IC);
        assertThat(fake.desiredCopies(IC)).isEqualTo(1);
        assertThat(fake.hasTarget(RESOURCE)).isTrue();
        assertThat(fake.policyNames()).containsExactlyInAnyOrder("inferscale-invocations-per-copy", "inferscale-scale-out-from-zero");
        Map<String, Object> step = fake.policy("inferscale-scale-out-from-zero");
        assertThat(step.get("PolicyType")).isEqualTo("StepScaling");
        Map<String, Object> alarm = fake.alarm(ALARM);
        assertThat(alarm).isNotNull();
        assertThat(alarm.get("AlarmActions")).isEqualTo(List.of(step.get("PolicyARN")));
        assertThat(alarm).containsEntry("MetricName", "NoCapacityInvocationFailures").containsEntry("Namespace", "AWS/SageMaker")
                .containsEntry("ComparisonOperator", "GreaterThanOrEqualToThreshold").containsEntry("Statistic", "Sum");
        assertThat(alarm.get("Dimensions")).isEqualTo(List.of(Map.of("Name", "InferenceComponentName", "Value", IC)));
        @SuppressWarnings("unchecked")
        Map<String, Object> tt = (Map<String, Object>) fake.policy("inferscale-invocations-per-copy").get("TargetTrackingScalingPolicyConfiguration");
        assertThat((BigDecimal) tt.get("TargetValue")).isEqualByComparingTo("300");
        assertThat((BigDecimal) tt.get("ScaleInCooldown")).isEqualByComparingTo("600");
    }

    @Test
    @DisplayName("re-apply is a no-op: an empty plan, no write, seven reads")
    void reapplyIsNoOp() {
        backend.apply(scaleToZero());
        assertThat(backend.plan(scaleToZero()).isEmpty()).isTrue();
        String before = fake.state();
        List<String> writes = writesDuring(() -> assertThat(backend.apply(scaleToZero()).plan().changes()).isEmpty());
        assertThat(writes).isEmpty();
        assertThat(fake.state()).isEqualTo(before);
        assertThat(readsDuring(() -> backend.apply(scaleToZero()))).isEqualTo(Map.of("DescribeEndpoint", 1, "DescribeInferenceComponent", 1,
                "DescribeScalableTargets", 1, "DescribeScalingPolicies", 1, "DescribeAlarms", 1, "ListEndpointConfigs", 1, "ListModels", 1));
    }

    @Test
    @DisplayName("status: minReplicas 0, replicas are copies, READY also when scaled to zero copies")
    void statusAtZero() {
        ApplyResult applied = backend.apply(scaleToZero());
        assertThat(applied.status().minReplicas()).isZero();
        EndpointStatus s = backend.status(NAME);
        assertThat(s.minReplicas()).isZero();
        assertThat(s.maxReplicas()).isEqualTo(5);
        assertThat(s.readyReplicas()).isEqualTo(1);
        assertThat(s.state()).isEqualTo(EndpointState.READY);
        assertThat(s.details()).containsEntry("inferenceComponentName", IC).containsEntry("inferenceComponentStatus", "InService");
        fake.setCopies(IC, 0);
        EndpointStatus zero = backend.status(NAME);
        assertThat(zero.state()).isEqualTo(EndpointState.READY);
        assertThat(zero.readyReplicas()).isZero();
        assertThat(zero.desiredReplicas()).isZero();
        assertThat(backend.list()).extracting(EndpointStatus::name).containsExactly(NAME);
        // autoscaling's copy count is not a difference: re-apply at zero copies writes nothing
        assertThat(writesDuring(() -> backend.apply(scaleToZero()))).isEmpty();
    }

    @Test
    @DisplayName("a new image: CreateModel, UpdateInferenceComponent to it, DeleteModel of the old one; endpoint and config untouched")
    void imageChangeUpdatesTheComponent() {
        backend.apply(scaleToZero());
        String config = fake.endpointConfigName(NAME);
        InferenceEndpoint changed = scaleToZero().toBuilder().model(scaleToZero().model().toBuilder()
                .image("123456789012.dkr.ecr.us-east-1.amazonaws.com/my-ml-model:v2").build()).build();
        Plan plan = backend.plan(changed);
        assertThat(plan.changes()).extracting(Change::kind).containsExactly("Model", "InferenceComponent", "Model");
        List<String> writes = writesDuring(() -> backend.apply(changed));
        assertThat(writes).containsExactly("CreateModel", "UpdateInferenceComponent", "DeleteModel");
        assertThat(fake.endpointConfigName(NAME)).isEqualTo(config);
        assertThat(fake.modelNames()).hasSize(1);
        assertThat(backend.plan(changed).isEmpty()).isTrue();
    }

    @Test
    @DisplayName("maxReplicas: a new config (MaxInstanceCount) through UpdateEndpoint, and the copy-count target's MaxCapacity")
    void maxReplicasChange() {
        backend.apply(scaleToZero());
        InferenceEndpoint changed = scaleToZero().toBuilder().autoscaling(scaleToZero().autoscaling().toBuilder().maxReplicas(8).build()).build();
        List<String> writes = writesDuring(() -> backend.apply(changed));
        assertThat(writes).containsExactly("CreateEndpointConfig", "UpdateEndpoint", "RegisterScalableTarget", "DeleteEndpointConfig");
        assertThat(fake.configNames()).hasSize(1);
        assertThat(backend.status(NAME).maxReplicas()).isEqualTo(8);
        assertThat(backend.plan(changed).isEmpty()).isTrue();
    }

    @Test
    @DisplayName("switching a live plain endpoint to scale to zero, or back, is refused by plan and apply at spec.autoscaling.scaleToZero, with no write")
    void switchRejected() {
        backend.apply(seed());
        long before = fake.writeCount();
        InvalidEndpointException toZero = catchThrowableOfType(InvalidEndpointException.class, () -> backend.plan(scaleToZero()));
        assertThat(toZero).isNotNull();
        assertThat(toZero.report().errors()).extracting(Problem::path).containsExactly("spec.autoscaling.scaleToZero");
        assertThat(toZero.report().errors().get(0).message()).contains("delete it").contains("runs a plain production variant");
        assertThat(catchThrowableOfType(InvalidEndpointException.class, () -> backend.apply(scaleToZero()))).isNotNull();
        assertThat(fake.writeCount()).isEqualTo(before);

        backend.delete(NAME);
        backend.apply(scaleToZero());
        long after = fake.writeCount();
        InvalidEndpointException back = catchThrowableOfType(InvalidEndpointException.class, () -> backend.apply(seed()));
        assertThat(back).isNotNull();
        assertThat(back.report().errors()).extracting(Problem::path).containsExactly("spec.autoscaling.scaleToZero");
        assertThat(back.report().errors().get(0).message()).contains("hosts the inference component " + IC);
        assertThat(fake.writeCount()).isEqualTo(after);
    }

    @Test
    @DisplayName("delete removes everything in AWS's order: alarm, policies, target, inference component (waited for), endpoint, config, model")
    void deleteEverything() {
        backend.apply(scaleToZero());
        List<String> writes = writesDuring(() -> assertThat(backend.delete(NAME)).isTrue());
        assertThat(writes).containsExactly("DeleteAlarms", "DeleteScalingPolicy", "DeleteScalingPolicy", "DeregisterScalableTarget",
                "DeleteInferenceComponent", "DeleteEndpoint", "DeleteEndpointConfig", "DeleteModel");
        try (FakeAwsServer empty = FakeAwsServer.start()) {
            assertThat(fake.state()).isEqualTo(empty.state());
        }
        assertThat(fake.alarmNames()).isEmpty();
        assertThat(fake.inferenceComponentNames()).isEmpty();
        assertThat(writesDuring(() -> assertThat(backend.delete(NAME)).isFalse())).isEmpty();
    }

    @Test
    @DisplayName("call counts: fresh apply, no-op apply, status and delete, writes and reads exactly (table in target/call-counts-sagemaker-scale-to-zero.md)")
    void callCounts() throws Exception {
        StringBuilder table = new StringBuilder("| operation | writes | own reads | waits' polls |\n|---|---|---|---|\n");
        int from = fake.operations().size();
        long polls = fake.waitPolls() + fake.componentPolls();
        backend.apply(scaleToZero());
        List<String> ops = fake.operations().subList(from, fake.operations().size());
        long waited = fake.waitPolls() + fake.componentPolls() - polls;
        // POLLS polls for the endpoint's creation and POLLS for the component's
        assertThat(waited).isEqualTo(2 * POLLS);
        Map<String, Integer> reads = new TreeMap<>();
        ops.stream().filter(op -> op.startsWith("Describe") || op.startsWith("List")).forEach(op -> reads.merge(op, 1, Integer::sum));
        // own reads: one DescribeEndpoint before the writes, then the verification round of seven reads
        assertThat(reads).isEqualTo(Map.of("DescribeEndpoint", 2 + POLLS, "DescribeInferenceComponent", 1 + POLLS, "DescribeScalableTargets", 1,
                "DescribeScalingPolicies", 1, "DescribeAlarms", 1, "ListEndpointConfigs", 1, "ListModels", 1));
        table.append("| fresh apply | 8 | ").append(reads.values().stream().mapToInt(Integer::intValue).sum() - waited).append(" | ").append(waited).append(" |\n");
        table.append("| no-op apply | 0 | 7 | 0 |\n");
        assertThat(readsDuring(() -> backend.apply(scaleToZero())).values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(7);

        assertThat(readsDuring(() -> backend.status(NAME))).isEqualTo(Map.of("DescribeEndpoint", 1, "DescribeEndpointConfig", 1, "ListTags", 1,
                "DescribeInferenceComponent", 1, "DescribeScalableTargets", 1, "DescribeScalingPolicies", 1, "DescribeScalingActivities", 1));
        assertThat(writesDuring(() -> backend.status(NAME))).isEmpty();
        table.append("| status | 0 | 7 | 0 |\n");

        from = fake.operations().size();
        polls = fake.waitPolls() + fake.componentPolls();
        backend.delete(NAME);
        ops = fake.operations().subList(from, fake.operations().size());
        waited = fake.waitPolls() + fake.componentPolls() - polls;
        Map<String, Integer> deleteReads = new TreeMap<>();
        ops.stream().filter(op -> op.startsWith("Describe") || op.startsWith("List")).forEach(op -> deleteReads.merge(op, 1, Integer::sum));
        assertThat(waited).isEqualTo(2 * POLLS);
        assertThat(deleteReads).isEqualTo(Map.of("DescribeEndpoint", 1 + POLLS, "DescribeScalingPolicies", 1, "DescribeInferenceComponent", 1 + POLLS,
                "ListEndpointConfigs", 1, "ListModels", 1));
        table.append("| delete | 8 | ").append(deleteReads.values().stream().mapToInt(Integer::intValue).sum() - waited).append(" | ").append(waited).append(" |\n");
        java.nio.file.Files.writeString(java.nio.file.Path.of("target/call-counts-sagemaker-scale-to-zero.md"), table.toString());
    }

    @Test
    @DisplayName("validation by field before any call: memory request required and >= 128 MiB, cpu >= 0.25, the component name within 63 characters")
    void validation() {
        InferenceEndpoint noMemory = scaleToZero().toBuilder().resources(io.inferscale.api.Resources.of(io.inferscale.api.ResourceList.of("500m", null),
                io.inferscale.api.ResourceList.of("1", "2Gi"))).build();
        assertThat(backend.validate(noMemory).errors()).extracting(Problem::path).contains("spec.resources.requests.memory");
        InferenceEndpoint small = scaleToZero().toBuilder().resources(io.inferscale.api.Resources.of(io.inferscale.api.ResourceList.of("100m", "64Mi"),
                io.inferscale.api.ResourceList.of("1", "2Gi"))).build();
        assertThat(backend.validate(small).errors()).extracting(Problem::path).contains("spec.resources.requests.memory", "spec.resources.requests.cpu");
        InferenceEndpoint longName = scaleToZero().toBuilder().name("e".repeat(61)).build();
        assertThat(backend.validate(longName).errors()).extracting(Problem::path).contains("metadata.name");
        assertThat(backend.validate(scaleToZero().toBuilder().name("e".repeat(60)).build()).errors()).isEmpty();
        long before = fake.writeCount();
        assertThat(catchThrowableOfType(InvalidEndpointException.class, () -> backend.apply(small))).isNotNull();
        assertThat(fake.operations()).isEmpty();
        assertThat(fake.writeCount()).isEqualTo(before);
    }
}
