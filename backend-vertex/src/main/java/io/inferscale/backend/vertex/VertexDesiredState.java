package io.inferscale.backend.vertex;

import com.google.cloud.aiplatform.v1.CreateEndpointRequest;
import com.google.cloud.aiplatform.v1.DeployModelRequest;
import com.google.cloud.aiplatform.v1.DeployedModel;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.Model;
import com.google.cloud.aiplatform.v1.UploadModelRequest;
import io.inferscale.api.backend.Note;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one endpoint looks like on Vertex AI, computed offline by {@link VertexTranslator}: the model to upload (or
 * an existing model to deploy), the endpoint, and the deployed model with its dedicated resources and autoscaling.
 *
 * @param parent          the location, {@code projects/{project}/locations/{location}}
 * @param endpointId      the endpoint id derived from the endpoint name
 * @param endpoint        the endpoint to create (display name and labels)
 * @param modelName       the full model resource name deployed, {@code projects/.../models/{id}}
 * @param modelId         the id of the model to upload, or empty when an existing model is deployed
 * @param modelToUpload   the model to upload, or empty when {@code spec.backends.vertex.model} names an existing one
 * @param deployedModel   the deployed model (model, display name, dedicated resources, with the v1beta1 scale-to-zero fields
 *                        when {@link #scaleToZero()} is present); id left for Vertex to choose
 * @param notes           derived values and approximations
 */
public record VertexDesiredState(String parent, String endpointId, Endpoint endpoint, String modelName,
                                 Optional<String> modelId, Optional<Model> modelToUpload, DeployedModel deployedModel,
                                 List<Note> notes) {

    /** Names only: the model's environment may hold secrets. */
    @Override
    public String toString() {
        return "VertexDesiredState{endpoint=" + endpointName() + ", model=" + modelName + ", uploads=" + uploadsModel()
                + ", machine=" + deployedModel.getDedicatedResources().getMachineSpec().getMachineType() + "}";
    }

    /** Traffic split key that DeployModel replaces with the id of the model it deploys. */
    public static final String NEW_DEPLOYED_MODEL = "0";

    /** Rejects nulls and copies the notes. */
    public VertexDesiredState {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(endpointId, "endpointId");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(modelToUpload, "modelToUpload");
        Objects.requireNonNull(deployedModel, "deployedModel");
        notes = List.copyOf(notes);
    }

    /** The endpoint resource name, {@code projects/.../locations/.../endpoints/{endpointId}}. */
    public String endpointName() {
        return parent + "/endpoints/" + endpointId;
    }

    /** True when InferScale uploads the model (rather than deploying an existing one). */
    public boolean uploadsModel() {
        return modelToUpload.isPresent();
    }

    /** The UploadModel request, when the model is uploaded. */
    public Optional<UploadModelRequest> uploadModelRequest() {
        return modelToUpload.map(m -> UploadModelRequest.newBuilder().setParent(parent).setModelId(modelId.orElseThrow())
                .setModel(m).build());
    }

    /** The CreateEndpoint request. */
    public CreateEndpointRequest createEndpointRequest() {
        return CreateEndpointRequest.newBuilder().setParent(parent).setEndpointId(endpointId).setEndpoint(endpoint).build();
    }

    /**
     * The scale-to-zero settings of the deployed model (sent through v1beta1, see {@link VertexScaleToZero}); empty for the
     * plain v1 deployment.
     */
    public Optional<VertexScaleToZero> scaleToZero() {
        return VertexScaleToZero.of(deployedModel.getDedicatedResources());
    }

    /** The DeployModel request that sends all traffic to the newly deployed model. */
    public DeployModelRequest deployModelRequest() {
        return DeployModelRequest.newBuilder().setEndpoint(endpointName()).setDeployedModel(deployedModel)
                .putTrafficSplit(NEW_DEPLOYED_MODEL, 100).build();
    }
}
