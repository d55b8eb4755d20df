package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.inferscale.backend.kubernetes.internal.KubernetesLiveReader;
import io.inferscale.backend.kubernetes.internal.ManifestYaml;
import io.inferscale.backend.kubernetes.keda.ScaledObjectTranslator;
import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.backend.Condition;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reconciles one {@code InferenceEndpoint} resource: reads its spec with the library's codec, validates it with
 * the Kubernetes backend's rules, server-side-applies the same Deployment, Service and HPA as
 * {@link KubernetesBackend#apply} with an owner reference to the resource (so deleting it deletes them), and
 * writes the status (replicas, TARGETS, conditions). An invalid spec gets {@code Ready=False/InvalidSpec} with
 * every validation message and no children; nothing is thrown, so there is no crash or retry loop.
 * Re-runs when the resource's spec changes or when one of its children (Deployment, Service, HPA, and the ScaledObject
 * when ScaledObjects are cached, see below) changes or is deleted.
 *
 * <p>Requests per reconcile: the children are planned against the informer caches (one informer per kind on the
 * managed-by label, {@link #CHILD_INFORMERS}, and one on KEDA ScaledObjects when the cluster serves them), so a reconcile
 * with nothing to change makes no request at all. On drift it makes the writes of {@link KubernetesBackend#apply} (one
 * server-side apply per changed child) and its check after the writes (a GET of each other child); plus a status patch
 * only when the status changed. The status is built from the objects planned against or written. What a reconcile writes
 * or reads back goes into the informers' temporary caches, so the next reconcile, even one that starts before the watches
 * deliver those writes, does not apply them again.
 *
 * <p>KEDA ScaledObjects ({@code keda.sh/v1alpha1}, a {@code GenericKubernetesResource} to fabric8): the informer on them
 * ({@value #SCALED_OBJECTS}) is registered only when the operator, at start, finds that API served (one discovery GET of
 * {@code /apis/keda.sh/v1alpha1} listing {@code scaledobjects}; {@link InferenceEndpointOperator#start()}). Why at start
 * and by discovery: JOSDK stops the start when an informer cannot list (the operator runs with
 * {@code stopOnInformerErrorDuringStartup}) and a registered informer whose API is missing keeps the readiness probe
 * false, so an informer may exist only where the API does; discovery answers exactly that (a CRD that exists but is not
 * yet established is not served) and needs no RBAC rule (every authenticated user may read discovery through the default
 * {@code system:discovery} ClusterRole), where reading the CRD object would need {@code get} on
 * {@code customresourcedefinitions}. Registering it dynamically on the first {@code keda} endpoint instead would start an
 * informer from inside a reconcile (every {@code keda} reconcile racing to register it, its failure, without KEDA, turning
 * into a failed reconcile or an unready operator) for one benefit: caching a KEDA installed after the operator started.
 * Without the informer (no KEDA at start, or KEDA installed later: restart the operator to cache it) nothing changes from
 * before: {@link KubernetesLiveReader.CachedObjects#covers} answers false for ScaledObjects and the reconcile of a
 * {@code keda} endpoint reads its ScaledObject with one GET; a ScaledObject changed or deleted by hand is then repaired
 * only at the next reconcile of its endpoint.
 *
 * <p>Concurrency: JOSDK never runs two reconciles of the same resource at once in one operator (it serialises them per
 * resource and queues events that arrive meanwhile); reconciles of different resources run in parallel on its
 * executor (50 threads by default). This class keeps no mutable state and shares only the thread-safe
 * {@link KubernetesBackend}; each reconcile writes only its own resource's status and the children named after it, so
 * parallel reconciles of different resources do not interact. The operator's Deployment runs two replicas with leader
 * election, so one process reconciles; two processes reconciling the same resource anyway (no leader election, or a
 * deposed leader before it exits) get {@link KubernetesBackend}'s guarantee for racing applies: the children end as one
 * spec entirely.
 */
@ControllerConfiguration(name = InferenceEndpointReconciler.NAME)
final class InferenceEndpointReconciler implements Reconciler<InferenceEndpointResource> {

    static final String NAME = "inferenceendpoint";
    static final String READY = "Ready";

    private final KubernetesBackend backend;
    private final OperatorIdentity identity;
    private final boolean scaledObjectsCached;

    /**
     * A reconciler applying through {@code backend}.
     *
     * @param scaledObjectsCached whether to watch KEDA ScaledObjects with an informer: only when the cluster serves
     *                            {@code keda.sh/v1alpha1} scaledobjects (see the class comment)
     */
    InferenceEndpointReconciler(KubernetesBackend backend, OperatorIdentity identity, boolean scaledObjectsCached) {
        this.backend = backend;
        this.identity = identity;
        this.scaledObjectsCached = scaledObjectsCached;
    }

    /**
     * Where the operator itself runs: its namespace and service account. An InferenceEndpoint in that namespace
     * must not run its pods as that service account, which holds the operator's cluster-wide rights.
     * {@link #fromEnvironment()} reads {@code INFERSCALE_OPERATOR_NAMESPACE} and {@code INFERSCALE_OPERATOR_SERVICE_ACCOUNT}
     * (set by {@code manifests/operator.yaml} through the downward API), defaulting to the names the manifests use.
     */
    record OperatorIdentity(String namespace, String serviceAccount) {
        static final String DEFAULT_NAMESPACE = "inferscale-system";
        static final String DEFAULT_SERVICE_ACCOUNT = "inferscale-operator";

        static OperatorIdentity fromEnvironment() {
            return new OperatorIdentity(env("INFERSCALE_OPERATOR_NAMESPACE", DEFAULT_NAMESPACE),
                    env("INFERSCALE_OPERATOR_SERVICE_ACCOUNT", DEFAULT_SERVICE_ACCOUNT));
        }

        private static String env(String name, String fallback) {
            String v = System.getenv(name);
            return v == null || v.isBlank() ? fallback : v.trim();
        }
    }

    /** The informers over the children, by kind: each watches its kind with the managed-by label selector. */
    static final Map<Class<? extends HasMetadata>, String> CHILD_INFORMERS = Map.of(
            Deployment.class, "deployments", Service.class, "services", HorizontalPodAutoscaler.class, "hpas");

    /** The name of the informer over KEDA ScaledObjects (registered only when they are cached). */
    static final String SCALED_OBJECTS = "scaledobjects";

    /** KEDA's ScaledObject: group {@code keda.sh}, version {@code v1alpha1} (KEDA's CRD {@code scaledobjects.keda.sh}). */
    static final GroupVersionKind SCALED_OBJECT = new GroupVersionKind(ScaledObjectTranslator.API_VERSION, ScaledObjectTranslator.KIND);

    /**
     * One informer per child kind (Deployment, Service, HPA; and KEDA ScaledObjects when {@code scaledObjectsCached}) on the
     * managed-by label: a child changed or deleted by hand re-runs its owner's reconcile (mapped through the owner
     * reference), and the reconcile plans against these caches.
     */
    @Override
    public List<EventSource<?, InferenceEndpointResource>> prepareEventSources(EventSourceContext<InferenceEndpointResource> context) {
        List<EventSource<?, InferenceEndpointResource>> sources = new ArrayList<>();
        CHILD_INFORMERS.forEach((type, name) -> sources.add(informer(InformerEventSourceConfiguration.from(type, InferenceEndpointResource.class), name, context)));
        if (scaledObjectsCached) {
            sources.add(informer(InformerEventSourceConfiguration.from(SCALED_OBJECT, InferenceEndpointResource.class), SCALED_OBJECTS, context));
        }
        return sources;
    }

    private static <T extends HasMetadata> InformerEventSource<T, InferenceEndpointResource> informer(
            InformerEventSourceConfiguration.Builder<T> config, String name, EventSourceContext<InferenceEndpointResource> context) {
        return new InformerEventSource<>(config.withName(name)
                .withLabelSelector(KubernetesTranslator.MANAGED_BY_LABEL + "=" + KubernetesTranslator.MANAGED_BY).build(), context);
    }

    /** The informer's name for a child type, null when no informer covers it (ScaledObjects: {@code GenericKubernetesResource}). */
    private String informerName(Class<? extends HasMetadata> type) {
        return type == GenericKubernetesResource.class ? (scaledObjectsCached ? SCALED_OBJECTS : null) : CHILD_INFORMERS.get(type);
    }

    /**
     * The children as the informers last saw them: the first planning round of a reconcile makes no request. What a
     * reconcile writes (and reads back) goes into the informers' temporary caches (JOSDK's
     * {@code handleRecentResourceUpdate}): until the watch delivers a version at least as new, a lookup returns what was
     * written, not the version before the write, so the next reconcile, which may start before the watch catches up, plans
     * against the write and does not apply it again. The watch event of the write itself then carries no newer
     * resourceVersion and triggers no reconcile. Covers ScaledObjects ({@code GenericKubernetesResource}) only when their
     * informer is registered; otherwise the reconcile reads a ScaledObject with a GET.
     */
    private KubernetesLiveReader.CachedObjects informerCaches(Context<InferenceEndpointResource> context) {
        return new KubernetesLiveReader.CachedObjects() {
            @Override
            public boolean covers(Class<? extends HasMetadata> type) {
                return informerName(type) != null;
            }

            @Override
            public HasMetadata get(Class<? extends HasMetadata> type, String ns, String name) {
                return source(context, type).get(new ResourceID(name, ns)).orElse(null);
            }

            @Override
            public void observed(HasMetadata fresh) {
                if (covers(fresh.getClass())) {
                    source(context, fresh.getClass()).handleRecentResourceUpdate(ResourceID.fromResource(fresh), fresh, null);
                }
            }
        };
    }

    @SuppressWarnings("unchecked")
    private InformerEventSource<HasMetadata, InferenceEndpointResource> source(Context<InferenceEndpointResource> context,
                                                                              Class<? extends HasMetadata> type) {
        return (InformerEventSource<HasMetadata, InferenceEndpointResource>) context.eventSourceRetriever()
                .getEventSourceFor(type, informerName(type));
    }

    @Override
    public UpdateControl<InferenceEndpointResource> reconcile(InferenceEndpointResource resource, Context<InferenceEndpointResource> context) {
        String ns = resource.getMetadata().getNamespace();
        String name = resource.getMetadata().getName();
        InferenceEndpointResourceStatus status = new InferenceEndpointResourceStatus();
        status.observedGeneration = resource.getMetadata().getGeneration();
        InferenceEndpoint endpoint;
        try {
            endpoint = toEndpoint(resource);
            ValidationReport report = backend.validate(endpoint).and(namespaceRule(endpoint, ns)).and(serviceAccountRule(endpoint, ns));
            report.throwIfErrors("InferenceEndpoint " + ns + "/" + name);
        } catch (InvalidEndpointException e) {
            status.state = "INVALID";
            status.message = e.report().errors().stream().map(Problem::format).reduce((a, b) -> a + "; " + b).orElse(e.getMessage());
            status.conditions.add(condition(resource, READY, "False", "InvalidSpec", status.message));
            return patchIfChanged(resource, status);
        }
        EndpointStatus s = backend.applyOwned(endpoint, ns, owner(resource), informerCaches(context)).status();
        status.state = s.state().name();
        status.replicas = s.details().containsKey("deployment.replicas") ? Integer.valueOf(s.details().get("deployment.replicas")) : null;
        status.readyReplicas = s.readyReplicas();
        status.desiredReplicas = s.desiredReplicas();
        status.targets = s.details().get("targets");
        status.message = s.message().orElse(null);
        status.conditions.add(condition(resource, READY, s.isReady() ? "True" : "False", s.isReady() ? "Ready" : s.state().name(),
                s.isReady() ? s.readyReplicas() + " of " + s.desiredReplicas() + " replicas ready"
                        : s.message().orElse(s.readyReplicas() + " of " + s.desiredReplicas() + " replicas ready")));
        for (Condition c : s.conditions()) {
            if (List.of("AbleToScale", "ScalingActive", "ScalingLimited").contains(c.type())) {
                status.conditions.add(condition(resource, c.type(), c.status(), c.reason(), c.message()));
            }
        }
        return patchIfChanged(resource, status);
    }

    /** On an API failure (after JOSDK's retries are scheduled), records it as {@code Ready=False} with the reason. */
    @Override
    public ErrorStatusUpdateControl<InferenceEndpointResource> updateErrorStatus(InferenceEndpointResource resource,
                                                                                 Context<InferenceEndpointResource> context, Exception e) {
        InferenceEndpointResourceStatus status = new InferenceEndpointResourceStatus();
        status.observedGeneration = resource.getMetadata().getGeneration();
        status.state = "FAILED";
        status.message = e.getMessage();
        String reason = e instanceof BackendException b ? camel(b.reason().name()) : "ReconcileError";
        status.conditions.add(condition(resource, READY, "False", reason, e.getMessage()));
        resource.setStatus(status);
        return ErrorStatusUpdateControl.patchStatus(resource);
    }

    private static String camel(String enumName) {
        StringBuilder sb = new StringBuilder();
        for (String part : enumName.toLowerCase(java.util.Locale.ROOT).split("_")) {
            sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return sb.toString();
    }

    private static UpdateControl<InferenceEndpointResource> patchIfChanged(InferenceEndpointResource resource, InferenceEndpointResourceStatus status) {
        if (status.equals(resource.getStatus())) {
            return UpdateControl.noUpdate();
        }
        resource.setStatus(status);
        return UpdateControl.patchStatus(resource);
    }

    /** A condition whose transition time is kept when its status did not change. */
    private static InferenceEndpointResourceStatus.Condition condition(InferenceEndpointResource r, String type, String status, String reason, String message) {
        InferenceEndpointResourceStatus.Condition c = new InferenceEndpointResourceStatus.Condition();
        c.type = type;
        c.status = status;
        c.reason = reason == null || reason.isEmpty() ? null : reason;
        c.message = message == null || message.isEmpty() ? null : message;
        InferenceEndpointResourceStatus.Condition old = r.getStatus() == null ? null : r.getStatus().condition(type);
        c.lastTransitionTime = old != null && status.equals(old.status) && old.lastTransitionTime != null
                ? old.lastTransitionTime : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        return c;
    }

    /** The resource as the library's endpoint: the same reader as {@code inferscale apply -f}, so the same rules and messages. */
    static InferenceEndpoint toEndpoint(InferenceEndpointResource r) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", EndpointCodec.API_VERSION);
        doc.put("kind", EndpointCodec.KIND);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", r.getMetadata().getName());
        if (r.getMetadata().getLabels() != null && !r.getMetadata().getLabels().isEmpty()) {
            metadata.put("labels", r.getMetadata().getLabels());
        }
        doc.put("metadata", metadata);
        doc.put("spec", r.getSpec() == null ? Map.of() : r.getSpec().fields());
        return EndpointCodec.readEndpoint(ManifestYaml.serialization().asJson(doc),
                "InferenceEndpoint " + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName());
    }

    private static ValidationReport namespaceRule(InferenceEndpoint e, String ns) {
        List<Problem> p = new ArrayList<>();
        e.backends().string(KubernetesTranslator.BACKEND_ID, "namespace").filter(n -> !n.equals(ns)).ifPresent(n -> p.add(Problem.error(
                "spec.backends.kubernetes.namespace", "'" + n + "' differs from the resource's namespace '" + ns
                        + "': the operator creates the children next to the resource (owner references cannot cross namespaces); remove the option")));
        return ValidationReport.of(p);
    }

    /** Refuses the operator's own service account in the operator's namespace: it would lend the operator's rights to any image. */
    private ValidationReport serviceAccountRule(InferenceEndpoint e, String ns) {
        List<Problem> p = new ArrayList<>();
        if (ns.equals(identity.namespace())) {
            e.backends().string(KubernetesTranslator.BACKEND_ID, "serviceAccountName").filter(identity.serviceAccount()::equals)
                    .ifPresent(sa -> p.add(Problem.error("spec.backends.kubernetes.serviceAccountName", "'" + sa
                            + "' is the operator's own service account in its namespace '" + ns + "': the pods would run with the"
                            + " operator's cluster-wide rights; use a service account made for the model, or create the endpoint in"
                            + " another namespace")));
        }
        return ValidationReport.of(p);
    }

    private static OwnerReference owner(InferenceEndpointResource r) {
        return new OwnerReferenceBuilder().withApiVersion(InferenceEndpointResource.GROUP + "/" + InferenceEndpointResource.VERSION)
                .withKind("InferenceEndpoint").withName(r.getMetadata().getName()).withUid(r.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build();
    }
}
