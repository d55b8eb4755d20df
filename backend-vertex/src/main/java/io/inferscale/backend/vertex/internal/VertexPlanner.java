package io.inferscale.backend.vertex.internal;

import com.google.cloud.aiplatform.v1.AutoscalingMetricSpec;
import com.google.cloud.aiplatform.v1.DedicatedResources;
import com.google.cloud.aiplatform.v1.DeleteEndpointRequest;
import com.google.cloud.aiplatform.v1.DeleteModelRequest;
import com.google.cloud.aiplatform.v1.DeployedModel;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.MachineSpec;
import com.google.cloud.aiplatform.v1.Model;
import com.google.cloud.aiplatform.v1.MutateDeployedModelRequest;
import com.google.cloud.aiplatform.v1.UndeployModelRequest;
import com.google.cloud.aiplatform.v1.UpdateEndpointRequest;
import com.google.protobuf.FieldMask;
import io.inferscale.api.BackendException;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.FieldChange;
import io.inferscale.api.backend.Plan;
import io.inferscale.backend.vertex.VertexDesiredState;
import io.inferscale.backend.vertex.VertexScaleToZero;
import io.inferscale.backend.vertex.VertexTranslator;
import io.inferscale.backend.vertex.internal.VertexStep.Call;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The planner: a pure diff of the desired state against the live state into the {@link VertexStep}s that close it, in
 * order. No I/O: what it needs to know about models is read beforehand ({@link #modelsToRead}).
 *
 * <ul>
 *   <li>Replica or metric changes: {@code MutateDeployedModel} with an update mask naming only the changed fields.</li>
 *   <li>Model, machine type or accelerator changes (immutable on Vertex): deploy a new DeployedModel with 100% of the
 *       traffic, then undeploy the old one and delete the model InferScale had uploaded for it; a serving model always
 *       has the traffic.</li>
 *   <li>Removal: undeploy every deployed model (least traffic first), delete the endpoint, then the models InferScale
 *       uploaded for it; never a model it did not upload.</li>
 * </ul>
 */
public final class VertexPlanner {

    /** Kind of a model in plans. */
    public static final String KIND_MODEL = "Model";
    /** Kind of an endpoint in plans. */
    public static final String KIND_ENDPOINT = "Endpoint";
    /** Kind of a deployed model in plans. */
    public static final String KIND_DEPLOYED_MODEL = "DeployedModel";
    /** Update mask path of the minimum replica count. */
    public static final String MASK_MIN = "dedicated_resources.min_replica_count";
    /** Update mask path of the maximum replica count. */
    public static final String MASK_MAX = "dedicated_resources.max_replica_count";
    /** Update mask path of the autoscaling metric specs. */
    public static final String MASK_METRICS = "dedicated_resources.autoscaling_metric_specs";

    private VertexPlanner() {
    }

    /** The plan of the steps: their changes and the translation's notes. */
    public static Plan plan(String name, VertexDesiredState d, List<VertexStep> steps) {
        return new Plan(name, VertexSettings.ID, steps.stream().map(VertexStep::change).toList(), d.notes());
    }

    /**
     * The models the plan depends on, in the order to read them: the desired model when no deployed model serves it on
     * the desired machine (does it exist yet?), then the models of deployed models to replace (did InferScale upload them?).
     */
    public static List<String> modelsToRead(VertexDesiredState d, Optional<Endpoint> live) {
        List<String> out = new ArrayList<>();
        List<DeployedModel> deployed = live.map(Endpoint::getDeployedModelsList).orElse(List.of());
        Optional<DeployedModel> current = current(d, live);
        if (current.isEmpty()) {
            out.add(d.modelName());
        }
        for (DeployedModel old : deployed) {
            boolean kept = current.isPresent() && current.get().getId().equals(old.getId());
            if (!kept && !modelId(old.getModel()).equals(modelId(d.modelName())) && !out.contains(old.getModel())) {
                out.add(old.getModel());
            }
        }
        return out;
    }

    /**
     * The steps that bring {@code live} to {@code d}; empty when nothing differs.
     *
     * @param name the endpoint's name (the label on the models InferScale uploads for it)
     * @throws BackendException NOT_FOUND when the existing model {@code spec.backends.vertex.model} names does not exist
     */
    public static List<VertexStep> steps(String name, VertexDesiredState d, VertexLiveState live) {
        List<VertexStep> steps = new ArrayList<>();
        String endpointName = d.endpointName();
        String wantedModelId = modelId(d.modelName());
        Optional<Endpoint> endpoint = live.endpoint();
        List<DeployedModel> deployed = endpoint.map(Endpoint::getDeployedModelsList).orElse(List.of());
        Map<String, Integer> traffic = endpoint.map(Endpoint::getTrafficSplitMap).orElse(Map.of());
        Optional<DeployedModel> current = current(d, endpoint);

        if (current.isEmpty() && live.model(d.modelName()).isEmpty()) {
            if (!d.uploadsModel()) {
                throw new BackendException(VertexSettings.ID, BackendException.Reason.NOT_FOUND, "model " + d.modelName()
                        + " (spec.backends.vertex.model) does not exist");
            }
            steps.add(new VertexStep(new Change(Change.Action.CREATE, KIND_MODEL, d.modelName(), List.of(
                    new FieldChange("containerSpec.imageUri", null, d.modelToUpload().get().getContainerSpec().getImageUri())),
                    "UploadModel"), Call.UPLOAD_MODEL, d.modelName(), d.uploadModelRequest().orElseThrow(), false));
        }
        boolean zero = d.scaleToZero().isPresent();
        if (zero && endpoint.isPresent() && !endpoint.get().getDedicatedEndpointEnabled()) {
            throw new BackendException(VertexSettings.ID, BackendException.Reason.INVALID_REQUEST, "endpoint " + endpointName
                    + " is a shared public endpoint, and Vertex AI offers scale to zero (Preview) only on dedicated endpoints "
                    + "(docs.cloud.google.com/vertex-ai/docs/predictions/autoscaling, Scale To Zero limitations); delete the endpoint "
                    + "and apply again (InferScale creates it with dedicatedEndpointEnabled), or remove spec.autoscaling.scaleToZero");
        }
        if (endpoint.isEmpty()) {
            steps.add(new VertexStep(new Change(Change.Action.CREATE, KIND_ENDPOINT, endpointName, List.of(), "CreateEndpoint"),
                    Call.CREATE_ENDPOINT, endpointName, d.createEndpointRequest(), false));
        } else {
            endpointUpdate(endpoint.get(), d).ifPresent(steps::add);
        }
        if (current.isPresent()) {
            DeployedModel cur = current.get();
            mutation(endpointName, cur, d.deployedModel()).ifPresent(steps::add);
            if (traffic.getOrDefault(cur.getId(), 0) != 100 || traffic.size() != 1) {
                steps.add(new VertexStep(new Change(Change.Action.UPDATE, KIND_ENDPOINT, endpointName,
                        List.of(new FieldChange("trafficSplit", traffic.toString(), "{" + cur.getId() + "=100}")),
                        "send all traffic to the deployed model that matches the spec"), Call.UPDATE_ENDPOINT, endpointName,
                        update(Endpoint.newBuilder().setName(endpointName).putTrafficSplit(cur.getId(), 100).build(), List.of("traffic_split")),
                        false));
            }
        } else {
            // scale to zero allows one model per endpoint (VTX-DOC limitations): with it on either side, undeploy first
            boolean undeployFirst = zero || deployed.stream().anyMatch(VertexPlanner::scalesToZero);
            String reason = deployed.isEmpty() ? "DeployModel with 100% of the traffic" : replaceReason(deployed, traffic, d)
                    + (undeployFirst ? ": undeploy the old model (scale to zero allows one model per endpoint), then deploy the new one"
                    : ": deploy the new model with 100% of the traffic, then undeploy the old");
            if (undeployFirst) {
                steps.addAll(undeployAll(endpointName, deployed, traffic, "undeploy before the new deployment (one model per endpoint)"));
                deployed.stream().filter(old -> !modelId(old.getModel()).equals(wantedModelId)).map(old -> live.model(old.getModel()))
                        .flatMap(Optional::stream).filter(m -> uploadedBy(m, name)).distinct()
                        .forEach(m -> steps.add(deleteModel(m, "model InferScale uploaded for the old deployment")));
            }
            Change.Action action = deployed.isEmpty() ? Change.Action.CREATE : Change.Action.REPLACE;
            steps.add(new VertexStep(new Change(action, KIND_DEPLOYED_MODEL, endpointName + "/deployedModels/(new)",
                    deployedFields(deployed, traffic, d), reason), zero ? Call.DEPLOY_MODEL_V1BETA1 : Call.DEPLOY_MODEL, endpointName,
                    d.deployModelRequest(), false));
            if (undeployFirst) {
                return steps;
            }
        }
        for (DeployedModel old : deployed) {
            if (current.isPresent() && current.get().getId().equals(old.getId())) {
                continue;
            }
            steps.add(new VertexStep(new Change(Change.Action.DELETE, KIND_DEPLOYED_MODEL, endpointName + "/deployedModels/" + old.getId(),
                    List.of(), "undeploy " + old.getDisplayName() + " once the traffic has moved"), Call.UNDEPLOY_MODEL, endpointName,
                    undeploy(endpointName, old.getId(), Map.of()), true));
            if (!modelId(old.getModel()).equals(wantedModelId)) {
                live.model(old.getModel()).filter(m -> uploadedBy(m, name)).ifPresent(m -> steps.add(deleteModel(m,
                        "model InferScale uploaded for the old deployment")));
            }
        }
        return steps;
    }

    /**
     * The steps that remove an endpoint: undeploy every deployed model, least traffic first, moving the remaining traffic
     * to the model with the most (Vertex refuses to delete an endpoint that still has deployed models), then delete it.
     */
    public static List<VertexStep> endpointRemoval(Optional<Endpoint> live) {
        if (live.isEmpty()) {
            return List.of();
        }
        String endpointName = live.get().getName();
        List<VertexStep> steps = new ArrayList<>(undeployAll(endpointName, live.get().getDeployedModelsList(),
                live.get().getTrafficSplitMap(), "undeploy"));
        steps.add(new VertexStep(new Change(Change.Action.DELETE, KIND_ENDPOINT, endpointName, List.of(), "DeleteEndpoint"),
                Call.DELETE_ENDPOINT, endpointName, DeleteEndpointRequest.newBuilder().setName(endpointName).build(), true));
        return steps;
    }

    /** Undeploy steps for every deployed model, least traffic first, moving the remaining traffic to the one with the most. */
    private static List<VertexStep> undeployAll(String endpointName, List<DeployedModel> models, Map<String, Integer> split, String reason) {
        List<VertexStep> steps = new ArrayList<>();
        List<DeployedModel> deployed = new ArrayList<>(models);
        Map<String, Integer> traffic = new TreeMap<>(split);
        deployed.sort(Comparator.comparing(d -> traffic.getOrDefault(d.getId(), 0)));
        for (DeployedModel d : deployed) {
            traffic.remove(d.getId());
            steps.add(new VertexStep(new Change(Change.Action.DELETE, KIND_DEPLOYED_MODEL, endpointName + "/deployedModels/" + d.getId(),
                    List.of(), reason), Call.UNDEPLOY_MODEL, endpointName, undeploy(endpointName, d.getId(), rebalance(traffic)), false));
        }
        return steps;
    }

    /** True when the deployed model scales to zero: min_replica_count 0 exists only with v1beta1 scale to zero. */
    public static boolean scalesToZero(DeployedModel d) {
        return d.getDedicatedResources().getMinReplicaCount() == 0 || VertexScaleToZero.of(d.getDedicatedResources()).isPresent();
    }

    /** The steps that delete the models InferScale uploaded for an endpoint. */
    public static List<VertexStep> modelRemoval(List<Model> uploaded) {
        return uploaded.stream().map(m -> deleteModel(m, "model InferScale uploaded")).toList();
    }

    /** True when InferScale uploaded {@code m} for the endpoint named {@code endpoint} (its labels say so). */
    public static boolean uploadedBy(Model m, String endpoint) {
        return VertexTranslator.MANAGED_BY_VALUE.equals(m.getLabelsMap().get(VertexTranslator.MANAGED_BY_LABEL))
                && endpoint.equals(m.getLabelsMap().get(VertexTranslator.ENDPOINT_LABEL));
    }

    /** The model id of a model resource name: the segment after "/models/", without "@version". */
    public static String modelId(String modelName) {
        int i = modelName.lastIndexOf("/models/");
        String id = i < 0 ? modelName : modelName.substring(i + "/models/".length());
        int at = id.indexOf('@');
        return at < 0 ? id : id.substring(0, at);
    }

    /** The replica maximum in effect: Vertex reads an unset (0) maximum as the minimum. */
    public static int effectiveMax(DedicatedResources r) {
        return r.getMaxReplicaCount() == 0 ? r.getMinReplicaCount() : r.getMaxReplicaCount();
    }

    /** "n1-standard-4 + 1x NVIDIA_TESLA_T4". */
    public static String machine(MachineSpec m) {
        return m.getMachineType() + (m.getAcceleratorCount() > 0 ? " + " + m.getAcceleratorCount() + "x " + m.getAcceleratorType().name() : "");
    }

    /** The deployed model serving the desired model on the desired machine, the one with the most traffic. */
    private static Optional<DeployedModel> current(VertexDesiredState d, Optional<Endpoint> live) {
        Map<String, Integer> traffic = live.map(Endpoint::getTrafficSplitMap).orElse(Map.of());
        return live.map(Endpoint::getDeployedModelsList).orElse(List.of()).stream()
                .filter(dm -> modelId(dm.getModel()).equals(modelId(d.modelName())) && sameMachine(dm, d.deployedModel())
                        && sameScaleToZero(dm, d.deployedModel()))
                .max(Comparator.comparing(dm -> traffic.getOrDefault(dm.getId(), 0)));
    }

    private static VertexStep deleteModel(Model m, String reason) {
        return new VertexStep(new Change(Change.Action.DELETE, KIND_MODEL, m.getName(), List.of(), reason), Call.DELETE_MODEL, m.getName(),
                DeleteModelRequest.newBuilder().setName(m.getName()).build(), true);
    }

    private static UpdateEndpointRequest update(Endpoint patch, List<String> mask) {
        return UpdateEndpointRequest.newBuilder().setEndpoint(patch).setUpdateMask(FieldMask.newBuilder().addAllPaths(mask)).build();
    }

    private static UndeployModelRequest undeploy(String endpointName, String deployedModelId, Map<String, Integer> trafficSplit) {
        return UndeployModelRequest.newBuilder().setEndpoint(endpointName).setDeployedModelId(deployedModelId)
                .putAllTrafficSplit(trafficSplit).build();
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

    private static Optional<VertexStep> endpointUpdate(Endpoint live, VertexDesiredState d) {
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
        return Optional.of(new VertexStep(Change.update(KIND_ENDPOINT, d.endpointName(), fields), Call.UPDATE_ENDPOINT, d.endpointName(),
                update(patch, mask), false));
    }

    private static Optional<VertexStep> mutation(String endpointName, DeployedModel live, DeployedModel want) {
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
        return Optional.of(new VertexStep(new Change(Change.Action.UPDATE, KIND_DEPLOYED_MODEL, endpointName + "/deployedModels/" + live.getId(),
                fields, "MutateDeployedModel in place, update mask " + String.join(",", mask.getPathsList())),
                scalesToZero(want) ? Call.MUTATE_DEPLOYED_MODEL_V1BETA1 : Call.MUTATE_DEPLOYED_MODEL, endpointName, req, false));
    }

    private static Map<String, Integer> metrics(DedicatedResources r) {
        return r.getAutoscalingMetricSpecsList().stream()
                .collect(Collectors.toMap(AutoscalingMetricSpec::getMetricName, AutoscalingMetricSpec::getTarget, (a, b) -> b, TreeMap::new));
    }

    /**
     * Same scale-to-zero settings (initial_replica_count and scale_to_zero_spec are immutable: MutateDeployedModel cannot
     * change them, v1beta1 endpoint_service.proto), or neither scales to zero.
     */
    private static boolean sameScaleToZero(DeployedModel a, DeployedModel b) {
        return scalesToZero(a) == scalesToZero(b)
                && VertexScaleToZero.of(a.getDedicatedResources()).equals(VertexScaleToZero.of(b.getDedicatedResources()));
    }

    private static boolean sameMachine(DeployedModel a, DeployedModel b) {
        MachineSpec x = a.getDedicatedResources().getMachineSpec();
        MachineSpec y = b.getDedicatedResources().getMachineSpec();
        return x.getMachineType().equals(y.getMachineType()) && x.getAcceleratorType() == y.getAcceleratorType()
                && x.getAcceleratorCount() == y.getAcceleratorCount();
    }

    private static String zeroText(DeployedModel d) {
        return VertexScaleToZero.of(d.getDedicatedResources()).map(VertexScaleToZero::describe)
                .orElse(scalesToZero(d) ? "minReplicaCount 0 (settings read through v1)" : "none");
    }

    private static String replaceReason(List<DeployedModel> deployed, Map<String, Integer> traffic, VertexDesiredState d) {
        DeployedModel main = deployed.stream().max(Comparator.comparing(dm -> traffic.getOrDefault(dm.getId(), 0))).orElseThrow();
        List<String> why = new ArrayList<>();
        if (!modelId(main.getModel()).equals(modelId(d.modelName()))) {
            why.add("model changed");
        }
        if (!sameMachine(main, d.deployedModel())) {
            why.add("machine type and accelerators are immutable");
        }
        if (!sameScaleToZero(main, d.deployedModel())) {
            why.add("scale-to-zero settings are immutable");
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
        String wantZero = zeroText(d.deployedModel());
        String liveZero = main.map(VertexPlanner::zeroText).orElse(null);
        if (!wantZero.equals(liveZero) && !(liveZero == null && wantZero.equals("none"))) {
            f.add(new FieldChange("dedicatedResources.scaleToZero", liveZero, wantZero));
        }
        return f;
    }
}
