package io.inferscale.api.simulation;

import io.inferscale.api.InferenceEndpoint;

import java.util.Objects;

/**
 * What a model is built from: the endpoint (its autoscaling policy and resources) and model settings.
 *
 * @param endpoint the endpoint whose {@code spec.autoscaling} the model follows
 * @param settings overrides of the model's constants, keyed as each provider documents
 */
public record ModelContext(InferenceEndpoint endpoint, ModelSettings settings) {
    /** Rejects nulls. */
    public ModelContext {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(settings, "settings");
    }

    /** A context with default settings. */
    public static ModelContext of(InferenceEndpoint endpoint) {
        return new ModelContext(endpoint, ModelSettings.empty());
    }
}
