package io.inferscale.backend.kubernetes;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of the API server's field management that decides whether {@code spec.replicas} survives an apply
 * (Kubernetes docs, "Server-Side Apply": field management, conflicts, and "Transferring ownership"), per object:
 * <ul>
 *   <li>an apply makes its manager own every field it sets; a field set to another value that another manager owns is
 *       a 409 conflict unless forced, and forcing takes the field away from that manager;</li>
 *   <li>a field the manager applied before and now leaves out is removed from the object (or reset to its default,
 *       e.g. {@code spec.replicas} to 1) unless another manager still owns it;</li>
 *   <li>a non-apply write (create, update, patch) gives every field whose value it changes to the writing manager
 *       alone, with operation {@code Update}.</li>
 * </ul>
 * Simplifications: lists are atomic (one field), and only single-object GETs show {@code metadata.managedFields}.
 * Not thread-safe: the caller serializes access.
 */
final class FieldOwnership {

    /** What the API server resets a removed field to, when the field has a default. */
    private static final Map<String, JsonNode> DEFAULTS = Map.of("/spec/replicas", IntNode.valueOf(1));
    private static final Set<String> SERVER_METADATA = Set.of("name", "namespace", "uid", "resourceVersion", "generation",
            "creationTimestamp", "deletionTimestamp", "managedFields", "selfLink");

    /** object path -> manager -> owned field pointers. */
    private final Map<String, Map<String, Set<String>>> owners = new HashMap<>();
    /** object path -> manager -> Apply or Update. */
    private final Map<String, Map<String, String>> operations = new HashMap<>();

    /** A conflict: the apply would change fields other managers own. */
    record Conflict(String message) {
    }

    /**
     * Applies {@code applied} by {@code manager} to {@code live} (null: the object does not exist yet).
     *
     * @return the new object, or a {@link Conflict}
     */
    Object apply(String path, JsonNode live, JsonNode applied, String manager, boolean force) {
        Map<String, Set<String>> byManager = owners.computeIfAbsent(path, p -> new LinkedHashMap<>());
        Set<String> fields = fields(applied);
        if (live == null) {
            byManager.clear();
            operations.remove(path);
            own(path, manager, "Apply", fields);
            return applied;
        }
        List<String> conflicts = new ArrayList<>();
        for (String f : fields) {
            if (applied.at(f).equals(live.at(f))) {
                continue;
            }
            for (Map.Entry<String, Set<String>> e : byManager.entrySet()) {
                if (!e.getKey().equals(manager) && e.getValue().contains(f)) {
                    if (force) {
                        e.getValue().remove(f);
                    } else {
                        conflicts.add("conflict with \"" + e.getKey() + "\": ." + f.substring(1).replace('/', '.'));
                    }
                }
            }
        }
        if (!conflicts.isEmpty()) {
            return new Conflict("Apply failed with " + conflicts.size() + " conflict" + (conflicts.size() == 1 ? "" : "s") + ": "
                    + String.join("; ", conflicts));
        }
        ObjectNode out = live.deepCopy();
        for (String f : byManager.getOrDefault(manager, Set.of())) {
            if (!fields.contains(f) && byManager.entrySet().stream().noneMatch(e -> !e.getKey().equals(manager) && e.getValue().contains(f))) {
                remove(out, f);
            }
        }
        byManager.remove(manager);
        own(path, manager, "Apply", fields);
        return MockCluster.mergePatch(out, applied);
    }

    /** Records a non-apply write by {@code manager}: it alone owns every field whose value changed. */
    void update(String path, JsonNode before, JsonNode after, String manager) {
        Set<String> changed = new LinkedHashSet<>();
        for (String f : fields(after)) {
            if (before == null || !after.at(f).equals(before.at(f))) {
                changed.add(f);
            }
        }
        if (before == null) {
            owners.remove(path);
            operations.remove(path);
        }
        Map<String, Set<String>> byManager = owners.computeIfAbsent(path, p -> new LinkedHashMap<>());
        byManager.values().forEach(s -> s.removeAll(changed));
        if (!changed.isEmpty()) {
            Set<String> mine = byManager.computeIfAbsent(manager, m -> new LinkedHashSet<>());
            mine.addAll(changed);
            operations.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(manager, "Update");
        }
        prune(path);
    }

