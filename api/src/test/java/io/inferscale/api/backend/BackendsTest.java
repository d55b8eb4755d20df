package io.inferscale.api.backend;

import io.inferscale.api.DiscoveryException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Backend discovery")
class BackendsTest {

    private static final String PREFIX = "io.inferscale.api.backend.TestProviders$";
    private static final String ALL_ARTIFACTS = "io.inferscale:inferscale-backend-kubernetes (kubernetes), "
            + "io.inferscale:inferscale-backend-sagemaker (sagemaker), io.inferscale:inferscale-backend-vertex (vertex), "
            + "io.inferscale:inferscale-backend-in-memory (in-memory)";

    @TempDir
    Path dir;

    /** A class loader whose only BackendProvider services file lists the given classes. */
    private ClassLoader loaderListing(String... classes) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.write(services.resolve(BackendProvider.class.getName()), List.of(classes));
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
    }

    @Test
    @DisplayName("finds providers by id and creates backends")
    void findsById() throws IOException {
        Backends backends = Backends.discover(loaderListing(PREFIX + "Kubernetes", PREFIX + "InMemory"));
        assertThat(backends.ids()).containsExactly("in-memory", "kubernetes");
        assertThat(backends.failures()).isEmpty();
        assertThat(backends.provider("kubernetes")).isInstanceOf(TestProviders.Kubernetes.class);
        assertThat(backends.create("in-memory", BackendConfig.empty()).id()).isEqualTo("in-memory");
    }

    @Test
    @DisplayName("an unknown id names the ids found, suggests a close one and the artifact to add")
    void unknownKnownId() throws IOException {
        Backends backends = Backends.discover(loaderListing(PREFIX + "Kubernetes", PREFIX + "InMemory"));
        assertThatThrownBy(() -> backends.provider("sagemaker"))
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("Unknown backend 'sagemaker'. Found: in-memory, kubernetes. To use 'sagemaker', add the dependency "
                        + "io.inferscale:inferscale-backend-sagemaker.");
        assertThatThrownBy(() -> backends.provider("kubernets"))
                .hasMessage("Unknown backend 'kubernets'; did you mean 'kubernetes'? Found: in-memory, kubernetes.");
    }

    @Test
    @DisplayName("an id InferScale does not publish lists the published backends")
    void unknownForeignId() throws IOException {
        Backends backends = Backends.discover(loaderListing(PREFIX + "Kubernetes"));
        assertThatThrownBy(() -> backends.provider("azure"))
                .hasMessage("Unknown backend 'azure'. Found: kubernetes. InferScale backends: " + ALL_ARTIFACTS + ".");
    }

    @Test
    @DisplayName("no provider at all is a clear error listing the artifacts")
    void zeroProviders() throws IOException {
        Backends backends = Backends.discover(loaderListing());
        assertThat(backends.providers()).isEmpty();
        assertThatThrownBy(() -> backends.provider("kubernetes"))
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("No InferScale backend found on the class path. Add one of: " + ALL_ARTIFACTS + ".");
    }

    @Test
    @DisplayName("two providers with one id fail discovery naming both classes")
    void duplicateIds() throws IOException {
        ClassLoader cl = loaderListing(PREFIX + "Kubernetes", PREFIX + "KubernetesTwin");
        assertThatThrownBy(() -> Backends.discover(cl))
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("More than one InferScale backend provider claims the same id: 'kubernetes' by "
                        + PREFIX + "Kubernetes and " + PREFIX + "KubernetesTwin. Keep one artifact per backend on the class path.");
        assertThatThrownBy(() -> Backends.of(new TestProviders.Kubernetes(), new TestProviders.KubernetesTwin()))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("'kubernetes' by");
    }

    @Test
    @DisplayName("a provider that fails to load is reported by name and does not hide the others")
    void brokenProviders() throws IOException {
        Backends backends = Backends.discover(loaderListing(PREFIX + "Broken", "com.example.Missing", PREFIX + "Kubernetes"));
        assertThat(backends.ids()).containsExactly("kubernetes");
        assertThat(backends.failures()).extracting(Backends.Failure::provider)
                .containsExactly(PREFIX + "Broken", "com.example.Missing");
        assertThat(backends.failures().get(0).message()).contains("could not be instantiated").contains("missing native library");
        assertThat(backends.failures().get(1).message()).contains("not found");
        assertThatThrownBy(() -> backends.provider("broken"))
                .hasMessageStartingWith("Unknown backend 'broken'. Found: kubernetes.")
                .hasMessageContaining("Providers that failed to load: " + PREFIX + "Broken: ")
                .hasMessageContaining("com.example.Missing: ");
    }

    /**
     * Like {@link #loaderListing}, but defines {@code NeedsSdk} itself and cannot find {@code SdkBase}, as
     * when a backend's cloud SDK jar is missing from the class path.
     */
    private ClassLoader loaderWithoutSdk(String... classes) throws IOException {
        ClassLoader listing = loaderListing(classes);
        return new ClassLoader(listing) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                synchronized (getClassLoadingLock(name)) {
                    if (name.equals(PREFIX + "SdkBase")) {
                        throw new ClassNotFoundException(name);
                    }
                    if (name.equals(PREFIX + "NeedsSdk")) {
                        Class<?> c = findLoadedClass(name);
                        if (c == null) {
                            try (var in = BackendsTest.class.getResourceAsStream("TestProviders$NeedsSdk.class")) {
                                byte[] bytes = in.readAllBytes();
                                c = defineClass(name, bytes, 0, bytes.length);
                            } catch (IOException e) {
                                throw new ClassNotFoundException(name, e);
                            }
                        }
                        return c;
                    }
                    return super.loadClass(name, resolve);
                }
            }
        };
    }

    @Test
    @DisplayName("a provider whose SDK is missing (NoClassDefFoundError) is named, with the missing class, and hides no other")
    void providerWithMissingSdk() throws IOException {
        Backends backends = Backends.discover(loaderWithoutSdk(PREFIX + "Kubernetes", PREFIX + "NeedsSdk", PREFIX + "InMemory"));
        assertThat(backends.ids()).containsExactly("in-memory", "kubernetes");
        assertThat(backends.failures()).singleElement().satisfies(f -> {
            assertThat(f.provider()).isEqualTo(PREFIX + "NeedsSdk");
            assertThat(f.message()).isEqualTo("a class it needs is missing: " + PREFIX + "SdkBase (NoClassDefFoundError);"
                    + " add the artifact that provides it");
            assertThat(f.cause()).isInstanceOf(NoClassDefFoundError.class);
        });
    }

    @Test
    @DisplayName("a provider with an id that is not lower-case letters, digits and '-' is a failure naming its class")
    void invalidId() {
        Backends backends = Backends.of(new TestProviders.BadId(), new TestProviders.Kubernetes());
        assertThat(backends.ids()).containsExactly("kubernetes");
        assertThat(backends.failures()).singleElement().hasToString(PREFIX + "BadId: id() returned 'My Cloud', which is not a backend id:"
                + " use lower-case letters, digits and '-', e.g. my-cloud");
    }

    @Test
    @DisplayName("a provider whose create throws a foreign exception is wrapped in a CONFIGURATION BackendException keeping the cause")
    void createFailureWrapped() {
        Backends backends = Backends.of(new TestProviders.FailsOnCreate());
        assertThatThrownBy(() -> backends.create("fails-on-create", BackendConfig.empty()))
                .isInstanceOfSatisfying(io.inferscale.api.BackendException.class,
                        e -> assertThat(e.reason()).isEqualTo(io.inferscale.api.BackendException.Reason.CONFIGURATION))
                .hasMessage("fails-on-create: the backend could not be created by " + PREFIX + "FailsOnCreate: "
                        + "java.lang.IllegalStateException: region not resolvable")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("explicit construction works without discovery")
    void explicit() {
        Backends backends = Backends.of(new TestProviders.InMemory());
        assertThat(backends.ids()).containsExactly("in-memory");
        assertThatThrownBy(() -> Backends.of().provider("in-memory"))
                .hasMessage("No InferScale backend found among the providers given. Add one of: " + ALL_ARTIFACTS + ".");
    }
}
