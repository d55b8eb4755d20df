package io.inferscale.backend.kubernetes.internal;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.inferscale.api.BackendException;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.backend.kubernetes.KubernetesTranslator;
import io.inferscale.backend.kubernetes.keda.ScaledObjectTranslator;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads what exists in the cluster: one GET per object (absent: {@code null}), an endpoint's status from its three
 * objects, every managed endpoint of a namespace by the managed-by label, and a fleet's objects with one LIST per kind and
 * namespace ({@link #listManaged}). A read failure names its step when the caller gives the operation it belongs to.
 */
public final class KubernetesLiveReader {

    private static final String ID = KubernetesTranslator.BACKEND_ID;

    private final KubernetesClients clients;

    /** A reader using {@code clients}. */
    public KubernetesLiveReader(KubernetesClients clients) {
        this.clients = Objects.requireNonNull(clients, "clients");
    }

    /** True when the object carries InferScale's managed-by label. */
    public static boolean managed(HasMetadata o) {
        Map<String, String> labels = o.getMetadata().getLabels();
        return labels != null && KubernetesTranslator.MANAGED_BY.equals(labels.get(KubernetesTranslator.MANAGED_BY_LABEL));
    }

    /** True when any of the objects (null: absent) carries InferScale's managed-by label: the endpoint exists. */
    public static boolean anyManaged(HasMetadata... objects) {
        return Arrays.stream(objects).anyMatch(o -> o != null && managed(o));
    }

    /** One GET; null when absent. */
    public <T extends HasMetadata> T read(Class<T> type, String ns, String name) {
        return read(type, ns, name, null);
    }

    /** One GET; null when absent. A failure names its step (for {@link BackendException#step()}) when {@code operation} is set. */
    public <T extends HasMetadata> T read(Class<T> type, String ns, String name, String operation) {
        try {
            return KubernetesClients.withOneRetry(() -> clients.client().resources(type).inNamespace(ns).withName(name).get());
        } catch (KubernetesClientException e) {
            String step = "read " + type.getSimpleName() + " " + ns + "/" + name;
            BackendException failure = clients.wrap(step, e);
            throw operation == null ? failure : BackendException.atStep(operation, name, step, failure);
        }
    }

    /**
     * One GET of the live counterpart of {@code desired} (same kind, namespace and name): a ScaledObject through the generic
     * {@code keda.sh/v1alpha1} API, any other object through its typed API. Null when absent (for a ScaledObject also when
     * KEDA is not installed: the API server answers 404 either way).
     */
    public HasMetadata readLike(HasMetadata desired, String ns, String name, String operation) {
        if (ScaledObjects.isScaledObject(desired)) {
            return readScaledObject(ns, name, operation);
        }
        return read(desired.getClass(), ns, name, operation);
    }

    /** One GET of the ScaledObject {@code ns/name}; null when absent or when KEDA is not installed. */
    public GenericKubernetesResource readScaledObject(String ns, String name, String operation) {
        try {
            return KubernetesClients.withOneRetry(() -> ScaledObjects.api(clients.client()).inNamespace(ns).withName(name).get());
        } catch (KubernetesClientException e) {
            String step = "read ScaledObject " + ns + "/" + name;
            BackendException failure = clients.wrap(step, e);
            throw operation == null ? failure : BackendException.atStep(operation, name, step, failure);
        }
    }

    /**
     * The live objects of {@code desired}, one GET each in apply order, by kind; absent objects are left out.
     *
     * @param operation the operation a failed read stops ({@code apply})
     */
    public Map<String, HasMetadata> readAll(DesiredObjects desired, String operation) {
        Map<String, HasMetadata> live = new LinkedHashMap<>();
        for (HasMetadata object : desired.objects()) {
            HasMetadata current = readLike(object, desired.namespace(), desired.name(), operation);
            if (current != null) {
                live.put(object.getKind(), current);
            }
        }
        return withLeftoverScaledObject(desired, live, null, operation);
    }

    /**
     * With {@code autoscaler: hpa}, adds a ScaledObject of the endpoint's name left from {@code autoscaler: keda} to
     * {@code live} (under its kind), for the planner to delete. It is read (one GET) only when the objects already read say
     * there may be one: the HPA is controlled by a ScaledObject (KEDA created or adopted it), or the HPA is missing while the
     * Deployment exists (KEDA has not created its HPA yet; apply writes the Deployment before the ScaledObject and delete
     * removes the ScaledObject first, so a ScaledObject without its Deployment only follows a hand deletion of the
     * Deployment). A fresh apply and an up-to-date HPA endpoint therefore cost no extra request. Taken from {@code cache}
     * instead when it covers ScaledObjects (the operator's informer, or a fleet's LIST of them; null: none).
     */
    private Map<String, HasMetadata> withLeftoverScaledObject(DesiredObjects desired, Map<String, HasMetadata> live, CachedObjects cache,
                                                              String operation) {
        HasMetadata hpa = live.get("HorizontalPodAutoscaler");
        boolean mayHaveOne = ScaledObjects.ownedByKeda(hpa) || (hpa == null && live.containsKey("Deployment"));
        if (!desired.manifests().usesKeda() && mayHaveOne) {
            HasMetadata so = cache != null && cache.covers(GenericKubernetesResource.class)
                    ? cache.get(GenericKubernetesResource.class, desired.namespace(), desired.name())
                    : readScaledObject(desired.namespace(), desired.name(), operation);
            if (so != null && managed(so)) {
                live.put(ScaledObjectTranslator.KIND, so);
            }
        }
        return live;
    }

    /**
     * Objects already in memory, e.g. the operator's informer caches. Implementations make no request.
     */
    public interface CachedObjects {
        /** True when this cache holds every object of {@code type} (the managed-by ones): an absent one does not exist. */
        boolean covers(Class<? extends HasMetadata> type);

        /** The cached object of a covered {@code type} named {@code name} in {@code ns}, or null when absent. */
        HasMetadata get(Class<? extends HasMetadata> type, String ns, String name);

        /**
         * Takes {@code fresh}, as the API server just answered a write or a read of it, ahead of the watch that will
         * bring it: the next {@link #get} returns it, not the version before the write (the default ignores it).
         */
        default void observed(HasMetadata fresh) {
        }
    }

    /**
     * As {@link #readAll(DesiredObjects, String)}, taking each object whose kind {@code cache} covers from the cache
     * (no request) and reading the others with one GET each. The operator plans against its informer caches with this;
     * the library's plan and apply keep reading every object with GETs.
     */
    public Map<String, HasMetadata> readAll(DesiredObjects desired, CachedObjects cache, String operation) {
        Map<String, HasMetadata> live = new LinkedHashMap<>();
        for (HasMetadata object : desired.objects()) {
            HasMetadata current = cache.covers(object.getClass()) ? cache.get(object.getClass(), desired.namespace(), desired.name())
                    : readLike(object, desired.namespace(), desired.name(), operation);
            if (current != null) {
                live.put(object.getKind(), current);
            }
        }
        return withLeftoverScaledObject(desired, live, cache, operation);
    }

    /**
     * The managed objects of the given kinds in each namespace: one LIST per kind and namespace with the managed-by label
     * selector ({@code app.kubernetes.io/managed-by=inferscale}), in place of one GET per object. A LIST that fails (e.g.
     * RBAC grants {@code get} but not {@code list}, or KEDA is not installed for ScaledObjects) leaves its kind uncovered,
     * so its objects are read with GETs and a real failure surfaces there, at its endpoint's step.
     *
     * <p>An object of an endpoint's name without the label is not listed: the fleet plans it as absent (CREATE, whose
     * server-side apply takes it over like {@link #readAll}'s UPDATE would, but with the create's {@code spec.replicas}).
     *
     * @param kinds by namespace, the object types to list: {@code Deployment}, {@code Service},
     *              {@code HorizontalPodAutoscaler}, and {@code GenericKubernetesResource} for KEDA ScaledObjects
     */
    public ListedObjects listManaged(Map<String, Set<Class<? extends HasMetadata>>> kinds) {
        ListedObjects listed = new ListedObjects();
        kinds.forEach((ns, types) -> types.forEach(type -> {
            try {
                listed.add(type, ns, KubernetesClients.withOneRetry(() -> listManaged(type, ns)));
            } catch (KubernetesClientException e) {
                listed.failed(type);
            }
        }));
        return listed;
    }

    /** One LIST of {@code type} in {@code ns} on the managed-by label ({@code GenericKubernetesResource}: the ScaledObjects). */
    private <T extends HasMetadata> List<T> listManaged(Class<T> type, String ns) {
        List<? extends HasMetadata> items = type == GenericKubernetesResource.class
                ? ScaledObjects.api(clients.client()).inNamespace(ns)
                        .withLabel(KubernetesTranslator.MANAGED_BY_LABEL, KubernetesTranslator.MANAGED_BY).list().getItems()
                : clients.client().resources(type).inNamespace(ns)
                        .withLabel(KubernetesTranslator.MANAGED_BY_LABEL, KubernetesTranslator.MANAGED_BY).list().getItems();
        return items.stream().map(type::cast).toList();
    }

    /** The kinds of every desired object of {@code fleet}, by namespace: what {@link #listManaged} lists for a plan. */
    public static Map<String, Set<Class<? extends HasMetadata>>> kindsOf(Collection<DesiredObjects> fleet) {
        Map<String, Set<Class<? extends HasMetadata>>> kinds = new TreeMap<>();
        fleet.forEach(d -> d.objects().forEach(o -> kinds.computeIfAbsent(d.namespace(), ns -> new java.util.LinkedHashSet<>()).add(o.getClass())));
        return kinds;
    }

    /**
     * The status of endpoint {@code name} in namespace {@code ns}; empty when none of its objects exists. The ScaledObject is
     * read (a fourth GET) only when a ScaledObject owns the HPA or the HPA is missing, so an HPA endpoint costs three GETs.
     */
    public Optional<EndpointStatus> status(String ns, String name) {
        Deployment d = read(Deployment.class, ns, name);
        HorizontalPodAutoscaler hpa = read(HorizontalPodAutoscaler.class, ns, name);
        Service svc = read(Service.class, ns, name);
        GenericKubernetesResource so = hpa == null || ScaledObjects.ownedByKeda(hpa) ? readScaledObject(ns, name, null) : null;
        if (!anyManaged(d, hpa, svc, so)) {
            return Optional.empty();
        }
        return Optional.of(KedaStatus.read(KubernetesStatusMapper.read(name, ID, ns, d, hpa, svc != null), so, hpa));
    }

    /**
     * The status built from objects read (and written) by kind, without requests. With a ScaledObject, the HPA KEDA created
     * is not among them (InferScale does not read it on apply): replicas come from the Deployment.
     */
    public static EndpointStatus statusOf(String name, String ns, Map<String, HasMetadata> live) {
        EndpointStatus status = KubernetesStatusMapper.read(name, ID, ns, (Deployment) live.get("Deployment"),
                (HorizontalPodAutoscaler) live.get("HorizontalPodAutoscaler"), live.containsKey("Service"));
        HasMetadata so = live.get(ScaledObjectTranslator.KIND);
        return so instanceof GenericKubernetesResource g ? KedaStatus.read(status, g, null) : status;
    }

    /**
     * Every endpoint in {@code ns} with an object carrying the managed-by label, sorted by name: three LISTs, and a fourth
     * of the ScaledObjects when {@link ScaledObjects#mayHaveScaledObjects} says an endpoint may have one (their status as
     * in {@link #status}).
     */
    public List<EndpointStatus> list(String ns) {
        try {
            Map<String, Deployment> deployments = byName(listManaged(Deployment.class, ns));
            Map<String, HorizontalPodAutoscaler> hpas = byName(listManaged(HorizontalPodAutoscaler.class, ns));
            Map<String, Service> services = byName(listManaged(Service.class, ns));
            Map<String, GenericKubernetesResource> scaledObjects = ScaledObjects.mayHaveScaledObjects(deployments, hpas)
                    ? ScaledObjects.listManaged(clients.client(), ns) : Map.of();
            TreeMap<String, EndpointStatus> out = new TreeMap<>();
            for (String name : union(deployments, hpas, services, scaledObjects)) {
                out.put(name, KedaStatus.read(KubernetesStatusMapper.read(name, ID, ns, deployments.get(name), hpas.get(name),
                        services.containsKey(name)), scaledObjects.get(name), hpas.get(name)));
            }
            return List.copyOf(out.values());
        } catch (KubernetesClientException e) {
            throw clients.wrap("list endpoints in namespace " + ns, e);
        }
    }

    private static <T extends HasMetadata> Map<String, T> byName(List<T> items) {
        Map<String, T> m = new LinkedHashMap<>();
        items.forEach(i -> m.put(i.getMetadata().getName(), i));
        return m;
    }

    @SafeVarargs
    private static List<String> union(Map<String, ? extends HasMetadata>... maps) {
        TreeSet<String> names = new TreeSet<>();
        for (Map<String, ? extends HasMetadata> m : maps) {
            names.addAll(m.keySet());
        }
        return List.copyOf(names);
    }
}
