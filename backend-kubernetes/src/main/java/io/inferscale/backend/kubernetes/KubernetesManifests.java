package io.inferscale.backend.kubernetes;

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
 * The native desired state of one endpoint: a Deployment, a Service and an {@code autoscaling/v2}
 * HorizontalPodAutoscaler, all named after the endpoint, produced by {@link KubernetesTranslator}.
 *
 * @param namespace  the namespace the objects go to, or {@code null} when neither the endpoint nor the
 *                   configuration names one (the client's current namespace is used at apply time)
 * @param deployment the Deployment; its {@code spec.replicas} is the initial count, written on create only
 * @param service    the ClusterIP (or configured type) Service in front of the pods
 * @param hpa        the HorizontalPodAutoscaler scaling the Deployment
 * @param notes      derived values (image from template, metric names) and approximations
 */
public record KubernetesManifests(String namespace, Deployment deployment, Service service, HorizontalPodAutoscaler hpa,
                                  List<Note> notes) {

    /** Rejects nulls (except the namespace) and copies the notes. */
    public KubernetesManifests {
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(hpa, "hpa");
        notes = List.copyOf(notes);
    }

    /** The namespace, when one is set. */
    public Optional<String> namespaceIfSet() {
        return Optional.ofNullable(namespace);
    }

    /** The three objects in apply order: Deployment, Service, HorizontalPodAutoscaler. */
    public List<HasMetadata> objects() {
        return List.of(deployment, service, hpa);
    }

    /**
     * The objects as multi-document YAML ({@code ---} before each), as {@code kubectl apply -f} reads it, with the
     * Deployment's {@code spec.replicas} left out: the HorizontalPodAutoscaler owns the count, and a manifest that
     * carries it would reset the count on every re-apply (client-side apply, Argo CD, Flux) or conflict with the HPA
     * (server-side apply). Kubernetes creates such a Deployment with 1 replica and the HPA raises it to
     * {@code minReplicas}; see "Migrating Deployments and StatefulSets to horizontal autoscaling",
     * https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling.
     */
    public String toYaml() {
        return ManifestYaml.write(List.of(withoutReplicas(deployment), service, hpa));
    }

    /** A copy of {@code d} without {@code spec.replicas}, the field the HorizontalPodAutoscaler owns. */
    public static Deployment withoutReplicas(Deployment d) {
        // a builder copy, not a Jackson clone: render stays free of ObjectMapper (StartupClassLoadingIT)
        return new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder(d).editSpec().withReplicas(null).endSpec().build();
    }
}
