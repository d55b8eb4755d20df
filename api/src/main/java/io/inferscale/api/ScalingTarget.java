package io.inferscale.api;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One scaling target: the autoscaler adds replicas when the observed value per replica is above it and
 * removes them when below.
 *
 * @param type  what is measured, and in which unit
 * @param value the target in the unit of {@code type}; exact
 */
public record ScalingTarget(TargetType type, BigDecimal value) {
    /** Rejects nulls. */
    public ScalingTarget {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
    }

    /** A target with a whole-number value. */
    public static ScalingTarget of(TargetType type, long value) {
        return new ScalingTarget(type, BigDecimal.valueOf(value));
    }

    /** A target with a decimal value given as text, e.g. {@code "2.5"}. */
    public static ScalingTarget of(TargetType type, String value) {
        return new ScalingTarget(type, new BigDecimal(value));
    }

    /** The value for arithmetic that need not be exact (simulation, display). */
    public double doubleValue() {
        return value.doubleValue();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScalingTarget t && t.type == type && t.value.compareTo(value) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, value.stripTrailingZeros());
    }

    @Override
    public String toString() {
        return type.field() + "=" + value.toPlainString();
    }
}
