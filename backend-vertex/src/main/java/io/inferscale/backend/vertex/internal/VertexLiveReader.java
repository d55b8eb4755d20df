package io.inferscale.backend.vertex.internal;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.ListEndpointsRequest;
import com.google.cloud.aiplatform.v1.ListEndpointsResponse;
import com.google.cloud.aiplatform.v1.ListModelsRequest;
import com.google.cloud.aiplatform.v1.Model;
import com.google.longrunning.ListOperationsRequest;
import com.google.longrunning.Operation;
import io.inferscale.backend.vertex.VertexDesiredState;
import io.inferscale.backend.vertex.VertexTranslator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The live-state reader: every read the Vertex backend makes (GetEndpoint, GetModel, ListModels, ListEndpoints,
 * ListOperations; v1beta1 GetEndpoint and ListEndpoints for scale to zero), each failure a {@link StepFailure} naming
 * the call. GAX retries these reads (see {@link VertexClients}).
 */
public final class VertexLiveReader {

    /** The list filter on the label every resource InferScale creates carries. */
    private static final String MANAGED_BY_FILTER = "labels." + VertexTranslator.MANAGED_BY_LABEL + "=\"" + VertexTranslator.MANAGED_BY_VALUE + "\"";

    /**
     * {@code page_size} of the list calls. Vertex documents neither a default nor a maximum for {@code ListEndpoints} and
     * {@code ListModels} (v1 {@code endpoint_service.proto}, {@code model_service.proto}: "The standard list page size"),
     * so 100 is InferScale's choice (an assumption): a server that answers fewer per page sends {@code next_page_token},
     * which GAX's paged responses follow ({@code iterateAll}), so only the number of pages depends on it.
     */
    static final int LIST_PAGE_SIZE = 100;

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

    /** The endpoints InferScale manages in {@code parent} ({@code ListEndpoints} filtered by label, every page). */
    public List<Endpoint> managedEndpoints(String parent) {
        List<Endpoint> out = new ArrayList<>();
        calls.read("ListEndpoints " + parent, () -> {
            for (Endpoint e : clients.get().endpoints().listEndpoints(managedEndpointsRequest(parent)).iterateAll()) {
                if (managed(e)) {
                    out.add(e);
                }
            }
            return null;
        });
        return out;
    }

    /**
     * As {@link #managedEndpoints} through v1beta1 {@code ListEndpoints}: the deployed models keep their v1beta1
     * scale-to-zero fields ({@link io.inferscale.backend.vertex.VertexScaleToZero#of}).
     */
    public List<Endpoint> managedEndpointsV1beta1(String parent) {
        List<Endpoint> out = new ArrayList<>();
        calls.read("v1beta1 ListEndpoints " + parent, () -> {
            String token = "";
            do {
                ListEndpointsResponse page = clients.get().v1beta1().listEndpoints()
                        .call(managedEndpointsRequest(parent).toBuilder().setPageToken(token).build());
                page.getEndpointsList().stream().filter(VertexLiveReader::managed).forEach(out::add);
                token = page.getNextPageToken();
            } while (!token.isEmpty());
            return null;
        });
        return out;
    }

    private static ListEndpointsRequest managedEndpointsRequest(String parent) {
        return ListEndpointsRequest.newBuilder().setParent(parent).setFilter(MANAGED_BY_FILTER).setPageSize(LIST_PAGE_SIZE).build();
    }

    /** True when the endpoint carries InferScale's labels (the list filter asked for them; this checks the answer). */
    private static boolean managed(Endpoint e) {
        return VertexTranslator.MANAGED_BY_VALUE.equals(e.getLabelsMap().get(VertexTranslator.MANAGED_BY_LABEL))
                && e.getLabelsMap().get(VertexTranslator.ENDPOINT_LABEL) != null;
    }

    /**
     * The first reads of a fleet apply or plan, in bulk: {@code ListEndpoints} on the managed-by label (every page;
     * through v1beta1 when an endpoint of the fleet scales to zero, see {@link #live(VertexDesiredState, FleetLists)}), and
     * when an endpoint of {@code fleet} (all in {@code parent}) needs to know about a model the labelled list answers for
     * ({@link #live(VertexDesiredState, FleetLists)}), {@code ListModels} on the same label (every page). Both list
     * answers carry whole {@code Endpoint} and {@code Model} messages (v1 {@code endpoint_service.proto} and
     * {@code model_service.proto}: {@code repeated Endpoint endpoints = 1}, {@code repeated Model models = 1}; no
     * {@code read_mask} is sent, so no field is left out).
     */
    public FleetLists fleetLists(String parent, List<VertexDesiredState> fleet) {
        // a fleet with a scale-to-zero endpoint lists through v1beta1: only its answers carry the scale-to-zero settings
        boolean v1beta1 = fleet.stream().anyMatch(d -> d.scaleToZero().isPresent());
        Map<String, Endpoint> listed = new HashMap<>();
        for (Endpoint e : v1beta1 ? managedEndpointsV1beta1(parent) : managedEndpoints(parent)) {
            listed.put(e.getName(), e);
        }
        FleetLists lists = new FleetLists(parent, listed);
        if (fleet.stream().anyMatch(d -> VertexPlanner.modelsToRead(d, lists.endpoint(d.endpointName())).stream()
                .anyMatch(name -> listAnswers(d, name)))) {
            lists.models();
        }
        return lists;
    }

