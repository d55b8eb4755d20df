package io.inferscale.api;

import io.inferscale.api.backend.BackendConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Secrets: the one masker")
class SecretsTest {

    @Test
    @DisplayName("secret-looking keys are masked, others shown; publicKey is not a secret")
    void keys() {
        assertThat(Secrets.mask("vertex.accessToken", "ya29.x")).isEqualTo(Secrets.HIDDEN);
        assertThat(Secrets.mask("sagemaker.secretAccessKey", "abc")).isEqualTo("****");
        assertThat(Secrets.mask("apiKey", "k")).isEqualTo("****");
        assertThat(Secrets.mask("publicKey", "pk")).isEqualTo("pk");
        assertThat(Secrets.mask("sagemaker.region", "us-east-1")).isEqualTo("us-east-1");
        assertThat(BackendConfig.isSecret("DB_PASSWORD")).isTrue();
    }

    @Test
    @DisplayName("credentials and signatures in a URI are masked; the rest is kept")
    void uris() {
        assertThat(Secrets.maskUri("https://bob:pw@host/m.tar.gz?sig=x")).isEqualTo("https://****@host/m.tar.gz?****");
        assertThat(Secrets.maskUri("s3://bucket/model.tar.gz")).isEqualTo("s3://bucket/model.tar.gz");
        assertThat(Secrets.maskUri(null)).isNull();
    }

    @Test
    @DisplayName("BackendConfig and BackendOptions print through the same masker")
    void sameSpelling() {
        BackendConfig config = BackendConfig.of(Map.of("vertex.accessToken", "ya29.secret", "vertex.project", "p1"));
        assertThat(config.toString()).contains("vertex.accessToken=" + Secrets.HIDDEN).contains("p1").doesNotContain("ya29.secret");
    }
}
