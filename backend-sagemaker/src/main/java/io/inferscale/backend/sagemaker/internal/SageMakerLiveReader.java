package io.inferscale.backend.sagemaker.internal;

import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.backend.sagemaker.SageMakerDesiredState;
import io.inferscale.backend.sagemaker.SageMakerTranslator;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingActivity;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointConfigResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointConfigSummary;
import software.amazon.awssdk.services.sagemaker.model.EndpointSummary;
import software.amazon.awssdk.services.sagemaker.model.ModelSummary;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantSummary;
import software.amazon.awssdk.services.sagemaker.model.Tag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import static io.inferscale.backend.sagemaker.internal.AwsCalls.call;
import static io.inferscale.backend.sagemaker.internal.AwsCalls.findOrEmpty;

/** Reads what exists of an endpoint (Describe* and List* calls only): the live state to plan against, and statuses. */
public final class SageMakerLiveReader {

    private final SageMakerClients clients;

    /** A reader through {@code clients}. */
    public SageMakerLiveReader(SageMakerClients clients) {
        this.clients = clients;
    }

    /**
     * Reads the endpoint whose description is {@code ep} (null: it does not exist): when it exists,
     * DescribeScalableTargets, DescribeScalingPolicies, ListEndpointConfigs and ListModels, plus DescribeEndpointConfig
     * only when the endpoint runs another config than the desired one. {@code listWhenMissing}: list configs and models
     * also when the endpoint does not exist (plan shows what a resumed apply will not create again).
     */
    public LiveEndpoint read(SageMakerDesiredState t, DescribeEndpointResponse ep, boolean listWhenMissing) {
        String name = t.endpointName();
        boolean exists = ep != null && ep.endpointStatus() != software.amazon.awssdk.services.sagemaker.model.EndpointStatus.DELETING;
        if (!exists) {
            List<String> configs = listWhenMissing ? ownConfigs(name) : null;
            List<String> models = listWhenMissing ? ownModels(name) : null;
            return new LiveEndpoint(ep, null, t.variantName(), null, null, List.of(), configs, models);
        }
        DescribeEndpointConfigResponse cfg = null;
        String variantName = t.variantName();
        ProductionVariant variant = null;
        if (!t.endpointConfigName().equals(ep.endpointConfigName())) {
            cfg = describeConfig(ep.endpointConfigName()).orElse(null);
            if (cfg != null && cfg.hasProductionVariants() && !cfg.productionVariants().isEmpty()) {
                variant = cfg.productionVariants().get(0);
                variantName = variant.variantName();
            } else if (ep.hasProductionVariants() && !ep.productionVariants().isEmpty()) {
                variantName = ep.productionVariants().get(0).variantName();
            }
        }
        String resourceId = SageMakerDesiredState.resourceId(name, variantName);
        ScalableTarget target = scalableTarget(resourceId);
        List<ScalingPolicy> policies = target == null ? List.of() : policies(resourceId);
        return new LiveEndpoint(ep, cfg, variantName, variant, target, policies, ownConfigs(name), ownModels(name));
    }

