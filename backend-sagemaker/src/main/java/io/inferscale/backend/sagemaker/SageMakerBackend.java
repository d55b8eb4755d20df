package io.inferscale.backend.sagemaker;

import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.AbstractBackend;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
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
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import io.inferscale.backend.sagemaker.internal.FleetSnapshot;
import io.inferscale.backend.sagemaker.internal.LiveEndpoint;
import io.inferscale.backend.sagemaker.internal.SageMakerClients;
import io.inferscale.backend.sagemaker.internal.SageMakerExecutor;
import io.inferscale.backend.sagemaker.internal.SageMakerExecutor.FleetPass;
import io.inferscale.backend.sagemaker.internal.SageMakerLiveReader;
import io.inferscale.backend.sagemaker.internal.SageMakerPlanner;
import io.inferscale.backend.sagemaker.internal.SageMakerWaits;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.waiters.SageMakerWaiter;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Deploys endpoints to Amazon SageMaker real-time inference with Application Auto Scaling: a Model, an
 * EndpointConfig with one production variant, an Endpoint, a scalable target on the variant's instance count
 * and one target-tracking policy per scaling target. With {@code spec.autoscaling.scaleToZero} the model runs in an
 * inference component instead ({@link InferenceComponentParts}: managed instance scaling from 0 instances, a scalable
 * target on the component's copy count from 0, and the step policy and CloudWatch alarm on
 * {@code NoCapacityInvocationFailures} that scale out from zero); a live endpoint cannot switch between the two (plan
 * refuses it at {@code spec.autoscaling.scaleToZero}). See {@link SageMakerTranslator} for the mapping. The shared
 * contract (validation, name checks, re-runs, concurrency, thread safety) is {@link Backend}'s; what follows is
 * SageMaker's.
 *
 * <p>Lifecycle rules: updates are never sent while the endpoint is {@code Creating} or {@code Updating}
 * (InferScale waits with the SDK's {@link SageMakerWaiter}); an instance-type change deregisters the scalable
 * target first (AWS rejects the update otherwise) and registers it again afterwards, and when that update fails the
 * old target and its policies are registered again (best effort) rather than leave the endpoint unscaled; updates use
 * {@code RetainAllVariantProperties=true} so the instance count autoscaling chose is kept; endpoint configs and
 * models no longer in use are deleted after a successful update. {@link #plan} only calls Describe* and List*.
 * Throttling, 5xx, timed-out attempts ({@code sagemaker.attemptTimeout}) and dropped connections are retried by the
 * SDK's standard retry strategy ({@code sagemaker.maxAttempts}).
 *
 * <p>Calls (with a spec of one target; see the module README for the tests that pin them): a fresh apply makes one
 * DescribeEndpoint, CreateModel, CreateEndpointConfig, CreateEndpoint, the waiter's DescribeEndpoint polls,
 * RegisterScalableTarget and one PutScalingPolicy per target, then one verification round of five reads; a no-op
 * apply makes those five reads (DescribeEndpoint, DescribeScalableTargets, DescribeScalingPolicies,
 * ListEndpointConfigs, ListModels) and no write; a change of maxReplicas alone writes one RegisterScalableTarget.
 * {@link #awaitReady} polls DescribeEndpoint through the SDK waiter, reporting each new state to its
 * {@link io.inferscale.api.backend.ProgressListener}, then reads the full status once.
 *
 * <p>Re-runs: creates accept an existing model or config of the same content-hashed name, and an endpoint an
 * earlier attempt of the same apply created; delete removes whatever is left. A Failed endpoint is the exception:
 * apply reports its FailureReason (delete it and apply again).
 *
 * <p>Thread safety: one {@link SageMakerClient} and one {@link ApplicationAutoScalingClient} per instance, built on
 * first use on one shared HTTP client (the SDK's Apache client: one connection pool for all endpoints, calls and
 * services, of at most {@code sagemaker.maxConnections} connections, default 256, so {@code applyAll} at any concurrency
 * never waits for one); no per-call state. {@link #close} closes them; a call after {@code close} builds new ones.
 *
 * <p>Concurrent applies of the same endpoint (threads or processes): every round of apply ends with a verification
 * that reads the endpoint, its config and model names, the scalable target and the policies back, and the writes
 * are repeated in another round while they differ from its spec ({@link ConvergenceBudget}: at most
 * {@value #MAX_ROUNDS} rounds). So when the apply that wrote last returns normally the final state is entirely its
 * spec (model, config, endpoint, target and policies, no leftover configs or models), never a mixture. Where
 * SageMaker refuses a change because another apply's change is under way (CreateEndpoint of an endpoint another
 * apply created with another config; UpdateEndpoint while another apply's update is in progress), apply stops before
 * any further write with a {@code CONFLICT} {@link BackendException} from {@link BackendException#atStep}: the apply
 * whose change is under way verifies after it, and re-running the refused apply is safe (it then wins as the last
 * writer). Other conflicts a concurrent apply causes (the scalable target deregistered or registered meanwhile, a
 * config deleted by its cleanup, Application Auto Scaling's ConcurrentUpdateException) start another round.
 *
 * <p>Parts: {@link SageMakerSettings} (keys, capabilities, options, the parsed configuration),
 * {@link SageMakerTranslator} (pure: endpoint to {@link SageMakerDesiredState}), and in package {@code internal}
 * {@code SageMakerClients} (the lazy SDK clients), {@code SageMakerLiveReader} (Describe*, List*),
 * {@code SageMakerPlanner} (the pure diff of desired and live state), {@code SageMakerExecutor} (the rounds of apply
 * and the writes), {@code SageMakerWaits} (the SDK waiter) and {@code SageMakerStatusMapper}.
 *
 * <p>Credentials come from the SDK's default provider chain (or the {@code sagemaker.profile} profile, or the
 * provider given to {@link #create(BackendConfig, AwsCredentialsProvider)}); InferScale never logs them, prints them in
 * {@link #toString} (which shows the known {@code sagemaker.*} keys only) or puts them in messages. The SDK's own SigV4
 * signer logs the session token at DEBUG ({@code software.amazon.awssdk.http.auth.aws.internal.signer}): keep that
 * logger at INFO.
 */
public final class SageMakerBackend extends AbstractBackend<SageMakerDesiredState> {

    private static final String ID = SageMakerSettings.ID;
    /** Rounds of write-then-verify an apply makes at most before it reports a conflict with concurrent applies. */
    static final int MAX_ROUNDS = ConvergenceBudget.MAX_ROUNDS;

    private final SageMakerSettings settings;
    private final SageMakerTranslator translator = new SageMakerTranslator();
    private final SageMakerClients clients;
    private final SageMakerLiveReader reader;
    private final SageMakerWaits waits;
    private final SageMakerExecutor executor;

    private SageMakerBackend(BackendConfig config, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors,
                             BackoffStrategy retryBackoff) {
        super(ID, SageMakerSettings.CAPABILITIES, SageMakerSettings.OPTION_KEYS);
        this.settings = SageMakerSettings.of(config);
        this.clients = new SageMakerClients(settings, credentials, interceptors, retryBackoff);
        this.reader = new SageMakerLiveReader(clients);
        this.waits = new SageMakerWaits(settings, clients, reader);
        this.executor = new SageMakerExecutor(clients, reader, waits);
    }

    /** A backend reading {@code config}, with credentials from the SDK's default provider chain. */
    public static SageMakerBackend create(BackendConfig config) {
        return new SageMakerBackend(config, null, List.of(), null);
    }

    /**
     * A backend with explicit credentials (tests, or platforms that manage credentials themselves).
     *
     * @param config      the {@code sagemaker.*} configuration
     * @param credentials the credentials provider; never printed
     */
    public static SageMakerBackend create(BackendConfig config, AwsCredentialsProvider credentials) {
        return new SageMakerBackend(config, Objects.requireNonNull(credentials, "credentials"), List.of(), null);
    }

    /**
     * For tests: explicit credentials (null: the default chain), SDK interceptors (e.g. counting write calls) and the
     * delay between retries of the SDK's standard retry strategy (null: the SDK's; tests make it short, the retry
     * conditions and attempts stay the SDK's).
     */
    static SageMakerBackend create(BackendConfig config, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors,
                                   BackoffStrategy retryBackoff) {
        return new SageMakerBackend(config, credentials, interceptors, retryBackoff);
    }

    /** For tests: how many SDK clients this instance has built (2 once both services were used, whatever the load). */
    int clientsBuilt() {
        return clients.clientsBuilt();
    }

    @Override
    protected ValidationReport validateNative(InferenceEndpoint effective) {
        return translator.validate(effective);
    }

    @Override
    protected Translation<SageMakerDesiredState> translate(InferenceEndpoint effective) {
        return translator.translate(effective, settings.role().orElse(null));
    }

    /** Offline: the requests for a fresh account as a JSON array; needs no credentials and no execution role. */
    @Override
    protected Rendering render(PreparedEndpoint<SageMakerDesiredState> endpoint) {
        return new Rendering(ID, "json", endpoint.desired().toJson(), endpoint.notes());
    }

    @Override
    protected Plan plan(PreparedEndpoint<SageMakerDesiredState> endpoint) {
        SageMakerDesiredState t = requireRole(endpoint);
        LiveEndpoint live = reader.read(t, reader.describeEndpoint(t.endpointName()).orElse(null), true);
        return SageMakerPlanner.plan(t, live).plan();
    }

    /**
     * Creates or updates the endpoint in the rounds of one {@link ConvergenceBudget} (see the class comment), each
     * ending with a read-back. Every failed remote call ends in {@link BackendException#atStep}: re-running is safe.
     */
    @Override
    protected ApplyResult apply(PreparedEndpoint<SageMakerDesiredState> endpoint) {
        return executor.apply(requireRole(endpoint), ConvergenceBudget.start(ID));
    }

    /**
     * Plans a fleet with its live state read in bulk: ListEndpoints (100 a page), then {@link #fleetReads} for every
     * endpoint; each endpoint that exists adds one DescribeEndpoint. A fresh fleet of 200 endpoints plans with 2
     * ListEndpoints pages, one ListEndpointConfigs and one ListModels page per 100 names (instead of 3 reads each).
     */
    @Override
    protected FleetResult<Plan> planFleet(List<PreparedEndpoint<SageMakerDesiredState>> endpoints, FleetOptions options) {
        Set<String> existing = existingNames(endpoints);
        List<SageMakerDesiredState> plain = plainWithRole(endpoints);
        FleetSnapshot snapshot = fleetReads(plain, existing == null ? List.of() : plain.stream().filter(t -> existing.contains(t.endpointName())).toList());
        return forEachEndpoint(endpoints, options, "plan", e -> {
            SageMakerDesiredState t = requireRole(e);
            DescribeEndpointResponse ep = existing != null && !existing.contains(t.endpointName()) ? null
                    : reader.describeEndpoint(t.endpointName()).orElse(null);
            return SageMakerPlanner.plan(t, snapshot.live(t, ep, true, reader)).plan();
        });
    }

    /**
     * Applies a fleet with its live state read in bulk, before and after its writes, keeping {@link #apply}'s
     * guarantees (see the class comment). Calls:
     * <ol>
     *   <li>ListEndpoints (100 a page); for the endpoints it holds, {@link #fleetReads} and one DescribeEndpoint each
     *       (an endpoint it does not hold reads nothing);</li>
     *   <li>each endpoint's first round on the pool: plan, then the writes (and the waiter's polls) as {@link #apply}'s;</li>
     *   <li>after every endpoint has written: the read-back of those that wrote, {@link #fleetReads} and one
     *       DescribeEndpoint each; an endpoint whose read-back matches its spec is done, with its status built from it;</li>
     *   <li>an endpoint that met another writer (the read-back differs, or a write conflicted) goes on with the rounds of
     *       {@link #apply}, reading per endpoint, with what is left of the budget.</li>
     * </ol>
     * Every read of the read-back is made after the endpoint's last write, so the last writer of an endpoint still
     * finds its spec entirely or writes again. On a fresh account: 7 requests per endpoint (the baseline's 6 and the
     * read-back's DescribeEndpoint) plus the pages; a no-op re-apply: 1 DescribeEndpoint per endpoint plus the pages.
     * Endpoints with an inference component (scale to zero) read their parts per endpoint. A bulk read that fails
     * leaves every endpoint to read for itself.
     */
    @Override
    protected FleetResult<ApplyResult> applyFleet(List<PreparedEndpoint<SageMakerDesiredState>> endpoints, FleetOptions options) {
        Set<String> existing = existingNames(endpoints);
        List<SageMakerDesiredState> listed = existing == null ? List.of()
                : plainWithRole(endpoints).stream().filter(t -> existing.contains(t.endpointName())).toList();
        FleetSnapshot before = fleetReads(listed, listed);
        FleetResult<FleetPass> passes = forEachEndpoint(endpoints, options, "apply", e -> {
            SageMakerDesiredState t = requireRole(e);
            boolean absent = existing != null && !existing.contains(t.endpointName());
            return executor.firstRound(t, absent ? before.live(t, null, false, reader) : executor.observe(t, before));
        });
        List<SageMakerDesiredState> written = passes.results().values().stream().filter(p -> p.done() == null)
                .map(FleetPass::desired).filter(t -> !t.isInferenceComponent()).toList();
        FleetSnapshot after = fleetReads(written, written);
        return forEachEndpoint(passes.outcomes(), EndpointOutcome::name, options, "apply", o -> {
            if (!o.succeeded()) {
                throw o.failure();
            }
            FleetPass pass = o.result();
            return executor.finish(pass, pass.done() != null ? null : executor.observe(pass.desired(), after));
        });
    }

    /** ListEndpoints' names when some endpoint has an execution role (else nothing is read); null when the call failed. */
    private Set<String> existingNames(List<PreparedEndpoint<SageMakerDesiredState>> endpoints) {
        if (endpoints.stream().noneMatch(e -> e.desired().createModel().executionRoleArn() != null)) {
            return null;
        }
        try {
            return reader.endpointNames();
        } catch (BackendException e) {
            return null;
        }
    }

    private static List<SageMakerDesiredState> plainWithRole(List<PreparedEndpoint<SageMakerDesiredState>> endpoints) {
        return endpoints.stream().map(PreparedEndpoint::desired)
                .filter(t -> t.createModel().executionRoleArn() != null && !t.isInferenceComponent()).toList();
    }

    /**
     * {@link SageMakerLiveReader#readFleet}: the configs and models of {@code named}, the targets and policies of
     * {@code scaled}; nothing when both are empty, and nothing (every endpoint reads for itself) when a call fails.
     */
    private FleetSnapshot fleetReads(List<SageMakerDesiredState> named, List<SageMakerDesiredState> scaled) {
        if (named.isEmpty() && scaled.isEmpty()) {
            return FleetSnapshot.NONE;
        }
        try {
            return reader.readFleet(named, scaled);
        } catch (BackendException e) {
            return FleetSnapshot.NONE;
        }
    }

    /** The desired state, when an execution role is set (plan and apply need one; render does not). */
    private SageMakerDesiredState requireRole(PreparedEndpoint<SageMakerDesiredState> endpoint) {
        if (endpoint.desired().createModel().executionRoleArn() == null) {
            String option = "spec.backends." + ID + "." + SageMakerTranslator.OPTION_EXECUTION_ROLE_ARN;
            endpoint.report().and(ValidationReport.of(Problem.error(option, "SageMaker needs an execution role to pull the image and model "
                    + "data: set --set " + SageMakerTranslator.ROLE_CONFIG_KEY + "=arn:aws:iam::<account>:role/<role> (or the environment variable "
                    + BackendConfig.environmentVariable(SageMakerTranslator.ROLE_CONFIG_KEY) + "), or " + option)))
                    .throwIfErrors("endpoint '" + endpoint.name() + "' on backend '" + ID + "'");
        }
        return endpoint.desired();
    }

    @Override
    protected Optional<EndpointStatus> read(String name) {
        return reader.status(name);
    }

    @Override
    public List<EndpointStatus> list() {
        return reader.statuses();
    }

    /** The SDK waiter's polls (DescribeEndpoint), each new state reported to {@code progress}, then the full status. */
    @Override
    protected EndpointStatus waitUntilReady(String name, Duration timeout, ProgressListener progress) {
        waits.awaitInService(name, timeout, progress);
        return reader.status(name).orElseThrow(() -> BackendException.notFound(ID, name));
    }

    /**
     * Deletes the endpoint, then every endpoint config and model InferScale made for it (also those an interrupted
     * apply left). Calls: DescribeEndpoint; when it exists, DeleteEndpoint and the waiter's DescribeEndpoint polls
     * (SageMaker deregisters the variant's scalable target, and with it the scaling policies, when it deletes the
     * endpoint); ListEndpointConfigs and ListModels; one DeleteEndpointConfig / DeleteModel per name found. An endpoint
     * with an inference component (scale to zero) first loses, in this order, its CloudWatch alarm (DeleteAlarms), its
     * policies (DescribeScalingPolicies, DeleteScalingPolicy), the copy-count target (DeregisterScalableTarget) and the
     * component (DescribeInferenceComponent, DeleteInferenceComponent, polls until it is gone). A failed
     * call ends in {@link BackendException#atStep}; re-running delete removes whatever is left.
     */
    @Override
    protected boolean remove(String name) {
        return executor.delete(name);
    }

    @Override
    public void close() {
        clients.close();
    }

    /** The known {@code sagemaker.*} keys set (none of them is a credential); other keys of the configuration are not printed. */
    @Override
    public String toString() {
        return "SageMakerBackend" + settings.shown();
    }
}
