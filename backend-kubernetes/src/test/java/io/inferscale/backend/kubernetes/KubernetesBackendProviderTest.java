package io.inferscale.backend.kubernetes;

import io.inferscale.api.BackendException;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.backend.ConfigKey;
import io.inferscale.api.backend.Feature;
import io.inferscale.api.backend.OptionKey;
import io.inferscale.api.backend.Support;
import io.inferscale.backend.kubernetes.internal.KubernetesClients;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KubernetesBackendProviderTest {

    @Test
    @DisplayName("the provider is discovered as 'kubernetes' and lists its configuration keys and options")
    void discovered() {
        var provider = Backends.discover().provider("kubernetes");
        assertThat(provider).isInstanceOf(KubernetesBackendProvider.class);
        assertThat(provider.configKeys()).extracting(ConfigKey::name).contains("kubernetes.namespace", "kubernetes.imageTemplate",
                "kubernetes.requestsPerSecondMetric", "kubernetes.concurrencyMetric", "kubernetes.acceleratorMetric",
                "kubernetes.gpuNodeSelector.nvidia-t4", "kubernetes.allowScaleToZero", "kubernetes.fieldManager");
        assertThat(provider.configKeys()).filteredOn(k -> k.name().equals("kubernetes.requestsPerSecondMetric"))
                .singleElement().satisfies(k -> assertThat(k.defaultValue()).isEqualTo("http_requests_per_second"));
        assertThat(provider.optionKeys()).extracting(OptionKey::name)
                .containsExactly("namespace", "nodeSelector", "serviceType", "servicePort", "serviceAccountName", "autoscaler");
        // native through autoscaler: keda; the HPA's rule is per endpoint (KubernetesKedaTest.scaleToZeroCapability)
        assertThat(provider.capabilities().support(Feature.SCALE_TO_ZERO)).isEqualTo(Support.NATIVE);
    }

    @Test
    @DisplayName("create is cheap: no kubeconfig is read until the first call that needs the cluster")
    void lazy() {
        try (Backend b = new KubernetesBackendProvider().create(BackendConfig.of(Map.of("kubernetes.namespace", "ml")))) {
            assertThat(b.id()).isEqualTo("kubernetes");
            assertThat(b.capabilities().support(Feature.CPU_UTILIZATION_TARGET)).isEqualTo(Support.NATIVE);
        }
    }

    @Test
    @DisplayName("an unknown configuration key is rejected with the closest known key")
    void unknownKey() {
        assertThatThrownBy(() -> new KubernetesBackendProvider().create(BackendConfig.of(Map.of("kubernetes.fieldManger", "x"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("kubernetes.fieldManager");
    }

    @Test
    @DisplayName("without any Kubernetes configuration, the first cluster call fails with CONFIGURATION and says how to fix it")
    void noKubeconfig(@TempDir Path home) throws IOException {
        assertThat(KubernetesClients.hasClusterConfiguration(k -> null, k -> k.equals("user.home") ? home.toString() : null)).isFalse();
        Files.createDirectories(home.resolve(".kube"));
        Files.writeString(home.resolve(".kube/config"), "apiVersion: v1\nkind: Config\n");
        assertThat(KubernetesClients.hasClusterConfiguration(k -> null, k -> k.equals("user.home") ? home.toString() : null)).isTrue();
        assertThat(KubernetesClients.hasClusterConfiguration(k -> k.equals("KUBERNETES_SERVICE_HOST") ? "10.0.0.1" : null, k -> null)).isTrue();
        assertThat(KubernetesClients.hasClusterConfiguration(k -> k.equals("KUBECONFIG") ? home.resolve("missing").toString() : null,
                k -> null)).isFalse();
        if (!KubernetesClients.hasClusterConfiguration(System::getenv, System::getProperty)) {
            try (Backend b = new KubernetesBackendProvider().create(BackendConfig.empty())) {
                assertThatThrownBy(() -> b.get("x")).isInstanceOfSatisfying(BackendException.class,
                        e -> assertThat(e.reason()).isEqualTo(BackendException.Reason.CONFIGURATION)).hasMessageContaining("KUBECONFIG");
            }
        }
    }
}
