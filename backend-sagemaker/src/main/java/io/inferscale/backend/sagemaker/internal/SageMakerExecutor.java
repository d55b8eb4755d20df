package io.inferscale.backend.sagemaker.internal;

import io.inferscale.api.BackendException;
import io.inferscale.api.BackendException.Reason;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.ConvergenceBudget;
import io.inferscale.api.backend.Note;
import io.inferscale.api.backend.Plan;
import io.inferscale.backend.sagemaker.InferenceComponentParts;
import io.inferscale.backend.sagemaker.SageMakerDesiredState;
import io.inferscale.backend.sagemaker.SageMakerSettings;
import io.inferscale.backend.sagemaker.SageMakerTranslator;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.RegisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeInferenceComponentResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemaker.model.InferenceComponentStatus;
import software.amazon.awssdk.services.sagemaker.model.PendingDeploymentSummary;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.inferscale.backend.sagemaker.internal.AwsCalls.applyStep;
import static io.inferscale.backend.sagemaker.internal.AwsCalls.atStep;
import static io.inferscale.backend.sagemaker.internal.AwsCalls.call;
import static io.inferscale.backend.sagemaker.internal.AwsCalls.findOrEmpty;
import static io.inferscale.backend.sagemaker.internal.AwsCalls.ignoreNotFound;
import static io.inferscale.backend.sagemaker.internal.AwsCalls.tolerateExisting;

/**
 * The writes: the rounds of an apply ({@link #apply}), each executing the planned steps in dependency order
 * ({@link #execute}), and a delete ({@link #delete}).
 * Every failed remote call ends in {@link BackendException#atStep} naming its step, and running the same operation
 * again converges: creates accept an existing model or config of the same content-hashed name (and an endpoint an
 * earlier attempt of this apply created), deletes accept what is already gone.
 */
public final class SageMakerExecutor {

    private static final String ID = SageMakerSettings.ID;

    private final SageMakerClients clients;
    private final SageMakerLiveReader reader;
    private final SageMakerWaits waits;

    /** Writes through {@code clients}, reading back with {@code reader} and waiting with {@code waits}. */
    public SageMakerExecutor(SageMakerClients clients, SageMakerLiveReader reader, SageMakerWaits waits) {
        this.clients = clients;
        this.reader = reader;
        this.waits = waits;
    }

    /**
     * Applies {@code t} in the rounds of {@code budget}: observe (after waiting while the endpoint is changing), plan,
     * execute, and read back right after the writes (the verification: the reads of a no-op apply); done when a read
     * finds nothing to write. A round whose writes conflict with a concurrent apply, or whose read-back differs from
     * the spec, is followed by another after the budget's random pause; a refusal because another apply's change is
     * under way ({@link OwnedByAnother}) stops at once. When the rounds are spent: {@link ConvergenceBudget#exhausted}.
     */
    public ApplyResult apply(SageMakerDesiredState t, ConvergenceBudget budget) {
        return new Rounds(t).rest(budget);
    }

    /**
     * The first round of an endpoint in a fleet apply, planned against {@code live} (read in bulk by the fleet, or per
     * endpoint): the result when nothing needed writing, else the writes made and no read-back yet; the fleet reads
     * every written endpoint back in bulk after all have written, then calls {@link #finish}. A refusal because another
     * apply's change is under way ({@link OwnedByAnother}) and any other failure are thrown, as by {@link #apply}.
     */
    public FleetPass firstRound(SageMakerDesiredState t, LiveEndpoint live) {
        Rounds rounds = new Rounds(t);
        ConvergenceBudget budget = ConvergenceBudget.start(ID);
        budget.nextRound();
        return new FleetPass(rounds, rounds.round(live, budget));
    }

    /**
     * Ends a fleet apply's endpoint after {@link #firstRound}: done when the read-back {@code after} (made after every
     * endpoint of the fleet wrote; null: not read) matches the spec; otherwise the rounds of {@link #apply} with what is
     * left of the budget (the fleet's pass was round 1), reading per endpoint.
     */
    public ApplyResult finish(FleetPass pass, LiveEndpoint after) {
        if (pass.done() != null) {
            return pass.done();
        }
        ApplyResult done = after == null ? null : pass.rounds.verified(after);
        return done != null ? done : pass.rounds.rest(ConvergenceBudget.of(ID, ConvergenceBudget.MAX_ROUNDS - 1, ConvergenceBudget.MAX_PAUSE, Thread::sleep));
    }

