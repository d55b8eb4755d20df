package io.inferscale.backend.kubernetes;

import io.inferscale.api.InferenceEndpoint;

import java.util.List;

/**
 * The switch from {@code autoscaler: keda} back to the default HPA under faults: the update applies the endpoint of
 * {@link KubernetesKedaFaultInjectionTest} without the {@code autoscaler} option (and with minReplicas 1, no scale to zero,
 * which the HPA rejects by default; {@code autoscaler: hpa} spelt out), so apply deletes the ScaledObject ({@code DELETE scaledobjects} with
 * {@code propagationPolicy: Orphan}) and server-side-applies the HPA. Only the update's calls are failed here: the create
 * and the delete of the keda endpoint are {@link KubernetesKedaFaultInjectionTest}'s rows. The outcome table is
 * {@code docs/reliability/kubernetes-keda-to-hpa.md}.
 */
class KubernetesKedaSwitchFaultInjectionTest extends KubernetesKedaFaultInjectionTest {

    @Override
    protected String backendId() {
        return KubernetesBackend.ID + "-keda-to-hpa";
    }

    @Override
    protected InferenceEndpoint updatedEndpoint() {
        InferenceEndpoint keda = endpoint();
        return keda.toBuilder()
                .option(KubernetesTranslator.BACKEND_ID, KubernetesTranslator.AUTOSCALER_OPTION, KubernetesTranslator.AUTOSCALER_HPA)
                .autoscaling(keda.autoscaling().toBuilder().minReplicas(1).scaleToZero(null).build()).build();
    }

    @Override
    protected List<String> callsToFail(Scenario scenario, List<String> cleanRunCalls) {
        return scenario == Scenario.UPDATE ? super.callsToFail(scenario, cleanRunCalls) : List.of();
    }
}
