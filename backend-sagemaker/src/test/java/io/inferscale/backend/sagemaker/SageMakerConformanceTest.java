package io.inferscale.backend.sagemaker;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ScaleToZero;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.Feature;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import io.inferscale.testkit.BackendConformanceKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

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

    /**
     * What the kit's scale-to-zero case (gated on SCALE_TO_ZERO) will ask, on the kit's own sample: apply with
     * scaleToZero {idleSeconds: 600} (and the sample's CPU target), read the status (minReplicas 0), re-apply without a
     * write, delete everything.
     */
    @Test
    @DisplayName("scale to zero on the kit's sample: apply, status minReplicas 0, no-op re-apply, clean delete")
    void scaleToZeroOnTheKitsSample() {
        String name = newName();
        InferenceEndpoint e = using(Feature.SCALE_TO_ZERO, sample(name));
        assertThat(e.autoscaling().scaleToZero()).contains(new ScaleToZero(600));
        backend.apply(e);
        EndpointStatus ready = backend.awaitReady(name, readyTimeout());
        assertThat(ready.minReplicas()).isZero();
        assertThat(backend.status(name).minReplicas()).isZero();
        long writes = writeCount();
        assertThat(backend.apply(e).plan().changes()).isEmpty();
        assertThat(backend.plan(e).isEmpty()).isTrue();
        assertThat(writeCount()).isEqualTo(writes);
        assertThat(backend.delete(name)).isTrue();
        assertThat(backend.list()).extracting(EndpointStatus::name).doesNotContain(name);
        assertThat(fake.inferenceComponentNames()).doesNotContain(name + "-ic");
        assertThat(fake.alarmNames()).doesNotContain("inferscale-" + name + "-ic-no-capacity");
        assertThat(fake.modelNames()).noneMatch(m -> m.startsWith(name + "-"));
        assertThat(fake.configNames()).noneMatch(c -> c.startsWith(name + "-"));
    }
}
