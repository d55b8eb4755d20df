package io.inferscale.api.simulation;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.validation.Suggestions;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Overrides of an autoscaler model's constants, as text keyed by name, e.g. {@code kubernetes.tolerance=0.2}
 * or {@code sagemaker.scaleInCooldown=600s}. Each provider lists its keys in {@link AutoscalerModelProvider#settingKeys()}
 * and documents default and source in its Javadoc; unknown keys are rejected by name.
 *
 * <p>Durations accept {@code 300s}, {@code 5m}, {@code 1h}, {@code 250ms}, a bare number of seconds or ISO-8601
 * ({@code PT5M}); never negative.
 *
 * <p>Besides each provider's own keys, {@code <backend id>.startup} is honoured for every backend: that backend's
 * start-up time, which takes precedence over {@link ReplicaProfile#startup()} (see {@code io.inferscale.simulator.Simulation},
 * module {@code inferscale-simulator}).
 */
public final class ModelSettings {

    private static final ModelSettings EMPTY = new ModelSettings(Map.of(), Map.of());

    private final Map<String, String> values;
    private final Map<String, String> origins;

    private ModelSettings(Map<String, String> values, Map<String, String> origins) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
        TreeMap<String, String> known = new TreeMap<>(origins);
        known.keySet().retainAll(this.values.keySet());
        this.origins = Collections.unmodifiableMap(known);
    }

    /** No overrides. */
    public static ModelSettings empty() {
        return EMPTY;
    }

    /** The given overrides. */
    public static ModelSettings of(Map<String, String> values) {
        return values.isEmpty() ? EMPTY : new ModelSettings(values, Map.of());
    }

    /**
     * The given overrides, some with the place they were read from, e.g. {@code --prices prices.yaml line 3}, so that
     * a model can say where a value came from ({@link #origin(String)}). Origins of keys without a value are dropped.
     */
    public static ModelSettings of(Map<String, String> values, Map<String, String> origins) {
        return values.isEmpty() ? EMPTY : new ModelSettings(values, origins);
    }

    /** Where the value of {@code key} was read from, when the caller said so; empty for a plain {@code --setting}. */
    public Optional<String> origin(String key) {
        return Optional.ofNullable(origins.get(key));
    }

    /** The overrides whose key passes {@code keep}, with their origins. */
    public ModelSettings select(java.util.function.Predicate<String> keep) {
        Map<String, String> kept = new TreeMap<>();
        values.forEach((k, v) -> {
            if (keep.test(k)) {
                kept.put(k, v);
            }
        });
        return of(kept, origins);
    }

    /** All overrides. */
    public Map<String, String> asMap() {
        return values;
    }

    /**
     * These overrides without {@code key} (the simulator removes a setting it handles itself, such as
     * {@code <backendId>.startup}, before the model sees them); this instance when {@code key} is not set.
     */
    public ModelSettings without(String key) {
        if (!values.containsKey(key)) {
            return this;
        }
        Map<String, String> rest = new TreeMap<>(values);
        rest.remove(key);
        return of(rest);
    }

    /** The raw value of a key. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /**
     * A number, or the default.
     *
     * @throws ConfigurationException naming the key when the value is not a number
     */
    public double getDouble(String key, double defaultValue) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new ConfigurationException("model setting " + key + " was '" + v + "' but it must be a number");
        }
    }

    /**
     * A whole number, or the default.
     *
     * @throws ConfigurationException naming the key when the value is not a whole number
     */
    public int getInt(String key, int defaultValue) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new ConfigurationException("model setting " + key + " was '" + v + "' but it must be a whole number");
        }
    }

    /**
     * A boolean ({@code true}/{@code false}), or the default.
     *
     * @throws ConfigurationException naming the key for any other text
     */
    public boolean getBoolean(String key, boolean defaultValue) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        String s = v.strip().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new ConfigurationException("model setting " + key + " was '" + v + "' but it must be true or false");
    }

    /**
     * A duration, or the default.
     *
     * @throws ConfigurationException naming the key when the value is not a duration
     */
    public Duration getDuration(String key, Duration defaultValue) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        return parseDuration(v, "model setting " + key);
    }

    /**
     * Parses {@code 300s}, {@code 5m}, {@code 1h}, {@code 1d}, {@code 250ms}, a bare number of seconds ({@code 90},
     * {@code 1.5}), or ISO-8601 ({@code PT5M}); the result is 0 or more, to the millisecond.
     *
     * @param what words naming the value for the error message
     * @throws ConfigurationException when the text is none of these, negative or not finite, e.g.
     *                                {@code --startup was 'soon' but it must be a duration such as 15s, 5m, 1h or 250ms}
     */
    public static Duration parseDuration(String text, String what) {
        try {
            Duration parsed = io.inferscale.api.Durations.parse(text);
            if (!parsed.isNegative()) {
                return parsed;
            }
        } catch (IllegalArgumentException e) {
            // reported below, by name
        }
        throw new ConfigurationException(what + " was '" + text + "' but it must be a duration such as 15s, 5m, 1h or 250ms");
    }

    /**
     * Rejects keys not in {@code known}, naming the closest known key.
     *
     * @throws ConfigurationException listing each unknown key
     */
    public void requireKnownKeys(String backendId, Set<String> known) {
        requireKnownKeys(backendId, known, Set.of());
    }

    /**
     * Rejects keys that are neither in {@code known} nor start with one of {@code knownPrefixes} (open families of keys
     * such as {@code sagemaker.price.<instance type>}), naming the closest known key.
     *
     * @throws ConfigurationException listing each unknown key
     */
    public void requireKnownKeys(String backendId, Set<String> known, Set<String> knownPrefixes) {
        StringBuilder sb = new StringBuilder();
        for (String key : values.keySet()) {
            if (!known.contains(key) && knownPrefixes.stream().noneMatch(p -> key.startsWith(p) && key.length() > p.length())) {
                if (sb.length() > 0) {
                    sb.append("; ");
                }
                sb.append("unknown model setting '").append(key).append("' for ").append(backendId)
                        .append(Suggestions.didYouMean(key, known));
            }
        }
        if (sb.length() > 0) {
            sb.append(sb.charAt(sb.length() - 1) == '?' ? " " : ". ");
            java.util.TreeSet<String> all = new java.util.TreeSet<>(known);
            knownPrefixes.forEach(p -> all.add(p + "*"));
            throw new ConfigurationException(sb + "Known settings for " + backendId + ": " + String.join(", ", all) + ".");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSettings s && s.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "ModelSettings" + values;
    }
}