    /**
     * What the planner diffs {@code desired} against, from the fleet's lists: the endpoint as listed (absent when the list
     * does not hold it), and the models {@link VertexPlanner#modelsToRead} names, from the labelled model list, except an
     * existing model InferScale does not upload ({@code spec.backends.vertex.model}), read with {@code GetModel}. A
     * scale-to-zero endpoint's {@code initial_replica_count} and {@code scale_to_zero_spec} are v1beta1 fields that no v1
     * answer carries: a fleet with such an endpoint was listed through v1beta1 ({@link #fleetLists}), as
     * {@link #live(VertexDesiredState)} reads it with v1beta1 {@code GetEndpoint}. A list that is stale costs no safety: a
     * write planned from it that no longer fits is refused (ALREADY_EXISTS on a create, NOT_FOUND or a stale traffic split
     * on an update), a conflict, and the next round reads; a write that fits is followed by the closing read.
     */
    public VertexLiveState live(VertexDesiredState desired, FleetLists lists) {
        Optional<Endpoint> endpoint = lists.endpoint(desired.endpointName());
        Map<String, Optional<Model>> models = new LinkedHashMap<>();
        for (String name : VertexPlanner.modelsToRead(desired, endpoint)) {
            models.put(name, listAnswers(desired, name) ? lists.model(name) : model(name));
        }
        return new VertexLiveState(endpoint, models);
    }

    /**
     * True when the managed-by model list answers for {@code modelName}: the model InferScale uploads for {@code desired}
     * carries the label (absent from the list: not uploaded yet), and of an old deployed model the planner needs only
     * whether InferScale uploaded it (its labels), which a model missing from the list was not.
     */
    private static boolean listAnswers(VertexDesiredState desired, String modelName) {
        return desired.uploadsModel() || !modelName.equals(desired.modelName());
    }

    /**
     * The answers of a fleet's list calls: the managed endpoints by resource name, and the managed models, listed on
     * first need (once; thread-safe).
     */
    public final class FleetLists {
        private final String parent;
        private final Map<String, Endpoint> endpoints;
        private Map<String, Model> models;

        private FleetLists(String parent, Map<String, Endpoint> endpoints) {
            this.parent = parent;
            this.endpoints = Map.copyOf(endpoints);
        }

        /** The endpoint as listed; empty when the list does not hold it. */
        public Optional<Endpoint> endpoint(String endpointName) {
            return Optional.ofNullable(endpoints.get(endpointName));
        }

        /** The model as listed (a version suffix {@code @v} ignored); empty when the list does not hold it. */
        Optional<Model> model(String modelName) {
            int at = modelName.indexOf('@');
            return Optional.ofNullable(models().get(at < 0 ? modelName : modelName.substring(0, at)));
        }

        /** {@code ListModels} on the managed-by label, every page, on first call. */
        synchronized Map<String, Model> models() {
            if (models == null) {
                Map<String, Model> out = new HashMap<>();
                calls.read("ListModels " + parent, () -> {
                    for (Model m : clients.get().models().listModels(ListModelsRequest.newBuilder().setParent(parent)
                            .setFilter(MANAGED_BY_FILTER).setPageSize(LIST_PAGE_SIZE).build()).iterateAll()) {
                        out.put(m.getName(), m);
                    }
                    return null;
                });
                models = Map.copyOf(out);
            }
            return models;
        }
    }

    /** The models InferScale uploaded for {@code endpoint} in {@code parent} ({@code ListModels} filtered by label). */
    public List<Model> uploadedModels(String parent, String endpoint) {
        ListModelsRequest req = ListModelsRequest.newBuilder().setParent(parent)
                .setFilter("labels." + VertexTranslator.ENDPOINT_LABEL + "=\"" + endpoint + "\"").setPageSize(LIST_PAGE_SIZE).build();
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
