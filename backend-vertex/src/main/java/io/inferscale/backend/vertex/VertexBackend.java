package io.inferscale.backend.vertex;

import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.AbstractBackend;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.ConvergenceBudget;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.FleetOptions;
import io.inferscale.api.backend.FleetResult;
import io.inferscale.api.backend.Plan;
import io.inferscale.api.backend.PreparedEndpoint;
import io.inferscale.api.backend.ProgressListener;
import io.inferscale.api.backend.Rendering;
import io.inferscale.api.backend.Translation;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import io.inferscale.backend.vertex.internal.LazyVertexClients;
import io.inferscale.backend.vertex.internal.StepFailure;
import io.inferscale.backend.vertex.internal.VertexCalls;
import io.inferscale.backend.vertex.internal.VertexClients;
import io.inferscale.backend.vertex.internal.VertexExecutor;
import io.inferscale.backend.vertex.internal.VertexNames;
import io.inferscale.backend.vertex.internal.VertexPlanner;
import io.inferscale.backend.vertex.internal.VertexReconciler;
import io.inferscale.backend.vertex.internal.VertexSettings;
import io.inferscale.backend.vertex.internal.VertexLiveReader;
import io.inferscale.backend.vertex.internal.VertexLiveState;
import io.inferscale.backend.vertex.internal.VertexStatusMapper;
import io.inferscale.backend.vertex.internal.VertexWaits;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The Vertex AI backend: one {@code Endpoint} per InferScale endpoint, serving one {@code DeployedModel} on dedicated
 * resources with autoscaling metric specs, through the v1 {@code EndpointService} and {@code ModelService}.
 *
 * <ul>
 *   <li>Replica or metric changes: {@code MutateDeployedModel} with an update mask naming only the changed fields.</li>
 *   <li>Model, machine type or accelerator changes (immutable on Vertex): deploy a new DeployedModel with 100% of the
 *       traffic, then undeploy the old one and delete the model InferScale had uploaded for it; a serving model always
 *       has the traffic.</li>
 *   <li>Long-running operations are waited for through GAX {@code OperationFuture}s: GAX polls {@code GetOperation}
 *       after a random delay of up to {@code vertex.pollInterval}, 1.5 times longer each time up to 1 minute, for at
 *       most {@code vertex.operationTimeout}; their failures carry Vertex's message.</li>
 * </ul>
 *
 * <h2>Parts</h2>
 * Validation, name checks, option keys and the one translation per call are {@link AbstractBackend}'s. This class is a
 * facade over the parts in {@code io.inferscale.backend.vertex.internal}: {@code VertexSettings}
 * (configuration, capabilities, option keys), {@code VertexClients} (one channel), {@link VertexTranslator} (pure),
 * {@code VertexLiveReader} (reads), {@code VertexPlanner} (pure diff to steps), {@code VertexExecutor} (writes, each
 * failure naming its step), {@code VertexWaits} (operation futures, awaitReady), {@code VertexStatusMapper} and
 * {@code VertexReconciler} (the bounded apply and delete rounds).
 *
 * <h2>Calls</h2>
 * Reads: {@code plan} and the first round of {@code apply}: {@code GetEndpoint} (v1beta1 for a scale-to-zero spec), and
 * {@code GetModel} when the model is not deployed yet or a deployed model is replaced; {@code applyAll} and
 * {@code planAll}: the pages of {@code ListEndpoints} and, when an endpoint needs a model's answer, of {@code ListModels}
 * (both on the {@code managed_by} label) for the whole fleet, and per endpoint nothing more than the writes and the reads
 * after them (see {@link #applyFleet}); {@code get}: {@code GetEndpoint} and {@code ListOperations}; {@code list}:
 * {@code ListEndpoints} and {@code ListOperations} per endpoint. Writes: {@code UploadModel}, {@code CreateEndpoint},
 * {@code DeployModel}, {@code MutateDeployedModel}, {@code UpdateEndpoint}, {@code UndeployModel}, {@code DeleteEndpoint},
 * {@code DeleteModel}, each long-running one followed by its {@code GetOperation} polls; before writing to an existing
 * endpoint, {@code ListOperations} (another writer's operation is waited for); after a round that wrote, the closing
 * {@code GetEndpoint}.
 *
 * <h2>Reconciling, failures and re-runs</h2>
 * {@code apply} reads the live state, plans, and runs the steps; then it reads again and plans again, and returns only
 * when that plan is empty (the read that proves it doubles as the returned status). A step that fails because of a
 * concurrent change (ALREADY_EXISTS, ABORTED, FAILED_PRECONDITION, NOT_FOUND on a write) or with an unknown outcome
 * (UNAVAILABLE, DEADLINE_EXCEEDED, a lost operation poll, an operation that ended UNAVAILABLE) is never blindly sent
 * again: the next round waits for the operations running on that resource, reads, and plans from what it finds, so a
 * write whose effect is visible is not repeated. Rounds after an unknown outcome are bounded by {@code vertex.maxAttempts},
 * rounds after conflicts by one {@link ConvergenceBudget} ({@value ConvergenceBudget#MAX_ROUNDS} rounds in all, with its
 * random pause). Any other failure, or a bound reached, ends {@code apply} or {@code delete} with {@link BackendException#atStep} naming the call: re-running is safe, it converges from whatever
 * state the failed run left, and {@code delete} after any failure removes everything InferScale made for the endpoint.
 *
 * <h2>Thread safety and concurrent applies</h2>
 * An instance is safe for concurrent use by any number of threads, for the same or different endpoints: it holds only
 * immutable settings, a one-entry memo of its last (pure) translation, and ONE {@link VertexClients} (one gRPC channel
 * for EndpointService, ModelService and Operations), built on first use and released by {@link #close()}. Several threads or processes applying the same endpoint at once:
 * when every such {@code apply} returns normally, the endpoint is left equal to one of their specs entirely (endpoint,
 * one deployed model with its replicas and autoscaling targets, 100% of the traffic), because each returns only after a
 * read in which nothing differs from its own spec, and the last write is followed by such a read. An {@code apply}
 * that gives up after {@value ConvergenceBudget#MAX_ROUNDS} conflicting rounds throws a {@code CONFLICT}
 * {@link BackendException} ("re-running is safe"); until something re-runs, the endpoint may then hold a mixture of the racing specs.
 */
public final class VertexBackend extends AbstractBackend<VertexDesiredState> {

    private final VertexSettings settings;
    private final VertexTranslator translator;
    private final LazyVertexClients clients;
    private volatile Translated lastTranslation;
    private final VertexLiveReader reader;
    private final VertexExecutor executor;
    private final VertexWaits waits;
    private final VertexReconciler reconciler;

    /** A translation and the endpoint it is of (see {@link #translate}). */
    private record Translated(InferenceEndpoint effective, Translation<VertexDesiredState> translation) {
    }

    /**
     * A backend reading the {@code vertex.*} keys of {@code config} (see {@link VertexBackendProvider#CONFIG_KEYS}).
     *
     * @throws io.inferscale.api.ConfigurationException on a malformed value
     */
    public VertexBackend(BackendConfig config) {
        super(VertexSettings.ID, VertexSettings.CAPABILITIES, VertexSettings.OPTION_KEYS);
        this.settings = VertexSettings.from(config);
        this.translator = new VertexTranslator(settings.project().orElse(VertexTranslator.PLACEHOLDER_PROJECT), settings.location());
        this.clients = new LazyVertexClients(settings);
        VertexCalls calls = new VertexCalls(settings);
        this.reader = new VertexLiveReader(clients, calls);
        this.waits = new VertexWaits(settings, clients, calls, reader);
        this.executor = new VertexExecutor(clients, calls, waits);
        this.reconciler = new VertexReconciler(settings, reader, executor, waits);
    }

    /** A stabilization window equal to Vertex's fixed policy (0 s up, 300 s down) is honoured exactly: no warning. */
    @Override
    protected boolean honoursExactly(Problem warning, InferenceEndpoint effective) {
        return VertexTranslator.matchesFixedPolicy(warning.path(), effective);
    }

    /** Vertex's own rules (names, labels, machines, accelerators, model, image registry), found by translating. */
    @Override
    protected ValidationReport validateNative(InferenceEndpoint effective) {
        Translation<VertexDesiredState> t = translator.translation(effective);
        lastTranslation = new Translated(effective, t);
        return t.problems();
    }

    /**
     * The translation {@link #validateNative} made of this endpoint when it is still the last one (the translation is pure,
     * so any thread may reuse it), else a new one: one translation per call. Its problems were reported by validation.
     */
    @Override
    protected Translation<VertexDesiredState> translate(InferenceEndpoint effective) {
        Translated last = lastTranslation;
        Translation<VertexDesiredState> t = last != null && last.effective().equals(effective) ? last.translation()
                : translator.translation(effective);
        return Translation.of(t.desired(), t.notes());
    }

    /** The requests for a fresh project as a JSON array (see {@link VertexTranslator#render}); offline. */
    @Override
    protected Rendering render(PreparedEndpoint<VertexDesiredState> endpoint) {
        return new Rendering(id(), "json", VertexTranslator.render(endpoint.desired()), endpoint.notes());
    }

    /**
     * Reads only: {@code GetEndpoint} (v1beta1 for a scale-to-zero spec), and {@code GetModel} when the model is not
     * deployed yet or a deployed model is to be replaced.
     */
    @Override
    protected Plan plan(PreparedEndpoint<VertexDesiredState> endpoint) {
        settings.requireProject();
        return plan(endpoint, reader.live(endpoint.desired()));
    }

    /** The plan of {@code endpoint} against {@code live} (pure). */
    private static Plan plan(PreparedEndpoint<VertexDesiredState> endpoint, VertexLiveState live) {
        VertexDesiredState desired = endpoint.desired();
        try {
            return VertexPlanner.plan(endpoint.name(), desired, VertexPlanner.steps(endpoint.name(), desired, live));
        } catch (StepFailure f) {
            throw f.failure;
        }
    }

    /**
     * Plans a fleet from its lists (see {@link #applyFleet}): the list pages ({@code ListEndpoints}, v1beta1 when an
     * endpoint scales to zero, and {@code ListModels} when an endpoint needs to know about a model), then the pure planner
     * per endpoint on the pool; per endpoint only {@code GetModel} for an existing model ({@code spec.backends.vertex.model})
     * that is not deployed yet. When a list call fails, every endpoint is planned as {@link #plan} does.
     */
    @Override
    protected FleetResult<Plan> planFleet(List<PreparedEndpoint<VertexDesiredState>> endpoints, FleetOptions options) {
        VertexLiveReader.FleetLists lists = fleetLists(endpoints);
        return forEachEndpoint(endpoints, options, "plan", e -> {
            if (lists == null) {
                return plan(e);
            }
            try {
                return plan(e, reader.live(e.desired(), lists));
            } catch (StepFailure f) {
                throw f.failure;
            }
        });
    }

    /**
     * Brings the endpoint to its spec (see the class comment for rounds, re-runs and concurrency). Calls on a fresh
     * project: GetEndpoint, GetModel, UploadModel, CreateEndpoint, DeployModel, one GetOperation poll or more per
     * operation, and the closing GetEndpoint; on an unchanged endpoint: one GetEndpoint and nothing else.
     *
     * @throws BackendException with {@link BackendException#step()} when a remote call failed; re-running is then safe
     */
    @Override
    protected ApplyResult apply(PreparedEndpoint<VertexDesiredState> endpoint) {
        settings.requireProject();
        return reconciler.apply(endpoint.name(), endpoint.desired());
    }

    /**
     * Applies a fleet with its first reads from list calls: {@code ListEndpoints} on the managed-by label (every page;
     * the answers are whole {@code Endpoint}s: deployed models with their replicas and autoscaling specs, traffic split,
     * labels, status) and, when an endpoint needs to know about a model, {@code ListModels} on the same label (every
     * page). Each endpoint's first round is planned from them ({@code VertexLiveReader#live(VertexDesiredState, FleetLists)});
     * then it goes on as {@link #apply} does, on the pool, with the same rounds, conflict handling, and closing
     * {@code GetEndpoint} after its writes. An endpoint that needs no write makes no request: on an unchanged fleet the
     * list pages are all (200 endpoints, 100 per page: 2 requests). A fleet with a scale-to-zero endpoint is listed
     * through v1beta1 {@code ListEndpoints} (the scale-to-zero settings are v1beta1 fields, absent from v1 answers). Per
     * endpoint before its writes only {@code GetModel}, for an existing model ({@code spec.backends.vertex.model}) that is
     * not deployed yet (it does not carry InferScale's label). On a fresh project: 2 list requests for the fleet (per 100
     * endpoints) and 7 per endpoint (3 writes, 3 polls, the closing read) instead of 9.
     *
     * <p>Concurrency: an endpoint that writes reads after its writes as {@link #apply} does, so the guarantee of the class
     * comment holds; one that writes nothing leaves the state to the apply that wrote last. A list that is stale by the
     * time an endpoint is planned (another process wrote meanwhile) is the same race as a read followed by another
     * writer. When a list call fails, every endpoint reads for itself as {@link #apply} does; without
     * {@code vertex.project} each endpoint fails as {@link #apply} would.
     */
    @Override
    protected FleetResult<ApplyResult> applyFleet(List<PreparedEndpoint<VertexDesiredState>> endpoints, FleetOptions options) {
        VertexLiveReader.FleetLists lists = fleetLists(endpoints);
        return forEachEndpoint(endpoints, options, "apply", e -> {
            settings.requireProject();
            VertexLiveState firstRead = null;
            if (lists != null) {
                try {
                    firstRead = reader.live(e.desired(), lists);
                } catch (StepFailure f) {
                    firstRead = null; // the first round reads for itself, as apply does
                }
            }
            return reconciler.apply(e.name(), e.desired(), firstRead);
        });
    }

    /** The fleet's list answers, or null when there is no project, no endpoint, or a list call failed. */
    private VertexLiveReader.FleetLists fleetLists(List<PreparedEndpoint<VertexDesiredState>> endpoints) {
        if (settings.project().isEmpty() || endpoints.isEmpty()) {
            return null;
        }
        try {
            return reader.fleetLists(parent(), endpoints.stream().map(PreparedEndpoint::desired).toList());
        } catch (StepFailure f) {
            return null;
        }
    }

    @Override
    protected Optional<EndpointStatus> read(String name) {
        String endpointId = VertexNames.endpointId(name);
        if (endpointId == null) {
            return Optional.empty();
        }
        try {
            return reader.endpointWithScaleToZero(parent() + "/endpoints/" + endpointId)
                    .map(e -> VertexStatusMapper.status(name, e, reader.operations(e.getName())));
        } catch (StepFailure f) {
            throw f.failure;
        }
    }

    @Override
    public List<EndpointStatus> list() {
        try {
            return reader.managedEndpoints(parent()).stream()
                    .map(e -> VertexStatusMapper.status(e.getLabelsMap().get(VertexTranslator.ENDPOINT_LABEL), e, reader.operations(e.getName())))
                    .sorted(Comparator.comparing(EndpointStatus::name)).toList();
        } catch (StepFailure f) {
            throw f.failure;
        }
    }

    /**
     * Waits on the operation running on the endpoint through its resumed GAX future, else reads the status again (see
     * {@code VertexWaits}); reports each status that differs from the one before to {@code progress}.
     */
    @Override
    protected EndpointStatus waitUntilReady(String name, Duration timeout, ProgressListener progress) {
        return waits.ready(name, timeout, () -> read(name), progress::onStatus);
    }

    /**
     * Undeploys every deployed model (least traffic first), deletes the endpoint, then every model InferScale uploaded
     * for it (labels {@code managed_by=inferscale, inferscale_endpoint=<name>}); never a model it did not upload. Calls for
     * an endpoint with one deployed model: GetEndpoint, UndeployModel, DeleteEndpoint, ListModels, DeleteModel, and the
     * GetOperation polls of the four operations (Vertex refuses to delete an endpoint that still has deployed models).
     *
     * @return false when nothing existed
     * @throws BackendException with {@link BackendException#step()} when a remote call failed; re-running is then safe
     */
    @Override
    protected boolean remove(String name) {
        String endpointId = VertexNames.endpointId(name);
        return endpointId != null && reconciler.delete(name, parent(), parent() + "/endpoints/" + endpointId);
    }

    /** Releases the shared clients (channel, executor); the instance must not be used afterwards. */
    @Override
    public void close() {
        clients.close();
    }

    /** {@code projects/{project}/locations/{location}}; needs {@code vertex.project}. */
    private String parent() {
        return new VertexTranslator(settings.requireProject(), settings.location()).parent();
    }

    /** Mutating calls this backend has sent (creates, updates, deploys, undeploys, mutates, deletes); for live tests. */
    long mutatingCalls() {
        return executor.mutatingCalls();
    }

    /** Project, location and API endpoint; never credentials. */
    @Override
    public String toString() {
        return "VertexBackend{project=" + settings.project().orElse("(none)") + ", location=" + settings.location()
                + ", endpoint=" + settings.endpoint() + "}";
    }
}
