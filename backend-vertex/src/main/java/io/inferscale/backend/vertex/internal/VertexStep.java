package io.inferscale.backend.vertex.internal;

import com.google.protobuf.Message;
import io.inferscale.api.backend.Change;

import java.util.Objects;

/**
 * One step of a plan, as data: what it changes (for the {@link io.inferscale.api.backend.Plan}), the RPC it sends with
 * its request, and the resource it acts on (whose operations a later round waits for). The executor runs it.
 *
 * @param change       the change, as the plan shows it
 * @param call         the RPC
 * @param resource     the resource the RPC acts on (endpoint or model resource name)
 * @param request      the request message, ready to send
 * @param absentIsDone true when NOT_FOUND means someone (a concurrent delete, an earlier run) already did it
 */
public record VertexStep(Change change, Call call, String resource, Message request, boolean absentIsDone) {

    /** The RPCs a step sends; all but UpdateEndpoint start a long-running operation. */
    public enum Call {
        /** ModelService.UploadModel. */
        UPLOAD_MODEL("UploadModel"),
        /** EndpointService.CreateEndpoint. */
        CREATE_ENDPOINT("CreateEndpoint"),
        /** EndpointService.UpdateEndpoint (not long-running). */
        UPDATE_ENDPOINT("UpdateEndpoint"),
        /** EndpointService.DeployModel. */
        DEPLOY_MODEL("DeployModel"),
        /** EndpointService.MutateDeployedModel. */
        MUTATE_DEPLOYED_MODEL("MutateDeployedModel"),
        /** v1beta1 EndpointService.DeployModel: a scale-to-zero deployment (Preview). */
        DEPLOY_MODEL_V1BETA1("v1beta1 DeployModel"),
        /** v1beta1 EndpointService.MutateDeployedModel: replicas or metrics of a scale-to-zero deployment. */
        MUTATE_DEPLOYED_MODEL_V1BETA1("v1beta1 MutateDeployedModel"),
        /** EndpointService.UndeployModel. */
        UNDEPLOY_MODEL("UndeployModel"),
        /** EndpointService.DeleteEndpoint. */
        DELETE_ENDPOINT("DeleteEndpoint"),
        /** ModelService.DeleteModel. */
        DELETE_MODEL("DeleteModel");

        private final String rpc;

        Call(String rpc) {
            this.rpc = rpc;
        }

        /** The RPC's method name, e.g. "DeployModel" ("v1beta1 DeployModel" for the v1beta1 ones). */
        public String rpc() {
            return rpc;
        }
    }

    /** Rejects nulls. */
    public VertexStep {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(request, "request");
    }

    /** The step's name in failures: {@code "<RPC> <resource>"}, e.g. {@code "DeployModel projects/.../endpoints/x"}. */
    public String step() {
        return call.rpc() + " " + resource;
    }
}
