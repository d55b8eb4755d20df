package io.inferscale.backend.sagemaker.internal;

import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.FieldChange;
import io.inferscale.api.backend.FieldChanges;
import io.inferscale.api.backend.Note;
import io.inferscale.api.backend.Plan;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import io.inferscale.backend.sagemaker.InferenceComponentParts;
import io.inferscale.backend.sagemaker.SageMakerDesiredState;
import io.inferscale.backend.sagemaker.SageMakerSettings;
import io.inferscale.backend.sagemaker.SageMakerTranslator;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.RegisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.applicationautoscaling.model.SuspendedState;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemaker.model.InferenceComponentStatus;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The diff of a desired state and the live state: which writes take the live endpoint to the spec, in dependency
 * order, and the {@link Plan} that shows them. Pure: no call, no clock, so it is tested without a fake.
 *
 * <p>Models and endpoint configs are immutable and content-named: a changed spec is a new model or config and an
 * UpdateEndpoint to it; configs and models no longer used are deleted after it. An instance-type (or variant-name)
 * change of an autoscaled variant replaces the scalable target around the update (AWS rejects the update otherwise).
 * Only {@code inferscale-*} policies are deleted. With scale to zero the inference component is created or updated
 * after the endpoint, its copy count's target, policies (target tracking and the step policy) and the CloudWatch alarm
 * after it; an endpoint cannot switch between a plain variant and an inference component in place (rejected by field).
 */
public final class SageMakerPlanner {

    private SageMakerPlanner() {
    }

