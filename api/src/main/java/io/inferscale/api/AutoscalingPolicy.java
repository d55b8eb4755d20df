package io.inferscale.api;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How an endpoint scales: the replica range, the targets the autoscaler tracks (at most one per
 * {@link TargetType}; with several, the autoscaler follows whichever asks for the most replicas),
 * scale-up/scale-down behaviour and optional scale-to-zero.
 *
 * <p>Values are kept as given; range checks happen in {@link io.inferscale.api.validation.EndpointValidator},
 * which reports every problem at once.
 */
public final class AutoscalingPolicy {

    private final int minReplicas;
    private final int maxReplicas;
    private final Map<TargetType, ScalingTarget> targets;
    private final ScalingBehavior behavior;
    private final ScaleToZero scaleToZero;

    private AutoscalingPolicy(Builder b) {
        this.minReplicas = b.minReplicas;
        if (b.maxReplicas == null) {
            throw new IllegalStateException("maxReplicas is required");
        }
        this.maxReplicas = b.maxReplicas;
        EnumMap<TargetType, ScalingTarget> copy = new EnumMap<>(TargetType.class);
        copy.putAll(b.targets);
        this.targets = java.util.Collections.unmodifiableMap(copy);
        this.behavior = b.behavior;
        this.scaleToZero = b.scaleToZero;
    }

    /** A builder; {@code minReplicas} defaults to 1 and {@code maxReplicas} must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this policy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.minReplicas = minReplicas;
        b.maxReplicas = maxReplicas;
        b.targets.putAll(targets);
        b.behavior = behavior;
        b.scaleToZero = scaleToZero;
        return b;
    }

    /** The fewest replicas; 0 only together with {@link #scaleToZero()}. */
    public int minReplicas() {
        return minReplicas;
    }

    /** The most replicas. */
    public int maxReplicas() {
        return maxReplicas;
    }

    /** The targets, in {@link TargetType} declaration order. */
    public List<ScalingTarget> targets() {
        return List.copyOf(targets.values());
    }

    /** The target of the given type, if set. */
    public Optional<ScalingTarget> target(TargetType type) {
        return Optional.ofNullable(targets.get(type));
    }

    /** Scale-up and scale-down behaviour; {@link ScalingBehavior#none()} when not given. */
    public ScalingBehavior behavior() {
        return behavior;
    }

    /** Scale-to-zero settings, if enabled. */
    public Optional<ScaleToZero> scaleToZero() {
        return Optional.ofNullable(scaleToZero);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AutoscalingPolicy p && minReplicas == p.minReplicas && maxReplicas == p.maxReplicas
                && targets.equals(p.targets) && behavior.equals(p.behavior) && Objects.equals(scaleToZero, p.scaleToZero);
    }

    @Override
    public int hashCode() {
        return Objects.hash(minReplicas, maxReplicas, targets, behavior, scaleToZero);
    }

    @Override
    public String toString() {
        return "AutoscalingPolicy{minReplicas=" + minReplicas + ", maxReplicas=" + maxReplicas + ", targets="
                + targets.values() + ", behavior=" + behavior + ", scaleToZero=" + scaleToZero + "}";
    }

    /** Builds an {@link AutoscalingPolicy}. */
    public static final class Builder {
        private int minReplicas = 1;
        private Integer maxReplicas;
        private final Map<TargetType, ScalingTarget> targets = new EnumMap<>(TargetType.class);
        private ScalingBehavior behavior = ScalingBehavior.none();
        private ScaleToZero scaleToZero;

        private Builder() {
        }

        /** The fewest replicas (default 1). */
        public Builder minReplicas(int minReplicas) {
            this.minReplicas = minReplicas;
            return this;
        }

        /** The most replicas (required). */
        public Builder maxReplicas(int maxReplicas) {
            this.maxReplicas = maxReplicas;
            return this;
        }

        /** Sets the target of {@code target.type()}, replacing any earlier one of that type. */
        public Builder target(ScalingTarget target) {
            targets.put(target.type(), target);
            return this;
        }

        /** Sets a target with a whole-number value. */
        public Builder target(TargetType type, long value) {
            return target(ScalingTarget.of(type, value));
        }

        /** Sets a target with an exact value. */
        public Builder target(TargetType type, BigDecimal value) {
            return target(new ScalingTarget(type, value));
        }

        /** Replaces all targets. */
        public Builder targets(Collection<ScalingTarget> targets) {
            this.targets.clear();
            targets.forEach(this::target);
            return this;
        }

        /** Removes the target of the given type. */
        public Builder removeTarget(TargetType type) {
            targets.remove(type);
            return this;
        }

        /** Scale-up/scale-down behaviour. */
        public Builder behavior(ScalingBehavior behavior) {
            this.behavior = Objects.requireNonNull(behavior, "behavior");
            return this;
        }

        /** Scale-to-zero settings, or {@code null} to disable. */
        public Builder scaleToZero(ScaleToZero scaleToZero) {
            this.scaleToZero = scaleToZero;
            return this;
        }

        /**
         * The policy.
         *
         * @throws IllegalStateException when {@code maxReplicas} was not set
         */
        public AutoscalingPolicy build() {
            return new AutoscalingPolicy(this);
        }
    }
}
