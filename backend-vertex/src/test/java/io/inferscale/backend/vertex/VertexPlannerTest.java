package io.inferscale.backend.vertex;

import com.google.cloud.aiplatform.v1.DeployedModel;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.Model;
import com.google.cloud.aiplatform.v1.MutateDeployedModelRequest;
import com.google.cloud.aiplatform.v1.UndeployModelRequest;
import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.Change;
import io.inferscale.backend.vertex.internal.VertexLiveState;
import io.inferscale.backend.vertex.internal.VertexPlanner;
import io.inferscale.backend.vertex.internal.VertexStep;
import io.inferscale.backend.vertex.internal.VertexStep.Call;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The planner alone: desired state x live state -> steps, without a fake server or clients (the live state is built
 * here as Vertex would return it).
 */
@DisplayName("Vertex planner (pure diff)")
class VertexPlannerTest {

    static final String NAME = "my-model-endpoint";
    static final VertexTranslator TRANSLATOR = new VertexTranslator("p", "us-central1");

    static VertexDesiredState desired(InferenceEndpoint e) {
        return TRANSLATOR.translate(e);
    }

    static InferenceEndpoint sample() throws IOException {
        return VertexTranslatorTest.withImage(VertexTranslatorTest.seed());
    }

    /** The endpoint as Vertex holds it once {@code d} is deployed as deployed model {@code id} with all the traffic. */
    static Endpoint deployed(VertexDesiredState d, String id) {
        return d.endpoint().toBuilder().setName(d.endpointName())
                .addDeployedModels(d.deployedModel().toBuilder().setId(id)).putTrafficSplit(id, 100).build();
    }

    static VertexLiveState live(Optional<Endpoint> endpoint, Map<String, Optional<Model>> models) {
        return new VertexLiveState(endpoint, models);
    }

    static List<Call> calls(List<VertexStep> steps) {
        return steps.stream().map(VertexStep::call).toList();
    }

    @Test
    @DisplayName("nothing exists: read the model, then UploadModel, CreateEndpoint, DeployModel with all the traffic")
    void fresh() throws IOException {
        VertexDesiredState d = desired(sample());
        assertThat(VertexPlanner.modelsToRead(d, Optional.empty())).containsExactly(d.modelName());
        List<VertexStep> steps = VertexPlanner.steps(NAME, d, live(Optional.empty(), Map.of(d.modelName(), Optional.empty())));
        assertThat(calls(steps)).containsExactly(Call.UPLOAD_MODEL, Call.CREATE_ENDPOINT, Call.DEPLOY_MODEL);
        assertThat(steps.get(2).request()).isEqualTo(d.deployModelRequest());
        assertThat(steps).allSatisfy(s -> assertThat(s.change().action()).isEqualTo(Change.Action.CREATE));
        assertThat(VertexPlanner.plan(NAME, d, steps).changes()).hasSize(3);
    }

    @Test
    @DisplayName("the model exists already (an earlier run uploaded it): no UploadModel")
    void modelExists() throws IOException {
        VertexDesiredState d = desired(sample());
        Model uploaded = d.modelToUpload().orElseThrow().toBuilder().setName(d.modelName()).build();
        List<VertexStep> steps = VertexPlanner.steps(NAME, d, live(Optional.empty(), Map.of(d.modelName(), Optional.of(uploaded))));
        assertThat(calls(steps)).containsExactly(Call.CREATE_ENDPOINT, Call.DEPLOY_MODEL);
    }

    @Test
    @DisplayName("the live endpoint equals the spec: no model to read, no step")
    void unchanged() throws IOException {
        VertexDesiredState d = desired(sample());
        Endpoint e = deployed(d, "1");
        assertThat(VertexPlanner.modelsToRead(d, Optional.of(e))).isEmpty();
        assertThat(VertexPlanner.steps(NAME, d, live(Optional.of(e), Map.of()))).isEmpty();
    }

    @Test
    @DisplayName("only maxReplicas differs: one MutateDeployedModel masking max_replica_count only")
    void maxReplicas() throws IOException {
        VertexDesiredState before = desired(sample());
        VertexDesiredState after = desired(VertexBackendTest.withPolicy(sample(), p -> p.maxReplicas(9)));
        List<VertexStep> steps = VertexPlanner.steps(NAME, after, live(Optional.of(deployed(before, "1")), Map.of()));
        assertThat(calls(steps)).containsExactly(Call.MUTATE_DEPLOYED_MODEL);
        MutateDeployedModelRequest req = (MutateDeployedModelRequest) steps.get(0).request();
        assertThat(req.getUpdateMask().getPathsList()).containsExactly(VertexPlanner.MASK_MAX);
        assertThat(req.getDeployedModel().getId()).isEqualTo("1");
        assertThat(req.getDeployedModel().getDedicatedResources().getMaxReplicaCount()).isEqualTo(9);
    }

