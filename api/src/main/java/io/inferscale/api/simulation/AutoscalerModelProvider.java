package io.inferscale.api.simulation;

import java.time.Duration;
import java.util.Set;

/**
 * Supplies the autoscaler model of one backend. Each backend module registers its provider in
 * {@code META-INF/services/io.inferscale.api.simulation.AutoscalerModelProvider}, so
 * {@code AutoscalerModels.discover().model("sagemaker")} finds SageMaker's behaviour whenever the SageMaker
 * backend is on the class path. Providers are cheap to construct and stateless.
 */
public interface AutoscalerModelProvider {

    /** The backend id, the same as its {@link io.inferscale.api.backend.BackendProvider#id()}, e.g. {@code sagemaker}. */
    String backendId();

    /** One line describing the algorithm, e.g. {@code Kubernetes HorizontalPodAutoscaler (autoscaling/v2)}. */
    String description();

    /** The startup time used when the {@link ReplicaProfile} gives none: the backend's typical time to a ready replica. */
    Duration defaultStartup();

    /**
     * Where {@link #defaultStartup()} comes from: a documentation page, or {@code assumption; override with ...}
     * when the cloud publishes no figure. Default: an assumption overridable with {@code --startup}.
     */
    default String defaultStartupSource() {
        return "assumption; override with --startup " + backendId() + "=DURATION";
    }

    /**
     * The price of one replica of this endpoint on this backend (the instance or machine the backend would choose,
     * or a share of a node), from the provider's catalogue or the user's overrides in the context's settings.
     * Empty when the provider has no price for it: the result then has no cost
     * ({@code io.inferscale.simulator.SimulationResult.cost()}).
     *
     * @throws io.inferscale.api.ConfigurationException when a price override is malformed
     */
    default java.util.Optional<ReplicaPrice> price(ModelContext context) {
        return java.util.Optional.empty();
    }

    /**
     * The settings {@code inferscale tune} may change for this backend: only what the cloud honours natively. Default
     * {@link TuningKnob#generic}: min and max replicas and the value of each target the spec uses; a backend adds its
     * windows or cooldowns.
     *
     * @param endpoint the spec being tuned
     * @param profile  the replica profile (scales the candidate values of request-rate and concurrency targets)
     */
    default java.util.List<TuningKnob> tuningKnobs(io.inferscale.api.InferenceEndpoint endpoint, ReplicaProfile profile) {
        return TuningKnob.generic(endpoint, profile);
    }

    /**
     * The target types {@code inferscale tune} may switch to when no value of the spec's own target type meets the SLO
     * on this backend, in the order to try, each with the native metric it scales on. Only types that follow the demand
     * and that this backend honours natively belong here. Default: none (the tuner never changes the target type).
     *
     * @param endpoint the spec being tuned
     */
    default java.util.List<TuningKnob.TargetTypeCandidate> targetTypeCandidates(io.inferscale.api.InferenceEndpoint endpoint) {
        return java.util.List.of();
    }

    /**
     * The instance or machine types {@code inferscale tune --instance-types} may choose from on this backend: its price
     * catalogue's types in the region the settings price. Default: empty (the backend has no type to choose).
     *
     * @param settings the model settings (the region priced)
     * @throws io.inferscale.api.ConfigurationException when the settings name an unknown region
     */
    default java.util.Optional<TuningKnob.InstanceTypes> instanceTypes(ModelSettings settings) {
        return java.util.Optional.empty();
    }

    /** The keys {@link ModelSettings} may override for this model. */
    Set<String> settingKeys();

    /**
     * Prefixes of open families of setting keys this provider also accepts, e.g. {@code sagemaker.price.} for
     * {@code sagemaker.price.ml.g6.xlarge}: any key that starts with one (and is longer) passes
     * {@link ModelSettings#requireKnownKeys(String, Set, Set)}; the provider checks the values. Default: none.
     */
    default Set<String> settingKeyPrefixes() {
        return Set.of();
    }

    /**
     * A fresh model for one run.
     *
     * @throws io.inferscale.api.ConfigurationException when a setting is unknown or out of range
     */
    AutoscalerModel create(ModelContext context);
}
