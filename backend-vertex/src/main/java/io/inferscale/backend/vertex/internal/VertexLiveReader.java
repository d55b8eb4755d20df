package io.inferscale.backend.vertex.internal;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.ListEndpointsRequest;
import com.google.cloud.aiplatform.v1.ListModelsRequest;
import com.google.cloud.aiplatform.v1.Model;
import com.google.longrunning.ListOperationsRequest;
import com.google.longrunning.Operation;
import io.inferscale.backend.vertex.VertexDesiredState;
import io.inferscale.backend.vertex.VertexTranslator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The live-state reader: every read the Vertex backend makes (GetEndpoint, GetModel, ListModels, ListEndpoints,
 * ListOperations), each failure a {@link StepFailure} naming the call. GAX retries these reads (see
 * {@link VertexClients}).
 */
public final class VertexLiveReader {

    /** The list filter on the label every resource InferScale creates carries. */
    private static final String MANAGED_BY_FILTER = "labels." + VertexTranslator.MANAGED_BY_LABEL + "=\"" + VertexTranslator.MANAGED_BY_VALUE + "\"";

    private final Supplier<VertexClients> clients;
    private final VertexCalls calls;

    /** A reader over the backend's lazily built clients. */
    public VertexLiveReader(Supplier<VertexClients> clients, VertexCalls calls) {
        this.clients = clients;
        this.calls = calls;
    }

    /** What the planner diffs against: the endpoint, then the models {@link VertexPlanner#modelsToRead} names. */
    public VertexLiveState live(VertexDesiredState desired) {
        Optional<Endpoint> endpoint = desired.scaleToZero().isPresent() ? endpointV1beta1(desired.endpointName())
                : endpoint(desired.endpointName());
        Map<String, Optional<Model>> models = new LinkedHashMap<>();
        for (String name : VertexPlanner.modelsToRead(desired, endpoint)) {
            models.put(name, model(name));
        }
        return new VertexLiveState(endpoint, models);
    }

    /** {@code GetEndpoint}; empty when it does not exist. */
    public Optional<Endpoint> endpoint(String endpointName) {
        return calls.find("GetEndpoint " + endpointName, () -> clients.get().endpoints().getEndpoint(endpointName));
    }

    /**
     * v1beta1 {@code GetEndpoint}: as {@link #endpoint}, with the scale-to-zero settings of its deployed models
     * ({@link io.inferscale.backend.vertex.VertexScaleToZero#of}); used only for scale-to-zero deployments.
     */
    public Optional<Endpoint> endpointV1beta1(String endpointName) {
        return calls.find("v1beta1 GetEndpoint " + endpointName, () -> clients.get().v1beta1().getEndpoint()
                .call(com.google.cloud.aiplatform.v1.GetEndpointRequest.newBuilder().setName(endpointName).build()));
    }

    /**
     * The endpoint as {@code status} and {@code get} read it: v1 {@code GetEndpoint}, and when a deployed model has
     * {@code minReplicaCount} 0 (only a v1beta1 scale-to-zero deployment can), v1beta1 {@code GetEndpoint} for its settings.
     */
    public Optional<Endpoint> endpointWithScaleToZero(String endpointName) {
        Optional<Endpoint> v1 = endpoint(endpointName);
        boolean atZeroFloor = v1.map(e -> e.getDeployedModelsList().stream()
                .anyMatch(d -> d.hasDedicatedResources() && d.getDedicatedResources().getMinReplicaCount() == 0)).orElse(false);
        return atZeroFloor ? endpointV1beta1(endpointName).or(() -> v1) : v1;
    }

    /** {@code GetModel}; empty when it does not exist. */
    public Optional<Model> model(String modelName) {
        return calls.find("GetModel " + modelName, () -> clients.get().models().getModel(modelName));
    }

