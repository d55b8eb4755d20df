package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.backend.kubernetes.internal.ScaledObjects;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The conformance kit again, every sample endpoint with {@code spec.backends.kubernetes.autoscaler: keda}: the same
 * lifecycle, idempotence, update, delete and validation guarantees with a KEDA ScaledObject in place of the HPA, on
 * {@link MockCluster} (which stores the ScaledObject like any resource). A stand-in for the KEDA operator does what KEDA
 * does with a ScaledObject that has no active external trigger: it creates (and updates) the HPA named by
 * {@code advanced.horizontalPodAutoscalerConfig.name}, controlled by the ScaledObject, with {@code minReplicas} =
 * max(1, minReplicaCount) and {@code maxReplicas} = maxReplicaCount ({@code controllers/keda/hpa.go}
 * newHPAForScaledObject, KEDA v2.20.2), and deletes it with the ScaledObject while the ScaledObject still controls it
 * (the garbage collector's part); a DELETE with {@code propagationPolicy: Orphan} first removes the owner reference, so
 * the HPA stays. The mock's HPA controller stand-in then scales the Deployment. {@link KubernetesConformanceTest} starts
 * the stand-in for every test.
 */
class KubernetesKedaConformanceTest extends KubernetesConformanceTest {

    @Override
    protected InferenceEndpoint.Builder customize(InferenceEndpoint.Builder builder) {
        return builder.option(KubernetesTranslator.BACKEND_ID, KubernetesTranslator.AUTOSCALER_OPTION, KubernetesTranslator.AUTOSCALER_KEDA);
    }

    /** The KEDA operator stand-in described in the class comment. */
    static AutoCloseable startKedaOperator(MockCluster cluster) {
        KubernetesClient c = cluster.controllerClient();
        Set<String> orphaned = ConcurrentHashMap.newKeySet();
        var informer = ScaledObjects.api(c).inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource so) {
                reconcile(c, so);
            }

            @Override
            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource so) {
                reconcile(c, so);
            }

            @Override
            public void onDelete(GenericKubernetesResource so, boolean unknown) {
                // the garbage collector's part: a dependent still controlled by the deleted ScaledObject goes with it, or,
                // after a DELETE with propagationPolicy Orphan, loses its owner reference and stays
                String ns = so.getMetadata().getNamespace();
                var hpa = c.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).withName(hpaName(so));
                HorizontalPodAutoscaler live = hpa.get();
                if (live == null || !controlledBy(live, so)) {
                    return;
                }
                if (orphaned.remove(ns + "/" + so.getMetadata().getName())) {
                    editRetryingConflicts(hpa, x -> new HorizontalPodAutoscalerBuilder(x).editMetadata().withOwnerReferences(x.getMetadata()
                            .getOwnerReferences().stream().filter(r -> !uid(so).equals(r.getUid())).toList()).endMetadata().build());
                } else {
                    hpa.delete();
                }
            }
        });
        // no request from inside the mock server's dispatcher (it would wait for itself): only note the orphaning deletes
        cluster.intercept((request, proceed) -> {
            orphaningDelete(request).ifPresent(orphaned::add);
            return null;
        });
        return informer::close;
    }

    /**
     * {@code edit} (a GET, then a PATCH carrying the resourceVersion read) again after a 409: InferScale's own apply of the HPA
     * can land between the two, and KEDA's operator and the garbage collector, like any controller, read again and retry.
     */
    private static void editRetryingConflicts(Resource<HorizontalPodAutoscaler> hpa, UnaryOperator<HorizontalPodAutoscaler> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                hpa.edit(change);
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** "namespace/name" of a DELETE of a ScaledObject with {@code propagationPolicy: Orphan}. */
    private static Optional<String> orphaningDelete(RecordedRequest request) {
        String path = request.getPath().replaceAll("[?].*", "");
        int at = path.indexOf("/scaledobjects/");
        if (!"DELETE".equals(request.getMethod()) || at < 0 || request.getBody() == null
                || !new String(request.getBody().getBytes(), StandardCharsets.UTF_8).contains("\"Orphan\"")) {
            return Optional.empty();
        }
        String ns = path.substring(path.indexOf("/namespaces/") + "/namespaces/".length(), at);
        return Optional.of(ns + "/" + path.substring(at + "/scaledobjects/".length()));
    }

    private static String uid(GenericKubernetesResource so) {
        return String.valueOf(so.getMetadata().getUid());
    }

    private static boolean controlledBy(HorizontalPodAutoscaler hpa, GenericKubernetesResource so) {
        return hpa.getMetadata().getOwnerReferences() != null
                && hpa.getMetadata().getOwnerReferences().stream().anyMatch(r -> uid(so).equals(r.getUid()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource so) {
        return (Map<String, Object>) so.getAdditionalProperties().get("spec");
    }

    @SuppressWarnings("unchecked")
    private static String hpaName(GenericKubernetesResource so) {
        Object advanced = spec(so).get("advanced");
        Object config = advanced instanceof Map<?, ?> a ? a.get("horizontalPodAutoscalerConfig") : null;
        Object name = config instanceof Map<?, ?> m ? m.get("name") : null;
        return name == null ? "keda-hpa-" + so.getMetadata().getName() : name.toString();
    }

    @SuppressWarnings("unchecked")
    private static void reconcile(KubernetesClient c, GenericKubernetesResource so) {
        String ns = so.getMetadata().getNamespace();
        int min = Math.max(1, ((Number) spec(so).getOrDefault("minReplicaCount", 0)).intValue());
        int max = ((Number) spec(so).getOrDefault("maxReplicaCount", 100)).intValue();
        Map<String, Object> target = (Map<String, Object>) spec(so).get("scaleTargetRef");
        var hpas = c.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns);
        HorizontalPodAutoscaler live = hpas.withName(hpaName(so)).get();
        if (live != null && Integer.valueOf(min).equals(live.getSpec().getMinReplicas()) && live.getSpec().getMaxReplicas() == max
                && ScaledObjects.ownedByKeda(live)) {
            return;
        }
        HorizontalPodAutoscaler hpa = new HorizontalPodAutoscalerBuilder().withNewMetadata().withName(hpaName(so)).withNamespace(ns)
                .withLabels(so.getMetadata().getLabels())
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(so.getApiVersion()).withKind(so.getKind())
                        .withName(so.getMetadata().getName()).withUid(String.valueOf(so.getMetadata().getUid())).withController(true).build())
                .endMetadata()
                .withNewSpec().withMinReplicas(min).withMaxReplicas(max)
                .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName(target.get("name").toString()).endScaleTargetRef()
                .endSpec().build();
        if (live == null) {
            hpas.resource(hpa).create();
        } else {
            editRetryingConflicts(hpas.withName(hpaName(so)), x -> new HorizontalPodAutoscalerBuilder(x).withMetadata(hpa.getMetadata()).withSpec(hpa.getSpec()).build());
        }
    }
}