    /** An endpoint after its first round in a fleet apply: {@code done} when it needed no write, else {@link #finish} ends it. */
    public static final class FleetPass {
        private final Rounds rounds;
        private final ApplyResult done;

        private FleetPass(Rounds rounds, ApplyResult done) {
            this.rounds = rounds;
            this.done = done;
        }

        /** The endpoint's desired state. */
        public SageMakerDesiredState desired() {
            return rounds.t;
        }

        /** The result when the first round found nothing to write; null when it wrote (the read-back decides). */
        public ApplyResult done() {
            return done;
        }
    }

    /** The state of one endpoint's apply across its rounds: the changes made, the first round's notes, the last conflict. */
    private final class Rounds {
        private final SageMakerDesiredState t;
        private final List<Change> applied = new ArrayList<>();
        private final List<Note> notes = new ArrayList<>();
        private BackendException conflict;
        private boolean firstPlan = true;

        Rounds(SageMakerDesiredState t) {
            this.t = t;
        }

        /**
         * One round against {@code live}: the result when there is nothing to write; else the writes, and null (the
         * read-back comes next). A conflict with a concurrent apply (a target deregistered or registered meanwhile, a
         * config deleted) is kept and the read-back decides, as the last writer must; only a refusal because another
         * apply's change is in progress ({@link OwnedByAnother}), or a conflict in the last round, is thrown.
         */
        ApplyResult round(LiveEndpoint live, ConvergenceBudget budget) {
            SageMakerSteps steps = SageMakerPlanner.plan(t, live);
            if (firstPlan) {
                notes.addAll(steps.plan().notes());
                firstPlan = false;
            }
            if (steps.plan().isEmpty()) {
                return result(live);
            }
            applied.addAll(steps.plan().changes());
            try {
                execute(t, steps);
            } catch (BackendException e) {
                if (budget.isLastRound() || e.reason() != Reason.CONFLICT || e.getCause() instanceof OwnedByAnother) {
                    throw e;
                }
                conflict = e;
            }
            return null;
        }

        /** The result when the read-back {@code after} matches the spec; null when another round must write. */
        ApplyResult verified(LiveEndpoint after) {
            return SageMakerPlanner.plan(t, after).plan().isEmpty() ? result(after) : null;
        }

        /**
         * The rounds of {@code budget}: observe (after waiting while the endpoint is changing), plan, write, and verify
         * right after the writes; when another apply wrote meanwhile, the next round (after a random pause that grows
         * each round, so that concurrent applies stop overwriting each other in step) repeats them.
         */
        ApplyResult rest(ConvergenceBudget budget) {
            while (budget.nextRound()) {
                ApplyResult done = round(observe(t), budget);
                if (done == null) {
                    done = verified(observe(t));
                }
                if (done != null) {
                    return done;
                }
            }
            throw budget.exhausted("apply", t.endpointName(), "verify endpoint " + t.endpointName(), conflict);
        }

        private ApplyResult result(LiveEndpoint live) {
            return new ApplyResult(new Plan(t.endpointName(), ID, applied, notes), SageMakerStatusMapper.applied(t, live));
        }
    }

    /**
     * The reads of a fleet apply's endpoint, before its first round or after the fleet's writes: DescribeEndpoint, and
     * the rest from {@code snapshot} (read in bulk; what it lacks is read for the endpoint). An endpoint that is not
     * InService (changing, deleting, failed) is observed as by {@link #apply}: after waiting, every part read for it,
     * a Failed endpoint stopping apply.
     */
    public LiveEndpoint observe(SageMakerDesiredState t, FleetSnapshot snapshot) {
        String name = t.endpointName();
        return atStep("apply", name, () -> "observe endpoint " + name, () -> {
            DescribeEndpointResponse ep = reader.describeEndpoint(name).orElse(null);
            if (ep != null && ep.endpointStatus() != EndpointStatus.IN_SERVICE) {
                return reader.read(t, waits.awaitSettled(name).orElse(null), false);
            }
            return snapshot.live(t, ep, false, reader);
        });
    }

