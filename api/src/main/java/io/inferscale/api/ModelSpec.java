package io.inferscale.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The model an endpoint serves: its name and version, the container image that serves it, where its
 * artifacts live, the port the server listens on and its environment.
 *
 * <p>Environment values may hold secrets: {@link #toString()} prints only their names. A value can instead come
 * from a secret ({@link #secretEnv()}), which the document then never holds.
 */
public final class ModelSpec {

    private final String name;
    private final String version;
    private final String image;
    private final String artifactUri;
    private final Integer port;
    private final Map<String, String> env;
    private final Map<String, SecretKeyRef> secretEnv;
    private final String healthPath;
    private final String predictPath;
    private final Integer startupSeconds;

    private ModelSpec(Builder b) {
        this.name = Objects.requireNonNull(b.name, "model name");
        this.version = b.version;
        this.image = b.image;
        this.artifactUri = b.artifactUri;
        this.port = b.port;
        this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
        this.secretEnv = Collections.unmodifiableMap(new LinkedHashMap<>(b.secretEnv));
        this.healthPath = b.healthPath;
        this.predictPath = b.predictPath;
        this.startupSeconds = b.startupSeconds;
    }

    /** A builder for a model with the given name. */
    public static Builder builder(String name) {
        return new Builder().name(name);
    }

    /** A builder starting from this model. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.version = version;
        b.image = image;
        b.artifactUri = artifactUri;
        b.port = port;
        b.env.putAll(env);
        b.secretEnv.putAll(secretEnv);
        b.healthPath = healthPath;
        b.predictPath = predictPath;
        b.startupSeconds = startupSeconds;
        return b;
    }

    /** The model's name, e.g. {@code my-ml-model}. */
    public String name() {
        return name;
    }

    /** The model's version, e.g. {@code v1}. */
    public Optional<String> version() {
        return Optional.ofNullable(version);
    }

    /** The serving container image, e.g. {@code registry.example.com/my-ml-model:v1}. */
    public Optional<String> image() {
        return Optional.ofNullable(image);
    }

    /** Where the model artifacts live, e.g. {@code s3://bucket/model.tar.gz} or {@code gs://bucket/model/}. */
    public Optional<String> artifactUri() {
        return Optional.ofNullable(artifactUri);
    }

    /** The port the serving container listens on; backends document their default (usually 8080). */
    public Optional<Integer> port() {
        return Optional.ofNullable(port);
    }

    /** Environment of the serving container, in the order given. Values may be secrets. */
    public Map<String, String> env() {
        return env;
    }

    /**
     * Environment variables whose values come from a secret ({@code valueFrom.secretKeyRef}), in the order given;
     * a name is either here or in {@link #env()}, never both.
     */
    public Map<String, SecretKeyRef> secretEnv() {
        return secretEnv;
    }

    /** HTTP path that answers 200 when the server is ready, e.g. {@code /health}. */
    public Optional<String> healthPath() {
        return Optional.ofNullable(healthPath);
    }

    /** HTTP path that serves predictions, e.g. {@code /predict}. */
    public Optional<String> predictPath() {
        return Optional.ofNullable(predictPath);
    }

    /**
     * The longest the serving container may take from start to ready (pulling the model, loading it), in seconds;
     * empty for the backend's default. Backends map it to their start-up allowance: a Kubernetes startup probe,
     * SageMaker's container start-up health-check and model-download timeouts, Vertex AI's container startup probe.
     * The neutral validation accepts 1 to {@value io.inferscale.api.validation.EndpointValidator#MAX_STARTUP_SECONDS}.
     */
    public Optional<Integer> startupSeconds() {
        return Optional.ofNullable(startupSeconds);
    }

    /** {@code name:version}, or the name alone when there is no version. */
    public String reference() {
        return version == null ? name : name + ":" + version;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec m && name.equals(m.name) && Objects.equals(version, m.version)
                && Objects.equals(image, m.image) && Objects.equals(artifactUri, m.artifactUri)
                && Objects.equals(port, m.port) && env.equals(m.env) && secretEnv.equals(m.secretEnv) && Objects.equals(healthPath, m.healthPath)
                && Objects.equals(predictPath, m.predictPath) && Objects.equals(startupSeconds, m.startupSeconds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, version, image, artifactUri, port, env, secretEnv, healthPath, predictPath, startupSeconds);
    }

    /**
     * Prints environment variable names only, never their values, and the artifact URI without the parts
     * that can carry credentials (user info, query string such as a pre-signed URL's signature).
     */
    @Override
    public String toString() {
        return "ModelSpec{name=" + name + ", version=" + version + ", image=" + image + ", artifactUri=" + withoutCredentials(artifactUri)
                + ", port=" + port + ", env=" + env.keySet() + (secretEnv.isEmpty() ? "" : ", secretEnv=" + secretEnv) + ", healthPath=" + healthPath
                + ", predictPath=" + predictPath + (startupSeconds == null ? "" : ", startupSeconds=" + startupSeconds) + "}";
    }

    /**
     * {@code uri} without the parts that can carry credentials, for messages and logs: user info becomes
     * {@code ****@} and a query string (a pre-signed URL's signature) {@code ?****}; e.g.
     * {@code https://bob:pw@host/m.tar.gz?sig=x} → {@code https://****@host/m.tar.gz?****}. Backends quote an
     * artifact URI in an error message through this. Null stays null.
     */
    public static String redactedUri(String uri) {
        return withoutCredentials(uri);
    }

    private static String withoutCredentials(String uri) {
        return Secrets.maskUri(uri);
    }

    /** Builds a {@link ModelSpec}. */
    public static final class Builder {
        private String name;
        private String version;
        private String image;
        private String artifactUri;
        private Integer port;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, SecretKeyRef> secretEnv = new LinkedHashMap<>();
        private String healthPath;
        private String predictPath;
        private Integer startupSeconds;

        private Builder() {
        }

        /** The model's name (required). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The model's version, or {@code null}. */
        public Builder version(String version) {
            this.version = version;
            return this;
        }

        /** The serving container image, or {@code null}. */
        public Builder image(String image) {
            this.image = image;
            return this;
        }

        /** Where the model artifacts live, or {@code null}. */
        public Builder artifactUri(String artifactUri) {
            this.artifactUri = artifactUri;
            return this;
        }

        /** The serving port, or {@code null} for the backend's default. */
        public Builder port(Integer port) {
            this.port = port;
            return this;
        }

        /** Adds one environment variable with a literal value (replacing a secret reference of that name). */
        public Builder env(String name, String value) {
            env.put(Objects.requireNonNull(name, "env name"), Objects.requireNonNull(value, "env value of " + name));
            secretEnv.remove(name);
            return this;
        }

        /** Adds one environment variable whose value comes from a secret (replacing a literal value of that name). */
        public Builder secretEnv(String name, SecretKeyRef ref) {
            secretEnv.put(Objects.requireNonNull(name, "env name"), Objects.requireNonNull(ref, "secret reference of " + name));
            env.remove(name);
            return this;
        }

        /** Replaces the environment. */
        public Builder env(Map<String, String> env) {
            this.env.clear();
            env.forEach(this::env);
            return this;
        }

        /** The readiness path, or {@code null}. */
        public Builder healthPath(String healthPath) {
            this.healthPath = healthPath;
            return this;
        }

        /** The prediction path, or {@code null}. */
        public Builder predictPath(String predictPath) {
            this.predictPath = predictPath;
            return this;
        }

        /** The start-up allowance in seconds, or {@code null} for the backend's default; see {@link ModelSpec#startupSeconds()}. */
        public Builder startupSeconds(Integer startupSeconds) {
            this.startupSeconds = startupSeconds;
            return this;
        }

        /** The model. */
        public ModelSpec build() {
            return new ModelSpec(this);
        }
    }
}
