package io.inferscale.backend.inmemory;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.Secrets;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.codec.EndpointCodec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

@DisplayName("The in-memory backend: names checked before lookups, secrets never printed")
class InMemoryBackendSafetyTest {

    static final String CANARY = "c4n4ry-7f3e9b21";

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "../other", "a,b", "app!=x", "UPPER", "name with spaces", "x/../../etc", "-lead", "a\nb"})
    @DisplayName("get, status, awaitReady, delete, scale, observe and endpoint reject a name that is not a DNS-1123 label")
    void namesAreValidatedFirst(String name) {
        InMemoryBackend backend = InMemoryBackend.create();
        backend.apply(InMemoryBackendTest.seed());
        List<ThrowingConsumer<InMemoryBackend>> calls = List.of(b -> b.get(name), b -> b.status(name),
                b -> b.awaitReady(name, Duration.ofSeconds(1)), b -> b.delete(name), b -> b.scale(name, 2),
                b -> b.observe(name, TargetType.CPU_UTILIZATION, BigDecimal.ONE), b -> b.endpoint(name));
        for (ThrowingConsumer<InMemoryBackend> call : calls) {
            Throwable t = catchThrowable(() -> call.accept(backend));
            assertThat(t).isInstanceOf(InvalidEndpointException.class);
            assertThat(((InvalidEndpointException) t).report().errors()).singleElement()
                    .satisfies(p -> assertThat(p.path()).isEqualTo("metadata.name"));
        }
        assertThat(backend.operations()).hasSize(1);
        assertThat(backend.endpoint("my-model-endpoint")).isPresent();
    }

    static InferenceEndpoint withSecrets() {
        InferenceEndpoint seed = InMemoryBackendTest.seed();
        return seed.toBuilder().model(seed.model().toBuilder().env("DB_PASSWORD", CANARY).env("PLAIN", CANARY)
                .artifactUri("https://bob:" + CANARY + "@models.example.com/m.tar.gz?sig=" + CANARY).build()).build();
    }

    @Test
    @DisplayName("render, plan, status, toString and exceptions never print an environment value")
    void noSecretsPrinted(@TempDir Path dir) throws Exception {
        InMemoryBackend backend = InMemoryBackend.builder().stateFile(dir.resolve("state.yaml")).build();
        InferenceEndpoint e = withSecrets();
        String rendered = backend.render(e).text();
        assertThat(rendered).doesNotContain(CANARY).contains("DB_PASSWORD: '" + Secrets.HIDDEN + "'"); // YAML quotes '*'
        assertThat(EndpointCodec.read(rendered, "rendered").endpoint().model().env()).containsEntry("DB_PASSWORD", Secrets.HIDDEN);
        assertThat(EndpointCodec.read(rendered, "rendered").endpoint().model().env()).containsOnlyKeys("DB_PASSWORD", "PLAIN");
        assertThat(backend.plan(e).toString()).doesNotContain(CANARY);
        backend.apply(e);
        InferenceEndpoint changed = e.toBuilder().model(e.model().toBuilder().env("DB_PASSWORD", CANARY + "-2")
                .artifactUri("https://bob:" + CANARY + "-2@models.example.com/m2.tar.gz").build()).build();
        assertThat(backend.plan(changed).changes().get(0).fields()).extracting(io.inferscale.api.backend.FieldChange::path)
                .contains("spec.model.env.DB_PASSWORD", "spec.model.artifactUri");
        assertThat(backend.plan(changed).toString()).doesNotContain(CANARY).contains("spec.model.env.DB_PASSWORD");
        assertThat(backend.plan(changed).describe()).doesNotContain(CANARY);
        assertThat(backend.get(e.name()).orElseThrow().toString()).doesNotContain(CANARY);
        assertThat(backend.get(e.name()).orElseThrow().toTree().toString()).doesNotContain(CANARY);
        assertThat(backend.toString()).doesNotContain(CANARY);
        assertThat(backend.operations().toString()).doesNotContain(CANARY);
        // the state file is the backend's store (as a cloud keeps the values); a corrupt one is reported without them
        Path state = dir.resolve("state.yaml");
        Files.writeString(state, Files.readString(state).replace("updating: false", "updating: [" + CANARY));
        Throwable t = catchThrowable(() -> InMemoryBackend.builder().stateFile(state).build());
        assertThat(t).isNotNull();
        for (Throwable c = t; c != null; c = c.getCause()) {
            // the cause too: a --verbose stack trace prints it (SnakeYAML's own exception quotes the broken line)
            assertThat(String.valueOf(c.getMessage())).doesNotContain(CANARY);
        }
    }

    @Test
    @DisplayName("configuration from every source: the provider's config and errors hide secret values")
    void providerConfig() {
        Map<String, String> env = Map.of("INFERSCALE_IN_MEMORY_READY_DELAY", CANARY);
        Throwable t = catchThrowable(() -> Backends.of(new InMemoryBackendProvider()).create("in-memory",
                BackendConfig.of(Map.of(), k -> null, env::get)));
        // not a secret key: the bad value is shown so it can be fixed; a secret-named key is hidden
        assertThat(t).hasMessageContaining("in-memory.readyDelay");
        Backend b = Backends.of(new InMemoryBackendProvider()).create("in-memory", BackendConfig.of(Map.of("in-memory.readyDelay", "0s")));
        assertThat(b).isInstanceOf(InMemoryBackend.class);
        ModelSpec model = withSecrets().model();
        assertThat(model.toString()).doesNotContain(CANARY);
    }
}
