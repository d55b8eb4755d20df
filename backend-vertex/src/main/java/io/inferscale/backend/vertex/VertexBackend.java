package io.inferscale.backend.vertex;

import com.google.api.gax.longrunning.OperationFuture;
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
import com.google.longrunning.ListOperationsRequest;
import com.google.longrunning.Operation;
import com.google.protobuf.FieldMask;
import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.FieldChange;
import io.inferscale.api.backend.MetricStatus;
import io.inferscale.api.backend.Note;
import io.inferscale.api.backend.OptionKey;
import io.inferscale.api.backend.Plan;
import io.inferscale.api.backend.Rendering;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
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
 *   <li>Long-running operations are awaited through GAX {@code OperationFuture}s, polled as {@code vertex.pollInterval}
 *       says, for at most {@code vertex.operationTimeout}; their failures carry Vertex's message.</li>
 * </ul>
 * Thread-safe; clients are created on first use and released by {@link #close()}.
 */
public final class VertexBackend implements Backend {

    static final String KIND_MODEL = "Model";
    static final String KIND_ENDPOINT = "Endpoint";
    static final String KIND_DEPLOYED_MODEL = "DeployedModel";
    static final String MASK_MIN = "dedicated_resources.min_replica_count";
    static final String MASK_MAX = "dedicated_resources.max_replica_count";
    static final String MASK_METRICS = "dedicated_resources.autoscaling_metric_specs";

    private final VertexSettings settings;
    private volatile VertexClients clients;
    private final java.util.concurrent.atomic.AtomicLong mutatingCalls = new java.util.concurrent.atomic.AtomicLong();

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
        List<Problem> kept = base.problems().stream()
                .filter(p -> p.isError() || !VertexTranslator.matchesFixedPolicy(p.path(), endpoint)).toList();
        return ValidationReport.of(kept).and(translator(false).check(endpoint));
    }

    /** The requests for a fresh project as a JSON array (see {@link VertexTranslator#render}); offline. */
    @Override
    public Rendering render(InferenceEndpoint endpoint) {
        requireValid(endpoint);
        VertexDesiredState s = translator(false).translate(endpoint);
        return new Rendering(id(), "json", VertexTranslator.render(s), s.notes());
    }

    @Override
    public Plan plan(InferenceEndpoint endpoint) {
        requireValid(endpoint);
        VertexDesiredState desired = translator(true).translate(endpoint);
        return new Plan(endpoint.name(), id(), steps(endpoint, desired).stream().map(Step::change).toList(), desired.notes());
    }

    @Override
    public ApplyResult apply(InferenceEndpoint endpoint) {
        requireValid(endpoint);
        VertexDesiredState desired = translator(true).translate(endpoint);
        List<Step> steps = steps(endpoint, desired);
        if (!steps.isEmpty()) {
            List<Operation> running = operations(desired.endpointName()).running();
            if (!running.isEmpty()) {
                throw new BackendException(id(), BackendException.Reason.CONFLICT, "endpoint '" + endpoint.name()
                        + "' has an operation in progress (" + running.get(0).getName() + "); wait for it (awaitReady) and apply again");
            }
        }
        for (Step s : steps) {
            s.run().run();
        }
        Plan plan = new Plan(endpoint.name(), id(), steps.stream().map(Step::change).toList(), desired.notes());
        EndpointStatus status = get(endpoint.name()).orElseGet(() -> EndpointStatus.builder(endpoint.name(), id())
                .state(EndpointState.CREATING).build());
        return new ApplyResult(plan, status);
    }

    @Override
    public Optional<EndpointStatus> get(String name) {
        String endpointId = VertexNames.endpointId(name);
        if (endpointId == null) {
            return Optional.empty();
        }
        String endpointName = translator(true).parent() + "/endpoints/" + endpointId;
        return readEndpoint(endpointName).map(e -> status(name, e));
    }

    @Override
    public List<EndpointStatus> list() {
        String parent = translator(true).parent();
        ListEndpointsRequest req = ListEndpointsRequest.newBuilder().setParent(parent)
                .setFilter("labels." + VertexTranslator.MANAGED_BY_LABEL + "=\"" + VertexTranslator.MANAGED_BY_VALUE + "\"").build();
        List<EndpointStatus> out = new ArrayList<>();
        call("ListEndpoints " + parent, () -> {
            for (Endpoint e : clients().endpoints().listEndpoints(req).iterateAll()) {
                String name = e.getLabelsMap().get(VertexTranslator.ENDPOINT_LABEL);
                if (VertexTranslator.MANAGED_BY_VALUE.equals(e.getLabelsMap().get(VertexTranslator.MANAGED_BY_LABEL)) && name != null) {
                    out.add(status(name, e));
                }
            }
            return null;
        });
        out.sort(Comparator.comparing(EndpointStatus::name));
        return out;
    }

    @Override
    public EndpointStatus awaitReady(String name, Duration timeout) {
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
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                throw VertexErrors.map("awaitReady " + name, e);
            }
        }
    }

    @Override
    public boolean delete(String name) {
        String endpointId = VertexNames.endpointId(name);
        if (endpointId == null) {
            return false;
        }
        String parent = translator(true).parent();
        String endpointName = parent + "/endpoints/" + endpointId;
        boolean deleted = false;
        Optional<Endpoint> live = readEndpoint(endpointName);
        if (live.isPresent()) {
            List<DeployedModel> deployed = new ArrayList<>(live.get().getDeployedModelsList());
            Map<String, Integer> traffic = new TreeMap<>(live.get().getTrafficSplitMap());
            deployed.sort(Comparator.comparing(d -> traffic.getOrDefault(d.getId(), 0)));
            for (DeployedModel d : deployed) {
                traffic.remove(d.getId());
                undeploy(endpointName, d.getId(), rebalance(traffic));
            }
            await("DeleteEndpoint " + endpointName, () -> clients().endpoints().deleteEndpointAsync(endpointName));
            deleted = true;
        }
        for (Model m : uploadedModels(parent, name)) {
            try {
                await("DeleteModel " + m.getName(), () -> clients().models().deleteModelAsync(m.getName()));
                deleted = true;
            } catch (BackendException e) {
                if (e.reason() != BackendException.Reason.NOT_FOUND) {
                    throw e;
                }
            }
        }
        return deleted;
    }

    @Override
    public void close() {
        VertexClients c = clients;
        if (c != null) {
            c.close();
        }
    }

    // ---------------------------------------------------------------- planning

    /** One step of a plan: what it changes and how. */
    record Step(Change change, Runnable run) {
    }

    private List<Step> steps(InferenceEndpoint e, VertexDesiredState d) {
        List<Step> steps = new ArrayList<>();
        String endpointName = d.endpointName();
        Optional<Endpoint> live = readEndpoint(endpointName);
        String wantedModelId = modelId(d.modelName());
        List<DeployedModel> deployed = live.map(Endpoint::getDeployedModelsList).orElse(List.of());
        Map<String, Integer> traffic = live.map(Endpoint::getTrafficSplitMap).orElse(Map.of());
        Optional<DeployedModel> current = deployed.stream()
                .filter(dm -> modelId(dm.getModel()).equals(wantedModelId) && sameMachine(dm, d.deployedModel()))
                .max(Comparator.comparing(dm -> traffic.getOrDefault(dm.getId(), 0)));

        if (current.isEmpty() && d.uploadsModel() && readModel(d.modelName()).isEmpty()) {
            steps.add(new Step(new Change(Change.Action.CREATE, KIND_MODEL, d.modelName(), List.of(
                    new FieldChange("containerSpec.imageUri", null, d.modelToUpload().get().getContainerSpec().getImageUri())),
                    "UploadModel"), () -> upload(d)));
        } else if (!d.uploadsModel() && current.isEmpty() && readModel(d.modelName()).isEmpty()) {
            throw new BackendException(id(), BackendException.Reason.NOT_FOUND, "model " + d.modelName()
                    + " (spec.backends.vertex.model) does not exist");
        }
        if (live.isEmpty()) {
            steps.add(new Step(new Change(Change.Action.CREATE, KIND_ENDPOINT, endpointName, List.of(), "CreateEndpoint"),
                    () -> await("CreateEndpoint " + endpointName, () -> clients().endpoints().createEndpointAsync(d.createEndpointRequest()))));
        } else {
            endpointUpdate(live.get(), d).ifPresent(steps::add);
        }
        if (current.isPresent()) {
            DeployedModel cur = current.get();
            mutation(endpointName, cur, d.deployedModel()).ifPresent(steps::add);
            if (traffic.getOrDefault(cur.getId(), 0) != 100 || traffic.size() != 1) {
                steps.add(new Step(new Change(Change.Action.UPDATE, KIND_ENDPOINT, endpointName,
                        List.of(new FieldChange("trafficSplit", traffic.toString(), "{" + cur.getId() + "=100}")),
                        "send all traffic to the deployed model that matches the spec"),
                        () -> updateEndpoint(Endpoint.newBuilder().setName(endpointName).putTrafficSplit(cur.getId(), 100).build(),
                                "traffic_split")));
            }
        } else {
            String reason = deployed.isEmpty() ? "DeployModel with 100% of the traffic"
                    : replaceReason(deployed, traffic, d) + ": deploy the new model with 100% of the traffic, then undeploy the old";
            Change.Action action = deployed.isEmpty() ? Change.Action.CREATE : Change.Action.REPLACE;
            steps.add(new Step(new Change(action, KIND_DEPLOYED_MODEL, endpointName + "/deployedModels/(new)", deployedFields(deployed, traffic, d),
                    reason), () -> await("DeployModel " + endpointName, () -> clients().endpoints().deployModelAsync(d.deployModelRequest()))));
        }
        for (DeployedModel old : deployed) {
            if (current.isPresent() && current.get().getId().equals(old.getId())) {
                continue;
            }
            steps.add(new Step(new Change(Change.Action.DELETE, KIND_DEPLOYED_MODEL, endpointName + "/deployedModels/" + old.getId(),
                    List.of(), "undeploy " + old.getDisplayName() + " once the traffic has moved"),
                    () -> undeploy(endpointName, old.getId(), Map.of())));
            String oldModel = old.getModel();
            if (!modelId(oldModel).equals(wantedModelId)) {
                readModel(oldModel).filter(m -> uploadedBy(m, e.name())).ifPresent(m -> steps.add(new Step(
                        new Change(Change.Action.DELETE, KIND_MODEL, m.getName(), List.of(), "model InferScale uploaded for the old deployment"),
                        () -> await("DeleteModel " + m.getName(), () -> clients().models().deleteModelAsync(m.getName())))));
            }
        }
        return steps;
    }

    /** UploadModel; Vertex may echo rejected values, so the environment's values (possible secrets) are hidden in errors. */
    private void upload(VertexDesiredState d) {
        try {
            await("UploadModel " + d.modelName(), () -> clients().models().uploadModelAsync(d.uploadModelRequest().orElseThrow()));
        } catch (BackendException e) {
            throw VertexErrors.hide(e, d.modelToUpload().orElseThrow().getContainerSpec().getEnvList().stream()
                    .map(com.google.cloud.aiplatform.v1.EnvVar::getValue).toList());
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
        return Optional.of(new Step(Change.update(KIND_ENDPOINT, d.endpointName(), fields),
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
                () -> await("MutateDeployedModel " + live.getId(), () -> clients().endpoints().mutateDeployedModelAsync(req))));
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
        call("ListModels " + parent, () -> {
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

    private EndpointStatus status(String name, Endpoint e) {
        Map<String, Integer> traffic = e.getTrafficSplitMap();
        List<DeployedModel> deployed = e.getDeployedModelsList();
        Optional<DeployedModel> main = deployed.stream().max(Comparator.comparing(dm -> traffic.getOrDefault(dm.getId(), 0)));
        Operations ops = operations(e.getName());
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
    }

    /** Best effort: listing operations needs an extra permission, and status must work without it. */
    private Operations operations(String endpointName) {
        List<Operation> running = new ArrayList<>();
        Operation lastFailed = null;
        try {
            for (Operation op : clients().endpoints().getOperationsClient().listOperations(ListOperationsRequest.newBuilder()
                    .setName(endpointName).setPageSize(50).build()).getPage().getValues()) {
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

    // ---------------------------------------------------------------- calls

    private VertexTranslator translator(boolean online) {
        String project = online ? settings.requireProject() : settings.project().orElse(VertexTranslator.PLACEHOLDER_PROJECT);
        return new VertexTranslator(project, settings.location());
    }

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
                                + "GOOGLE_APPLICATION_CREDENTIALS): " + e.getCause().getClass().getSimpleName(), e.getCause());
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
            return Optional.of(call(action, read));
        } catch (BackendException ex) {
            if (ex.reason() == BackendException.Reason.NOT_FOUND) {
                return Optional.empty();
            }
            throw ex;
        }
    }

    private void updateEndpoint(Endpoint patch, String... mask) {
        UpdateEndpointRequest req = UpdateEndpointRequest.newBuilder().setEndpoint(patch)
                .setUpdateMask(FieldMask.newBuilder().addAllPaths(List.of(mask))).build();
        mutatingCalls.incrementAndGet();
        call("UpdateEndpoint " + patch.getName(), () -> clients().endpoints().updateEndpoint(req));
    }

    private void undeploy(String endpointName, String deployedModelId, Map<String, Integer> trafficSplit) {
        UndeployModelRequest req = UndeployModelRequest.newBuilder().setEndpoint(endpointName).setDeployedModelId(deployedModelId)
                .putAllTrafficSplit(trafficSplit).build();
        await("UndeployModel " + deployedModelId + " from " + endpointName, () -> clients().endpoints().undeployModelAsync(req));
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

    private <T> T call(String action, Supplier<T> call) {
        try {
            return call.get();
        } catch (BackendException e) {
            throw e;
        } catch (RuntimeException e) {
            throw VertexErrors.map(action, e);
        }
    }

    private <R, M> R await(String action, Supplier<OperationFuture<R, M>> start) {
        mutatingCalls.incrementAndGet();
        OperationFuture<R, M> f = call(action, start);
        try {
            return f.get(settings.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.CancellationException e) {
            // GAX cancels the polling future when OperationTimedPollAlgorithm's total timeout is spent.
            String op;
            try {
                op = " (operation " + f.getName() + ")";
            } catch (Exception ignored) {
                op = "";
            }
            throw new BackendException(id(), BackendException.Reason.TIMEOUT, action + " did not finish within vertex.operationTimeout ("
                    + settings.operationTimeout() + ")" + op + "; it goes on in Vertex AI", e);
        } catch (Exception e) {
            throw VertexErrors.map(action, e);
        }
    }

    /** Mutating calls this backend has sent (creates, updates, deploys, undeploys, mutates, deletes); for live tests. */
    long mutatingCalls() {
        return mutatingCalls.get();
    }

    @Override
    public String toString() {
        return "VertexBackend{project=" + settings.project().orElse("(none)") + ", location=" + settings.location()
                + ", endpoint=" + settings.endpoint() + "}";
    }
}
