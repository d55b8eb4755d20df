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
 * The {@code sagemaker} autoscaler model: {@link TargetTrackingAutoscalerModel}, or {@link InferenceComponentAutoscalerModel}
 * for an endpoint that scales to zero. Registered in
 * {@code META-INF/services/io.inferscale.api.simulation.AutoscalerModelProvider}. Depends on the api and on this module's
 * {@link io.inferscale.backend.sagemaker.SageMakerTranslator}, whose policies it simulates.
 *
 * <p>Default startup 5 minutes: an assumption ({@link #defaultStartupSource()}). AWS publishes no figure for the time from
 * a scale-out to an in-service instance (launching the ML instance, pulling the container, loading the model). Set it
 * from your endpoint's history: {@code --startup sagemaker=6m} or
 * {@link io.inferscale.api.simulation.ReplicaProfile.Builder#startup}.
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

    /** The model's keys and {@code <id>.region}, the region {@link SageMakerPrices} prices in. */
    @Override
    public String defaultStartupSource() {
        return "assumption; override with --startup sagemaker=DURATION (AWS publishes no time from a scale-out to an InService instance)";
    }

    @Override
    public Set<String> settingKeys() {
        Set<String> keys = new java.util.HashSet<>(TargetTrackingSettings.KEYS);
        keys.addAll(InferenceComponentSettings.KEYS);
        return SageMakerPrices.catalogue().withRegionKey(keys);
    }

    /** {@code <id>.price.}: price overrides ({@link SageMakerPrices}). */
    @Override
    public Set<String> settingKeyPrefixes() {
        return Set.of(SageMakerPrices.catalogue().settingPrefix());
    }

    /** The replica's price from {@link SageMakerPrices}. */
    @Override
    public java.util.Optional<io.inferscale.api.simulation.ReplicaPrice> price(ModelContext context) {
        return SageMakerPrices.price(context);
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

    /**
     * Requests per second ({@code SageMakerVariantInvocationsPerInstance}) and concurrent requests per replica
     * ({@code SageMakerVariantConcurrentRequestsPerModelHighResolution}): predefined metrics of target tracking, from the
     * backend's capabilities.
     */
    @Override
    public List<TuningKnob.TargetTypeCandidate> targetTypeCandidates(InferenceEndpoint endpoint) {
        return TuningKnob.demandTargets(new io.inferscale.backend.sagemaker.SageMakerBackendProvider().capabilities());
    }

    /** The instance types of {@link SageMakerPrices} in the region priced, set as {@code spec.backends.sagemaker.instanceType}. */
    @Override
    public java.util.Optional<TuningKnob.InstanceTypes> instanceTypes(io.inferscale.api.simulation.ModelSettings settings) {
        return java.util.Optional.of(new TuningKnob.InstanceTypes(backendId(), io.inferscale.backend.sagemaker.SageMakerTranslator.OPTION_INSTANCE_TYPE,
                SageMakerPrices.catalogue().items(SageMakerPrices.catalogue().region(settings))));
    }

    /**
     * {@link InferenceComponentAutoscalerModel} when the endpoint scales to zero ({@code spec.autoscaling.scaleToZero} or
     * {@code minReplicas: 0}: the backend deploys it as an inference component), else {@link TargetTrackingAutoscalerModel}
     * on the variant's instances.
     */
    @Override
    public AutoscalerModel create(ModelContext context) {
        InferenceEndpoint e = context.endpoint();
        TargetTrackingSettings tracking = TargetTrackingSettings.from(context.settings());
        InferenceComponentSettings zero = InferenceComponentSettings.from(context.settings());
        if (e.autoscaling().scaleToZero().isPresent() || e.autoscaling().minReplicas() == 0) {
            return new InferenceComponentAutoscalerModel(e, tracking, zero);
        }
        return new TargetTrackingAutoscalerModel(e, tracking);
    }
}
