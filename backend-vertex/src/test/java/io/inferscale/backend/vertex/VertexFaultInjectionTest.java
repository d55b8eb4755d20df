package io.inferscale.backend.vertex;

import io.grpc.Status;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.backend.vertex.fake.FakeVertexServer;
import io.inferscale.backend.vertex.fake.FakeVertexServer.FaultKind;
import io.inferscale.testkit.faults.Fault;
import io.inferscale.testkit.faults.FaultInjectionHarness;
import io.inferscale.testkit.faults.FaultMode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fault-injection harness on the in-process Vertex fake, through the real generated GAX clients. Every RPC of a
 * clean apply (create), apply (update) and delete is failed in turn, plus the long-running operations themselves
 * ("X (operation)": the operation started by X ends with an error). Operations finish when first polled (or listed).
 * Short timeouts here only: per-RPC timeout 300 ms, polls every 2 ms growing 1.5x, vertex.maxAttempts 2 (default 3: one
 * retry shows the policy and halves the time of the persistent-timeout cases); GAX's retry codes and the backend's rounds
 * are the production ones.
 */
class VertexFaultInjectionTest extends FaultInjectionHarness {

    /** Pseudo-call suffix: the operation started by the call ends with the fault as its error. */
    static final String OPERATION = " (operation)";
    static final Set<String> LONG_RUNNING = Set.of("UploadModel", "CreateEndpoint", "DeployModel", "MutateDeployedModel",
            "UndeployModel", "DeleteEndpoint", "DeleteModel", FakeVertexServer.V1BETA1 + "DeployModel",
            FakeVertexServer.V1BETA1 + "MutateDeployedModel");
    static final Set<String> CREATES = Set.of("CreateEndpoint", "UploadModel");

    private FakeVertexServer fake;

    /**
     * One clean apply and delete before the harness starts: the first gRPC call of a JVM loads hundreds of classes and
     * could outlast the 300 ms per-RPC timeout, which would make the clean run (and so the table) depend on start-up.
     */
    @org.junit.jupiter.api.BeforeAll
    void warmUp() {
        startFake();
        try (Backend b = new VertexBackendProvider().create(BackendConfig.of(Map.of("vertex.project", "warm-up",
                "vertex.endpointOverride", "inprocess:" + fake.name(), "vertex.pollInterval", "2ms")))) {
            b.apply(endpoint());
            b.delete(endpoint().name());
        } finally {
            stopFake();
        }
    }

    @Override
    protected String backendId() {
        return "vertex";
    }

    @Override
    protected void startFake() {
        // operations finish when first looked at: one poll each, so outcomes (retried / handled) do not depend on timing
        fake = new FakeVertexServer().completeOnPoll();
    }

    @Override
    protected void stopFake() {
        fake.close();
    }

    @Override
    protected Backend newBackend() {
        return new VertexBackendProvider().create(BackendConfig.of(Map.of("vertex.project", "fault-project",
                "vertex.location", "us-central1", "vertex.endpointOverride", "inprocess:" + fake.name(),
                "vertex.pollInterval", "2ms", "vertex.operationTimeout", "5s", "vertex.requestTimeout", "300ms",
                "vertex.maxAttempts", "2")));
    }

    @Override
    protected List<String> calls() {
        return fake.calls();
    }

    /** Every distinct RPC, then one "(operation)" row per long-running call. */
    @Override
    protected long faultsInjected() {
        return fake.faultsInjected();
    }

    @Override
    protected String countedAs(String call) {
        return call.endsWith(OPERATION) ? call.substring(0, call.length() - OPERATION.length()) : call;
    }

    @Override
    protected List<String> callsToFail(Scenario scenario, List<String> cleanRunCalls) {
        List<String> out = new ArrayList<>(new LinkedHashSet<>(cleanRunCalls));
        new LinkedHashSet<>(cleanRunCalls).stream().filter(LONG_RUNNING::contains).forEach(c -> out.add(c + OPERATION));
        return out;
    }

