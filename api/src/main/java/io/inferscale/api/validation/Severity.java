package io.inferscale.api.validation;

/** How serious a {@link Problem} is. */
public enum Severity {
    /** The endpoint cannot be deployed as written. */
    ERROR,
    /** The endpoint can be deployed, but probably does not do what was meant. */
    WARNING;

    /** {@code error} or {@code warning}, as printed by the CLI. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
