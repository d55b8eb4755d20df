package io.inferscale.api.backend;

import java.util.List;

/**
 * The service-provider interface a backend module implements and registers in
 * {@code META-INF/services/io.inferscale.api.backend.BackendProvider}. Providers are cheap to construct
 * (no clients, no I/O); {@link #create(BackendConfig)} builds the backend, whose cloud clients are
 * created lazily on first use.
 */
public interface BackendProvider {

    /**
     * The unique backend id, e.g. {@code kubernetes}, {@code sagemaker}, {@code vertex}, {@code in-memory}:
     * lower-case letters, digits and {@code -}, as it names {@code spec.backends.<id>} and the
     * {@code INFERSCALE_<ID>_...} environment variables. {@link Backends} reports a provider with another
     * id as a failure instead of offering it.
     */
    String id();

    /** A one-line description for listings. */
    default String description() {
        return id();
    }

    /** What backends of this provider honour with a default configuration. */
    Capabilities capabilities();

    /** The configuration keys {@link #create} reads, for documentation and typo detection. */
    default List<ConfigKey> configKeys() {
        return List.of();
    }

    /** The per-endpoint options read from {@code spec.backends.<id>}. */
    default List<OptionKey> optionKeys() {
        return List.of();
    }

    /**
     * Creates a backend.
     *
     * @throws io.inferscale.api.ConfigurationException when a configuration value is missing or malformed
     */
    Backend create(BackendConfig config);
}
