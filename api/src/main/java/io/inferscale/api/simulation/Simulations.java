package io.inferscale.api.simulation;

import io.inferscale.api.DiscoveryException;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.validation.Suggestions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The autoscaler models available to a program: found with {@link ServiceLoader} like the backends
 * themselves, or given explicitly.
 *
 * <pre>{@code
 * AutoscalerModelProvider sagemaker = Simulations.discover().model("sagemaker");
 * SimulationResult result = Simulation.of(endpoint).trace(trace).profile(profile).run(sagemaker);
 * }</pre>
 *
 * <p>Error behaviour matches {@link Backends}: a provider that fails to load is recorded in
 * {@link #failures()}; two providers claiming one id fail discovery naming both classes; an unknown id names the
 * ids found and the Maven artifact that provides it.
 */
public final class Simulations {

    private final Map<String, AutoscalerModelProvider> providers;
    private final List<Backends.Failure> failures;
    private final String source;

    private Simulations(Map<String, AutoscalerModelProvider> providers, List<Backends.Failure> failures, String source) {
        this.providers = Collections.unmodifiableMap(new LinkedHashMap<>(providers));
        this.failures = List.copyOf(failures);
        this.source = source;
    }

    /** Discovers model providers with the class loader that loaded the api. */
    public static Simulations discover() {
        return discover(AutoscalerModelProvider.class.getClassLoader());
    }

    /**
     * Discovers model providers with the given class loader.
     *
     * @throws DiscoveryException when two providers claim the same backend id
     */
    public static Simulations discover(ClassLoader classLoader) {
        ServiceLoader<AutoscalerModelProvider> loader = ServiceLoader.load(AutoscalerModelProvider.class, classLoader);
        List<AutoscalerModelProvider> found = new ArrayList<>();
        List<Backends.Failure> failures = new ArrayList<>();
        Iterator<AutoscalerModelProvider> it = loader.iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                failures.add(new Backends.Failure(providerName(e), String.valueOf(e.getMessage()), e));
            }
        }
        return fromList(found, failures, "class loader " + classLoader);
    }

    /**
     * Uses exactly the given providers, without discovery.
     *
     * @throws DiscoveryException when two providers claim the same backend id
     */
    public static Simulations of(AutoscalerModelProvider... providers) {
        return fromList(List.of(providers), List.of(), "explicit providers");
    }

    private static Simulations fromList(List<AutoscalerModelProvider> found, List<Backends.Failure> failures, String source) {
        Map<String, AutoscalerModelProvider> byId = new LinkedHashMap<>();
        Map<String, List<String>> duplicates = new LinkedHashMap<>();
        List<Backends.Failure> all = new ArrayList<>(failures);
        for (AutoscalerModelProvider p : found) {
            String id;
            try {
                id = Objects.requireNonNull(p.backendId(), "backendId() returned null");
            } catch (RuntimeException e) {
                all.add(new Backends.Failure(p.getClass().getName(), "backendId() failed: " + e.getMessage(), e));
                continue;
            }
            AutoscalerModelProvider earlier = byId.putIfAbsent(id, p);
            if (earlier != null) {
                duplicates.computeIfAbsent(id, k -> new ArrayList<>(List.of(earlier.getClass().getName())))
                        .add(p.getClass().getName());
            }
        }
        if (!duplicates.isEmpty()) {
            String detail = duplicates.entrySet().stream()
                    .map(e -> "'" + e.getKey() + "' by " + String.join(" and ", e.getValue()))
                    .collect(Collectors.joining("; "));
            throw new DiscoveryException("More than one InferScale autoscaler model claims the same backend id: " + detail
                    + ". Keep one artifact per backend on the class path.");
        }
        return new Simulations(byId, all, source);
    }

    /** The providers found, in discovery order. */
    public List<AutoscalerModelProvider> providers() {
        return List.copyOf(providers.values());
    }

    /** The backend ids that have a model, sorted. */
    public Set<String> ids() {
        return Collections.unmodifiableSet(new TreeSet<>(providers.keySet()));
    }

    /** Providers that failed to load. */
    public List<Backends.Failure> failures() {
        return failures;
    }

    /**
     * The model provider of the given backend.
     *
     * @throws DiscoveryException when there is none, naming the ids found, failed providers and the artifact to add
     */
    public AutoscalerModelProvider model(String backendId) {
        Objects.requireNonNull(backendId, "backendId");
        AutoscalerModelProvider p = providers.get(backendId);
        if (p != null) {
            return p;
        }
        throw new DiscoveryException(missing(backendId));
    }

    private String missing(String id) {
        StringBuilder sb = new StringBuilder();
        if (providers.isEmpty()) {
            sb.append("No InferScale autoscaler model found (").append(source).append("). Add one of: ")
                    .append(knownArtifacts()).append('.');
        } else {
            String didYouMean = Suggestions.didYouMean(id, providers.keySet());
            sb.append("No autoscaler model for backend '").append(id).append("'").append(didYouMean.isEmpty() ? "." : didYouMean)
                    .append(" Found: ").append(String.join(", ", ids())).append('.');
            String artifact = Backends.KNOWN_ARTIFACTS.get(id);
            if (artifact != null) {
                sb.append(" To simulate '").append(id).append("', add the dependency ").append(artifact).append('.');
            } else {
                sb.append(" InferScale backends: ").append(knownArtifacts()).append('.');
            }
        }
        if (!failures.isEmpty()) {
            sb.append(" Providers that failed to load: ")
                    .append(failures.stream().map(Backends.Failure::toString).collect(Collectors.joining("; "))).append('.');
        }
        return sb.toString();
    }

    private static String knownArtifacts() {
        return Backends.KNOWN_ARTIFACTS.entrySet().stream().map(e -> e.getValue() + " (" + e.getKey() + ")")
                .collect(Collectors.joining(", "));
    }

    private static String providerName(Throwable e) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Provider ([\\w.$]+)").matcher(String.valueOf(e.getMessage()));
        return m.find() ? m.group(1) : "(unknown)";
    }

    @Override
    public String toString() {
        return "Simulations" + ids() + (failures.isEmpty() ? "" : " failures=" + failures);
    }
}
