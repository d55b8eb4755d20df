package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.AbstractBackend;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.BackendOverrides;
import io.inferscale.api.backend.ConvergenceBudget;
import io.inferscale.api.backend.EndpointOutcome;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.FleetOptions;
import io.inferscale.api.backend.FleetResult;
import io.inferscale.api.backend.Plan;
import io.inferscale.api.backend.PreparedEndpoint;
import io.inferscale.api.backend.ProgressListener;
import io.inferscale.api.backend.Rendering;
import io.inferscale.api.backend.Translation;
import io.inferscale.api.validation.EndpointValidator;
import io.inferscale.api.validation.ValidationReport;
import io.inferscale.backend.kubernetes.internal.DesiredObjects;
import io.inferscale.backend.kubernetes.internal.KubernetesClients;
import io.inferscale.backend.kubernetes.internal.KubernetesExecutor;
import io.inferscale.backend.kubernetes.internal.KubernetesLiveReader;
import io.inferscale.backend.kubernetes.internal.KubernetesPlanner;
import io.inferscale.backend.kubernetes.internal.KubernetesVerifier;
import io.inferscale.backend.kubernetes.internal.KubernetesWaits;
import io.inferscale.backend.kubernetes.internal.ListedObjects;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Kubernetes backend: one endpoint is a Deployment, a Service and an {@code autoscaling/v2}
 * HorizontalPodAutoscaler with the endpoint's name, written with server-side apply. With
 * {@code spec.backends.kubernetes.autoscaler: keda} a KEDA {@code keda.sh/v1alpha1} ScaledObject takes the HPA's place
 * (read and applied as a generic resource; KEDA creates the HPA, named after the endpoint, from it): see the module
 * README's KEDA section for the requests, the status it adds, a missing KEDA (NOT_FOUND naming the CRD) and switching
 * (hpa -> keda adopts the HPA; keda -> hpa deletes the ScaledObject, orphaning KEDA's HPA, and takes the HPA over).
 *
 * <ul>
 *   <li>{@link #plan} reads the three objects and compares them with {@link KubernetesTranslator}'s output over
 *       the fields InferScale sets (server-populated fields and other managers' fields are ignored).</li>
 *   <li>{@link #apply} writes only the objects the plan lists, with server-side apply (field manager
 *       {@code inferscale} by default, conflicts forced): an unchanged endpoint makes no write request.</li>
 *   <li>The Deployment's {@code spec.replicas} is written on create only ({@code minReplicas}), in the create's own
 *       apply. Before the first update of the Deployment that finds {@code inferscale} still the only owner of
 *       {@code spec.replicas} (the HPA has not scaled yet), its ownership is handed to a second field manager
 *       ({@code <fieldManager>-replicas-handover}) with the live count, so that update and later ones, which leave
 *       the field out, never reset the count.</li>
 *   <li>{@link #get}, {@link #list}, {@link #status}, {@link #awaitReady} and {@link #delete} work in the
 *       backend's namespace ({@code kubernetes.namespace}, else the kubeconfig's); an endpoint whose document
 *       names another namespace with {@code spec.backends.kubernetes.namespace} is planned and applied there. Their
 *       name argument is checked with {@link EndpointValidator#requireValidName} before any request (by
 *       {@link AbstractBackend}, which also validates and translates once per {@code render}, {@code plan} and
 *       {@code apply}).</li>
 *   <li>{@link #awaitReady(String, Duration, ProgressListener)} follows the Deployment with an informer (a LIST, then a
 *       WATCH) and reports each status it observes that differs from the one before.</li>
 * </ul>
 *
 * <h2>Parts</h2>
 * This class is the facade over the parts in {@code io.inferscale.backend.kubernetes.internal}, the same parts every
 * backend has: {@link KubernetesSettings} (configuration), {@code KubernetesClients} (the lazy client and the request
 * policy), {@link KubernetesTranslator} (pure translation to a {@code Translation<KubernetesManifests>}),
 * {@code KubernetesLiveReader} (reads), {@code KubernetesPlanner} (the pure diff of desired and live objects), {@code KubernetesExecutor} (writes, replica hand-over, delete),
 * {@code KubernetesVerifier} (the check after the writes), {@code KubernetesWaits} (the watch behind
 * {@link #awaitReady}) and {@code KubernetesStatusMapper} (status mapping).
 *
 * <h2>Requests</h2>
 * A fresh {@code apply}: 3 GETs (plan), 3 server-side applies (one per object), 2 GETs (verify, below). A no-op
 * re-apply: the 3 GETs only. A {@code maxReplicas} change: 3 GETs, one HPA apply, 2 GETs. {@code delete}: per
 * object a GET (the managed-by label check) and a DELETE. The status {@code apply} returns is built from the
 * objects read and written, without further requests. {@code awaitReady}: 3 GETs, a LIST and a WATCH of the
 * Deployment (none when it is already ready or failed), 2 GETs for the final status.
 *
 * <h2>Fleets</h2>
 * {@link #planAll} and {@link #applyAll} read the fleet's live objects with one LIST per kind and namespace on the
 * managed-by label ({@code app.kubernetes.io/managed-by=inferscale}) instead of 3 GETs per endpoint, plan each endpoint
 * against them and write with server-side apply, whose answers (the objects as stored) build each status. The check
 * after the writes (see "Concurrency") reads from one LIST per verified kind and namespace, made once every endpoint of
 * the fleet has written: a fresh fleet of n HPA endpoints in one namespace costs 3 LISTs, 3n applies and 2 LISTs; a
 * no-op re-apply 3 LISTs. An endpoint whose write met a conflict (409), or whose check found another writer's change,
 * continues alone with the rounds of {@code apply} (GETs, at most {@value ConvergenceBudget#MAX_ROUNDS} rounds in all),
 * so the concurrency guarantee holds per endpoint. A LIST that fails (RBAC without {@code list}, no KEDA) makes that
 * kind fall back to GETs. An object of an endpoint's name without the managed-by label is not listed, so
 * {@code applyAll} plans it as a CREATE (server-side apply then adopts it with the create's {@code spec.replicas});
 * {@code apply} of that endpoint would plan an UPDATE instead.
 *
 * <h2>Concurrency</h2>
 * The guarantees of {@link io.inferscale.api.backend.Backend}, on three objects that Kubernetes cannot write atomically
 * together: each round of {@code apply} (one {@link ConvergenceBudget}: at most {@value ConvergenceBudget#MAX_ROUNDS}
 * rounds, a random pause before each after the first) reads the three objects, writes the changed ones, then re-reads
 * every object except the one written last and checks it still matches the spec; a failed check, or a 409 on a write,
 * starts another round. The writes carry no {@code resourceVersion} precondition: the controllers' status updates
 * change it all the time (a precondition would fail on every rollout), and the check after the writes is what keeps
 * the objects consistent. So when racing applies return normally, all three objects are from the spec of the apply that
 * wrote last, never a mixture; an apply outrun in every round throws a retryable CONFLICT whose
 * {@link BackendException#step()} names the step and whose message says re-running is safe. One instance is
 * thread-safe: it holds no per-endpoint state (the client is created once, lazily, under a lock).
 *
 * <p>API failures become {@link BackendException}s with the server's message: 403 PERMISSION_DENIED (or
 * QUOTA_EXCEEDED for a ResourceQuota rejection), 404 NOT_FOUND, 409 CONFLICT, 422 INVALID_REQUEST with the
 * field causes, 429 THROTTLED, 5xx and connection failures UNAVAILABLE, client-side timeouts TIMEOUT. 429 and 5xx
 * (and connection failures before a response) are retried by the fabric8 client with exponential backoff
 * ({@code kubernetes.retryBackoffLimit}, {@code kubernetes.retryBackoffIntervalMillis}); a request that got no HTTP
 * answer at all (request timeout, connection dropped mid-response) is repeated once (all the backend's requests are
 * idempotent). When a request of
 * {@code apply} or {@code delete} fails, the exception comes from {@link BackendException#atStep}: its step names
 * the request (e.g. {@code apply HorizontalPodAutoscaler ns/name}), and re-running the operation is safe (apply
 * converges to the spec; delete removes what is left), as the fault-injection test shows for every request.
 */
public final class KubernetesBackend extends AbstractBackend<KubernetesManifests> {

    /** The backend id. */
    public static final String ID = KubernetesTranslator.BACKEND_ID;
    /** Annotation with a hash of the applied object, so removing a field from the endpoint is noticed by {@link #plan}. */
    public static final String HASH_ANNOTATION = DesiredObjects.HASH_ANNOTATION;
    /** Suffix of the field manager that keeps {@code spec.replicas} after create (see the class comment). */
    public static final String REPLICAS_HANDOVER_SUFFIX = KubernetesExecutor.REPLICAS_HANDOVER_SUFFIX;

    private final KubernetesSettings settings;
    private final KubernetesTranslator translator;
    private final KubernetesClients clients;
    private final KubernetesLiveReader liveState;
    private final KubernetesExecutor executor;
    private final KubernetesVerifier verifier;
    private final KubernetesWaits waiter;

    /**
     * A backend using an existing client (its namespace is the default namespace). The client is not closed by
     * {@link #close()}.
     */
    public KubernetesBackend(KubernetesClient client, KubernetesSettings settings) {
        this(KubernetesClients.of(client, settings), settings);
    }

    /**
     * A backend that connects on first use with the kubeconfig ({@code KUBECONFIG}, {@code ~/.kube/config}, or the
     * in-cluster service account) and the context {@code kubernetes.context}.
     */
    public KubernetesBackend(KubernetesSettings settings) {
        this(KubernetesClients.connecting(settings), settings);
    }

    private KubernetesBackend(KubernetesClients clients, KubernetesSettings settings) {
        super(ID, KubernetesTranslator.capabilities(settings), KubernetesTranslator.OPTION_KEYS);
        this.settings = settings;
        this.translator = new KubernetesTranslator(settings);
        this.clients = clients;
        this.liveState = new KubernetesLiveReader(clients);
        this.executor = new KubernetesExecutor(clients, liveState, settings.fieldManager());
        this.verifier = new KubernetesVerifier(liveState);
        this.waiter = new KubernetesWaits(clients, liveState);
    }

    /** The translator this backend uses. */
    public KubernetesTranslator translator() {
        return translator;
    }

    /** The namespace this backend reads and lists in: {@code kubernetes.namespace}, else the client's, else {@code default}. */
    public String defaultNamespace() {
        return clients.defaultNamespace();
    }

    @Override
    protected ValidationReport validateNative(InferenceEndpoint effective) {
        return translator.validate(effective);
    }

    @Override
    protected Translation<KubernetesManifests> translate(InferenceEndpoint effective) {
        return translator.translation(effective);
    }

    @Override
    protected Rendering render(PreparedEndpoint<KubernetesManifests> endpoint) {
        return new Rendering(ID, "yaml", endpoint.desired().toYaml(), endpoint.notes());
    }

    @Override
    protected Plan plan(PreparedEndpoint<KubernetesManifests> endpoint) {
        DesiredObjects desired = desired(endpoint.desired(), null, null);
        Map<String, HasMetadata> live = liveState.readAll(desired, null);
        return KubernetesPlanner.plan(desired, live);
    }

    @Override
    protected ApplyResult apply(PreparedEndpoint<KubernetesManifests> endpoint) {
        return converge(desired(endpoint.desired(), null, null), null);
    }

    /** One LIST per kind and namespace, then each endpoint's plan against the lists (see the class comment, "Fleets"). */
    @Override
    protected FleetResult<Plan> planFleet(List<PreparedEndpoint<KubernetesManifests>> endpoints, FleetOptions options) {
        List<DesiredObjects> fleet = endpoints.stream().map(e -> desired(e.desired(), null, null)).toList();
        ListedObjects listed = liveState.listManaged(KubernetesLiveReader.kindsOf(fleet));
        return forEachEndpoint(fleet, DesiredObjects::name, options, "plan", d -> KubernetesPlanner.plan(d, liveState.readAll(d, listed, null)));
    }

    /**
     * One round for the whole fleet: LISTs, each endpoint's plan and writes on the pool, LISTs of the written endpoints'
     * other objects, each endpoint's check; an endpoint outrun or found changed continues with {@link #converge}'s rounds.
     */
    @Override
    protected FleetResult<ApplyResult> applyFleet(List<PreparedEndpoint<KubernetesManifests>> endpoints, FleetOptions options) {
        List<DesiredObjects> fleet = endpoints.stream().map(e -> desired(e.desired(), null, null)).toList();
        ListedObjects listed = liveState.listManaged(KubernetesLiveReader.kindsOf(fleet));
        FleetResult<FleetPass> passes = forEachEndpoint(fleet, DesiredObjects::name, options, "apply", d -> firstPass(d, listed));
        Map<String, Set<Class<? extends HasMetadata>>> toVerify = new TreeMap<>();
        passes.results().values().stream().filter(FleetPass::needsCheck).forEach(p -> KubernetesVerifier.verified(p.desired(), p.lastWritten())
                .forEach(o -> toVerify.computeIfAbsent(p.desired().namespace(), ns -> new LinkedHashSet<>()).add(o.getClass())));
        ListedObjects after = toVerify.isEmpty() ? null : liveState.listManaged(toVerify);
        return forEachEndpoint(passes.outcomes(), EndpointOutcome::name, options, "apply", o -> finish(o, after));
    }

    /**
     * An endpoint's first round in a fleet: plan against the lists, write. {@code done} is the result when nothing needed
     * writing; {@code outrun} when a write met another writer; otherwise the check after the fleet's writes decides.
     */
    private record FleetPass(DesiredObjects desired, Plan plan, Map<String, HasMetadata> live, String lastWritten, boolean outrun,
                             ApplyResult done) {
        boolean needsCheck() {
            return done == null && !outrun;
        }
    }

    private FleetPass firstPass(DesiredObjects desired, ListedObjects listed) {
        Map<String, HasMetadata> live = liveState.readAll(desired, listed, "apply");
        Plan plan = KubernetesPlanner.plan(desired, live);
        if (plan.isEmpty()) {
            return new FleetPass(desired, plan, live, null, false, new ApplyResult(plan, KubernetesLiveReader.statusOf(desired.name(), desired.namespace(), live)));
        }
        KubernetesExecutor.Writes writes = executor.write(plan, desired, live);
        return new FleetPass(desired, plan, live, writes.lastWritten(), writes.outrun(), null);
    }

    private ApplyResult finish(EndpointOutcome<FleetPass> outcome, ListedObjects after) {
        if (!outcome.succeeded()) {
            throw outcome.failure();
        }
        FleetPass pass = outcome.result();
        if (pass.done() != null) {
            return pass.done();
        }
        DesiredObjects desired = pass.desired();
        if (!pass.outrun() && verifier.verify(desired, pass.lastWritten(), pass.live(), after)) {
            return new ApplyResult(pass.plan(), KubernetesLiveReader.statusOf(desired.name(), desired.namespace(), pass.live()));
        }
        // another writer: the rounds of apply, GETs, with what is left of the budget (the fleet's pass was round 1)
        ConvergenceBudget rest = ConvergenceBudget.of(ID, ConvergenceBudget.MAX_ROUNDS - 1, ConvergenceBudget.MAX_PAUSE, Thread::sleep);
        return new ApplyResult(pass.plan(), converge(desired, null, rest).status());
    }

    /**
     * Applies an endpoint that passed {@link #validate} into {@code namespace} with every object owned by {@code owner}
     * (the operator's path: the children of an InferenceEndpoint resource). Writes nothing when the objects are up to date.
     */
    ApplyResult applyOwned(InferenceEndpoint endpoint, String namespace, OwnerReference owner) {
        return applyOwned(endpoint, namespace, owner, null);
    }

    /**
     * As {@link #applyOwned(InferenceEndpoint, String, OwnerReference)}, planning the first round against {@code cache}
     * (the operator's informer caches; null: GETs): an up-to-date endpoint then makes no request at all. Rounds after a
     * conflict, and the check after the writes, still read with GETs.
     */
    ApplyResult applyOwned(InferenceEndpoint endpoint, String namespace, OwnerReference owner, KubernetesLiveReader.CachedObjects cache) {
        return converge(desired(translator.translate(BackendOverrides.apply(endpoint, ID)), namespace, owner), cache);
    }

    /** The manifests' objects in {@code ns} (null: the manifests' namespace, else {@link #defaultNamespace()}). */
    private DesiredObjects desired(KubernetesManifests manifests, String ns, OwnerReference owner) {
        return DesiredObjects.of(manifests, ns != null ? ns : manifests.namespaceIfSet().orElseGet(this::defaultNamespace), owner);
    }

    /**
     * Rounds of: read every object, write the changed ones, then verify that nobody changed the endpoint's other objects
     * meanwhile; a 409 on a write or a failed verification starts another round (see the class comment, "Concurrency").
     * The plan returned is the first round's.
     */
    private ApplyResult converge(DesiredObjects desired, KubernetesLiveReader.CachedObjects firstRead) {
        return converge(desired, firstRead, ConvergenceBudget.start(ID));
    }

    /** {@link #converge(DesiredObjects, KubernetesLiveReader.CachedObjects)} spending {@code budget}. */
    private ApplyResult converge(DesiredObjects desired, KubernetesLiveReader.CachedObjects firstRead, ConvergenceBudget budget) {
        Plan first = null;
        String lastStep = null;
        BackendException lastConflict = null;
        while (budget.nextRound()) {
            Map<String, HasMetadata> live = first == null && firstRead != null ? liveState.readAll(desired, firstRead, "apply")
                    : liveState.readAll(desired, "apply");
                Plan plan = KubernetesPlanner.plan(desired, live);
            first = first == null ? plan : first;
            if (plan.isEmpty()) {
                return new ApplyResult(first, KubernetesLiveReader.statusOf(desired.name(), desired.namespace(), live));
            }
            KubernetesExecutor.Writes writes = executor.write(plan, desired, live);
            lastStep = writes.step();
            if (writes.outrun()) {
                lastConflict = writes.conflict();
                continue;
            }
            if (verifier.verify(desired, writes.lastWritten(), live)) {
                if (firstRead != null) {
                    live.values().forEach(firstRead::observed); // the operator's caches: no stale re-apply (operator)
                }
                return new ApplyResult(first, KubernetesLiveReader.statusOf(desired.name(), desired.namespace(), live));
            }
            lastStep = KubernetesVerifier.step(desired);
            lastConflict = new BackendException(ID, BackendException.Reason.CONFLICT, "another writer changed the objects of endpoint '"
                    + desired.name() + "' while this apply wrote them");
        }
        throw budget.exhausted("apply", desired.name(), lastStep, lastConflict);
    }

    @Override
    protected Optional<EndpointStatus> read(String name) {
        return liveState.status(defaultNamespace(), name);
    }

    @Override
    public List<EndpointStatus> list() {
        return liveState.list(defaultNamespace());
    }

    /**
     * Waits, with an informer on the Deployment (no polling), until every desired replica is ready.
     *
     * @throws BackendException NOT_FOUND when the endpoint does not exist (or is deleted while waiting), FAILED when the
     *                          rollout stalls ({@code ProgressDeadlineExceeded}) or a replica cannot be created, TIMEOUT
     *                          after {@code timeout} with the last state observed
     */
    @Override
    protected EndpointStatus waitUntilReady(String name, Duration timeout, ProgressListener progress) {
        return waiter.awaitReady(defaultNamespace(), name, timeout, progress);
    }

    /**
     * Deletes the HPA, the Service and the Deployment named {@code name} that carry InferScale's label, and first the KEDA
     * ScaledObject of that name when the HPA is missing or a ScaledObject owns it; nothing else. Six requests when the
     * three objects of an HPA endpoint exist: a GET per object (the label check: Kubernetes has no label precondition on
     * DELETE) and a DELETE per managed object; a DELETE answered 404 (already gone) counts as done.
     */
    @Override
    protected boolean remove(String name) {
        return executor.deleteManaged(defaultNamespace(), name);
    }

    @Override
    public void close() {
        clients.close();
    }

    @Override
    public String toString() {
        return "KubernetesBackend{" + settings + "}";
    }
}
