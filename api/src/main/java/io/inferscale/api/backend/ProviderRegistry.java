package io.inferscale.api.backend;

import io.inferscale.api.DiscoveryException;
import io.inferscale.api.validation.Suggestions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Providers of one service type indexed by backend id: the discovery shared by {@link Backends} (backend
 * providers) and {@code io.inferscale.api.simulation.AutoscalerModels} (autoscaler models), so both report the
 * same failures the same way. A provider that fails to load (also when a class it needs, such as its cloud
 * SDK, is missing) is recorded by its class name and does not hide the others; an id that is not a backend
 * id is a failure; two providers claiming one id fail discovery naming both classes; a missing id names
 * the ids found, a close one, and the Maven artifact to add.
 *
 * @param <P> the provider type
 */
public final class ProviderRegistry<P> {

    /**
     * The words a registry uses in its messages.
     *
     * @param what      what a provider is, e.g. {@code backend} or {@code autoscaler model}
     * @param unknown   how a missing id begins, e.g. {@code Unknown backend} or {@code No autoscaler model for backend}
     * @param use       the verb for using an id, e.g. {@code use} or {@code simulate}
     * @param duplicate what two providers claim, e.g. {@code the same id} or {@code the same backend id}
     */
    public record Vocabulary(String what, String unknown, String use, String duplicate) {
        /** Rejects nulls. */
        public Vocabulary {
            Objects.requireNonNull(what, "what");
            Objects.requireNonNull(unknown, "unknown");
            Objects.requireNonNull(use, "use");
            Objects.requireNonNull(duplicate, "duplicate");
        }
    }

    private static final Pattern PROVIDER_ID = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern PROVIDER_IN_MESSAGE = Pattern.compile("Provider ([\\w.$]+)");

    private final Map<String, P> providers;
    private final List<Backends.Failure> failures;
    private final String source;
    private final Vocabulary words;

    private ProviderRegistry(Map<String, P> providers, List<Backends.Failure> failures, String source, Vocabulary words) {
        this.providers = Collections.unmodifiableMap(new LinkedHashMap<>(providers));
        this.failures = List.copyOf(failures);
        this.source = source;
        this.words = words;
    }

