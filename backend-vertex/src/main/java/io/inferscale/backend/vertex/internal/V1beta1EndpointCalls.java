package io.inferscale.backend.vertex.internal;

import com.google.api.core.ApiFunction;
import com.google.api.gax.grpc.GrpcCallSettings;
import com.google.api.gax.grpc.GrpcCallableFactory;
import com.google.api.gax.longrunning.OperationSnapshot;
import com.google.api.gax.longrunning.OperationTimedPollAlgorithm;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ClientContext;
import com.google.api.gax.rpc.OperationCallSettings;
import com.google.api.gax.rpc.OperationCallable;
import com.google.api.gax.rpc.UnaryCallSettings;
import com.google.api.gax.rpc.UnaryCallable;
import com.google.cloud.aiplatform.v1.DeployModelOperationMetadata;
import com.google.cloud.aiplatform.v1.DeployModelRequest;
import com.google.cloud.aiplatform.v1.DeployModelResponse;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.GetEndpointRequest;
import com.google.cloud.aiplatform.v1.ListEndpointsRequest;
import com.google.cloud.aiplatform.v1.ListEndpointsResponse;
import com.google.cloud.aiplatform.v1.MutateDeployedModelOperationMetadata;
import com.google.cloud.aiplatform.v1.MutateDeployedModelRequest;
import com.google.cloud.aiplatform.v1.MutateDeployedModelResponse;
import com.google.longrunning.Operation;
import com.google.longrunning.stub.OperationsStub;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;

import java.util.Map;
import java.util.Set;

/**
 * The four {@code google.cloud.aiplatform.v1beta1.EndpointService} methods the scale-to-zero deployment needs
 * ({@code DeployModel}, {@code MutateDeployedModel}, {@code GetEndpoint}, and {@code ListEndpoints} for a fleet that has a
 * scale-to-zero endpoint), as GAX callables on the v1 clients'
 * {@link ClientContext} (same channel, credentials, headers, retry and polling settings) and Operations stub.
 *
 * <p>Why not the generated v1beta1 client: its protos ({@code proto-google-cloud-aiplatform-v1beta1}) add ~20 MB and
 * ~8,800 entries to every user's class path and the shaded CLI (backend-vertex/README.md, "Scale to zero": measured).
 * These methods take and return the v1 messages instead, which encode the v1beta1 ones: the v1beta1-only fields the
 * backend uses travel as unknown fields ({@link io.inferscale.backend.vertex.VertexScaleToZero}). The operations'
 * responses are {@code Any}s of v1beta1 types; they are parsed as the wire-compatible v1 types without checking the type
 * URL (GAX's own transformer would refuse the v1beta1 URL). {@code ListEndpointsRequest} and {@code ListEndpointsResponse}
 * have the same fields under the same numbers in v1beta1 ({@code parent = 1}, {@code filter = 2}, {@code page_size = 3},
 * {@code page_token = 4}, {@code read_mask = 5}; {@code endpoints = 1}, {@code next_page_token = 2}) except v1's
 * {@code order_by = 6}, which InferScale does not send (npm {@code @google-cloud/aiplatform} 6.11.0). The routing header
 * ({@code x-goog-request-params}) names the endpoint (the parent for the list) as the generated stubs do.
 */
public final class V1beta1EndpointCalls {

    /** The v1beta1 EndpointService. */
    static final String SERVICE = "google.cloud.aiplatform.v1beta1.EndpointService";

    private final UnaryCallable<GetEndpointRequest, Endpoint> getEndpoint;
    private final UnaryCallable<ListEndpointsRequest, ListEndpointsResponse> listEndpoints;
    private final OperationCallable<DeployModelRequest, DeployModelResponse, DeployModelOperationMetadata> deployModel;
    private final OperationCallable<MutateDeployedModelRequest, MutateDeployedModelResponse, MutateDeployedModelOperationMetadata> mutate;

