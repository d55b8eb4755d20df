package io.inferscale.testkit;

import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.Feature;
import io.inferscale.backend.inmemory.InMemoryBackend;

/**
 * The kit against an in-memory backend that rejects some features and approximates others, so the
 * kit's capability tests run on the reference implementation too.
 */
class InMemoryRestrictedConformanceTest extends BackendConformanceKit {

    private InMemoryBackend inMemory;

    @Override
    protected Backend createBackend() {
        Capabilities caps = Capabilities.all().toBuilder()
                .rejects(Feature.SCALE_TO_ZERO, "this test backend keeps at least one replica")
                .rejects(Feature.MEMORY_UTILIZATION_TARGET, "this test backend has no memory metric")
                .rejects(Feature.ACCELERATORS, "this test backend has no GPUs")
                .approximates(Feature.SCALE_DOWN_STABILIZATION, "mapped to a cooldown")
                .build();
        inMemory = InMemoryBackend.builder().capabilities(caps).build();
        return inMemory;
    }

    @Override
    protected long writeCount() {
        return inMemory.operations().size();
    }
}
