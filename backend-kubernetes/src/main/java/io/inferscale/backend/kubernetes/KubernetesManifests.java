package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.inferscale.api.backend.Note;
import io.inferscale.backend.kubernetes.internal.ManifestYaml;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The native desired state of one endpoint: a Deployment, a Service and its autoscaler, all named after the endpoint,
 * produced by {@link KubernetesTranslator}. The autoscaler is an {@code autoscaling/v2} HorizontalPodAutoscaler
 * ({@code spec.backends.kubernetes.autoscaler: hpa}, the default) or a KEDA {@code keda.sh/v1alpha1} ScaledObject
 * ({@code autoscaler: keda}); exactly one of {@code hpa} and {@code scaledObject} is set.
 *
 * @param namespace  the namespace the objects go to, or {@code null} when neither the endpoint nor the
 *                   configuration names one (the client's current namespace is used at apply time)
 * @param deployment the Deployment; its {@code spec.replicas} is the initial count, written on create only
 * @param service    the ClusterIP (or configured type) Service in front of the pods
 * @param hpa          the HorizontalPodAutoscaler scaling the Deployment, or {@code null} with a ScaledObject
 * @param scaledObject the KEDA ScaledObject scaling the Deployment, or {@code null} with an HPA
 * @param notes        derived values (image from template, metric names) and approximations
 */
public record KubernetesManifests(String namespace, Deployment deployment, Service service, HorizontalPodAutoscaler hpa,
                                  GenericKubernetesResource scaledObject, List<Note> notes) {

    /** Rejects nulls (except the namespace and the autoscaler not used), requires exactly one autoscaler, copies the notes. */
    public KubernetesManifests {
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(service, "service");
        if ((hpa == null) == (scaledObject == null)) {
            throw new IllegalArgumentException("exactly one of hpa and scaledObject must be set");
        }
        notes = List.copyOf(notes);
    }

    /** The manifests with a HorizontalPodAutoscaler ({@code autoscaler: hpa}). */
    public KubernetesManifests(String namespace, Deployment deployment, Service service, HorizontalPodAutoscaler hpa, List<Note> notes) {
        this(namespace, deployment, service, Objects.requireNonNull(hpa, "hpa"), null, notes);
    }

    /** True when a KEDA ScaledObject scales the Deployment ({@code spec.backends.kubernetes.autoscaler: keda}). */
    public boolean usesKeda() {
        return scaledObject != null;
    }

    /** The autoscaler: the HorizontalPodAutoscaler or the ScaledObject. */
    public HasMetadata autoscaler() {
        return usesKeda() ? scaledObject : hpa;
    }

    /** The namespace, when one is set. */
    public Optional<String> namespaceIfSet() {
        return Optional.ofNullable(namespace);
    }

    /** The three objects in apply order: Deployment, Service, autoscaler (HorizontalPodAutoscaler or ScaledObject). */
    public List<HasMetadata> objects() {
        return List.of(deployment, service, autoscaler());
    }

    /**
     * The objects as multi-document YAML ({@code ---} before each), as {@code kubectl apply -f} reads it, with the
     * Deployment's {@code spec.replicas} left out: the HorizontalPodAutoscaler owns the count, and a manifest that
     * carries it would reset the count on every re-apply (client-side apply, Argo CD, Flux) or conflict with the HPA
     * (server-side apply). With {@code autoscaler: keda} the last document is the ScaledObject. Kubernetes creates such a Deployment with 1 replica and the HPA raises it to
     * {@code minReplicas}; see "Migrating Deployments and StatefulSets to horizontal autoscaling",
     * https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling.
     */
    public String toYaml() {
        return ManifestYaml.write(List.of(withoutReplicas(deployment), service, autoscaler()));
    }

    /** A copy of {@code d} without {@code spec.replicas}, the field the HorizontalPodAutoscaler owns. */
    public static Deployment withoutReplicas(Deployment d) {
        // a builder copy, not a Jackson clone: render stays free of ObjectMapper (StartupClassLoadingIT)
        return new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder(d).editSpec().withReplicas(null).endSpec().build();
    }
}
