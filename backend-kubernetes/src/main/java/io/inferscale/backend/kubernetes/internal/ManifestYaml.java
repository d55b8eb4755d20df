package io.inferscale.backend.kubernetes.internal;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.inferscale.api.codec.EndpointCodec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Multi-document YAML of Kubernetes objects in the layout {@code kubectl get -o yaml} uses: apiVersion,
 * kind, metadata, spec first, then fields in the API types' order, strings quoted only where YAML needs it.
 */
public final class ManifestYaml {
    /** fabric8's serialization of the model types (thread-safe), made on first use: {@link #write} does not need it. */
    public static KubernetesSerialization serialization() {
        return Holder.SERIALIZATION;
    }

    private static final class Holder {
        static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    }

    private ManifestYaml() {
    }

    /** Each object as a YAML document starting with {@code ---}; built without Jackson ({@link ModelTree}). */
    public static String write(List<? extends HasMetadata> objects) {
        StringBuilder sb = new StringBuilder();
        for (HasMetadata o : objects) {
            sb.append("---\n").append(EndpointCodec.writeYaml(ModelTree.of(o)));
        }
        return sb.toString();
    }

    /** The object as an ordered tree of maps, lists and scalars, without null fields. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> tree(Object o) {
        return serialization().convertValue(o, LinkedHashMap.class);
    }
}