    /** The reads of one round of apply, after waiting while the endpoint is changing; a Failed endpoint stops apply. */
    private LiveEndpoint observe(SageMakerDesiredState t) {
        return atStep("apply", t.endpointName(), () -> "observe endpoint " + t.endpointName(),
                () -> reader.read(t, waits.awaitSettled(t.endpointName()).orElse(null), false));
    }

    /**
     * SageMaker refused a change because another apply's change of this endpoint is under way (it created the endpoint
     * with another config, or its update is in progress): that apply verifies after its change, so this one stops.
     */
    public static final class OwnedByAnother extends BackendException {
        private static final long serialVersionUID = 1L;

        OwnedByAnother(BackendException refusal) {
            super(ID, Reason.CONFLICT, refusal.getMessage().substring(ID.length() + 2)
                    + " (another apply of this endpoint is changing it; re-run this one once that has finished)", refusal.getCause());
        }
    }

    /** The writes of one round, in dependency order; each failure names its step. */
    public void execute(SageMakerDesiredState t, SageMakerSteps steps) {
        String name = t.endpointName();
        if (steps.createModel) {
            String step = "CreateModel " + t.modelName();
            applyStep(name, step, () -> {
                try {
                    clients.sageMaker().createModel(t.createModel());
                } catch (SdkException e) {
                    // the name is a content hash: an existing model of that name is this model (a retried call, a concurrent apply)
                    if (!AwsErrors.isAlreadyExisting(e)) {
                        // AWS echoes invalid values in its messages: keep the environment's values (possible secrets) out of them.
                        throw AwsErrors.translate(ID, step, e, t.createModel().primaryContainer().environment().values());
                    }
                }
                return null;
            });
        }
        if (steps.createConfig) {
            String step = "CreateEndpointConfig " + t.endpointConfigName();
            applyStep(name, step, () -> tolerateExisting(step, () -> clients.sageMaker().createEndpointConfig(t.createEndpointConfig())));
        }
        if (steps.createEndpoint) {
            String step = "CreateEndpoint " + name;
            applyStep(name, step, () -> {
                try {
                    clients.sageMaker().createEndpoint(t.createEndpoint());
                } catch (SdkException e) {
                    // ours when an earlier attempt of this call went through (its answer was lost); else another apply's
                    if (!AwsErrors.isAlreadyExisting(e)) {
                        throw AwsErrors.translate(ID, step, e);
                    }
                    Optional<DescribeEndpointResponse> existing = reader.describeEndpoint(name);
                    if (existing.isEmpty()) {
                        throw AwsErrors.translate(ID, step, e);
                    }
                    if (!t.endpointConfigName().equals(existing.get().endpointConfigName())) {
                        throw new OwnedByAnother(AwsErrors.translate(ID, step, e));
                    }
                }
                return null;
            });
            applyStep(name, "wait for endpoint " + name + " to be InService", () -> waits.awaitInService(name));
        } else if (steps.updateEndpoint) {
            if (steps.deregisterTarget != null) {
                applyStep(name, "DeregisterScalableTarget " + steps.deregisterTarget, () -> {
                    deregister(steps.deregisterTarget);
                    return null;
                });
            }
            try {
                String step = "UpdateEndpoint " + name;
                applyStep(name, step, () -> {
                    try {
                        clients.sageMaker().updateEndpoint(b -> b.endpointName(name).endpointConfigName(t.endpointConfigName())
                                .retainAllVariantProperties(steps.retainVariantProperties));
                    } catch (SdkException e) {
                        // ours when an earlier attempt went through and the endpoint is now updating to this config
                        if (!AwsErrors.isInProgress(e)) {
                            throw AwsErrors.translate(ID, step, e);
                        }
                        Optional<DescribeEndpointResponse> now = reader.describeEndpoint(name);
                        String pending = now.map(DescribeEndpointResponse::pendingDeploymentSummary)
                                .map(PendingDeploymentSummary::endpointConfigName).orElse(null);
                        if (pending == null) {
                            throw AwsErrors.translate(ID, step, e);
                        }
                        if (!t.endpointConfigName().equals(pending)) {
                            throw new OwnedByAnother(AwsErrors.translate(ID, step, e));
                        }
                    }
                    return null;
                });
                applyStep(name, "wait for endpoint " + name + " to be InService", () -> waits.awaitInService(name));
            } catch (BackendException e) {
                // a refusal because another apply's update is in progress: that apply registers its own target afterwards
                if (steps.deregisterTarget != null && e.reason() != Reason.CONFLICT) {
                    restoreAutoscaling(steps.live, e);
                }
                throw e;
            }
        }
        if (steps.createInferenceComponent || steps.updateInferenceComponent) {
            writeInferenceComponent(t, steps);
        }
        if (steps.registerTarget != null) {
            RegisterScalableTargetRequest r = steps.registerTarget;
            applyStep(name, "RegisterScalableTarget " + r.resourceId(), () -> call("RegisterScalableTarget " + r.resourceId(), () -> clients.autoScaling().registerScalableTarget(r)));
        }
        String stepPolicyArn = steps.live.policies().stream().filter(p -> p.policyName().equals(InferenceComponentParts.STEP_POLICY_NAME))
                .map(ScalingPolicy::policyARN).findFirst().orElse(null);
        for (PutScalingPolicyRequest p : steps.putPolicies) {
            String arn = applyStep(name, "PutScalingPolicy " + p.policyName(), () -> call("PutScalingPolicy " + p.policyName(),
                    () -> clients.autoScaling().putScalingPolicy(p)).policyARN());
            if (p.policyName().equals(InferenceComponentParts.STEP_POLICY_NAME)) {
                stepPolicyArn = arn;
            }
        }
        if (steps.putAlarm) {
            InferenceComponentParts ic = t.inferenceComponent();
            String arn = stepPolicyArn;
            String step = "PutMetricAlarm " + ic.alarmName();
            if (arn == null) {
                // the step policy vanished between the read and now (a concurrent delete): the next round puts it first
                throw BackendException.atStep("apply", name, step, new BackendException(ID, Reason.CONFLICT, "the step scaling policy "
                        + InferenceComponentParts.STEP_POLICY_NAME + " of " + ic.name() + " is missing (removed meanwhile)"));
            }
            applyStep(name, step, () -> call(step, () -> clients.cloudWatch().putMetricAlarm(ic.alarmFor(arn))));
        }
        for (String policy : steps.deletePolicies) {
            String step = "DeleteScalingPolicy " + policy;
            applyStep(name, step, () -> {
                ignoreNotFound(step, () -> clients.autoScaling().deleteScalingPolicy(b -> b.policyName(policy).serviceNamespace(ServiceNamespace.SAGEMAKER)
                        .resourceId(t.resourceId()).scalableDimension(t.scalableDimension())));
                return null;
            });
        }
        for (String c : steps.deleteConfigs) {
            String step = "DeleteEndpointConfig " + c;
            applyStep(name, step, () -> {
                ignoreNotFound(step, () -> clients.sageMaker().deleteEndpointConfig(b -> b.endpointConfigName(c)));
                return null;
            });
        }
        for (String m : steps.deleteModels) {
            String step = "DeleteModel " + m;
            applyStep(name, step, () -> {
                ignoreNotFound(step, () -> clients.sageMaker().deleteModel(b -> b.modelName(m)));
                return null;
            });
        }
    }