    /**
     * Loads every provider of {@code type} that {@code classLoader} sees.
     *
     * @param id       the provider's backend id, e.g. {@code BackendProvider::id}
     * @param idMethod the name of that method, for failure messages
     * @throws DiscoveryException when two providers claim the same id
     */
    public static <P> ProviderRegistry<P> discover(Class<P> type, ClassLoader classLoader, Function<P, String> id, String idMethod,
                                                   Vocabulary words) {
        List<P> found = new ArrayList<>();
        List<Backends.Failure> failures = new ArrayList<>();
        List<LinkageError> linkageErrors = new ArrayList<>();
        Iterator<P> it = ServiceLoader.load(type, classLoader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                failures.add(new Backends.Failure(providerName(e), rootMessage(e), e));
            } catch (LinkageError e) {
                linkageErrors.add(e); // thrown raw while loading the class: it names the missing class, not the provider
            }
        }
        if (!linkageErrors.isEmpty()) {
            failures.addAll(unlinkedProviders(type, classLoader, found, failures, linkageErrors));
        }
        return index(found, failures, "on the class path", id, idMethod, words);
    }

    /**
     * Uses exactly the given providers.
     *
     * @throws DiscoveryException when two providers claim the same id
     */
    public static <P> ProviderRegistry<P> of(List<P> providers, Function<P, String> id, String idMethod, Vocabulary words) {
        return index(providers, List.of(), "among the providers given", id, idMethod, words);
    }

    private static <P> ProviderRegistry<P> index(List<P> found, List<Backends.Failure> failures, String source,
                                                 Function<P, String> idOf, String idMethod, Vocabulary words) {
        Map<String, P> byId = new LinkedHashMap<>();
        Map<String, List<String>> duplicates = new LinkedHashMap<>();
        List<Backends.Failure> all = new ArrayList<>(failures);
        for (P p : found) {
            String id;
            try {
                id = Objects.requireNonNull(idOf.apply(p), idMethod + " returned null");
            } catch (RuntimeException e) {
                all.add(new Backends.Failure(p.getClass().getName(), idMethod + " failed: " + e.getMessage(), e));
                continue;
            }
            if (!PROVIDER_ID.matcher(id).matches()) {
                // the id names spec.backends.<id> and the INFERSCALE_<ID>_... environment variables
                all.add(new Backends.Failure(p.getClass().getName(), idMethod + " returned '" + id
                        + "', which is not a backend id: use lower-case letters, digits and '-', e.g. my-cloud", null));
                continue;
            }
            P earlier = byId.putIfAbsent(id, p);
            if (earlier != null) {
                duplicates.computeIfAbsent(id, k -> new ArrayList<>(List.of(earlier.getClass().getName())))
                        .add(p.getClass().getName());
            }
        }
        if (!duplicates.isEmpty()) {
            String detail = duplicates.entrySet().stream()
                    .map(e -> "'" + e.getKey() + "' by " + String.join(" and ", e.getValue()))
                    .collect(Collectors.joining("; "));
            throw new DiscoveryException("More than one InferScale " + words.what() + " provider claims " + words.duplicate() + ": "
                    + detail + ". Keep one artifact per backend on the class path.");
        }
        return new ProviderRegistry<>(byId, all, source, words);
    }

    /** The providers, in discovery order. */
    public List<P> providers() {
        return List.copyOf(providers.values());
    }

    /** The ids found, sorted. */
    public Set<String> ids() {
        return Collections.unmodifiableSet(new TreeSet<>(providers.keySet()));
    }

    /** Providers that failed to load. */
    public List<Backends.Failure> failures() {
        return failures;
    }

    /** The provider with the given id, if found. */
    public Optional<P> find(String id) {
        return Optional.ofNullable(providers.get(Objects.requireNonNull(id, "id")));
    }

    /**
     * The provider with the given id.
     *
     * @throws DiscoveryException when there is none, naming the ids found, failed providers and the artifact to add
     */
    public P get(String id) {
        return find(id).orElseThrow(() -> new DiscoveryException(missing(id)));
    }

    private String missing(String id) {
        StringBuilder sb = new StringBuilder();
        if (providers.isEmpty()) {
            sb.append("No InferScale ").append(words.what()).append(" found ").append(source).append(". Add one of: ")
                    .append(knownArtifacts()).append('.');
        } else {
            String didYouMean = Suggestions.didYouMean(id, providers.keySet());
            sb.append(words.unknown()).append(" '").append(id).append("'").append(didYouMean.isEmpty() ? "." : didYouMean)
                    .append(" Found: ").append(String.join(", ", ids())).append('.');
            String artifact = Backends.KNOWN_ARTIFACTS.get(id);
            if (artifact != null) {
                sb.append(" To ").append(words.use()).append(" '").append(id).append("', add the dependency ").append(artifact).append('.');
            } else if (didYouMean.isEmpty()) {
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

    /**
     * Names the providers that failed with a raw {@link LinkageError} (typically a missing SDK jar): the
     * classes listed in the services files that neither loaded nor failed otherwise, matched in order.
     */
    private static <P> List<Backends.Failure> unlinkedProviders(Class<P> type, ClassLoader classLoader, List<P> found,
                                                                List<Backends.Failure> failures, List<LinkageError> errors) {
        List<String> unaccounted = new ArrayList<>(listedProviders(type, classLoader));
        found.forEach(p -> unaccounted.remove(p.getClass().getName()));
        failures.forEach(f -> unaccounted.remove(f.provider()));
        List<Backends.Failure> out = new ArrayList<>();
        for (int i = 0; i < errors.size(); i++) {
            LinkageError e = errors.get(i);
            String provider = unaccounted.size() == errors.size() ? unaccounted.get(i)
                    : unaccounted.isEmpty() ? "(unknown)" : "(one of " + String.join(", ", unaccounted) + ")";
            String missing = String.valueOf(e.getMessage()).replace('/', '.');
            out.add(new Backends.Failure(provider, e instanceof NoClassDefFoundError
                    ? "a class it needs is missing: " + missing + " (NoClassDefFoundError); add the artifact that provides it"
                    : e.getClass().getSimpleName() + ": " + missing, e));
        }
        return out;
    }

    /** The provider class names in every services file the loader sees, in order, without comments or repeats. */
    private static List<String> listedProviders(Class<?> type, ClassLoader classLoader) {
        Set<String> names = new LinkedHashSet<>();
        try {
            var files = classLoader.getResources("META-INF/services/" + type.getName());
            while (files.hasMoreElements()) {
                try (var in = files.nextElement().openStream()) {
                    for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
                        String name = line.replaceFirst("#.*", "").strip();
                        if (!name.isEmpty()) {
                            names.add(name);
                        }
                    }
                }
            }
        } catch (IOException e) {
            return List.of(); // the failures are still reported, as "(unknown)"
        }
        return List.copyOf(names);
    }

    private static String providerName(Throwable e) {
        Matcher matcher = PROVIDER_IN_MESSAGE.matcher(String.valueOf(e.getMessage()));
        return matcher.find() ? matcher.group(1) : "(unknown)";
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
        return ids() + (failures.isEmpty() ? "" : " failures=" + failures);
    }
}
