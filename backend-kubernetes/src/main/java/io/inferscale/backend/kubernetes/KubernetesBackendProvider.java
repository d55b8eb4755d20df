package io.inferscale.backend.kubernetes;

import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.BackendProvider;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.ConfigKey;
import io.inferscale.api.backend.OptionKey;

import java.util.List;

/**
 * Provides the {@code kubernetes} backend (Deployment + Service + HorizontalPodAutoscaler). Registered in
 * {@code META-INF/services/io.inferscale.api.backend.BackendProvider}; cheap to construct: the Kubernetes
 * client is created on the backend's first call.
 */
public final class KubernetesBackendProvider implements BackendProvider {

    /** Used by {@link java.util.ServiceLoader}. */
    public KubernetesBackendProvider() {
    }

    @Override
    public String id() {
        return KubernetesBackend.ID;
    }

    @Override
    public String description() {
        return "Kubernetes: Deployment + Service + HorizontalPodAutoscaler (autoscaling/v2), server-side apply";
    }

    /** The capabilities with the default configuration (scale-to-zero rejected). */
    @Override
    public Capabilities capabilities() {
        return KubernetesTranslator.capabilities(KubernetesSettings.defaults());
    }

    @Override
    public List<ConfigKey> configKeys() {
        return KubernetesSettings.KEYS;
    }

    @Override
    public List<OptionKey> optionKeys() {
        return KubernetesTranslator.OPTION_KEYS;
    }

    /**
     * A backend reading the kubeconfig lazily.
     *
     * @throws io.inferscale.api.ConfigurationException when a {@code kubernetes.*} key is unknown or malformed
     */
    @Override
    public Backend create(BackendConfig config) {
        return new KubernetesBackend(KubernetesSettings.from(config));
    }
}