    @Test
    @DisplayName("traffic on another deployed model: UpdateEndpoint moves all of it to the matching one, then the other is undeployed")
    void trafficMoved() throws IOException {
        VertexDesiredState d = desired(sample());
        DeployedModel other = d.deployedModel().toBuilder().setId("2").setModel(d.parent() + "/models/" + NAME + "-old").build();
        Endpoint e = deployed(d, "1").toBuilder().addDeployedModels(other).putTrafficSplit("1", 40).putTrafficSplit("2", 60).build();
        Model old = Model.newBuilder().setName(other.getModel()).putLabels(VertexTranslator.MANAGED_BY_LABEL, VertexTranslator.MANAGED_BY_VALUE)
                .putLabels(VertexTranslator.ENDPOINT_LABEL, NAME).build();
        assertThat(VertexPlanner.modelsToRead(d, Optional.of(e))).containsExactly(other.getModel());
        List<VertexStep> steps = VertexPlanner.steps(NAME, d, live(Optional.of(e), Map.of(other.getModel(), Optional.of(old))));
        assertThat(calls(steps)).containsExactly(Call.UPDATE_ENDPOINT, Call.UNDEPLOY_MODEL, Call.DELETE_MODEL);
        assertThat(steps.get(1).absentIsDone()).as("an undeploy someone else did is done").isTrue();
    }

    @Test
    @DisplayName("a new model: deploy it first (REPLACE), then undeploy the old and delete the old model only if InferScale uploaded it")
    void rollout() throws IOException {
        VertexDesiredState before = desired(sample());
        InferenceEndpoint changed = sample().toBuilder().model(sample().model().toBuilder().image(VertexTranslatorTest.IMAGE + "-v2").build()).build();
        VertexDesiredState after = desired(changed);
        assertThat(after.modelName()).isNotEqualTo(before.modelName());
        Endpoint e = deployed(before, "1");
        assertThat(VertexPlanner.modelsToRead(after, Optional.of(e))).containsExactly(after.modelName(), before.modelName());

        Model ours = before.modelToUpload().orElseThrow().toBuilder().setName(before.modelName()).build();
        Map<String, Optional<Model>> models = new LinkedHashMap<>();
        models.put(after.modelName(), Optional.empty());
        models.put(before.modelName(), Optional.of(ours));
        List<VertexStep> steps = VertexPlanner.steps(NAME, after, live(Optional.of(e), models));
        assertThat(calls(steps)).containsExactly(Call.UPLOAD_MODEL, Call.DEPLOY_MODEL, Call.UNDEPLOY_MODEL, Call.DELETE_MODEL);
        assertThat(steps.get(1).change().action()).isEqualTo(Change.Action.REPLACE);
        assertThat(steps.get(3).resource()).isEqualTo(before.modelName());

        Model someoneElses = ours.toBuilder().clearLabels().build();
        models.put(before.modelName(), Optional.of(someoneElses));
        assertThat(calls(VertexPlanner.steps(NAME, after, live(Optional.of(e), models))))
                .containsExactly(Call.UPLOAD_MODEL, Call.DEPLOY_MODEL, Call.UNDEPLOY_MODEL);
    }

    @Test
    @DisplayName("an existing model (spec.backends.vertex.model) that does not exist is NOT_FOUND, no step")
    void missingExistingModel() throws IOException {
        String model = "projects/p/locations/us-central1/models/404";
        VertexDesiredState d = desired(sample().toBuilder().option("vertex", "model", model).build());
        BackendException e = catchThrowableOfType(BackendException.class,
                () -> VertexPlanner.steps(NAME, d, live(Optional.empty(), Map.of(model, Optional.empty()))));
        assertThat(e.reason()).isEqualTo(BackendException.Reason.NOT_FOUND);
        assertThat(e.getMessage()).contains(model).contains("spec.backends.vertex.model");
    }

    @Test
    @DisplayName("removal: undeploy least traffic first, the rest of the traffic moved to the remaining model, then DeleteEndpoint")
    void removal() throws IOException {
        VertexDesiredState d = desired(sample());
        Endpoint e = deployed(d, "1").toBuilder().addDeployedModels(d.deployedModel().toBuilder().setId("2"))
                .putTrafficSplit("1", 70).putTrafficSplit("2", 30).build();
        List<VertexStep> steps = VertexPlanner.endpointRemoval(Optional.of(e));
        assertThat(calls(steps)).containsExactly(Call.UNDEPLOY_MODEL, Call.UNDEPLOY_MODEL, Call.DELETE_ENDPOINT);
        UndeployModelRequest first = (UndeployModelRequest) steps.get(0).request();
        assertThat(first.getDeployedModelId()).isEqualTo("2");
        assertThat(first.getTrafficSplitMap()).containsExactlyEntriesOf(Map.of("1", 100));
        assertThat(((UndeployModelRequest) steps.get(1).request()).getTrafficSplitMap()).isEmpty();
        assertThat(steps.get(2).absentIsDone()).isTrue();
        assertThat(VertexPlanner.endpointRemoval(Optional.empty())).isEmpty();
    }
}
