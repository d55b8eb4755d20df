package io.inferscale.backend.kubernetes.internal;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.inferscale.api.BackendException;
import io.inferscale.backend.kubernetes.KubernetesTranslator;
import io.inferscale.backend.kubernetes.keda.ScaledObjectTranslator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The KEDA {@code keda.sh/v1alpha1} ScaledObject as a generic resource: its API (group {@code keda.sh}, version
 * {@code v1alpha1}, plural {@code scaledobjects}, namespaced; KEDA's CRD {@code scaledobjects.keda.sh}), how an HPA
 * KEDA created is recognised, and the error when KEDA is not installed.
 */
public final class ScaledObjects {

    /** The CRD's name. */
    public static final String CRD = "scaledobjects.keda.sh";

    /** The resource's plural, as the API server serves it under {@code /apis/keda.sh/v1alpha1}. */
    public static final String PLURAL = "scaledobjects";

    /** Group, version, kind and plural given explicitly: no discovery request, a missing API is a plain 404. */
    private static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
            .withGroup("keda.sh").withVersion("v1alpha1").withKind(ScaledObjectTranslator.KIND).withPlural(PLURAL)
            .withNamespaced(true).build();

    private ScaledObjects() {
    }

    /** The ScaledObject operations of {@code client}. */
    public static MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> api(
            KubernetesClient client) {
        return client.genericKubernetesResources(CONTEXT);
    }

    /**
     * The ScaledObjects in {@code ns} carrying InferScale's managed-by label, by name: one LIST. Empty when KEDA is not
     * installed (the API server answers 404 for {@code keda.sh/v1alpha1} scaledobjects).
     *
     * @throws KubernetesClientException any other failure of the LIST
     */
    public static Map<String, GenericKubernetesResource> listManaged(KubernetesClient client, String ns) {
        List<GenericKubernetesResource> items;
        try {
            items = api(client).inNamespace(ns).withLabel(KubernetesTranslator.MANAGED_BY_LABEL, KubernetesTranslator.MANAGED_BY)
                    .list().getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
            items = List.of();
        }
        Map<String, GenericKubernetesResource> byName = new LinkedHashMap<>();
        items.forEach(so -> byName.put(so.getMetadata().getName(), so));
        return byName;
    }

    /**
     * True when one of the endpoints listed may have a ScaledObject, by the same rule as a single endpoint's status: an HPA
     * controlled by a ScaledObject, or a Deployment without an HPA (KEDA has not created its HPA yet). A namespace of plain
     * HPA endpoints answers false, and {@code list} sends no request for ScaledObjects.
     */
    public static boolean mayHaveScaledObjects(Map<String, ? extends HasMetadata> deployments, Map<String, ? extends HasMetadata> hpas) {
        return hpas.values().stream().anyMatch(ScaledObjects::ownedByKeda) || !hpas.keySet().containsAll(deployments.keySet());
    }

    /** True when {@code o} is a ScaledObject. */
    public static boolean isScaledObject(HasMetadata o) {
        return o instanceof GenericKubernetesResource && ScaledObjectTranslator.KIND.equals(o.getKind())
                && ScaledObjectTranslator.API_VERSION.equals(o.getApiVersion());
    }

    /**
     * True when a ScaledObject is the HPA's controller owner: KEDA created or adopted it ({@code controllers/keda/hpa.go},
     * {@code newHPAForScaledObject} sets the controller reference), and the HPA is KEDA's to write and to delete.
     */
    public static boolean ownedByKeda(HasMetadata hpa) {
        List<OwnerReference> owners = hpa == null || hpa.getMetadata().getOwnerReferences() == null ? List.of()
                : hpa.getMetadata().getOwnerReferences();
        return owners.stream().anyMatch(r -> ScaledObjectTranslator.KIND.equals(r.getKind())
                && r.getApiVersion() != null && r.getApiVersion().startsWith("keda.sh/"));
    }

    /**
     * The error for a 404 on a ScaledObject write: the API server has no {@code keda.sh/v1alpha1} scaledobjects because KEDA
     * (its CRD) is not installed.
     */
    public static BackendException kedaMissing(String qualifiedName, BackendException cause) {
        return new BackendException(KubernetesTranslator.BACKEND_ID, BackendException.Reason.NOT_FOUND, "KEDA is not installed: "
                + "the API server has no keda.sh/v1alpha1 scaledobjects (CRD " + CRD + " is missing), so ScaledObject " + qualifiedName
                + " cannot be applied; install KEDA (https://keda.sh/docs/latest/deploy/, e.g. helm install keda kedacore/keda "
                + "--namespace keda --create-namespace) or use spec.backends.kubernetes.autoscaler: hpa. The Deployment and Service "
                + "are applied; re-running apply after installing KEDA completes the endpoint", cause);
    }
}
