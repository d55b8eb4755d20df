package io.inferscale.backend.sagemaker.internal;

import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointConfigResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeInferenceComponentResponse;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;

import java.util.List;

/**
 * What exists of an endpoint, as {@link SageMakerLiveReader} read it.
 *
 * @param endpoint    the endpoint's description; null when it does not exist
 * @param config      the config the endpoint runs, read only when it is not the desired one (its content hash says
 *                    everything otherwise); else null
 * @param variantName the live variant's name (the desired one when nothing else is known)
 * @param variant     the live production variant, from {@code config}; null when {@code config} is
 * @param target      the variant's scalable target; null when not registered
 * @param policies    the scalable target's scaling policies
 * @param configs     this endpoint's own endpoint-config names (null when not listed: a fresh apply does not list,
 *                    its creates accept an existing name of the same content)
 * @param models      this endpoint's own model names (null when not listed)
 * @param inferenceComponent with scale to zero: the inference component's description; null when it does not exist or
 *                    the spec has no scale to zero
 * @param alarm       with scale to zero: the CloudWatch alarm of scale-out from zero; null when missing
 */
public record LiveEndpoint(DescribeEndpointResponse endpoint, DescribeEndpointConfigResponse config, String variantName,
                           ProductionVariant variant, ScalableTarget target, List<ScalingPolicy> policies,
                           List<String> configs, List<String> models, DescribeInferenceComponentResponse inferenceComponent,
                           MetricAlarm alarm) {

    /** The live state of a plain endpoint (no inference component, no alarm). */
    public LiveEndpoint(DescribeEndpointResponse endpoint, DescribeEndpointConfigResponse config, String variantName,
                        ProductionVariant variant, ScalableTarget target, List<ScalingPolicy> policies,
                        List<String> configs, List<String> models) {
        this(endpoint, config, variantName, variant, target, policies, configs, models, null, null);
    }

    /**
     * True when the endpoint description shows a variant with managed instance scaling: an endpoint InferScale deployed
     * for scale to zero, through an inference component (plain endpoints never enable it).
     */
    public static boolean hostsInferenceComponents(DescribeEndpointResponse ep) {
        return ep != null && ep.hasProductionVariants() && ep.productionVariants().stream()
                .anyMatch(v -> v.managedInstanceScaling() != null && v.managedInstanceScaling().status() != null
                        && "ENABLED".equals(v.managedInstanceScaling().statusAsString()));
    }
}
