package io.inferscale.api.codec;

import io.inferscale.api.Quantity;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * A small JSON writer for document trees: {@code Map}s (keys in iteration order), {@code Collection}s,
 * text, numbers, booleans, {@code null} and {@link Quantity} (written as its text). Pretty-printed with
 * two-space indentation, as {@code kubectl -o json} and the AWS CLI print.
 */
public final class Json {

    private Json() {
    }

    /** The tree as pretty-printed JSON, ending without a newline. */
    public static String write(Object tree) {
        StringBuilder sb = new StringBuilder();
        write(tree, sb, 0);
        return sb.toString();
    }

    /** A JSON string literal for {@code s}, with quotes. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /**
     * A decimal as a JSON number: plain digits ({@code 12.5}, {@code 1000}), or exponent notation
     * ({@code 1E+40}) when plain digits would run past 40 characters, so a hostile value such as
     * {@code 1e999999999} cannot expand to a billion digits.
     */
    static String number(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        if ((long) s.precision() - s.scale() > 40 || s.scale() > 40) {
            return s.toString();
        }
        return s.scale() <= 0 ? s.toBigIntegerExact().toString() : s.toPlainString();
    }

    private static void write(Object v, StringBuilder sb, int indent) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            sb.append(quote(s));
        } else if (v instanceof Quantity q) {
            sb.append(quote(q.text()));
        } else if (v instanceof BigDecimal d) {
            sb.append(number(d));
        } else if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                sb.append("null");
            } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                sb.append((long) d.doubleValue());
            } else {
                sb.append(d);
            }
        } else if (v instanceof Float f) {
            write(f.doubleValue(), sb, indent);
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append("{\n");
            Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                pad(sb, indent + 1).append(quote(String.valueOf(e.getKey()))).append(": ");
                write(e.getValue(), sb, indent + 1);
                sb.append(it.hasNext() ? ",\n" : "\n");
            }
            pad(sb, indent).append('}');
        } else if (v instanceof Collection<?> c) {
            if (c.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append("[\n");
            Iterator<?> it = c.iterator();
            while (it.hasNext()) {
                pad(sb, indent + 1);
                write(it.next(), sb, indent + 1);
                sb.append(it.hasNext() ? ",\n" : "\n");
            }
            pad(sb, indent).append(']');
        } else if (v instanceof Enum<?> e) {
            sb.append(quote(e.name()));
        } else {
            sb.append(quote(v.toString()));
        }
    }

    private static StringBuilder pad(StringBuilder sb, int indent) {
        for (int i = 0; i < indent; i++) {
            sb.append("  ");
        }
        return sb;
    }
}