    /** The endpoints InferScale manages in {@code parent} ({@code ListEndpoints} filtered by label). */
    public List<Endpoint> managedEndpoints(String parent) {
        ListEndpointsRequest req = ListEndpointsRequest.newBuilder().setParent(parent).setFilter(MANAGED_BY_FILTER).build();
        List<Endpoint> out = new ArrayList<>();
        calls.read("ListEndpoints " + parent, () -> {
            for (Endpoint e : clients.get().endpoints().listEndpoints(req).iterateAll()) {
                if (VertexTranslator.MANAGED_BY_VALUE.equals(e.getLabelsMap().get(VertexTranslator.MANAGED_BY_LABEL))
                        && e.getLabelsMap().get(VertexTranslator.ENDPOINT_LABEL) != null) {
                    out.add(e);
                }
            }
            return null;
        });
        return out;
    }

    /**
     * The first reads of a fleet apply, in bulk: one {@code ListEndpoints} on the managed-by label, and when an endpoint
     * missing from it uploads its model, one {@code ListModels} on the same label. Returns, for each endpoint of
     * {@code fleet} (all in {@code parent}) that the list does not hold, the state its first round plans from instead of
     * reading it: no endpoint, the model as listed (or absent); a model InferScale does not upload is still read with
     * {@code GetModel}. Endpoints the list holds are absent from the answer (they are read as before). A list that is
     * stale or misses an unlabelled resource costs no safety: the create it leads to is refused with ALREADY_EXISTS,
     * a conflict, and the next round reads.
     */
    public Map<String, VertexLiveState> absentFromLists(String parent, List<VertexDesiredState> fleet) {
        Set<String> listed = new HashSet<>();
        for (Endpoint e : managedEndpoints(parent)) {
            listed.add(e.getName());
        }
        List<VertexDesiredState> absent = fleet.stream().filter(d -> !listed.contains(d.endpointName())).toList();
        Map<String, Model> uploaded = new HashMap<>();
        if (absent.stream().anyMatch(VertexDesiredState::uploadsModel)) {
            ListModelsRequest req = ListModelsRequest.newBuilder().setParent(parent).setFilter(MANAGED_BY_FILTER).build();
            calls.read("ListModels " + parent, () -> {
                for (Model m : clients.get().models().listModels(req).iterateAll()) {
                    uploaded.put(m.getName(), m);
                }
                return null;
            });
        }
        Map<String, VertexLiveState> out = new LinkedHashMap<>();
        for (VertexDesiredState d : absent) {
            Map<String, Optional<Model>> models = new LinkedHashMap<>();
            for (String name : VertexPlanner.modelsToRead(d, Optional.empty())) {
                models.put(name, d.uploadsModel() && name.equals(d.modelName()) ? Optional.ofNullable(uploaded.get(name)) : model(name));
            }
            out.put(d.endpointName(), new VertexLiveState(Optional.empty(), models));
        }
        return out;
    }

    /** The models InferScale uploaded for {@code endpoint} in {@code parent} ({@code ListModels} filtered by label). */
    public List<Model> uploadedModels(String parent, String endpoint) {
        ListModelsRequest req = ListModelsRequest.newBuilder().setParent(parent)
                .setFilter("labels." + VertexTranslator.ENDPOINT_LABEL + "=\"" + endpoint + "\"").build();
        List<Model> out = new ArrayList<>();
        calls.read("ListModels " + parent, () -> {
            for (Model m : clients.get().models().listModels(req).iterateAll()) {
                if (VertexPlanner.uploadedBy(m, endpoint)) {
                    out.add(m);
                }
            }
            return null;
        });
        return out;
    }

    /** The operations still running on {@code resource} (one ListOperations). */
    public List<Operation> running(String resource) {
        return calls.read("ListOperations " + resource, () -> listOperations(resource)).stream().filter(op -> !op.getDone()).toList();
    }

    /** Best effort: listing operations needs an extra permission, and status must work without it. */
    public VertexStatusMapper.Operations operations(String endpointName) {
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
        return new VertexStatusMapper.Operations(running, lastFailed);
    }

    private List<Operation> listOperations(String resource) {
        return clients.get().endpoints().getOperationsClient().listOperationsCallable()
                .call(ListOperationsRequest.newBuilder().setName(resource).setPageSize(50).build()).getOperationsList();
    }
}
