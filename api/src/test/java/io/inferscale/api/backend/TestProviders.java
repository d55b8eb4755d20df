package io.inferscale.api.backend;

import io.inferscale.api.InferenceEndpoint;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Providers for discovery tests; listed in services files written by the tests. */
final class TestProviders {

    private TestProviders() {
    }

    abstract static class Named implements BackendProvider {
        private final String id;

        Named(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Capabilities capabilities() {
            return Capabilities.builder().supports(Feature.CPU_UTILIZATION_TARGET).build();
        }

        @Override
        public Backend create(BackendConfig config) {
            return new NoOpBackend(id);
        }
    }

    public static final class Kubernetes extends Named {
        public Kubernetes() {
            super("kubernetes");
        }
    }

    public static final class InMemory extends Named {
        public InMemory() {
            super("in-memory");
        }
    }

    /** Claims the id "kubernetes" too. */
    public static final class KubernetesTwin extends Named {
        public KubernetesTwin() {
            super("kubernetes");
        }
    }

    /** Stands for a cloud SDK class; {@link BackendsTest} hides it so that {@link NeedsSdk} cannot link. */
    abstract static class SdkBase extends Named {
        SdkBase() {
            super("needs-sdk");
        }
    }

    /** A provider whose SDK jar is missing: loading it throws NoClassDefFoundError, not ServiceConfigurationError. */
    public static final class NeedsSdk extends SdkBase {
        public NeedsSdk() {
        }
    }

    /** Claims an id that cannot name spec.backends.&lt;id&gt; or an environment variable. */
    public static final class BadId extends Named {
        public BadId() {
            super("My Cloud");
        }
    }

    /** Cheap to construct, but its create fails the way an SDK client builder might. */
    public static final class FailsOnCreate extends Named {
        public FailsOnCreate() {
            super("fails-on-create");
        }

        @Override
        public Backend create(BackendConfig config) {
            throw new IllegalStateException("region not resolvable");
        }
    }

    /** Fails in its constructor. */
    public static final class Broken extends Named {
        public Broken() {
            super("broken");
            throw new IllegalStateException("missing native library");
        }
    }

    /** A backend for what needs no cloud (validation, discovery): reads answer empty, writes are unsupported. */
    static final class NoOpBackend implements Backend {
        private final String id;
        private final List<OptionKey> options;
        private final Capabilities capabilities;

        NoOpBackend(String id) {
            this(id, List.of(), Capabilities.builder().supports(Feature.CPU_UTILIZATION_TARGET).build());
        }

        NoOpBackend(String id, List<OptionKey> options, Capabilities capabilities) {
            this.id = id;
            this.options = options;
            this.capabilities = capabilities;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Capabilities capabilities() {
            return capabilities;
        }

        @Override
        public List<OptionKey> optionKeys() {
            return options;
        }

        @Override
        public Rendering render(InferenceEndpoint endpoint) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Plan plan(InferenceEndpoint endpoint) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ApplyResult apply(InferenceEndpoint endpoint) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<EndpointStatus> get(String name) {
            return Optional.empty();
        }

        @Override
        public List<EndpointStatus> list() {
            return List.of();
        }

        @Override
        public EndpointStatus awaitReady(String name, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean delete(String name) {
            return false;
        }
    }
}
