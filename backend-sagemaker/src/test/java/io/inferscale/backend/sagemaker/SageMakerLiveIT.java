package io.inferscale.backend.sagemaker;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.testkit.BackendConformanceKit;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The conformance kit against a real AWS account ({@code mvn -B verify -Plive -pl backend-sagemaker}). Needs AWS
 * credentials from the default chain, a region, {@code INFERSCALE_SAGEMAKER_EXECUTION_ROLE_ARN} and
 * {@code INFERSCALE_SAGEMAKER_LIVE_IMAGE} (a serving image in ECR that answers /ping and /invocations on 8080);
 * skips itself otherwise. Creates real ml.c5.large endpoints (billed) and deletes them after each test.
 */
class SageMakerLiveIT extends BackendConformanceKit {

    private static final AtomicLong WRITES = new AtomicLong();

    private static final ExecutionInterceptor COUNT_WRITES = new ExecutionInterceptor() {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            if (op != null && !op.startsWith("Describe") && !op.startsWith("List")) {
                WRITES.incrementAndGet();
            }
        }
    };

    private static boolean credentialsAvailable() {
        try (DefaultCredentialsProvider p = DefaultCredentialsProvider.builder().build()) {
            p.resolveCredentials();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Skips the whole class (nested groups included) without credentials, role or image. */
    @BeforeAll
    static void requireAccount() {
        BackendConfig config = BackendConfig.fromEnvironment();
        assumeTrue(credentialsAvailable(), "no AWS credentials in the default provider chain");
        assumeTrue(config.get("sagemaker.executionRoleArn").isPresent(), "INFERSCALE_SAGEMAKER_EXECUTION_ROLE_ARN is not set");
        assumeTrue(System.getenv("INFERSCALE_SAGEMAKER_LIVE_IMAGE") != null, "INFERSCALE_SAGEMAKER_LIVE_IMAGE is not set");
    }

    @Override
    protected Backend createBackend() {
        return SageMakerBackend.create(BackendConfig.fromEnvironment(), null, List.of(COUNT_WRITES), null);
    }

    @Override
    protected long writeCount() {
        return WRITES.get();
    }

    @Override
    protected InferenceEndpoint.Builder customize(InferenceEndpoint.Builder builder) {
        InferenceEndpoint e = builder.build();
        return e.toBuilder().model(e.model().toBuilder().image(System.getenv("INFERSCALE_SAGEMAKER_LIVE_IMAGE")).build());
    }

    @Override
    protected Duration readyTimeout() {
        return Duration.ofMinutes(30);
    }
}
