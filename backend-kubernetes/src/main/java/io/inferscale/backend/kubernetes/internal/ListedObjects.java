package io.inferscale.backend.kubernetes.internal;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The managed objects of a fleet's namespaces, listed once per kind and namespace by
 * {@link KubernetesLiveReader#listManaged} (the managed-by label selector): the fleet's plan and verification read from
 * it instead of one GET per object. A kind whose LIST failed in any namespace is not covered, so its objects are read
 * with GETs as before. Holds no request state; safe to read from many threads once built.
 */
public final class ListedObjects implements KubernetesLiveReader.CachedObjects {

    private final Map<Class<? extends HasMetadata>, Map<String, HasMetadata>> byKind = new HashMap<>();
    private final Set<Class<? extends HasMetadata>> failed = new HashSet<>();
    private int lists;

    ListedObjects() {
    }

    /** Records one successful LIST of {@code type} in {@code ns}. */
    void add(Class<? extends HasMetadata> type, String ns, List<? extends HasMetadata> items) {
        lists++;
        Map<String, HasMetadata> objects = byKind.computeIfAbsent(type, t -> new HashMap<>());
        items.forEach(o -> objects.put(key(ns, o.getMetadata().getName()), o));
    }

    /** Records a LIST of {@code type} that failed: the kind is then read with GETs. */
    void failed(Class<? extends HasMetadata> type) {
        lists++;
        failed.add(type);
    }

    /** How many LIST requests built this (successful or not). */
    public int lists() {
        return lists;
    }

    @Override
    public boolean covers(Class<? extends HasMetadata> type) {
        return byKind.containsKey(type) && !failed.contains(type);
    }

    @Override
    public HasMetadata get(Class<? extends HasMetadata> type, String ns, String name) {
        return byKind.getOrDefault(type, Map.of()).get(key(ns, name));
    }

    private static String key(String ns, String name) {
        return ns + "/" + name;
    }
}
