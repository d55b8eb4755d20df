package io.inferscale.backend.sagemaker;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.Backend;
import io.inferscale.testkit.BackendConformanceKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;

/** The conformance kit against the fake SageMaker / Application Auto Scaling server, through the real SDK clients. */
class SageMakerConformanceTest extends BackendConformanceKit {

    private static FakeAwsServer fake;

    @BeforeAll
    static void startFake() {
        fake = FakeAwsServer.start();
        fake.transitionDelay(Duration.ofMillis(100));
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    @Override
    protected Backend createBackend() {
        return SageMakerTestSupport.backend(fake);
    }

    @Override
    protected long writeCount() {
        return fake.writeCount();
    }

    @Override
    protected InferenceEndpoint.Builder customize(InferenceEndpoint.Builder builder) {
        // the kit's model with an Amazon ECR image: SageMaker rejects other registries unless repositoryAccessMode is Vpc
        return builder.model(io.inferscale.api.ModelSpec.builder("my-ml-model").version("v1").image(SageMakerTestSupport.IMAGE).port(8080).build());
    }

    @Override
    protected Duration readyTimeout() {
        return Duration.ofSeconds(20);
    }
}
