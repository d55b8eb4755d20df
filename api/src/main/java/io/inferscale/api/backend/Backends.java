package io.inferscale.api.backend;

import io.inferscale.api.DiscoveryException;
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
 * The backends available to a program: found on the class path with {@link ServiceLoader}, or given
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
        m.put("in-memory", "io.inferscale:inferscale-testkit");
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

    private static final java.util.regex.Pattern PROVIDER_ID = java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private final Map<String, BackendProvider> providers;
    private final List<Failure> failures;
    private final String source;

    private Backends(Map<String, BackendProvider> providers, List<Failure> failures, String source) {
        this.providers = Collections.unmodifiableMap(new LinkedHashMap<>(providers));
        this.failures = List.copyOf(failures);
        this.source = source;
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
        ServiceLoader<BackendProvider> loader = ServiceLoader.load(BackendProvider.class, classLoader);
        List<BackendProvider> found = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        List<LinkageError> linkageErrors = new ArrayList<>();
        Iterator<BackendProvider> it = loader.iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                failures.add(new Failure(providerName(e), rootMessage(e), e));
            } catch (LinkageError e) {
                linkageErrors.add(e); // thrown raw while loading the class: it names the missing class, not the provider
            }
        }
        if (!linkageErrors.isEmpty()) {
            failures.addAll(unlinkedProviders(classLoader, found, failures, linkageErrors));
        }
        return fromList(found, failures, "on the class path");
    }

    /**
     * Names the providers that failed with a raw {@link LinkageError} (typically a missing SDK jar): the
     * classes listed in the services files that neither loaded nor failed otherwise, matched in order.
     */
    private static List<Failure> unlinkedProviders(ClassLoader classLoader, List<BackendProvider> found, List<Failure> failures,
                                                   List<LinkageError> errors) {
        List<String> unaccounted = new ArrayList<>(listedProviders(classLoader));
        found.forEach(p -> unaccounted.remove(p.getClass().getName()));
        failures.forEach(f -> unaccounted.remove(f.provider()));
        List<Failure> out = new ArrayList<>();
        for (int i = 0; i < errors.size(); i++) {
            LinkageError e = errors.get(i);
            String provider = unaccounted.size() == errors.size() ? unaccounted.get(i)
                    : unaccounted.isEmpty() ? "(unknown)" : "(one of " + String.join(", ", unaccounted) + ")";
            String missing = String.valueOf(e.getMessage()).replace('/', '.');
            out.add(new Failure(provider, e instanceof NoClassDefFoundError
                    ? "a class it needs is missing: " + missing + " (NoClassDefFoundError); add the artifact that provides it"
                    : e.getClass().getSimpleName() + ": " + missing, e));
        }
        return out;
    }

    /** The provider class names in every services file the loader sees, in order, without comments or repeats. */
    private static List<String> listedProviders(ClassLoader classLoader) {
        Set<String> names = new java.util.LinkedHashSet<>();
        try {
            var files = classLoader.getResources("META-INF/services/" + BackendProvider.class.getName());
            while (files.hasMoreElements()) {
                try (var in = files.nextElement().openStream()) {
                    for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\\R")) {
                        String name = line.replaceFirst("#.*", "").strip();
                        if (!name.isEmpty()) {
                            names.add(name);
                        }
                    }
                }
            }
        } catch (java.io.IOException e) {
            return List.of(); // the failures are still reported, as "(unknown)"
        }
        return List.copyOf(names);
    }

    /**
     * Uses exactly the given providers, without discovery.
     *
     * @throws DiscoveryException when two providers claim the same id
     */
    public static Backends of(BackendProvider... providers) {
        return fromList(List.of(providers), List.of(), "among the providers given");
    }

    private static Backends fromList(List<BackendProvider> found, List<Failure> failures, String source) {
        Map<String, BackendProvider> byId = new LinkedHashMap<>();
        Map<String, List<String>> duplicates = new LinkedHashMap<>();
        List<Failure> allFailures = new ArrayList<>(failures);
        for (BackendProvider p : found) {
            String id;
            try {
                id = Objects.requireNonNull(p.id(), "id() returned null");
            } catch (RuntimeException e) {
                allFailures.add(new Failure(p.getClass().getName(), "id() failed: " + e.getMessage(), e));
                continue;
            }
            if (!PROVIDER_ID.matcher(id).matches()) {
                // the id names spec.backends.<id> and the INFERSCALE_<ID>_... environment variables
                allFailures.add(new Failure(p.getClass().getName(), "id() returned '" + id
                        + "', which is not a backend id: use lower-case letters, digits and '-', e.g. my-cloud", null));
                continue;
            }
            BackendProvider earlier = byId.putIfAbsent(id, p);
            if (earlier != null) {
                duplicates.computeIfAbsent(id, k -> new ArrayList<>(List.of(earlier.getClass().getName())))
                        .add(p.getClass().getName());
            }
        }
        if (!duplicates.isEmpty()) {
            String detail = duplicates.entrySet().stream()
                    .map(e -> "'" + e.getKey() + "' by " + String.join(" and ", e.getValue()))
                    .collect(Collectors.joining("; "));
            throw new DiscoveryException("More than one InferScale backend provider claims the same id: " + detail
                    + ". Keep one artifact per backend on the class path.");
        }
        return new Backends(byId, allFailures, source);
    }

    /** The providers found, in discovery order. */
    public List<BackendProvider> providers() {
        return List.copyOf(providers.values());
    }

    /** The ids found, sorted. */
    public Set<String> ids() {
        return Collections.unmodifiableSet(new TreeSet<>(providers.keySet()));
    }

    /** Providers that failed to load. */
    public List<Failure> failures() {
        return failures;
    }

    /**
     * The provider with the given id.
     *
     * @throws DiscoveryException when there is none, naming the ids found, failed providers and the artifact to add
     */
    public BackendProvider provider(String id) {
        Objects.requireNonNull(id, "id");
        BackendProvider p = providers.get(id);
        if (p != null) {
            return p;
        }
        throw new DiscoveryException(missing(id));
    }

    /**
     * Creates a backend with the provider of the given id.
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
            return provider.create(config);
        } catch (io.inferscale.api.InferScaleException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new io.inferscale.api.BackendException(id, io.inferscale.api.BackendException.Reason.CONFIGURATION,
                    "the backend could not be created by " + provider.getClass().getName() + ": " + e, e);
        }
    }

    private String missing(String id) {
        StringBuilder sb = new StringBuilder();
        if (providers.isEmpty()) {
            sb.append("No InferScale backend found ").append(source).append(". Add one of: ")
                    .append(knownArtifacts()).append('.');
        } else {
            String didYouMean = Suggestions.didYouMean(id, providers.keySet());
            sb.append("Unknown backend '").append(id).append("'").append(didYouMean.isEmpty() ? "." : didYouMean)
                    .append(" Found: ").append(String.join(", ", ids())).append('.');
            String artifact = KNOWN_ARTIFACTS.get(id);
            if (artifact != null) {
                sb.append(" To use '").append(id).append("', add the dependency ").append(artifact).append('.');
            } else if (didYouMean.isEmpty()) {
                sb.append(" InferScale backends: ").append(knownArtifacts()).append('.');
            }
        }
        if (!failures.isEmpty()) {
            sb.append(" Providers that failed to load: ")
                    .append(failures.stream().map(Failure::toString).collect(Collectors.joining("; "))).append('.');
        }
        return sb.toString();
    }

    private static String knownArtifacts() {
        return KNOWN_ARTIFACTS.entrySet().stream().map(e -> e.getValue() + " (" + e.getKey() + ")")
                .collect(Collectors.joining(", "));
    }

    private static String providerName(Throwable e) {
        String m = String.valueOf(e.getMessage());
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("Provider ([\\w.$]+)").matcher(m);
        if (matcher.find()) {
            return matcher.group(1);
        }
        return "(unknown)";
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage())
                : e.getMessage() + ": " + root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    @Override
    public String toString() {
        return "Backends" + ids() + (failures.isEmpty() ? "" : " failures=" + failures);
    }
}
