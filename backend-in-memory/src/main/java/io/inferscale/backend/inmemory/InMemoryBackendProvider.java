package io.inferscale.backend.inmemory;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.BackendProvider;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.ConfigKey;
import io.inferscale.api.backend.Feature;

import io.inferscale.api.validation.Suggestions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Provides the {@code in-memory} backend, discovered like the cloud backends. Configuration:
 * {@code in-memory.readyDelay} (a duration such as {@code 30s}; default {@code 0s}) and
 * {@code in-memory.unsupportedFeatures} (comma-separated {@link Feature} names the backend should
 * reject, to rehearse capability errors; default none) and {@code in-memory.stateFile} (a YAML file
 * that keeps endpoints between processes; default none).
 */
public final class InMemoryBackendProvider implements BackendProvider {

    private static final List<ConfigKey> KEYS = List.of(
            ConfigKey.of("in-memory.readyDelay", "0s", "how long after an apply an endpoint becomes ready (e.g. 30s)"),
            ConfigKey.of("in-memory.unsupportedFeatures", "", "comma-separated features to reject, e.g. SCALE_TO_ZERO,ACCELERATORS"),
            ConfigKey.of("in-memory.stateFile", "", "a YAML file keeping endpoints between processes (e.g. for the CLI); memory only when unset"));

    @Override
    public String id() {
        return InMemoryBackend.ID;
    }

    @Override
    public String description() {
        return "endpoints kept in memory, for tests and demos (no cloud account)";
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.all();
    }

    @Override
    public List<ConfigKey> configKeys() {
        return KEYS;
    }

    @Override
    public Backend create(BackendConfig config) {
        config.requireKnownKeys("in-memory.", KEYS);
        Duration delay = config.getDuration("in-memory.readyDelay", Duration.ZERO); // rejects negative durations by key
        Capabilities.Builder caps = Capabilities.all().toBuilder();
        for (String name : config.get("in-memory.unsupportedFeatures", "").split(",")) {
            String n = name.trim();
            if (n.isEmpty()) {
                continue;
            }
            try {
                caps.rejects(Feature.valueOf(n.toUpperCase(Locale.ROOT)), "disabled by in-memory.unsupportedFeatures");
            } catch (IllegalArgumentException e) {
                List<String> known = Arrays.stream(Feature.values()).map(Enum::name).toList();
                String didYouMean = Suggestions.didYouMean(n.toUpperCase(Locale.ROOT), known);
                throw new ConfigurationException("configuration 'in-memory.unsupportedFeatures' names unknown feature '" + n
                        + "'" + didYouMean + (didYouMean.isEmpty() ? "; known: " : " Known: ") + String.join(",", known));
            }
        }
        InMemoryBackend.Builder b = InMemoryBackend.builder().readyDelay(delay).capabilities(caps.build());
        config.get("in-memory.stateFile").ifPresent(f -> b.stateFile(Path.of(f)));
        return b.build();
    }
}
