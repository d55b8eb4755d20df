package io.inferscale.api.simulation;

import io.inferscale.api.DiscoveryException;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.backend.ProviderRegistry;

import java.util.List;
import java.util.Set;

/**
 * The autoscaler models available to a program: found with {@link java.util.ServiceLoader} like the backends
 * themselves, or given explicitly. The simulator (module {@code inferscale-simulator}) looks models up here; the
 * example below runs one with its engine, {@code io.inferscale.simulator.Simulation}.
 *
 * <pre>{@code
 * AutoscalerModelProvider sagemaker = AutoscalerModels.discover().model("sagemaker");
 * SimulationResult result = Simulation.of(endpoint).trace(trace).profile(profile).run(sagemaker);
 * }</pre>
 *
 * <p>Error behaviour matches {@link Backends}: a provider that fails to load is recorded in
 * {@link #failures()}; two providers claiming one id fail discovery naming both classes; an unknown id names the
 * ids found and the Maven artifact that provides it.
 */
public final class AutoscalerModels {

    private static final ProviderRegistry.Vocabulary WORDS = new ProviderRegistry.Vocabulary(
            "autoscaler model", "No autoscaler model for backend", "simulate", "the same backend id");

    private final ProviderRegistry<AutoscalerModelProvider> registry;

    private AutoscalerModels(ProviderRegistry<AutoscalerModelProvider> registry) {
        this.registry = registry;
    }

    /** Discovers model providers with the class loader that loaded the api. */
    public static AutoscalerModels discover() {
        return discover(AutoscalerModelProvider.class.getClassLoader());
    }

    /**
     * Discovers model providers with the given class loader.
     *
     * @throws DiscoveryException when two providers claim the same backend id
     */
    public static AutoscalerModels discover(ClassLoader classLoader) {
        return new AutoscalerModels(ProviderRegistry.discover(AutoscalerModelProvider.class, classLoader,
                AutoscalerModelProvider::backendId, "backendId()", WORDS));
    }

    /**
     * Uses exactly the given providers, without discovery.
     *
     * @throws DiscoveryException when two providers claim the same backend id
     */
    public static AutoscalerModels of(AutoscalerModelProvider... providers) {
        return new AutoscalerModels(ProviderRegistry.of(List.of(providers), AutoscalerModelProvider::backendId, "backendId()", WORDS));
    }

    /** The providers found, in discovery order. */
    public List<AutoscalerModelProvider> providers() {
        return registry.providers();
    }

    /** The backend ids that have a model, sorted. */
    public Set<String> ids() {
        return registry.ids();
    }

    /** Providers that failed to load. */
    public List<Backends.Failure> failures() {
        return registry.failures();
    }

    /**
     * The model provider of the given backend.
     *
     * @throws DiscoveryException when there is none, naming the ids found, failed providers and the artifact to add
     */
    public AutoscalerModelProvider model(String backendId) {
        return registry.get(backendId);
    }

    @Override
    public String toString() {
        return "AutoscalerModels" + registry;
    }
}
