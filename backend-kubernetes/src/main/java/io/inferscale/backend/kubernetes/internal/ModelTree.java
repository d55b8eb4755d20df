package io.inferscale.backend.kubernetes.internal;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The tree of maps, lists and scalars that fabric8's Jackson serialization makes of a model object, made by reading
 * the model's Jackson annotations instead of starting Jackson: {@code render} then loads no Jackson databind class
 * (about 600 classes, a third of a cold {@code inferscale render}'s start-up). Covers what the fabric8 model uses:
 * {@code @JsonPropertyOrder} (listed properties first, then the others in declaration order), {@code @JsonProperty}
 * names on fields, {@code @JsonInclude} NON_NULL / NON_EMPTY on the class or field, {@code @JsonIgnore},
 * {@code @JsonAnyGetter} maps, and the two scalar types fabric8 serializes specially: {@link Quantity} (its text)
 * and {@link IntOrString} (the int or the string). {@code ModelTreeTest} checks it against Jackson's tree for every
 * object the translator makes from the test documents.
 *
 * <p>Reading annotations is itself slow in a cold JVM (a dynamic proxy per annotation type, every annotation of every
 * field and method parsed: a fifth of a cold {@code render}), so the shapes of the model classes a manifest can hold
 * are precomputed from those annotations into {@value #SHAPES_RESOURCE} (issue 19, cold start); a class not listed
 * there is read from its annotations as before. {@code ModelTreeShapesTest} checks that the file lists exactly the
 * shapes the annotations give, for every model class reachable from the rendered kinds.
 */
public final class ModelTree {

    private record Property(String name, Method getter, JsonInclude.Include include) {
    }

    private record Shape(List<Property> properties, Method anyGetter) {
    }

    private static final Map<Class<?>, Shape> SHAPES = new ConcurrentHashMap<>();

    /** The precomputed shapes: one line per class, see {@link #describe} (a resource next to this class). */
    static final String SHAPES_RESOURCE = "model-tree-shapes.txt";

    private ModelTree() {
    }

    /** {@code object} as an ordered tree, without the properties Jackson would leave out. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> of(Object object) {
        return (Map<String, Object>) value(object);
    }

    private static Object value(Object v) {
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Quantity q) {
            return q.getAmount() + (q.getFormat() == null ? "" : q.getFormat());
        }
        if (v instanceof IntOrString i) {
            return i.getIntVal() != null ? i.getIntVal() : i.getStrVal();
        }
        if (v instanceof Enum<?> e) {
            return e.name();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), value(x)));
            return out;
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            c.forEach(x -> out.add(value(x)));
            return out;
        }
        if (!v.getClass().getName().startsWith("io.fabric8.kubernetes.api.model.")) {
            throw new IllegalArgumentException("no tree for " + v.getClass().getName());
        }
        Shape shape = SHAPES.computeIfAbsent(v.getClass(), ModelTree::shape);
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            for (Property p : shape.properties()) {
                Object x = p.getter().invoke(v);
                if (x == null || p.include() == JsonInclude.Include.NON_EMPTY && empty(x)) {
                    continue;
                }
                out.put(p.name(), value(x));
            }
            if (shape.anyGetter() != null) {
                Map<?, ?> extra = (Map<?, ?>) shape.anyGetter().invoke(v);
                if (extra != null) {
                    extra.forEach((k, x) -> out.put(String.valueOf(k), value(x)));
                }
            }
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + v.getClass().getName(), e);
        }
        return out;
    }

    private static boolean empty(Object x) {
        return x instanceof Collection<?> c && c.isEmpty() || x instanceof Map<?, ?> m && m.isEmpty()
                || x instanceof String s && s.isEmpty();
    }

    private static Shape shape(Class<?> type) {
        String known = KnownShapes.LINES.get(type.getName());
        return known != null ? parse(type, known) : shapeFromAnnotations(type);
    }

    /** The lines of {@value #SHAPES_RESOURCE} by class name, read on first use. */
    private static final class KnownShapes {
        static final Map<String, String> LINES = read();

        private static Map<String, String> read() {
            Map<String, String> lines = new HashMap<>();
            String text;
            try (InputStream in = ModelTree.class.getResourceAsStream(SHAPES_RESOURCE)) {
                if (in == null) {
                    return lines;
                }
                text = new String(in.readAllBytes(), UTF_8); // at once: a line reader decodes char by char, slowly in a cold JVM
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + SHAPES_RESOURCE, e);
            }
            for (int start = 0, end; start < text.length(); start = end + 1) {
                end = text.indexOf('\n', start);
                end = end < 0 ? text.length() : end;
                int tab = text.indexOf('\t', start);
                if (tab > start && tab < end && text.charAt(start) != '#') {
                    lines.put(text.substring(start, tab), text.substring(start, end));
                }
            }
            return lines;
        }
    }

    /**
     * {@code type}'s shape as one line of {@value #SHAPES_RESOURCE}: the class name, the any-getter's name or {@code -},
     * then per property {@code name getter INCLUDE}, separated by tabs.
     */
    static String describe(Class<?> type) {
        Shape shape = shapeFromAnnotations(type);
        StringBuilder line = new StringBuilder(type.getName()).append('\t')
                .append(shape.anyGetter() == null ? "-" : shape.anyGetter().getName());
        for (Property p : shape.properties()) {
            line.append('\t').append(p.name()).append(' ').append(p.getter().getName()).append(' ').append(p.include().name());
        }
        return line.toString();
    }

    /** Whether the shape {@code line} gives for {@code type} is the one its annotations give (for the test of the file). */
    static boolean describes(Class<?> type, String line) {
        return parse(type, line).equals(shapeFromAnnotations(type));
    }

    private static Shape parse(Class<?> type, String line) {
        String[] parts = line.split("\t");
        List<Property> properties = new ArrayList<>(parts.length - 2);
        try {
            for (int i = 2; i < parts.length; i++) {
                String[] p = parts[i].split(" ");
                properties.add(new Property(p[0], type.getMethod(p[1]), JsonInclude.Include.valueOf(p[2])));
            }
            return new Shape(List.copyOf(properties), "-".equals(parts[1]) ? null : type.getMethod(parts[1]));
        } catch (NoSuchMethodException | RuntimeException e) {
            throw new IllegalStateException(SHAPES_RESOURCE + " does not fit " + type.getName() + " (" + e + "): regenerate it with "
                    + "mvn -pl backend-kubernetes -am test -Dtest=ModelTreeShapesTest -Dsurefire.failIfNoSpecifiedTests=false -Dgolden.update=true", e);
        }
    }

    private static Shape shapeFromAnnotations(Class<?> type) {
        JsonInclude classInclude = type.getAnnotation(JsonInclude.class);
        JsonInclude.Include defaultInclude = classInclude == null ? JsonInclude.Include.ALWAYS : classInclude.value();
        Map<String, Property> byName = new LinkedHashMap<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            List<Property> declared = new ArrayList<>();
            for (Field f : c.getDeclaredFields()) {
                JsonProperty json = f.getAnnotation(JsonProperty.class);
                if (json == null || Modifier.isStatic(f.getModifiers()) || f.isAnnotationPresent(JsonIgnore.class)) {
                    continue;
                }
                String name = json.value().isEmpty() ? f.getName() : json.value();
                JsonInclude fieldInclude = f.getAnnotation(JsonInclude.class);
                Method getter = getter(type, f);
                declared.add(new Property(name, getter, fieldInclude == null ? defaultInclude : fieldInclude.value()));
            }
            // superclass properties come first, as Jackson collects them
            Map<String, Property> merged = new LinkedHashMap<>();
            declared.forEach(p -> merged.put(p.name(), p));
            merged.putAll(byName);
            byName = merged;
        }
        List<Property> ordered = new ArrayList<>();
        JsonPropertyOrder order = type.getAnnotation(JsonPropertyOrder.class);
        if (order != null) {
            for (String name : order.value()) {
                Property p = byName.remove(name);
                if (p != null) {
                    ordered.add(p);
                }
            }
        }
        ordered.addAll(byName.values());
        Method any = null;
        for (Method m : type.getMethods()) {
            if (m.isAnnotationPresent(JsonAnyGetter.class) && m.getParameterCount() == 0) {
                any = m;
            }
        }
        return new Shape(List.copyOf(ordered), any);
    }

    private static Method getter(Class<?> type, Field f) {
        String base = Character.toUpperCase(f.getName().charAt(0)) + f.getName().substring(1);
        for (String name : List.of("get" + base, "is" + base)) {
            try {
                return type.getMethod(name);
            } catch (NoSuchMethodException e) {
                // try the next form
            }
        }
        throw new IllegalStateException("no getter for " + type.getName() + "." + f.getName());
    }
}
