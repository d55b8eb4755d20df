package io.inferscale.api.backend;

import io.inferscale.api.ConfigurationException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("BackendConfig")
class BackendConfigTest {

    @Test
    @DisplayName("maps keys to environment variables with camel-case humps as underscores")
    void environmentNames() {
        assertThat(BackendConfig.environmentVariable("sagemaker.executionRoleArn")).isEqualTo("INFERSCALE_SAGEMAKER_EXECUTION_ROLE_ARN");
        assertThat(BackendConfig.environmentVariable("in-memory.readyDelay")).isEqualTo("INFERSCALE_IN_MEMORY_READY_DELAY");
        assertThat(BackendConfig.environmentVariable("vertex.project")).isEqualTo("INFERSCALE_VERTEX_PROJECT");
        assertThat(ConfigKey.of("kubernetes.namespace", "default", "ns").environmentVariable()).isEqualTo("INFERSCALE_KUBERNETES_NAMESPACE");
    }

    @Test
    @DisplayName("explicit values win over system properties, which win over the environment")
    void precedence() {
        Map<String, String> props = Map.of("inferscale.vertex.project", "from-property", "inferscale.vertex.location", "europe-west4");
        Map<String, String> env = Map.of("INFERSCALE_VERTEX_PROJECT", "from-env", "INFERSCALE_VERTEX_LOCATION", "us-central1",
                "INFERSCALE_SAGEMAKER_REGION", "eu-west-1");
        BackendConfig c = BackendConfig.of(Map.of("vertex.project", "explicit"), props::get, env::get);
        assertThat(c.get("vertex.project")).contains("explicit");
        assertThat(c.get("vertex.location")).contains("europe-west4");
        assertThat(c.get("sagemaker.region")).contains("eu-west-1");
        assertThat(c.get("sagemaker.nothing")).isEmpty();
        assertThat(c.with("vertex.project", "changed").get("vertex.project")).contains("changed");
    }

    @Test
    @DisplayName("a missing required key says the three ways to set it")
    void require() {
        assertThatThrownBy(() -> BackendConfig.empty().require("sagemaker.executionRoleArn", "SageMaker needs a role to pull the model"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("missing configuration 'sagemaker.executionRoleArn' (SageMaker needs a role to pull the model); set it with "
                        + "--set sagemaker.executionRoleArn=..., the system property inferscale.sagemaker.executionRoleArn or the "
                        + "environment variable INFERSCALE_SAGEMAKER_EXECUTION_ROLE_ARN");
    }

    @Test
    @DisplayName("typed values parse, and malformed ones name the key")
    void typed() {
        BackendConfig c = BackendConfig.of(Map.of("a.n", "42", "a.b", "TRUE", "a.d", "90s", "a.m", "5m", "a.i", "PT2H", "a.ms", "250ms",
                "a.bad", "x", "a.plain", "30"));
        assertThat(c.getInt("a.n", 0)).isEqualTo(42);
        assertThat(c.getInt("a.absent", 7)).isEqualTo(7);
        assertThat(c.getBoolean("a.b", false)).isTrue();
        assertThat(c.getDuration("a.d", Duration.ZERO)).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.getDuration("a.m", Duration.ZERO)).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.getDuration("a.i", Duration.ZERO)).isEqualTo(Duration.ofHours(2));
        assertThat(c.getDuration("a.ms", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(c.getDuration("a.plain", Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> c.getInt("a.bad", 0)).hasMessage("configuration 'a.bad' must be a whole number, got 'x'");
        assertThatThrownBy(() -> c.getBoolean("a.bad", false)).hasMessage("configuration 'a.bad' must be true or false, got 'x'");
        assertThatThrownBy(() -> c.getDuration("a.bad", Duration.ZERO)).hasMessage("configuration 'a.bad' must be a duration such as 90s, 5m or PT5M, got 'x'");
    }

    @Test
    @DisplayName("negative durations are rejected by key; empty text is not a duration")
    void negativeAndEmptyDurations() {
        BackendConfig c = BackendConfig.of(Map.of("a.neg", "-5s", "a.iso", "PT-1M"));
        assertThatThrownBy(() -> c.getDuration("a.neg", Duration.ZERO)).hasMessage("configuration 'a.neg' must not be negative, got '-5s'");
        assertThatThrownBy(() -> c.getDuration("a.iso", Duration.ZERO)).hasMessage("configuration 'a.iso' must not be negative, got 'PT-1M'");
        assertThatThrownBy(() -> BackendConfig.parseDuration(" ")).isInstanceOf(IllegalArgumentException.class).hasMessage("not a duration: empty");
    }

    @Test
    @DisplayName("secret-looking names include passwd, bearer and authorization; ids and public keys are not secret")
    void secretNames() {
        assertThat(List.of("db.passwd", "kubernetes.bearerToken", "proxy.bearer", "http.authorization", "vertex.apiKey", "aws.secretAccessKey", "aws.accessKeyId", "s3.access-key-id"))
                .allMatch(BackendConfig::isSecret);
        assertThat(List.of("sagemaker.region", "sagemaker.kmsKeyId", "ssh.publicKey", "kubernetes.namespace"))
                .noneMatch(BackendConfig::isSecret);
    }

    @Test
    @DisplayName("never prints secret values")
    void secretsRedacted() {
        BackendConfig c = BackendConfig.of(Map.of("vertex.accessToken", "ya29.secret-token", "aws.secretAccessKey", "abc/SECRET",
                "kubernetes.password", "hunter2", "sagemaker.region", "us-east-1"));
        assertThat(c.toString()).doesNotContain("ya29", "SECRET", "hunter2").contains("us-east-1").contains("vertex.accessToken=****");
        assertThatThrownBy(() -> c.getInt("kubernetes.password", 0)).hasMessageNotContaining("hunter2").hasMessageContaining("****");
    }

    @Test
    @DisplayName("rejects unknown keys of a backend with the closest known key")
    void unknownKeys() {
        List<ConfigKey> keys = List.of(ConfigKey.of("vertex.project", "", "project"), ConfigKey.of("vertex.location", "us-central1", "region"));
        BackendConfig c = BackendConfig.of(Map.of("vertex.projet", "p", "sagemaker.region", "x"));
        assertThatThrownBy(() -> c.requireKnownKeys("vertex.", keys))
                .hasMessage("unknown configuration 'vertex.projet'; did you mean 'vertex.project'? Known keys: vertex.project, vertex.location");
        BackendConfig.of(Map.of("sagemaker.region", "x")).requireKnownKeys("vertex.", keys);
    }
}
