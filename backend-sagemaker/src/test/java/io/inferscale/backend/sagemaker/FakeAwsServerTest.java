package io.inferscale.backend.sagemaker;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/** The fake's {@code FakeCloud} surface, driven with the plain SDK as a user of the published test-jar would. */
class FakeAwsServerTest {

    private static final String ROLE = "arn:aws:iam::123456789012:role/SageMakerExecutionRole";

    private static void createModel(SageMakerClient sm) {
        sm.createModel(b -> b.modelName("m1").executionRoleArn(ROLE)
                .primaryContainer(c -> c.image("123456789012.dkr.ecr.us-east-1.amazonaws.com/my-ml-model:v1")));
    }

    @Test
    @DisplayName("endpoint() reaches the fake, calls() and writeCount() log requests, reset() empties it and it keeps serving")
    void fakeCloudSurface() {
        try (FakeAwsServer fake = FakeAwsServer.start();
             SageMakerClient sm = SageMakerClient.builder().region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAFAKEFAKEFAKEFAKE", "fake-secret")))
                     .httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(URI.create(fake.endpoint())).build()) {
            String empty = fake.state();
            assertThat(fake.endpoint()).isEqualTo(fake.uri().toString()).startsWith("http://127.0.0.1:");

            createModel(sm);
            sm.listModels();
            assertThat(fake.calls()).containsExactly("CreateModel", "ListModels");
            assertThat(fake.writeCount()).isEqualTo(1);
            assertThat(fake.modelNames()).containsExactly("m1");

            fake.reset();
            assertThat(fake.calls()).isEmpty();
            assertThat(fake.writeCount()).isZero();
            assertThat(fake.modelNames()).isEmpty();
            assertThat(fake.state()).isEqualTo(empty);

            createModel(sm); // "m1" is gone, so creating it again succeeds
            assertThat(fake.calls()).containsExactly("CreateModel");
        }
    }
}
