package io.inferscale.api;

import io.inferscale.api.backend.BackendConfig;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Per-backend options from {@code spec.backends.<backend-id>}, e.g. {@code spec.backends.sagemaker.instanceType}.
 * The api does not interpret them: each backend declares the keys it reads and rejects unknown ones by
 * name. Options for backends other than the one in use are ignored, so one document serves every cloud.
 *
 * <p>Values are {@link String}, {@link BigDecimal}, {@link Boolean}, or unmodifiable lists and maps of these.
 */
public final class BackendOptions {

    private static final BackendOptions NONE = new BackendOptions(Map.of());

    private final Map<String, Map<String, Object>> options;

    private BackendOptions(Map<String, Map<String, Object>> options) {
        Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
        options.forEach((backend, values) -> {
            Map<String, Object> inner = new LinkedHashMap<>();
            values.forEach((k, v) -> inner.put(Objects.requireNonNull(k, "option key"), freeze(v, backend + "." + k)));
            copy.put(Objects.requireNonNull(backend, "backend id"), Collections.unmodifiableMap(inner));
        });
        this.options = Collections.unmodifiableMap(copy);
    }

    /** No options. */
    public static BackendOptions none() {
        return NONE;
    }

    /** Options keyed by backend id, then by option name. */
    public static BackendOptions of(Map<String, ? extends Map<String, ?>> options) {
        Map<String, Map<String, Object>> m = new LinkedHashMap<>();
        options.forEach((k, v) -> m.put(k, new LinkedHashMap<>(v)));
        return m.isEmpty() ? NONE : new BackendOptions(m);
    }

    /** The ids of the backends that have options. */
    public Set<String> backendIds() {
        return options.keySet();
    }

    /** The options of one backend; empty when none. */
    public Map<String, Object> of(String backendId) {
        return options.getOrDefault(backendId, Map.of());
    }

    /** One option's value. */
    public Optional<Object> get(String backendId, String key) {
        return Optional.ofNullable(of(backendId).get(key));
    }

    /** One option as text (numbers and booleans as written). */
    public Optional<String> string(String backendId, String key) {
        return get(backendId, key).map(v -> v instanceof BigDecimal d ? d.toPlainString() : v.toString());
    }

    /** A copy with one option set (or removed when {@code value} is {@code null}). */
    public BackendOptions with(String backendId, String key, Object value) {
        Map<String, Map<String, Object>> m = new LinkedHashMap<>();
        options.forEach((k, v) -> m.put(k, new LinkedHashMap<>(v)));
        Map<String, Object> inner = m.computeIfAbsent(backendId, k -> new LinkedHashMap<>());
        if (value == null) {
            inner.remove(key);
            if (inner.isEmpty()) {
                m.remove(backendId);
            }
        } else {
            inner.put(key, value);
        }
        return m.isEmpty() ? NONE : new BackendOptions(m);
    }

    /** All options. */
    public Map<String, Map<String, Object>> asMap() {
        return options;
    }

    /** True when no backend has options. */
    public boolean isEmpty() {
        return options.isEmpty();
    }

    private static Object freeze(Object v, String where) {
        if (v instanceof String || v instanceof Boolean || v instanceof BigDecimal) {
            return v;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return BigDecimal.valueOf(((Number) v).longValue());
        }
        if (v instanceof Double || v instanceof Float) {
            return new BigDecimal(v.toString());
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                out.add(freeze(list.get(i), where + "[" + i + "]"));
            }
            return Collections.unmodifiableList(out);
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, val) -> out.put(String.valueOf(k), freeze(val, where + "." + k)));
            return Collections.unmodifiableMap(out);
        }
        throw new IllegalArgumentException("option " + where + " has unsupported value type "
                + (v == null ? "null" : v.getClass().getName()) + "; use text, numbers, booleans, lists or maps");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BackendOptions b && options.equals(b.options);
    }

    @Override
    public int hashCode() {
        return options.hashCode();
    }

    /**
     * The options, with the value of every option whose name looks secret ({@link BackendConfig#isSecret},
     * e.g. {@code apiToken}) shown as {@code ****}, at any depth.
     */
    @Override
    public String toString() {
        return masked(options).toString();
    }

    private static Object masked(Object v) {
        if (v instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, val) -> out.put(k, Secrets.isSecretKey(String.valueOf(k)) ? Secrets.HIDDEN : masked(val)));
            return out;
        }
        if (v instanceof List<?> list) {
            return list.stream().map(BackendOptions::masked).toList();
        }
        return v;
    }
}
