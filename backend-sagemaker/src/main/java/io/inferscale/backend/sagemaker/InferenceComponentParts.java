package io.inferscale.backend.sagemaker;

import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateInferenceComponentRequest;

import java.util.Objects;

/**
 * The part of a {@link SageMakerDesiredState} that only an endpoint with {@code spec.autoscaling.scaleToZero} has: the
 * inference component that holds the model on the endpoint, and the two objects AWS documents for scaling out from
 * zero copies, a step-scaling policy and the CloudWatch alarm on {@code NoCapacityInvocationFailures} that triggers it
 * ("Scale an endpoint to zero instances", https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html).
 *
 * @param name                     the inference component's name, {@code <endpoint>-ic}
 * @param createInferenceComponent the CreateInferenceComponent request (model, compute requirements, 1 copy)
 * @param stepScalingPolicy        the step-scaling PutScalingPolicy request on the inference component's copy count
 * @param putMetricAlarm           the PutMetricAlarm request, its AlarmActions holding {@link #POLICY_ARN_PLACEHOLDER}
 *                                 until the step policy's ARN is known ({@link #alarmFor})
 */
public record InferenceComponentParts(String name, CreateInferenceComponentRequest createInferenceComponent,
                                      PutScalingPolicyRequest stepScalingPolicy, PutMetricAlarmRequest putMetricAlarm) {

    /** The suffix of the inference component's name after the endpoint name. */
    public static final String NAME_SUFFIX = "-ic";
    /** The name of the step-scaling policy that adds a copy when the endpoint has none. */
    public static final String STEP_POLICY_NAME = "inferscale-scale-out-from-zero";
    /** What {@code render} shows in the alarm's AlarmActions: the ARN PutScalingPolicy returns, unknown offline. */
    public static final String POLICY_ARN_PLACEHOLDER = "<PolicyARN returned by PutScalingPolicy " + STEP_POLICY_NAME + ">";

    /** Checks that nothing is missing. */
    public InferenceComponentParts {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createInferenceComponent, "createInferenceComponent");
        Objects.requireNonNull(stepScalingPolicy, "stepScalingPolicy");
        Objects.requireNonNull(putMetricAlarm, "putMetricAlarm");
    }

    /** The inference component name of endpoint {@code endpoint}: {@code <endpoint>-ic}. */
    public static String nameOf(String endpoint) {
        return endpoint + NAME_SUFFIX;
    }

    /** The CloudWatch alarm's name for endpoint {@code endpoint}: {@code inferscale-<endpoint>-ic-no-capacity}. */
    public static String alarmNameOf(String endpoint) {
        return "inferscale-" + nameOf(endpoint) + "-no-capacity";
    }

    /** The Application Auto Scaling resource id of the inference component, {@code inference-component/<name>}. */
    public static String resourceIdOf(String endpoint) {
        return "inference-component/" + nameOf(endpoint);
    }

    /** The alarm's name. */
    public String alarmName() {
        return putMetricAlarm.alarmName();
    }

    /** The PutMetricAlarm request with the step policy's real ARN as its only alarm action. */
    public PutMetricAlarmRequest alarmFor(String policyArn) {
        return putMetricAlarm.toBuilder().alarmActions(policyArn).build();
    }
}