    @Override
    protected void arm(String call, Fault fault, FaultMode mode) {
        boolean persistent = mode == FaultMode.PERSISTENT;
        if (call.endsWith(OPERATION)) {
            String method = call.substring(0, call.length() - OPERATION.length());
            Status status = switch (fault) {
                case THROTTLING -> Status.RESOURCE_EXHAUSTED.withDescription("The following quota metrics exceed quota limits: "
                        + "aiplatform.googleapis.com/custom_model_serving_cpus");
                case SERVER_ERROR -> Status.INTERNAL.withDescription("Internal error encountered.");
                case TIMEOUT -> Status.DEADLINE_EXCEEDED.withDescription("Operation timed out.");
                case DROPPED_CONNECTION -> Status.UNAVAILABLE.withDescription("The service is currently unavailable.");
                case CONFLICT -> Status.FAILED_PRECONDITION.withDescription("The DeployedModel has an operation in progress.");
            };
            if (persistent) {
                fake.failOperations(method, status);
            } else {
                fake.failOperation(method, status);
            }
            return;
        }
        switch (fault) {
            case THROTTLING -> fake.inject(call, Status.RESOURCE_EXHAUSTED.withDescription("Quota exceeded for quota metric "
                    + "'Resource management (CRUD) requests' and limit 'Resource management (CRUD) requests per minute per region'"),
                    FaultKind.BEFORE, persistent);
            case SERVER_ERROR -> fake.inject(call, Status.UNAVAILABLE.withDescription("The service is currently unavailable."),
                    FaultKind.BEFORE, persistent);
            case TIMEOUT -> fake.inject(call, Status.DEADLINE_EXCEEDED, FaultKind.HOLD, persistent);
            case DROPPED_CONNECTION -> fake.inject(call, Status.UNAVAILABLE.withDescription("Connection closed after the request "
                    + "was processed").withCause(new IOException("Connection reset by peer")), FaultKind.AFTER, persistent);
            case CONFLICT -> fake.inject(call, CREATES.contains(call)
                    ? Status.ALREADY_EXISTS.withDescription("Resource already exists.")
                    : Status.ABORTED.withDescription("The operation was aborted due to a concurrent modification."),
                    FaultKind.BEFORE, persistent);
        }
    }

    @Override
    protected void disarm() {
        fake.clearFaults();
    }

    @Override
    protected String injectedAs(Fault fault) {
        return switch (fault) {
            case THROTTLING -> "RPC: gRPC `RESOURCE_EXHAUSTED` (\"Quota exceeded … requests per minute per region\") before any effect."
                    + " Operation row: the operation ends with `RESOURCE_EXHAUSTED` (a quota such as custom_model_serving_cpus)";
            case SERVER_ERROR -> "RPC: gRPC `UNAVAILABLE` before any effect. Operation row: the operation ends with `INTERNAL`";
            case TIMEOUT -> "RPC: the fake receives the request, does nothing and never answers; the client's per-RPC timeout "
                    + "(vertex.requestTimeout, 300 ms here) ends it with `DEADLINE_EXCEEDED`. Operation row: the operation ends with `DEADLINE_EXCEEDED`";
            case DROPPED_CONNECTION -> "RPC: the fake carries the request out (a write takes effect, an operation starts), then "
                    + "answers `UNAVAILABLE` \"Connection closed after the request was processed\" instead of the response (the in-process "
                    + "transport has no socket to cut; the answer is lost as with a dropped connection). Operation row: the operation ends with `UNAVAILABLE`";
            case CONFLICT -> "RPC: `ALREADY_EXISTS` for CreateEndpoint and UploadModel, `ABORTED` (concurrent modification) for every "
                    + "other call, before any effect. Operation row: the operation ends with `FAILED_PRECONDITION` (operation in progress)";
        };
    }

    @Override
    protected String state() {
        return fake.state();
    }

    @Override
    protected InferenceEndpoint endpoint() {
        try {
            return VertexBackendTest.sample();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected InferenceEndpoint updatedEndpoint() {
        return VertexBackendTest.withPolicy(endpoint(), p -> p.maxReplicas(8).target(TargetType.CPU_UTILIZATION, 75));
    }

    @Override
    protected long operationTimeoutSeconds() {
        return 30;
    }
}
