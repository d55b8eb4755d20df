package io.inferscale.backend.vertex.internal;

import com.google.api.gax.longrunning.OperationFuture;
import com.google.cloud.aiplatform.v1.CreateEndpointRequest;
import com.google.cloud.aiplatform.v1.DeleteEndpointRequest;
import com.google.cloud.aiplatform.v1.DeleteModelRequest;
import com.google.cloud.aiplatform.v1.DeployModelRequest;
import com.google.cloud.aiplatform.v1.EnvVar;
import com.google.cloud.aiplatform.v1.MutateDeployedModelRequest;
import com.google.cloud.aiplatform.v1.UndeployModelRequest;
import com.google.cloud.aiplatform.v1.UpdateEndpointRequest;
import com.google.cloud.aiplatform.v1.UploadModelRequest;
import io.inferscale.api.BackendException;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The executor: sends one {@link VertexStep} (its RPC, and for a long-running one, the wait on its operation future
 * through {@link VertexWaits}); every failure is a {@link StepFailure} naming the step.
 */
public final class VertexExecutor {

    private final Supplier<VertexClients> clients;
    private final VertexCalls calls;
    private final VertexWaits waits;
    private final AtomicLong mutatingCalls = new AtomicLong();

    /** An executor over the backend's clients. */
    public VertexExecutor(Supplier<VertexClients> clients, VertexCalls calls, VertexWaits waits) {
        this.clients = clients;
        this.calls = calls;
        this.waits = waits;
    }

    /**
     * Sends the step and waits for its operation. A step whose {@link VertexStep#absentIsDone()} is set and that fails
     * with NOT_FOUND succeeded: someone (a concurrent delete, an earlier run) already did it.
     *
     * @throws StepFailure when the call or its operation failed
     */
    public void run(VertexStep step) {
        try {
            send(step);
        } catch (StepFailure f) {
            if (!step.absentIsDone() || f.failure.reason() != BackendException.Reason.NOT_FOUND) {
                throw f;
            }
        }
    }

    /** Mutating calls sent so far (creates, updates, deploys, undeploys, mutates, deletes). */
    public long mutatingCalls() {
        return mutatingCalls.get();
    }

    private void send(VertexStep s) {
        mutatingCalls.incrementAndGet();
        switch (s.call()) {
            case UPDATE_ENDPOINT -> calls.call(s.step(), s.resource(), () -> clients.get().endpoints().updateEndpoint((UpdateEndpointRequest) s.request()));
            case UPLOAD_MODEL -> upload(s, (UploadModelRequest) s.request());
            case CREATE_ENDPOINT -> operation(s, () -> clients.get().endpoints().createEndpointOperationCallable()
                    .futureCall((CreateEndpointRequest) s.request()));
            case DEPLOY_MODEL -> operation(s, () -> clients.get().endpoints().deployModelOperationCallable()
                    .futureCall((DeployModelRequest) s.request()));
            case MUTATE_DEPLOYED_MODEL -> operation(s, () -> clients.get().endpoints().mutateDeployedModelOperationCallable()
                    .futureCall((MutateDeployedModelRequest) s.request()));
            case DEPLOY_MODEL_V1BETA1 -> operation(s, () -> clients.get().v1beta1().deployModel().futureCall((DeployModelRequest) s.request()));
            case MUTATE_DEPLOYED_MODEL_V1BETA1 -> operation(s, () -> clients.get().v1beta1().mutateDeployedModel()
                    .futureCall((MutateDeployedModelRequest) s.request()));
            case UNDEPLOY_MODEL -> operation(s, () -> clients.get().endpoints().undeployModelOperationCallable()
                    .futureCall((UndeployModelRequest) s.request()));
            case DELETE_ENDPOINT -> operation(s, () -> clients.get().endpoints().deleteEndpointOperationCallable()
                    .futureCall((DeleteEndpointRequest) s.request()));
            case DELETE_MODEL -> operation(s, () -> clients.get().models().deleteModelOperationCallable()
                    .futureCall((DeleteModelRequest) s.request()));
        }
    }

    private void operation(VertexStep s, Supplier<OperationFuture<?, ?>> start) {
        waits.operation(s.call().rpc(), s.resource(), start);
    }

    /**
     * UploadModel; Vertex may echo rejected values, so the environment's values (possible secrets) are hidden in errors.
     * ALREADY_EXISTS (the model id is a hash of the content, so an equal model) is a conflict: the next round waits for
     * the upload in progress and finds the model.
     */
    private void upload(VertexStep s, UploadModelRequest request) {
        try {
            operation(s, () -> clients.get().models().uploadModelOperationCallable().futureCall(request));
        } catch (StepFailure f) {
            throw f.with(VertexErrors.hide(f.failure, request.getModel().getContainerSpec().getEnvList().stream().map(EnvVar::getValue).toList()));
        }
    }
}
