package io.inferscale.backend.sagemaker.internal;

import io.inferscale.backend.sagemaker.SageMakerDesiredState;
import io.inferscale.backend.sagemaker.SageMakerTranslator;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a fleet apply or plan read in bulk for many plain endpoints at once ({@link SageMakerLiveReader#readFleet}):
 * their variants' scalable targets, the scaling policies of those targets, and the endpoint-config and model names
 * of the fleet's prefixes. {@link #live} assembles one endpoint's {@link LiveEndpoint} from it and that endpoint's
 * own DescribeEndpoint answer, the same record {@link SageMakerLiveReader#read} builds with per-endpoint calls.
 *
 * <p>A kind the reader gave up listing (more pages than the fleet has endpoints: listing the account would cost more
 * than reading per endpoint) is null here, and {@link #live} reads it for the endpoint as {@code read} does.
 *
 * @param targetIds the resource ids whose scalable targets were asked for; a target of another id is read per endpoint
 * @param targets   the scalable targets found, by resource id (an id asked for and absent: not registered)
 * @param policies  the {@code inferscale-} and other policies of the variant dimension, by resource id; null when not listed
 * @param configs   endpoint-config names containing the fleet's common prefix, sorted (an endpoint's own are found by
 *                  its prefix in O(log n)); null when not listed
 * @param models    model names containing the fleet's common prefix, sorted; null when not listed
 */
public record FleetSnapshot(Set<String> targetIds, Map<String, ScalableTarget> targets, Map<String, List<ScalingPolicy>> policies,
                            NavigableSet<String> configs, NavigableSet<String> models) {

    /** Nothing read: every endpoint reads for itself (a fleet none of whose endpoints exists, before its creates). */
    public static final FleetSnapshot NONE = new FleetSnapshot(Set.of(), Map.of(), null, null, null);

    /** Copies the collections (a sorted set is copied in linear time, keeping its order). */
    public FleetSnapshot {
        targetIds = Set.copyOf(targetIds);
        targets = Map.copyOf(targets);
        policies = policies == null ? null : Map.copyOf(policies);
        configs = configs == null ? null : Collections.unmodifiableNavigableSet(new TreeSet<>(configs));
        models = models == null ? null : Collections.unmodifiableNavigableSet(new TreeSet<>(models));
    }

    /**
     * The live state of {@code t}, whose DescribeEndpoint answer is {@code ep} (null: it does not exist), from this
     * snapshot where it holds the endpoint's parts and from {@code reader} where not: an endpoint with an inference
     * component, or running another config than the desired one (its variant may have another name), is read
     * entirely by {@link SageMakerLiveReader#read}.
     *
     * @param listWhenMissing as for {@link SageMakerLiveReader#read}: configs and models also when the endpoint does not exist
     */
    public LiveEndpoint live(SageMakerDesiredState t, DescribeEndpointResponse ep, boolean listWhenMissing, SageMakerLiveReader reader) {
        String name = t.endpointName();
        boolean exists = ep != null && ep.endpointStatus() != EndpointStatus.DELETING;
        if (t.isInferenceComponent() || exists && !t.endpointConfigName().equals(ep.endpointConfigName())) {
            return reader.read(t, ep, listWhenMissing);
        }
        if (!exists) {
            return new LiveEndpoint(ep, null, t.variantName(), null, null, List.of(),
                    listWhenMissing ? configsOf(name, reader) : null, listWhenMissing ? modelsOf(name, reader) : null);
        }
        String resourceId = t.resourceId();
        ScalableTarget target = targetIds.contains(resourceId) ? targets.get(resourceId) : reader.scalableTarget(resourceId, t.scalableDimension());
        List<ScalingPolicy> targetPolicies = target == null ? List.of()
                : policies != null ? policies.getOrDefault(resourceId, List.of()) : reader.policies(resourceId, t.scalableDimension());
        return new LiveEndpoint(ep, null, t.variantName(), null, target, targetPolicies, configsOf(name, reader), modelsOf(name, reader));
    }

    private List<String> configsOf(String endpoint, SageMakerLiveReader reader) {
        return configs == null ? reader.ownConfigs(endpoint) : own(configs, endpoint, "c");
    }

    private List<String> modelsOf(String endpoint, SageMakerLiveReader reader) {
        return models == null ? reader.ownModels(endpoint) : own(models, endpoint, "m");
    }

    /** The names of {@code names} that are {@code endpoint}'s own of {@code kind}, sorted: those after its prefix. */
    private static List<String> own(NavigableSet<String> names, String endpoint, String kind) {
        String prefix = SageMakerTranslator.prefix(endpoint, kind);
        return names.subSet(prefix, true, prefix + Character.MAX_VALUE, false).stream()
                .filter(n -> SageMakerTranslator.isOwnName(endpoint, kind, n)).toList();
    }
}
