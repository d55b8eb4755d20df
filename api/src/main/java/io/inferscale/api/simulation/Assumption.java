package io.inferscale.api.simulation;

import java.util.Objects;

/**
 * One fact a simulation result depends on, shown to the user with where it comes from: the start-up time, a
 * replica's capacity, the metric and target an autoscaler scales on, a price, a model constant.
 *
 * <p>{@code source} says why the value is what it is: a documentation page or upstream file
 * ({@code "AWS docs: Application Auto Scaling target tracking, https://..."}), the user's own input
 * ({@code "set by --startup"}), or, when nothing publishes it, the word {@code assumption} followed by how to
 * change it ({@code "assumption; override with --setting sagemaker.startup=6m"}).
 *
 * @param subject what the value is about, e.g. {@code startup}, {@code scales on}, {@code price per replica-hour}
 * @param value   the value as shown to the user, with its unit, e.g. {@code 5m}, {@code InvocationsPerInstance 600/min}
 * @param source  where the value comes from (never empty)
 */
public record Assumption(String subject, String value, String source) {

    /** Rejects nulls and blank parts. */
    public Assumption {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(source, "source");
        if (subject.isBlank() || source.isBlank()) {
            throw new IllegalArgumentException("an assumption needs a subject and a source, got '" + subject + "' / '" + source + "'");
        }
    }

    /** A value nothing publishes: its source reads {@code assumption; override with HOW}. */
    public static Assumption assumed(String subject, String value, String howToOverride) {
        return new Assumption(subject, value, "assumption; override with " + howToOverride);
    }

    /** True when the source marks this value as an assumption rather than a documented or user-given fact. */
    public boolean isAssumption() {
        return source.startsWith("assumption");
    }
}
