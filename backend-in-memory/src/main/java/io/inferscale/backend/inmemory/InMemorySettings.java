package io.inferscale.backend.inmemory;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.ConfigKey;
import io.inferscale.api.backend.Feature;
import io.inferscale.api.validation.Suggestions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The in-memory backend's settings, the part every backend has ({@code KubernetesSettings}, {@code SageMakerSettings},
 * …): its id, configuration keys (checked once, in {@link #from}), capabilities, and the parsed configuration. It has
 * no option keys of its own (the per-backend overrides every backend accepts are the only options) and no secrets.
 *
 * @param readyDelay   how long after an apply an endpoint becomes ready, on the backend's clock; not negative
 * @param capabilities what the backend claims to honour (all features unless some are rejected)
 * @param stateFile    the file keeping endpoints between processes, or null for memory only
 */
public record InMemorySettings(Duration readyDelay, Capabilities capabilities, Path stateFile) {

    /** The backend id. */
    public static final String ID = "in-memory";

    /** The configuration keys, all under {@code in-memory.}. */
    public static final List<ConfigKey> KEYS = List.of(
            ConfigKey.of("in-memory.readyDelay", "0s", "how long after an apply an endpoint becomes ready (e.g. 30s)"),
            ConfigKey.of("in-memory.unsupportedFeatures", "", "comma-separated features to reject, e.g. SCALE_TO_ZERO,ACCELERATORS"),
            ConfigKey.of("in-memory.stateFile", "", "a YAML file keeping endpoints between processes (e.g. for the CLI); memory only when unset"));

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when {@code readyDelay} is negative
     */
    public InMemorySettings {
        requireNotNegative(readyDelay);
        Objects.requireNonNull(capabilities, "capabilities");
    }

    /**
     * {@code readyDelay} itself.
     *
     * @throws IllegalArgumentException when it is negative
     */
    static Duration requireNotNegative(Duration readyDelay) {
        if (Objects.requireNonNull(readyDelay, "readyDelay").isNegative()) {
            throw new IllegalArgumentException("readyDelay must not be negative: " + readyDelay);
        }
        return readyDelay;
    }

    /** Ready at once, every feature supported, memory only. */
    public static InMemorySettings defaults() {
        return new InMemorySettings(Duration.ZERO, Capabilities.all(), null);
    }

    /**
     * The settings of a configuration: {@code in-memory.readyDelay} (a duration such as {@code 30s}; default {@code 0s}),
     * {@code in-memory.unsupportedFeatures} (comma-separated {@link Feature} names the backend rejects, to rehearse
     * capability errors; default none) and {@code in-memory.stateFile} (default none).
     *
     * @throws ConfigurationException naming the key for an unknown {@code in-memory.*} key, a malformed or negative
     *                                duration, or an unknown feature (with a suggestion)
     */
    public static InMemorySettings from(BackendConfig config) {
        config.requireKnownKeys("in-memory.", KEYS);
        Duration delay = config.getDuration("in-memory.readyDelay", Duration.ZERO); // rejects negative durations by key
        Capabilities.Builder caps = Capabilities.all().toBuilder();
        for (String name : config.get("in-memory.unsupportedFeatures", "").split(",")) {
            String n = name.trim();
            if (!n.isEmpty()) {
                caps.rejects(feature(n), "disabled by in-memory.unsupportedFeatures");
            }
        }
        return new InMemorySettings(delay, caps.build(), config.get("in-memory.stateFile").map(Path::of).orElse(null));
    }

    private static Feature feature(String name) {
        try {
            return Feature.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> known = Arrays.stream(Feature.values()).map(Enum::name).toList();
            String didYouMean = Suggestions.didYouMean(name.toUpperCase(Locale.ROOT), known);
            throw new ConfigurationException("configuration 'in-memory.unsupportedFeatures' names unknown feature '" + name
                    + "'" + didYouMean + (didYouMean.isEmpty() ? "; known: " : " Known: ") + String.join(",", known));
        }
    }

    /** The state file, when endpoints are kept between processes. */
    public Optional<Path> stateFileIfSet() {
        return Optional.ofNullable(stateFile);
    }
}
