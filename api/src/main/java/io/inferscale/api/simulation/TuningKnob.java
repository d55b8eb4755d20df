package io.inferscale.api.simulation;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ScalingBehavior;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.ScalingTarget;
import io.inferscale.api.TargetType;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One setting of an endpoint that {@code inferscale tune} may change on a backend: how to read it, how to set it, and
 * the coarse candidate values to try. Each {@link AutoscalerModelProvider#tuningKnobs backend} lists the knobs its cloud
 * honours natively; the tuner refines around the best coarse value (midpoints, rounded to {@link #scale()} decimals).
 *
 * <p>The replica counts ({@link Kind#MIN_REPLICAS}, {@link Kind#MAX_REPLICAS}) carry no candidates: the tuner derives
 * them from the trace's peak and the replica capacity, and searches them with their monotonicity (more maximum replicas
 * never leave more demand unserved).
 */
public final class TuningKnob {

    /** What a knob is, for the search. */
    public enum Kind {
        /** {@code spec.autoscaling.minReplicas}. */
        MIN_REPLICAS,
        /** {@code spec.autoscaling.maxReplicas}. */
        MAX_REPLICAS,
        /** The value of one scaling target, in its neutral unit. */
        TARGET,
        /** A window or cooldown, in whole seconds. */
        WINDOW
    }

    private final String name;
    private final String path;
    private final Kind kind;
    private final List<BigDecimal> candidates;
    private final int scale;
    private final Function<InferenceEndpoint, Optional<BigDecimal>> reader;
    private final BiFunction<InferenceEndpoint, BigDecimal, InferenceEndpoint> writer;

    /**
     * A knob.
     *
     * @param name       what {@code --keep} calls it, e.g. {@code maxReplicas}, {@code targetCPUUtilizationPercentage},
     *                   {@code behavior.scaleDown.stabilizationWindowSeconds}, {@code sagemaker.scaleInCooldownSeconds}
     * @param path       the document field it sets, e.g. {@code spec.autoscaling.maxReplicas}
     * @param kind       what it is
     * @param candidates coarse values to try, ascending (empty for replica counts)
     * @param scale      decimals of a value (0 for whole numbers); refined values are rounded to it
     * @param reader     the endpoint's value, empty when the field is absent (the backend's default applies)
     * @param writer     a copy of the endpoint with the value set
     * @throws IllegalArgumentException for a negative scale, or candidates on a replica-count knob
     */
    public TuningKnob(String name, String path, Kind kind, List<BigDecimal> candidates, int scale,
                      Function<InferenceEndpoint, Optional<BigDecimal>> reader,
                      BiFunction<InferenceEndpoint, BigDecimal, InferenceEndpoint> writer) {
        this.name = Objects.requireNonNull(name, "name");
        this.path = Objects.requireNonNull(path, "path");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.candidates = candidates.stream().map(v -> Objects.requireNonNull(v, "candidate")).sorted().distinct().toList();
        if (scale < 0) {
            throw new IllegalArgumentException("scale was " + scale + " but it must be 0 (whole numbers) or more decimals");
        }
        if ((kind == Kind.MIN_REPLICAS || kind == Kind.MAX_REPLICAS) && !candidates.isEmpty()) {
            throw new IllegalArgumentException(name + ": replica-count knobs carry no candidates; the tuner derives them from the trace");
        }
        this.scale = scale;
        this.reader = Objects.requireNonNull(reader, "reader");
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    /** What {@code --keep} calls this knob. */
    public String name() {
        return name;
    }

    /** The document field it sets. */
    public String path() {
        return path;
    }

    /** What it is. */
    public Kind kind() {
        return kind;
    }

    /** Coarse values to try, ascending; empty for replica counts. */
    public List<BigDecimal> candidates() {
        return candidates;
    }

    /** Decimals of a value; 0 for whole numbers. */
    public int scale() {
        return scale;
    }

    /** The endpoint's value; empty when absent (the backend's default applies). */
    public Optional<BigDecimal> read(InferenceEndpoint endpoint) {
        return reader.apply(endpoint);
    }

    /** A copy of {@code endpoint} with this knob set to {@code value}. */
    public InferenceEndpoint apply(InferenceEndpoint endpoint, BigDecimal value) {
        return writer.apply(endpoint, value);
    }

    @Override
    public String toString() {
        return "TuningKnob{" + name + ", " + kind + ", candidates=" + candidates + "}";
    }

    /** The generic knobs every backend honours: min and max replicas and the value of each target the spec uses. */
    public static List<TuningKnob> generic(InferenceEndpoint endpoint, ReplicaProfile profile) {
        List<TuningKnob> knobs = new ArrayList<>();
        knobs.add(minReplicas());
        knobs.add(maxReplicas());
        for (ScalingTarget t : endpoint.autoscaling().targets()) {
            knobs.add(target(t.type(), profile));
        }
        return knobs;
    }

    /** {@code spec.autoscaling.minReplicas}. */
    public static TuningKnob minReplicas() {
        return new TuningKnob("minReplicas", "spec.autoscaling.minReplicas", Kind.MIN_REPLICAS, List.of(), 0,
                e -> Optional.of(BigDecimal.valueOf(e.autoscaling().minReplicas())),
                (e, v) -> withPolicy(e, e.autoscaling().toBuilder().minReplicas(v.intValueExact())));
    }

    /** {@code spec.autoscaling.maxReplicas}. */
    public static TuningKnob maxReplicas() {
        return new TuningKnob("maxReplicas", "spec.autoscaling.maxReplicas", Kind.MAX_REPLICAS, List.of(), 0,
                e -> Optional.of(BigDecimal.valueOf(e.autoscaling().maxReplicas())),
                (e, v) -> withPolicy(e, e.autoscaling().toBuilder().maxReplicas(v.intValueExact())));
    }

    /**
     * The value of the target of {@code type}. Coarse candidates: 30, 45, 60, 75 and 90 for percentages; for requests
     * per second and concurrency, 30 % to 90 % of what one replica serves at its full CPU request
     * ({@link ReplicaProfile#rpsAtFullCpu()}, times {@link ReplicaProfile#latency()} for concurrency); for queue depth
     * the same shares of the requests one replica has in service at its capacity ({@code rpsAtFullCpu * latency}). Tokens
     * per second have no candidates (the profile knows no tokens per request), so the tuner keeps the spec's value.
     */
    public static TuningKnob target(TargetType type, ReplicaProfile profile) {
        double[] shares = {0.30, 0.45, 0.60, 0.75, 0.90};
        List<BigDecimal> values = new ArrayList<>();
        int scale = type.isPercentage() ? 0 : 2;
        for (double share : shares) {
            double v = switch (type) {
                case REQUESTS_PER_SECOND -> share * profile.rpsAtFullCpu();
                case CONCURRENT_REQUESTS, QUEUE_DEPTH -> share * profile.rpsAtFullCpu() * profile.latency().toNanos() / 1e9;
                case TOKENS_PER_SECOND -> 0;
                case CPU_UTILIZATION, MEMORY_UTILIZATION, ACCELERATOR_UTILIZATION -> share * 100;
            };
            BigDecimal rounded = BigDecimal.valueOf(v).setScale(scale, RoundingMode.HALF_UP);
            if (rounded.signum() > 0) {
                values.add(rounded);
            }
        }
        return new TuningKnob(type.field(), type.path(), Kind.TARGET, values, scale,
                e -> e.autoscaling().target(type).map(ScalingTarget::value),
                (e, v) -> withPolicy(e, e.autoscaling().toBuilder().target(type, v)));
    }

    /**
     * {@code spec.autoscaling.behavior.scaleUp|scaleDown.stabilizationWindowSeconds}, keeping that direction's
     * policies and select policy.
     *
     * @param up         the scale-up direction when true, else scale-down
     * @param candidates seconds to try
     */
    public static TuningKnob stabilizationWindow(boolean up, List<Integer> candidates) {
        String dir = up ? "scaleUp" : "scaleDown";
        String name = "behavior." + dir + ".stabilizationWindowSeconds";
        return new TuningKnob(name, "spec.autoscaling." + name, Kind.WINDOW, candidates.stream().map(BigDecimal::valueOf).toList(), 0,
                e -> rules(e, up).flatMap(ScalingRules::stabilizationWindowSeconds).map(BigDecimal::valueOf),
                (e, v) -> {
                    Optional<ScalingRules> old = rules(e, up);
                    ScalingRules set = ScalingRules.of(v.intValueExact(), old.map(ScalingRules::policies).orElse(List.of()),
                            old.flatMap(ScalingRules::selectPolicy).orElse(null));
                    ScalingBehavior b = e.autoscaling().behavior();
                    ScalingBehavior changed = up ? ScalingBehavior.of(set, b.scaleDown().orElse(null))
                            : ScalingBehavior.of(b.scaleUp().orElse(null), set);
                    return withPolicy(e, e.autoscaling().toBuilder().behavior(changed));
                });
    }

    /**
     * A whole-number option under {@code spec.backends.<backendId>}, e.g. SageMaker's {@code scaleInCooldownSeconds}.
     *
     * @param candidates values to try
     */
    public static TuningKnob backendOption(String backendId, String option, List<Integer> candidates) {
        return new TuningKnob(backendId + "." + option, "spec.backends." + backendId + "." + option, Kind.WINDOW,
                candidates.stream().map(BigDecimal::valueOf).toList(), 0,
                e -> e.backends().get(backendId, option).filter(BigDecimal.class::isInstance).map(BigDecimal.class::cast),
                (e, v) -> e.toBuilder().backends(e.backends().with(backendId, option, v)).build());
    }

    /**
     * A target type {@code inferscale tune} may switch an endpoint to on a backend when no value of the spec's own target
     * type meets the SLO there ({@link AutoscalerModelProvider#targetTypeCandidates}): a type the backend scales on
     * natively, that follows the demand itself (requests per second or in flight per replica).
     *
     * @param type         the target type
     * @param nativeMetric what the backend scales on for it, for the output, e.g. {@code predefined metric
     *                     SageMakerVariantInvocationsPerInstance}
     */
    public record TargetTypeCandidate(TargetType type, String nativeMetric) {
        /** Rejects nulls. */
        public TargetTypeCandidate {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(nativeMetric, "nativeMetric");
        }
    }

    /**
     * The demand-following target types a backend's capabilities support (requests per second, then concurrent requests
     * per replica), each with the capability's note as its native metric: what {@link
     * AutoscalerModelProvider#targetTypeCandidates} returns for a backend that scales on them.
     *
     * @param capabilities the backend's capabilities ({@link io.inferscale.api.backend.BackendProvider#capabilities()})
     */
    public static List<TargetTypeCandidate> demandTargets(io.inferscale.api.backend.Capabilities capabilities) {
        List<TargetTypeCandidate> candidates = new ArrayList<>();
        for (io.inferscale.api.backend.Feature f : List.of(io.inferscale.api.backend.Feature.REQUESTS_PER_SECOND_TARGET,
                io.inferscale.api.backend.Feature.CONCURRENT_REQUESTS_TARGET)) {
            if (capabilities.support(f) == io.inferscale.api.backend.Support.NATIVE) {
                candidates.add(new TargetTypeCandidate(f.targetType().orElseThrow(), capabilities.note(f)));
            }
        }
        return candidates;
    }

    /**
     * The instance or machine types a replica of a backend may run on, for {@code inferscale tune --instance-types}
     * ({@link AutoscalerModelProvider#instanceTypes}): the items of its price catalogue, set through a string option
     * under {@code spec.backends.<backendId>}.
     *
     * @param backendId the backend
     * @param option    the option that chooses the type, e.g. {@code instanceType} (SageMaker) or {@code machineType} (Vertex)
     * @param types     the types catalogued (priced) in the region being priced
     */
    public record InstanceTypes(String backendId, String option, java.util.Set<String> types) {
        /** Copies the set (sorted); rejects nulls. */
        public InstanceTypes {
            Objects.requireNonNull(backendId, "backendId");
            Objects.requireNonNull(option, "option");
            types = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(types));
        }

        /** The document field, e.g. {@code spec.backends.sagemaker.instanceType}. */
        public String path() {
            return "spec.backends." + backendId + "." + option;
        }

        /** The type the endpoint names, when it names one (otherwise the backend chooses from the requests). */
        public Optional<String> read(InferenceEndpoint endpoint) {
            return endpoint.backends().string(backendId, option);
        }

        /** A copy of {@code endpoint} whose replicas run on {@code type}. */
        public InferenceEndpoint apply(InferenceEndpoint endpoint, String type) {
            return endpoint.toBuilder().backends(endpoint.backends().with(backendId, option, type)).build();
        }
    }

    /** Whether a direction is switched off ({@code selectPolicy: Disabled}); its window then does nothing. */
    public static boolean disabled(InferenceEndpoint e, boolean up) {
        return rules(e, up).map(ScalingRules::isDisabled).orElse(false);
    }

    private static Optional<ScalingRules> rules(InferenceEndpoint e, boolean up) {
        ScalingBehavior b = e.autoscaling().behavior();
        return up ? b.scaleUp() : b.scaleDown();
    }

    private static InferenceEndpoint withPolicy(InferenceEndpoint e, AutoscalingPolicy.Builder policy) {
        return e.toBuilder().autoscaling(policy.build()).build();
    }
}
