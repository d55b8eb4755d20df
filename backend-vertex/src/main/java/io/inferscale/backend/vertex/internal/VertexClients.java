package io.inferscale.backend.vertex.internal;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcCallSettings;
import com.google.api.gax.grpc.GrpcCallableFactory;
import com.google.api.gax.grpc.GrpcStubCallableFactory;
import com.google.api.gax.longrunning.OperationFuture;
import com.google.api.gax.longrunning.OperationSnapshot;
import com.google.api.gax.longrunning.OperationTimedPollAlgorithm;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.BatchingCallSettings;
import com.google.api.gax.rpc.BidiStreamingCallable;
import com.google.api.gax.rpc.ClientContext;
import com.google.api.gax.rpc.ClientStreamingCallable;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.OperationCallSettings;
import com.google.api.gax.rpc.OperationCallable;
import com.google.api.gax.rpc.PagedCallSettings;
import com.google.api.gax.rpc.ServerStreamingCallSettings;
import com.google.api.gax.rpc.ServerStreamingCallable;
import com.google.api.gax.rpc.StatusCode;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.api.gax.rpc.StreamingCallSettings;
import com.google.api.gax.rpc.UnaryCallSettings;
import com.google.api.gax.rpc.UnaryCallable;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.aiplatform.v1.EndpointServiceClient;
import com.google.cloud.aiplatform.v1.ModelServiceClient;
import com.google.cloud.aiplatform.v1.stub.EndpointServiceStubSettings;
import com.google.cloud.aiplatform.v1.stub.GrpcEndpointServiceStub;
import com.google.cloud.aiplatform.v1.stub.GrpcModelServiceStub;
import com.google.cloud.aiplatform.v1.stub.ModelServiceStubSettings;
import com.google.longrunning.Operation;
import com.google.longrunning.stub.OperationsStub;
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
 * This class keeps writes un-retried (also the first RPC of each long-running call), and gives the reads
 * ({@code GetEndpoint}, {@code ListEndpoints}, {@code GetModel}, {@code ListModels}, {@code ListOperations}) the
 * idempotent codes, with {@code vertex.maxAttempts} attempts of at most {@code vertex.requestTimeout} each (a read's
 * total is bounded by {@code vertex.requestTimeout × vertex.maxAttempts}; every call, writes too, is bounded by that
 * per-attempt timeout). A {@code GetOperation} poll is retried on {@link #POLL_RETRY_CODES} too, with the same number
 * of attempts. The Operations settings reach the stubs through their callable factory ({@code OperationReads}): the
 * generated stubs build their Operations stub with the default {@code OperationsStubSettings} otherwise.
 *
 * <p>Long-running calls are waited for through their GAX {@code OperationFuture}s, polled on the schedule of an
 * {@link OperationTimedPollAlgorithm}: the n-th poll after a random delay of up to {@code vertex.pollInterval × 1.5^(n-1)}
 * (GAX always jitters), at most 1 minute, for at most {@code vertex.operationTimeout} in all.
 *
 * <p>Thread-safe: the generated clients and the channel are safe for concurrent use; one instance serves every endpoint
 * and thread of its backend until {@link #close()}.
 */
public final class VertexClients implements AutoCloseable {

    private static final AtomicInteger CREATED = new AtomicInteger();
    /** The codes the generated OperationsStubSettings retry for GetOperation ("idempotent"); used for every read here. */
    public static final Set<StatusCode.Code> IDEMPOTENT = Set.of(StatusCode.Code.UNAVAILABLE, StatusCode.Code.DEADLINE_EXCEEDED);
    /** The codes a GetOperation poll is retried on: the idempotent ones and those a poll may meet transiently. */
    public static final Set<StatusCode.Code> POLL_RETRY_CODES = Set.of(StatusCode.Code.UNAVAILABLE, StatusCode.Code.DEADLINE_EXCEEDED,
            StatusCode.Code.RESOURCE_EXHAUSTED, StatusCode.Code.ABORTED, StatusCode.Code.INTERNAL, StatusCode.Code.UNKNOWN,
            StatusCode.Code.CANCELLED);

    private final EndpointServiceClient endpoints;
    private final ModelServiceClient models;
    private final ManagedChannel inProcess;
    private final V1beta1EndpointCalls v1beta1;

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
            // GAX polls the long-running operations (OperationFuture) on this schedule: a random delay of up to
            // vertex.pollInterval, growing 1.5x up to a minute, for at most vertex.operationTimeout
            OperationTimedPollAlgorithm polling = OperationTimedPollAlgorithm.create(RetrySettings.newBuilder()
                    .setInitialRetryDelayDuration(s.pollInterval()).setRetryDelayMultiplier(1.5)
                    .setMaxRetryDelayDuration(s.pollInterval().compareTo(Duration.ofMinutes(1)) >= 0 ? s.pollInterval() : Duration.ofMinutes(1))
                    .setInitialRpcTimeoutDuration(Duration.ZERO).setRpcTimeoutMultiplier(1.0).setMaxRpcTimeoutDuration(Duration.ZERO)
                    .setTotalTimeoutDuration(s.operationTimeout()).build());
            operation(eb.createEndpointOperationSettings(), writes, polling);
            operation(eb.deleteEndpointOperationSettings(), writes, polling);
            operation(eb.deployModelOperationSettings(), writes, polling);
            operation(eb.undeployModelOperationSettings(), writes, polling);
            operation(eb.mutateDeployedModelOperationSettings(), writes, polling);
            operation(mb.uploadModelOperationSettings(), writes, polling);
            operation(mb.deleteModelOperationSettings(), writes, polling);
            EndpointServiceStubSettings es = eb.build();
            ClientContext context = ClientContext.create(es);
            OperationReads operationReads = new OperationReads(reads, polls(s));
            GrpcEndpointServiceStub endpointStub = new GrpcEndpointServiceStub(es, context, operationReads) { };
            endpoints = EndpointServiceClient.create(endpointStub);
            v1beta1 = new V1beta1EndpointCalls(context, endpointStub.getOperationsStub(), reads, writes, polling);
            models = ModelServiceClient.create(new GrpcModelServiceStub(mb.build(), context, operationReads) { });
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

    /** A long-running call: its first RPC is a write (no retry, vertex.requestTimeout), its polls follow {@code polling}. */
    private static <Q, R, M> void operation(OperationCallSettings.Builder<Q, R, M> b, RetrySettings writes, OperationTimedPollAlgorithm polling) {
        b.setInitialCallSettings(UnaryCallSettings.<Q, OperationSnapshot>newUnaryCallSettingsBuilder()
                .setRetrySettings(writes).setRetryableCodes(Set.of()).build()).setPollingAlgorithm(polling);
    }

    /**
     * The retries of one GetOperation poll: vertex.maxAttempts attempts of at most vertex.requestTimeout on the idempotent
     * codes and on those a poll may meet transiently (RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNKNOWN, CANCELLED), after a
     * random delay of up to vertex.pollInterval (doubling, at most a minute). When they are spent the operation's outcome
     * is unknown to the caller (it goes on in Vertex).
     */
    private static RetrySettings polls(VertexSettings s) {
        Duration delay = s.pollInterval();
        return RetrySettings.newBuilder().setMaxAttempts(s.maxAttempts())
                .setInitialRetryDelayDuration(delay).setRetryDelayMultiplier(2.0)
                .setMaxRetryDelayDuration(delay.compareTo(Duration.ofMinutes(1)) >= 0 ? delay : Duration.ofMinutes(1))
                .setInitialRpcTimeoutDuration(s.requestTimeout()).setRpcTimeoutMultiplier(1.0)
                .setMaxRpcTimeoutDuration(s.requestTimeout()).setTotalTimeoutDuration(Duration.ZERO).build();
    }

    /**
     * The callable factory of both stubs: as GAX's own, except that the Operations calls the stubs make (GetOperation,
     * ListOperations; the generated OperationsStubSettings' defaults otherwise) get this backend's read policy.
     */
    private static final class OperationReads implements GrpcStubCallableFactory {
        private static final String OPERATIONS = "google.longrunning.Operations/";
        private final RetrySettings reads;
        private final RetrySettings polls;

        OperationReads(RetrySettings reads, RetrySettings polls) {
            this.reads = reads;
            this.polls = polls;
        }

        @Override
        public <Q, R> UnaryCallable<Q, R> createUnaryCallable(GrpcCallSettings<Q, R> grpc, UnaryCallSettings<Q, R> call, ClientContext context) {
            String method = grpc.getMethodDescriptor().getFullMethodName();
            UnaryCallSettings<Q, R> own = call;
            if (method.equals(OPERATIONS + "GetOperation")) {
                own = call.toBuilder().setRetrySettings(polls).setRetryableCodes(POLL_RETRY_CODES).build();
            } else if (method.equals(OPERATIONS + "ListOperations")) {
                own = call.toBuilder().setRetrySettings(reads).setRetryableCodes(IDEMPOTENT).build();
            }
            return GrpcCallableFactory.createUnaryCallable(grpc, own, context);
        }

        @Override
        public <Q, R, P> UnaryCallable<Q, P> createPagedCallable(GrpcCallSettings<Q, R> grpc, PagedCallSettings<Q, R, P> call,
                                                                 ClientContext context) {
            return GrpcCallableFactory.createPagedCallable(grpc, call, context);
        }

        @Override
        public <Q, R> UnaryCallable<Q, R> createBatchingCallable(GrpcCallSettings<Q, R> grpc, BatchingCallSettings<Q, R> call,
                                                                 ClientContext context) {
            return GrpcCallableFactory.createBatchingCallable(grpc, call, context);
        }

        @Override
        public <Q, R, M> OperationCallable<Q, R, M> createOperationCallable(GrpcCallSettings<Q, Operation> grpc,
                                                                           OperationCallSettings<Q, R, M> call, ClientContext context,
                                                                           OperationsStub operations) {
            return GrpcCallableFactory.createOperationCallable(grpc, call, context, operations);
        }

        @Override
        public <Q, R> BidiStreamingCallable<Q, R> createBidiStreamingCallable(GrpcCallSettings<Q, R> grpc, StreamingCallSettings<Q, R> call,
                                                                             ClientContext context) {
            return GrpcCallableFactory.createBidiStreamingCallable(grpc, call, context);
        }

        @Override
        public <Q, R> ServerStreamingCallable<Q, R> createServerStreamingCallable(GrpcCallSettings<Q, R> grpc,
                                                                                 ServerStreamingCallSettings<Q, R> call, ClientContext context) {
            return GrpcCallableFactory.createServerStreamingCallable(grpc, call, context);
        }

        @Override
        public <Q, R> ClientStreamingCallable<Q, R> createClientStreamingCallable(GrpcCallSettings<Q, R> grpc, StreamingCallSettings<Q, R> call,
                                                                                 ClientContext context) {
            return GrpcCallableFactory.createClientStreamingCallable(grpc, call, context);
        }
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

    /**
     * The v1beta1 EndpointService calls of a scale-to-zero deployment (DeployModel, MutateDeployedModel, GetEndpoint,
     * ListEndpoints), on the same channel and settings; see {@link V1beta1EndpointCalls}.
     */
    public V1beta1EndpointCalls v1beta1() {
        return v1beta1;
    }

    /** The ModelService client. */
    public ModelServiceClient models() {
        return models;
    }

    /**
     * The future of the running operation {@code operationName}, resumed by name: GAX polls it with GetOperation on the
     * schedule above. Only its polling future ({@link OperationFuture#getPollingFuture()}) is meaningful: the operation
     * may be of any kind (the response type of the callable used is not).
     */
    public OperationFuture<?, ?> resume(String operationName) {
        return endpoints.deleteEndpointOperationCallable().resumeFutureCall(operationName);
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
