package io.inferscale.backend.sagemaker.internal;

import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.ProgressListener;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;

import java.util.Objects;

/**
 * Reports the endpoint statuses the SDK's waiter sees to a {@link ProgressListener}: the waiter's DescribeEndpoint
 * requests carry this object as an execution attribute, and {@link #INTERCEPTOR} (installed on the SageMaker client)
 * hands it every DescribeEndpoint answer of such a request. Each status that differs from the one reported before
 * is reported, on the waiting thread. An exception of the listener ends the wait: the SDK wraps what an interceptor
 * throws, so the waiter stops and {@link #rethrowListenerFailure} throws the listener's own exception.
 */
final class WaitProgress {

    private static final ExecutionAttribute<WaitProgress> ATTRIBUTE = new ExecutionAttribute<>("inferscale.waitProgress");

    /** Passes each DescribeEndpoint answer of a request that carries a {@link WaitProgress} to it. */
    static final ExecutionInterceptor INTERCEPTOR = new ExecutionInterceptor() {
        @Override
        public void afterUnmarshalling(Context.AfterUnmarshalling context, ExecutionAttributes attributes) {
            WaitProgress progress = attributes.getAttribute(ATTRIBUTE);
            SdkResponse response = context.response();
            if (progress != null && response instanceof DescribeEndpointResponse described) {
                progress.observed(described);
            }
        }
    };

    private final ProgressListener listener;
    private EndpointStatus last;
    private RuntimeException listenerFailure;

    WaitProgress(ProgressListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** The waiter's request for {@code name}, carrying this progress. */
    DescribeEndpointRequest request(String name) {
        return DescribeEndpointRequest.builder().endpointName(name)
                .overrideConfiguration(o -> o.putExecutionAttribute(ATTRIBUTE, this)).build();
    }

    private void observed(DescribeEndpointResponse described) {
        EndpointStatus status = SageMakerStatusMapper.observed(described);
        if (status.equals(last)) {
            return;
        }
        last = status;
        try {
            listener.onStatus(status);
        } catch (RuntimeException e) {
            listenerFailure = e;
            throw e;
        }
    }

    /** Throws what the listener threw, if it did. */
    void rethrowListenerFailure() {
        if (listenerFailure != null) {
            throw listenerFailure;
        }
    }
}
