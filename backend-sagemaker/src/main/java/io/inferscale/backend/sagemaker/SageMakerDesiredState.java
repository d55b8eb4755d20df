package io.inferscale.backend.sagemaker;

import io.inferscale.api.backend.Note;
import io.inferscale.api.codec.Json;
import io.inferscale.backend.sagemaker.internal.InstanceCatalogue.InstanceType;
import io.inferscale.backend.sagemaker.internal.RequestTree;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.RegisterScalableTargetRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointConfigRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateModelRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link SageMakerTranslator} makes of an endpoint: everything needed to create it, in call order (with scale
 * to zero: also the inference component, its step policy and CloudWatch alarm, {@link InferenceComponentParts}). Immutable;
 * {@link #toJson()} is what {@code render} prints.
 *
 * @param endpointName           the SageMaker endpoint name (the neutral endpoint name)
 * @param variantName            the production variant
 * @param modelName              the content-hashed model name
 * @param endpointConfigName     the content-hashed endpoint-config name
 * @param instanceType           the ml.* instance type
 * @param catalogued             the catalogue entry of the instance type, when known
 * @param createModel            the CreateModel request
 * @param createEndpointConfig   the CreateEndpointConfig request
 * @param createEndpoint         the CreateEndpoint request
 * @param registerScalableTarget the RegisterScalableTarget request
 * @param scalingPolicies        one PutScalingPolicy request per target
 * @param notes                  derived values and approximations
 * @param inferenceComponent     with {@code spec.autoscaling.scaleToZero}: the inference component, step policy and alarm
 *                               (the scalable target and policies above are then the inference component's); else null
 */
public record SageMakerDesiredState(String endpointName, String variantName, String modelName, String endpointConfigName,
                                    String instanceType, Optional<InstanceType> catalogued, CreateModelRequest createModel,
                                    CreateEndpointConfigRequest createEndpointConfig, CreateEndpointRequest createEndpoint,
                                    RegisterScalableTargetRequest registerScalableTarget,
                                    List<PutScalingPolicyRequest> scalingPolicies, List<Note> notes,
                                    InferenceComponentParts inferenceComponent) {
    /** Copies the lists. */
    public SageMakerDesiredState {
        scalingPolicies = List.copyOf(scalingPolicies);
        notes = List.copyOf(notes);
    }

    /** Names only: CreateModel carries the model's environment, whose values may be secrets. */
    @Override
    public String toString() {
        return "SageMakerDesiredState{endpoint=" + endpointName + ", variant=" + variantName + ", model=" + modelName
                + ", endpointConfig=" + endpointConfigName + ", instanceType=" + instanceType + ", policies="
                + allPolicies().stream().map(PutScalingPolicyRequest::policyName).toList()
                + (inferenceComponent == null ? "" : ", inferenceComponent=" + inferenceComponent.name() + ", alarm=" + inferenceComponent.alarmName()) + "}";
    }

    /**
     * The Application Auto Scaling resource id: {@code endpoint/<endpoint>/variant/<variant>}, or
     * {@code inference-component/<name>} with scale to zero.
     */
    public String resourceId() {
        return registerScalableTarget.resourceId();
    }

    /** The scalable dimension: {@code sagemaker:variant:DesiredInstanceCount}, or {@code sagemaker:inference-component:DesiredCopyCount}. */
    public String scalableDimension() {
        return registerScalableTarget.scalableDimensionAsString();
    }

    /** True when the endpoint deploys through an inference component (scale to zero). */
    public boolean isInferenceComponent() {
        return inferenceComponent != null;
    }

    /** Every policy apply puts on the scalable target: the target-tracking ones, then the step policy of scale to zero. */
    public List<PutScalingPolicyRequest> allPolicies() {
        if (inferenceComponent == null) {
            return scalingPolicies;
        }
        List<PutScalingPolicyRequest> all = new ArrayList<>(scalingPolicies);
        all.add(inferenceComponent.stepScalingPolicy());
        return all;
    }

    /** {@code endpoint/<endpoint>/variant/<variant>}. */
    public static String resourceId(String endpoint, String variant) {
        return "endpoint/" + endpoint + "/variant/" + variant;
    }

    /** The calls as {@code {"service", "operation", "request"}} trees, in call order for a fresh account. */
    public List<Map<String, Object>> calls() {
        List<Map<String, Object>> calls = new ArrayList<>();
        calls.add(call("sagemaker", "CreateModel", createModel));
        calls.add(call("sagemaker", "CreateEndpointConfig", createEndpointConfig));
        calls.add(call("sagemaker", "CreateEndpoint", createEndpoint));
        if (inferenceComponent != null) {
            calls.add(call("sagemaker", "CreateInferenceComponent", inferenceComponent.createInferenceComponent()));
        }
        calls.add(call("application-autoscaling", "RegisterScalableTarget", registerScalableTarget));
        allPolicies().forEach(p -> calls.add(call("application-autoscaling", "PutScalingPolicy", p)));
        if (inferenceComponent != null) {
            calls.add(call("cloudwatch", "PutMetricAlarm", inferenceComponent.putMetricAlarm()));
        }
        return calls;
    }

    /** The calls as a pretty-printed JSON array, as {@code render} prints it. */
    public String toJson() {
        return Json.write(calls()) + "\n";
    }

    private static Map<String, Object> call(String service, String operation, SdkPojo request) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("service", service);
        m.put("operation", operation);
        m.put("request", RequestTree.of(request));
        return m;
    }
}
