package io.inferscale.backend.kubernetes;

import io.inferscale.api.InferenceEndpoint;

/**
 * The conformance kit again, every sample endpoint with {@code spec.backends.kubernetes.autoscaler: keda}: the same
 * lifecycle, idempotence, update, delete and validation guarantees with a KEDA ScaledObject in place of the HPA, on
 * {@link MockCluster} (which stores the ScaledObject like any resource; no KEDA operator runs, so readiness comes from the
 * Deployment alone).
 */
class KubernetesKedaConformanceTest extends KubernetesConformanceTest {

    @Override
    protected InferenceEndpoint.Builder customize(InferenceEndpoint.Builder builder) {
        return builder.option(KubernetesTranslator.BACKEND_ID, KubernetesTranslator.AUTOSCALER_OPTION, KubernetesTranslator.AUTOSCALER_KEDA);
    }
}
