package io.inferscale.backend.vertex.internal;

import io.inferscale.api.BackendException;

import java.util.function.Supplier;

/**
 * The one set of {@link VertexClients} of a backend, built on first use (double-checked; the field is volatile) and
 * released by {@link #close()}. Building needs {@code vertex.project} and credentials; a failure says how to set them.
 */
public final class LazyVertexClients implements Supplier<VertexClients>, AutoCloseable {

    private final VertexSettings settings;
    private volatile VertexClients clients;

    /** Clients for {@code settings}, not built yet. */
    public LazyVertexClients(VertexSettings settings) {
        this.settings = settings;
    }

    /**
     * The clients, built on the first call.
     *
     * @throws io.inferscale.api.ConfigurationException without {@code vertex.project}
     * @throws BackendException CONFIGURATION when Google application default credentials cannot be loaded
     */
    @Override
    public VertexClients get() {
        VertexClients c = clients;
        if (c == null) {
            synchronized (this) {
                c = clients;
                if (c == null) {
                    settings.requireProject();
                    try {
                        c = new VertexClients(settings);
                    } catch (java.io.UncheckedIOException e) {
                        throw new BackendException(VertexSettings.ID, BackendException.Reason.CONFIGURATION, "cannot create Vertex AI clients "
                                + "(Google application default credentials: run `gcloud auth application-default login` or set "
                                + "GOOGLE_APPLICATION_CREDENTIALS, or set vertex.credentialsFile): "
                                + e.getCause().getClass().getSimpleName(), e.getCause());
                    }
                    clients = c;
                }
            }
        }
        return c;
    }

    /** Releases the clients when they were built (channel, executor). */
    @Override
    public void close() {
        VertexClients c = clients;
        if (c != null) {
            c.close();
        }
    }
}
