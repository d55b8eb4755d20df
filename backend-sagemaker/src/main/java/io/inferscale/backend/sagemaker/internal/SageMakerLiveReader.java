package io.inferscale.backend.sagemaker.internal;

import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.backend.sagemaker.InferenceComponentParts;
import io.inferscale.backend.sagemaker.SageMakerDesiredState;
import io.inferscale.backend.sagemaker.SageMakerTranslator;
import software.amazon.awssdk.services.applicationautoscaling.model.DescribeScalingPoliciesResponse;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingActivity;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointConfigResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeInferenceComponentResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointConfigSummary;
import software.amazon.awssdk.services.sagemaker.model.EndpointSummary;
import software.amazon.awssdk.services.sagemaker.model.ListEndpointConfigsResponse;
import software.amazon.awssdk.services.sagemaker.model.ListModelsResponse;
import software.amazon.awssdk.services.sagemaker.model.ModelSummary;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantSummary;
import software.amazon.awssdk.services.sagemaker.model.Tag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.inferscale.backend.sagemaker.internal.AwsCalls.call;
import static io.inferscale.backend.sagemaker.internal.AwsCalls.findOrEmpty;

/** Reads what exists of an endpoint (Describe* and List* calls only): the live state to plan against, and statuses. */
public final class SageMakerLiveReader {

    private static final String VARIANT_DIMENSION = ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT.toString();
    // limits of the APIs (botocore models): DescribeScalableTargets' ResourceIds and MaxResults 1..50 (application-autoscaling
    // ResourceIdsMaxLen1600, max 50); DescribeScalingPolicies' MaxResults 1..10; SageMaker's list MaxResults 1..100;
    // NameContains at most 63 characters (EndpointConfigNameContains, ModelNameContains)
    private static final int TARGET_IDS_PER_CALL = 50;
    private static final int POLICIES_PER_PAGE = 10;
    private static final int NAMES_PER_PAGE = 100;
    private static final int NAME_CONTAINS_MAX = 63;

    private final SageMakerClients clients;

    /** A reader through {@code clients}. */
    public SageMakerLiveReader(SageMakerClients clients) {
        this.clients = clients;
    }

    /**
     * Reads the endpoint whose description is {@code ep} (null: it does not exist): when it exists,
     * DescribeScalableTargets, DescribeScalingPolicies, ListEndpointConfigs and ListModels, plus DescribeEndpointConfig
     * only when the endpoint runs another config than the desired one; with scale to zero also DescribeInferenceComponent
     * and DescribeAlarms, and the scalable target and policies are the inference component's. {@code listWhenMissing}: list configs and models
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
        if (t.isInferenceComponent()) {
            String ic = t.inferenceComponent().name();
            DescribeInferenceComponentResponse component = describeInferenceComponent(ic).orElse(null);
            ScalableTarget target = scalableTarget(t.resourceId(), t.scalableDimension());
            List<ScalingPolicy> policies = target == null ? List.of() : policies(t.resourceId(), t.scalableDimension());
            MetricAlarm alarm = alarm(t.inferenceComponent().alarmName()).orElse(null);
            return new LiveEndpoint(ep, cfg, variantName, variant, target, policies, ownConfigs(name), ownModels(name), component, alarm);
        }
        String resourceId = SageMakerDesiredState.resourceId(name, variantName);
        ScalableTarget target = scalableTarget(resourceId, VARIANT_DIMENSION);
        List<ScalingPolicy> policies = target == null ? List.of() : policies(resourceId, VARIANT_DIMENSION);
        return new LiveEndpoint(ep, cfg, variantName, variant, target, policies, ownConfigs(name), ownModels(name));
    }

    /** DescribeInferenceComponent; empty when it does not exist. */
    public Optional<DescribeInferenceComponentResponse> describeInferenceComponent(String name) {
        return findOrEmpty("DescribeInferenceComponent " + name, () -> clients.sageMaker().describeInferenceComponent(b -> b.inferenceComponentName(name)));
    }

    /** DescribeAlarms of one alarm name; empty when it does not exist. */
    public Optional<MetricAlarm> alarm(String name) {
        return call("DescribeAlarms " + name, () -> clients.cloudWatch().describeAlarms(b -> b.alarmNames(name)).metricAlarms())
                .stream().filter(a -> a.alarmName().equals(name)).findFirst();
    }