    /** The steps that take {@code live} to {@code t}, and the plan that shows them. */
    public static SageMakerSteps plan(SageMakerDesiredState t, LiveEndpoint live) {
        SageMakerSteps s = new SageMakerSteps();
        s.live = live;
        s.notes.addAll(t.notes());
        DescribeEndpointResponse ep = live.endpoint();
        if (ep != null && ep.endpointStatus() == EndpointStatus.DELETING) {
            s.notes.add(Note.info("metadata.name", "endpoint '" + t.endpointName() + "' is being deleted: apply waits until it is gone, then creates it"));
            ep = null;
        }
        boolean exists = ep != null;
        if (exists && LiveEndpoint.hostsInferenceComponents(ep) != t.isInferenceComponent()) {
            rejectSwitch(t, ep);
        }
        String liveConfig = exists ? ep.endpointConfigName() : null;
        boolean configChanges = !exists || !t.endpointConfigName().equals(liveConfig);
        String liveInstanceType = live.variant() == null ? null : live.variant().instanceTypeAsString();
        String liveModel = live.variant() == null ? null : live.variant().modelName();
        boolean variantRenamed = exists && !live.variantName().equals(t.variantName());
        boolean instanceTypeChanges = exists && liveInstanceType != null && !liveInstanceType.equals(t.instanceType());
        if (exists && (ep.endpointStatus() == EndpointStatus.CREATING || ep.endpointStatus() == EndpointStatus.UPDATING)) {
            s.notes.add(Note.info("metadata.name", "endpoint '" + t.endpointName() + "' is " + ep.endpointStatusAsString()
                    + ": apply waits until it is InService before changing anything"));
        }
        // models and configs are immutable and content-named: create the spec's when they are missing (also when the
        // endpoint already runs the config: another apply's cleanup may have deleted it)
        boolean modelMissing = live.models() == null ? !t.modelName().equals(liveModel) : !live.models().contains(t.modelName());
        boolean configMissing = live.configs() == null || !live.configs().contains(t.endpointConfigName());
        if (modelMissing) {
            s.createModel = true;
            s.changes.add(new Change(Change.Action.CREATE, "Model", t.modelName(), List.of(
                    new FieldChange("PrimaryContainer.Image", null, t.createModel().primaryContainer().image())),
                    exists && configChanges ? "models are immutable: the content changed, so a new model with a new content hash" : ""));
        }
        if (configMissing) {
            s.createConfig = true;
            ProductionVariant v = t.createEndpointConfig().productionVariants().get(0);
            s.changes.add(new Change(Change.Action.CREATE, "EndpointConfig", t.endpointConfigName(), List.of(
                    new FieldChange("ProductionVariants[0].InstanceType", null, v.instanceTypeAsString()),
                    new FieldChange("ProductionVariants[0].InitialInstanceCount", null, String.valueOf(v.initialInstanceCount())),
                    v.managedInstanceScaling() == null ? new FieldChange("ProductionVariants[0].ModelName", null, v.modelName())
                            : new FieldChange("ProductionVariants[0].ManagedInstanceScaling.MaxInstanceCount", null,
                            String.valueOf(v.managedInstanceScaling().maxInstanceCount()))),
                    exists && configChanges ? "endpoint configs are immutable: a new config replaces " + liveConfig : ""));
        }
        if (configChanges) {
            if (!exists) {
                s.createEndpoint = true;
                s.changes.add(Change.create("Endpoint", t.endpointName()));
            } else {
                s.updateEndpoint = true;
                s.retainVariantProperties = !variantRenamed;
                List<FieldChange> fields = new ArrayList<>();
                fields.add(new FieldChange("EndpointConfigName", liveConfig, t.endpointConfigName()));
                if (instanceTypeChanges) {
                    fields.add(new FieldChange("ProductionVariants[0].InstanceType", liveInstanceType, t.instanceType()));
                }
                if (!t.isInferenceComponent() && !Objects.equals(liveModel, t.modelName())) {
                    fields.add(new FieldChange("ProductionVariants[0].ModelName", liveModel, t.modelName()));
                }
                if (variantRenamed) {
                    fields.add(new FieldChange("ProductionVariants[0].VariantName", live.variantName(), t.variantName()));
                }
                s.changes.add(Change.update("Endpoint", t.endpointName(), fields));
                if (s.retainVariantProperties) {
                    s.notes.add(Note.info("spec.autoscaling.minReplicas", "UpdateEndpoint with RetainAllVariantProperties=true keeps the instance count "
                            + "autoscaling chose; the scalable target's MinCapacity/MaxCapacity bound it"));
                }
            }
        }
        if (t.isInferenceComponent()) {
            inferenceComponent(t, live, s);
        }
        // scalable target (an inference component's copy count stays registered through an update of the endpoint)
        RegisterScalableTargetRequest want = t.registerScalableTarget();
        ScalableTarget target = live.target();
        boolean targetReplaced = !t.isInferenceComponent() && target != null && (instanceTypeChanges || variantRenamed) && configChanges;
        if (targetReplaced) {
            s.deregisterTarget = target.resourceId();
            s.registerTarget = want;
            s.changes.add(new Change(Change.Action.REPLACE, "ScalableTarget", want.resourceId(), targetFields(target, want),
                    "AWS rejects an instance-type change on an autoscaled variant: deregister the target (which deletes its policies), "
                            + "update the endpoint, then register it and put the policies again"));
        } else if (target == null) {
            s.registerTarget = want;
            s.changes.add(new Change(Change.Action.CREATE, "ScalableTarget", want.resourceId(), targetFields(null, want), ""));
        } else {
            List<FieldChange> f = targetFields(target, want);
            if (!f.isEmpty()) {
                boolean liveSuspended = target.suspendedState() != null && Boolean.TRUE.equals(target.suspendedState().dynamicScalingOutSuspended());
                RegisterScalableTargetRequest r = want;
                if (liveSuspended && want.suspendedState() == null) {
                    r = want.toBuilder().suspendedState(SuspendedState.builder().dynamicScalingOutSuspended(false).build()).build();
                }
                s.registerTarget = r;
                s.changes.add(Change.update("ScalableTarget", want.resourceId(), f));
            }
        }
        // policies
        List<ScalingPolicy> livePolicies = targetReplaced ? List.of() : live.policies();
        for (PutScalingPolicyRequest p : t.allPolicies()) {
            Optional<ScalingPolicy> lp = livePolicies.stream().filter(x -> x.policyName().equals(p.policyName())).findFirst();
            if (lp.isEmpty()) {
                s.putPolicies.add(p);
                s.changes.add(new Change(Change.Action.CREATE, "ScalingPolicy", p.policyName(), List.of(p.targetTrackingScalingPolicyConfiguration() != null
                        ? new FieldChange("TargetTrackingScalingPolicyConfiguration.TargetValue", null, String.valueOf(p.targetTrackingScalingPolicyConfiguration().targetValue()))
                        : new FieldChange("PolicyType", null, p.policyTypeAsString())), ""));
            } else if (!samePolicy(lp.get(), p)) {
                s.putPolicies.add(p);
                s.changes.add(Change.update("ScalingPolicy", p.policyName(), policyFields(lp.get(), p)));
            }
        }
        for (ScalingPolicy lp : livePolicies) {
            if (t.allPolicies().stream().noneMatch(p -> p.policyName().equals(lp.policyName())) && lp.policyName().startsWith("inferscale-")) {
                s.deletePolicies.add(lp.policyName());
                s.changes.add(Change.delete("ScalingPolicy", lp.policyName()));
            }
        }
        if (t.isInferenceComponent()) {
            alarm(t, live, s);
        }
        // cleanup of configs and models no longer in use (after the update), also those an interrupted apply left
        if (exists && live.configs() != null) {
            for (String c : live.configs()) {
                if (!c.equals(t.endpointConfigName())) {
                    s.deleteConfigs.add(c);
                    s.changes.add(new Change(Change.Action.DELETE, "EndpointConfig", c, List.of(), "no longer used by the endpoint"));
                }
            }
        }
        if (exists && live.models() != null) {
            for (String m : live.models()) {
                if (!m.equals(t.modelName())) {
                    s.deleteModels.add(m);
                    s.changes.add(new Change(Change.Action.DELETE, "Model", m, List.of(), "no longer used by the endpoint"));
                }
            }
        }
        s.plan = new Plan(t.endpointName(), SageMakerSettings.ID, s.changes, s.notes);
        return s;
    }

