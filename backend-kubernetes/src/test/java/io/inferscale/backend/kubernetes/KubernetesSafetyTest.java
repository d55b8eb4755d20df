package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.inferscale.api.BackendException;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static io.inferscale.backend.kubernetes.KubernetesTranslatorTest.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Issue 8's safety checks: names are validated before any request; credentials never leak. */
class KubernetesSafetyTest {

    private static final String TOKEN = "canary-token-7f3a9c";
    private static final String PASSWORD = "canary-password-51be";

    private MockCluster cluster;

    @BeforeEach
    void start() {
        cluster = new MockCluster();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a,b=c", "../x", "x/../../y", "a b", "UPPER", ""})
    @DisplayName("get/status/awaitReady/delete reject a name that is not a DNS-1123 label before any request")
    void invalidNamesNeverReachTheCluster(String name) {
        KubernetesBackend backend = new KubernetesBackend(cluster.client(), KubernetesSettings.defaults());
        assertThatThrownBy(() -> backend.get(name)).isInstanceOf(InvalidEndpointException.class).hasMessageContaining("metadata.name");
        assertThatThrownBy(() -> backend.status(name)).isInstanceOf(InvalidEndpointException.class);
        assertThatThrownBy(() -> backend.awaitReady(name, Duration.ofSeconds(1))).isInstanceOf(InvalidEndpointException.class);
        assertThatThrownBy(() -> backend.delete(name)).isInstanceOf(InvalidEndpointException.class);
        assertThat(cluster.requests()).as("no request reached the cluster").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    @DisplayName("a bearer token or a password in the client's Config never appears in toString, exceptions (401), render or logs")
    void credentialsNeverLeak(boolean bearer) throws IOException {
        String basic = java.util.Base64.getEncoder().encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        KubernetesClient client = cluster.client("inferscale-test", b -> {
            b.withRequestRetryBackoffLimit(0);
            if (bearer) {
                b.withOauthToken(TOKEN);
            } else {
                b.withUsername("admin").withPassword(PASSWORD);
            }
        });
        KubernetesBackend backend = new KubernetesBackend(client, KubernetesSettings.defaults());
        InferenceEndpoint seed = endpoint("inference_endpoint.yaml");
        cluster.fail(r -> true, 401, "Unauthorized");

        PrintStream err = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        StringBuilder seen = new StringBuilder();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            Throwable applyFailure = catchThrowable(() -> backend.apply(seed));
            assertThat(applyFailure).isInstanceOfSatisfying(BackendException.class,
                    e -> assertThat(e.reason()).isEqualTo(BackendException.Reason.CONFIGURATION));
            seen.append(everything(applyFailure));
            seen.append(everything(catchThrowable(() -> backend.get(seed.name()))));
            seen.append(everything(catchThrowable(() -> backend.delete(seed.name()))));
            seen.append(everything(catchThrowable(backend::list)));
            seen.append(backend.render(seed).text());
            seen.append(backend).append(backend.translator());
        } finally {
            System.setErr(err);
        }
        seen.append(log.toString(StandardCharsets.UTF_8));
        assertThat(cluster.requests()).as("the canary was sent (so the check below can fail)").isNotEmpty()
                .allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo(bearer ? "Bearer " + TOKEN : "Basic " + basic));
        assertThat(seen.toString()).isNotBlank().doesNotContain(TOKEN).doesNotContain(PASSWORD).doesNotContain(basic);
    }

    @Test
    @DisplayName("a token given as configuration is rejected as an unknown key without echoing its value; BackendConfig masks it")
    void tokenInBackendConfigIsNotEchoed() {
        BackendConfig config = BackendConfig.of(Map.of("kubernetes.token", TOKEN));
        Throwable t = catchThrowable(() -> new KubernetesBackendProvider().create(config));
        assertThat(t).isInstanceOf(ConfigurationException.class).hasMessageContaining("kubernetes.token");
        assertThat(everything(t)).doesNotContain(TOKEN);
        assertThat(config.toString()).doesNotContain(TOKEN);
        try (Backend b = new KubernetesBackendProvider().create(BackendConfig.of(Map.of("kubernetes.namespace", "ml")))) {
            assertThat(b.toString()).contains("namespace=ml");
        }
    }

    /** Message, toString and stack trace of a throwable and its causes. */
    private static String everything(Throwable t) {
        if (t == null) {
            return "";
        }
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return t + "\n" + out;
    }
}
