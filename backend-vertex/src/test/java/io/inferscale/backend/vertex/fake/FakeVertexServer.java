package io.inferscale.backend.vertex.fake;

import com.google.cloud.aiplatform.v1.AutoscalingMetricSpec;
import com.google.cloud.aiplatform.v1.CreateEndpointOperationMetadata;
import com.google.cloud.aiplatform.v1.CreateEndpointRequest;
import com.google.cloud.aiplatform.v1.DedicatedResources;
import com.google.cloud.aiplatform.v1.DeleteEndpointRequest;
import com.google.cloud.aiplatform.v1.DeleteModelRequest;
import com.google.cloud.aiplatform.v1.DeleteOperationMetadata;
import com.google.cloud.aiplatform.v1.DeployModelOperationMetadata;
import com.google.cloud.aiplatform.v1.DeployModelRequest;
import com.google.cloud.aiplatform.v1.DeployModelResponse;
import com.google.cloud.aiplatform.v1.DeployedModel;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.GenericOperationMetadata;
import com.google.cloud.aiplatform.v1.GetEndpointRequest;
import com.google.cloud.aiplatform.v1.GetModelRequest;
import com.google.cloud.aiplatform.v1.ListEndpointsRequest;
import com.google.cloud.aiplatform.v1.ListEndpointsResponse;
import com.google.cloud.aiplatform.v1.ListModelsRequest;
import com.google.cloud.aiplatform.v1.ListModelsResponse;
import com.google.cloud.aiplatform.v1.Model;
import com.google.cloud.aiplatform.v1.MutateDeployedModelOperationMetadata;
import com.google.cloud.aiplatform.v1.MutateDeployedModelRequest;
import com.google.cloud.aiplatform.v1.MutateDeployedModelResponse;
import com.google.cloud.aiplatform.v1.UndeployModelOperationMetadata;
import com.google.cloud.aiplatform.v1.UndeployModelRequest;
import com.google.cloud.aiplatform.v1.UndeployModelResponse;
import com.google.cloud.aiplatform.v1.UpdateEndpointRequest;
import com.google.cloud.aiplatform.v1.UploadModelOperationMetadata;
import com.google.cloud.aiplatform.v1.UploadModelRequest;
import com.google.cloud.aiplatform.v1.UploadModelResponse;
import com.google.longrunning.GetOperationRequest;
import com.google.longrunning.ListOperationsRequest;
import com.google.longrunning.ListOperationsResponse;
import com.google.longrunning.Operation;
import com.google.protobuf.Any;
import com.google.protobuf.Empty;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.inferscale.backend.vertex.VertexScaleToZero;
import io.inferscale.testkit.FakeCloud;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A stateful in-process stand-in for Vertex AI's v1 {@code EndpointService}, {@code ModelService} and
 * {@code google.longrunning.Operations}, spoken to by the real generated GAX clients over an in-process gRPC channel
 * ({@code vertex.endpointOverride=inprocess:<name()>}).
 *
 * <p>Long-running calls return an unfinished operation that completes after {@link #deployDelay} (DeployModel) or
 * {@link #operationDelay} (everything else); clients poll {@code GetOperation}. Rules enforced as Vertex documents them:
 * one operation at a time per deployed model (FAILED_PRECONDITION), traffic splits sum to 100 or are empty
 * (INVALID_ARGUMENT), a model that still has traffic cannot be undeployed unless it is the last one (FAILED_PRECONDITION),
 * minReplicaCount at least 1 (0 only through v1beta1 with scale to zero), known autoscaling metric names. Failures can be
 * injected per method. ListEndpoints and ListModels answer whole messages, filtered by one {@code labels.key="value"}
 * (the syntax the backend sends), in pages: {@code page_size} / {@code page_token} / {@code next_page_token} as AIP-158
 * describes them, each page one recorded call (sizes: {@link #DEFAULT_PAGE_SIZE}).
 *
 * <p>Scale to zero (Preview): the v1beta1 {@code EndpointService} methods the backend uses ({@code GetEndpoint},
 * {@code ListEndpoints}, {@code DeployModel}, {@code MutateDeployedModel}) are served too, recorded and injected as {@code "v1beta1.<Method>"}
 * ({@link #V1BETA1}). They speak the v1 messages with the v1beta1-only fields as unknown fields
 * ({@link VertexScaleToZero}); the stored deployed model keeps them, v1 reads do not show them (as the v1 service, whose
 * messages lack them), and a v1beta1 deploy with {@code min_replica_count 0} needs {@code initial_replica_count} in
 * 1..max, periods in 300..28800 s, a dedicated endpoint and no other deployed model on it.
 *
 * <p>Published in {@code inferscale-backend-vertex}'s test-jar (a {@link FakeCloud}), to test code that drives the
 * Vertex backend without a Google Cloud project (the test class path needs {@code io.grpc:grpc-inprocess}):
 *
 * <pre>{@code
 * try (FakeVertexServer fake = new FakeVertexServer().deployDelay(Duration.ZERO)) {
 *     BackendConfig config = BackendConfig.of(Map.of("vertex.project", "test-project", "vertex.location", "us-central1",
 *             "vertex.endpointOverride", fake.endpoint()));
 *     try (Backend backend = new VertexBackendProvider().create(config)) {
 *         backend.apply(endpoint);
 *     }
 *     assertThat(fake.calls()).contains("DeployModel");
 * }
 * }</pre>
 *
 * Thread-safe.
 */
public final class FakeVertexServer implements FakeCloud {

    static final String ENDPOINT_SERVICE = "google.cloud.aiplatform.v1.EndpointService";
    static final String MODEL_SERVICE = "google.cloud.aiplatform.v1.ModelService";
    static final String OPERATIONS = "google.longrunning.Operations";
    /** The v1beta1 EndpointService; its methods are recorded and injected as {@code "v1beta1.<Method>"}. */
    static final String ENDPOINT_SERVICE_V1BETA1 = "google.cloud.aiplatform.v1beta1.EndpointService";
    /** Prefix of the v1beta1 methods in {@link #calls()}, {@link #inject} and the other per-method settings. */
    public static final String V1BETA1 = "v1beta1.";
    static final Set<String> WRITES = Set.of("CreateEndpoint", "UpdateEndpoint", "DeleteEndpoint", "DeployModel", "UndeployModel",
            "MutateDeployedModel", "UploadModel", "DeleteModel", V1BETA1 + "DeployModel", V1BETA1 + "MutateDeployedModel");
    static final Set<String> METRICS = Set.of("aiplatform.googleapis.com/prediction/online/cpu/utilization",
            "aiplatform.googleapis.com/prediction/online/accelerator/duty_cycle",
            "aiplatform.googleapis.com/prediction/online/request_count");
    static final Set<String> MUTABLE = Set.of("dedicated_resources.min_replica_count", "dedicated_resources.max_replica_count",
            "dedicated_resources.required_replica_count", "dedicated_resources.autoscaling_metric_specs", "disable_container_logging");
    /**
     * Page size of ListEndpoints and ListModels when the request sends none. Vertex documents neither this nor the
     * maximum (v1 {@code endpoint_service.proto} and {@code model_service.proto}, npm {@code @google-cloud/aiplatform}
     * 6.11.0, and the REST reference of {@code projects.locations.endpoints.list} / {@code models.list}: "The standard list
     * page size"), so the fake takes the values of AIP-158's example ("If unspecified, at most 50 books will be returned.
     * The maximum value is 1000; values above 1000 will be coerced to 1000", https://google.aip.dev/158): an assumption;
     * {@link #listPageSizes} sets others.
     */
    public static final int DEFAULT_PAGE_SIZE = 50;
    /** Largest page of ListEndpoints and ListModels; a larger page_size is coerced down (see {@link #DEFAULT_PAGE_SIZE}). */
    public static final int MAX_PAGE_SIZE = 1000;
    private static final Pattern ENDPOINT_ID = Pattern.compile("[a-z]([a-z0-9-]{0,61}[a-z0-9])?|[1-9][0-9]{0,8}");
    private static final Pattern MODEL_ID = Pattern.compile("[a-z_][a-z0-9_-]{0,62}");

    private final String name = "vertex-fake-" + UUID.randomUUID();
    private final Server server;
    private final Server tcp;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vertex-fake-operations");
        t.setDaemon(true);
        return t;
    });
    private final Object lock = new Object();
    private final Map<String, Model> models = new TreeMap<>();
    private final Map<String, Endpoint> endpoints = new TreeMap<>();
    private final Map<String, Operation> operations = new LinkedHashMap<>();
    private final Set<String> busy = new HashSet<>();
    private final Map<String, List<Integer>> serving = new ConcurrentHashMap<>();
    private final Map<String, Deque<Status>> failNext = new ConcurrentHashMap<>();
    private final Map<String, Status> failOperation = new ConcurrentHashMap<>();
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<Message> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong ids = new AtomicLong(1000);
    private volatile Duration deployDelay = Duration.ofMillis(150);
    private volatile Duration operationDelay = Duration.ofMillis(20);
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final Map<String, Injection> injections = new ConcurrentHashMap<>();
    private final Map<String, Status> failOperations = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong faultsInjected = new java.util.concurrent.atomic.AtomicLong();
    private final Set<String> pendingCreates = new HashSet<>();
    private final Map<String, Runnable> finishOnPoll = new ConcurrentHashMap<>();
    private volatile boolean completeOnPoll;
    private volatile Duration callLatency = Duration.ZERO;
    private volatile int defaultPageSize = DEFAULT_PAGE_SIZE;
    private volatile int maxPageSize = MAX_PAGE_SIZE;
    private final AtomicLong connections = new AtomicLong();
    private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    private volatile Status authFailure;

    /** How an injected fault reaches the client. */
    public enum FaultKind {
        /** The call fails with the status before the fake does anything. */
        BEFORE,
        /** The fake never answers and does nothing; the client's per-RPC deadline expires (DEADLINE_EXCEEDED). */
        HOLD,
        /** The fake does what the request asks, then the answer is lost: the call fails with the status. */
        AFTER
    }

    private record Injection(Status status, FaultKind kind, boolean persistent) {
    }

    private static final io.grpc.Metadata.Key<String> AUTHORIZATION = io.grpc.Metadata.Key.of("authorization",
            io.grpc.Metadata.ASCII_STRING_MARSHALLER);

    /** Starts the server on a fresh in-process name. */
    public FakeVertexServer() {
        this(false);
    }

    /** Starts the server on a fresh in-process name and, when {@code loopback}, also on a free 127.0.0.1 port (plaintext). */
    public FakeVertexServer(boolean loopback) {
        InProcessServerBuilder b = InProcessServerBuilder.forName(name).directExecutor();
        b.addService(io.grpc.ServerInterceptors.intercept(endpointService(), auth()));
        b.addService(io.grpc.ServerInterceptors.intercept(endpointServiceV1beta1(), auth()));
        b.addService(io.grpc.ServerInterceptors.intercept(modelService(), auth()));
        b.addService(io.grpc.ServerInterceptors.intercept(operationsService(), auth()));
        try {
            server = b.build().start();
            tcp = loopback ? io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder
                    .forAddress(new java.net.InetSocketAddress("127.0.0.1", 0))
                    .addTransportFilter(new io.grpc.ServerTransportFilter() {
                        @Override
                        public io.grpc.Attributes transportReady(io.grpc.Attributes attributes) {
                            connections.incrementAndGet();
                            return attributes;
                        }
                    })
                    .addService(endpointService()).addService(endpointServiceV1beta1()).addService(modelService())
                    .addService(operationsService()).build().start() : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records the authorization header of every call and, when {@link #rejectAuthorization} is set, fails the call with it. */
    private io.grpc.ServerInterceptor auth() {
        return new io.grpc.ServerInterceptor() {
            @Override
            public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call, io.grpc.Metadata headers,
                                                                       io.grpc.ServerCallHandler<Q, R> next) {
                String value = headers.get(AUTHORIZATION);
                authorizations.add(value == null ? "" : value);
                Status reject = authFailure;
                if (reject != null) {
                    call.close(reject.withDescription(reject.getDescription() + " (credentials sent: " + value + ")"), new io.grpc.Metadata());
                    return new io.grpc.ServerCall.Listener<>() { };
                }
                return next.startCall(call, headers);
            }
        };
    }

    /** Every call from now on fails with {@code status}; its message echoes the authorization header sent (null: stop). */
    public void rejectAuthorization(Status status) {
        authFailure = status;
    }

    /** The authorization header of every call received, in order ("" when none). */
    public List<String> authorizations() {
        synchronized (authorizations) {
            return List.copyOf(authorizations);
        }
    }

    /** TCP connections the loopback listener has accepted. */
    public long connections() {
        return connections.get();
    }

    /**
     * Operations no longer finish on a timer: each stays running until it is first looked at ({@code GetOperation}, or a
     * {@code ListOperations} that lists it), which finishes it and returns it done. Makes the number of polls exact (one
     * per operation) for call-count tests, and fault outcomes independent of timing.
     */
    public FakeVertexServer completeOnPoll() {
        completeOnPoll = true;
        return this;
    }

    /**
     * The page size of ListEndpoints and ListModels when a request sends none, and the largest page (a larger page_size
     * is coerced down to it); defaults {@value #DEFAULT_PAGE_SIZE} and {@value #MAX_PAGE_SIZE}.
     */
    public FakeVertexServer listPageSizes(int defaultSize, int maxSize) {
        if (defaultSize < 1 || maxSize < defaultSize) {
            throw new IllegalArgumentException("page sizes: need 1 <= default <= max, got " + defaultSize + " and " + maxSize);
        }
        defaultPageSize = defaultSize;
        maxPageSize = maxSize;
        return this;
    }

    /** Every call waits this long before it is handled (widens the windows in which concurrent calls interleave). */
    public FakeVertexServer callLatency(Duration d) {
        callLatency = d;
        return this;
    }

    /** Calls of {@code method} fail as {@code kind} says with {@code status}: the next one only, or all until {@link #clearFaults}. */
    public void inject(String method, Status status, FaultKind kind, boolean persistent) {
        injections.put(method, new Injection(status, kind, persistent));
    }

    /** Operations started by {@code method} end with {@code status} instead of their effect, until {@link #clearFaults}. */
    public void failOperations(String method, Status status) {
        failOperations.put(method, status);
    }

    /** Removes every injected fault (also {@link #failNext} and {@link #failOperation} ones). */
    public void clearFaults() {
        injections.clear();
        failOperations.clear();
        failNext.clear();
        failOperation.clear();
    }

    /**
     * A canonical dump of the endpoints and models, free of generated values: deployed models are listed by what they
     * serve (model, machine, replicas, metrics) with their traffic share, not by their generated ids; running operations
     * are counted.
     */
    public String state() {
        synchronized (lock) {
            StringBuilder out = new StringBuilder();
            for (Endpoint e : endpoints.values()) {
                out.append("endpoint ").append(e.getName()).append(" displayName=").append(e.getDisplayName())
                        .append(" labels=").append(new TreeMap<>(e.getLabelsMap())).append(e.getDedicatedEndpointEnabled() ? " dedicated" : "")
                        .append('\n');
                List<String> deployed = new ArrayList<>();
                for (DeployedModel d : e.getDeployedModelsList()) {
                    DedicatedResources r = d.getDedicatedResources();
                    deployed.add("  deployed " + d.getDisplayName() + " model=" + d.getModel() + " machine=" + r.getMachineSpec().getMachineType()
                            + "/" + r.getMachineSpec().getAcceleratorType() + "x" + r.getMachineSpec().getAcceleratorCount()
                            + " replicas=" + r.getMinReplicaCount() + ".." + r.getMaxReplicaCount() + " metrics="
                            + r.getAutoscalingMetricSpecsList().stream().map(m -> m.getMetricName() + "=" + m.getTarget()).sorted().toList()
                            + " traffic=" + e.getTrafficSplitMap().getOrDefault(d.getId(), 0)
                            + VertexScaleToZero.of(r).map(z -> " scaleToZero=" + z.describe()).orElse(""));
                }
                deployed.stream().sorted().forEach(d -> out.append(d).append('\n'));
                long unknown = e.getTrafficSplitMap().keySet().stream()
                        .filter(id -> e.getDeployedModelsList().stream().noneMatch(d -> d.getId().equals(id))).count();
                if (unknown > 0) {
                    out.append("  traffic to undeployed ids: ").append(unknown).append('\n');
                }
            }
            for (Model m : models.values()) {
                out.append("model ").append(m.getName()).append(" displayName=").append(m.getDisplayName()).append(" labels=")
                        .append(new TreeMap<>(m.getLabelsMap())).append(" image=").append(m.getContainerSpec().getImageUri()).append('\n');
            }
            long running = operations.values().stream().filter(op -> !op.getDone()).count();
            if (running > 0) {
                out.append("running operations: ").append(running).append('\n');
            }
            return out.toString();
        }
    }

    /** {@code 127.0.0.1:<port>} of the loopback listener. */
    public String loopbackAddress() {
        if (tcp == null) {
            throw new IllegalStateException("started without loopback");
        }
        return "127.0.0.1:" + tcp.getPort();
    }

    /** The in-process name; configure {@code vertex.endpointOverride=inprocess:<name>}. */
    public String name() {
        return name;
    }

    /** How long DeployModel operations take (default 150 ms). */
    public FakeVertexServer deployDelay(Duration d) {
        this.deployDelay = d;
        return this;
    }

    /** How long other operations take (default 20 ms). */
    public FakeVertexServer operationDelay(Duration d) {
        this.operationDelay = d;
        return this;
    }

    /**
     * Operations of {@code method} (e.g. "DeployModel") stay unfinished, however long their delay, until
     * {@link #release}: tests that look at an operation in progress need not race a timer.
     */
    public FakeVertexServer hold(String method) {
        held.add(method);
        return this;
    }

    /** Lets held operations of {@code method} finish (after their delay, counted from their start). */
    public void release(String method) {
        held.remove(method);
    }

    /** The next call of {@code method} (e.g. "GetEndpoint") fails with {@code status} before doing anything. */
    public void failNext(String method, Status status) {
        failNext.computeIfAbsent(method, k -> new ArrayDeque<>()).add(status);
    }

    /** The next operation started by {@code method} (e.g. "DeployModel") ends with {@code status} instead of its effect. */
    public void failOperation(String method, Status status) {
        failOperation.put(method, status);
    }

    /** {@code inprocess:<name()>}: the {@code vertex.endpointOverride} that reaches this fake in the same JVM. */
    @Override
    public String endpoint() {
        return "inprocess:" + name;
    }

    /**
     * Empties the fake: endpoints, models, operations, the call and request logs and counters, every injected fault,
     * held method and authorization setting, the delays (back to 150 ms deploy, 20 ms other operations, no call
     * latency) and the list page sizes. Call it when no operation is running: a running operation's timer could still complete it afterwards.
     */
    @Override
    public void reset() {
        synchronized (lock) {
            models.clear();
            endpoints.clear();
            operations.clear();
            busy.clear();
            pendingCreates.clear();
        }
        serving.clear();
        clearFaults();
        held.clear();
        finishOnPoll.clear();
        calls.clear();
        requests.clear();
        authorizations.clear();
        writes.set(0);
        faultsInjected.set(0);
        authFailure = null;
        completeOnPoll = false;
        callLatency = Duration.ZERO;
        defaultPageSize = DEFAULT_PAGE_SIZE;
        maxPageSize = MAX_PAGE_SIZE;
        deployDelay = Duration.ofMillis(150);
        operationDelay = Duration.ofMillis(20);
    }

    /** Mutating requests received so far, accepted or not. */
    @Override
    public long writeCount() {
        return writes.get();
    }

    /** Faults injected so far ({@link #inject}, {@link #failNext}, {@link #failOperation}, {@link #failOperations}). */
    public long faultsInjected() {
        return faultsInjected.get();
    }

    /** Every method called, in order. */
    @Override
    public List<String> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** Every request received, in order. */
    public List<Message> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /**
     * For one endpoint, how many deployed models had traffic after each change of its deployed models or traffic split,
     * in order (0 also when the endpoint has just been created).
     */
    public List<Integer> servingHistory(String endpointName) {
        return List.copyOf(serving.getOrDefault(endpointName, List.of()));
    }

    /** The endpoint as stored, if it exists. */
    public java.util.Optional<Endpoint> endpoint(String endpointName) {
        synchronized (lock) {
            return java.util.Optional.ofNullable(endpoints.get(endpointName));
        }
    }

    /** Names of the models stored. */
    public Set<String> modelNames() {
        synchronized (lock) {
            return Set.copyOf(models.keySet());
        }
    }

    @Override
    public void close() {
        server.shutdownNow();
        if (tcp != null) {
            tcp.shutdownNow();
        }
        timer.shutdownNow();
    }

    // ------------------------------------------------------------------ services

    private ServerServiceDefinition endpointService() {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(ENDPOINT_SERVICE);
        unary(b, ENDPOINT_SERVICE, "CreateEndpoint", CreateEndpointRequest.getDefaultInstance(), Operation.getDefaultInstance(), this::createEndpoint);
        unary(b, ENDPOINT_SERVICE, "GetEndpoint", GetEndpointRequest.getDefaultInstance(), Endpoint.getDefaultInstance(), this::getEndpoint);
        unary(b, ENDPOINT_SERVICE, "ListEndpoints", ListEndpointsRequest.getDefaultInstance(), ListEndpointsResponse.getDefaultInstance(),
                r -> listEndpoints(r, false));
        unary(b, ENDPOINT_SERVICE, "UpdateEndpoint", UpdateEndpointRequest.getDefaultInstance(), Endpoint.getDefaultInstance(), this::updateEndpoint);
        unary(b, ENDPOINT_SERVICE, "DeleteEndpoint", DeleteEndpointRequest.getDefaultInstance(), Operation.getDefaultInstance(), this::deleteEndpoint);
        unary(b, ENDPOINT_SERVICE, "DeployModel", DeployModelRequest.getDefaultInstance(), Operation.getDefaultInstance(), r -> deployModel(r, false));
        unary(b, ENDPOINT_SERVICE, "UndeployModel", UndeployModelRequest.getDefaultInstance(), Operation.getDefaultInstance(), this::undeployModel);
        unary(b, ENDPOINT_SERVICE, "MutateDeployedModel", MutateDeployedModelRequest.getDefaultInstance(), Operation.getDefaultInstance(), r -> mutate(r, false));
        return b.build();
    }

    /**
     * The v1beta1 EndpointService methods the backend uses for scale to zero (GetEndpoint, ListEndpoints, DeployModel,
     * MutateDeployedModel), spoken with the v1 messages: the v1beta1-only fields travel as unknown fields
     * ({@link VertexScaleToZero}), and the fake keeps them in the stored deployed model.
     */
    private ServerServiceDefinition endpointServiceV1beta1() {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(ENDPOINT_SERVICE_V1BETA1);
        unary(b, ENDPOINT_SERVICE_V1BETA1, "GetEndpoint", V1BETA1 + "GetEndpoint", GetEndpointRequest.getDefaultInstance(),
                Endpoint.getDefaultInstance(), this::getEndpointV1beta1);
        unary(b, ENDPOINT_SERVICE_V1BETA1, "ListEndpoints", V1BETA1 + "ListEndpoints", ListEndpointsRequest.getDefaultInstance(),
                ListEndpointsResponse.getDefaultInstance(), r -> listEndpoints(r, true));
        unary(b, ENDPOINT_SERVICE_V1BETA1, "DeployModel", V1BETA1 + "DeployModel", DeployModelRequest.getDefaultInstance(),
                Operation.getDefaultInstance(), r -> deployModel(r, true));
        unary(b, ENDPOINT_SERVICE_V1BETA1, "MutateDeployedModel", V1BETA1 + "MutateDeployedModel",
                MutateDeployedModelRequest.getDefaultInstance(), Operation.getDefaultInstance(), r -> mutate(r, true));
        return b.build();
    }

    private ServerServiceDefinition modelService() {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(MODEL_SERVICE);
        unary(b, MODEL_SERVICE, "UploadModel", UploadModelRequest.getDefaultInstance(), Operation.getDefaultInstance(), this::uploadModel);
        unary(b, MODEL_SERVICE, "GetModel", GetModelRequest.getDefaultInstance(), Model.getDefaultInstance(), this::getModel);
        unary(b, MODEL_SERVICE, "ListModels", ListModelsRequest.getDefaultInstance(), ListModelsResponse.getDefaultInstance(), this::listModels);
        unary(b, MODEL_SERVICE, "DeleteModel", DeleteModelRequest.getDefaultInstance(), Operation.getDefaultInstance(), this::deleteModel);
        return b.build();
    }

    private ServerServiceDefinition operationsService() {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(OPERATIONS);
        unary(b, OPERATIONS, "GetOperation", GetOperationRequest.getDefaultInstance(), Operation.getDefaultInstance(), r -> {
            Runnable finisher = finishOnPoll.remove(r.getName());
            if (finisher != null) {
                finisher.run();
            }
            synchronized (lock) {
                Operation op = operations.get(r.getName());
                if (op == null) {
                    throw status(Status.NOT_FOUND, "Operation " + r.getName() + " not found");
                }
                return op;
            }
        });
        unary(b, OPERATIONS, "ListOperations", ListOperationsRequest.getDefaultInstance(), ListOperationsResponse.getDefaultInstance(), r -> {
            finishOnPoll.keySet().stream().filter(n -> n.startsWith(r.getName() + "/operations/")).toList()
                    .forEach(n -> java.util.Optional.ofNullable(finishOnPoll.remove(n)).ifPresent(Runnable::run));
            synchronized (lock) {
                ListOperationsResponse.Builder out = ListOperationsResponse.newBuilder();
                operations.values().stream().filter(op -> op.getName().startsWith(r.getName() + "/operations/")).forEach(out::addOperations);
                return out.build();
            }
        });
        return b.build();
    }

    private <Q extends Message, R extends Message> void unary(ServerServiceDefinition.Builder b, String service, String method,
                                                              Q requestType, R responseType, Function<Q, R> handler) {
        unary(b, service, method, method, requestType, responseType, handler);
    }

    /** A unary method {@code service/rpc}, recorded (calls, faults, holds) as {@code method}. */
    private <Q extends Message, R extends Message> void unary(ServerServiceDefinition.Builder b, String service, String rpc, String method,
                                                              Q requestType, R responseType, Function<Q, R> handler) {
        MethodDescriptor<Q, R> md = MethodDescriptor.<Q, R>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(service, rpc))
                .setRequestMarshaller(ProtoUtils.marshaller(requestType)).setResponseMarshaller(ProtoUtils.marshaller(responseType)).build();
        b.addMethod(md, ServerCalls.asyncUnaryCall((request, observer) -> {
            if (!callLatency.isZero()) {
                try {
                    Thread.sleep(callLatency.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            calls.add(method);
            requests.add(request);
            if (WRITES.contains(method)) {
                writes.incrementAndGet();
            }
            try {
                Deque<Status> injected = failNext.get(method);
                Status failure = injected == null ? null : injected.poll();
                if (failure != null) {
                    faultsInjected.incrementAndGet();
                    throw failure.asRuntimeException();
                }
                Injection fault = injections.get(method);
                if (fault != null && !fault.persistent()) {
                    injections.remove(method, fault);
                }
                if (fault != null) {
                    faultsInjected.incrementAndGet();
                    switch (fault.kind()) {
                        case BEFORE -> throw fault.status().asRuntimeException();
                        case HOLD -> {
                            return; // never answered: the client's deadline expires
                        }
                        case AFTER -> {
                            try {
                                handler.apply(request);
                            } catch (RuntimeException ignored) {
                                // the answer is lost either way
                            }
                            throw fault.status().asRuntimeException();
                        }
                    }
                }
                R response = handler.apply(request);
                observer.onNext(response);
                observer.onCompleted();
            } catch (StatusRuntimeException e) {
                observer.onError(e);
            } catch (RuntimeException e) {
                observer.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
            }
        }));
    }

    // ------------------------------------------------------------------ operations

    private Operation start(String resource, String method, Message metadata, Duration delay, Supplier<Message> effect, Runnable release) {
        String opName = resource + "/operations/" + ids.incrementAndGet();
        Operation op = Operation.newBuilder().setName(opName).setMetadata(pack(metadata, method)).build();
        operations.put(opName, op);
        Status once = failOperation.remove(method);
        Status failure = once != null ? once : failOperations.get(method);
        if (failure != null) {
            faultsInjected.incrementAndGet();
        }
        if (completeOnPoll) {
            finishOnPoll.put(opName, () -> finish(op, opName, failure, effect, release, method));
            return op;
        }
        timer.schedule(new Runnable() {
            @Override
            public void run() {
                if (held.contains(method)) {
                    timer.schedule(this, 5, TimeUnit.MILLISECONDS);
                    return;
                }
                finish(op, opName, failure, effect, release, method);
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
        return op;
    }

    /** {@code m} in an Any; for a v1beta1 method under the v1beta1 type URL, as Vertex's v1beta1 service answers. */
    private static Any pack(Message m, String method) {
        Any any = Any.pack(m);
        return method.startsWith(V1BETA1) ? any.toBuilder().setTypeUrl(any.getTypeUrl().replace(".v1.", ".v1beta1.")).build() : any;
    }

    private void finish(Operation op, String opName, Status failure, Supplier<Message> effect, Runnable release, String method) {
        synchronized (lock) {
            Operation.Builder done = op.toBuilder().setDone(true);
            try {
                if (failure != null) {
                    throw failure.asRuntimeException();
                }
                done.setResponse(pack(effect.get(), method));
            } catch (StatusRuntimeException e) {
                done.setError(com.google.rpc.Status.newBuilder().setCode(e.getStatus().getCode().value())
                        .setMessage(String.valueOf(e.getStatus().getDescription())));
            } finally {
                release.run();
            }
            operations.put(opName, done.build());
        }
    }

    private static GenericOperationMetadata generic() {
        return GenericOperationMetadata.newBuilder().setCreateTime(now()).build();
    }

    private static Timestamp now() {
        Instant n = Instant.now();
        return Timestamp.newBuilder().setSeconds(n.getEpochSecond()).setNanos(n.getNano()).build();
    }

    private static StatusRuntimeException status(Status s, String message) {
        return s.withDescription(message).asRuntimeException();
    }

    private void recordServing(String endpointName) {
        Endpoint e = endpoints.get(endpointName);
        int count = e == null ? 0 : (int) e.getDeployedModelsList().stream()
                .filter(d -> e.getTrafficSplitMap().getOrDefault(d.getId(), 0) > 0).count();
        serving.computeIfAbsent(endpointName, k -> Collections.synchronizedList(new ArrayList<>())).add(count);
    }

    // ------------------------------------------------------------------ endpoints

    private Operation createEndpoint(CreateEndpointRequest r) {
        synchronized (lock) {
            if (!ENDPOINT_ID.matcher(r.getEndpointId()).matches()) {
                throw status(Status.INVALID_ARGUMENT, "Endpoint ID '" + r.getEndpointId() + "' is invalid");
            }
            if (r.getEndpoint().getDisplayName().isEmpty()) {
                throw status(Status.INVALID_ARGUMENT, "Endpoint display_name is required");
            }
            String endpointName = r.getParent() + "/endpoints/" + r.getEndpointId();
            if (endpoints.containsKey(endpointName) || pendingCreates.contains(endpointName)) {
                throw status(Status.ALREADY_EXISTS, "Endpoint " + endpointName + " already exists");
            }
            pendingCreates.add(endpointName);
            return start(endpointName, "CreateEndpoint", CreateEndpointOperationMetadata.newBuilder().setGenericMetadata(generic()).build(),
                    operationDelay, () -> {
                        Endpoint.Builder created = r.getEndpoint().toBuilder().setName(endpointName).setCreateTime(now()).setUpdateTime(now());
                        if (created.getDedicatedEndpointEnabled()) {
                            // v1 endpoint.proto: "Format: https://{endpoint_id}.{region}-{uid}.prediction.vertexai.goog"
                            String region = r.getParent().substring(r.getParent().lastIndexOf('/') + 1);
                            created.setDedicatedEndpointDns("https://" + r.getEndpointId() + "." + region + "-fake.prediction.vertexai.goog");
                        }
                        Endpoint e = created.build();
                        endpoints.put(endpointName, e);
                        recordServing(endpointName);
                        return e;
                    }, () -> pendingCreates.remove(endpointName));
        }
    }

    private Endpoint getEndpoint(GetEndpointRequest r) {
        return v1View(getEndpointV1beta1(r));
    }

    private Endpoint getEndpointV1beta1(GetEndpointRequest r) {
        synchronized (lock) {
            Endpoint e = endpoints.get(r.getName());
            if (e == null) {
                throw status(Status.NOT_FOUND, "Endpoint " + r.getName() + " not found");
            }
            return e;
        }
    }

    /** What the v1 service shows of an endpoint: the v1beta1-only scale-to-zero fields are not in the v1 messages. */
    private static Endpoint v1View(Endpoint e) {
        Endpoint.Builder b = e.toBuilder().clearDeployedModels();
        e.getDeployedModelsList().forEach(d -> b.addDeployedModels(d.toBuilder()
                .setDedicatedResources(VertexScaleToZero.strip(d.getDedicatedResources()))));
        return b.build();
    }

    /** ListEndpoints; the v1beta1 method keeps the v1beta1 scale-to-zero fields, the v1 one shows the {@link #v1View}. */
    private ListEndpointsResponse listEndpoints(ListEndpointsRequest r, boolean v1beta1) {
        synchronized (lock) {
            List<Endpoint> matching = endpoints.values().stream().filter(e -> e.getName().startsWith(r.getParent() + "/endpoints/"))
                    .filter(e -> matches(r.getFilter(), e.getLabelsMap())).toList();
            Page<Endpoint> page = page(matching, Endpoint::getName, r.getParent(), r.getFilter(), r.getPageSize(), r.getPageToken());
            ListEndpointsResponse.Builder out = ListEndpointsResponse.newBuilder().setNextPageToken(page.nextToken());
            page.items().stream().map(e -> v1beta1 ? e : v1View(e)).forEach(out::addEndpoints);
            return out.build();
        }
    }

    /** One page of a list answer and the token of the next ("" after the last page). */
    private record Page<T>(List<T> items, String nextToken) {
    }

    /**
     * The page of {@code sorted} (in name order) that {@code pageSize} and {@code pageToken} ask for, as AIP-158 describes
     * list pagination: page_size 0 means {@link #listPageSizes the default}, above the maximum it is coerced down, negative
     * is INVALID_ARGUMENT; the token is opaque (here: the request's parent and filter and the last name returned, encoded)
     * and a token from a request with another parent or filter is INVALID_ARGUMENT ("all other parameters must match").
     */
    private <T> Page<T> page(List<T> sorted, Function<T, String> name, String parent, String filter, int pageSize, String pageToken) {
        if (pageSize < 0) {
            throw status(Status.INVALID_ARGUMENT, "page_size must not be negative, got " + pageSize);
        }
        int size = pageSize == 0 ? defaultPageSize : Math.min(pageSize, maxPageSize);
        String scope = parent + "\n" + filter + "\n";
        String after = null;
        if (!pageToken.isEmpty()) {
            String decoded;
            try {
                decoded = new String(java.util.Base64.getUrlDecoder().decode(pageToken), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw status(Status.INVALID_ARGUMENT, "Invalid page_token");
            }
            if (!decoded.startsWith(scope)) {
                throw status(Status.INVALID_ARGUMENT, "page_token does not belong to a request with this parent and filter");
            }
            after = decoded.substring(scope.length());
        }
        String last = after;
        List<T> rest = last == null ? sorted : sorted.stream().filter(t -> name.apply(t).compareTo(last) > 0).toList();
        List<T> items = rest.subList(0, Math.min(size, rest.size()));
        String next = rest.size() > size ? java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                (scope + name.apply(items.get(items.size() - 1))).getBytes(java.nio.charset.StandardCharsets.UTF_8)) : "";
        return new Page<>(List.copyOf(items), next);
    }

    private static boolean matches(String filter, Map<String, String> labels) {
        if (filter.isBlank()) {
            return true;
        }
        String f = filter.trim();
        if (!f.startsWith("labels.") || !f.contains("=")) {
            throw status(Status.INVALID_ARGUMENT, "unsupported filter " + filter);
        }
        String key = f.substring("labels.".length(), f.indexOf('=')).trim();
        String value = f.substring(f.indexOf('=') + 1).trim().replace("\"", "");
        return value.equals(labels.get(key));
    }

    private Endpoint updateEndpoint(UpdateEndpointRequest r) {
        synchronized (lock) {
            Endpoint e = endpoints.get(r.getEndpoint().getName());
            if (e == null) {
                throw status(Status.NOT_FOUND, "Endpoint " + r.getEndpoint().getName() + " not found");
            }
            Endpoint.Builder b = e.toBuilder();
            for (String path : r.getUpdateMask().getPathsList()) {
                switch (path) {
                    case "display_name" -> b.setDisplayName(r.getEndpoint().getDisplayName());
                    case "description" -> b.setDescription(r.getEndpoint().getDescription());
                    case "labels" -> b.clearLabels().putAllLabels(r.getEndpoint().getLabelsMap());
                    case "traffic_split" -> {
                        Map<String, Integer> split = r.getEndpoint().getTrafficSplitMap();
                        checkSplit(split, e, null);
                        b.clearTrafficSplit().putAllTrafficSplit(split);
                    }
                    default -> throw status(Status.INVALID_ARGUMENT, "update_mask path '" + path + "' cannot be updated");
                }
            }
            Endpoint updated = b.setUpdateTime(now()).build();
            endpoints.put(updated.getName(), updated);
            if (r.getUpdateMask().getPathsList().contains("traffic_split")) {
                recordServing(updated.getName());
            }
            return updated;
        }
    }

    private static void checkSplit(Map<String, Integer> split, Endpoint e, String newId) {
        int sum = split.values().stream().mapToInt(Integer::intValue).sum();
        if (!split.isEmpty() && sum != 100) {
            throw status(Status.INVALID_ARGUMENT, "Traffic split percentages must sum to 100, got " + sum);
        }
        Set<String> known = new HashSet<>();
        e.getDeployedModelsList().forEach(d -> known.add(d.getId()));
        if (newId != null) {
            known.add(newId);
        }
        for (String id : split.keySet()) {
            if (!known.contains(id)) {
                throw status(Status.INVALID_ARGUMENT, "Traffic split refers to DeployedModel " + id + " which is not deployed");
            }
        }
    }

    private Operation deleteEndpoint(DeleteEndpointRequest r) {
        synchronized (lock) {
            Endpoint e = endpoints.get(r.getName());
            if (e == null) {
                throw status(Status.NOT_FOUND, "Endpoint " + r.getName() + " not found");
            }
            if (e.getDeployedModelsCount() > 0) {
                throw status(Status.FAILED_PRECONDITION, "Endpoint " + r.getName() + " still has deployed models; undeploy them first");
            }
            if (busy.stream().anyMatch(k -> k.startsWith(r.getName() + "/"))) {
                throw status(Status.FAILED_PRECONDITION, "Endpoint " + r.getName() + " has an operation in progress");
            }
            return start(r.getName(), "DeleteEndpoint", DeleteOperationMetadata.newBuilder().setGenericMetadata(generic()).build(),
                    operationDelay, () -> {
                        endpoints.remove(r.getName());
                        return Empty.getDefaultInstance();
                    }, () -> { });
        }
    }

    private Operation deployModel(DeployModelRequest r, boolean v1beta1) {
        synchronized (lock) {
            Endpoint e = endpoints.get(r.getEndpoint());
            if (e == null) {
                throw status(Status.NOT_FOUND, "Endpoint " + r.getEndpoint() + " not found");
            }
            // v1 has no scale-to-zero fields: a v1 server parses them as unknown fields and ignores them
            DeployedModel want = v1beta1 ? r.getDeployedModel() : r.getDeployedModel().toBuilder()
                    .setDedicatedResources(VertexScaleToZero.strip(r.getDeployedModel().getDedicatedResources())).build();
            String modelName = want.getModel().contains("@") ? want.getModel().substring(0, want.getModel().indexOf('@')) : want.getModel();
            if (!models.containsKey(modelName)) {
                throw status(Status.NOT_FOUND, "Model " + want.getModel() + " not found");
            }
            if (!want.hasDedicatedResources()) {
                throw status(Status.INVALID_ARGUMENT, "Model requires dedicated_resources for deployment");
            }
            checkResources(want.getDedicatedResources(), v1beta1);
            if (want.getDedicatedResources().getMinReplicaCount() == 0) {
                checkScaleToZero(e, want.getDedicatedResources());
            }
            String id = Long.toString(ids.incrementAndGet());
            Map<String, Integer> split = new TreeMap<>(r.getTrafficSplitMap());
            if (split.containsKey("0")) {
                split.put(id, split.remove("0"));
            }
            checkSplit(split, e, id);
            String key = r.getEndpoint() + "/" + id;
            busy.add(key);
            return start(r.getEndpoint(), (v1beta1 ? V1BETA1 : "") + "DeployModel", DeployModelOperationMetadata.newBuilder().setGenericMetadata(generic()).build(),
                    deployDelay, () -> {
                        Endpoint current = endpoints.get(r.getEndpoint());
                        if (current == null) {
                            throw status(Status.NOT_FOUND, "Endpoint " + r.getEndpoint() + " was deleted");
                        }
                        DedicatedResources dr = want.getDedicatedResources();
                        DeployedModel deployed = want.toBuilder().setId(id).setCreateTime(now())
                                .setDedicatedResources(dr.getMachineSpec().getMachineType().isEmpty()
                                        ? dr.toBuilder().setMachineSpec(dr.getMachineSpec().toBuilder().setMachineType("n1-standard-2")).build() : dr)
                                .setStatus(DeployedModel.Status.newBuilder().setAvailableReplicaCount(dr.getMinReplicaCount() > 0
                                        ? dr.getMinReplicaCount() : VertexScaleToZero.of(dr).map(VertexScaleToZero::initialReplicaCount).orElse(1))
                                        .setLastUpdateTime(now())).build();
                        Endpoint.Builder b = current.toBuilder().addDeployedModels(deployed);
                        if (!split.isEmpty()) {
                            b.clearTrafficSplit().putAllTrafficSplit(split);
                        }
                        endpoints.put(r.getEndpoint(), b.setUpdateTime(now()).build());
                        recordServing(r.getEndpoint());
                        return DeployModelResponse.newBuilder().setDeployedModel(deployed).build();
                    }, () -> busy.remove(key));
        }
    }

    /**
     * The v1beta1 scale-to-zero rules (machine_resources.proto and "Scale inference nodes by using autoscaling", Scale To
     * Zero): initial_replica_count in 1..max_replica_count, periods in 300..28800 s, a dedicated endpoint, one model per
     * endpoint. The status codes of the last two are the fake's assumption (Google's pages do not name them).
     */
    private static void checkScaleToZero(Endpoint e, DedicatedResources dr) {
        VertexScaleToZero z = VertexScaleToZero.of(dr).orElseThrow(() -> status(Status.INVALID_ARGUMENT,
                "min_replica_count 0 needs initial_replica_count and scale_to_zero_spec"));
        int max = dr.getMaxReplicaCount() == 0 ? 1 : dr.getMaxReplicaCount();
        if (!dr.getUnknownFields().hasField(VertexScaleToZero.INITIAL_REPLICA_COUNT_FIELD) || z.initialReplicaCount() > max) {
            throw status(Status.INVALID_ARGUMENT, "initial_replica_count should be larger than zero, but no greater than max_replica_count");
        }
        for (int p : new int[] {z.idleSeconds(), z.minScaleupSeconds().orElse(VertexScaleToZero.VERTEX_DEFAULT_PERIOD_SECONDS)}) {
            if (p < VertexScaleToZero.MIN_PERIOD_SECONDS || p > VertexScaleToZero.MAX_PERIOD_SECONDS) {
                throw status(Status.INVALID_ARGUMENT, "scale_to_zero_spec periods must be between 300s and 28800s, got " + p + "s");
            }
        }
        if (!e.getDedicatedEndpointEnabled()) {
            throw status(Status.FAILED_PRECONDITION, "Scale to zero is not supported on shared public endpoints: " + e.getName());
        }
        if (e.getDeployedModelsCount() > 0) {
            throw status(Status.FAILED_PRECONDITION, "Scale to zero supports one model per endpoint; " + e.getName() + " has "
                    + e.getDeployedModelsCount() + " deployed");
        }
    }

    private static void checkResources(DedicatedResources dr, boolean v1beta1) {
        if (dr.getMinReplicaCount() == 0 && v1beta1) {
            // scale to zero (Preview): checked by checkScaleToZero
        } else if (dr.getMinReplicaCount() < 1) {
            throw status(Status.INVALID_ARGUMENT, "dedicated_resources.min_replica_count must be greater than or equal to 1");
        }
        if (dr.getMaxReplicaCount() != 0 && dr.getMaxReplicaCount() < dr.getMinReplicaCount()) {
            throw status(Status.INVALID_ARGUMENT, "dedicated_resources.max_replica_count must be greater than or equal to min_replica_count");
        }
        Set<String> seen = new HashSet<>();
        for (AutoscalingMetricSpec m : dr.getAutoscalingMetricSpecsList()) {
            if (!METRICS.contains(m.getMetricName())) {
                throw status(Status.INVALID_ARGUMENT, "Unsupported autoscaling metric " + m.getMetricName());
            }
            if (!seen.add(m.getMetricName())) {
                throw status(Status.INVALID_ARGUMENT, "At most one autoscaling_metric_spec is allowed per metric");
            }
            boolean percent = !m.getMetricName().endsWith("request_count");
            if (m.getTarget() < 1 || (percent && m.getTarget() > 100)) {
                throw status(Status.INVALID_ARGUMENT, "Autoscaling target " + m.getTarget() + " of " + m.getMetricName() + " is out of range");
            }
        }
    }

    private Operation undeployModel(UndeployModelRequest r) {
        synchronized (lock) {
            Endpoint e = endpoints.get(r.getEndpoint());
            if (e == null) {
                throw status(Status.NOT_FOUND, "Endpoint " + r.getEndpoint() + " not found");
            }
            String id = r.getDeployedModelId();
            if (e.getDeployedModelsList().stream().noneMatch(d -> d.getId().equals(id))) {
                throw status(Status.NOT_FOUND, "DeployedModel " + id + " not found in " + r.getEndpoint());
            }
            String key = r.getEndpoint() + "/" + id;
            if (busy.contains(key)) {
                throw status(Status.FAILED_PRECONDITION, "DeployedModel " + id + " has an operation in progress");
            }
            boolean last = e.getDeployedModelsCount() == 1;
            Map<String, Integer> split = new TreeMap<>(r.getTrafficSplitMap().isEmpty() ? e.getTrafficSplitMap() : r.getTrafficSplitMap());
            if (!last && split.getOrDefault(id, 0) > 0) {
                throw status(Status.FAILED_PRECONDITION, "DeployedModel " + id + " still has " + split.get(id)
                        + "% of the traffic; move the traffic to another deployed model before undeploying it");
            }
            split.remove(id);
            if (!r.getTrafficSplitMap().isEmpty()) {
                checkSplit(split, e, null);
            }
            busy.add(key);
            Map<String, Integer> after = last ? Map.of() : split;
            return start(r.getEndpoint(), "UndeployModel", UndeployModelOperationMetadata.newBuilder().setGenericMetadata(generic()).build(),
                    operationDelay, () -> {
                        Endpoint current = endpoints.get(r.getEndpoint());
                        List<DeployedModel> remaining = current.getDeployedModelsList().stream().filter(d -> !d.getId().equals(id)).toList();
                        endpoints.put(r.getEndpoint(), current.toBuilder().clearDeployedModels().addAllDeployedModels(remaining)
                                .clearTrafficSplit().putAllTrafficSplit(after).setUpdateTime(now()).build());
                        recordServing(r.getEndpoint());
                        return UndeployModelResponse.getDefaultInstance();
                    }, () -> busy.remove(key));
        }
    }

    private Operation mutate(MutateDeployedModelRequest r, boolean v1beta1) {
        synchronized (lock) {
            Endpoint e = endpoints.get(r.getEndpoint());
            if (e == null) {
                throw status(Status.NOT_FOUND, "Endpoint " + r.getEndpoint() + " not found");
            }
            String id = r.getDeployedModel().getId();
            if (e.getDeployedModelsList().stream().noneMatch(d -> d.getId().equals(id))) {
                throw status(Status.NOT_FOUND, "DeployedModel " + id + " not found in " + r.getEndpoint());
            }
            if (r.getUpdateMask().getPathsCount() == 0) {
                throw status(Status.INVALID_ARGUMENT, "update_mask is required");
            }
            for (String path : r.getUpdateMask().getPathsList()) {
                if (!MUTABLE.contains(path)) {
                    throw status(Status.INVALID_ARGUMENT, "update_mask path '" + path + "' cannot be mutated; mutable fields: " + MUTABLE);
                }
            }
            String key = r.getEndpoint() + "/" + id;
            if (busy.contains(key)) {
                throw status(Status.FAILED_PRECONDITION, "DeployedModel " + id + " has an operation in progress");
            }
            busy.add(key);
            return start(r.getEndpoint(), (v1beta1 ? V1BETA1 : "") + "MutateDeployedModel", MutateDeployedModelOperationMetadata.newBuilder().setGenericMetadata(generic()).build(),
                    operationDelay, () -> {
                        Endpoint current = endpoints.get(r.getEndpoint());
                        List<DeployedModel> out = new ArrayList<>();
                        DeployedModel result = null;
                        for (DeployedModel d : current.getDeployedModelsList()) {
                            if (d.getId().equals(id)) {
                                DedicatedResources.Builder dr = d.getDedicatedResources().toBuilder();
                                DedicatedResources want = r.getDeployedModel().getDedicatedResources();
                                for (String path : r.getUpdateMask().getPathsList()) {
                                    switch (path) {
                                        case "dedicated_resources.min_replica_count" -> dr.setMinReplicaCount(want.getMinReplicaCount());
                                        case "dedicated_resources.max_replica_count" -> dr.setMaxReplicaCount(want.getMaxReplicaCount());
                                        case "dedicated_resources.required_replica_count" -> dr.setRequiredReplicaCount(want.getRequiredReplicaCount());
                                        case "dedicated_resources.autoscaling_metric_specs" -> dr.clearAutoscalingMetricSpecs()
                                                .addAllAutoscalingMetricSpecs(want.getAutoscalingMetricSpecsList());
                                        default -> { }
                                    }
                                }
                                checkResources(dr.build(), v1beta1);
                                int max = dr.getMaxReplicaCount() == 0 ? dr.getMinReplicaCount() : dr.getMaxReplicaCount();
                                int available = Math.max(dr.getMinReplicaCount(), Math.min(max, d.getStatus().getAvailableReplicaCount()));
                                result = d.toBuilder().setDedicatedResources(dr)
                                        .setStatus(d.getStatus().toBuilder().setAvailableReplicaCount(available).setLastUpdateTime(now())).build();
                                out.add(result);
                            } else {
                                out.add(d);
                            }
                        }
                        endpoints.put(r.getEndpoint(), current.toBuilder().clearDeployedModels().addAllDeployedModels(out).build());
                        return MutateDeployedModelResponse.newBuilder().setDeployedModel(result).build();
                    }, () -> busy.remove(key));
        }
    }

    // ------------------------------------------------------------------ models

    private Operation uploadModel(UploadModelRequest r) {
        synchronized (lock) {
            String id = r.getModelId().isEmpty() ? Long.toString(ids.incrementAndGet()) : r.getModelId();
            if (!MODEL_ID.matcher(id).matches() && !r.getModelId().isEmpty()) {
                throw status(Status.INVALID_ARGUMENT, "Model ID '" + id + "' is invalid");
            }
            if (r.getModel().getDisplayName().isEmpty()) {
                throw status(Status.INVALID_ARGUMENT, "Model display_name is required");
            }
            if (r.getModel().getContainerSpec().getImageUri().isEmpty()) {
                throw status(Status.INVALID_ARGUMENT, "Model container_spec.image_uri is required");
            }
            String modelName = r.getParent() + "/models/" + id;
            if (models.containsKey(modelName) || pendingCreates.contains(modelName)) {
                throw status(Status.ALREADY_EXISTS, "Model " + modelName + " already exists");
            }
            pendingCreates.add(modelName);
            return start(modelName, "UploadModel", UploadModelOperationMetadata.newBuilder().setGenericMetadata(generic()).build(),
                    operationDelay, () -> {
                        models.put(modelName, r.getModel().toBuilder().setName(modelName).setVersionId("1").setCreateTime(now()).build());
                        return UploadModelResponse.newBuilder().setModel(modelName).setModelVersionId("1").build();
                    }, () -> pendingCreates.remove(modelName));
        }
    }

    private Model getModel(GetModelRequest r) {
        synchronized (lock) {
            String n = r.getName().contains("@") ? r.getName().substring(0, r.getName().indexOf('@')) : r.getName();
            Model m = models.get(n);
            if (m == null) {
                throw status(Status.NOT_FOUND, "Model " + r.getName() + " not found");
            }
            return m;
        }
    }

    private ListModelsResponse listModels(ListModelsRequest r) {
        synchronized (lock) {
            List<Model> matching = models.values().stream().filter(m -> m.getName().startsWith(r.getParent() + "/models/"))
                    .filter(m -> matches(r.getFilter(), m.getLabelsMap())).toList();
            Page<Model> page = page(matching, Model::getName, r.getParent(), r.getFilter(), r.getPageSize(), r.getPageToken());
            return ListModelsResponse.newBuilder().addAllModels(page.items()).setNextPageToken(page.nextToken()).build();
        }
    }

    private Operation deleteModel(DeleteModelRequest r) {
        synchronized (lock) {
            if (!models.containsKey(r.getName())) {
                throw status(Status.NOT_FOUND, "Model " + r.getName() + " not found");
            }
            boolean deployed = endpoints.values().stream().flatMap(e -> e.getDeployedModelsList().stream())
                    .anyMatch(d -> d.getModel().equals(r.getName()) || d.getModel().startsWith(r.getName() + "@"));
            if (deployed) {
                throw status(Status.FAILED_PRECONDITION, "Model " + r.getName() + " is deployed to an endpoint; undeploy it first");
            }
            return start(r.getName(), "DeleteModel", DeleteOperationMetadata.newBuilder().setGenericMetadata(generic()).build(),
                    operationDelay, () -> {
                        models.remove(r.getName());
                        return Empty.getDefaultInstance();
                    }, () -> { });
        }
    }
}
