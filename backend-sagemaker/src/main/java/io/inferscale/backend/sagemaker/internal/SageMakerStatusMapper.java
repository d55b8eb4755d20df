package io.inferscale.backend.sagemaker.internal;

import io.inferscale.api.backend.Condition;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.MetricStatus;
import io.inferscale.backend.sagemaker.SageMakerDesiredState;
import io.inferscale.backend.sagemaker.SageMakerSettings;
import io.inferscale.backend.sagemaker.SageMakerTranslator;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingActivity;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeInferenceComponentResponse;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantSummary;
import software.amazon.awssdk.services.sagemaker.model.Tag;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** SageMaker and Application Auto Scaling descriptions → the neutral {@link EndpointStatus}. Pure. */
public final class SageMakerStatusMapper {

    private SageMakerStatusMapper() {
    }

    /**
     * The status apply returns, from the reads of its last (verification) round and the spec they matched: no further
     * call. It carries no scaling activities; {@code status} reads them.
     */
    public static EndpointStatus applied(SageMakerDesiredState t, LiveEndpoint live) {
        String modelRef = t.createModel().tags().stream().filter(tag -> tag.key().equals(SageMakerTranslator.MODEL_TAG))
                .map(Tag::value).findFirst().orElse(null);
        EndpointStatus s = status(live.endpoint(), t.variantName(), t.instanceType(), t.modelName(), modelRef, live.target(), live.policies(), List.of());
        return t.isInferenceComponent() ? withInferenceComponent(s, live.endpoint(), t.inferenceComponent().name(), live.inferenceComponent()) : s;
    }

    /**
     * The status of an endpoint that hosts the inference component {@code name}: replicas are the component's copies
     * (current, desired), the state READY with every desired copy placed (also at 0 copies: scaled to zero), and the
     * component's status and copy counts as details. {@code component} null: the component is missing (DEGRADED).
     */
    public static EndpointStatus withInferenceComponent(EndpointStatus s, DescribeEndpointResponse ep, String name,
                                                        DescribeInferenceComponentResponse component) {
        EndpointStatus.Builder b = s.toBuilder().detail("inferenceComponentName", name);
        if (component == null) {
            b.detail("inferenceComponentStatus", "missing");
            if (s.state() == EndpointState.READY) {
                b.state(EndpointState.DEGRADED).message("inference component " + name + " does not exist");
            }
            return b.replicas(0, 0).build();
        }
        var rc = component.runtimeConfig();
        int current = rc == null || rc.currentCopyCount() == null ? 0 : rc.currentCopyCount();
        int desired = rc == null || rc.desiredCopyCount() == null ? 0 : rc.desiredCopyCount();
        b.replicas(current, desired).detail("inferenceComponentStatus", component.inferenceComponentStatusAsString())
                .detail("instanceCount", String.valueOf(ep.hasProductionVariants() && !ep.productionVariants().isEmpty()
                        && ep.productionVariants().get(0).currentInstanceCount() != null ? ep.productionVariants().get(0).currentInstanceCount() : 0));
        EndpointState state = state(ep.endpointStatus(), current, desired);
        String cs = Objects.toString(component.inferenceComponentStatusAsString(), "");
        if (state == EndpointState.READY || state == EndpointState.DEGRADED) {
            state = switch (cs) {
                case "Creating" -> EndpointState.CREATING;
                case "Updating" -> EndpointState.UPDATING;
                case "Deleting" -> EndpointState.DELETING;
                case "Failed" -> EndpointState.FAILED;
                default -> state;
            };
        }
        b.state(state);
        if (component.failureReason() != null) {
            b.message(component.failureReason());
        }
        return b.build();
    }

    /** The status DescribeEndpoint alone shows (state, instances, failure reason): what a wait reports as progress. */
    public static EndpointStatus observed(DescribeEndpointResponse ep) {
        ProductionVariantSummary v = ep.hasProductionVariants() && !ep.productionVariants().isEmpty() ? ep.productionVariants().get(0) : null;
        String variantName = v == null ? SageMakerTranslator.DEFAULT_VARIANT_NAME : v.variantName();
        return status(ep, variantName, null, null, null, null, List.of(), List.of());
    }