    /**
     * CreateInferenceComponent (a name already taken is this endpoint's component from an earlier attempt: the next
     * round compares its specification) or UpdateInferenceComponent with the desired Specification, then polls until
     * it is InService.
     */
    private void writeInferenceComponent(SageMakerDesiredState t, SageMakerSteps steps) {
        String name = t.endpointName();
        InferenceComponentParts ic = t.inferenceComponent();
        if (steps.createInferenceComponent) {
            String step = "CreateInferenceComponent " + ic.name();
            applyStep(name, step, () -> tolerateExisting(step, () -> clients.sageMaker().createInferenceComponent(ic.createInferenceComponent())));
        } else {
            String step = "UpdateInferenceComponent " + ic.name();
            applyStep(name, step, () -> call(step, () -> clients.sageMaker().updateInferenceComponent(b -> b.inferenceComponentName(ic.name())
                    .specification(ic.createInferenceComponent().specification()))));
        }
        applyStep(name, "wait for inference component " + ic.name() + " to be InService", () -> {
            waits.awaitInferenceComponentInService(ic.name());
            return null;
        });
    }

    /**
     * Before DeleteEndpoint of an endpoint that hosts InferScale's inference component, in AWS's order: the alarm
     * (DeleteAlarms), the policies (DescribeScalingPolicies, one DeleteScalingPolicy each), the scalable target
     * (DeregisterScalableTarget), the inference component (DeleteInferenceComponent, then polls until it is gone).
     * Each step accepts what is already gone, so a re-run after a failure carries on.
     */
    private void deleteInferenceComponent(String name) {
        String ic = InferenceComponentParts.nameOf(name);
        String alarm = InferenceComponentParts.alarmNameOf(name);
        String resourceId = InferenceComponentParts.resourceIdOf(name);
        String dimension = SageMakerTranslator.IC_SCALABLE_DIMENSION;
        atStep("delete", name, () -> "DeleteAlarms " + alarm, () -> findOrEmpty("DeleteAlarms " + alarm,
                () -> clients.cloudWatch().deleteAlarms(b -> b.alarmNames(alarm))));
        for (ScalingPolicy p : atStep("delete", name, () -> "DescribeScalingPolicies " + resourceId, () -> reader.policies(resourceId, dimension))) {
            String step = "DeleteScalingPolicy " + p.policyName();
            atStep("delete", name, () -> step, () -> findOrEmpty(step, () -> clients.autoScaling().deleteScalingPolicy(b -> b
                    .policyName(p.policyName()).serviceNamespace(ServiceNamespace.SAGEMAKER).resourceId(resourceId).scalableDimension(dimension))));
        }
        String deregister = "DeregisterScalableTarget " + resourceId;
        atStep("delete", name, () -> deregister, () -> findOrEmpty(deregister, () -> clients.autoScaling().deregisterScalableTarget(b -> b
                .serviceNamespace(ServiceNamespace.SAGEMAKER).resourceId(resourceId).scalableDimension(dimension))));
        Optional<DescribeInferenceComponentResponse> component = atStep("delete", name, () -> "DescribeInferenceComponent " + ic,
                () -> reader.describeInferenceComponent(ic));
        if (component.isPresent()) {
            if (component.get().inferenceComponentStatus() != InferenceComponentStatus.DELETING) {
                deleteOnce(name, "DeleteInferenceComponent " + ic, () -> clients.sageMaker().deleteInferenceComponent(b -> b.inferenceComponentName(ic)),
                        () -> reader.describeInferenceComponent(ic).map(d -> d.inferenceComponentStatus() == InferenceComponentStatus.DELETING).orElse(true));
            }
            atStep("delete", name, () -> "wait for inference component " + ic + " to be deleted", () -> {
                waits.awaitInferenceComponentDeleted(ic);
                return null;
            });
        }
    }

