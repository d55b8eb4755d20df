package io.inferscale.backend.vertex.internal;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcCallContext;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ClientContext;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.StatusCode;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.api.gax.rpc.UnaryCallSettings;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.aiplatform.v1.EndpointServiceClient;
import com.google.cloud.aiplatform.v1.ModelServiceClient;
import com.google.cloud.aiplatform.v1.stub.EndpointServiceStubSettings;
import com.google.cloud.aiplatform.v1.stub.GrpcEndpointServiceStub;
import com.google.cloud.aiplatform.v1.stub.GrpcModelServiceStub;
import com.google.cloud.aiplatform.v1.stub.ModelServiceStubSettings;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.inferscale.api.ConfigurationException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two generated Vertex clients over ONE {@link ClientContext}: one gRPC channel, one credentials provider and one
 * background executor shared by {@code EndpointService}, {@code ModelService} and {@code Operations} calls. Built from
 * {@link VertexSettings}: regional endpoint with Google application default credentials (or {@code vertex.credentialsFile}
 * / {@code vertex.accessToken}), or an override (in-process channel or plaintext emulator without credentials).
 *
 * <p>Retries, as GAX runs them: the generated {@code EndpointServiceStubSettings} and {@code ModelServiceStubSettings} of
 * aiplatform 3.93.0 retry no method ({@code no_retry_codes}, {@code no_retry_params} for every RPC); the generated
 * {@code OperationsStubSettings} retry {@code GetOperation} on the "idempotent" codes DEADLINE_EXCEEDED and UNAVAILABLE.
 * This class keeps writes un-retried, and gives the reads ({@code GetEndpoint}, {@code ListEndpoints}, {@code GetModel},
 * {@code ListModels}) and the operation reads ({@code GetOperation}, {@code ListOperations}) the idempotent codes, with
 * {@code vertex.maxAttempts} attempts of at most {@code vertex.requestTimeout} each (a read's total is bounded by
 * {@code vertex.requestTimeout × vertex.maxAttempts}; every call, writes too, is bounded by that per-attempt timeout).
 *
 * <p>Thread-safe: the generated clients and the channel are safe for concurrent use; one instance serves every endpoint
 * and thread of its backend until {@link #close()}.
 */
public final class VertexClients implements AutoCloseable {

    private static final AtomicInteger CREATED = new AtomicInteger();
    /** The codes the generated OperationsStubSettings retry for GetOperation ("idempotent"); used for every read here. */
    public static final Set<StatusCode.Code> IDEMPOTENT = Set.of(StatusCode.Code.UNAVAILABLE, StatusCode.Code.DEADLINE_EXCEEDED);

    private final EndpointServiceClient endpoints;
    private final ModelServiceClient models;
    private final ManagedChannel inProcess;
    private final GrpcCallContext readContext;

    /**
     * Builds both clients on one channel.
     *
     * @throws java.io.UncheckedIOException when application default credentials cannot be loaded
     * @throws ConfigurationException       when {@code vertex.credentialsFile} cannot be read (the message names the key, never the path)
     */
    public VertexClients(VertexSettings s) {
        try {
            EndpointServiceStubSettings.Builder eb = EndpointServiceStubSettings.newBuilder();
            ModelServiceStubSettings.Builder mb = ModelServiceStubSettings.newBuilder();
            String target = s.endpoint();
            TransportChannelProvider channel;
            CredentialsProvider credentials = credentials(s);
            if (target.startsWith("inprocess:")) {
                inProcess = InProcessChannelBuilder.forName(target.substring("inprocess:".length())).directExecutor().build();
                channel = FixedTransportChannelProvider.create(GrpcTransportChannel.create(inProcess));
                if (credentials == null) {
                    credentials = NoCredentialsProvider.create();
                }
            } else {
                inProcess = null;
                InstantiatingGrpcChannelProvider.Builder p = EndpointServiceStubSettings.defaultGrpcTransportProviderBuilder()
                        .setEndpoint(target);
                if (s.plaintext()) {
                    p.setChannelConfigurator(builder -> builder.usePlaintext());
                    credentials = NoCredentialsProvider.create();
                }
                channel = p.build();
            }
            eb.setTransportChannelProvider(channel).setEndpoint(target);
            if (credentials != null) {
                eb.setCredentialsProvider(credentials);
            }
            RetrySettings reads = retries(s, s.maxAttempts());
            RetrySettings writes = retries(s, 1);
            eb.applyToAllUnaryMethods(b -> {
                b.setRetrySettings(writes).setRetryableCodes(Set.of());
                return null;
            });
            mb.applyToAllUnaryMethods(b -> {
                b.setRetrySettings(writes).setRetryableCodes(Set.of());
                return null;
            });
            read(eb.getEndpointSettings(), reads);
            read(eb.listEndpointsSettings(), reads);
            read(mb.getModelSettings(), reads);
            read(mb.listModelsSettings(), reads);
            // The backend polls operations itself; these settings serve the clients' own *Async futures (FakeVertexServerTest).
            com.google.api.gax.longrunning.OperationTimedPollAlgorithm polling = com.google.api.gax.longrunning.OperationTimedPollAlgorithm
                    .create(RetrySettings.newBuilder().setInitialRetryDelayDuration(s.pollInterval()).setRetryDelayMultiplier(1.5)
                            .setMaxRetryDelayDuration(s.pollInterval().compareTo(Duration.ofMinutes(1)) >= 0 ? s.pollInterval() : Duration.ofMinutes(1))
                            .setInitialRpcTimeoutDuration(Duration.ZERO).setRpcTimeoutMultiplier(1.0).setMaxRpcTimeoutDuration(Duration.ZERO)
                            .setTotalTimeoutDuration(s.operationTimeout()).build());
            eb.createEndpointOperationSettings().setPollingAlgorithm(polling);
            eb.deleteEndpointOperationSettings().setPollingAlgorithm(polling);
            eb.deployModelOperationSettings().setPollingAlgorithm(polling);
            eb.undeployModelOperationSettings().setPollingAlgorithm(polling);
            eb.mutateDeployedModelOperationSettings().setPollingAlgorithm(polling);
            mb.uploadModelOperationSettings().setPollingAlgorithm(polling);
            mb.deleteModelOperationSettings().setPollingAlgorithm(polling);
            EndpointServiceStubSettings es = eb.build();
            ClientContext context = ClientContext.create(es);
            endpoints = EndpointServiceClient.create(new GrpcEndpointServiceStub(es, context) { });
            models = ModelServiceClient.create(new GrpcModelServiceStub(mb.build(), context) { });
            readContext = GrpcCallContext.createDefault().withRetrySettings(reads).withRetryableCodes(IDEMPOTENT);
            CREATED.incrementAndGet();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create Vertex AI clients: " + e.getClass().getSimpleName(), e);
        }
    }

    /** Explicit credentials from the configuration, or null for the builders' default (application default credentials). */
    private static CredentialsProvider credentials(VertexSettings s) {
        if (s.accessToken().isPresent()) {
            return FixedCredentialsProvider.create(GoogleCredentials.create(new AccessToken(s.accessToken().get(), null)));
        }
        if (s.credentialsFile().isPresent()) {
            try (InputStream in = Files.newInputStream(Paths.get(s.credentialsFile().get()))) {
                return FixedCredentialsProvider.create(GoogleCredentials.fromStream(in)
                        .createScoped(List.of("https://www.googleapis.com/auth/cloud-platform")));
            } catch (IOException | RuntimeException e) {
                // neither the path nor the file's content goes into the message: both are secrets
                throw new ConfigurationException("configuration '" + VertexSettings.CREDENTIALS_FILE + "' names a file that cannot be read "
                        + "as Google credentials (" + e.getClass().getSimpleName() + "); give the path of a service-account JSON key file");
            }
        }
        return null;
    }

    private static void read(UnaryCallSettings.Builder<?, ?> b, RetrySettings reads) {
        b.setRetrySettings(reads).setRetryableCodes(IDEMPOTENT);
    }

    private static RetrySettings retries(VertexSettings s, int attempts) {
        return RetrySettings.newBuilder().setMaxAttempts(attempts)
                .setInitialRetryDelayDuration(min(Duration.ofMillis(100), s.pollInterval())).setRetryDelayMultiplier(2.0)
                .setMaxRetryDelayDuration(Duration.ofSeconds(10))
                .setInitialRpcTimeoutDuration(s.requestTimeout()).setRpcTimeoutMultiplier(1.0)
                .setMaxRpcTimeoutDuration(s.requestTimeout()).setTotalTimeoutDuration(s.requestTimeout().multipliedBy(attempts)).build();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** How many instances were built in this JVM (tests check that a backend builds one). */
    public static int created() {
        return CREATED.get();
    }

    /** The EndpointService client (also the Operations client through {@code getOperationsClient()}). */
    public EndpointServiceClient endpoints() {
        return endpoints;
    }

    /** The ModelService client. */
    public ModelServiceClient models() {
        return models;
    }

    /** The call context for operation reads (GetOperation, ListOperations): idempotent codes, vertex.maxAttempts, vertex.requestTimeout. */
    public GrpcCallContext readContext() {
        return readContext;
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
