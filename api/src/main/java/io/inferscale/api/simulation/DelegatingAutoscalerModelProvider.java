package io.inferscale.api.simulation;

import io.inferscale.api.ConfigurationException;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A model provider for a backend that has no autoscaler of its own and simulates with another backend's model,
 * chosen by the setting {@code <id>.model} (for example the {@code in-memory} backend, which uses the Kubernetes
 * HPA by default). The delegate is found by {@link AutoscalerModels#discover()} when a model is created, so its
 * artifact must be on the class path; the models it creates report this provider's {@link #backendId()}.
 *
 * <pre>{@code
 * public final class InMemoryAutoscalerModelProvider extends DelegatingAutoscalerModelProvider {
 *     public InMemoryAutoscalerModelProvider() {
 *         super("in-memory", "kubernetes");
 *     }
 * }
 * }</pre>
 *
 * <p>The delegate runs with its default settings.
 */
public class DelegatingAutoscalerModelProvider implements AutoscalerModelProvider {

    private final String backendId;
    private final String defaultDelegate;
    private final Supplier<AutoscalerModels> models;

    /**
     * A provider delegating to discovered models.
     *
     * @param backendId       this provider's backend id, e.g. {@code in-memory}
     * @param defaultDelegate the backend whose model is used when {@code <backendId>.model} is not set, e.g. {@code kubernetes}
     */
    public DelegatingAutoscalerModelProvider(String backendId, String defaultDelegate) {
        this(backendId, defaultDelegate, AutoscalerModels::discover);
    }

    /**
     * A provider delegating to models from the given source (for tests and explicit wiring).
     *
     * @throws IllegalArgumentException when the default delegate is the provider itself
     */
    public DelegatingAutoscalerModelProvider(String backendId, String defaultDelegate, Supplier<AutoscalerModels> models) {
        this.backendId = Objects.requireNonNull(backendId, "backendId");
        this.defaultDelegate = Objects.requireNonNull(defaultDelegate, "defaultDelegate");
        this.models = Objects.requireNonNull(models, "models");
        if (backendId.equals(defaultDelegate)) {
            throw new IllegalArgumentException("a model provider cannot delegate to itself ('" + backendId + "')");
        }
    }

    /** The setting that chooses the delegate: {@code <backendId>.model}. */
    public String delegateKey() {
        return backendId + ".model";
    }

    @Override
    public String backendId() {
        return backendId;
    }

    @Override
    public String description() {
        return "the autoscaler model of another backend (" + delegateKey() + ", default " + defaultDelegate + ")";
    }

    @Override
    public Duration defaultStartup() {
        return delegate(defaultDelegate).defaultStartup();
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of(delegateKey());
    }

    /**
     * Creates the delegate's model, reporting this provider's id.
     *
     * @throws ConfigurationException                when {@code <backendId>.model} names this provider
     * @throws io.inferscale.api.DiscoveryException when the delegate's model is not on the class path
     */
    @Override
    public AutoscalerModel create(ModelContext context) {
        String id = context.settings().get(delegateKey()).map(String::strip).orElse(defaultDelegate);
        AutoscalerModel inner = delegate(id).create(ModelContext.of(context.endpoint()));
        return new AutoscalerModel() {
            @Override
            public String backendId() {
                return backendId;
            }

            @Override
            public long nextDecisionMillis() {
                return inner.nextDecisionMillis();
            }

            @Override
            public void observe(long fromMillis, long toMillis, Observation observation) {
                inner.observe(fromMillis, toMillis, observation);
            }

            @Override
            public int decide(Observation observation) {
                return inner.decide(observation);
            }
        };
    }

    private AutoscalerModelProvider delegate(String id) {
        if (id.equals(backendId)) {
            throw new ConfigurationException("model setting " + delegateKey() + " names '" + id + "' itself; name another backend's model");
        }
        return models.get().model(id);
    }
}