    V1beta1EndpointCalls(ClientContext context, OperationsStub operations, RetrySettings reads, RetrySettings writes,
                         OperationTimedPollAlgorithm polling) {
        getEndpoint = GrpcCallableFactory.createUnaryCallable(
                GrpcCallSettings.<GetEndpointRequest, Endpoint>newBuilder()
                        .setMethodDescriptor(method("GetEndpoint", GetEndpointRequest.getDefaultInstance(), Endpoint.getDefaultInstance()))
                        .setParamsExtractor(r -> Map.of("name", r.getName())).build(),
                UnaryCallSettings.<GetEndpointRequest, Endpoint>newUnaryCallSettingsBuilder()
                        .setRetrySettings(reads).setRetryableCodes(VertexClients.IDEMPOTENT).build(), context);
        listEndpoints = GrpcCallableFactory.createUnaryCallable(
                GrpcCallSettings.<ListEndpointsRequest, ListEndpointsResponse>newBuilder()
                        .setMethodDescriptor(method("ListEndpoints", ListEndpointsRequest.getDefaultInstance(),
                                ListEndpointsResponse.getDefaultInstance()))
                        .setParamsExtractor(r -> Map.of("parent", r.getParent())).build(),
                UnaryCallSettings.<ListEndpointsRequest, ListEndpointsResponse>newUnaryCallSettingsBuilder()
                        .setRetrySettings(reads).setRetryableCodes(VertexClients.IDEMPOTENT).build(), context);
        deployModel = GrpcCallableFactory.createOperationCallable(
                GrpcCallSettings.<DeployModelRequest, Operation>newBuilder()
                        .setMethodDescriptor(method("DeployModel", DeployModelRequest.getDefaultInstance(), Operation.getDefaultInstance()))
                        .setParamsExtractor(r -> Map.of("endpoint", r.getEndpoint())).build(),
                operation(writes, polling, DeployModelResponse.parser(), DeployModelOperationMetadata.parser()), context, operations);
        mutate = GrpcCallableFactory.createOperationCallable(
                GrpcCallSettings.<MutateDeployedModelRequest, Operation>newBuilder()
                        .setMethodDescriptor(method("MutateDeployedModel", MutateDeployedModelRequest.getDefaultInstance(),
                                Operation.getDefaultInstance()))
                        .setParamsExtractor(r -> Map.of("endpoint", r.getEndpoint())).build(),
                operation(writes, polling, MutateDeployedModelResponse.parser(), MutateDeployedModelOperationMetadata.parser()), context,
                operations);
    }

    /** v1beta1 {@code GetEndpoint}: the endpoint with the v1beta1 fields of its deployed models kept. */
    public UnaryCallable<GetEndpointRequest, Endpoint> getEndpoint() {
        return getEndpoint;
    }

    /**
     * v1beta1 {@code ListEndpoints}: one page (the caller follows {@code next_page_token}), with the v1beta1 fields of the
     * deployed models kept.
     */
    public UnaryCallable<ListEndpointsRequest, ListEndpointsResponse> listEndpoints() {
        return listEndpoints;
    }

    /** v1beta1 {@code DeployModel} (long-running). */
    public OperationCallable<DeployModelRequest, DeployModelResponse, DeployModelOperationMetadata> deployModel() {
        return deployModel;
    }

    /** v1beta1 {@code MutateDeployedModel} (long-running). */
    public OperationCallable<MutateDeployedModelRequest, MutateDeployedModelResponse, MutateDeployedModelOperationMetadata> mutateDeployedModel() {
        return mutate;
    }

    private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> method(String name, Q request, R response) {
        return MethodDescriptor.<Q, R>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(ProtoUtils.marshaller(request)).setResponseMarshaller(ProtoUtils.marshaller(response)).build();
    }

    /** A long-running call: its first RPC a write (no retry), its polls on {@code polling}; response and metadata read leniently. */
    private static <Q, R extends Message, M extends Message> OperationCallSettings<Q, R, M> operation(
            RetrySettings writes, OperationTimedPollAlgorithm polling, Parser<R> response, Parser<M> metadata) {
        return OperationCallSettings.<Q, R, M>newBuilder()
                .setInitialCallSettings(UnaryCallSettings.<Q, OperationSnapshot>newUnaryCallSettingsBuilder()
                        .setRetrySettings(writes).setRetryableCodes(Set.of()).build())
                .setResponseTransformer(unpack(response, true))
                .setMetadataTransformer(unpack(metadata, false))
                .setPollingAlgorithm(polling).build();
    }

    private static <T extends Message> ApiFunction<OperationSnapshot, T> unpack(Parser<T> parser, boolean response) {
        return snapshot -> {
            Object packed = response ? snapshot.getResponse() : snapshot.getMetadata();
            if (!(packed instanceof Any any)) {
                return null;
            }
            try {
                return parser.parseFrom(any.getValue());
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("cannot read the v1beta1 operation " + (response ? "response" : "metadata")
                        + " " + any.getTypeUrl(), e);
            }
        };
    }
}
