package io.inferscale.backend.sagemaker;

import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.BackendProvider;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.ConfigKey;
import io.inferscale.api.backend.OptionKey;

import java.util.List;

/**
 * The {@code sagemaker} backend provider: Amazon SageMaker real-time endpoints with Application Auto Scaling,
 * through the AWS SDK for Java v2. Cheap to construct; {@link #create} builds no client (clients are made on
 * first use); what it is and how it is configured is {@link SageMakerSettings}. Registered in {@code META-INF/services/io.inferscale.api.backend.BackendProvider}.
 */
public final class SageMakerBackendProvider implements BackendProvider {

    /** A provider; does nothing else. */
    public SageMakerBackendProvider() {
    }

    @Override
    public String id() {
        return SageMakerSettings.ID;
    }

    @Override
    public String description() {
        return "Amazon SageMaker real-time endpoints with Application Auto Scaling (AWS SDK for Java v2)";
    }

    @Override
    public Capabilities capabilities() {
        return SageMakerSettings.CAPABILITIES;
    }

    @Override
    public List<ConfigKey> configKeys() {
        return SageMakerSettings.CONFIG_KEYS;
    }

    @Override
    public List<OptionKey> optionKeys() {
        return SageMakerSettings.OPTION_KEYS;
    }

    /**
     * A backend; no client is built until the first call that needs one.
     *
     * @throws io.inferscale.api.ConfigurationException for an unknown {@code sagemaker.*} key or a malformed value
     */
    @Override
    public Backend create(BackendConfig config) {
        return SageMakerBackend.create(config);
    }
}
