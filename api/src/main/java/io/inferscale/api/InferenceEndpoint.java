package io.inferscale.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A provider-neutral description of an autoscaled inference endpoint: the document's
 * {@code metadata.name} and labels, the model it serves, the resources of each replica, the
 * autoscaling policy and per-backend options. Immutable; build one with {@link #builder(String)} or
 * load it with {@link io.inferscale.api.codec.EndpointCodec}.
 *
 * <pre>{@code
 * InferenceEndpoint endpoint = InferenceEndpoint.builder("my-model-endpoint")
 *     .model(ModelSpec.builder("my-ml-model").version("v1").build())
 *     .autoscaling(AutoscalingPolicy.builder().minReplicas(1).maxReplicas(5)
 *         .target(TargetType.CPU_UTILIZATION, 60).build())
 *     .resources(Resources.of(ResourceList.of("500m", "1Gi"), ResourceList.of("1", "2Gi")))
 *     .build();
 * }</pre>
 */
public final class InferenceEndpoint {

    private final String name;
    private final Map<String, String> labels;
    private final Map<String, String> annotations;
    private final ModelSpec model;
    private final Resources resources;
    private final AutoscalingPolicy autoscaling;
    private final BackendOptions backends;

    private InferenceEndpoint(Builder b) {
        this.name = Objects.requireNonNull(b.name, "name");
        this.labels = Collections.unmodifiableMap(new LinkedHashMap<>(b.labels));
        this.annotations = Collections.unmodifiableMap(new LinkedHashMap<>(b.annotations));
        if (b.model == null) {
            throw new IllegalStateException("model is required");
        }
        this.model = b.model;
        this.resources = b.resources;
        if (b.autoscaling == null) {
            throw new IllegalStateException("autoscaling is required");
        }
        this.autoscaling = b.autoscaling;
        this.backends = b.backends;
    }

    /** A builder for an endpoint with the given name (a DNS-1123 label, checked by the validator). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A builder starting from this endpoint. */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.labels.putAll(labels);
        b.annotations.putAll(annotations);
        b.model = model;
        b.resources = resources;
        b.autoscaling = autoscaling;
        b.backends = backends;
        return b;
    }

    /** The endpoint's name, e.g. {@code my-model-endpoint}; every backend derives its resource names from it. */
    public String name() {
        return name;
    }

    /** Labels to put on every resource the backend creates (where the backend supports labels). */
    public Map<String, String> labels() {
        return labels;
    }

    /** Annotations from the document's metadata; kept for round-tripping, not interpreted. */
    public Map<String, String> annotations() {
        return annotations;
    }

    /** The model served. */
    public ModelSpec model() {
        return model;
    }

    /** Resources of each replica. */
    public Resources resources() {
        return resources;
    }

    /** The autoscaling policy. */
    public AutoscalingPolicy autoscaling() {
        return autoscaling;
    }

    /** Per-backend options. */
    public BackendOptions backends() {
        return backends;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InferenceEndpoint e && name.equals(e.name) && labels.equals(e.labels)
                && annotations.equals(e.annotations) && model.equals(e.model) && resources.equals(e.resources)
                && autoscaling.equals(e.autoscaling) && backends.equals(e.backends);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, labels, annotations, model, resources, autoscaling, backends);
    }

    @Override
    public String toString() {
        return "InferenceEndpoint{name=" + name + ", labels=" + labels + ", model=" + model + ", resources=" + resources
                + ", autoscaling=" + autoscaling + ", backends=" + backends + "}";
    }

    /** Builds an {@link InferenceEndpoint}. */
    public static final class Builder {
        private String name;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private ModelSpec model;
        private Resources resources = Resources.none();
        private AutoscalingPolicy autoscaling;
        private BackendOptions backends = BackendOptions.none();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** The endpoint's name. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Adds a label. */
        public Builder label(String key, String value) {
            labels.put(Objects.requireNonNull(key, "label key"), Objects.requireNonNull(value, "label value of " + key));
            return this;
        }

        /** Replaces the labels. */
        public Builder labels(Map<String, String> labels) {
            this.labels.clear();
            labels.forEach(this::label);
            return this;
        }

        /** Replaces the annotations. */
        public Builder annotations(Map<String, String> annotations) {
            this.annotations.clear();
            annotations.forEach((k, v) -> this.annotations.put(Objects.requireNonNull(k), Objects.requireNonNull(v)));
            return this;
        }

        /** The model (required). */
        public Builder model(ModelSpec model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** Resources of each replica (default: none). */
        public Builder resources(Resources resources) {
            this.resources = Objects.requireNonNull(resources, "resources");
            return this;
        }

        /** The autoscaling policy (required). */
        public Builder autoscaling(AutoscalingPolicy autoscaling) {
            this.autoscaling = Objects.requireNonNull(autoscaling, "autoscaling");
            return this;
        }

        /** Per-backend options (default: none). */
        public Builder backends(BackendOptions backends) {
            this.backends = Objects.requireNonNull(backends, "backends");
            return this;
        }

        /** Sets one backend option, e.g. {@code option("sagemaker", "instanceType", "ml.c5.xlarge")}. */
        public Builder option(String backendId, String key, Object value) {
            this.backends = backends.with(backendId, key, value);
            return this;
        }

        /**
         * The endpoint.
         *
         * @throws IllegalStateException when the model or autoscaling policy is missing
         */
        public InferenceEndpoint build() {
            return new InferenceEndpoint(this);
        }
    }
}