    /**
     * Best effort after a failed update that followed a deregistration: SageMaker keeps (or rolls back to) the old
     * config, so register the old target and put its old policies again rather than leave the endpoint unscaled.
     */
    private void restoreAutoscaling(LiveEndpoint live, BackendException failure) {
        ScalableTarget old = live.target();
        try {
            clients.autoScaling().registerScalableTarget(b -> b.serviceNamespace(ServiceNamespace.SAGEMAKER).resourceId(old.resourceId())
                    .scalableDimension(old.scalableDimension()).minCapacity(old.minCapacity()).maxCapacity(old.maxCapacity())
                    .suspendedState(old.suspendedState()));
            for (ScalingPolicy p : live.policies()) {
                clients.autoScaling().putScalingPolicy(b -> b.policyName(p.policyName()).serviceNamespace(ServiceNamespace.SAGEMAKER)
                        .resourceId(p.resourceId()).scalableDimension(p.scalableDimension()).policyType(p.policyType())
                        .targetTrackingScalingPolicyConfiguration(p.targetTrackingScalingPolicyConfiguration())
                        .stepScalingPolicyConfiguration(p.stepScalingPolicyConfiguration()));
            }
        } catch (SdkException e) {
            failure.addSuppressed(AwsErrors.translate(ID, "restoring the scalable target " + old.resourceId() + " after the failed update", e));
        }
    }

