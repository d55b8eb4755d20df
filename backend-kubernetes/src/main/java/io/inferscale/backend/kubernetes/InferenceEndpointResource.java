package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The {@code InferenceEndpoint} custom resource ({@code inferenceendpoints.mlops.example.com/v1}): the seed's
 * document applied with {@code kubectl apply -f inference_endpoint.yaml}. The spec is kept as the untyped
 * document tree ({@link Spec}) and read with {@link io.inferscale.api.codec.EndpointCodec}, so the operator and
 * the library accept exactly the same documents; the CRD's schema ({@code manifests/crd.yaml}) mirrors it.
 */
@Group(InferenceEndpointResource.GROUP)
@Version(InferenceEndpointResource.VERSION)
@Kind("InferenceEndpoint")
@Plural("inferenceendpoints")
@Singular("inferenceendpoint")
public class InferenceEndpointResource extends CustomResource<InferenceEndpointResource.Spec, InferenceEndpointResourceStatus>
        implements Namespaced {
    private static final long serialVersionUID = 1L;

    /** The API group. */
    public static final String GROUP = "mlops.example.com";
    /** The version. */
    public static final String VERSION = "v1";
    /** The CRD's name. */
    public static final String CRD_NAME = "inferenceendpoints." + GROUP;

    /** The spec as the document wrote it: {@code model}, {@code autoscaling}, {@code resources}, {@code backends}. */
    public static class Spec {
        private final java.util.Map<String, Object> fields = new java.util.LinkedHashMap<>();

        /** The fields, in document order. */
        @com.fasterxml.jackson.annotation.JsonAnyGetter
        public java.util.Map<String, Object> fields() {
            return fields;
        }

        /** Sets one field (used by Jackson). */
        @com.fasterxml.jackson.annotation.JsonAnySetter
        public void set(String name, Object value) {
            fields.put(name, value);
        }
    }
}
