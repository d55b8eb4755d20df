package io.inferscale.api.backend;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What a backend honours: for each {@link Feature}, a {@link Support} level and a short explanation
 * (why it is unsupported, or how it is approximated). Features not listed are unsupported.
 */
public final class Capabilities {

    /** One feature's support and its explanation. */
    public record Entry(Support support, String note) {
        /** Rejects nulls. */
        public Entry {
            Objects.requireNonNull(support, "support");
            Objects.requireNonNull(note, "note");
        }
    }

    private final Map<Feature, Entry> entries;

    private Capabilities(Map<Feature, Entry> entries) {
        EnumMap<Feature, Entry> copy = new EnumMap<>(Feature.class);
        copy.putAll(entries);
        this.entries = Collections.unmodifiableMap(copy);
    }

    /** A builder; every feature starts unsupported. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every feature supported natively (the in-memory backend's default). */
    public static Capabilities all() {
        Builder b = builder();
        for (Feature f : Feature.values()) {
            b.supports(f);
        }
        return b.build();
    }

    /** A builder starting from these capabilities. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.entries.putAll(entries);
        return b;
    }

    /** The support level of a feature. */
    public Support support(Feature feature) {
        Entry e = entries.get(feature);
        return e == null ? Support.UNSUPPORTED : e.support();
    }

    /** The explanation for a feature, or the empty string. */
    public String note(Feature feature) {
        Entry e = entries.get(feature);
        return e == null ? "" : e.note();
    }

    /** True when the feature is honoured, exactly or approximately. */
    public boolean supports(Feature feature) {
        return support(feature) != Support.UNSUPPORTED;
    }

    /** All features with their support level, in {@link Feature} order. */
    public Map<Feature, Support> asMap() {
        EnumMap<Feature, Support> m = new EnumMap<>(Feature.class);
        for (Feature f : Feature.values()) {
            m.put(f, support(f));
        }
        return m;
    }

    /**
     * Checks an endpoint against these capabilities: an error for each unsupported feature it uses
     * (naming the field, the backend and what the backend supports instead), a warning for each
     * approximated one.
     *
     * @param backendId the backend's id, for the messages
     */
    public ValidationReport check(InferenceEndpoint endpoint, String backendId) {
        List<Problem> problems = new ArrayList<>();
        for (Feature f : Feature.values()) {
            if (!f.isUsedBy(endpoint)) {
                continue;
            }
            Support s = support(f);
            String note = note(f);
            if (s == Support.UNSUPPORTED) {
                StringBuilder msg = new StringBuilder("backend '").append(backendId).append("' does not support ")
                        .append(f.description());
                if (!note.isEmpty()) {
                    msg.append(": ").append(note);
                }
                if (f.targetType().isPresent()) {
                    msg.append("; supported targets: ").append(supportedTargets());
                } else {
                    if (isBehaviour(f)) {
                        msg.append("; behaviour it honours: ").append(supportedBehaviour());
                    }
                    msg.append("; ").append(fix(f));
                }
                problems.add(Problem.error(f.path(), msg.toString()));
            } else if (s == Support.APPROXIMATED) {
                problems.add(Problem.warning(f.path(), "backend '" + backendId + "' approximates " + f.description()
                        + (note.isEmpty() ? "" : ": " + note)));
            }
        }
        return ValidationReport.of(problems);
    }

    private static boolean isBehaviour(Feature f) {
        return f.path().startsWith("spec.autoscaling.behavior.");
    }

    private String supportedBehaviour() {
        String s = Arrays.stream(Feature.values()).filter(f -> isBehaviour(f) && supports(f))
                .map(f -> f.description() + (support(f) == Support.APPROXIMATED ? " (approximated)" : ""))
                .collect(Collectors.joining(", "));
        return s.isEmpty() ? "none" : s;
    }

    /** How to make an endpoint that uses an unsupported non-target feature deployable. */
    private static String fix(Feature f) {
        return switch (f) {
            case MULTIPLE_TARGETS -> "keep one target";
            case SCALE_TO_ZERO -> "remove scaleToZero and set minReplicas to 1 or more";
            case SCALE_UP_DISABLED, SCALE_DOWN_DISABLED -> "remove selectPolicy: Disabled";
            default -> "remove " + f.path();
        };
    }

    private String supportedTargets() {
        String s = entries.keySet().stream().filter(f -> f.targetType().isPresent() && supports(f))
                .map(f -> f.targetType().get().field()).collect(Collectors.joining(", "));
        return s.isEmpty() ? "none" : s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Capabilities c && entries.equals(c.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return asMap().toString();
    }

    /** Builds {@link Capabilities}. */
    public static final class Builder {
        private final Map<Feature, Entry> entries = new EnumMap<>(Feature.class);

        private Builder() {
        }

        /** The feature is honoured exactly. */
        public Builder supports(Feature feature) {
            return set(feature, Support.NATIVE, "");
        }

        /** The feature is honoured exactly; {@code note} says how it is mapped. */
        public Builder supports(Feature feature, String note) {
            return set(feature, Support.NATIVE, note);
        }

        /** The feature is approximated; {@code how} says how (shown as a warning). */
        public Builder approximates(Feature feature, String how) {
            return set(feature, Support.APPROXIMATED, how);
        }

        /** The feature is not honoured; {@code why} says why (shown in the error). */
        public Builder rejects(Feature feature, String why) {
            return set(feature, Support.UNSUPPORTED, why);
        }

        /** Sets a feature's support. */
        public Builder set(Feature feature, Support support, String note) {
            entries.put(Objects.requireNonNull(feature, "feature"), new Entry(support, note));
            return this;
        }

        /** The capabilities. */
        public Capabilities build() {
            return new Capabilities(entries);
        }
    }
}