    /** Deletes the endpoint (waiting for it to go), then its configs and models; see {@code SageMakerBackend#delete} for the calls. */
    public boolean delete(String name) {
        boolean deleted = false;
        Optional<DescribeEndpointResponse> ep = atStep("delete", name, () -> "DescribeEndpoint " + name, () -> reader.describeEndpoint(name));
        if (ep.isPresent()) {
            EndpointStatus s = ep.get().endpointStatus();
            if (s == EndpointStatus.CREATING || s == EndpointStatus.UPDATING || s == EndpointStatus.SYSTEM_UPDATING || s == EndpointStatus.ROLLING_BACK) {
                try {
                    atStep("delete", name, () -> "wait for endpoint " + name + " to be InService before deleting it", () -> waits.awaitInService(name));
                } catch (BackendException e) {
                    if (e.reason() != Reason.FAILED) {
                        throw e;
                    }
                }
            }
            if (s != EndpointStatus.DELETING && LiveEndpoint.hostsInferenceComponents(ep.get())) {
                deleteInferenceComponent(name);
            }
            if (s != EndpointStatus.DELETING) {
                deleteOnce(name, "DeleteEndpoint " + name, () -> clients.sageMaker().deleteEndpoint(b -> b.endpointName(name)),
                        () -> reader.describeEndpoint(name).map(d -> d.endpointStatus() == EndpointStatus.DELETING).orElse(true));
            }
            atStep("delete", name, () -> "wait for endpoint " + name + " to be deleted", () -> {
                waits.awaitDeleted(name);
                return null;
            });
            deleted = true;
        }
        for (String c : atStep("delete", name, () -> "ListEndpointConfigs " + SageMakerTranslator.prefix(name, "c"), () -> reader.ownConfigs(name))) {
            String step = "DeleteEndpointConfig " + c;
            atStep("delete", name, () -> step, () -> findOrEmpty(step, () -> clients.sageMaker().deleteEndpointConfig(b -> b.endpointConfigName(c))));
            deleted = true;
        }
        for (String m : atStep("delete", name, () -> "ListModels " + SageMakerTranslator.prefix(name, "m"), () -> reader.ownModels(name))) {
            String step = "DeleteModel " + m;
            atStep("delete", name, () -> step, () -> findOrEmpty(step, () -> clients.sageMaker().deleteModel(b -> b.modelName(m))));
            deleted = true;
        }
        return deleted;
    }

    /**
     * A delete of delete(): NOT_FOUND, or "in progress" while {@code deletingOrGone} says the resource is deleting or gone,
     * means an earlier attempt of this call went through (its answer was lost); anything else fails the step.
     */
    private static void deleteOnce(String endpoint, String step, Runnable delete, java.util.function.BooleanSupplier deletingOrGone) {
        atStep("delete", endpoint, () -> step, () -> {
            try {
                delete.run();
            } catch (SdkException e) {
                if (!AwsErrors.isNotFound(e) && !(AwsErrors.isInProgress(e) && deletingOrGone.getAsBoolean())) {
                    throw AwsErrors.translate(ID, step, e);
                }
            }
            return null;
        });
    }

    private void deregister(String resourceId) {
        ignoreNotFound("DeregisterScalableTarget " + resourceId, () -> clients.autoScaling().deregisterScalableTarget(b -> b
                .serviceNamespace(ServiceNamespace.SAGEMAKER).resourceId(resourceId)
                .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)));
    }
}