    /**
     * The full status (get, status, list, awaitReady): six reads, scaling activities included (seven for an endpoint
     * with an inference component: DescribeInferenceComponent, and the copy count's target); empty when the endpoint does not exist.
     */
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
        boolean ic = LiveEndpoint.hostsInferenceComponents(ep);
        String resourceId = ic ? InferenceComponentParts.resourceIdOf(name) : SageMakerDesiredState.resourceId(name, variantName);
        String dimension = ic ? SageMakerTranslator.IC_SCALABLE_DIMENSION : VARIANT_DIMENSION;
        DescribeInferenceComponentResponse component = ic ? describeInferenceComponent(InferenceComponentParts.nameOf(name)).orElse(null) : null;
        ScalableTarget target = scalableTarget(resourceId, dimension);
        List<ScalingPolicy> policies = policies(resourceId, dimension);
        List<ScalingActivity> activities = call("DescribeScalingActivities " + resourceId, () -> clients.autoScaling().describeScalingActivities(r -> r
                .serviceNamespace(ServiceNamespace.SAGEMAKER).resourceId(resourceId)
                .scalableDimension(dimension).maxResults(5)).scalingActivities());
        String modelName = component != null && component.specification() != null ? component.specification().modelName()
                : liveVariant.map(ProductionVariant::modelName).orElse(null);
        EndpointStatus status = SageMakerStatusMapper.status(ep, variantName, liveVariant.map(ProductionVariant::instanceTypeAsString).orElse(null),
                modelName, modelRef, target, policies, activities);
        return Optional.of(ic ? SageMakerStatusMapper.withInferenceComponent(status, ep, InferenceComponentParts.nameOf(name), component) : status);
    }

    /** The status of every endpoint tagged as InferScale's, sorted by name. */
    public List<EndpointStatus> statuses() {
        List<EndpointStatus> out = new ArrayList<>();
        for (EndpointSummary e : endpoints()) {
            List<Tag> tags = call("ListTags " + e.endpointName(), () -> clients.sageMaker().listTags(b -> b.resourceArn(e.endpointArn())).tags());
            if (tags.stream().anyMatch(t -> t.key().equals(SageMakerTranslator.MANAGED_BY_TAG))) {
                status(e.endpointName()).ifPresent(out::add);
            }
        }
        out.sort(Comparator.comparing(EndpointStatus::name));
        return out;
    }

    /**
     * The names of every endpoint in the account and region, whoever made it (ListEndpoints, 100 a page): a fleet apply
     * learns from it which endpoints do not exist yet.
     */
    public Set<String> endpointNames() {
        Set<String> out = new HashSet<>();
        for (EndpointSummary e : endpoints()) {
            out.add(e.endpointName());
        }
        return out;
    }

    private List<EndpointSummary> endpoints() {
        return call("ListEndpoints", () -> clients.sageMaker().listEndpointsPaginator(b -> b.maxResults(100)).endpoints().stream().toList());
    }

    /**
     * Reads the parts of many plain endpoints in bulk, for {@link FleetSnapshot}: the scalable targets of
     * {@code scaled}'s variants (DescribeScalableTargets, 50 resource ids a call: the API's limit), every scaling policy
     * of the variant dimension in the account's {@code sagemaker} namespace (DescribeScalingPolicies, 10 a page: the
     * API's limit), and the endpoint-config and model names containing the common prefix of {@code named}'s own names
     * (ListEndpointConfigs, ListModels, 100 a page). The names of an endpoint's own are filtered by
     * {@link SageMakerTranslator#isOwnName} when used, as per endpoint.
     *
     * <p>A listing that needs more pages than per-endpoint reads would cost (policies: {@code scaled}'s size; names:
     * {@code named}'s) stops there and is null in the snapshot: {@link FleetSnapshot#live} then reads that kind per
     * endpoint. So the bulk read never costs more than twice the per-endpoint reads, and usually a small fraction.
     *
     * @param named  the endpoints whose configs and models to list (empty: none listed)
     * @param scaled the endpoints whose targets and policies to read (empty: none read)
     */
    public FleetSnapshot readFleet(List<SageMakerDesiredState> named, List<SageMakerDesiredState> scaled) {
        Set<String> ids = new LinkedHashSet<>();
        scaled.stream().filter(t -> !t.isInferenceComponent()).forEach(t -> ids.add(t.resourceId()));
        Map<String, ScalableTarget> targets = new HashMap<>();
        List<String> idList = List.copyOf(ids);
        for (int from = 0; from < idList.size(); from += TARGET_IDS_PER_CALL) {
            List<String> chunk = idList.subList(from, Math.min(idList.size(), from + TARGET_IDS_PER_CALL));
            call("DescribeScalableTargets of " + chunk.size() + " endpoints", () -> clients.autoScaling().describeScalableTargetsPaginator(b -> b
                    .serviceNamespace(ServiceNamespace.SAGEMAKER).resourceIds(chunk).scalableDimension(VARIANT_DIMENSION)
                    .maxResults(TARGET_IDS_PER_CALL)).scalableTargets().stream().toList())
                    .forEach(target -> targets.put(target.resourceId(), target));
        }
        Map<String, List<ScalingPolicy>> policies = null;
        if (!targets.isEmpty()) {
            Map<String, List<ScalingPolicy>> byId = new HashMap<>();
            boolean complete = call("DescribeScalingPolicies of the sagemaker namespace", () -> pages(clients.autoScaling().describeScalingPoliciesPaginator(b -> b
                    .serviceNamespace(ServiceNamespace.SAGEMAKER).maxResults(POLICIES_PER_PAGE)), ids.size(),
                    DescribeScalingPoliciesResponse::nextToken, page -> page.scalingPolicies().stream()
                            .filter(p -> VARIANT_DIMENSION.equals(p.scalableDimensionAsString()))
                            .forEach(p -> byId.computeIfAbsent(p.resourceId(), k -> new ArrayList<>()).add(p))));
            policies = complete ? byId : null;
        }
        TreeSet<String> configs = null;
        TreeSet<String> models = null;
        if (!named.isEmpty()) {
            configs = namesListed("ListEndpointConfigs", named, "c", prefix -> clients.sageMaker().listEndpointConfigsPaginator(b -> b
                    .nameContains(prefix).maxResults(NAMES_PER_PAGE)), ListEndpointConfigsResponse::nextToken,
                    page -> page.endpointConfigs().stream().map(EndpointConfigSummary::endpointConfigName));
            models = namesListed("ListModels", named, "m", prefix -> clients.sageMaker().listModelsPaginator(b -> b
                    .nameContains(prefix).maxResults(NAMES_PER_PAGE)), ListModelsResponse::nextToken,
                    page -> page.models().stream().map(ModelSummary::modelName));
        }
        return new FleetSnapshot(ids, targets, policies, configs, models);
    }

    /**
     * The names a list call ({@code operation}) returns for the common prefix of {@code named}'s own names of
     * {@code kind} (NameContains; none when they share no prefix), sorted; null when more pages follow after as many
     * pages as {@code named} has endpoints (per-endpoint reads are cheaper then).
     */
    private <P> TreeSet<String> namesListed(String operation, List<SageMakerDesiredState> named, String kind,
                                            Function<String, Iterable<P>> pagesFor, Function<P, String> nextToken,
                                            Function<P, Stream<String>> namesOf) {
        String prefix = commonPrefix(named.stream().map(t -> SageMakerTranslator.prefix(t.endpointName(), kind)).toList());
        TreeSet<String> names = new TreeSet<>();
        boolean complete = call(operation + " " + prefix, () -> pages(pagesFor.apply(prefix.isEmpty() ? null : prefix), named.size(),
                nextToken, page -> namesOf.apply(page).forEach(names::add)));
        return complete ? names : null;
    }

    /**
     * Reads {@code pages} into {@code each} until the last page or until {@code limit} pages were read and more follow;
     * true when every page was read.
     */
    private static <P> boolean pages(Iterable<P> pages, int limit, Function<P, String> nextToken, Consumer<P> each) {
        int read = 0;
        for (P page : pages) {
            each.accept(page);
            read++;
            if (nextToken.apply(page) != null && read >= limit) {
                return false;
            }
        }
        return true;
    }

    /** The longest common prefix of {@code names}, cut to the 63 characters a NameContains filter takes. */
    static String commonPrefix(List<String> names) {
        String common = names.get(0);
        for (String n : names) {
            int i = 0;
            while (i < common.length() && i < n.length() && common.charAt(i) == n.charAt(i)) {
                i++;
            }
            common = common.substring(0, i);
        }
        return common.length() > NAME_CONTAINS_MAX ? common.substring(0, NAME_CONTAINS_MAX) : common;
    }

    /** DescribeScalableTargets of one target; null when not registered. */
    ScalableTarget scalableTarget(String resourceId, String dimension) {
        return call("DescribeScalableTargets " + resourceId, () -> clients.autoScaling().describeScalableTargets(b -> b
                .serviceNamespace(ServiceNamespace.SAGEMAKER).resourceIds(resourceId)
                .scalableDimension(dimension)).scalableTargets())
                .stream().findFirst().orElse(null);
    }

    /** DescribeScalingPolicies of the scalable target {@code resourceId} / {@code dimension}. */
    public List<ScalingPolicy> policies(String resourceId, String dimension) {
        return call("DescribeScalingPolicies " + resourceId, () -> clients.autoScaling().describeScalingPoliciesPaginator(b -> b
                .serviceNamespace(ServiceNamespace.SAGEMAKER).resourceId(resourceId)
                .scalableDimension(dimension)).scalingPolicies().stream().toList());
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
