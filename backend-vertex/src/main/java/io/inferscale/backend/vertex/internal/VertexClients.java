package io.inferscale.backend.vertex.internal;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.longrunning.OperationTimedPollAlgorithm;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.StatusCode;
import com.google.api.gax.rpc.UnaryCallSettings;
import com.google.cloud.aiplatform.v1.EndpointServiceClient;
import com.google.cloud.aiplatform.v1.EndpointServiceSettings;
import com.google.cloud.aiplatform.v1.ModelServiceClient;
import com.google.cloud.aiplatform.v1.ModelServiceSettings;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/**
 * The two generated Vertex clients, built from {@link VertexSettings}: regional endpoint with Google application
 * default credentials, or an override (in-process channel or plaintext emulator without credentials). GAX does the
 * retries (reads only) and the long-running-operation polling.
 */
public final class VertexClients implements AutoCloseable {

    private final EndpointServiceClient endpoints;
    private final ModelServiceClient models;
    private final ManagedChannel inProcess;

    /** Builds both clients; fails with {@link java.io.UncheckedIOException} when credentials cannot be loaded. */
    public VertexClients(VertexSettings s) {
        try {
            EndpointServiceSettings.Builder eb = EndpointServiceSettings.newBuilder();
            ModelServiceSettings.Builder mb = ModelServiceSettings.newBuilder();
            String target = s.endpoint();
            if (target.startsWith("inprocess:")) {
                inProcess = InProcessChannelBuilder.forName(target.substring("inprocess:".length())).directExecutor().build();
                var channel = FixedTransportChannelProvider.create(GrpcTransportChannel.create(inProcess));
                eb.setTransportChannelProvider(channel).setCredentialsProvider(NoCredentialsProvider.create());
                mb.setTransportChannelProvider(channel).setCredentialsProvider(NoCredentialsProvider.create());
            } else {
                inProcess = null;
                eb.setEndpoint(target);
                mb.setEndpoint(target);
                if (s.plaintext()) {
                    var provider = InstantiatingGrpcChannelProvider.newBuilder().setEndpoint(target)
                            .setChannelConfigurator(builder -> builder.usePlaintext()).build();
                    eb.setTransportChannelProvider(provider).setCredentialsProvider(NoCredentialsProvider.create());
                    mb.setTransportChannelProvider(provider).setCredentialsProvider(NoCredentialsProvider.create());
                }
                // Otherwise the builders' defaults: TLS and Google application default credentials.
            }
            RetrySettings reads = retries(s, s.maxAttempts());
            RetrySettings writes = retries(s, 1);
            Set<StatusCode.Code> retryable = Set.of(StatusCode.Code.UNAVAILABLE, StatusCode.Code.DEADLINE_EXCEEDED);
            eb.getStubSettingsBuilder().applyToAllUnaryMethods(b -> {
                b.setRetrySettings(writes).setRetryableCodes(Set.of());
                return null;
            });
            mb.getStubSettingsBuilder().applyToAllUnaryMethods(b -> {
                b.setRetrySettings(writes).setRetryableCodes(Set.of());
                return null;
            });
            read(eb.getEndpointSettings(), reads, retryable);
            eb.listEndpointsSettings().setRetrySettings(reads).setRetryableCodes(retryable);
            read(mb.getModelSettings(), reads, retryable);
            mb.listModelsSettings().setRetrySettings(reads).setRetryableCodes(retryable);
            OperationTimedPollAlgorithm polling = OperationTimedPollAlgorithm.create(RetrySettings.newBuilder()
                    .setInitialRetryDelayDuration(s.pollInterval()).setRetryDelayMultiplier(1.5)
                    .setMaxRetryDelayDuration(max(s.pollInterval(), Duration.ofMinutes(1)))
                    .setInitialRpcTimeoutDuration(Duration.ZERO).setRpcTimeoutMultiplier(1.0).setMaxRpcTimeoutDuration(Duration.ZERO)
                    .setTotalTimeoutDuration(s.operationTimeout()).build());
            eb.createEndpointOperationSettings().setPollingAlgorithm(polling);
            eb.deleteEndpointOperationSettings().setPollingAlgorithm(polling);
            eb.deployModelOperationSettings().setPollingAlgorithm(polling);
            eb.undeployModelOperationSettings().setPollingAlgorithm(polling);
            eb.mutateDeployedModelOperationSettings().setPollingAlgorithm(polling);
            mb.uploadModelOperationSettings().setPollingAlgorithm(polling);
            mb.deleteModelOperationSettings().setPollingAlgorithm(polling);
            endpoints = EndpointServiceClient.create(eb.build());
            models = ModelServiceClient.create(mb.build());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create Vertex AI clients: " + e.getMessage(), e);
        }
    }

    private static void read(UnaryCallSettings.Builder<?, ?> b, RetrySettings reads, Set<StatusCode.Code> retryable) {
        if (b != null) {
            b.setRetrySettings(reads).setRetryableCodes(retryable);
        }
    }

    private static RetrySettings retries(VertexSettings s, int attempts) {
        return RetrySettings.newBuilder().setMaxAttempts(attempts)
                .setInitialRetryDelayDuration(Duration.ofMillis(100)).setRetryDelayMultiplier(2.0)
                .setMaxRetryDelayDuration(Duration.ofSeconds(10))
                .setInitialRpcTimeoutDuration(s.requestTimeout()).setRpcTimeoutMultiplier(1.0)
                .setMaxRpcTimeoutDuration(s.requestTimeout()).setTotalTimeoutDuration(s.requestTimeout()).build();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The EndpointService client (also the Operations client through {@code getOperationsClient()}). */
    public EndpointServiceClient endpoints() {
        return endpoints;
    }

    /** The ModelService client. */
    public ModelServiceClient models() {
        return models;
    }

    @Override
    public void close() {
        endpoints.close();
        models.close();
        if (inProcess != null) {
            inProcess.shutdownNow();
        }
    }
}
