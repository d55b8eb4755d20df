package io.inferscale.backend.vertex;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.aiplatform.v1.AutoscalingMetricSpec;
import com.google.cloud.aiplatform.v1.DedicatedResources;
import com.google.cloud.aiplatform.v1.DeployedModel;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.ListEndpointsRequest;
import com.google.cloud.aiplatform.v1.ListModelsRequest;
import com.google.cloud.aiplatform.v1.MachineSpec;
import com.google.cloud.aiplatform.v1.Model;
import com.google.cloud.aiplatform.v1.MutateDeployedModelRequest;
import com.google.cloud.aiplatform.v1.UndeployModelRequest;
import com.google.cloud.aiplatform.v1.UpdateEndpointRequest;
import com.google.longrunning.GetOperationRequest;
import com.google.longrunning.ListOperationsRequest;
import com.google.longrunning.Operation;
import com.google.protobuf.FieldMask;
import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendOverrides;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.FieldChange;
import io.inferscale.api.backend.MetricStatus;
import io.inferscale.api.backend.OptionKey;
import io.inferscale.api.backend.Plan;
import io.inferscale.api.backend.Rendering;
import io.inferscale.api.validation.EndpointValidator;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import io.inferscale.backend.vertex.internal.VertexClients;
import io.inferscale.backend.vertex.internal.VertexErrors;
import io.inferscale.backend.vertex.internal.VertexNames;
import io.inferscale.backend.vertex.internal.VertexSettings;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The Vertex AI backend: one {@code Endpoint} per InferScale endpoint, serving one {@code DeployedModel} on dedicated
 * resources with autoscaling metric specs, through the v1 {@code EndpointService} and {@code ModelService}.
 *
 * <ul>
 *   <li>Replica or metric changes: {@code MutateDeployedModel} with an update mask naming only the changed fields.</li>
 *   <li>Model, machine type or accelerator changes (immutable on Vertex): deploy a new DeployedModel with 100% of the
 *       traffic, then undeploy the old one and delete the model InferScale had uploaded for it; a serving model always
 *       has the traffic.</li>
 *   <li>Long-running operations are polled with {@code GetOperation}: first after {@code vertex.pollInterval}, then
 *       1.5 times longer each time up to 1 minute, for at most {@code vertex.operationTimeout}; their failures carry
 *       Vertex's message.</li>
 * </ul>
 *
 * <h2>Reconciling, failures and re-runs</h2>
 * {@code apply} reads the live state, plans, and runs the steps; then it reads again and plans again, and returns only
 * when that plan is empty (the read that proves it doubles as the returned status). A step that fails because of a
 * concurrent change (ALREADY_EXISTS, ABORTED, FAILED_PRECONDITION, NOT_FOUND on a write) or with an unknown outcome
 * (UNAVAILABLE, DEADLINE_EXCEEDED, a lost operation poll, an operation that ended UNAVAILABLE) is never blindly sent
 * again: the next round waits for the operations running on that resource, reads, and plans from what it finds, so a
 * write whose effect is visible is not repeated. Rounds after an unknown outcome are bounded by {@code vertex.maxAttempts},
 * rounds after conflicts by {@value #MAX_CONFLICT_ROUNDS}. Any other failure, or a bound reached, ends {@code apply} or
 * {@code delete} with {@link BackendException#atStep} naming the call: re-running is safe, it converges from whatever
 * state the failed run left, and {@code delete} after any failure removes everything InferScale made for the endpoint.
 *
 * <h2>Thread safety and concurrent applies</h2>
 * An instance is safe for concurrent use by any number of threads, for the same or different endpoints: it holds only
 * immutable settings and ONE {@link VertexClients} (one gRPC channel for EndpointService, ModelService and Operations),
 * built on first use and released by {@link #close()}. Several threads or processes applying the same endpoint at once:
 * when every such {@code apply} returns normally, the endpoint is left equal to one of their specs entirely (endpoint,
 * one deployed model with its replicas and autoscaling targets, 100% of the traffic), because each returns only after a
 * read in which nothing differs from its own spec, and the last write is followed by such a read. An {@code apply}
 * that gives up after {@value #MAX_CONFLICT_ROUNDS} conflicting rounds throws a {@code CONFLICT} {@link BackendException}
 * ("re-running is safe"); until something re-runs, the endpoint may then hold a mixture of the racing specs.
 */
public final class VertexBackend implements Backend {

    static final String KIND_MODEL = "Model";
    static final String KIND_ENDPOINT = "Endpoint";
    static final String KIND_DEPLOYED_MODEL = "DeployedModel";
    static final String MASK_MIN = "dedicated_resources.min_replica_count";
    static final String MASK_MAX = "dedicated_resources.max_replica_count";
    static final String MASK_METRICS = "dedicated_resources.autoscaling_metric_specs";
    /** Most rounds of one apply or delete that end in a conflict with a concurrent change before it gives up. */
    static final int MAX_CONFLICT_ROUNDS = 12;

    private final VertexSettings settings;
    private volatile VertexClients clients;
    private final AtomicLong mutatingCalls = new AtomicLong();

    /**
     * A backend reading the {@code vertex.*} keys of {@code config} (see {@link VertexBackendProvider#CONFIG_KEYS}).
     *
     * @throws io.inferscale.api.ConfigurationException on a malformed value
     */
    public VertexBackend(BackendConfig config) {
        this.settings = VertexSettings.from(config);
    }

    @Override
    public String id() {
        return VertexBackendProvider.ID;
    }

    @Override
    public Capabilities capabilities() {
        return VertexBackendProvider.CAPABILITIES;
    }

    @Override
    public List<OptionKey> optionKeys() {
        return VertexBackendProvider.OPTION_KEYS;
    }

    /** The neutral rules, capabilities and options, plus Vertex's own rules (names, machines, accelerators, model). */
    @Override
    public ValidationReport validate(InferenceEndpoint endpoint) {
        ValidationReport base = Backend.super.validate(endpoint);
        InferenceEndpoint effective = BackendOverrides.applyIfWellFormed(endpoint, id());
        List<Problem> kept = base.problems().stream()
                .filter(p -> p.isError() || !VertexTranslator.matchesFixedPolicy(p.path(), effective)).toList();
        return ValidationReport.of(kept).and(translator(false).check(effective));
    }

    /** The requests for a fresh project as a JSON array (see {@link VertexTranslator#render}); offline. */
    @Override
    public Rendering render(InferenceEndpoint endpoint) {
        requireValid(endpoint);
        VertexDesiredState s = translator(false).translate(BackendOverrides.apply(endpoint, id()));
        return new Rendering(id(), "json", VertexTranslator.render(s), s.notes());
    }

    /** Reads only: {@code GetEndpoint}, and {@code GetModel} when the model is not deployed yet. */
    @Override
    public Plan plan(InferenceEndpoint endpoint) {
        requireValid(endpoint);
        VertexDesiredState desired = translator(true).translate(BackendOverrides.apply(endpoint, id()));
        try {
            Optional<Endpoint> live = readEndpoint(desired.endpointName());
            return new Plan(endpoint.name(), id(), steps(endpoint, desired, live).stream().map(Step::change).toList(), desired.notes());
        } catch (StepFailure f) {
            throw f.failure;
        }
    }

    /**
     * Brings the endpoint to {@code endpoint}'s spec (see the class comment for rounds, re-runs and concurrency). Calls on
     * a fresh project: GetEndpoint, GetModel, UploadModel, CreateEndpoint, DeployModel, one GetOperation poll or more per
     * operation, and the closing GetEndpoint; on an unchanged endpoint: one GetEndpoint and nothing else.
     *
     * @throws BackendException with {@link BackendException#step()} when a remote call failed; re-running is then safe
     */
    @Override
    public ApplyResult apply(InferenceEndpoint endpoint) {
        requireValid(endpoint);
        VertexDesiredState desired = translator(true).translate(BackendOverrides.apply(endpoint, id()));
        String name = endpoint.name();
        String endpointName = desired.endpointName();
        List<Change> done = new ArrayList<>();
        Rounds rounds = new Rounds();
        boolean wrote = false;
        Optional<Endpoint> plannedFrom = Optional.empty();
        while (true) {
            try {
                rounds.awaitPending();
                Optional<Endpoint> live = readEndpoint(endpointName);
                plannedFrom = live;
                List<Step> steps = steps(endpoint, desired, live);
                if (steps.isEmpty()) {
                    Plan plan = new Plan(name, id(), List.copyOf(done), desired.notes());
                    return new ApplyResult(plan, status(name, live.orElseThrow(), Operations.NONE));
                }
                if (wrote) {
                    // every step succeeded, yet the state differs: a concurrent apply wrote in between; apply again after a pause
                    wrote = false;
                    if (!rounds.conflictRoundLeft()) {
                        throw new StepFailure("GetEndpoint " + endpointName, new BackendException(id(), BackendException.Reason.CONFLICT,
                                "endpoint '" + name + "' was changed by another apply while this one ran (" + steps.get(0).change().kind()
                                + " " + steps.get(0).change().action() + " still needed)"), Outcome.DEFINITE);
                    }
                    rounds.backOff();
                    continue;
                }
                if (live.isPresent() && !running(endpointName).isEmpty()) {
                    // someone else's operation (another process, or one a failed run left): wait, then plan again
                    if (!rounds.conflictRoundLeft()) {
                        throw new StepFailure("ListOperations " + endpointName, new BackendException(id(), BackendException.Reason.CONFLICT,
                                "endpoint '" + name + "' keeps having operations in progress"), Outcome.DEFINITE);
                    }
                    rounds.waitFor(endpointName);
                    continue;
                }
                for (Step s : steps) {
                    s.run().run();
                    done.add(s.change());
                }
                wrote = true;
            } catch (StepFailure failure) {
                rounds.failed("apply", name, staleRequest(failure, endpointName, plannedFrom) ? failure.as(Outcome.CONFLICT) : failure);
            }
        }
    }

    @Override
    public Optional<EndpointStatus> get(String name) {
        EndpointValidator.requireValidName(name);
        String endpointId = VertexNames.endpointId(name);
        if (endpointId == null) {
            return Optional.empty();
        }
        String endpointName = translator(true).parent() + "/endpoints/" + endpointId;
        try {
            return readEndpoint(endpointName).map(e -> status(name, e, operations(e.getName())));
        } catch (StepFailure f) {
            throw f.failure;
        }
    }

    @Override
    public EndpointStatus status(String name) {
        EndpointValidator.requireValidName(name);
        return Backend.super.status(name);
    }

    @Override
    public List<EndpointStatus> list() {
        String parent = translator(true).parent();
        ListEndpointsRequest req = ListEndpointsRequest.newBuilder().setParent(parent)
                .setFilter("labels." + VertexTranslator.MANAGED_BY_LABEL + "=\"" + VertexTranslator.MANAGED_BY_VALUE + "\"").build();
        List<EndpointStatus> out = new ArrayList<>();
        try {
            call("ListEndpoints " + parent, null, () -> {
                for (Endpoint e : clients().endpoints().listEndpoints(req).iterateAll()) {
                    String name = e.getLabelsMap().get(VertexTranslator.ENDPOINT_LABEL);
                    if (VertexTranslator.MANAGED_BY_VALUE.equals(e.getLabelsMap().get(VertexTranslator.MANAGED_BY_LABEL)) && name != null) {
                        out.add(status(name, e, operations(e.getName())));
                    }
                }
                return null;
            });
        } catch (StepFailure f) {
            throw f.failure;
        }
        out.sort(Comparator.comparing(EndpointStatus::name));
        return out;
    }

    @Override
    public EndpointStatus awaitReady(String name, Duration timeout) {
        EndpointValidator.requireValidName(name);
        Instant deadline = Instant.now().plus(timeout);
        long sleep = Math.min(settings.pollInterval().toMillis(), Math.max(10, timeout.toMillis() / 10));
        while (true) {
            EndpointStatus s = get(name).orElseThrow(() -> BackendException.notFound(id(), name));
            if (s.isReady()) {
                return s;
            }
            if (s.state() == EndpointState.FAILED) {
                throw new BackendException(id(), BackendException.Reason.FAILED, "endpoint '" + name + "' failed: "
                        + s.message().orElse("no model is deployed"));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new BackendException(id(), BackendException.Reason.TIMEOUT, "endpoint '" + name + "' not ready after " + timeout
                        + " (state " + s.state() + ", replicas " + s.replicasDisplay() + ")");
            }
            sleep(sleep, "awaitReady " + name);
        }
    }

    /**
     * Undeploys every deployed model (least traffic first), deletes the endpoint, then every model InferScale uploaded
     * for it (labels {@code managed_by=inferscale, inferscale_endpoint=<name>}); never a model it did not upload. Calls for
     * an endpoint with one deployed model: GetEndpoint, UndeployModel, DeleteEndpoint, ListModels, DeleteModel, and the
     * GetOperation polls of the four operations (Vertex refuses to delete an endpoint that still has deployed models).
     *
     * @return false when nothing existed
     * @throws BackendException with {@link BackendException#step()} when a remote call failed; re-running is then safe
     */
    @Override
    public boolean delete(String name) {
        EndpointValidator.requireValidName(name);
        String endpointId = VertexNames.endpointId(name);
        if (endpointId == null) {
            return false;
        }
        String parent = translator(true).parent();
        String endpointName = parent + "/endpoints/" + endpointId;
        boolean deleted = false;
        Rounds rounds = new Rounds();
        while (true) {
            try {
                rounds.awaitPending();
                Optional<Endpoint> live = readEndpoint(endpointName);
                if (live.isPresent()) {
                    List<DeployedModel> deployed = new ArrayList<>(live.get().getDeployedModelsList());
                    Map<String, Integer> traffic = new TreeMap<>(live.get().getTrafficSplitMap());
                    deployed.sort(Comparator.comparing(d -> traffic.getOrDefault(d.getId(), 0)));
                    for (DeployedModel d : deployed) {
                        traffic.remove(d.getId());
                        undeploy(endpointName, d.getId(), rebalance(traffic));
                    }
                    gone(() -> runOperation("DeleteEndpoint", endpointName, () -> clients().endpoints().deleteEndpointCallable().call(
                            com.google.cloud.aiplatform.v1.DeleteEndpointRequest.newBuilder().setName(endpointName).build())));
                    deleted = true;
                }
                for (Model m : uploadedModels(parent, name)) {
                    gone(() -> runOperation("DeleteModel", m.getName(), () -> clients().models().deleteModelCallable().call(
                            com.google.cloud.aiplatform.v1.DeleteModelRequest.newBuilder().setName(m.getName()).build())));
                    deleted = true;
                }
                return deleted;
            } catch (StepFailure f) {
                rounds.failed("delete", name, f);
            }
        }
    }

    /**
     * True when a write was refused as invalid (e.g. a traffic split naming a deployed model that is gone) and the
     * endpoint's deployed models or traffic split are no longer those the step was planned from: a concurrent change made
     * the request stale, so planning again is the answer (one extra GetEndpoint, only on such a failure).
     */
    private boolean staleRequest(StepFailure f, String endpointName, Optional<Endpoint> plannedFrom) {
        if (f.outcome != Outcome.DEFINITE || f.resource == null || f.failure.reason() != BackendException.Reason.INVALID_REQUEST) {
            return false;
        }
        try {
            Optional<Endpoint> now = readEndpoint(endpointName);
            return !shape(now).equals(shape(plannedFrom));
        } catch (StepFailure ignored) {
            return false;
        }
    }

    private static String shape(Optional<Endpoint> e) {
        return e.map(x -> x.getDeployedModelsList().stream().map(DeployedModel::getId).sorted().toList() + " "
                + new TreeMap<>(x.getTrafficSplitMap())).orElse("(none)");
    }

    /** The failure to report when the rounds run out: after conflicts it is a CONFLICT whatever the last code was. */
    /**
     * The retry budget of one apply or delete: rounds after conflicts (at most {@link #MAX_CONFLICT_ROUNDS}, with a
     * back-off) and after unknown outcomes (at most {@code vertex.maxAttempts} in all), and the resources whose
     * operations the next round waits for.
     */
    private final class Rounds {
        private final Set<String> waitFor = new LinkedHashSet<>();
        private int unknown;
        private int conflicts;

        /** Waits for the operations running on the resources a failed round left, before reading again. */
        void awaitPending() {
            for (String resource : waitFor) {
                waitForOperations(resource);
            }
            waitFor.clear();
        }

        void waitFor(String resource) {
            waitFor.add(resource);
        }

        /** Counts a conflict round; false when the budget is spent. */
        boolean conflictRoundLeft() {
            return ++conflicts <= MAX_CONFLICT_ROUNDS;
        }

        void backOff() {
            VertexBackend.this.backOff(conflicts);
        }

        /** Sets up the next round after {@code f}, or throws the step-naming failure when no round is left. */
        void failed(String operation, String name, StepFailure f) {
            boolean again = switch (f.outcome) {
                case CONFLICT -> conflictRoundLeft();
                case UNKNOWN -> ++unknown < settings.maxAttempts();
                case DEFINITE -> false;
            };
            if (!again) {
                if (f.outcome != Outcome.DEFINITE && f.resource != null) {
                    quietlyWaitForOperations(f.resource);
                }
                throw BackendException.atStep(operation, name, f.step, giveUp(f));
            }
            if (f.resource != null) {
                waitFor.add(f.resource);
            }
            if (f.outcome == Outcome.CONFLICT) {
                backOff();
            }
        }
    }

    private BackendException giveUp(StepFailure f) {
        if (f.outcome != Outcome.CONFLICT || f.failure.reason() == BackendException.Reason.CONFLICT) {
            return f.failure;
        }
        String detail = f.failure.getMessage().startsWith(id() + ": ") ? f.failure.getMessage().substring(id().length() + 2) : f.failure.getMessage();
        return new BackendException(id(), BackendException.Reason.CONFLICT, "concurrent changes to the endpoint outlasted "
                + MAX_CONFLICT_ROUNDS + " rounds; the last: " + detail, f.failure);
    }

    /** Runs a delete-like call; NOT_FOUND means someone (a concurrent delete, an earlier run) already did it. */
    private static void gone(Runnable call) {
        try {
            call.run();
        } catch (StepFailure f) {
            if (f.failure.reason() != BackendException.Reason.NOT_FOUND) {
                throw f;
            }
        }
    }

    /** Releases the shared clients (channel, executor); the instance must not be used afterwards. */
    @Override
    public void close() {
        VertexClients c = clients;
        if (c != null) {
            c.close();
        }
    }

    // ---------------------------------------------------------------- planning

    /**
     * One step of a plan: what it changes, the RPC it sends, the resource whose operations it starts, and how.
     */
    record Step(Change change, String call, String resource, Runnable run) {
    }

    private List<Step> steps(InferenceEndpoint e, VertexDesiredState d, Optional<Endpoint> live) {
        List<Step> steps = new ArrayList<>();
        String endpointName = d.endpointName();
        String wantedModelId = modelId(d.modelName());
        List<DeployedModel> deployed = live.map(Endpoint::getDeployedModelsList).orElse(List.of());
        Map<String, Integer> traffic = live.map(Endpoint::getTrafficSplitMap).orElse(Map.of());
        Optional<DeployedModel> current = deployed.stream()
                .filter(dm -> modelId(dm.getModel()).equals(wantedModelId) && sameMachine(dm, d.deployedModel()))
                .max(Comparator.comparing(dm -> traffic.getOrDefault(dm.getId(), 0)));

        if (current.isEmpty() && d.uploadsModel() && readModel(d.modelName()).isEmpty()) {
            steps.add(new Step(new Change(Change.Action.CREATE, KIND_MODEL, d.modelName(), List.of(
                    new FieldChange("containerSpec.imageUri", null, d.modelToUpload().get().getContainerSpec().getImageUri())),
                    "UploadModel"), "UploadModel", d.modelName(), () -> upload(d)));
        } else if (!d.uploadsModel() && current.isEmpty() && readModel(d.modelName()).isEmpty()) {
            throw new BackendException(id(), BackendException.Reason.NOT_FOUND, "model " + d.modelName()
                    + " (spec.backends.vertex.model) does not exist");
        }
        if (live.isEmpty()) {
            steps.add(new Step(new Change(Change.Action.CREATE, KIND_ENDPOINT, endpointName, List.of(), "CreateEndpoint"),
                    "CreateEndpoint", endpointName,
                    () -> runOperation("CreateEndpoint", endpointName, () -> clients().endpoints().createEndpointCallable().call(d.createEndpointRequest()))));
        } else {
            endpointUpdate(live.get(), d).ifPresent(steps::add);
        }
        if (current.isPresent()) {
            DeployedModel cur = current.get();
            mutation(endpointName, cur, d.deployedModel()).ifPresent(steps::add);
            if (traffic.getOrDefault(cur.getId(), 0) != 100 || traffic.size() != 1) {
                steps.add(new Step(new Change(Change.Action.UPDATE, KIND_ENDPOINT, endpointName,
                        List.of(new FieldChange("trafficSplit", traffic.toString(), "{" + cur.getId() + "=100}")),
                        "send all traffic to the deployed model that matches the spec"), "UpdateEndpoint", endpointName,
                        () -> updateEndpoint(Endpoint.newBuilder().setName(endpointName).putTrafficSplit(cur.getId(), 100).build(),
                                "traffic_split")));
            }
        } else {
            String reason = deployed.isEmpty() ? "DeployModel with 100% of the traffic"
                    : replaceReason(deployed, traffic, d) + ": deploy the new model with 100% of the traffic, then undeploy the old";
            Change.Action action = deployed.isEmpty() ? Change.Action.CREATE : Change.Action.REPLACE;
            steps.add(new Step(new Change(action, KIND_DEPLOYED_MODEL, endpointName + "/deployedModels/(new)", deployedFields(deployed, traffic, d),
                    reason), "DeployModel", endpointName,
                    () -> runOperation("DeployModel", endpointName, () -> clients().endpoints().deployModelCallable().call(d.deployModelRequest()))));
        }
        for (DeployedModel old : deployed) {
            if (current.isPresent() && current.get().getId().equals(old.getId())) {
                continue;
            }
            steps.add(new Step(new Change(Change.Action.DELETE, KIND_DEPLOYED_MODEL, endpointName + "/deployedModels/" + old.getId(),
                    List.of(), "undeploy " + old.getDisplayName() + " once the traffic has moved"), "UndeployModel", endpointName,
                    () -> gone(() -> undeploy(endpointName, old.getId(), Map.of()))));
            String oldModel = old.getModel();
            if (!modelId(oldModel).equals(wantedModelId)) {
                readModel(oldModel).filter(m -> uploadedBy(m, e.name())).ifPresent(m -> steps.add(new Step(
                        new Change(Change.Action.DELETE, KIND_MODEL, m.getName(), List.of(), "model InferScale uploaded for the old deployment"),
                        "DeleteModel", m.getName(),
                        () -> gone(() -> runOperation("DeleteModel", m.getName(), () -> clients().models().deleteModelCallable().call(
                                com.google.cloud.aiplatform.v1.DeleteModelRequest.newBuilder().setName(m.getName()).build()))))));
            }
        }
        return steps;
    }

    /**
     * UploadModel; Vertex may echo rejected values, so the environment's values (possible secrets) are hidden in errors.
     * ALREADY_EXISTS (the model id is a hash of the content, so an equal model) is a conflict: the next round waits for
     * the upload in progress and finds the model.
     */
    private void upload(VertexDesiredState d) {
        try {
            runOperation("UploadModel", d.modelName(), () -> clients().models().uploadModelCallable().call(d.uploadModelRequest().orElseThrow()));
        } catch (StepFailure f) {
            throw new StepFailure(f.step, VertexErrors.hide(f.failure, d.modelToUpload().orElseThrow().getContainerSpec().getEnvList().stream()
                    .map(com.google.cloud.aiplatform.v1.EnvVar::getValue).toList()), f.outcome, f.resource);
        }
    }

    private Optional<Step> endpointUpdate(Endpoint live, VertexDesiredState d) {
        List<FieldChange> fields = new ArrayList<>();
        List<String> mask = new ArrayList<>();
        if (!live.getDisplayName().equals(d.endpoint().getDisplayName())) {
            fields.add(new FieldChange("displayName", live.getDisplayName(), d.endpoint().getDisplayName()));
            mask.add("display_name");
        }
        if (!live.getLabelsMap().equals(d.endpoint().getLabelsMap())) {
            fields.add(new FieldChange("labels", new TreeMap<>(live.getLabelsMap()).toString(), new TreeMap<>(d.endpoint().getLabelsMap()).toString()));
            mask.add("labels");
        }
        if (mask.isEmpty()) {
            return Optional.empty();
        }
        Endpoint patch = d.endpoint().toBuilder().setName(d.endpointName()).build();
        return Optional.of(new Step(Change.update(KIND_ENDPOINT, d.endpointName(), fields), "UpdateEndpoint", d.endpointName(),
                () -> updateEndpoint(patch, mask.toArray(String[]::new))));
    }

    private Optional<Step> mutation(String endpointName, DeployedModel live, DeployedModel want) {
        DedicatedResources l = live.getDedicatedResources();
        DedicatedResources w = want.getDedicatedResources();
        List<FieldChange> fields = new ArrayList<>();
        FieldMask.Builder mask = FieldMask.newBuilder();
        if (l.getMinReplicaCount() != w.getMinReplicaCount()) {
            fields.add(new FieldChange(MASK_MIN, String.valueOf(l.getMinReplicaCount()), String.valueOf(w.getMinReplicaCount())));
            mask.addPaths(MASK_MIN);
        }
        if (effectiveMax(l) != w.getMaxReplicaCount()) {
            fields.add(new FieldChange(MASK_MAX, String.valueOf(effectiveMax(l)), String.valueOf(w.getMaxReplicaCount())));
            mask.addPaths(MASK_MAX);
        }
        if (!metrics(l).equals(metrics(w))) {
            fields.add(new FieldChange(MASK_METRICS, metrics(l).toString(), metrics(w).toString()));
            mask.addPaths(MASK_METRICS);
        }
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        MutateDeployedModelRequest req = MutateDeployedModelRequest.newBuilder().setEndpoint(endpointName)
                .setDeployedModel(DeployedModel.newBuilder().setId(live.getId()).setModel(live.getModel()).setDedicatedResources(w))
                .setUpdateMask(mask).build();
        return Optional.of(new Step(new Change(Change.Action.UPDATE, KIND_DEPLOYED_MODEL, endpointName + "/deployedModels/" + live.getId(),
                fields, "MutateDeployedModel in place, update mask " + String.join(",", mask.getPathsList())),
                "MutateDeployedModel", endpointName,
                () -> runOperation("MutateDeployedModel", endpointName, () -> clients().endpoints().mutateDeployedModelCallable().call(req))));
    }

    private static int effectiveMax(DedicatedResources r) {
        return r.getMaxReplicaCount() == 0 ? r.getMinReplicaCount() : r.getMaxReplicaCount();
    }

    private static Map<String, Integer> metrics(DedicatedResources r) {
        return r.getAutoscalingMetricSpecsList().stream()
                .collect(Collectors.toMap(AutoscalingMetricSpec::getMetricName, AutoscalingMetricSpec::getTarget, (a, b) -> b, TreeMap::new));
    }

    private static boolean sameMachine(DeployedModel a, DeployedModel b) {
        MachineSpec x = a.getDedicatedResources().getMachineSpec();
        MachineSpec y = b.getDedicatedResources().getMachineSpec();
        return x.getMachineType().equals(y.getMachineType()) && x.getAcceleratorType() == y.getAcceleratorType()
                && x.getAcceleratorCount() == y.getAcceleratorCount();
    }

    private String replaceReason(List<DeployedModel> deployed, Map<String, Integer> traffic, VertexDesiredState d) {
        DeployedModel main = deployed.stream().max(Comparator.comparing(dm -> traffic.getOrDefault(dm.getId(), 0))).orElseThrow();
        List<String> why = new ArrayList<>();
        if (!modelId(main.getModel()).equals(modelId(d.modelName()))) {
            why.add("model changed");
        }
        if (!sameMachine(main, d.deployedModel())) {
            why.add("machine type and accelerators are immutable");
        }
        return why.isEmpty() ? "the deployed model differs" : String.join("; ", why);
    }

    private static List<FieldChange> deployedFields(List<DeployedModel> deployed, Map<String, Integer> traffic, VertexDesiredState d) {
        MachineSpec w = d.deployedModel().getDedicatedResources().getMachineSpec();
        Optional<DeployedModel> main = deployed.stream().max(Comparator.comparing(dm -> traffic.getOrDefault(dm.getId(), 0)));
        MachineSpec l = main.map(m -> m.getDedicatedResources().getMachineSpec()).orElse(null);
        List<FieldChange> f = new ArrayList<>();
        f.add(new FieldChange("model", main.map(DeployedModel::getModel).orElse(null), d.modelName()));
        f.add(new FieldChange("dedicatedResources.machineSpec", l == null ? null : machine(l), machine(w)));
        return f;
    }

    private static String machine(MachineSpec m) {
        return m.getMachineType() + (m.getAcceleratorCount() > 0 ? " + " + m.getAcceleratorCount() + "x " + m.getAcceleratorType().name() : "");
    }

    /** The model id of a model resource name: the segment after "/models/", without "@version". */
    static String modelId(String modelName) {
        int i = modelName.lastIndexOf("/models/");
        String id = i < 0 ? modelName : modelName.substring(i + "/models/".length());
        int at = id.indexOf('@');
        return at < 0 ? id : id.substring(0, at);
    }

    private static boolean uploadedBy(Model m, String endpoint) {
        return VertexTranslator.MANAGED_BY_VALUE.equals(m.getLabelsMap().get(VertexTranslator.MANAGED_BY_LABEL))
                && endpoint.equals(m.getLabelsMap().get(VertexTranslator.ENDPOINT_LABEL));
    }

    private List<Model> uploadedModels(String parent, String endpoint) {
        ListModelsRequest req = ListModelsRequest.newBuilder().setParent(parent)
                .setFilter("labels." + VertexTranslator.ENDPOINT_LABEL + "=\"" + endpoint + "\"").build();
        List<Model> out = new ArrayList<>();
        call("ListModels " + parent, null, () -> {
            for (Model m : clients().models().listModels(req).iterateAll()) {
                if (uploadedBy(m, endpoint)) {
                    out.add(m);
                }
            }
            return null;
        });
        return out;
    }

    // ---------------------------------------------------------------- status

    private EndpointStatus status(String name, Endpoint e, Operations ops) {
        Map<String, Integer> traffic = e.getTrafficSplitMap();
        List<DeployedModel> deployed = e.getDeployedModelsList();
        Optional<DeployedModel> main = deployed.stream().max(Comparator.comparing(dm -> traffic.getOrDefault(dm.getId(), 0)));
        List<Operation> running = ops.running();
        Operation lastFailed = ops.lastFailed();
        EndpointStatus.Builder b = EndpointStatus.builder(name, id()).detail("endpoint", e.getName());
        if (e.hasCreateTime()) {
            b.createdAt(Instant.ofEpochSecond(e.getCreateTime().getSeconds(), e.getCreateTime().getNanos()));
        }
        b.detail("trafficSplit", new TreeMap<>(traffic).toString());
        b.detail("deployedModels", deployed.stream().map(dm -> dm.getId() + "=" + dm.getDisplayName()).collect(Collectors.joining(",")));
        if (!running.isEmpty()) {
            b.detail("operation", running.stream().map(Operation::getName).collect(Collectors.joining(",")));
        }
        if (main.isEmpty()) {
            if (!running.isEmpty()) {
                return b.state(EndpointState.CREATING).message("operation in progress: " + running.get(0).getName()).build();
            }
            if (lastFailed != null) {
                return b.state(EndpointState.FAILED).message(lastFailed.getError().getMessage()).build();
            }
            return b.state(EndpointState.DEGRADED).message("no model is deployed").build();
        }
        DeployedModel dm = main.get();
        DedicatedResources r = dm.getDedicatedResources();
        int available = dm.getStatus().getAvailableReplicaCount();
        int min = r.getMinReplicaCount();
        b.model(dm.getDisplayName()).replicaRange(min, effectiveMax(r)).replicas(available, Math.max(available, min))
                .detail("deployedModelId", dm.getId()).detail("model", dm.getModel())
                .detail("machineType", machine(r.getMachineSpec()));
        for (AutoscalingMetricSpec m : r.getAutoscalingMetricSpecsList()) {
            String shortName = m.getMetricName().replace("aiplatform.googleapis.com/prediction/online/", "");
            b.metric(new MetricStatus(shortName, null, m.getMetricName().equals(VertexTranslator.REQUEST_COUNT_METRIC)
                    ? m.getTarget() + "/min" : m.getTarget() + "%"));
        }
        if (!dm.getStatus().getMessage().isEmpty()) {
            b.message(dm.getStatus().getMessage());
        }
        boolean serving = traffic.getOrDefault(dm.getId(), 0) > 0 && available >= Math.max(1, min);
        if (!running.isEmpty()) {
            b.state(serving ? EndpointState.UPDATING : EndpointState.CREATING);
        } else {
            b.state(serving ? EndpointState.READY : EndpointState.DEGRADED);
        }
        return b.build();
    }

    /** Operations on one endpoint: those still running and the last that failed (null when none). */
    record Operations(List<Operation> running, Operation lastFailed) {
        static final Operations NONE = new Operations(List.of(), null);
    }

    /** Best effort: listing operations needs an extra permission, and status must work without it. */
    private Operations operations(String endpointName) {
        List<Operation> running = new ArrayList<>();
        Operation lastFailed = null;
        try {
            for (Operation op : listOperations(endpointName)) {
                if (!op.getDone()) {
                    running.add(op);
                } else if (op.hasError()) {
                    lastFailed = op;
                }
            }
        } catch (ApiException ignored) {
            // status still reports the endpoint itself
        }
        return new Operations(running, lastFailed);
    }

    private List<Operation> listOperations(String resource) {
        return clients().endpoints().getOperationsClient().listOperationsCallable().call(ListOperationsRequest.newBuilder()
                .setName(resource).setPageSize(50).build(), clients().readContext()).getOperationsList();
    }

    // ---------------------------------------------------------------- calls

    /** What a failed call says about the state it left. */
    enum Outcome {
        /** A concurrent change refused it (ALREADY_EXISTS, ABORTED, FAILED_PRECONDITION, NOT_FOUND on a write): plan again. */
        CONFLICT,
        /** It may or may not have taken effect (UNAVAILABLE, DEADLINE_EXCEEDED, lost polls): read, then plan again. */
        UNKNOWN,
        /** It did not take effect and trying again now would not help. */
        DEFINITE
    }

    /** A remote call failed: which, how, and whose operations to wait for before planning again (null: none). */
    static final class StepFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String step;
        final transient BackendException failure;
        final Outcome outcome;
        final String resource;

        StepFailure(String step, BackendException failure, Outcome outcome) {
            this(step, failure, outcome, null);
        }

        StepFailure(String step, BackendException failure, Outcome outcome, String resource) {
            super(failure.getMessage(), failure, false, false);
            this.step = step;
            this.failure = failure;
            this.outcome = outcome;
            this.resource = resource;
        }

        StepFailure as(Outcome other) {
            return new StepFailure(step, failure, other, resource);
        }
    }

    private VertexTranslator translator(boolean online) {
        String project = online ? settings.requireProject() : settings.project().orElse(VertexTranslator.PLACEHOLDER_PROJECT);
        return new VertexTranslator(project, settings.location());
    }

    /** The one set of clients of this backend, built on first use (double-checked; {@link #clients} is volatile). */
    private VertexClients clients() {
        VertexClients c = clients;
        if (c == null) {
            synchronized (this) {
                c = clients;
                if (c == null) {
                    settings.requireProject();
                    try {
                        c = new VertexClients(settings);
                    } catch (java.io.UncheckedIOException e) {
                        throw new BackendException(id(), BackendException.Reason.CONFIGURATION, "cannot create Vertex AI clients "
                                + "(Google application default credentials: run `gcloud auth application-default login` or set "
                                + "GOOGLE_APPLICATION_CREDENTIALS, or set vertex.credentialsFile): "
                                + e.getCause().getClass().getSimpleName(), e.getCause());
                    }
                    clients = c;
                }
            }
        }
        return c;
    }

    private Optional<Endpoint> readEndpoint(String endpointName) {
        return find("GetEndpoint " + endpointName, () -> clients().endpoints().getEndpoint(endpointName));
    }

    private Optional<Model> readModel(String modelName) {
        return find("GetModel " + modelName, () -> clients().models().getModel(modelName));
    }

    /** The result of a read, or empty when Vertex answers NOT_FOUND. */
    private <T> Optional<T> find(String action, Supplier<T> read) {
        try {
            return Optional.of(call(action, null, read));
        } catch (StepFailure f) {
            if (f.failure.reason() == BackendException.Reason.NOT_FOUND) {
                return Optional.empty();
            }
            throw f;
        }
    }

    private void updateEndpoint(Endpoint patch, String... mask) {
        UpdateEndpointRequest req = UpdateEndpointRequest.newBuilder().setEndpoint(patch)
                .setUpdateMask(FieldMask.newBuilder().addAllPaths(List.of(mask))).build();
        mutatingCalls.incrementAndGet();
        call("UpdateEndpoint " + patch.getName(), patch.getName(), () -> clients().endpoints().updateEndpoint(req));
    }

    private void undeploy(String endpointName, String deployedModelId, Map<String, Integer> trafficSplit) {
        UndeployModelRequest req = UndeployModelRequest.newBuilder().setEndpoint(endpointName).setDeployedModelId(deployedModelId)
                .putAllTrafficSplit(trafficSplit).build();
        runOperation("UndeployModel", endpointName, () -> clients().endpoints().undeployModelCallable().call(req));
    }

    /** The remaining traffic, all of it on the remaining model with the most (empty when none remain). */
    private static Map<String, Integer> rebalance(Map<String, Integer> remaining) {
        if (remaining.isEmpty() || remaining.values().stream().mapToInt(Integer::intValue).sum() == 100) {
            return Map.copyOf(remaining);
        }
        String top = remaining.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        Map<String, Integer> out = new TreeMap<>();
        remaining.keySet().forEach(k -> out.put(k, k.equals(top) ? 100 : 0));
        return out;
    }

    /**
     * One unary call. {@code writeResource} is null for reads (GAX has retried them; a failure is final) and names the
     * resource a write acts on (its failure is a conflict, an unknown outcome, or final; see {@link Outcome}).
     */
    private <T> T call(String action, String writeResource, Supplier<T> call) {
        try {
            return call.get();
        } catch (StepFailure | io.inferscale.api.InferScaleException e) {
            throw e; // already ours: a configuration error (clients), a missing existing model...
        } catch (RuntimeException e) {
            BackendException failure = VertexErrors.hide(VertexErrors.map(action, e), settings.secrets());
            boolean create = action.startsWith("CreateEndpoint ") || action.startsWith("UploadModel ");
            Outcome outcome = writeResource == null ? Outcome.DEFINITE : switch (failure.reason()) {
                case CONFLICT -> Outcome.CONFLICT;
                // NOT_FOUND: a create's parent (project, location) is missing, which waiting does not fix; any other write's
                // target (endpoint, deployed model, model) was removed by a concurrent change
                case NOT_FOUND -> create ? Outcome.DEFINITE : Outcome.CONFLICT;
                case UNAVAILABLE, TIMEOUT -> Outcome.UNKNOWN;
                case FAILED -> unknownStatus(e) ? Outcome.UNKNOWN : Outcome.DEFINITE;
                default -> Outcome.DEFINITE;
            };
            throw new StepFailure(action, failure, outcome, writeResource);
        }
    }

    /** INTERNAL, UNKNOWN and CANCELLED leave a write's outcome unknown too. */
    private static boolean unknownStatus(Throwable e) {
        return e instanceof ApiException api && Set.of("INTERNAL", "UNKNOWN", "CANCELLED").contains(api.getStatusCode().getCode().name());
    }

    /**
     * Starts a long-running operation on {@code resource} with {@code method} and polls it with {@code GetOperation}
     * until it is done: first after {@code vertex.pollInterval}, then 1.5 times longer each time, at most a minute apart,
     * for at most {@code vertex.operationTimeout}. GAX retries a poll on UNAVAILABLE and DEADLINE_EXCEEDED; a poll failing
     * otherwise (RESOURCE_EXHAUSTED, ABORTED, INTERNAL...) is tolerated {@code vertex.maxAttempts - 1} times in a row. When
     * polling gives up the outcome is unknown (the operation goes on in Vertex), and the caller's next round waits for it.
     */
    private Operation runOperation(String method, String resource, Supplier<Operation> start) {
        String action = method + " " + resource;
        mutatingCalls.incrementAndGet();
        Operation op = call(action, resource, start);
        long deadline = System.nanoTime() + settings.operationTimeout().toNanos();
        long delay = settings.pollInterval().toMillis();
        long maxDelay = Math.max(delay, 60_000);
        int failedPolls = 0;
        while (!op.getDone()) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new StepFailure(action, new BackendException(id(), BackendException.Reason.TIMEOUT, action
                        + " did not finish within vertex.operationTimeout (" + settings.operationTimeout() + ") (operation "
                        + op.getName() + "); it goes on in Vertex AI"), Outcome.DEFINITE, resource);
            }
            sleep(Math.min(delay, left), action);
            delay = Math.min(maxDelay, Math.round(delay * 1.5));
            try {
                op = clients().endpoints().getOperationsClient().getOperationCallable()
                        .call(GetOperationRequest.newBuilder().setName(op.getName()).build(), clients().readContext());
                failedPolls = 0;
            } catch (ApiException e) {
                if (++failedPolls >= settings.maxAttempts() || !transientPollFailure(e)) {
                    BackendException failure = VertexErrors.hide(VertexErrors.map("GetOperation " + op.getName() + " (waiting for "
                            + method + "; the operation goes on in Vertex AI)", e), settings.secrets());
                    throw new StepFailure(action, failure, Outcome.UNKNOWN, resource);
                }
            }
        }
        if (op.hasError()) {
            String code = io.grpc.Status.fromCodeValue(op.getError().getCode()).getCode().name();
            BackendException failure = new BackendException(id(), VertexErrors.reason(code, op.getError().getMessage()), action + " failed: operation "
                    + op.getName() + " ended with " + code + ": " + op.getError().getMessage());
            Outcome outcome = switch (failure.reason()) {
                case CONFLICT -> Outcome.CONFLICT;
                case UNAVAILABLE, TIMEOUT -> Outcome.UNKNOWN;
                default -> Outcome.DEFINITE;
            };
            throw new StepFailure(action, VertexErrors.hide(failure, settings.secrets()), outcome, resource);
        }
        return op;
    }

    /** Poll failures worth another poll: those GAX does not retry itself (it has already retried UNAVAILABLE and DEADLINE_EXCEEDED). */
    private static boolean transientPollFailure(ApiException e) {
        return Set.of("RESOURCE_EXHAUSTED", "ABORTED", "INTERNAL", "UNKNOWN", "CANCELLED").contains(e.getStatusCode().getCode().name());
    }

    /** The operations still running on {@code resource} (one ListOperations). */
    private List<Operation> running(String resource) {
        return call("ListOperations " + resource, null, () -> listOperations(resource)).stream().filter(op -> !op.getDone()).toList();
    }

    /** Waits (ListOperations, on the poll schedule) until no operation runs on {@code resource}, for at most vertex.operationTimeout. */
    private void waitForOperations(String resource) {
        long deadline = System.nanoTime() + settings.operationTimeout().toNanos();
        long delay = settings.pollInterval().toMillis();
        while (!running(resource).isEmpty()) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new StepFailure("ListOperations " + resource, new BackendException(id(), BackendException.Reason.TIMEOUT,
                        "operations on " + resource + " still run after vertex.operationTimeout (" + settings.operationTimeout() + ")"),
                        Outcome.DEFINITE);
            }
            sleep(Math.min(delay, left), "waiting for the operations on " + resource);
            delay = Math.min(Math.max(delay, 60_000), Math.round(delay * 1.5));
        }
    }

    /** Before giving up: let operations that may have started finish, so that what is left is visible to a re-run or delete. */
    private void quietlyWaitForOperations(String resource) {
        try {
            waitForOperations(resource);
        } catch (RuntimeException ignored) {
            // the failure being reported matters more; a re-run waits again
        }
    }

    /** A short random pause between conflicting rounds, so that racing processes fall out of step. */
    private void backOff(int round) {
        long base = Math.min(settings.pollInterval().toMillis() * Math.min(round, 8), 30_000);
        sleep(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1), "backing off");
    }

    private void sleep(long millis, String what) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw VertexErrors.map(what, e);
        }
    }

    /** Mutating calls this backend has sent (creates, updates, deploys, undeploys, mutates, deletes); for live tests. */
    long mutatingCalls() {
        return mutatingCalls.get();
    }

    /** Project, location and API endpoint; never credentials. */
    @Override
    public String toString() {
        return "VertexBackend{project=" + settings.project().orElse("(none)") + ", location=" + settings.location()
                + ", endpoint=" + settings.endpoint() + "}";
    }
}
