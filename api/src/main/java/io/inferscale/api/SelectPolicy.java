package io.inferscale.api;

/** Which of several {@link ScalingPolicy scaling policies} wins, as in Kubernetes' {@code selectPolicy}. */
public enum SelectPolicy {
    /** The policy allowing the largest change (the Kubernetes default). */
    MAX("Max"),
    /** The policy allowing the smallest change. */
    MIN("Min"),
    /** No scaling in this direction at all. */
    DISABLED("Disabled");

    private final String id;

    SelectPolicy(String id) {
        this.id = id;
    }

    /** The name used in documents: {@code Max}, {@code Min} or {@code Disabled}. */
    public String id() {
        return id;
    }
}
