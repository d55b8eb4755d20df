package io.inferscale.backend.sagemaker.simulation;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.AutoscalerModelProvider;
import io.inferscale.api.simulation.ModelContext;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.api.simulation.TuningKnob;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code sagemaker} autoscaler model: {@link TargetTrackingAutoscalerModel}. Registered in
 * {@code META-INF/services/io.inferscale.api.simulation.AutoscalerModelProvider}. Depends on the api only.
 *
 * <p>Default startup 5 minutes: an assumption. AWS publishes no figure; launching an ML instance, pulling the
 * container and loading the model typically takes several minutes. Set
 * {@link io.inferscale.api.simulation.ReplicaProfile.Builder#startup} from your endpoint's history.
 */
public final class SageMakerAutoscalerModelProvider implements AutoscalerModelProvider {

    /** The typical time from scale-out to an in-service instance used when the profile gives none: 5 minutes. */
    public static final Duration DEFAULT_STARTUP = Duration.ofMinutes(5);

    /** Cheap; no state. */
    public SageMakerAutoscalerModelProvider() {
    }

    @Override
    public String backendId() {
        return "sagemaker";
    }

    @Override
    public String description() {
        return "SageMaker variant autoscaling: Application Auto Scaling target tracking with CloudWatch alarms and cooldowns";
    }

    @Override
    public Duration defaultStartup() {
        return DEFAULT_STARTUP;
    }

    @Override
    public Set<String> settingKeys() {
        return TargetTrackingSettings.KEYS;
    }

    /**
     * The generic knobs plus the target-tracking cooldowns, as {@code spec.backends.sagemaker.scaleOutCooldownSeconds}
     * and {@code scaleInCooldownSeconds} (the options the translator renders as {@code ScaleOutCooldown} /
     * {@code ScaleInCooldown}, which win over the behaviour windows); a direction that is {@code Disabled} is left alone.
     */
    @Override
    public List<TuningKnob> tuningKnobs(InferenceEndpoint endpoint, ReplicaProfile profile) {
        List<TuningKnob> knobs = new ArrayList<>(TuningKnob.generic(endpoint, profile));
        if (!TuningKnob.disabled(endpoint, true)) {
            knobs.add(TuningKnob.backendOption(backendId(), TargetTrackingAutoscalerModel.OPTION_SCALE_OUT_COOLDOWN, List.of(60, 300)));
        }
        if (!TuningKnob.disabled(endpoint, false)) {
            knobs.add(TuningKnob.backendOption(backendId(), TargetTrackingAutoscalerModel.OPTION_SCALE_IN_COOLDOWN, List.of(60, 300, 900)));
        }
        return knobs;
    }

    @Override
    public AutoscalerModel create(ModelContext context) {
        return new TargetTrackingAutoscalerModel(context.endpoint(), TargetTrackingSettings.from(context.settings()));
    }
}
