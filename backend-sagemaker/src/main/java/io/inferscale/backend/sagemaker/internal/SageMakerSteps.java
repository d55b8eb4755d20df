package io.inferscale.backend.sagemaker.internal;

import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.Note;
import io.inferscale.api.backend.Plan;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.RegisterScalableTargetRequest;

import java.util.ArrayList;
import java.util.List;

/**
 * The writes {@link SageMakerPlanner} found necessary, for {@link SageMakerExecutor} to make in this order: create
 * model, create config, create or update endpoint (with the scalable target deregistered around an instance-type
 * change), create or update the inference component (scale to zero), register target, put policies, put the alarm
 * (scale to zero), delete policies, delete configs, delete models. Built by the planner only.
 */
public final class SageMakerSteps {
    final List<Change> changes = new ArrayList<>();
    final List<Note> notes = new ArrayList<>();
    LiveEndpoint live;
    boolean createModel;
    boolean createConfig;
    boolean createEndpoint;
    boolean updateEndpoint;
    boolean retainVariantProperties;
    boolean createInferenceComponent;
    boolean updateInferenceComponent;
    boolean putAlarm;
    String deregisterTarget;
    RegisterScalableTargetRequest registerTarget;
    final List<PutScalingPolicyRequest> putPolicies = new ArrayList<>();
    final List<String> deletePolicies = new ArrayList<>();
    final List<String> deleteConfigs = new ArrayList<>();
    final List<String> deleteModels = new ArrayList<>();
    Plan plan;

    SageMakerSteps() {
    }

    /** The plan that shows these steps: one change per step, with the notes of the translation and of the diff. */
    public Plan plan() {
        return plan;
    }

    /** The live state the steps start from. */
    public LiveEndpoint live() {
        return live;
    }
}
