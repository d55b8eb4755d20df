package io.inferscale.api.codec;

import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.Severity;
import io.inferscale.api.validation.Suggestions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Strict, schema-driven reading of a composed YAML node tree: every problem is collected with its
 * field path and source line; reading goes on after a problem so one pass reports them all.
 */
final class NodeReader {

    private static final Pattern DECIMAL_INT = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");
    private static final List<Tag> STANDARD_TAGS = List.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.MAP, Tag.SEQ);
    /** Longest number accepted, in characters: parsing a long digit string costs quadratic time. */
    static final int MAX_NUMBER_CHARS = 64;
    /** Numbers must be below 10^this in magnitude and have at most this many decimal places. */
    static final int MAX_NUMBER_DIGITS = 18;
    /** Most free-form values (backend options) read, counting each use of an alias again. */
    static final int MAX_FREE_FORM_VALUES = 10_000;

    private static final String GPU_HINT = "accelerators are neutral: set spec.resources.accelerator: {type: nvidia-t4, count: 1}"
            + " (types nvidia-t4, nvidia-l4, nvidia-a10g, nvidia-a100, nvidia-h100)";

    /** Fields in known wrong places, with where they belong. */
    private static final Map<String, String> MISPLACED = Map.of(
            "metadata.namespace", "namespaces are backend options: set spec.backends.kubernetes.namespace",
            "spec.replicas", "set spec.autoscaling.minReplicas and maxReplicas instead",
            "spec.image", "the image belongs to the model: set spec.model.image",
            "spec.model.resources", "resources belong to the endpoint: move them to spec.resources",
            "spec.autoscaling.targetCPUUtilization", "the field is targetCPUUtilizationPercentage",
            "spec.resources.limits.nvidia.com/gpu", GPU_HINT,
            "spec.resources.requests.nvidia.com/gpu", GPU_HINT,
            "spec.resources.limits.gpu", GPU_HINT,
            "spec.resources.requests.gpu", GPU_HINT);

    /** The neutral field for every accelerator: GPUs, TPUs and the like. */
    private static final String ACCELERATOR_TARGET = io.inferscale.api.TargetType.ACCELERATOR_UTILIZATION.field();

    final List<Problem> problems = new ArrayList<>();
    /** Paths an unknown field was suggested as ("did you mean"), so a "missing" error for them is not repeated. */
    final java.util.Set<String> suggested = new java.util.HashSet<>();
    final Map<String, int[]> locations = new HashMap<>();
    private int freeFormValues;

    /**
     * A GPU or TPU target ({@code targetGPUUtilizationPercentage}) means the accelerator target, which edit distance
     * would miss for the CPU one a letter away.
     */
    private static Optional<String> acceleratorAlias(String key, List<String> known) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        return known.contains(ACCELERATOR_TARGET) && (k.contains("gpu") || k.contains("tpu")) ? Optional.of(ACCELERATOR_TARGET) : Optional.empty();
    }

    /** Reports a missing required field, unless an unknown field nearby was already suggested as it. */
    void missing(String path, Node at, String message) {
        if (!suggested.contains(path)) {
            error(path, at, message);
        }
    }

    void error(String path, Node at, String message) {
        problems.add(new Problem(Severity.ERROR, path, message, line(at), column(at)));
    }

    static int line(Node n) {
        return n == null ? 0 : n.getStartMark().getLine() + 1;
    }

    static int column(Node n) {
        return n == null ? 0 : n.getStartMark().getColumn() + 1;
    }

    void record(String path, Node keyNode) {
        locations.putIfAbsent(path, new int[] {line(keyNode), column(keyNode)});
    }

    /** Checks a node's tag is a plain YAML one: no custom or Java type tags. */
    boolean plainTag(Node n, String path) {
        if (!STANDARD_TAGS.contains(n.getTag())) {
            error(path, n, "tag " + n.getTag() + " is not allowed; remove it (documents hold plain values only)");
            return false;
        }
        return true;
    }

    /**
     * Reads a mapping's fields, reporting duplicates, non-text keys and unknown fields (with the closest
     * known name). Returns the value nodes by key, in document order; empty when {@code n} is not a mapping.
     */
    Map<String, Node> fields(Node n, String path, List<String> known) {
        Map<String, Node> out = new LinkedHashMap<>();
        MappingNode m = mapping(n, path);
        if (m == null) {
            return out;
        }
        Map<String, Node> firstKeys = new HashMap<>();
        for (NodeTuple t : m.getValue()) {
            Node k = t.getKeyNode();
            if (k instanceof ScalarNode && Tag.MERGE.equals(k.getTag())) {
                error(path, k, "merge keys ('<<') are not supported; write the fields out");
                continue;
            }
            if (!(k instanceof ScalarNode ks)) {
                error(path, k, "keys must be plain text, found " + describe(k));
                continue;
            }
            if (!plainTag(k, path)) {
                continue;
            }
            String key = ks.getValue();
            String child = path.isEmpty() ? key : path + "." + key;
            if (firstKeys.containsKey(key)) {
                error(child, k, "duplicate key '" + key + "' (first at line " + line(firstKeys.get(key)) + "); keep one");
                continue;
            }
            firstKeys.put(key, k);
            if (known != null && !known.contains(key)) {
                String hint = MISPLACED.get(child);
                Optional<String> closest = acceleratorAlias(key, known).or(() -> Suggestions.closest(key, known));
                closest.ifPresent(s -> suggested.add(path.isEmpty() ? s : path + "." + s));
                error(child, k, "unknown field " + shown(key) + (hint != null ? "; " + hint
                        : closest.map(s -> "; did you mean '" + s + "'?")
                        .orElse("; known fields here: " + String.join(", ", known))));
                continue;
            }
            record(child, k);
            out.put(key, t.getValueNode());
        }
        return out;
    }

    MappingNode mapping(Node n, String path) {
        if (n instanceof MappingNode m && plainTag(n, path)) {
            return m;
        }
        if (!(n instanceof MappingNode)) {
            error(path, n, "expected a mapping (key: value lines), found " + describe(n));
        }
        return null;
    }

    SequenceNode sequence(Node n, String path) {
        if (n instanceof SequenceNode s && plainTag(n, path)) {
            return s;
        }
        if (!(n instanceof SequenceNode)) {
            error(path, n, "expected a list, found " + describe(n));
        }
        return null;
    }

    /** A scalar as the text written; numbers and booleans are taken as written. Null when absent or not a scalar. */
    String text(Node n, String path) {
        if (n instanceof ScalarNode s && plainTag(n, path)) {
            if (s.getTag().equals(Tag.NULL)) {
                error(path, n, "expected text, found nothing; give a value or remove the field");
                return null;
            }
            return s.getValue();
        }
        if (!(n instanceof ScalarNode)) {
            error(path, n, "expected text, found " + describe(n));
        }
        return null;
    }

    Integer integer(Node n, String path) {
        if (n instanceof ScalarNode s && plainTag(n, path)) {
            if (s.getTag().equals(Tag.INT) && DECIMAL_INT.matcher(s.getValue()).matches()) {
                if (leadingZero(s, path)) {
                    return null;
                }
                try {
                    return Integer.parseInt(s.getValue().startsWith("+") ? s.getValue().substring(1) : s.getValue());
                } catch (NumberFormatException e) {
                    error(path, n, shown(s.getValue()) + " is too large; expected a whole number");
                    return null;
                }
            }
            error(path, n, "expected a whole number, found " + describe(n));
            return null;
        }
        if (!(n instanceof ScalarNode)) {
            error(path, n, "expected a whole number, found " + describe(n));
        }
        return null;
    }

    BigDecimal number(Node n, String path) {
        if (n instanceof ScalarNode s && plainTag(n, path)) {
            if (isNumber(s)) {
                return boundedNumber(s, path);
            }
            error(path, n, "expected a number, found " + describe(n));
            return null;
        }
        if (!(n instanceof ScalarNode)) {
            error(path, n, "expected a number, found " + describe(n));
        }
        return null;
    }

    /**
     * Reports a whole number written with a leading zero ({@code 010}): YAML 1.1 readers such as kubectl
     * and PyYAML take it as octal (8), JSON and YAML 1.2 as decimal (10), so it is refused rather than guessed.
     */
    private boolean leadingZero(ScalarNode s, String path) {
        String v = s.getValue();
        String digits = v.startsWith("+") || v.startsWith("-") ? v.substring(1) : v;
        if (digits.length() > 1 && digits.charAt(0) == '0') {
            error(path, s, shown(v) + " is ambiguous: YAML 1.1 readers such as kubectl take a leading 0 as octal, others as decimal;"
                    + " write the number without leading zeros");
            return true;
        }
        return false;
    }

    private static boolean isNumber(ScalarNode s) {
        return (s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT)) && DECIMAL.matcher(s.getValue()).matches();
    }

    /**
     * A number scalar as an exact decimal, or null after reporting it: at most {@link #MAX_NUMBER_CHARS}
     * characters, below 10^{@link #MAX_NUMBER_DIGITS} and with at most as many decimal places, so that
     * no later arithmetic or printing (which expands the exponent) can exhaust time or memory.
     */
    private BigDecimal boundedNumber(ScalarNode s, String path) {
        String v = s.getValue();
        String range = "numbers must be below 10^" + MAX_NUMBER_DIGITS + " with at most " + MAX_NUMBER_DIGITS + " decimal places";
        if (v.length() > MAX_NUMBER_CHARS) {
            error(path, s, "a number of " + v.length() + " characters is too long; " + range);
            return null;
        }
        BigDecimal d;
        try {
            d = new BigDecimal(v.startsWith("+") ? v.substring(1) : v);
        } catch (NumberFormatException e) {
            error(path, s, "'" + v + "' is out of range; " + range);
            return null;
        }
        BigDecimal stripped = d.stripTrailingZeros();
        if (d.signum() != 0 && ((long) stripped.precision() - stripped.scale() > MAX_NUMBER_DIGITS || stripped.scale() > MAX_NUMBER_DIGITS)) {
            error(path, s, "'" + v + "' is out of range; " + range);
            return null;
        }
        return d;
    }

    <E extends Enum<E>> E choice(Node n, String path, E[] values, Function<E, String> id) {
        String v = text(n, path);
        if (v == null) {
            return null;
        }
        for (E e : values) {
            if (id.apply(e).equals(v)) {
                return e;
            }
        }
        List<String> ids = Arrays.stream(values).map(id).toList();
        error(path, n, shown(v) + " is not one of " + String.join(", ", ids) + Suggestions.didYouMean(v, ids));
        return null;
    }

    /** A mapping of text to text (labels, annotations, env): numbers and booleans kept as written. */
    Map<String, String> stringMap(Node n, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        fields(n, path, null).forEach((k, v) -> {
            String s = text(v, path + "." + k);
            if (s != null) {
                out.put(k, s);
            }
        });
        return out;
    }

    /**
     * Free-form values (backend options): text, numbers, booleans, lists and mappings. Nesting (also through
     * an alias that refers to itself) is limited to {@link EndpointCodec#MAX_NESTING_DEPTH} levels and the
     * values read to {@link #MAX_FREE_FORM_VALUES}, so aliases cannot multiply the work.
     */
    Object any(Node n, String path) {
        return any(n, path, 0);
    }

    private Object any(Node n, String path, int depth) {
        if (depth > EndpointCodec.MAX_NESTING_DEPTH) {
            error(path, n, "nested deeper than " + EndpointCodec.MAX_NESTING_DEPTH + " levels (is an alias used inside the value it names?); flatten it");
            return null;
        }
        if (++freeFormValues > MAX_FREE_FORM_VALUES) {
            if (freeFormValues == MAX_FREE_FORM_VALUES + 1) {
                error(path, n, "more than " + MAX_FREE_FORM_VALUES + " values (each use of an alias counts again); backend options are a few settings");
            }
            return null;
        }
        if (!plainTag(n, path)) {
            return null;
        }
        if (n instanceof ScalarNode s) {
            Tag t = s.getTag();
            if (t.equals(Tag.NULL)) {
                error(path, n, "expected a value, found nothing; give a value or remove the field");
                return null;
            }
            if (t.equals(Tag.BOOL)) {
                return switch (s.getValue().toLowerCase(java.util.Locale.ROOT)) {
                    case "true", "yes", "on", "y" -> Boolean.TRUE;
                    default -> Boolean.FALSE;
                };
            }
            if (isNumber(s)) {
                return t.equals(Tag.INT) && leadingZero(s, path) ? null : boundedNumber(s, path);
            }
            return s.getValue();
        }
        if (n instanceof SequenceNode seq) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < seq.getValue().size(); i++) {
                Object v = any(seq.getValue().get(i), path + "[" + i + "]", depth + 1);
                if (v != null) {
                    out.add(v);
                }
            }
            return out;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        fields(n, path, null).forEach((k, v) -> {
            Object value = any(v, path + "." + k, depth + 1);
            if (value != null) {
                out.put(k, value);
            }
        });
        return out;
    }

    static String describe(Node n) {
        if (n == null) {
            return "nothing";
        }
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode s = (ScalarNode) n;
        Tag t = s.getTag();
        String kind = t.equals(Tag.INT) ? "the number " : t.equals(Tag.FLOAT) ? "the number " : t.equals(Tag.BOOL) ? "the boolean "
                : t.equals(Tag.NULL) ? "nothing" : "the text ";
        return t.equals(Tag.NULL) ? kind : kind + shown(s.getValue());
    }

    /**
     * A value quoted for a message, cut after 40 characters so a huge value cannot flood the report;
     * invisible characters (controls, byte-order marks, zero-width and other format characters) are shown
     * as a backslash, {@code u} and four hex digits, so a key that only looks right can be told from the right one.
     */
    static String shown(String value) {
        String cut = value.length() <= 40 ? value : value.substring(0, 40);
        StringBuilder sb = new StringBuilder("'");
        cut.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            if (Character.isISOControl(cp) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.UNASSIGNED) {
                sb.append(String.format(java.util.Locale.ROOT, "\\u%04X", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        sb.append(value.length() <= 40 ? "'" : "...' (" + value.length() + " characters)");
        return sb.toString();
    }

    Optional<Node> get(Map<String, Node> fields, String key) {
        return Optional.ofNullable(fields.get(key));
    }
}
