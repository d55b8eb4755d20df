package io.inferscale.backend.kubernetes.internal;

import io.inferscale.api.Quantity;
import io.inferscale.api.Secrets;
import io.inferscale.api.backend.FieldChange;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Compares a desired object with the live one, field by field, over the fields the desired object sets:
 * fields only the server (or another manager) sets are ignored, {@code status} and server-populated
 * metadata are never compared, quantities compare by value ({@code 1} equals {@code 1000m}), and
 * environment values are never printed (shown as {@link Secrets#HIDDEN}).
 */
public final class ManifestDiff {

    private static final Pattern SIMPLE_KEY = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern SECRET_PATH = Pattern.compile(".*\\.env\\[\\d+]\\.value$");

    private ManifestDiff() {
    }

    /** The fields of {@code desired} whose live values differ (absent live fields count as different). */
    public static List<FieldChange> diff(Map<String, Object> desired, Map<String, Object> live) {
        List<FieldChange> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : desired.entrySet()) {
            String key = e.getKey();
            if (key.equals("status") || key.equals("apiVersion") || key.equals("kind")) {
                continue;
            }
            if (key.equals("metadata") && e.getValue() instanceof Map<?, ?> meta) {
                Map<?, ?> liveMeta = live.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
                for (String k : List.of("labels", "annotations", "ownerReferences")) {
                    if (meta.containsKey(k)) {
                        compare("metadata." + k, meta.get(k), liveMeta.get(k), out);
                    }
                }
                continue;
            }
            compare(key, e.getValue(), live.get(key), out);
        }
        return out;
    }

    private static void compare(String path, Object desired, Object live, List<FieldChange> out) {
        if (desired instanceof Map<?, ?> d) {
            if (!(live instanceof Map<?, ?> l)) {
                out.add(change(path, live, desired));
                return;
            }
            d.forEach((k, v) -> compare(child(path, k.toString()), v, l.get(k), out));
        } else if (desired instanceof List<?> d) {
            if (!(live instanceof List<?> l) || l.size() != d.size()) {
                out.add(change(path, live, desired));
                return;
            }
            for (int i = 0; i < d.size(); i++) {
                compare(path + "[" + i + "]", d.get(i), l.get(i), out);
            }
        } else if (!scalarEquals(desired, live)) {
            out.add(change(path, live, desired));
        }
    }

    static boolean scalarEquals(Object desired, Object live) {
        if (desired == null || live == null) {
            return desired == live;
        }
        String a = desired.toString();
        String b = live.toString();
        if (a.equals(b)) {
            return true;
        }
        try {
            return Quantity.parse(a).equals(Quantity.parse(b));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String child(String path, String key) {
        return SIMPLE_KEY.matcher(key).matches() ? path + "." + key : path + "[" + key + "]";
    }

    private static FieldChange change(String path, Object before, Object after) {
        boolean secret = SECRET_PATH.matcher(path).matches() || path.matches(".*\\.env(\\[\\d+])?$");
        return new FieldChange(path, secret && before != null ? Secrets.HIDDEN : text(before), secret && after != null ? Secrets.HIDDEN : text(after));
    }

    /** A value as plan prints it: scalars as they are, structures as compact JSON; {@code null} when absent. */
    static String text(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            return ManifestYaml.serialization().asJson(redact(v, false));
        }
        return v.toString();
    }

    /** A copy with every {@code env[].value} replaced by {@link Secrets#HIDDEN}. */
    private static Object redact(Object v, boolean inEnv) {
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> copy = new java.util.LinkedHashMap<>();
            m.forEach((k, x) -> copy.put(k, inEnv && "value".equals(k) ? Secrets.HIDDEN : redact(x, "env".equals(k))));
            return copy;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(x -> redact(x, inEnv)).toList();
        }
        return v;
    }
}
