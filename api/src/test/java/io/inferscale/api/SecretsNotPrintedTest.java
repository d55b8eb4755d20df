package io.inferscale.api;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("toString never prints secret values")
class SecretsNotPrintedTest {

    @Test
    @DisplayName("model environment: names only, in the model and in the endpoint")
    void environmentValues() {
        ModelSpec model = ModelSpec.builder("m").env("API_TOKEN", "tok-123-secret").env("LOG_LEVEL", "debug-value").build();
        assertThat(model.toString()).contains("API_TOKEN", "LOG_LEVEL").doesNotContain("tok-123-secret", "debug-value");
        InferenceEndpoint e = InferenceEndpoint.builder("a").model(model)
                .autoscaling(AutoscalingPolicy.builder().maxReplicas(2).target(TargetType.REQUESTS_PER_SECOND, 5).build()).build();
        assertThat(e.toString()).doesNotContain("tok-123-secret", "debug-value");
    }

    @Test
    @DisplayName("artifact URI: user info and query string (e.g. a pre-signed URL's signature) hidden, the location kept")
    void artifactUriCredentials() {
        assertThat(ModelSpec.builder("m").artifactUri("https://bob:pa55@models.example.com/m.tar.gz").build().toString())
                .contains("artifactUri=https://****@models.example.com/m.tar.gz").doesNotContain("pa55");
        assertThat(ModelSpec.builder("m").artifactUri("https://b.s3.amazonaws.com/m.tar.gz?X-Amz-Signature=abc123&X-Amz-Credential=AKIA").build().toString())
                .contains("artifactUri=https://b.s3.amazonaws.com/m.tar.gz?****").doesNotContain("abc123", "AKIA");
        assertThat(ModelSpec.builder("m").artifactUri("s3://bucket/model.tar.gz").build().toString()).contains("artifactUri=s3://bucket/model.tar.gz");
        assertThat(ModelSpec.builder("m").artifactUri("https://x@y.example.com/m").build().artifactUri()).contains("https://x@y.example.com/m");
    }

    @Test
    @DisplayName("backend options whose name looks secret, at any depth, as ****")
    void backendOptions() {
        BackendOptions options = BackendOptions.of(Map.of("kubernetes", Map.of(
                "namespace", "ml",
                "registryPassword", "hunter2",
                "auth", Map.of("apiKey", "k-999", "user", "bob"),
                "extra", List.of(Map.of("sessionToken", "t-777")))));
        assertThat(options.toString()).contains("namespace=ml", "registryPassword=****", "apiKey=****", "user=bob", "sessionToken=****")
                .doesNotContain("hunter2", "k-999", "t-777");
        assertThat(options.get("kubernetes", "registryPassword")).contains("hunter2");
    }
}