    private static List<FieldChange> targetFields(ScalableTarget live, RegisterScalableTargetRequest want) {
        List<FieldChange> f = new ArrayList<>();
        Integer liveMin = live == null ? null : live.minCapacity();
        Integer liveMax = live == null ? null : live.maxCapacity();
        if (!Objects.equals(liveMin, want.minCapacity())) {
            f.add(new FieldChange("MinCapacity", str(liveMin), str(want.minCapacity())));
        }
        if (!Objects.equals(liveMax, want.maxCapacity())) {
            f.add(new FieldChange("MaxCapacity", str(liveMax), str(want.maxCapacity())));
        }
        boolean liveSuspended = live != null && live.suspendedState() != null && Boolean.TRUE.equals(live.suspendedState().dynamicScalingOutSuspended());
        boolean wantSuspended = want.suspendedState() != null && Boolean.TRUE.equals(want.suspendedState().dynamicScalingOutSuspended());
        if (liveSuspended != wantSuspended && (live != null || wantSuspended)) {
            f.add(new FieldChange("SuspendedState.DynamicScalingOutSuspended", live == null ? null : String.valueOf(liveSuspended), String.valueOf(wantSuspended)));
        }
        return f;
    }

    private static boolean samePolicy(ScalingPolicy live, PutScalingPolicyRequest want) {
        if (want.stepScalingPolicyConfiguration() != null) {
            return live.policyType() == want.policyType() && live.stepScalingPolicyConfiguration() != null
                    && RequestTree.of(live.stepScalingPolicyConfiguration()).equals(RequestTree.of(want.stepScalingPolicyConfiguration()));
        }
        return live.policyType() == want.policyType() && live.targetTrackingScalingPolicyConfiguration() != null
                && policyFields(live, want).isEmpty();
    }

    /**
     * A live endpoint cannot move between a plain production variant and inference components in place (the variant of
     * an endpoint that hosts inference components has no model, and the scalable target moves from the variant's
     * instance count to the component's copy count): rejected by field, before any write.
     */
    private static void rejectSwitch(SageMakerDesiredState t, DescribeEndpointResponse ep) {
        String message = t.isInferenceComponent()
                ? "endpoint '" + t.endpointName() + "' runs a plain production variant (no inference component), and SageMaker cannot "
                + "turn a live endpoint into one that hosts inference components; to scale it to zero, delete it (inferscale delete "
                + t.endpointName() + ") and apply again, or remove scaleToZero and set minReplicas to 1 or more"
                : "endpoint '" + t.endpointName() + "' hosts the inference component " + InferenceComponentParts.nameOf(t.endpointName())
                + " (it was applied with scaleToZero), and SageMaker cannot turn it back into a plain production variant in place; "
                + "keep scaleToZero, or delete the endpoint (inferscale delete " + t.endpointName() + ") and apply again";
        ValidationReport.of(Problem.error("spec.autoscaling.scaleToZero", message))
                .throwIfErrors("endpoint '" + t.endpointName() + "' on backend '" + SageMakerSettings.ID + "'");
    }

