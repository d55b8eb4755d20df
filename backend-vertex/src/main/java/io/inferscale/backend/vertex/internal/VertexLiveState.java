package io.inferscale.backend.vertex.internal;

import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.Model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link VertexLiveReader#live} read for one endpoint: the endpoint (empty when it does not exist) and the models
 * the planner asked for ({@link VertexPlanner#modelsToRead}), each empty when it does not exist.
 *
 * @param endpoint the endpoint
 * @param models   model resource name to the model, in read order
 */
public record VertexLiveState(Optional<Endpoint> endpoint, Map<String, Optional<Model>> models) {

    /** Copies the models, keeping their order. */
    public VertexLiveState {
        models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
    }

    /** The model read under {@code name}; empty when it does not exist or was not read. */
    public Optional<Model> model(String name) {
        return models.getOrDefault(name, Optional.empty());
    }
}
