package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendOverrides;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.FieldChange;
import io.inferscale.api.backend.OptionKey;
import io.inferscale.api.backend.Plan;
import io.inferscale.api.backend.Rendering;
import io.inferscale.api.validation.EndpointValidator;
import io.inferscale.api.validation.ValidationReport;
import io.inferscale.backend.kubernetes.internal.ApiErrors;
import io.inferscale.backend.kubernetes.internal.ConnectionProgress;
import io.inferscale.backend.kubernetes.internal.ManifestDiff;
import io.inferscale.backend.kubernetes.internal.ManifestYaml;
import io.inferscale.backend.kubernetes.internal.StatusReader;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The Kubernetes backend: one endpoint is a Deployment, a Service and an {@code autoscaling/v2}
 * HorizontalPodAutoscaler with the endpoint's name, written with server-side apply.
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
 *       name argument is checked with {@link EndpointValidator#requireValidName} before any request.</li>
 * </ul>
 *
 * <h2>Requests</h2>
 * A fresh {@code apply}: 3 GETs (plan), 3 server-side applies (one per object), 2 GETs (verify, below). A no-op
 * re-apply: the 3 GETs only. A {@code maxReplicas} change: 3 GETs, one HPA apply, 2 GETs. {@code delete}: per
 * object a GET (the managed-by label check) and a DELETE. The status {@code apply} returns is built from the
 * objects read and written, without further requests.
 *
 * <h2>Concurrency</h2>
 * One instance is thread-safe: it holds no per-endpoint state (the client is created once, lazily, under a lock).
 * Several threads or processes applying the same endpoint race on three objects that Kubernetes cannot write
 * atomically together; {@code apply} therefore works in passes: read the three objects, write the changed ones,
 * then re-read every object except the one written last and check it still matches the spec. A failed check starts
 * another pass after a random pause within a window that starts at the pass's own duration and doubles each pass (at
 * most {@value #MAX_PAUSE_MILLIS} ms), so racing writers fall out of step; a 409 on a write starts another pass after
 * up to 5, 10, 20... 160 ms. At most {@value #MAX_PASSES} passes. The writes
 * carry no {@code resourceVersion} precondition: the controllers' status updates change it all the time (a
 * precondition would fail on every rollout), and the check after the writes is what keeps the objects consistent. Guarantee: when the racing applies return normally, the endpoint is exactly the spec
 * of the apply that wrote last, all three objects from that one spec, never a mixture (the writer of the last write
 * verifies after it). An apply that is outrun in every pass throws a {@link BackendException} CONFLICT (retryable)
 * whose {@link BackendException#step()} names the step and whose message says re-running is safe; until something
 * re-runs, the objects may then mix that apply's writes with another's. Different endpoints do not interact.
 *
 * <p>API failures become {@link BackendException}s with the server's message: 403 PERMISSION_DENIED (or
 * QUOTA_EXCEEDED for a ResourceQuota rejection), 404 NOT_FOUND, 409 CONFLICT, 422 INVALID_REQUEST with the
 * field causes, 429 THROTTLED, 5xx and connection failures UNAVAILABLE, client-side timeouts TIMEOUT. 429 and 5xx
 * (and connection failures before a response) are retried by the fabric8 client with exponential backoff
 * ({@code kubernetes.retryBackoffLimit}, {@code kubernetes.retryBackoffIntervalMillis}); a request that got no HTTP
 * answer at all (request timeout, connection dropped mid-response) is repeated once by this class (all its requests
 * are idempotent). When a request of
 * {@code apply} or {@code delete} fails, the exception comes from {@link BackendException#atStep}: its step names
 * the request (e.g. {@code apply HorizontalPodAutoscaler ns/name}), and re-running the operation is safe (apply
 * converges to the spec; delete removes what is left), as the fault-injection test shows for every request.
 */
public final class KubernetesBackend implements Backend {

    /** The backend id. */
    public static final String ID = KubernetesTranslator.BACKEND_ID;
    /** Annotation with a hash of the applied object, so removing a field from the endpoint is noticed by {@link #plan}. */
    public static final String HASH_ANNOTATION = "inferscale.io/applied-hash";
    /** Suffix of the field manager that keeps {@code spec.replicas} after create (see the class comment). */
    public static final String REPLICAS_HANDOVER_SUFFIX = "-replicas-handover";

    private final KubernetesSettings settings;
    private final KubernetesTranslator translator;
    private final Supplier<KubernetesClient> clientFactory;
    private final boolean ownsClient;
    private volatile KubernetesClient client;

    /**
     * A backend using an existing client (its namespace is the default namespace). The client is not closed by
     * {@link #close()}.
     */
    public KubernetesBackend(KubernetesClient client, KubernetesSettings settings) {
        Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.translator = new KubernetesTranslator(settings);
        this.clientFactory = () -> client;
        this.ownsClient = false;
    }

    /**
     * A backend that connects on first use with the kubeconfig ({@code KUBECONFIG}, {@code ~/.kube/config}, or the
     * in-cluster service account) and the context {@code kubernetes.context}.
     */
    public KubernetesBackend(KubernetesSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.translator = new KubernetesTranslator(settings);
        this.clientFactory = () -> connect(settings);
        this.ownsClient = true;
    }

    /**
     * A client for the kubeconfig (or in-cluster service account) with the settings' context and retries.
     *
     * @throws BackendException CONFIGURATION when no Kubernetes configuration exists or it cannot be read
     */
    static KubernetesClient connect(KubernetesSettings s) {
        if (!hasClusterConfiguration(System::getenv, System::getProperty)) {
            throw new BackendException(ID, BackendException.Reason.CONFIGURATION, "no Kubernetes configuration found: set KUBECONFIG, create "
                    + "~/.kube/config (e.g. with your cloud's 'get-credentials' command), or run inside a cluster with a service account");
        }
        try {
            Config config = Config.autoConfigure(s.context().orElse(null));
            config.setRequestRetryBackoffLimit(s.retryBackoffLimit());
            config.setRequestRetryBackoffInterval(s.retryBackoffIntervalMillis());
            String server = config.getMasterUrl();
            return new KubernetesClientBuilder().withConfig(config)
                    .withHttpClientBuilderConsumer(ConnectionProgress.installer(server, s.retryBackoffLimit())).build();
        } catch (KubernetesClientException e) {
            throw new BackendException(ID, BackendException.Reason.CONFIGURATION,
                    "cannot configure the Kubernetes client from the kubeconfig" + s.context().map(c -> " (context " + c + ")").orElse("")
                            + ": " + e.getMessage(), e);
        }
    }

    /** True when fabric8 will find a cluster: a kubeconfig (KUBECONFIG, ~/.kube/config), a master URL, or the in-cluster environment. */
    static boolean hasClusterConfiguration(java.util.function.UnaryOperator<String> env, java.util.function.UnaryOperator<String> properties) {
        String kubeconfig = properties.apply("kubeconfig") != null ? properties.apply("kubeconfig") : env.apply("KUBECONFIG");
        if (kubeconfig != null && !kubeconfig.isBlank()) {
            return java.util.Arrays.stream(kubeconfig.split(java.io.File.pathSeparator)).anyMatch(f -> java.nio.file.Files.exists(java.nio.file.Path.of(f)));
        }
        String home = properties.apply("user.home");
        return (home != null && java.nio.file.Files.exists(java.nio.file.Path.of(home, ".kube", "config")))
                || env.apply("KUBERNETES_SERVICE_HOST") != null
                || properties.apply("kubernetes.master") != null || env.apply("KUBERNETES_MASTER") != null;
    }

    private KubernetesClient client() {
        KubernetesClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = clientFactory.get();
                    client = c;
                }
            }
        }
        return c;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Capabilities capabilities() {
        return translator.capabilities();
    }

    @Override
    public List<OptionKey> optionKeys() {
        return KubernetesTranslator.OPTION_KEYS;
    }

    /** The translator this backend uses. */
    public KubernetesTranslator translator() {
        return translator;
    }

    @Override
    public ValidationReport validate(InferenceEndpoint endpoint) {
        return Backend.super.validate(endpoint).and(translator.validate(BackendOverrides.applyIfWellFormed(endpoint, ID)));
    }

    @Override
    public Rendering render(InferenceEndpoint endpoint) {
        requireValid(endpoint);
        KubernetesManifests m = translator.translate(BackendOverrides.apply(endpoint, ID));
        return new Rendering(ID, "yaml", m.toYaml(), m.notes());
    }

    /** The namespace this backend reads and lists in: {@code kubernetes.namespace}, else the client's, else {@code default}. */
    public String defaultNamespace() {
        return settings.namespace().orElseGet(() -> Optional.ofNullable(client().getNamespace()).orElse("default"));
    }

    private String namespace(InferenceEndpoint e) {
        return translator.namespace(e).orElseGet(this::defaultNamespace);
    }

    @Override
    public Plan plan(InferenceEndpoint endpoint) {
        requireValid(endpoint);
        return plan(endpoint, desired(endpoint, namespace(endpoint), null));
    }

    private Plan plan(InferenceEndpoint endpoint, Desired desired) {
        return plan(endpoint, desired, new LinkedHashMap<>(), null);
    }

    /** The plan; {@code live} receives the objects read, by kind; a read failure names its step when {@code operation} is set. */
    private Plan plan(InferenceEndpoint endpoint, Desired desired, Map<String, HasMetadata> live, String operation) {
        List<Change> changes = new ArrayList<>();
        for (HasMetadata object : desired.objects()) {
            String kind = object.getKind();
            HasMetadata current = read(object.getClass(), desired.namespace(), endpoint.name(), operation);
            if (current != null) {
                live.put(kind, current);
            }
            change(endpoint, desired, object, current).ifPresent(changes::add);
        }
        return new Plan(endpoint.name(), ID, changes, desired.manifests().notes());
    }

    /** The change that makes {@code live} (null: absent) match {@code object}; empty when they already match. */
    private static Optional<Change> change(InferenceEndpoint endpoint, Desired desired, HasMetadata object, HasMetadata live) {
        String kind = object.getKind();
        String name = desired.namespace() + "/" + endpoint.name();
        if (live == null) {
            return Optional.of(new Change(Change.Action.CREATE, kind, name, List.of(), ""));
        }
        List<FieldChange> fields = ManifestDiff.diff(ManifestYaml.tree(forUpdate(object)), ManifestYaml.tree(live));
        String hashPath = "metadata.annotations[" + HASH_ANNOTATION + "]";
        String reason = "";
        if (fields.size() > 1) {
            fields = fields.stream().filter(f -> !f.path().equals(hashPath)).toList();
        } else if (fields.size() == 1 && fields.get(0).path().equals(hashPath)) {
            reason = "fields InferScale set before are no longer in the endpoint; server-side apply removes them";
        }
        if (!managed(live)) {
            reason = "adopts an existing " + kind + " that InferScale did not create";
        }
        return fields.isEmpty() ? Optional.empty() : Optional.of(new Change(Change.Action.UPDATE, kind, name, fields, reason));
    }

    @Override
    public ApplyResult apply(InferenceEndpoint endpoint) {
        requireValid(endpoint);
        return apply(endpoint, desired(endpoint, namespace(endpoint), null));
    }

    /**
     * Applies a valid endpoint into {@code namespace} with every object owned by {@code owner} (the operator's
     * path: the children of an InferenceEndpoint resource). Writes nothing when the objects are up to date.
     */
    ApplyResult applyOwned(InferenceEndpoint endpoint, String namespace, OwnerReference owner) {
        return apply(endpoint, desired(endpoint, namespace, owner));
    }

    /** Passes of read, write, verify before a concurrent change makes apply give up with CONFLICT. */
    static final int MAX_PASSES = 10;

    /**
     * Read every object, write the changed ones, then verify that nobody changed the endpoint's other objects meanwhile;
     * a 409 on a write or a failed verification starts another pass (see the class comment, "Concurrency"). The plan
     * returned is the first pass's.
     */
    private ApplyResult apply(InferenceEndpoint endpoint, Desired desired) {
        Plan first = null;
        String lastStep = null;
        BackendException lastConflict = null;
        long pauseBound = 0;
        for (int pass = 1; pass <= MAX_PASSES; pass++) {
            if (pass > 1) {
                pause(pauseBound);
            }
            long started = System.nanoTime();
            Map<String, HasMetadata> live = new LinkedHashMap<>();
            Plan plan = plan(endpoint, desired, live, "apply");
            if (first == null) {
                first = plan;
            }
            if (plan.isEmpty()) {
                return new ApplyResult(first, statusOf(endpoint.name(), desired.namespace(), live));
            }
            String lastWritten = null;
            boolean update = false;
            try {
                for (Change change : plan.changes()) {
                    HasMetadata object = desired.objects().stream().filter(o -> o.getKind().equals(change.kind())).findFirst().orElseThrow();
                    HasMetadata current = live.get(change.kind());
                    lastStep = "apply " + change.kind() + " " + desired.namespace() + "/" + endpoint.name();
                    HasMetadata written;
                    update = change.action() != Change.Action.CREATE;
                    if (!update) {
                        written = serverSideApply(object, desired.namespace(), settings.fieldManager(), true);
                    } else {
                        if (current instanceof Deployment d && ownsReplicasAlone(d, settings.fieldManager())) {
                            // inferscale still owns replicas alone (no HPA scale yet): hand them over with the live count, so
                            // the update below, which leaves replicas out, cannot reset them to the default of 1
                            lastStep = "hand over spec.replicas of Deployment " + desired.namespace() + "/" + endpoint.name();
                            handOverReplicas(d, desired.namespace());
                            lastStep = "apply " + change.kind() + " " + desired.namespace() + "/" + endpoint.name();
                        }
                        written = serverSideApply(forUpdate(object), desired.namespace(), settings.fieldManager(), true);
                    }
                    live.put(change.kind(), written);
                    lastWritten = change.kind();
                }
            } catch (BackendException e) {
                if (!staleWrite(e, update)) {
                    throw BackendException.atStep("apply", endpoint.name(), lastStep, e);
                }
                lastConflict = e;
                pauseBound = 5L << Math.min(pass - 1, 5);
                continue;
            }
            if (verify(endpoint, desired, lastWritten, live)) {
                return new ApplyResult(first, statusOf(endpoint.name(), desired.namespace(), live));
            }
            lastStep = "verify " + desired.namespace() + "/" + endpoint.name();
            // another writer is applying this endpoint: wait a random part of a window that doubles each pass, in units of
            // this pass's duration, so racing writers fall out of step
            long passMillis = Math.max(5, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            pauseBound = Math.min(MAX_PAUSE_MILLIS, passMillis << Math.min(pass - 1, 6));
            lastConflict = new BackendException(ID, BackendException.Reason.CONFLICT, "another writer changed the objects of endpoint '"
                    + endpoint.name() + "' while this apply wrote them");
        }
        throw BackendException.atStep("apply", endpoint.name(), lastStep, new BackendException(ID, BackendException.Reason.CONFLICT,
                "endpoint '" + endpoint.name() + "' was changed concurrently in each of " + MAX_PASSES + " passes (last: "
                        + lastConflict.getMessage() + ")", lastConflict));
    }

    /**
     * A write that failed because another writer got there first: 409 (the API server's conflict between simultaneous
     * writes of one object, or a create racing another), or 404 on an update (the object was deleted meanwhile). A 404 on
     * a create means the namespace is missing: not worth another pass.
     */
    private static boolean staleWrite(BackendException e, boolean update) {
        return e.reason() == BackendException.Reason.CONFLICT || (update && e.reason() == BackendException.Reason.NOT_FOUND);
    }

    /** The longest pause between two passes of apply. */
    static final long MAX_PAUSE_MILLIS = 2000;

    /** Sleeps a random time in [1, bound] ms. */
    private static void pause(long bound) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1, Math.max(2, bound + 1)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(ID, BackendException.Reason.TIMEOUT, "interrupted while applying", e);
        }
    }

    /**
     * After a pass's writes: re-reads every object except the one written last and checks that each still matches the
     * spec. {@code live} receives what was read. True when the endpoint is entirely this spec.
     */
    private boolean verify(InferenceEndpoint endpoint, Desired desired, String lastWritten, Map<String, HasMetadata> live) {
        boolean consistent = true;
        for (HasMetadata object : desired.objects()) {
            if (object.getKind().equals(lastWritten)) {
                continue;
            }
            HasMetadata current = read(object.getClass(), desired.namespace(), endpoint.name(), "apply");
            if (current == null) {
                live.remove(object.getKind());
                consistent = false;
            } else {
                live.put(object.getKind(), current);
                consistent &= change(endpoint, desired, object, current).isEmpty();
            }
        }
        return consistent;
    }

    private static EndpointStatus statusOf(String name, String ns, Map<String, HasMetadata> live) {
        return StatusReader.read(name, ID, ns, (Deployment) live.get("Deployment"), (HorizontalPodAutoscaler) live.get("HorizontalPodAutoscaler"),
                live.containsKey("Service"));
    }

    /**
     * True when {@code manager}'s apply is the only owner of the Deployment's {@code spec.replicas} in its
     * {@code metadata.managedFields}: then leaving the field out of an apply would reset it to the default of 1.
     */
    static boolean ownsReplicasAlone(Deployment d, String manager) {
        List<ManagedFieldsEntry> entries = d.getMetadata().getManagedFields() == null ? List.of() : d.getMetadata().getManagedFields();
        List<ManagedFieldsEntry> owners = entries.stream().filter(KubernetesBackend::ownsReplicas).toList();
        return owners.size() == 1 && manager.equals(owners.get(0).getManager()) && "Apply".equals(owners.get(0).getOperation())
                && owners.get(0).getSubresource() == null;
    }

    private static boolean ownsReplicas(ManagedFieldsEntry e) {
        return e.getFieldsV1() != null && e.getFieldsV1().getAdditionalProperties().get("f:spec") instanceof Map<?, ?> spec
                && spec.containsKey("f:replicas");
    }

    /**
     * Applies {@code spec.replicas} alone (the live count) with the handover manager, not forced, so the main manager may
     * drop the field: the "Transferring ownership" steps of the Server-Side Apply docs. A conflict means another manager
     * (the HPA) changed replicas since the read and now owns them: the caller starts another pass, which re-reads the
     * Deployment and, the HPA owning replicas, needs no handover.
     */
    private void handOverReplicas(Deployment live, String ns) {
        Deployment replicasOnly = new DeploymentBuilder().withApiVersion("apps/v1").withKind("Deployment")
                .withNewMetadata().withName(live.getMetadata().getName()).withNamespace(ns).endMetadata()
                .withNewSpec().withReplicas(live.getSpec().getReplicas()).endSpec().build();
        serverSideApply(replicasOnly, ns, settings.fieldManager() + REPLICAS_HANDOVER_SUFFIX, false);
    }

    /**
     * Runs one request, and once more when it got no HTTP answer at all (the client's request timeout, or the connection
     * dropped mid-response): fabric8 retries 429, 5xx and failures before a response, but not these. Every request
     * sent this way is idempotent (GET, server-side apply, DELETE, where a 404 counts as done), so repeating one that the
     * server may already have performed is safe.
     */
    private static <T> T withOneRetry(Supplier<T> request) {
        try {
            return request.get();
        } catch (KubernetesClientException e) {
            if (e.getCode() > 0 || ApiErrors.connectionFailure(e) != null) {
                throw e; // an answer, or no server reached at all (nothing was sent, and fabric8 has retried already)
            }
            return request.get();
        }
    }

    /** {@link ApiErrors#wrap} with this backend's id and API server. */
    private BackendException wrap(String doing, KubernetesClientException e) {
        KubernetesClient c = client;
        String server = null;
        try {
            server = c == null || c.getMasterUrl() == null ? null : c.getMasterUrl().toString();
        } catch (RuntimeException ignored) {
            // no URL to name: the message says what failed without it
        }
        return ApiErrors.wrap(ID, doing, e, server);
    }

    /** Server-side apply; returns the object as the API server stored it. */
    private HasMetadata serverSideApply(HasMetadata object, String ns, String fieldManager, boolean force) {
        try {
            var op = client().resource(object).inNamespace(ns).fieldManager(fieldManager);
            return withOneRetry(() -> (force ? op.forceConflicts() : op).serverSideApply());
        } catch (KubernetesClientException e) {
            throw wrap("server-side apply of " + object.getKind() + " " + ns + "/" + object.getMetadata().getName(), e);
        }
    }

    /** The object as written on update: without the Deployment's {@code spec.replicas}, which the HPA owns. */
    private static HasMetadata forUpdate(HasMetadata object) {
        if (object instanceof Deployment d) {
            return KubernetesManifests.withoutReplicas(d);
        }
        return object;
    }

    private record Desired(String namespace, KubernetesManifests manifests, List<HasMetadata> objects) {
    }

    private Desired desired(InferenceEndpoint endpoint, String ns, OwnerReference owner) {
        KubernetesManifests m = translator.translate(BackendOverrides.apply(endpoint, ID));
        List<HasMetadata> objects = new ArrayList<>();
        for (HasMetadata o : m.objects()) {
            HasMetadata copy = ManifestYaml.serialization().clone(o);
            copy.getMetadata().setNamespace(ns);
            if (owner != null) {
                copy.getMetadata().setOwnerReferences(List.of(owner));
            }
            Map<String, String> annotations = new LinkedHashMap<>();
            if (copy.getMetadata().getAnnotations() != null) {
                annotations.putAll(copy.getMetadata().getAnnotations());
            }
            annotations.put(HASH_ANNOTATION, hash(forUpdate(copy)));
            copy.getMetadata().setAnnotations(annotations);
            objects.add(copy);
        }
        return new Desired(ns, m, objects);
    }

    /** A short SHA-256 (16 hex digits) of the object's JSON with map keys sorted. */
    static String hash(HasMetadata object) {
        try {
            String json = ManifestYaml.serialization().asJson(sorted(ManifestYaml.tree(object)));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object sorted(Object v) {
        if (v instanceof Map<?, ?> m) {
            TreeMap<String, Object> t = new TreeMap<>();
            m.forEach((k, x) -> t.put(k.toString(), sorted(x)));
            return t;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(KubernetesBackend::sorted).toList();
        }
        return v;
    }

    private static boolean managed(HasMetadata o) {
        Map<String, String> labels = o.getMetadata().getLabels();
        return labels != null && KubernetesTranslator.MANAGED_BY.equals(labels.get(KubernetesTranslator.MANAGED_BY_LABEL));
    }

    private <T extends HasMetadata> T read(Class<T> type, String ns, String name) {
        return read(type, ns, name, null);
    }

    /** One GET; null when absent. A failure names its step (for {@link BackendException#step()}) when {@code operation} is set. */
    private <T extends HasMetadata> T read(Class<T> type, String ns, String name, String operation) {
        try {
            return withOneRetry(() -> client().resources(type).inNamespace(ns).withName(name).get());
        } catch (KubernetesClientException e) {
            String step = "read " + type.getSimpleName() + " " + ns + "/" + name;
            BackendException failure = wrap(step, e);
            throw operation == null ? failure : BackendException.atStep(operation, name, step, failure);
        }
    }

    /** The status of endpoint {@code name} in namespace {@code ns}; empty when none of its objects exists. */
    Optional<EndpointStatus> status(String ns, String name) {
        Deployment d = read(Deployment.class, ns, name);
        HorizontalPodAutoscaler hpa = read(HorizontalPodAutoscaler.class, ns, name);
        Service svc = read(Service.class, ns, name);
        if (!(d != null && managed(d)) && !(hpa != null && managed(hpa)) && !(svc != null && managed(svc))) {
            return Optional.empty();
        }
        return Optional.of(StatusReader.read(name, ID, ns, d, hpa, svc != null));
    }

    /**
     * @throws io.inferscale.api.InvalidEndpointException when {@code name} is not a DNS-1123 label (before any request)
     */
    @Override
    public Optional<EndpointStatus> get(String name) {
        EndpointValidator.requireValidName(name);
        return status(defaultNamespace(), name);
    }

    @Override
    public List<EndpointStatus> list() {
        String ns = defaultNamespace();
        try {
            Map<String, Deployment> deployments = byName(client().apps().deployments().inNamespace(ns)
                    .withLabel(KubernetesTranslator.MANAGED_BY_LABEL, KubernetesTranslator.MANAGED_BY).list().getItems());
            Map<String, HorizontalPodAutoscaler> hpas = byName(client().autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns)
                    .withLabel(KubernetesTranslator.MANAGED_BY_LABEL, KubernetesTranslator.MANAGED_BY).list().getItems());
            Map<String, Service> services = byName(client().services().inNamespace(ns)
                    .withLabel(KubernetesTranslator.MANAGED_BY_LABEL, KubernetesTranslator.MANAGED_BY).list().getItems());
            TreeMap<String, EndpointStatus> out = new TreeMap<>();
            for (String name : union(deployments, hpas, services)) {
                out.put(name, StatusReader.read(name, ID, ns, deployments.get(name), hpas.get(name), services.containsKey(name)));
            }
            return List.copyOf(out.values());
        } catch (KubernetesClientException e) {
            throw wrap("list endpoints in namespace " + ns, e);
        }
    }

    private static <T extends HasMetadata> Map<String, T> byName(List<T> items) {
        Map<String, T> m = new LinkedHashMap<>();
        items.forEach(i -> m.put(i.getMetadata().getName(), i));
        return m;
    }

    @SafeVarargs
    private static List<String> union(Map<String, ? extends HasMetadata>... maps) {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        for (Map<String, ? extends HasMetadata> m : maps) {
            names.addAll(m.keySet());
        }
        return List.copyOf(names);
    }

    /**
     * Waits, with a watch on the Deployment (no polling), until every desired replica is ready.
     *
     * @throws BackendException NOT_FOUND when the endpoint does not exist (or is deleted while waiting), FAILED when the
     *                          rollout stalls ({@code ProgressDeadlineExceeded}) or a replica cannot be created, TIMEOUT
     *                          after {@code timeout} with the last state
     */
    @Override
    public EndpointStatus awaitReady(String name, Duration timeout) {
        EndpointValidator.requireValidName(name);
        String ns = defaultNamespace();
        if (status(ns, name).isEmpty()) {
            throw BackendException.notFound(ID, name);
        }
        HorizontalPodAutoscaler hpa = read(HorizontalPodAutoscaler.class, ns, name);
        int min = hpa == null || hpa.getSpec().getMinReplicas() == null ? 1 : hpa.getSpec().getMinReplicas();
        try {
            client().apps().deployments().inNamespace(ns).withName(name).waitUntilCondition(d -> d == null
                    || StatusReader.state(d, min) == EndpointState.READY || StatusReader.state(d, min) == EndpointState.FAILED,
                    Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (KubernetesClientTimeoutException e) {
            EndpointStatus last = status(ns, name).orElse(null);
            throw new BackendException(ID, BackendException.Reason.TIMEOUT, "endpoint '" + name + "' not ready after " + timeout
                    + (last == null ? "" : ": " + last.state() + ", " + last.readyReplicas() + "/" + last.desiredReplicas() + " replicas ready"
                    + last.message().map(m -> " (" + m + ")").orElse("")), e);
        } catch (KubernetesClientException e) {
            throw wrap("watch Deployment " + ns + "/" + name, e);
        }
        if (read(Deployment.class, ns, name) == null) {
            throw new BackendException(ID, BackendException.Reason.NOT_FOUND, "endpoint '" + name + "' was deleted while waiting for it");
        }
        EndpointStatus s = status(ns, name).orElseThrow(() -> BackendException.notFound(ID, name));
        if (s.state() == EndpointState.FAILED) {
            throw new BackendException(ID, BackendException.Reason.FAILED, "endpoint '" + name + "' failed: " + s.message().orElse(""));
        }
        return s;
    }

    /**
     * Deletes the HPA, the Service and the Deployment named {@code name} that carry InferScale's label; nothing else.
     * Six requests when all three exist: a GET per object (the label check: Kubernetes has no label precondition on
     * DELETE) and a DELETE per managed object; a DELETE answered 404 (already gone) counts as done.
     *
     * @throws io.inferscale.api.InvalidEndpointException when {@code name} is not a DNS-1123 label (before any request)
     * @throws BackendException with {@link BackendException#step()} when a request fails; re-running delete removes what is left
     */
    @Override
    public boolean delete(String name) {
        EndpointValidator.requireValidName(name);
        String ns = defaultNamespace();
        boolean deleted = false;
        for (Class<? extends HasMetadata> type : List.of(HorizontalPodAutoscaler.class, Service.class, Deployment.class)) {
            HasMetadata live = read(type, ns, name, "delete");
            if (live == null || !managed(live)) {
                continue;
            }
            String step = "delete " + type.getSimpleName() + " " + ns + "/" + name;
            try {
                // the object existed when read: an empty answer means this delete's first, unanswered attempt (or a
                // concurrent delete) removed it, which still counts as deleted
                withOneRetry(() -> client().resources(type).inNamespace(ns).withName(name).delete());
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw BackendException.atStep("delete", name, step, wrap(step, e));
                }
            }
            deleted = true;
        }
        return deleted;
    }

    @Override
    public void close() {
        KubernetesClient c = client;
        if (ownsClient && c != null) {
            c.close();
        }
    }

    @Override
    public String toString() {
        return "KubernetesBackend{" + settings + "}";
    }
}
