package io.inferscale.api.backend;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.validation.Suggestions;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Configuration handed to {@link BackendProvider#create(BackendConfig)}: keys such as
 * {@code sagemaker.region} or {@code kubernetes.namespace}.
 *
 * <p>A key is looked up, in order, in the explicit values (e.g. the CLI's {@code --set key=value}), the
 * system property {@code inferscale.<key>}, and the environment variable {@code INFERSCALE_<KEY>} where
 * dots, dashes and camel-case humps become underscores ({@code sagemaker.executionRoleArn} →
 * {@code INFERSCALE_SAGEMAKER_EXECUTION_ROLE_ARN}). Values of keys that look secret (containing
 * {@code secret}, {@code password}, {@code token}, {@code credential}, {@code privateKey} and the others
 * {@link #isSecret} lists), and of keys the backend declares secret ({@link ConfigKey#secret()}, made known
 * with {@link #declaring}; {@link Backends#create} does this with the provider's {@link BackendProvider#configKeys()}),
 * are never printed: not by {@link #toString()} and not in the messages of the exceptions thrown here.
 * Values from system properties and the environment are never printed at all.
 *
 * <p>Immutable and thread-safe when the property and environment sources are.
 */
public final class BackendConfig {

    private static final BackendConfig EMPTY = new BackendConfig(Map.of(), k -> null, k -> null, Set.of());

    private final Map<String, String> values;
    private final UnaryOperator<String> systemProperties;
    private final UnaryOperator<String> environment;
    private final Set<String> declaredSecrets;

    private BackendConfig(Map<String, String> values, UnaryOperator<String> systemProperties, UnaryOperator<String> environment,
                          Set<String> declaredSecrets) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.systemProperties = systemProperties;
        this.environment = environment;
        this.declaredSecrets = Set.copyOf(declaredSecrets);
    }

    /** No configuration at all (not even the environment). */
    public static BackendConfig empty() {
        return EMPTY;
    }

    /** Exactly the given values; the environment and system properties are not consulted. */
    public static BackendConfig of(Map<String, String> values) {
        return new BackendConfig(values, k -> null, k -> null, Set.of());
    }

    /** The given values, then system properties, then environment variables. */
    public static BackendConfig fromEnvironment(Map<String, String> values) {
        return new BackendConfig(values, System::getProperty, System::getenv, Set.of());
    }

    /** System properties, then environment variables. */
    public static BackendConfig fromEnvironment() {
        return fromEnvironment(Map.of());
    }

    /** Explicit values with custom property and environment sources (for tests). */
    public static BackendConfig of(Map<String, String> values, UnaryOperator<String> systemProperties, UnaryOperator<String> environment) {
        return new BackendConfig(values, Objects.requireNonNull(systemProperties), Objects.requireNonNull(environment), Set.of());
    }

    /**
     * A copy that also treats as secret every key of {@code keys} marked {@link ConfigKey#secret()}, whatever its
     * name: its value is then never printed by {@link #toString()} or in an exception message. Keys declared
     * earlier stay secret. {@link Backends#create} calls this with the provider's {@link BackendProvider#configKeys()}.
     */
    public BackendConfig declaring(Collection<ConfigKey> keys) {
        Set<String> secrets = new HashSet<>(declaredSecrets);
        keys.stream().filter(ConfigKey::secret).map(ConfigKey::name).forEach(secrets::add);
        return new BackendConfig(values, systemProperties, environment, secrets);
    }

    /**
     * True when the value of {@code key} is never printed: a name that looks secret ({@link #isSecret}) or a key
     * declared secret through {@link #declaring}.
     */
    public boolean isSecretKey(String key) {
        return declaredSecrets.contains(key) || isSecret(key);
    }

    /** A copy with one more explicit value (overriding any earlier one). */
    public BackendConfig with(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(values);
        m.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value of " + key));
        return new BackendConfig(m, systemProperties, environment, declaredSecrets);
    }

    /** The environment variable for a key: {@code sagemaker.executionRoleArn} → {@code INFERSCALE_SAGEMAKER_EXECUTION_ROLE_ARN}. */
    public static String environmentVariable(String key) {
        StringBuilder sb = new StringBuilder("INFERSCALE_");
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '.' || c == '-') {
                sb.append('_');
            } else if (Character.isUpperCase(c) && i > 0 && Character.isLowerCase(key.charAt(i - 1))) {
                sb.append('_').append(c);
            } else {
                sb.append(Character.toUpperCase(c));
            }
        }
        return sb.toString();
    }

    /** The value of a key, from the first source that has it. */
    /**
     * The value of the environment variable {@code name} itself (not an {@code INFERSCALE_} key), read through the
     * same environment as {@link #get(String)}, so a backend can honour its cloud's own conventions
     * ({@code GOOGLE_CLOUD_PROJECT}, {@code HOME}) and tests can inject them. Empty when unset or blank.
     */
    public Optional<String> environmentValue(String name) {
        return Optional.ofNullable(environment.apply(Objects.requireNonNull(name, "name"))).filter(s -> !s.isBlank());
    }

    public Optional<String> get(String key) {
        String v = values.get(key);
        if (v == null) {
            v = systemProperties.apply("inferscale." + key);
        }
        if (v == null) {
            v = environment.apply(environmentVariable(key));
        }
        return Optional.ofNullable(v).filter(s -> !s.isBlank());
    }

    /**
     * The value of a required key.
     *
     * @param why what the key is needed for, for the message
     * @throws ConfigurationException naming the key and the three ways to set it
     */
    public String require(String key, String why) {
        return get(key).orElseThrow(() -> new ConfigurationException("missing configuration '" + key + "' (" + why
                + "); set it with --set " + key + "=..., the system property inferscale." + key
                + " or the environment variable " + environmentVariable(key)));
    }

    /** A string value or a default. */
    public String get(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    /** An integer value or a default; a malformed value is an error naming the key. */
    public int getInt(String key, int defaultValue) {
        return get(key).map(v -> {
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new ConfigurationException("configuration '" + key + "' must be a whole number, got '" + display(key, v) + "'");
            }
        }).orElse(defaultValue);
    }

    /** A boolean value ({@code true}/{@code false}) or a default; anything else is an error naming the key. */
    public boolean getBoolean(String key, boolean defaultValue) {
        return get(key).map(v -> switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigurationException("configuration '" + key + "' must be true or false, got '" + display(key, v) + "'");
        }).orElse(defaultValue);
    }

    /**
     * A duration or a default. Accepts {@code 90s}, {@code 5m}, {@code 2h}, {@code 250ms}, a plain number of
     * seconds, or ISO-8601 ({@code PT5M}).
     *
     * @throws ConfigurationException naming the key when the value is not a duration or is negative
     */
    public Duration getDuration(String key, Duration defaultValue) {
        return get(key).map(v -> {
            Duration d;
            try {
                d = parseDuration(v);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("configuration '" + key + "' must be a duration such as 90s, 5m or PT5M, got '" + display(key, v) + "'");
            }
            if (d.isNegative()) {
                throw new ConfigurationException("configuration '" + key + "' must not be negative, got '" + display(key, v) + "'");
            }
            return d;
        }).orElse(defaultValue);
    }

    /**
     * Parses a duration as {@link io.inferscale.api.Durations#parse} does ({@code 90s}, {@code 5m}, {@code 2h},
     * {@code 1d}, {@code 250ms}, a plain number of seconds, or ISO-8601).
     *
     * @throws IllegalArgumentException when the text is none of these (including empty text)
     */
    public static Duration parseDuration(String text) {
        return io.inferscale.api.Durations.parse(text);
    }

    /** The explicit values (not the environment), keyed by full key. */
    public Map<String, String> explicitValues() {
        return values;
    }

    /**
     * Checks that every explicit key starting with {@code prefix} is one of {@code known}.
     *
     * @throws ConfigurationException naming the unknown key and the closest known one
     */
    public void requireKnownKeys(String prefix, Collection<ConfigKey> known) {
        var names = known.stream().map(ConfigKey::name).toList();
        for (String k : values.keySet()) {
            if (k.startsWith(prefix) && !names.contains(k)) {
                throw new ConfigurationException("unknown configuration '" + k + "'" + Suggestions.closest(k, names)
                        .map(s -> "; did you mean '" + s + "'? Known keys: ").orElse("; known keys: ") + String.join(", ", names));
            }
        }
    }

    /**
     * True when the key's value must never be printed: its name contains (ignoring case) {@code secret},
     * {@code password}, {@code passwd}, {@code token}, {@code credential}, {@code bearer},
     * {@code authorization}, {@code accessKey} (an AWS access key id identifies the account's key pair) or
     * {@code privateKey}, or ends in {@code key}
     * (but not {@code publicKey}), e.g. {@code sagemaker.secretAccessKey}, {@code vertex.apiKey}.
     * {@link io.inferscale.api.BackendOptions#toString} uses the same rule for option names.
     */
    public static boolean isSecret(String key) {
        return io.inferscale.api.Secrets.isSecretKey(key);
    }

    private String display(String key, String value) {
        return isSecretKey(key) ? io.inferscale.api.Secrets.HIDDEN : value;
    }

    /** Explicit keys with their values; secret values ({@link #isSecretKey}) as {@code ****}. */
    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        values.forEach((k, v) -> shown.put(k, display(k, v)));
        return "BackendConfig" + shown;
    }
}
