package io.inferscale.backend.sagemaker.internal;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.Change.Action;
import io.inferscale.api.backend.Plan;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.backend.sagemaker.SageMakerDesiredState;
import io.inferscale.backend.sagemaker.SageMakerTranslator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointConfigResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The pure diff of desired and live state, without a fake: live states are built from SDK model objects. */
class SageMakerPlannerTest {

    private static final String ROLE = "arn:aws:iam::123456789012:role/SageMakerExecutionRole";
    private static final String IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-ml-model:v1";

    private final SageMakerTranslator translator = new SageMakerTranslator();

    private static InferenceEndpoint seed() throws IOException {
        try (InputStream in = SageMakerPlannerTest.class.getResourceAsStream("/inference_endpoint.yaml")) {
            InferenceEndpoint e = EndpointCodec.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), "inference_endpoint.yaml").endpoint();
            return e.toBuilder().model(e.model().toBuilder().image(IMAGE).build()).build();
        }
    }

    /** The live state after {@code t} was applied: InService, its config and model only, its target and policies. */
    private static LiveEndpoint deployed(SageMakerDesiredState t) {
        DescribeEndpointResponse ep = DescribeEndpointResponse.builder().endpointName(t.endpointName())
                .endpointConfigName(t.endpointConfigName()).endpointStatus(EndpointStatus.IN_SERVICE).build();
        var want = t.registerScalableTarget();
        ScalableTarget target = ScalableTarget.builder().resourceId(want.resourceId()).scalableDimension(want.scalableDimension())
                .minCapacity(want.minCapacity()).maxCapacity(want.maxCapacity()).build();
        List<ScalingPolicy> policies = t.scalingPolicies().stream().map(SageMakerPlannerTest::policy).toList();
        return new LiveEndpoint(ep, null, t.variantName(), null, target, policies, List.of(t.endpointConfigName()), List.of(t.modelName()));
    }

    private static ScalingPolicy policy(PutScalingPolicyRequest p) {
        return ScalingPolicy.builder().policyName(p.policyName()).resourceId(p.resourceId()).scalableDimension(p.scalableDimension())
                .policyType(p.policyType()).targetTrackingScalingPolicyConfiguration(p.targetTrackingScalingPolicyConfiguration()).build();
    }

    private static List<String> summary(Plan plan) {
        return plan.changes().stream().map(c -> c.action() + " " + c.kind()).toList();
    }

    @Test
    @DisplayName("a fresh account: model, config, endpoint, scalable target and one policy per target, in call order")
    void freshAccount() throws IOException {
        SageMakerDesiredState t = translator.translate(seed(), ROLE).desired();
        LiveEndpoint none = new LiveEndpoint(null, null, t.variantName(), null, null, List.of(), null, null);

        SageMakerSteps steps = SageMakerPlanner.plan(t, none);

        assertThat(summary(steps.plan())).containsExactly("CREATE Model", "CREATE EndpointConfig", "CREATE Endpoint",
                "CREATE ScalableTarget", "CREATE ScalingPolicy");
        assertThat(steps.createModel && steps.createConfig && steps.createEndpoint).isTrue();
        assertThat(steps.updateEndpoint).isFalse();
        assertThat(steps.registerTarget).isEqualTo(t.registerScalableTarget());
        assertThat(steps.putPolicies).isEqualTo(t.scalingPolicies());
        assertThat(steps.deleteConfigs).isEmpty();
        assertThat(steps.deleteModels).isEmpty();
        assertThat(steps.plan().notes()).containsAll(t.notes());
    }

    @Test
    @DisplayName("the live state of the same spec: nothing to do, also when AWS leaves the policies' defaults out")
    void unchangedIsEmpty() throws IOException {
        SageMakerDesiredState t = translator.translate(seed(), ROLE).desired();
        LiveEndpoint live = deployed(t);
        List<ScalingPolicy> withoutDefaults = live.policies().stream().map(p -> p.toBuilder().targetTrackingScalingPolicyConfiguration(
                p.targetTrackingScalingPolicyConfiguration().toBuilder().disableScaleIn(null).scaleInCooldown(null).scaleOutCooldown(null).build())
                .build()).toList();

        assertThat(SageMakerPlanner.plan(t, live).plan().isEmpty()).isTrue();
        assertThat(SageMakerPlanner.plan(t, new LiveEndpoint(live.endpoint(), null, live.variantName(), null, live.target(),
                withoutDefaults, live.configs(), live.models())).plan().isEmpty()).isTrue();
    }

    @Test
    @DisplayName("maxReplicas alone: one update of the scalable target, no new config")
    void maxReplicasUpdatesTheTargetOnly() throws IOException {
        InferenceEndpoint seed = seed();
        LiveEndpoint live = deployed(translator.translate(seed, ROLE).desired());
        SageMakerDesiredState t = translator.translate(seed.toBuilder().autoscaling(seed.autoscaling().toBuilder().maxReplicas(9).build()).build(), ROLE).desired();

        SageMakerSteps steps = SageMakerPlanner.plan(t, live);

        assertThat(steps.plan().changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.UPDATE);
            assertThat(c.kind()).isEqualTo("ScalableTarget");
            assertThat(c.fields()).extracting(f -> f.path(), f -> f.before(), f -> f.after()).containsExactly(tuple("MaxCapacity", "5", "9"));
        });
        assertThat(steps.createModel || steps.createConfig || steps.updateEndpoint).isFalse();
        assertThat(steps.registerTarget.maxCapacity()).isEqualTo(9);
    }

    @Test
    @DisplayName("a new instance type: new config, the target replaced around the update, the old config deleted, the model kept")
    void instanceTypeChangeReplacesTheTarget() throws IOException {
        InferenceEndpoint seed = seed();
        SageMakerDesiredState before = translator.translate(seed, ROLE).desired();
        SageMakerDesiredState t = translator.translate(seed.toBuilder().option("sagemaker", "instanceType", "ml.c5.xlarge").build(), ROLE).desired();
        ProductionVariant oldVariant = before.createEndpointConfig().productionVariants().get(0);
        LiveEndpoint deployed = deployed(before);
        LiveEndpoint live = new LiveEndpoint(deployed.endpoint(), DescribeEndpointConfigResponse.builder()
                .endpointConfigName(before.endpointConfigName()).productionVariants(oldVariant).build(), oldVariant.variantName(),
                oldVariant, deployed.target(), deployed.policies(), deployed.configs(), deployed.models());

        SageMakerSteps steps = SageMakerPlanner.plan(t, live);

        assertThat(t.modelName()).isEqualTo(before.modelName());
        assertThat(summary(steps.plan())).containsExactly("CREATE EndpointConfig", "UPDATE Endpoint", "REPLACE ScalableTarget",
                "CREATE ScalingPolicy", "DELETE EndpointConfig");
        assertThat(steps.deregisterTarget).isEqualTo(before.resourceId());
        assertThat(steps.retainVariantProperties).as("the variant keeps its name: keep the instance count autoscaling chose").isTrue();
        assertThat(steps.deleteConfigs).containsExactly(before.endpointConfigName());
        assertThat(steps.deleteModels).isEmpty();
        assertThat(steps.plan().changes().get(1).fields()).extracting(f -> f.path())
                .contains("EndpointConfigName", "ProductionVariants[0].InstanceType");
    }

    @Test
    @DisplayName("a policy no target asks for is deleted when InferScale named it, kept otherwise")
    void strayPolicies() throws IOException {
        SageMakerDesiredState t = translator.translate(seed(), ROLE).desired();
        LiveEndpoint deployed = deployed(t);
        List<ScalingPolicy> policies = new ArrayList<>(deployed.policies());
        policies.add(deployed.policies().get(0).toBuilder().policyName("inferscale-memory-utilization").build());
        policies.add(deployed.policies().get(0).toBuilder().policyName("someone-elses-policy").build());

        SageMakerSteps steps = SageMakerPlanner.plan(t, new LiveEndpoint(deployed.endpoint(), null, deployed.variantName(), null,
                deployed.target(), policies, deployed.configs(), deployed.models()));

        assertThat(steps.deletePolicies).containsExactly("inferscale-memory-utilization");
        assertThat(steps.plan().changes()).extracting(Change::action, Change::name)
                .containsExactly(tuple(Action.DELETE, "inferscale-memory-utilization"));
    }
}
