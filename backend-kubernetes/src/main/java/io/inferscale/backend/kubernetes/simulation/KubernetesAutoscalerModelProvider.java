package io.inferscale.backend.kubernetes.simulation;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.AutoscalerModelProvider;
import io.inferscale.api.simulation.ModelContext;
import io.inferscale.backend.kubernetes.KubernetesTranslator;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.api.simulation.TuningKnob;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code kubernetes} autoscaler model: {@link HpaAutoscalerModel} of the HPA the {@link KubernetesTranslator}
 * renders for the endpoint (with the translator keys of {@link HpaSettings#TRANSLATOR_KEYS} taken from the model
 * settings, e.g. {@code kubernetes.requestsPerSecondMetricType=External}). Registered in
 * {@code META-INF/services/io.inferscale.api.simulation.AutoscalerModelProvider}. An endpoint with
 * {@code spec.backends.kubernetes.autoscaler: keda} gets a {@link KedaAutoscalerModel} of the ScaledObject the translator
 * renders instead (its {@code kubernetes.keda.*} keys of {@link HpaSettings#TRANSLATOR_KEYS} taken from the model settings).
 *
 * <p>Default startup 60 s: an assumption for a model-serving pod (scheduling on an existing node, cached image,
 * model load, readiness probe). Pods that need a new node (cluster autoscaler) take minutes: set
 * {@link io.inferscale.api.simulation.ReplicaProfile.Builder#startup} for your cluster.
 */
public final class KubernetesAutoscalerModelProvider implements AutoscalerModelProvider {

    /** The typical time from scale-up to a ready pod used when the profile gives none: 60 s. */
    public static final Duration DEFAULT_STARTUP = Duration.ofSeconds(60);

    /** Cheap; no state. */
    public KubernetesAutoscalerModelProvider() {
    }

    @Override
    public String backendId() {
        return "kubernetes";
    }

    @Override
    public String description() {
        return "Kubernetes HorizontalPodAutoscaler (autoscaling/v2), ported from pkg/controller/podautoscaler; "
                + "KEDA ScaledObject (0 <-> 1 by KEDA's polling loop, the HPA above) with autoscaler: keda";
    }

    @Override
    public Duration defaultStartup() {
        return DEFAULT_STARTUP;
    }

    /**
     * No Kubernetes documentation gives a pod start-up time: 60 s is this project's assumption for a model-serving
     * pod on an existing node with a cached image.
     */
    @Override
    public String defaultStartupSource() {
        return "assumption; override with --startup kubernetes=DURATION (60s is a pod on an existing node with a cached image; "
                + "a pod that needs a new node from the cluster autoscaler takes minutes)";
    }

    /** The model's keys and {@code <id>.region}, the region {@link KubernetesPrices} prices in. */
    @Override
    public Set<String> settingKeys() {
        return KubernetesPrices.catalogue().withRegionKey(HpaSettings.KEYS);
    }

    /** {@code <id>.price.}: price overrides ({@link KubernetesPrices}). */
    @Override
    public Set<String> settingKeyPrefixes() {
        return Set.of(KubernetesPrices.catalogue().settingPrefix());
    }

    /** The replica's price from {@link KubernetesPrices}. */
    @Override
    public java.util.Optional<io.inferscale.api.simulation.ReplicaPrice> price(ModelContext context) {
        return KubernetesPrices.price(context);
    }

    /**
     * The generic knobs plus {@code behavior.scaleUp/scaleDown.stabilizationWindowSeconds}, which the HPA honours
     * natively (autoscaling/v2 {@code HPAScalingRules}, 0..3600 s); a direction that is {@code Disabled} is left alone.
     */
    @Override
    public List<TuningKnob> tuningKnobs(InferenceEndpoint endpoint, ReplicaProfile profile) {
        List<TuningKnob> knobs = new ArrayList<>(TuningKnob.generic(endpoint, profile));
        if (!TuningKnob.disabled(endpoint, true)) {
            knobs.add(TuningKnob.stabilizationWindow(true, List.of(0, 60, 180)));
        }
        if (!TuningKnob.disabled(endpoint, false)) {
            knobs.add(TuningKnob.stabilizationWindow(false, List.of(0, 120, 300, 600)));
        }
        return knobs;
    }

    /**
     * Requests per second, then concurrent requests per replica: the HPA scales on them natively as Pods (or External)
     * metrics of target type AverageValue, from a custom metrics adapter serving the metric (each candidate's note says
     * which). A pod has no instance type to choose ({@link #instanceTypes} stays empty): it is priced per requested vCPU
     * and GiB ({@link KubernetesPrices}) whatever node it lands on.
     */
    @Override
    public List<TuningKnob.TargetTypeCandidate> targetTypeCandidates(InferenceEndpoint endpoint) {
        return TuningKnob.demandTargets(new io.inferscale.backend.kubernetes.KubernetesBackendProvider().capabilities());
    }

    @Override
    public AutoscalerModel create(ModelContext context) {
        HpaSettings settings = HpaSettings.from(context.settings());
        KubernetesTranslator translator = new KubernetesTranslator(HpaSettings.translatorSettings(context.settings()));
        if (KubernetesTranslator.usesKeda(context.endpoint())) {
            return new KedaAutoscalerModel(context.endpoint(), translator.translate(context.endpoint()).scaledObject(), settings);
        }
        return new HpaAutoscalerModel(context.endpoint(), translator.translateHpa(context.endpoint()).hpa(), settings);
    }
}
