package io.inferscale.api.backend;

import io.inferscale.api.Quantity;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Field-level differences between two document trees ({@code Map}s, {@code List}s and scalars), as
 * {@link FieldChange}s with dotted paths ({@code spec.maxReplicas}, {@code spec.metrics[0].resource.name}).
 * Numbers compare by value ({@code 60} equals {@code 60.0}), {@link Quantity} objects by value
 * ({@code 1} equals {@code 1000m}); text compares as text, so put quantities in trees as {@link Quantity}.
 */
public final class FieldChanges {

    private FieldChanges() {
    }

    /** The changed leaves between {@code before} and {@code after}, sorted by path. */
    public static List<FieldChange> diff(Object before, Object after) {
        Map<String, Object> a = flatten(before);
        Map<String, Object> b = flatten(after);
        List<FieldChange> out = new ArrayList<>();
        for (String path : new TreeSet<>(union(a.keySet(), b.keySet()))) {
            Object x = a.get(path);
            Object y = b.get(path);
            if (!same(x, y)) {
                out.add(new FieldChange(path, text(x), text(y)));
            }
        }
        return out;
    }

    /** The tree as path → leaf value; empty maps and lists are leaves. */
    public static Map<String, Object> flatten(Object tree) {
        Map<String, Object> out = new LinkedHashMap<>();
        flatten("", tree, out);
        return out;
    }

    private static void flatten(String path, Object v, Map<String, Object> out) {
        if (v instanceof Map<?, ?> m && !m.isEmpty()) {
            m.forEach((k, val) -> flatten(path.isEmpty() ? String.valueOf(k) : path + "." + k, val, out));
        } else if (v instanceof List<?> l && !l.isEmpty()) {
            for (int i = 0; i < l.size(); i++) {
                flatten(path + "[" + i + "]", l.get(i), out);
            }
        } else if (v != null) {
            out.put(path, v);
        }
    }

    private static Collection<String> union(Collection<String> a, Collection<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static boolean same(Object x, Object y) {
        if (x instanceof Number || y instanceof Number || x instanceof Quantity || y instanceof Quantity) {
            BigDecimal dx = decimal(x);
            BigDecimal dy = decimal(y);
            if (dx != null && dy != null) {
                return dx.compareTo(dy) == 0;
            }
        }
        return Objects.equals(x == null ? null : String.valueOf(x), y == null ? null : String.valueOf(y));
    }

    private static BigDecimal decimal(Object v) {
        if (v instanceof Quantity q) {
            return q.value();
        }
        if (v instanceof BigDecimal d) {
            return d;
        }
        if (v instanceof Number n) {
            return new BigDecimal(n.toString());
        }
        return null;
    }

    private static String text(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof BigDecimal d) {
            return d.stripTrailingZeros().toPlainString();
        }
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            return v.toString();
        }
        return String.valueOf(v);
    }
}