    /** The full status (get, status, list, awaitReady): six reads, scaling activities included; empty when the endpoint does not exist. */
    public Optional<EndpointStatus> status(String name) {
        Optional<DescribeEndpointResponse> found = describeEndpoint(name);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        DescribeEndpointResponse ep = found.get();
        ProductionVariantSummary v = ep.hasProductionVariants() && !ep.productionVariants().isEmpty() ? ep.productionVariants().get(0) : null;
        String variantName = v == null ? SageMakerTranslator.DEFAULT_VARIANT_NAME : v.variantName();
        Optional<DescribeEndpointConfigResponse> cfg = describeConfig(ep.endpointConfigName());
        Optional<ProductionVariant> liveVariant = cfg.filter(DescribeEndpointConfigResponse::hasProductionVariants)
                .flatMap(c -> c.productionVariants().stream().filter(pv -> pv.variantName().equals(variantName)).findFirst());
        // the model reference is a tag of the (immutable) endpoint config, so it always names the model the config runs
        String modelRef = cfg.map(c -> call("ListTags " + c.endpointConfigName(), () -> clients.sageMaker().listTags(r -> r.resourceArn(c.endpointConfigArn())).tags())
                .stream().filter(t -> t.key().equals(SageMakerTranslator.MODEL_TAG)).map(Tag::value).findFirst().orElse(null)).orElse(null);
        String resourceId = SageMakerDesiredState.resourceId(name, variantName);
        ScalableTarget target = scalableTarget(resourceId);
        List<ScalingPolicy> policies = policies(resourceId);
        List<ScalingActivity> activities = call("DescribeScalingActivities " + resourceId, () -> clients.autoScaling().describeScalingActivities(r -> r
                .serviceNamespace(ServiceNamespace.SAGEMAKER).resourceId(resourceId)
                .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT).maxResults(5)).scalingActivities());
        return Optional.of(SageMakerStatusMapper.status(ep, variantName, liveVariant.map(ProductionVariant::instanceTypeAsString).orElse(null),
                liveVariant.map(ProductionVariant::modelName).orElse(null), modelRef, target, policies, activities));
    }

    /** The status of every endpoint tagged as InferScale's, sorted by name. */
    public List<EndpointStatus> statuses() {
        List<EndpointStatus> out = new ArrayList<>();
        List<EndpointSummary> endpoints = call("ListEndpoints", () -> clients.sageMaker().listEndpointsPaginator(b -> b.maxResults(100)).endpoints().stream().toList());
        for (EndpointSummary e : endpoints) {
            List<Tag> tags = call("ListTags " + e.endpointName(), () -> clients.sageMaker().listTags(b -> b.resourceArn(e.endpointArn())).tags());
            if (tags.stream().anyMatch(t -> t.key().equals(SageMakerTranslator.MANAGED_BY_TAG))) {
                status(e.endpointName()).ifPresent(out::add);
            }
        }
        out.sort(Comparator.comparing(EndpointStatus::name));
        return out;
    }

    private ScalableTarget scalableTarget(String resourceId) {
        return call("DescribeScalableTargets " + resourceId, () -> clients.autoScaling().describeScalableTargets(b -> b
                .serviceNamespace(ServiceNamespace.SAGEMAKER).resourceIds(resourceId)
                .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)).scalableTargets())
                .stream().findFirst().orElse(null);
    }

    private List<ScalingPolicy> policies(String resourceId) {
        return call("DescribeScalingPolicies " + resourceId, () -> clients.autoScaling().describeScalingPoliciesPaginator(b -> b
                .serviceNamespace(ServiceNamespace.SAGEMAKER).resourceId(resourceId)
                .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)).scalingPolicies().stream().toList());
    }

    /** DescribeEndpoint; empty when the endpoint does not exist. */
    public Optional<DescribeEndpointResponse> describeEndpoint(String name) {
        return findOrEmpty("DescribeEndpoint " + name, () -> clients.sageMaker().describeEndpoint(b -> b.endpointName(name)));
    }

    private Optional<DescribeEndpointConfigResponse> describeConfig(String name) {
        return findOrEmpty("DescribeEndpointConfig " + name, () -> clients.sageMaker().describeEndpointConfig(b -> b.endpointConfigName(name)));
    }

    /** ListEndpointConfigs: the names of this endpoint's own configs (its content-hashed prefix), sorted. */
    public List<String> ownConfigs(String endpoint) {
        String prefix = SageMakerTranslator.prefix(endpoint, "c");
        return call("ListEndpointConfigs " + prefix, () -> clients.sageMaker().listEndpointConfigsPaginator(b -> b.nameContains(prefix).maxResults(100))
                .endpointConfigs().stream().map(EndpointConfigSummary::endpointConfigName)
                .filter(n -> SageMakerTranslator.isOwnName(endpoint, "c", n)).sorted().toList());
    }

    /** ListModels: the names of this endpoint's own models, sorted. */
    public List<String> ownModels(String endpoint) {
        String prefix = SageMakerTranslator.prefix(endpoint, "m");
        return call("ListModels " + prefix, () -> clients.sageMaker().listModelsPaginator(b -> b.nameContains(prefix).maxResults(100))
                .models().stream().map(ModelSummary::modelName)
                .filter(n -> SageMakerTranslator.isOwnName(endpoint, "m", n)).sorted().toList());
    }
}