    /**
     * The inference component: created when missing (or being deleted), updated (UpdateInferenceComponent with the new
     * Specification) when its model, compute requirements or startup parameters differ. The copy count is autoscaling's
     * and never written after the creation's 1 copy.
     */
    private static void inferenceComponent(SageMakerDesiredState t, LiveEndpoint live, SageMakerSteps s) {
        InferenceComponentParts ic = t.inferenceComponent();
        var component = live.inferenceComponent();
        var want = ic.createInferenceComponent().specification();
        if (component == null || component.inferenceComponentStatus() == InferenceComponentStatus.DELETING) {
            s.createInferenceComponent = true;
            s.changes.add(new Change(Change.Action.CREATE, "InferenceComponent", ic.name(), List.of(
                    new FieldChange("Specification.ModelName", null, want.modelName()),
                    new FieldChange("RuntimeConfig.CopyCount", null, String.valueOf(ic.createInferenceComponent().runtimeConfig().copyCount()))), ""));
            return;
        }
        var have = component.specification();
        Map<String, Object> liveSpec = new LinkedHashMap<>();
        if (have != null) {
            liveSpec.put("ModelName", have.modelName());
            liveSpec.put("ComputeResourceRequirements", have.computeResourceRequirements() == null ? null : RequestTree.of(have.computeResourceRequirements()));
            liveSpec.put("StartupParameters", have.startupParameters() == null ? null : RequestTree.of(have.startupParameters()));
        }
        Map<String, Object> wantSpec = new LinkedHashMap<>();
        wantSpec.put("ModelName", want.modelName());
        wantSpec.put("ComputeResourceRequirements", RequestTree.of(want.computeResourceRequirements()));
        wantSpec.put("StartupParameters", want.startupParameters() == null ? null : RequestTree.of(want.startupParameters()));
        List<FieldChange> f = FieldChanges.diff(Map.of("Specification", liveSpec), Map.of("Specification", wantSpec));
        if (!f.isEmpty()) {
            s.updateInferenceComponent = true;
            s.changes.add(Change.update("InferenceComponent", ic.name(), f));
        }
    }

    /** The CloudWatch alarm: put when missing or when it differs from the spec (its action: the live step policy's ARN). */
    private static void alarm(SageMakerDesiredState t, LiveEndpoint live, SageMakerSteps s) {
        InferenceComponentParts ic = t.inferenceComponent();
        boolean stepPolicyPut = s.putPolicies.stream().anyMatch(p -> p.policyName().equals(InferenceComponentParts.STEP_POLICY_NAME));
        String liveArn = live.policies().stream().filter(p -> p.policyName().equals(InferenceComponentParts.STEP_POLICY_NAME))
                .map(ScalingPolicy::policyARN).findFirst().orElse(InferenceComponentParts.POLICY_ARN_PLACEHOLDER);
        Map<String, Object> want = alarmFields(RequestTree.of(ic.alarmFor(liveArn)));
        Map<String, Object> have = live.alarm() == null ? Map.of() : alarmFields(RequestTree.of(live.alarm()));
        List<FieldChange> f = FieldChanges.diff(Map.of("Alarm", have), Map.of("Alarm", want));
        if (live.alarm() == null) {
            s.putAlarm = true;
            s.changes.add(new Change(Change.Action.CREATE, "MetricAlarm", ic.alarmName(), List.of(
                    new FieldChange("MetricName", null, ic.putMetricAlarm().metricName())), ""));
        } else if (!f.isEmpty() || stepPolicyPut) {
            s.putAlarm = true;
            s.changes.add(Change.update("MetricAlarm", ic.alarmName(), f));
        }
    }

    /** The members of an alarm that PutMetricAlarm sets and DescribeAlarms returns alike. */
    private static Map<String, Object> alarmFields(Map<String, Object> tree) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : List.of("AlarmDescription", "AlarmActions", "MetricName", "Namespace", "Statistic", "Dimensions", "Period",
                "EvaluationPeriods", "DatapointsToAlarm", "Threshold", "ComparisonOperator")) {
            if (tree.get(k) != null) {
                m.put(k, tree.get(k));
            }
        }
        return m;
    }

    /** AWS's defaults filled in, so a live policy that omits a default value still equals the desired one. */
    private static Map<String, Object> withDefaults(Map<String, Object> config) {
        Map<String, Object> m = new LinkedHashMap<>(config);
        m.putIfAbsent("DisableScaleIn", false);
        m.putIfAbsent("ScaleOutCooldown", SageMakerTranslator.AWS_DEFAULT_COOLDOWN_SECONDS);
        m.putIfAbsent("ScaleInCooldown", SageMakerTranslator.AWS_DEFAULT_COOLDOWN_SECONDS);
        return m;
    }

    private static List<FieldChange> policyFields(ScalingPolicy live, PutScalingPolicyRequest want) {
        var l = live.targetTrackingScalingPolicyConfiguration() == null ? Map.<String, Object>of()
                : withDefaults(RequestTree.of(live.targetTrackingScalingPolicyConfiguration()));
        var w = withDefaults(RequestTree.of(want.targetTrackingScalingPolicyConfiguration()));
        return FieldChanges.diff(Map.of("TargetTrackingScalingPolicyConfiguration", l),
                Map.of("TargetTrackingScalingPolicyConfiguration", w));
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
