package io.inferscale.backend.kubernetes.internal;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.inferscale.backend.kubernetes.KubernetesManifests;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The objects one apply writes: the translator's manifests placed in a namespace, optionally owned by a resource (the
 * operator's children), each annotated with {@link #HASH_ANNOTATION}. Built once per apply; every pass plans against it.
 *
 * @param namespace the namespace every object goes to
 * @param manifests the translator's output
 * @param objects   the prepared copies in apply order: Deployment, Service, HorizontalPodAutoscaler
 */
public record DesiredObjects(String namespace, KubernetesManifests manifests, List<HasMetadata> objects) {

    /** Annotation with a hash of the applied object, so removing a field from the endpoint is noticed by plan. */
    public static final String HASH_ANNOTATION = "inferscale.io/applied-hash";

    /** Rejects nulls and copies the list. */
    public DesiredObjects {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(manifests, "manifests");
        objects = List.copyOf(objects);
    }

    /**
     * Copies of the manifests' objects in {@code namespace}, owned by {@code owner} when it is not {@code null}, each with
     * the hash of the object as written on update.
     */
    public static DesiredObjects of(KubernetesManifests manifests, String namespace, OwnerReference owner) {
        List<HasMetadata> objects = new ArrayList<>();
        for (HasMetadata o : manifests.objects()) {
            HasMetadata copy = ManifestYaml.serialization().clone(o);
            copy.getMetadata().setNamespace(namespace);
            if (owner != null) {
                copy.getMetadata().setOwnerReferences(List.of(owner));
            }
            Map<String, String> annotations = new LinkedHashMap<>();
            if (copy.getMetadata().getAnnotations() != null) {
                annotations.putAll(copy.getMetadata().getAnnotations());
            }
            annotations.put(HASH_ANNOTATION, hash(forUpdate(copy)));
            copy.getMetadata().setAnnotations(annotations);
            objects.add(copy);
        }
        return new DesiredObjects(namespace, manifests, objects);
    }

    /** The desired object of {@code kind} ({@code Deployment}, {@code Service} or {@code HorizontalPodAutoscaler}). */
    public HasMetadata object(String kind) {
        return objects.stream().filter(o -> o.getKind().equals(kind)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no desired " + kind));
    }

    /** The endpoint's name, which every object carries. */
    public String name() {
        return objects.get(0).getMetadata().getName();
    }

    /** {@code namespace/name}, as plans and steps name the objects. */
    public String qualifiedName() {
        return namespace + "/" + name();
    }

    /** The object as written on update: without the Deployment's {@code spec.replicas}, which the HPA owns. */
    public static HasMetadata forUpdate(HasMetadata object) {
        if (object instanceof Deployment d) {
            return KubernetesManifests.withoutReplicas(d);
        }
        return object;
    }

    /** A short SHA-256 (16 hex digits) of the object's JSON with map keys sorted. */
    public static String hash(HasMetadata object) {
        try {
            String json = ManifestYaml.serialization().asJson(sorted(ManifestYaml.tree(object)));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object sorted(Object v) {
        if (v instanceof Map<?, ?> m) {
            TreeMap<String, Object> t = new TreeMap<>();
            m.forEach((k, x) -> t.put(k.toString(), sorted(x)));
            return t;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(DesiredObjects::sorted).toList();
        }
        return v;
    }
}
