package io.inferscale.testkit;

import io.inferscale.api.backend.Backend;
import io.inferscale.backend.inmemory.InMemoryBackend;
import io.inferscale.backend.inmemory.ManualClock;

import java.time.Duration;

/** The kit against the in-memory backend, becoming ready 30 s (on a manual clock) after each apply. */
class InMemoryConformanceTest extends BackendConformanceKit {

    private InMemoryBackend inMemory;

    @Override
    protected Backend createBackend() {
        inMemory = InMemoryBackend.builder().clock(ManualClock.atEpochOf2026()).readyDelay(Duration.ofSeconds(30)).build();
        return inMemory;
    }

    @Override
    protected long writeCount() {
        return inMemory.operations().size();
    }
}
