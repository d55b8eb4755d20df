package io.inferscale.api.backend;

import io.inferscale.api.DiscoveryException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The backends available to a program: found on the class path with {@link java.util.ServiceLoader}, or given
 * explicitly.
 *
 * <pre>{@code
 * try (Backend backend = Backends.discover().create("kubernetes", BackendConfig.fromEnvironment())) {
 *     backend.apply(endpoint);
 * }
 * }</pre>
 *
 * <p>A provider that fails to load is recorded in {@link #failures()} by its class name (also when a class
 * it needs, such as its cloud SDK, is missing) and does not hide the others;
 * two providers claiming one id make {@link #discover} fail naming both classes; asking for an id that
 * is not there names the ids found and the Maven artifact to add.
 */
public final class Backends {

    /** The backends InferScale publishes, by id, with the artifact that provides each. */
    public static final Map<String, String> KNOWN_ARTIFACTS = knownArtifactsMap();

    private static Map<String, String> knownArtifactsMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("kubernetes", "io.inferscale:inferscale-backend-kubernetes");
        m.put("sagemaker", "io.inferscale:inferscale-backend-sagemaker");
        m.put("vertex", "io.inferscale:inferscale-backend-vertex");
        m.put("in-memory", "io.inferscale:inferscale-backend-in-memory");
        return Collections.unmodifiableMap(m);
    }

    /**
     * A provider that could not be loaded.
     *
     * @param provider the provider class named in the services file, or {@code "(unknown)"}
     * @param message  why it failed
     * @param cause    the error
     */
    public record Failure(String provider, String message, Throwable cause) {
        @Override
        public String toString() {
            return provider + ": " + message;
        }
    }

    private static final ProviderRegistry.Vocabulary WORDS =
            new ProviderRegistry.Vocabulary("backend", "Unknown backend", "use", "the same id");

    private final ProviderRegistry<BackendProvider> registry;

    private Backends(ProviderRegistry<BackendProvider> registry) {
        this.registry = registry;
    }

    /** Discovers providers with the class loader that loaded the api. */
    public static Backends discover() {
        return discover(BackendProvider.class.getClassLoader());
    }

    /**
     * Discovers providers with the given class loader.
     *
     * @throws DiscoveryException when two providers claim the same id
     */
    public static Backends discover(ClassLoader classLoader) {
        return new Backends(ProviderRegistry.discover(BackendProvider.class, classLoader, BackendProvider::id, "id()", WORDS));
    }

    /**
     * Uses exactly the given providers, without discovery.
     *
     * @throws DiscoveryException when two providers claim the same id
     */
    public static Backends of(BackendProvider... providers) {
        return new Backends(ProviderRegistry.of(List.of(providers), BackendProvider::id, "id()", WORDS));
    }

    /** The providers found, in discovery order. */
    public List<BackendProvider> providers() {
        return registry.providers();
    }

    /** The ids found, sorted. */
    public Set<String> ids() {
        return registry.ids();
    }

    /** Providers that failed to load. */
    public List<Failure> failures() {
        return registry.failures();
    }

    /**
     * The provider with the given id.
     *
     * @throws DiscoveryException when there is none, naming the ids found, failed providers and the artifact to add
     */
    public BackendProvider provider(String id) {
        return registry.get(id);
    }

    /**
     * Creates a backend with the provider of the given id. The provider receives {@code config}
     * {@linkplain BackendConfig#declaring declaring} its {@link BackendProvider#configKeys()}, so the values of
     * keys it marks {@link ConfigKey#secret()} are never printed, whatever their names.
     *
     * @throws DiscoveryException                         when there is no such provider
     * @throws io.inferscale.api.ConfigurationException when the configuration is incomplete
     * @throws io.inferscale.api.BackendException       with reason CONFIGURATION when the provider fails in
     *                                                    another way (its exception is the cause), so no SDK
     *                                                    exception reaches the caller unwrapped
     */
    public Backend create(String id, BackendConfig config) {
        BackendProvider provider = provider(id);
        try {
            // the provider's secret keys stay hidden in the config's toString and messages, whatever their names
            return provider.create(config.declaring(provider.configKeys()));
        } catch (io.inferscale.api.InferScaleException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new io.inferscale.api.BackendException(id, io.inferscale.api.BackendException.Reason.CONFIGURATION,
                    "the backend could not be created by " + provider.getClass().getName() + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "Backends" + registry;
    }
}
