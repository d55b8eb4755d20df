package io.inferscale.api.backend;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.BackendException;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.TargetType;
import io.inferscale.api.codec.EndpointCodec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

@DisplayName("secret canaries never appear in toString or exception messages")
class SecretCanaryTest {

    /** A value no code would print by chance. */
    static final String CANARY = "c4n4ry-7f3e9b21";

    /** A backend whose secret key has a name the name rule does not catch: only its ConfigKey says it is secret. */
    static final class AcmeProvider implements BackendProvider {
        final AtomicReference<BackendConfig> received = new AtomicReference<>();
        final boolean failing;

        AcmeProvider(boolean failing) {
            this.failing = failing;
        }

        @Override
        public String id() {
            return "acme";
        }

        @Override
        public Capabilities capabilities() {
            return Capabilities.all();
        }

        @Override
        public List<ConfigKey> configKeys() {
            return List.of(ConfigKey.secret("acme.connectionString", "the account's connection string (carries its key)"),
                    ConfigKey.of("acme.region", "", "region"));
        }

        @Override
        public Backend create(BackendConfig config) {
            received.set(config);
            if (failing) {
                // a careless SDK builder that prints its configuration
                throw new IllegalStateException("client build failed for " + config);
            }
            return null;
        }
    }

    /** The three ways a value reaches a BackendConfig: explicit (--set), system property, environment. */
    static List<BackendConfig> configsHolding(String key) {
        List<BackendConfig> out = new ArrayList<>();
        out.add(BackendConfig.of(Map.of(key, CANARY, "acme.region", "eu")));
        out.add(BackendConfig.of(Map.of("acme.region", "eu"), k -> k.equals("inferscale." + key) ? CANARY : null, k -> null));
        out.add(BackendConfig.of(Map.of("acme.region", "eu"), k -> null, k -> k.equals(BackendConfig.environmentVariable(key)) ? CANARY : null));
        return out;
    }

    private static void assertNoCanary(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            assertThat(String.valueOf(c.getMessage())).doesNotContain(CANARY);
            assertThat(c.toString()).doesNotContain(CANARY);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"acme.apiToken", "acme.password", "acme.secretAccessKey", "acme.sessionCredentials", "acme.bearer"})
    @DisplayName("keys that look secret by name: toString and the typed getters' errors hide the value, from every source")
    void byName(String key) {
        for (BackendConfig c : configsHolding(key)) {
            assertThat(c.get(key)).contains(CANARY);
            assertThat(c.toString()).doesNotContain(CANARY);
            assertThat(c.isSecretKey(key)).isTrue();
            for (Consumer<BackendConfig> getter : List.<Consumer<BackendConfig>>of(x -> x.getInt(key, 1), x -> x.getBoolean(key, true),
                    x -> x.getDuration(key, Duration.ZERO))) {
                Throwable t = catchThrowable(() -> getter.accept(c));
                assertThat(t).isInstanceOf(ConfigurationException.class).hasMessageContaining(key).hasMessageContaining("****");
                assertNoCanary(t);
            }
        }
    }

    @Test
    @DisplayName("a key the provider declares secret (ConfigKey.secret) is hidden whatever its name, once declared")
    void declaredByTheProvider() {
        String key = "acme.connectionString";
        assertThat(BackendConfig.isSecret(key)).as("the name alone does not look secret").isFalse();
        BackendConfig undeclared = BackendConfig.of(Map.of(key, CANARY));
        assertThat(undeclared.toString()).as("control: without the declaration the name rule cannot know").contains(CANARY);
        BackendConfig declared = undeclared.declaring(new AcmeProvider(false).configKeys());
        assertThat(declared.isSecretKey(key)).isTrue();
        assertThat(declared.isSecretKey("acme.region")).isFalse();
        assertThat(declared.toString()).isEqualTo("BackendConfig{" + key + "=****}");
        assertThat(declared.with("acme.region", "eu").toString()).doesNotContain(CANARY).contains("acme.region=eu");
        assertThat(declared.get(key)).contains(CANARY);
        Throwable t = catchThrowable(() -> declared.getInt(key, 0));
        assertThat(t).hasMessage("configuration '" + key + "' must be a whole number, got '****'");
    }

    @Test
    @DisplayName("Backends.create hands the provider a config that hides its declared secrets, from every source")
    void backendsCreateDeclares() {
        for (BackendConfig c : configsHolding("acme.connectionString")) {
            AcmeProvider provider = new AcmeProvider(false);
            Backends.of(provider).create("acme", c);
            assertThat(provider.received.get().get("acme.connectionString")).contains(CANARY);
            assertThat(provider.received.get().toString()).doesNotContain(CANARY);
        }
    }

    @Test
    @DisplayName("a provider that fails printing its config: the BackendException (and its cause) carry no secret")
    void failingProvider() {
        Throwable t = catchThrowable(() -> Backends.of(new AcmeProvider(true)).create("acme",
                BackendConfig.of(Map.of("acme.connectionString", CANARY, "acme.apiToken", CANARY))));
        assertThat(t).isInstanceOf(BackendException.class).hasMessageContaining("acme.connectionString=****");
        assertNoCanary(t);
    }

    @Test
    @DisplayName("model environment values and artifact URI credentials: not in toString, not in validation or codec errors")
    void modelSpec() {
        String uri = "https://bob:" + CANARY + "@models.example.com/m.tar.gz?X-Amz-Signature=" + CANARY;
        ModelSpec model = ModelSpec.builder("m").env("DB_PASSWORD", CANARY).env("plain", CANARY).artifactUri(uri).build();
        InferenceEndpoint e = InferenceEndpoint.builder("Bad_Name").model(model)
                .autoscaling(AutoscalingPolicy.builder().minReplicas(9).maxReplicas(2).target(TargetType.REQUESTS_PER_SECOND, 5).build()).build();
        assertThat(model.toString()).doesNotContain(CANARY);
        assertThat(e.toString()).doesNotContain(CANARY);
        assertThat(ModelSpec.redactedUri(uri)).isEqualTo("https://****@models.example.com/m.tar.gz?****");
        InvalidEndpointException invalid = new InvalidEndpointException("e", io.inferscale.api.validation.EndpointValidator.validate(e));
        assertThat(invalid.report().hasErrors()).isTrue();
        assertNoCanary(invalid);
        // the codec: an environment value of the wrong type, and a document with other errors, never quote the values
        String doc = EndpointCodec.toYaml(e).replace("minReplicas: 9", "minReplicas: nine");
        Throwable t = catchThrowable(() -> EndpointCodec.read(doc, "e.yaml"));
        assertThat(t).isInstanceOf(InvalidEndpointException.class);
        assertNoCanary(t);
    }
}
