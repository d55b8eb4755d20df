package io.inferscale.backend.inmemory;

import io.inferscale.api.simulation.AutoscalerModels;
import io.inferscale.api.simulation.DelegatingAutoscalerModelProvider;

import java.util.function.Supplier;

/**
 * The {@code in-memory} backend's autoscaler model for simulations: the in-memory backend has no
 * autoscaler of its own, so it simulates with another backend's model, the Kubernetes HPA by default
 * (setting {@code in-memory.model}, e.g. {@code in-memory.model=sagemaker}). The chosen model's artifact
 * must be on the class path ({@code inferscale-backend-kubernetes} for the default).
 */
public final class InMemoryAutoscalerModelProvider extends DelegatingAutoscalerModelProvider {

    /** Delegates to the discovered {@code kubernetes} model unless {@code in-memory.model} names another. */
    public InMemoryAutoscalerModelProvider() {
        super(InMemoryBackend.ID, "kubernetes");
    }

    /** Delegates to models from the given source (for tests). */
    public InMemoryAutoscalerModelProvider(Supplier<AutoscalerModels> simulations) {
        super(InMemoryBackend.ID, "kubernetes", simulations);
    }
}
