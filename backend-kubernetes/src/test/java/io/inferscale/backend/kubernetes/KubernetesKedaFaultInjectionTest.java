package io.inferscale.backend.kubernetes;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.BackendConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@link KubernetesFaultInjectionTest}'s faults on an endpoint with {@code spec.backends.kubernetes.autoscaler: keda} and
 * scale to zero ({@code scale_to_zero_endpoint.yaml}: minReplicas 0, {@code idleSeconds} 900, a concurrency target): the
 * KEDA ScaledObject's calls ({@code GET}, server-side apply {@code PATCH} to create and to update, {@code DELETE}) fail in
 * turn besides the Deployment's and the Service's. The update changes the image, {@code maxReplicas} and {@code idleSeconds}
 * (a Deployment and a ScaledObject patch). The mock runs no KEDA operator: the HPA KEDA would create is KEDA's, not part of
 * what InferScale writes, and delete finds it missing (then it reads and deletes the ScaledObject, as with KEDA's HPA). The
 * outcome table is {@code docs/reliability/kubernetes-keda.md}.
 */
class KubernetesKedaFaultInjectionTest extends KubernetesFaultInjectionTest {

    @Override
    protected String backendId() {
        return KubernetesBackend.ID + "-keda";
    }

    /** {@code kubernetes.namespace} = the endpoint's namespace ({@code ml-serving}), where delete (by name) looks. */
    @Override
    protected KubernetesSettings settings() {
        return KubernetesSettings.from(BackendConfig.of(Map.of("kubernetes.namespace", "ml-serving")));
    }

    @Override
    protected InferenceEndpoint endpoint() {
        try {
            return KubernetesKedaTest.keda(KubernetesTranslatorTest.endpoint("scale_to_zero_endpoint.yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected InferenceEndpoint updatedEndpoint() {
        InferenceEndpoint e = endpoint();
        return e.toBuilder().model(e.model().toBuilder().image("vllm/vllm-openai:v0.8.3").build())
                .autoscaling(e.autoscaling().toBuilder().maxReplicas(8).scaleToZero(new io.inferscale.api.ScaleToZero(1200)).build()).build();
    }
}
