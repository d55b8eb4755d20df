package io.inferscale.backend.sagemaker;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.codec.EndpointCodec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.retries.api.BackoffStrategy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared fixtures: the seed endpoint, a backend wired to the fake with static test credentials. */
final class SageMakerTestSupport {

    static final String ROLE = "arn:aws:iam::123456789012:role/SageMakerExecutionRole";
    static final String IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-ml-model:v1";

    private SageMakerTestSupport() {
    }

    static String resource(String name) {
        try (InputStream in = SageMakerTestSupport.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compares with src/test/resources/golden/{name}; -Dgolden.update=true rewrites it. Always writes target/render/{name}. */
    static void golden(String name, String actual) throws IOException {
        java.nio.file.Path out = java.nio.file.Path.of("target", "render", name);
        java.nio.file.Files.createDirectories(out.getParent());
        java.nio.file.Files.writeString(out, actual);
        if (Boolean.getBoolean("golden.update")) {
            java.nio.file.Files.writeString(java.nio.file.Path.of("src", "test", "resources", "golden", name), actual);
        }
        org.assertj.core.api.Assertions.assertThat(actual).isEqualTo(resource("golden/" + name));
    }

    /** The seed document exactly as written, plus the image SageMaker needs. */
    static InferenceEndpoint seed() {
        InferenceEndpoint e = EndpointCodec.read(resource("inference_endpoint.yaml"), "inference_endpoint.yaml").endpoint();
        return e.toBuilder().model(e.model().toBuilder().image(IMAGE).build()).build();
    }

    static BackendConfig config(FakeAwsServer fake, Map<String, String> extra) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sagemaker.region", "us-east-1");
        m.put("sagemaker.endpointOverride", fake.uri().toString());
        m.put("sagemaker.executionRoleArn", ROLE);
        m.put("sagemaker.pollInterval", "25ms");
        m.put("sagemaker.timeout", "20s");
        m.putAll(extra);
        return BackendConfig.of(m);
    }

    static SageMakerBackend backend(FakeAwsServer fake) {
        return backend(fake, Map.of());
    }

    static SageMakerBackend backend(FakeAwsServer fake, Map<String, String> extra) {
        return SageMakerBackend.create(config(fake, extra),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAFAKEFAKEFAKEFAKE", "fake-secret-for-tests")),
                List.of(), SHORT_BACKOFF);
    }

    /** The SDK's retry conditions and attempts, with millisecond delays between attempts (tests only). */
    static final BackoffStrategy SHORT_BACKOFF = BackoffStrategy.exponentialDelay(Duration.ofMillis(2), Duration.ofMillis(20));
}