    /** Forgets every object. */
    void clear() {
        owners.clear();
        operations.clear();
    }

    /** Forgets a deleted object. */
    void delete(String path) {
        owners.remove(path);
        operations.remove(path);
    }

    /** True when the object at {@code path} is tracked. */
    boolean tracks(String path) {
        return owners.containsKey(path);
    }

    /** The managers currently owning the field at JSON pointer {@code field}. */
    Set<String> ownersOf(String path, String field) {
        Set<String> out = new LinkedHashSet<>();
        owners.getOrDefault(path, Map.of()).forEach((m, f) -> {
            if (f.contains(field)) {
                out.add(m);
            }
        });
        return out;
    }

    /** {@code object} with {@code metadata.managedFields} as the API server reports them (FieldsV1). */
    JsonNode withManagedFields(String path, JsonNode object) {
        ObjectNode out = object.deepCopy();
        var list = JsonNodeFactory.instance.arrayNode();
        owners.getOrDefault(path, Map.of()).forEach((manager, fields) -> {
            ObjectNode entry = list.addObject();
            entry.put("manager", manager);
            entry.put("operation", operations.getOrDefault(path, Map.of()).getOrDefault(manager, "Apply"));
            entry.put("apiVersion", object.path("apiVersion").asText());
            entry.put("fieldsType", "FieldsV1");
            ObjectNode v1 = entry.putObject("fieldsV1");
            for (String f : fields) {
                ObjectNode node = v1;
                for (String segment : f.substring(1).split("/")) {
                    node = node.has("f:" + unescape(segment)) ? (ObjectNode) node.get("f:" + unescape(segment)) : node.putObject("f:" + unescape(segment));
                }
            }
        });
        ((ObjectNode) out.get("metadata")).set("managedFields", list);
        return out;
    }

    private void own(String path, String manager, String operation, Set<String> fields) {
        owners.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(manager, new LinkedHashSet<>(fields));
        operations.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(manager, operation);
        prune(path);
    }

    private void prune(String path) {
        Map<String, Set<String>> byManager = owners.get(path);
        byManager.entrySet().removeIf(e -> e.getValue().isEmpty());
        operations.getOrDefault(path, new HashMap<>()).keySet().retainAll(byManager.keySet());
    }

    private static void remove(ObjectNode root, String field) {
        JsonPointer pointer = JsonPointer.compile(field);
        JsonNode parent = root.at(pointer.head());
        if (parent instanceof ObjectNode p) {
            JsonNode fallback = DEFAULTS.get(field);
            if (fallback != null) {
                p.set(pointer.last().getMatchingProperty(), fallback);
            } else {
                p.remove(pointer.last().getMatchingProperty());
            }
        }
    }

    /** JSON pointers of the object's fields (scalars, lists and empty maps), without server-populated ones. */
    static Set<String> fields(JsonNode object) {
        Set<String> out = new LinkedHashSet<>();
        object.properties().forEach(e -> {
            String key = e.getKey();
            if (key.equals("apiVersion") || key.equals("kind") || key.equals("status")) {
                return;
            }
            if (key.equals("metadata")) {
                e.getValue().properties().forEach(m -> {
                    if (!SERVER_METADATA.contains(m.getKey())) {
                        collect("/metadata/" + escape(m.getKey()), m.getValue(), out);
                    }
                });
                return;
            }
            collect("/" + escape(key), e.getValue(), out);
        });
        return out;
    }

    private static void collect(String pointer, JsonNode v, Set<String> out) {
        if (v.isObject() && v.size() > 0) {
            v.properties().forEach(e -> collect(pointer + "/" + escape(e.getKey()), e.getValue(), out));
        } else if (!v.isNull()) {
            out.add(pointer);
        }
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static String unescape(String segment) {
        return segment.replace("~1", "/").replace("~0", "~");
    }
}
