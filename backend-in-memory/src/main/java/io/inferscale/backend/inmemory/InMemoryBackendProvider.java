package io.inferscale.backend.inmemory;

import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.BackendProvider;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.ConfigKey;

import java.time.Clock;
import java.util.List;

/**
 * Provides the {@code in-memory} backend, discovered like the cloud backends. Configuration: the keys of
 * {@link InMemorySettings} ({@code in-memory.readyDelay}, {@code in-memory.unsupportedFeatures},
 * {@code in-memory.stateFile}), parsed and checked by {@link InMemorySettings#from}.
 */
public final class InMemoryBackendProvider implements BackendProvider {

    @Override
    public String id() {
        return InMemoryBackend.ID;
    }

    @Override
    public String description() {
        return "endpoints kept in memory, for tests and demos (no cloud account)";
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.all();
    }

    @Override
    public List<ConfigKey> configKeys() {
        return InMemorySettings.KEYS;
    }

    @Override
    public Backend create(BackendConfig config) {
        return new InMemoryBackend(InMemorySettings.from(config), Clock.systemUTC());
    }
}