    /** The status of the endpoint {@code ep} describes, its variant's instance type and model, target, policies and latest activities. */
    public static EndpointStatus status(DescribeEndpointResponse ep, String variantName, String instanceType,
                                        String modelName, String modelRef, ScalableTarget target,
                                        List<ScalingPolicy> policies, List<ScalingActivity> activities) {
        EndpointStatus.Builder b = EndpointStatus.builder(ep.endpointName(), SageMakerSettings.ID);
        ProductionVariantSummary v = ep.hasProductionVariants() && !ep.productionVariants().isEmpty() ? ep.productionVariants().get(0) : null;
        int current = v == null || v.currentInstanceCount() == null ? 0 : v.currentInstanceCount();
        int desired = v == null || v.desiredInstanceCount() == null ? 0 : v.desiredInstanceCount();
        b.state(state(ep.endpointStatus(), current, desired)).replicas(current, desired).createdAt(ep.creationTime())
                .message(ep.failureReason());
        b.detail("endpointArn", ep.endpointArn()).detail("endpointStatus", ep.endpointStatusAsString())
                .detail("endpointConfigName", ep.endpointConfigName());
        b.detail("variantName", variantName);
        if (instanceType != null) {
            b.detail("instanceType", instanceType);
        }
        if (modelName != null) {
            b.detail("modelName", modelName);
        }
        if (modelRef != null) {
            b.model(modelRef);
        }
        Optional<InstanceCatalogue.InstanceType> instance = Optional.ofNullable(instanceType).flatMap(InstanceCatalogue::find);
        if (target != null) {
            b.replicaRange(target.minCapacity(), target.maxCapacity());
        }
        for (ScalingPolicy p : policies) {
            var c = p.targetTrackingScalingPolicyConfiguration();
            if (c == null) {
                continue;
            }
            String metric = c.predefinedMetricSpecification() != null ? c.predefinedMetricSpecification().predefinedMetricTypeAsString()
                    : c.customizedMetricSpecification() != null ? c.customizedMetricSpecification().metricName() : p.policyName();
            b.metric(new MetricStatus(metric, null, neutralTarget(metric, c.targetValue(), instance)));
            b.detail("policy." + p.policyName() + ".TargetValue", plain(c.targetValue()));
        }
        for (ScalingActivity a : activities) {
            String status = switch (a.statusCodeAsString() == null ? "" : a.statusCodeAsString()) {
                case "Successful" -> "True";
                case "Failed", "Unfulfilled", "Overridden" -> "False";
                default -> "Unknown";
            };
            b.condition(new Condition("ScalingActivity", status, Objects.toString(a.statusCodeAsString(), ""), Objects.toString(a.description(), "")));
        }
        if (!activities.isEmpty()) {
            b.detail("lastScalingActivity", Objects.toString(activities.get(0).description(), ""));
        }
        return b.build();
    }

    /**
     * The target in neutral units where the conversion is known, else the native value. CPUUtilization (a sum over
     * cores, percent × requests.cpu as rendered) becomes the threshold in cores, {@code 0.3 cores} for 30: the CPU
     * request it is a percentage of is not part of the deployed state.
     */
    static String neutralTarget(String metric, Double value, Optional<InstanceCatalogue.InstanceType> instance) {
        if (value == null) {
            return "";
        }
        BigDecimal v = BigDecimal.valueOf(value);
        MathContext mc = MathContext.DECIMAL64;
        return switch (metric) {
            case "CPUUtilization" -> plain(v.movePointLeft(2).doubleValue()) + " cores";
            case "GPUUtilization" -> instance.filter(t -> t.gpuCount() > 0)
                    .map(t -> plain(v.divide(BigDecimal.valueOf(t.gpuCount()), mc).doubleValue()) + "%").orElse(plain(value));
            case "MemoryUtilization" -> plain(value) + "%";
            case "SageMakerVariantInvocationsPerInstance" -> plain(v.divide(BigDecimal.valueOf(60), mc).doubleValue()) + " rps";
            case "SageMakerVariantConcurrentRequestsPerModelHighResolution",
                 "SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution" -> plain(value) + " concurrent";
            case "SageMakerInferenceComponentInvocationsPerCopy" -> plain(v.divide(BigDecimal.valueOf(60), mc).doubleValue()) + " rps";
            case "CPUUtilizationNormalized", "MemoryUtilizationNormalized", "GPUUtilizationNormalized" -> plain(value) + "%";
            default -> plain(value);
        };
    }

    private static String plain(Double d) {
        if (d == null) {
            return "";
        }
        return d == Math.rint(d) ? Long.toString(d.longValue()) : d.toString();
    }

    /** The neutral state of a SageMaker endpoint status; an InService endpoint with fewer instances than desired is DEGRADED. */
    public static EndpointState state(software.amazon.awssdk.services.sagemaker.model.EndpointStatus s, int current, int desired) {
        if (s == null) {
            return EndpointState.UNKNOWN;
        }
        return switch (s) {
            case CREATING -> EndpointState.CREATING;
            case UPDATING, SYSTEM_UPDATING, ROLLING_BACK -> EndpointState.UPDATING;
            case IN_SERVICE -> current < desired ? EndpointState.DEGRADED : EndpointState.READY;
            case OUT_OF_SERVICE -> EndpointState.DEGRADED;
            case DELETING -> EndpointState.DELETING;
            case FAILED, UPDATE_ROLLBACK_FAILED -> EndpointState.FAILED;
            default -> EndpointState.UNKNOWN;
        };
    }
}
