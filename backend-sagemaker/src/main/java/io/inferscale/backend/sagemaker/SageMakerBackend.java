package io.inferscale.backend.sagemaker;

import io.inferscale.api.BackendException;
import io.inferscale.api.BackendException.Reason;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendOverrides;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.Condition;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.FieldChange;
import io.inferscale.api.backend.FieldChanges;
import io.inferscale.api.backend.MetricStatus;
import io.inferscale.api.backend.Note;
import io.inferscale.api.backend.OptionKey;
import io.inferscale.api.backend.Plan;
import io.inferscale.api.backend.Rendering;
import io.inferscale.api.validation.EndpointValidator;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import io.inferscale.backend.sagemaker.SageMakerTranslator.Translation;
import io.inferscale.backend.sagemaker.internal.AwsErrors;
import io.inferscale.backend.sagemaker.internal.InstanceCatalogue;
import io.inferscale.backend.sagemaker.internal.RequestTree;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.RegisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingActivity;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.applicationautoscaling.model.SuspendedState;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointConfigResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointConfigSummary;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemaker.model.EndpointSummary;
import software.amazon.awssdk.services.sagemaker.model.ModelSummary;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantSummary;
import software.amazon.awssdk.services.sagemaker.model.Tag;
import software.amazon.awssdk.services.sagemaker.waiters.SageMakerWaiter;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Deploys endpoints to Amazon SageMaker real-time inference with Application Auto Scaling: a Model, an
 * EndpointConfig with one production variant, an Endpoint, a scalable target on the variant's instance count
 * and one target-tracking policy per scaling target. See {@link SageMakerTranslator} for the mapping.
 *
 * <p>Lifecycle rules: updates are never sent while the endpoint is {@code Creating} or {@code Updating}
 * (InferScale waits with the SDK's {@link SageMakerWaiter}); an instance-type change deregisters the scalable
 * target first (AWS rejects the update otherwise) and registers it again afterwards; updates use
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
 *
 * <p>Failures: every failed remote call of {@code apply} and {@code delete} ends in
 * {@link BackendException#atStep} naming the step; running the same operation again converges (creates accept an
 * existing model or config of the same content-hashed name; delete removes whatever is left). A Failed endpoint is
 * the exception: apply reports its FailureReason (delete it and apply again).
 *
 * <p>Thread safety: an instance is safe for use by any number of threads and is meant to be shared: it builds one
 * {@link SageMakerClient} and one {@link ApplicationAutoScalingClient} on first use (one HTTP client each, so one
 * connection pool per service for all endpoints and calls) and keeps no per-call state. {@link #close} closes them;
 * a call after {@code close} builds new ones.
 *
 * <p>Concurrent applies of the same endpoint (threads or processes): every apply ends with a verification round that
 * reads the endpoint, its config and model names, the scalable target and the policies back, and repeats its writes
 * while they differ from its spec (after a random back-off that doubles each round, up to 8 times the duration of a
 * round; at most {@value #MAX_ROUNDS} rounds). So an apply that returns normally saw its own spec complete after its
 * last write, and when the apply that wrote last returns normally the final state is entirely its spec (model, config,
 * endpoint, target and policies, no leftover configs or models), never a mixture. Where SageMaker refuses a change because another apply's change is under way
 * (CreateEndpoint of an endpoint another apply created with another config; UpdateEndpoint while another apply's
 * update is in progress), apply stops before any further write with a {@code CONFLICT} {@link BackendException} from
 * {@link BackendException#atStep}: the apply whose change is under way verifies after it, and re-running the refused
 * apply is safe (it then wins as the last writer). Other conflicts a concurrent apply causes (the scalable target
 * deregistered or registered meanwhile, a config deleted by its cleanup, Application Auto Scaling's
 * ConcurrentUpdateException) start another round. An apply that still conflicts after {@value #MAX_ROUNDS} rounds stops
 * with {@code CONFLICT} too; the state may then be a mixture until an apply is re-run.
 *
 * <p>Credentials come from the SDK's default provider chain (or the {@code sagemaker.profile} profile, or the
 * provider given to {@link #create(BackendConfig, AwsCredentialsProvider)}); InferScale never logs them, prints them in
 * {@link #toString} (which shows the known {@code sagemaker.*} keys only) or puts them in messages. The SDK's own SigV4
 * signer logs the session token at DEBUG ({@code software.amazon.awssdk.http.auth.aws.internal.signer}): keep that
 * logger at INFO.
 */
public final class SageMakerBackend implements Backend {

    private static final String ID = SageMakerTranslator.ID;
    /** Rounds of write-then-verify an apply makes at most before it reports a conflict with concurrent applies. */
    static final int MAX_ROUNDS = 10;
    /** us-east-1, eu-central-2, us-gov-west-1, cn-north-1, us-isob-east-1: letters, dash-separated, a number last. */
    private static final java.util.regex.Pattern AWS_REGION = java.util.regex.Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

    private final BackendConfig config;
    private final AwsCredentialsProvider credentials;
    private final List<ExecutionInterceptor> interceptors;
    private final SageMakerTranslator translator = new SageMakerTranslator();
    private final Duration pollInterval;
    private final Duration timeout;
    private final int maxAttempts;
    private final Duration attemptTimeout;
    private final BackoffStrategy retryBackoff;
    private final java.util.concurrent.atomic.AtomicInteger clientsBuilt = new java.util.concurrent.atomic.AtomicInteger();
    private final Object lock = new Object();
    private volatile SageMakerClient sageMaker;
    private volatile ApplicationAutoScalingClient autoScaling;

    private SageMakerBackend(BackendConfig config, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors,
                             BackoffStrategy retryBackoff) {
        this.config = Objects.requireNonNull(config, "config");
        this.interceptors = List.copyOf(interceptors);
        this.retryBackoff = retryBackoff;
        config.requireKnownKeys(ID + ".", SageMakerBackendProvider.CONFIG_KEYS);
        this.credentials = credentials;
        this.pollInterval = config.getDuration(SageMakerBackendProvider.POLL_INTERVAL, Duration.ofSeconds(30));
        this.timeout = config.getDuration(SageMakerBackendProvider.TIMEOUT, Duration.ofMinutes(60));
        this.maxAttempts = config.getInt(SageMakerBackendProvider.MAX_ATTEMPTS, 3);
        this.attemptTimeout = config.getDuration(SageMakerBackendProvider.ATTEMPT_TIMEOUT, null);
        if (attemptTimeout != null && (attemptTimeout.isNegative() || attemptTimeout.isZero())) {
            throw new ConfigurationException("configuration '" + SageMakerBackendProvider.ATTEMPT_TIMEOUT + "' must be a positive duration such as 10s");
        }
        if (pollInterval.isNegative() || pollInterval.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new ConfigurationException("configuration '" + SageMakerBackendProvider.POLL_INTERVAL + "' and '"
                    + SageMakerBackendProvider.TIMEOUT + "' must be positive durations");
        }
        if (maxAttempts < 1) {
            throw new ConfigurationException("configuration '" + SageMakerBackendProvider.MAX_ATTEMPTS + "' must be at least 1, got " + maxAttempts);
        }
        config.get(SageMakerTranslator.ROLE_CONFIG_KEY).ifPresent(r -> {
            if (!SageMakerTranslator.ROLE_ARN.matcher(r).matches()) {
                throw new ConfigurationException("configuration '" + SageMakerTranslator.ROLE_CONFIG_KEY
                        + "' must be an IAM role ARN such as arn:aws:iam::123456789012:role/SageMakerExecutionRole");
            }
        });
        config.get(SageMakerBackendProvider.REGION).ifPresent(r -> {
            if (!AWS_REGION.matcher(r).matches()) {
                throw new ConfigurationException("configuration '" + SageMakerBackendProvider.REGION
                        + "' must be an AWS region such as us-east-1 or eu-west-2, got '" + r + "'");
            }
        });
        for (String key : List.of(SageMakerBackendProvider.ENDPOINT_OVERRIDE, SageMakerBackendProvider.AUTOSCALING_ENDPOINT_OVERRIDE)) {
            config.get(key).ifPresent(u -> {
                try {
                    URI uri = URI.create(u);
                    if (uri.getScheme() == null || uri.getHost() == null) {
                        throw new IllegalArgumentException(u);
                    }
                } catch (IllegalArgumentException ex) {
                    throw new ConfigurationException("configuration '" + key + "' must be a URL such as http://127.0.0.1:4566, got '" + u + "'");
                }
            });
        }
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
        return clientsBuilt.get();
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Capabilities capabilities() {
        return SageMakerBackendProvider.CAPABILITIES;
    }

    @Override
    public List<OptionKey> optionKeys() {
        return SageMakerBackendProvider.OPTION_KEYS;
    }

    @Override
    public ValidationReport validate(InferenceEndpoint endpoint) {
        ValidationReport base = Backend.super.validate(endpoint);
        return base.and(translator.validate(BackendOverrides.applyIfWellFormed(endpoint, ID)));
    }

    /** Offline: the requests for a fresh account as a JSON array; needs no credentials and no execution role. */
    @Override
    public Rendering render(InferenceEndpoint endpoint) {
        requireValid(endpoint);
        Translation t = translator.translate(BackendOverrides.apply(endpoint, ID), config.get(SageMakerTranslator.ROLE_CONFIG_KEY).orElse(null));
        return new Rendering(ID, "json", t.toJson(), t.notes());
    }

    @Override
    public Plan plan(InferenceEndpoint endpoint) {
        Translation t = translateOnline(endpoint);
        Live live = observe(t, false, true);
        return steps(t, live).plan();
    }

    /**
     * Creates or updates the endpoint, then reads it back (one verification round: the reads of a no-op apply) and
     * repeats while the read-back differs from the spec because another apply changed it meanwhile, at most
     * {@value #MAX_ROUNDS} rounds. Every failed remote call ends in {@link BackendException#atStep}: re-running is safe.
     */
    @Override
    public ApplyResult apply(InferenceEndpoint endpoint) {
        Translation t = translateOnline(endpoint);
        List<Change> applied = new ArrayList<>();
        List<Note> notes = new ArrayList<>();
        long roundMillis = 1;
        for (int round = 1; round <= MAX_ROUNDS; round++) {
            Live live = atStep("apply", t.endpointName(), () -> "observe endpoint " + t.endpointName(), () -> observe(t, true, false));
            Steps steps = steps(t, live);
            if (round == 1) {
                notes.addAll(steps.plan().notes());
            }
            if (steps.plan().isEmpty()) {
                return new ApplyResult(new Plan(t.endpointName(), ID, applied, notes), statusOf(t, live));
            }
            if (round > 1) {
                // another apply wrote meanwhile: back off (random, doubling each round, scaled by how long a round of
                // writes takes) so that concurrent applies stop overwriting each other in step, then look again
                pause(round, roundMillis);
                live = atStep("apply", t.endpointName(), () -> "observe endpoint " + t.endpointName(), () -> observe(t, true, false));
                steps = steps(t, live);
                if (steps.plan().isEmpty()) {
                    return new ApplyResult(new Plan(t.endpointName(), ID, applied, notes), statusOf(t, live));
                }
            }
            applied.addAll(steps.plan().changes());
            long started = System.nanoTime();
            try {
                execute(t, steps);
            } catch (BackendException e) {
                // a concurrent apply changed what this round was writing to (deregistered the target, registered it
                // again, deleted a config): observe again and carry on, as the last writer must. Only a refusal
                // because another apply's change is in progress (OwnedByAnother) stops here: that apply verifies later.
                if (round == MAX_ROUNDS || e.reason() != Reason.CONFLICT || e.getCause() instanceof OwnedByAnother) {
                    throw e;
                }
            }
            roundMillis = Math.max(roundMillis, (System.nanoTime() - started) / 1_000_000);
        }
        throw BackendException.atStep("apply", t.endpointName(), "verify endpoint " + t.endpointName(), new BackendException(ID, Reason.CONFLICT,
                "another apply kept changing endpoint '" + t.endpointName() + "' for " + MAX_ROUNDS + " rounds"));
    }

    /**
     * SageMaker refused a change because another apply's change of this endpoint is under way (it created the endpoint
     * with another config, or its update is in progress): that apply verifies after its change, so this one stops.
     */
    private static final class OwnedByAnother extends BackendException {
        private static final long serialVersionUID = 1L;

        OwnedByAnother(BackendException refusal) {
            super(ID, Reason.CONFLICT, refusal.getMessage().substring(ID.length() + 2)
                    + " (another apply of this endpoint is changing it; re-run this one once that has finished)", refusal.getCause());
        }
    }

    /** Random back-off before round {@code round} (2, 3, ...): up to roundMillis × 2^(round-2), the factor at most 8, at most sagemaker.timeout. */
    private void pause(int round, long roundMillis) {
        long bound = Math.min(timeout.toMillis(), Math.max(2, roundMillis) << Math.min(round - 2, 3));
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1, Math.max(2, bound)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(ID, Reason.UNAVAILABLE, "interrupted while applying", e);
        }
    }

    /** The writes of one round, in dependency order; each failure names its step. */
    private void execute(Translation t, Steps steps) {
        String name = t.endpointName();
        if (steps.createModel) {
            String step = "CreateModel " + t.modelName();
            applyStep(name, step, () -> {
                try {
                    sm().createModel(t.createModel());
                } catch (SdkException e) {
                    // the name is a content hash: an existing model of that name is this model (a retried call, a concurrent apply)
                    if (!AwsErrors.isAlreadyExisting(e)) {
                        // AWS echoes invalid values in its messages: keep the environment's values (possible secrets) out of them.
                        throw AwsErrors.translate(ID, step, e, t.createModel().primaryContainer().environment().values());
                    }
                }
                return null;
            });
        }
        if (steps.createConfig) {
            String step = "CreateEndpointConfig " + t.endpointConfigName();
            applyStep(name, step, () -> tolerateExisting(step, () -> sm().createEndpointConfig(t.createEndpointConfig())));
        }
        if (steps.createEndpoint) {
            String step = "CreateEndpoint " + name;
            applyStep(name, step, () -> {
                try {
                    sm().createEndpoint(t.createEndpoint());
                } catch (SdkException e) {
                    // ours when an earlier attempt of this call went through (its answer was lost); else another apply's
                    if (!AwsErrors.isAlreadyExisting(e)) {
                        throw AwsErrors.translate(ID, step, e);
                    }
                    Optional<DescribeEndpointResponse> existing = describeEndpoint(name);
                    if (existing.isEmpty()) {
                        throw AwsErrors.translate(ID, step, e);
                    }
                    if (!t.endpointConfigName().equals(existing.get().endpointConfigName())) {
                        throw new OwnedByAnother(AwsErrors.translate(ID, step, e));
                    }
                }
                return null;
            });
            applyStep(name, "wait for endpoint " + name + " to be InService", () -> waitInService(name, timeout));
        } else if (steps.updateEndpoint) {
            if (steps.deregisterTarget != null) {
                applyStep(name, "DeregisterScalableTarget " + steps.deregisterTarget, () -> {
                    deregister(steps.deregisterTarget);
                    return null;
                });
            }
            try {
                String step = "UpdateEndpoint " + name;
                applyStep(name, step, () -> {
                    try {
                        sm().updateEndpoint(b -> b.endpointName(name).endpointConfigName(t.endpointConfigName())
                                .retainAllVariantProperties(steps.retainVariantProperties));
                    } catch (SdkException e) {
                        // ours when an earlier attempt went through and the endpoint is now updating to this config
                        if (!AwsErrors.isInProgress(e)) {
                            throw AwsErrors.translate(ID, step, e);
                        }
                        Optional<DescribeEndpointResponse> now = describeEndpoint(name);
                        String pending = now.map(DescribeEndpointResponse::pendingDeploymentSummary)
                                .map(software.amazon.awssdk.services.sagemaker.model.PendingDeploymentSummary::endpointConfigName).orElse(null);
                        if (pending == null) {
                            throw AwsErrors.translate(ID, step, e);
                        }
                        if (!t.endpointConfigName().equals(pending)) {
                            throw new OwnedByAnother(AwsErrors.translate(ID, step, e));
                        }
                    }
                    return null;
                });
                applyStep(name, "wait for endpoint " + name + " to be InService", () -> waitInService(name, timeout));
            } catch (BackendException e) {
                // a refusal because another apply's update is in progress: that apply registers its own target afterwards
                if (steps.deregisterTarget != null && e.reason() != Reason.CONFLICT) {
                    restoreAutoscaling(steps.live, e);
                }
                throw e;
            }
        }
        if (steps.registerTarget != null) {
            RegisterScalableTargetRequest r = steps.registerTarget;
            applyStep(name, "RegisterScalableTarget " + r.resourceId(), () -> call("RegisterScalableTarget " + r.resourceId(), () -> aas().registerScalableTarget(r)));
        }
        for (PutScalingPolicyRequest p : steps.putPolicies) {
            applyStep(name, "PutScalingPolicy " + p.policyName(), () -> call("PutScalingPolicy " + p.policyName(), () -> aas().putScalingPolicy(p)));
        }
        for (String policy : steps.deletePolicies) {
            String step = "DeleteScalingPolicy " + policy;
            applyStep(name, step, () -> {
                ignoreNotFound(step, () -> aas().deleteScalingPolicy(b -> b.policyName(policy).serviceNamespace(ServiceNamespace.SAGEMAKER)
                        .resourceId(t.resourceId()).scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)));
                return null;
            });
        }
        for (String c : steps.deleteConfigs) {
            String step = "DeleteEndpointConfig " + c;
            applyStep(name, step, () -> {
                ignoreNotFound(step, () -> sm().deleteEndpointConfig(b -> b.endpointConfigName(c)));
                return null;
            });
        }
        for (String m : steps.deleteModels) {
            String step = "DeleteModel " + m;
            applyStep(name, step, () -> {
                ignoreNotFound(step, () -> sm().deleteModel(b -> b.modelName(m)));
                return null;
            });
        }
    }

    /**
     * A write of apply. NOT_FOUND here means that something this apply made or read a moment ago is gone (a concurrent
     * apply's cleanup deleted the config, a concurrent instance-type change deregistered the target): a CONFLICT, and
     * re-running is safe.
     */
    private static <T> T applyStep(String endpoint, String step, Supplier<T> call) {
        return atStep("apply", endpoint, () -> step, () -> {
            try {
                return call.get();
            } catch (BackendException e) {
                if (e.reason() == Reason.NOT_FOUND && e.step().isEmpty()) {
                    throw new BackendException(ID, Reason.CONFLICT, e.getMessage().substring(ID.length() + 2)
                            + " (removed meanwhile, e.g. by a concurrent apply or delete of this endpoint)", e.getCause());
                }
                throw e;
            }
        });
    }

    /**
     * Runs {@code call}; a failure becomes {@link BackendException#atStep} naming {@code step}, except a Failed endpoint
     * (re-running does not repair it: delete it and apply again) and a failure that already names its step.
     */
    private static <T> T atStep(String operation, String endpoint, Supplier<String> step, Supplier<T> call) {
        try {
            return call.get();
        } catch (BackendException e) {
            if (e.step().isPresent() || e.reason() == Reason.FAILED) {
                throw e;
            }
            throw BackendException.atStep(operation, endpoint, step.get(), e);
        } catch (RuntimeException e) {
            if (!AwsErrors.isTransportFailure(e)) {
                throw e;
            }
            throw BackendException.atStep(operation, endpoint, step.get(), new BackendException(ID, Reason.UNAVAILABLE,
                    step.get() + " failed in the HTTP client: " + e, e));
        }
    }

    private Object tolerateExisting(String doing, Supplier<?> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            if (AwsErrors.isAlreadyExisting(e)) {
                return null; // content-hashed name: the existing one has this content
            }
            throw AwsErrors.translate(ID, doing, e);
        }
    }

    /**
     * Best effort after a failed update that followed a deregistration: SageMaker keeps (or rolls back to) the old
     * config, so register the old target and put its old policies again rather than leave the endpoint unscaled.
     */
    private void restoreAutoscaling(Live live, BackendException failure) {
        ScalableTarget old = live.target;
        try {
            aas().registerScalableTarget(b -> b.serviceNamespace(ServiceNamespace.SAGEMAKER).resourceId(old.resourceId())
                    .scalableDimension(old.scalableDimension()).minCapacity(old.minCapacity()).maxCapacity(old.maxCapacity())
                    .suspendedState(old.suspendedState()));
            for (ScalingPolicy p : live.policies) {
                aas().putScalingPolicy(b -> b.policyName(p.policyName()).serviceNamespace(ServiceNamespace.SAGEMAKER)
                        .resourceId(p.resourceId()).scalableDimension(p.scalableDimension()).policyType(p.policyType())
                        .targetTrackingScalingPolicyConfiguration(p.targetTrackingScalingPolicyConfiguration())
                        .stepScalingPolicyConfiguration(p.stepScalingPolicyConfiguration()));
            }
        } catch (SdkException e) {
            failure.addSuppressed(AwsErrors.translate(ID, "restoring the scalable target " + old.resourceId() + " after the failed update", e));
        }
    }

    @Override
    public Optional<io.inferscale.api.backend.EndpointStatus> get(String name) {
        EndpointValidator.requireValidName(name);
        return statusOf(name);
    }

    @Override
    public List<io.inferscale.api.backend.EndpointStatus> list() {
        List<io.inferscale.api.backend.EndpointStatus> out = new ArrayList<>();
        List<EndpointSummary> endpoints = call("ListEndpoints", () -> sm().listEndpointsPaginator(b -> b.maxResults(100)).endpoints().stream().toList());
        for (EndpointSummary e : endpoints) {
            List<Tag> tags = call("ListTags " + e.endpointName(), () -> sm().listTags(b -> b.resourceArn(e.endpointArn())).tags());
            if (tags.stream().anyMatch(t -> t.key().equals(SageMakerTranslator.MANAGED_BY_TAG))) {
                statusOf(e.endpointName()).ifPresent(out::add);
            }
        }
        out.sort(Comparator.comparing(io.inferscale.api.backend.EndpointStatus::name));
        return out;
    }

    @Override
    public io.inferscale.api.backend.EndpointStatus awaitReady(String name, Duration timeout) {
        EndpointValidator.requireValidName(name);
        if (describeEndpoint(name).isEmpty()) {
            throw BackendException.notFound(ID, name);
        }
        waitInService(name, timeout);
        return statusOf(name).orElseThrow(() -> BackendException.notFound(ID, name));
    }

    /**
     * Deletes the endpoint, then every endpoint config and model InferScale made for it (also those an interrupted
     * apply left). Calls: DescribeEndpoint; when it exists, DeleteEndpoint and the waiter's DescribeEndpoint polls
     * (SageMaker deregisters the variant's scalable target, and with it the scaling policies, when it deletes the
     * endpoint); ListEndpointConfigs and ListModels; one DeleteEndpointConfig / DeleteModel per name found. A failed
     * call ends in {@link BackendException#atStep}; re-running delete removes whatever is left.
     */
    @Override
    public boolean delete(String name) {
        EndpointValidator.requireValidName(name);
        boolean deleted = false;
        Optional<DescribeEndpointResponse> ep = atStep("delete", name, () -> "DescribeEndpoint " + name, () -> describeEndpoint(name));
        if (ep.isPresent()) {
            EndpointStatus s = ep.get().endpointStatus();
            if (s == EndpointStatus.CREATING || s == EndpointStatus.UPDATING || s == EndpointStatus.SYSTEM_UPDATING || s == EndpointStatus.ROLLING_BACK) {
                try {
                    atStep("delete", name, () -> "wait for endpoint " + name + " to be InService before deleting it", () -> waitInService(name, timeout));
                } catch (BackendException e) {
                    if (e.reason() != Reason.FAILED) {
                        throw e;
                    }
                }
            }
            if (s != EndpointStatus.DELETING) {
                String step = "DeleteEndpoint " + name;
                atStep("delete", name, () -> step, () -> {
                    try {
                        sm().deleteEndpoint(b -> b.endpointName(name));
                    } catch (SdkException e) {
                        // an earlier attempt of this call went through (its answer was lost): the endpoint is deleting or gone
                        if (!AwsErrors.isNotFound(e) && !(AwsErrors.isInProgress(e) && describeEndpoint(name)
                                .map(d -> d.endpointStatus() == EndpointStatus.DELETING).orElse(true))) {
                            throw AwsErrors.translate(ID, step, e);
                        }
                    }
                    return null;
                });
            }
            atStep("delete", name, () -> "wait for endpoint " + name + " to be deleted", () -> {
                waitDeleted(name);
                return null;
            });
            deleted = true;
        }
        for (String c : atStep("delete", name, () -> "ListEndpointConfigs " + SageMakerTranslator.prefix(name, "c"), () -> ownConfigs(name))) {
            String step = "DeleteEndpointConfig " + c;
            atStep("delete", name, () -> step, () -> findOrEmpty(step, () -> sm().deleteEndpointConfig(b -> b.endpointConfigName(c))));
            deleted = true;
        }
        for (String m : atStep("delete", name, () -> "ListModels " + SageMakerTranslator.prefix(name, "m"), () -> ownModels(name))) {
            String step = "DeleteModel " + m;
            atStep("delete", name, () -> step, () -> findOrEmpty(step, () -> sm().deleteModel(b -> b.modelName(m))));
            deleted = true;
        }
        return deleted;
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (sageMaker != null) {
                sageMaker.close();
                sageMaker = null;
            }
            if (autoScaling != null) {
                autoScaling.close();
                autoScaling = null;
            }
        }
    }

    // ---- translation with the role requirement

    private Translation translateOnline(InferenceEndpoint endpoint) {
        ValidationReport report = validate(endpoint);
        Optional<String> role = endpoint.backends().string(ID, SageMakerTranslator.OPTION_EXECUTION_ROLE_ARN)
                .or(() -> config.get(SageMakerTranslator.ROLE_CONFIG_KEY));
        if (role.isEmpty()) {
            report = report.and(ValidationReport.of(Problem.error("spec.backends." + ID + "." + SageMakerTranslator.OPTION_EXECUTION_ROLE_ARN,
                    "SageMaker needs an execution role to pull the image and model data: set --set " + SageMakerTranslator.ROLE_CONFIG_KEY
                            + "=arn:aws:iam::<account>:role/<role> (or the environment variable "
                            + BackendConfig.environmentVariable(SageMakerTranslator.ROLE_CONFIG_KEY) + "), or spec.backends."
                            + ID + "." + SageMakerTranslator.OPTION_EXECUTION_ROLE_ARN)));
        }
        report.throwIfErrors("endpoint '" + endpoint.name() + "' on backend '" + ID + "'");
        return translator.translate(BackendOverrides.apply(endpoint, ID), config.get(SageMakerTranslator.ROLE_CONFIG_KEY).orElse(null));
    }

    // ---- observation (reads only)

    /**
     * What exists of the endpoint. {@code configs}/{@code models} are this endpoint's own config and model names
     * (null when not listed: a fresh apply does not list, its creates accept an existing name of the same content).
     */
    private record Live(DescribeEndpointResponse endpoint, DescribeEndpointConfigResponse config, String variantName,
                        ProductionVariant variant, ScalableTarget target, List<ScalingPolicy> policies,
                        List<String> configs, List<String> models) {
    }

    /**
     * Reads the endpoint: DescribeEndpoint; when it exists, DescribeScalableTargets, DescribeScalingPolicies,
     * ListEndpointConfigs and ListModels, plus DescribeEndpointConfig only when the endpoint runs another config than the
     * spec's (its content hash says everything otherwise). {@code forApply}: wait while the endpoint is changing (never
     * write to a Creating/Updating endpoint) and refuse a Failed one. {@code listWhenMissing}: list configs and models
     * also when the endpoint does not exist (plan shows what a resumed apply will not create again).
     */
    private Live observe(Translation t, boolean forApply, boolean listWhenMissing) {
        String name = t.endpointName();
        DescribeEndpointResponse ep = describeEndpoint(name).orElse(null);
        if (forApply && ep != null) {
            EndpointStatus s = ep.endpointStatus();
            if (s == EndpointStatus.CREATING || s == EndpointStatus.UPDATING || s == EndpointStatus.SYSTEM_UPDATING
                    || s == EndpointStatus.ROLLING_BACK) {
                ep = waitInService(name, timeout);
            } else if (s == EndpointStatus.DELETING) {
                waitDeleted(name);
                ep = null;
            } else if (s == EndpointStatus.FAILED || s == EndpointStatus.UPDATE_ROLLBACK_FAILED) {
                throw new BackendException(ID, Reason.FAILED, "endpoint '" + name + "' is " + s + ": "
                        + Optional.ofNullable(ep.failureReason()).orElse("no reason given") + "; delete it and apply again");
            }
        }
        boolean exists = ep != null && ep.endpointStatus() != EndpointStatus.DELETING;
        if (!exists) {
            List<String> configs = listWhenMissing ? ownConfigs(name) : null;
            List<String> models = listWhenMissing ? ownModels(name) : null;
            return new Live(ep, null, t.variantName(), null, null, List.of(), configs, models);
        }
        DescribeEndpointConfigResponse cfg = null;
        String variantName = t.variantName();
        ProductionVariant variant = null;
        if (!t.endpointConfigName().equals(ep.endpointConfigName())) {
            cfg = describeConfig(ep.endpointConfigName()).orElse(null);
            if (cfg != null && cfg.hasProductionVariants() && !cfg.productionVariants().isEmpty()) {
                variant = cfg.productionVariants().get(0);
                variantName = variant.variantName();
            } else if (ep.hasProductionVariants() && !ep.productionVariants().isEmpty()) {
                variantName = ep.productionVariants().get(0).variantName();
            }
        }
        String resourceId = Translation.resourceId(name, variantName);
        ScalableTarget target = call("DescribeScalableTargets " + resourceId, () -> aas().describeScalableTargets(b -> b
                .serviceNamespace(ServiceNamespace.SAGEMAKER).resourceIds(resourceId)
                .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)).scalableTargets())
                .stream().findFirst().orElse(null);
        List<ScalingPolicy> policies = target == null ? List.of() : policies(resourceId);
        return new Live(ep, cfg, variantName, variant, target, policies, ownConfigs(name), ownModels(name));
    }

    private List<ScalingPolicy> policies(String resourceId) {
        return call("DescribeScalingPolicies " + resourceId, () -> aas().describeScalingPoliciesPaginator(b -> b
                .serviceNamespace(ServiceNamespace.SAGEMAKER).resourceId(resourceId)
                .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)).scalingPolicies().stream().toList());
    }

    private Optional<DescribeEndpointResponse> describeEndpoint(String name) {
        return findOrEmpty("DescribeEndpoint " + name, () -> sm().describeEndpoint(b -> b.endpointName(name)));
    }

    private Optional<DescribeEndpointConfigResponse> describeConfig(String name) {
        return findOrEmpty("DescribeEndpointConfig " + name, () -> sm().describeEndpointConfig(b -> b.endpointConfigName(name)));
    }

    private List<String> ownConfigs(String endpoint) {
        String prefix = SageMakerTranslator.prefix(endpoint, "c");
        return call("ListEndpointConfigs " + prefix, () -> sm().listEndpointConfigsPaginator(b -> b.nameContains(prefix).maxResults(100))
                .endpointConfigs().stream().map(EndpointConfigSummary::endpointConfigName)
                .filter(n -> SageMakerTranslator.isOwnName(endpoint, "c", n)).sorted().toList());
    }

    private List<String> ownModels(String endpoint) {
        String prefix = SageMakerTranslator.prefix(endpoint, "m");
        return call("ListModels " + prefix, () -> sm().listModelsPaginator(b -> b.nameContains(prefix).maxResults(100))
                .models().stream().map(ModelSummary::modelName)
                .filter(n -> SageMakerTranslator.isOwnName(endpoint, "m", n)).sorted().toList());
    }

    // ---- diff

    private static final class Steps {
        final List<Change> changes = new ArrayList<>();
        final List<Note> notes = new ArrayList<>();
        Live live;
        boolean createModel;
        boolean createConfig;
        boolean createEndpoint;
        boolean updateEndpoint;
        boolean retainVariantProperties;
        String deregisterTarget;
        RegisterScalableTargetRequest registerTarget;
        final List<PutScalingPolicyRequest> putPolicies = new ArrayList<>();
        final List<String> deletePolicies = new ArrayList<>();
        final List<String> deleteConfigs = new ArrayList<>();
        final List<String> deleteModels = new ArrayList<>();
        Plan plan;

        Plan plan() {
            return plan;
        }
    }

    private Steps steps(Translation t, Live live) {
        Steps s = new Steps();
        s.live = live;
        s.notes.addAll(t.notes());
        DescribeEndpointResponse ep = live.endpoint;
        if (ep != null && ep.endpointStatus() == EndpointStatus.DELETING) {
            s.notes.add(Note.info("metadata.name", "endpoint '" + t.endpointName() + "' is being deleted: apply waits until it is gone, then creates it"));
            ep = null;
        }
        boolean exists = ep != null;
        String liveConfig = exists ? ep.endpointConfigName() : null;
        boolean configChanges = !exists || !t.endpointConfigName().equals(liveConfig);
        String liveInstanceType = live.variant == null ? null : live.variant.instanceTypeAsString();
        String liveModel = live.variant == null ? null : live.variant.modelName();
        boolean variantRenamed = exists && !live.variantName.equals(t.variantName());
        boolean instanceTypeChanges = exists && liveInstanceType != null && !liveInstanceType.equals(t.instanceType());
        if (exists && (ep.endpointStatus() == EndpointStatus.CREATING || ep.endpointStatus() == EndpointStatus.UPDATING)) {
            s.notes.add(Note.info("metadata.name", "endpoint '" + t.endpointName() + "' is " + ep.endpointStatusAsString()
                    + ": apply waits until it is InService before changing anything"));
        }
        // models and configs are immutable and content-named: create the spec's when they are missing (also when the
        // endpoint already runs the config: another apply's cleanup may have deleted it)
        boolean modelMissing = live.models == null ? !t.modelName().equals(liveModel) : !live.models.contains(t.modelName());
        boolean configMissing = live.configs == null || !live.configs.contains(t.endpointConfigName());
        if (modelMissing) {
            s.createModel = true;
            s.changes.add(new Change(Change.Action.CREATE, "Model", t.modelName(), List.of(
                    new FieldChange("PrimaryContainer.Image", null, t.createModel().primaryContainer().image())),
                    exists && configChanges ? "models are immutable: the content changed, so a new model with a new content hash" : ""));
        }
        if (configMissing) {
            s.createConfig = true;
            ProductionVariant v = t.createEndpointConfig().productionVariants().get(0);
            s.changes.add(new Change(Change.Action.CREATE, "EndpointConfig", t.endpointConfigName(), List.of(
                    new FieldChange("ProductionVariants[0].InstanceType", null, v.instanceTypeAsString()),
                    new FieldChange("ProductionVariants[0].InitialInstanceCount", null, String.valueOf(v.initialInstanceCount())),
                    new FieldChange("ProductionVariants[0].ModelName", null, v.modelName())),
                    exists && configChanges ? "endpoint configs are immutable: a new config replaces " + liveConfig : ""));
        }
        if (configChanges) {
            if (!exists) {
                s.createEndpoint = true;
                s.changes.add(Change.create("Endpoint", t.endpointName()));
            } else {
                s.updateEndpoint = true;
                s.retainVariantProperties = !variantRenamed;
                List<FieldChange> fields = new ArrayList<>();
                fields.add(new FieldChange("EndpointConfigName", liveConfig, t.endpointConfigName()));
                if (instanceTypeChanges) {
                    fields.add(new FieldChange("ProductionVariants[0].InstanceType", liveInstanceType, t.instanceType()));
                }
                if (!Objects.equals(liveModel, t.modelName())) {
                    fields.add(new FieldChange("ProductionVariants[0].ModelName", liveModel, t.modelName()));
                }
                if (variantRenamed) {
                    fields.add(new FieldChange("ProductionVariants[0].VariantName", live.variantName, t.variantName()));
                }
                s.changes.add(Change.update("Endpoint", t.endpointName(), fields));
                if (s.retainVariantProperties) {
                    s.notes.add(Note.info("spec.autoscaling.minReplicas", "UpdateEndpoint with RetainAllVariantProperties=true keeps the instance count "
                            + "autoscaling chose; the scalable target's MinCapacity/MaxCapacity bound it"));
                }
            }
        }
        // scalable target
        RegisterScalableTargetRequest want = t.registerScalableTarget();
        ScalableTarget target = live.target;
        boolean targetReplaced = target != null && (instanceTypeChanges || variantRenamed) && configChanges;
        if (targetReplaced) {
            s.deregisterTarget = target.resourceId();
            s.registerTarget = want;
            s.changes.add(new Change(Change.Action.REPLACE, "ScalableTarget", want.resourceId(), targetFields(target, want),
                    "AWS rejects an instance-type change on an autoscaled variant: deregister the target (which deletes its policies), "
                            + "update the endpoint, then register it and put the policies again"));
        } else if (target == null) {
            s.registerTarget = want;
            s.changes.add(new Change(Change.Action.CREATE, "ScalableTarget", want.resourceId(), targetFields(null, want), ""));
        } else {
            List<FieldChange> f = targetFields(target, want);
            if (!f.isEmpty()) {
                boolean liveSuspended = target.suspendedState() != null && Boolean.TRUE.equals(target.suspendedState().dynamicScalingOutSuspended());
                RegisterScalableTargetRequest r = want;
                if (liveSuspended && want.suspendedState() == null) {
                    r = want.toBuilder().suspendedState(SuspendedState.builder().dynamicScalingOutSuspended(false).build()).build();
                }
                s.registerTarget = r;
                s.changes.add(Change.update("ScalableTarget", want.resourceId(), f));
            }
        }
        // policies
        List<ScalingPolicy> livePolicies = targetReplaced ? List.of() : live.policies;
        for (PutScalingPolicyRequest p : t.scalingPolicies()) {
            Optional<ScalingPolicy> lp = livePolicies.stream().filter(x -> x.policyName().equals(p.policyName())).findFirst();
            String wantValue = String.valueOf(p.targetTrackingScalingPolicyConfiguration().targetValue());
            if (lp.isEmpty()) {
                s.putPolicies.add(p);
                s.changes.add(new Change(Change.Action.CREATE, "ScalingPolicy", p.policyName(),
                        List.of(new FieldChange("TargetTrackingScalingPolicyConfiguration.TargetValue", null, wantValue)), ""));
            } else if (!samePolicy(lp.get(), p)) {
                s.putPolicies.add(p);
                s.changes.add(Change.update("ScalingPolicy", p.policyName(), policyFields(lp.get(), p)));
            }
        }
        for (ScalingPolicy lp : livePolicies) {
            if (t.scalingPolicies().stream().noneMatch(p -> p.policyName().equals(lp.policyName())) && lp.policyName().startsWith("inferscale-")) {
                s.deletePolicies.add(lp.policyName());
                s.changes.add(Change.delete("ScalingPolicy", lp.policyName()));
            }
        }
        // cleanup of configs and models no longer in use (after the update), also those an interrupted apply left
        if (exists && live.configs != null) {
            for (String c : live.configs) {
                if (!c.equals(t.endpointConfigName())) {
                    s.deleteConfigs.add(c);
                    s.changes.add(new Change(Change.Action.DELETE, "EndpointConfig", c, List.of(), "no longer used by the endpoint"));
                }
            }
        }
        if (exists && live.models != null) {
            for (String m : live.models) {
                if (!m.equals(t.modelName())) {
                    s.deleteModels.add(m);
                    s.changes.add(new Change(Change.Action.DELETE, "Model", m, List.of(), "no longer used by the endpoint"));
                }
            }
        }
        s.plan = new Plan(t.endpointName(), ID, s.changes, s.notes);
        return s;
    }

    private static List<FieldChange> targetFields(ScalableTarget live, RegisterScalableTargetRequest want) {
        List<FieldChange> f = new ArrayList<>();
        Integer liveMin = live == null ? null : live.minCapacity();
        Integer liveMax = live == null ? null : live.maxCapacity();
        if (!Objects.equals(liveMin, want.minCapacity())) {
            f.add(new FieldChange("MinCapacity", str(liveMin), str(want.minCapacity())));
        }
        if (!Objects.equals(liveMax, want.maxCapacity())) {
            f.add(new FieldChange("MaxCapacity", str(liveMax), str(want.maxCapacity())));
        }
        boolean liveSuspended = live != null && live.suspendedState() != null && Boolean.TRUE.equals(live.suspendedState().dynamicScalingOutSuspended());
        boolean wantSuspended = want.suspendedState() != null && Boolean.TRUE.equals(want.suspendedState().dynamicScalingOutSuspended());
        if (liveSuspended != wantSuspended && (live != null || wantSuspended)) {
            f.add(new FieldChange("SuspendedState.DynamicScalingOutSuspended", live == null ? null : String.valueOf(liveSuspended), String.valueOf(wantSuspended)));
        }
        return f;
    }

    private static boolean samePolicy(ScalingPolicy live, PutScalingPolicyRequest want) {
        return live.policyType() == want.policyType() && live.targetTrackingScalingPolicyConfiguration() != null
                && policyFields(live, want).isEmpty();
    }

    /** AWS's defaults filled in, so a live policy that omits a default value still equals the desired one. */
    private static java.util.Map<String, Object> withDefaults(java.util.Map<String, Object> config) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>(config);
        m.putIfAbsent("DisableScaleIn", false);
        m.putIfAbsent("ScaleOutCooldown", SageMakerTranslator.AWS_DEFAULT_COOLDOWN_SECONDS);
        m.putIfAbsent("ScaleInCooldown", SageMakerTranslator.AWS_DEFAULT_COOLDOWN_SECONDS);
        return m;
    }

    private static List<FieldChange> policyFields(ScalingPolicy live, PutScalingPolicyRequest want) {
        var l = live.targetTrackingScalingPolicyConfiguration() == null ? java.util.Map.<String, Object>of()
                : withDefaults(RequestTree.of(live.targetTrackingScalingPolicyConfiguration()));
        var w = withDefaults(RequestTree.of(want.targetTrackingScalingPolicyConfiguration()));
        return FieldChanges.diff(java.util.Map.of("TargetTrackingScalingPolicyConfiguration", l),
                java.util.Map.of("TargetTrackingScalingPolicyConfiguration", w));
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    // ---- status

    /** The full status (get, status, list, awaitReady): six reads, scaling activities included. */
    private Optional<io.inferscale.api.backend.EndpointStatus> statusOf(String name) {
        Optional<DescribeEndpointResponse> found = describeEndpoint(name);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        DescribeEndpointResponse ep = found.get();
        ProductionVariantSummary v = ep.hasProductionVariants() && !ep.productionVariants().isEmpty() ? ep.productionVariants().get(0) : null;
        String variantName = v == null ? SageMakerTranslator.DEFAULT_VARIANT_NAME : v.variantName();
        Optional<DescribeEndpointConfigResponse> cfg = describeConfig(ep.endpointConfigName());
        Optional<ProductionVariant> liveVariant = cfg.filter(DescribeEndpointConfigResponse::hasProductionVariants)
                .flatMap(c -> c.productionVariants().stream().filter(pv -> pv.variantName().equals(variantName)).findFirst());
        // the model reference is a tag of the (immutable) endpoint config, so it always names the model the config runs
        String modelRef = cfg.map(c -> call("ListTags " + c.endpointConfigName(), () -> sm().listTags(r -> r.resourceArn(c.endpointConfigArn())).tags())
                .stream().filter(t -> t.key().equals(SageMakerTranslator.MODEL_TAG)).map(Tag::value).findFirst().orElse(null)).orElse(null);
        String resourceId = Translation.resourceId(name, variantName);
        ScalableTarget target = call("DescribeScalableTargets " + resourceId, () -> aas().describeScalableTargets(r -> r.serviceNamespace(ServiceNamespace.SAGEMAKER)
                .resourceIds(resourceId).scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)).scalableTargets())
                .stream().findFirst().orElse(null);
        List<ScalingPolicy> policies = policies(resourceId);
        List<ScalingActivity> activities = call("DescribeScalingActivities " + resourceId, () -> aas().describeScalingActivities(r -> r
                .serviceNamespace(ServiceNamespace.SAGEMAKER).resourceId(resourceId)
                .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT).maxResults(5)).scalingActivities());
        return Optional.of(status(ep, variantName, liveVariant.map(ProductionVariant::instanceTypeAsString).orElse(null),
                liveVariant.map(ProductionVariant::modelName).orElse(null), modelRef, target, policies, activities));
    }

    /**
     * The status apply returns, from the reads of its last (verification) round and the spec they matched: no further
     * call. It carries no scaling activities; {@link #status} reads them.
     */
    private static io.inferscale.api.backend.EndpointStatus statusOf(Translation t, Live live) {
        String modelRef = t.createModel().tags().stream().filter(tag -> tag.key().equals(SageMakerTranslator.MODEL_TAG))
                .map(Tag::value).findFirst().orElse(null);
        return status(live.endpoint, t.variantName(), t.instanceType(), t.modelName(), modelRef, live.target, live.policies, List.of());
    }

    private static io.inferscale.api.backend.EndpointStatus status(DescribeEndpointResponse ep, String variantName, String instanceType,
                                                                   String modelName, String modelRef, ScalableTarget target,
                                                                   List<ScalingPolicy> policies, List<ScalingActivity> activities) {
        io.inferscale.api.backend.EndpointStatus.Builder b = io.inferscale.api.backend.EndpointStatus.builder(ep.endpointName(), ID);
        ProductionVariantSummary v = ep.hasProductionVariants() && !ep.productionVariants().isEmpty() ? ep.productionVariants().get(0) : null;
        int current = v == null || v.currentInstanceCount() == null ? 0 : v.currentInstanceCount();
        int desired = v == null || v.desiredInstanceCount() == null ? 0 : v.desiredInstanceCount();
        b.state(state(ep.endpointStatus(), current, desired)).replicas(current, desired).createdAt(ep.creationTime())
                .message(ep.failureReason());
        b.detail("endpointArn", ep.endpointArn()).detail("endpointStatus", ep.endpointStatusAsString())
                .detail("endpointConfigName", ep.endpointConfigName());
        b.detail("variantName", variantName);
        if (instanceType != null) {
            b.detail("instanceType", instanceType);
        }
        if (modelName != null) {
            b.detail("modelName", modelName);
        }
        if (modelRef != null) {
            b.model(modelRef);
        }
        Optional<InstanceCatalogue.InstanceType> instance = Optional.ofNullable(instanceType).flatMap(InstanceCatalogue::find);
        if (target != null) {
            b.replicaRange(target.minCapacity(), target.maxCapacity());
        }
        for (ScalingPolicy p : policies) {
            var c = p.targetTrackingScalingPolicyConfiguration();
            if (c == null) {
                continue;
            }
            String metric = c.predefinedMetricSpecification() != null ? c.predefinedMetricSpecification().predefinedMetricTypeAsString()
                    : c.customizedMetricSpecification() != null ? c.customizedMetricSpecification().metricName() : p.policyName();
            b.metric(new MetricStatus(metric, null, neutralTarget(metric, c.targetValue(), instance)));
            b.detail("policy." + p.policyName() + ".TargetValue", plain(c.targetValue()));
        }
        for (ScalingActivity a : activities) {
            String status = switch (a.statusCodeAsString() == null ? "" : a.statusCodeAsString()) {
                case "Successful" -> "True";
                case "Failed", "Unfulfilled", "Overridden" -> "False";
                default -> "Unknown";
            };
            b.condition(new Condition("ScalingActivity", status, Objects.toString(a.statusCodeAsString(), ""), Objects.toString(a.description(), "")));
        }
        if (!activities.isEmpty()) {
            b.detail("lastScalingActivity", Objects.toString(activities.get(0).description(), ""));
        }
        return b.build();
    }

    /**
     * The target in neutral units where the conversion is known, else the native value. CPUUtilization (a sum over
     * cores, percent × requests.cpu as rendered) becomes the threshold in cores, {@code 0.3 cores} for 30: the CPU
     * request it is a percentage of is not part of the deployed state.
     */
    static String neutralTarget(String metric, Double value, Optional<InstanceCatalogue.InstanceType> instance) {
        if (value == null) {
            return "";
        }
        java.math.BigDecimal v = java.math.BigDecimal.valueOf(value);
        java.math.MathContext mc = java.math.MathContext.DECIMAL64;
        return switch (metric) {
            case "CPUUtilization" -> plain(v.movePointLeft(2).doubleValue()) + " cores";
            case "GPUUtilization" -> instance.filter(t -> t.gpuCount() > 0)
                    .map(t -> plain(v.divide(java.math.BigDecimal.valueOf(t.gpuCount()), mc).doubleValue()) + "%").orElse(plain(value));
            case "MemoryUtilization" -> plain(value) + "%";
            case "SageMakerVariantInvocationsPerInstance" -> plain(v.divide(java.math.BigDecimal.valueOf(60), mc).doubleValue()) + " rps";
            case "SageMakerVariantConcurrentRequestsPerModelHighResolution" -> plain(value) + " concurrent";
            default -> plain(value);
        };
    }

    private static String plain(Double d) {
        if (d == null) {
            return "";
        }
        return d == Math.rint(d) ? Long.toString(d.longValue()) : d.toString();
    }

    static EndpointState state(EndpointStatus s, int current, int desired) {
        if (s == null) {
            return EndpointState.UNKNOWN;
        }
        return switch (s) {
            case CREATING -> EndpointState.CREATING;
            case UPDATING, SYSTEM_UPDATING, ROLLING_BACK -> EndpointState.UPDATING;
            case IN_SERVICE -> current < desired ? EndpointState.DEGRADED : EndpointState.READY;
            case OUT_OF_SERVICE -> EndpointState.DEGRADED;
            case DELETING -> EndpointState.DELETING;
            case FAILED, UPDATE_ROLLBACK_FAILED -> EndpointState.FAILED;
            default -> EndpointState.UNKNOWN;
        };
    }

    // ---- waiting

    private WaiterOverrideConfiguration waiterConfig(Duration limit) {
        long attempts = Math.max(1, limit.toMillis() / Math.max(1, pollInterval.toMillis()) + 1);
        return WaiterOverrideConfiguration.builder().backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(pollInterval))
                .maxAttempts((int) Math.min(Integer.MAX_VALUE, attempts)).waitTimeout(limit).build();
    }

    /**
     * Waits with the SDK waiter (fixed delay {@code sagemaker.pollInterval}); returns the InService description the
     * waiter saw last, so no further DescribeEndpoint is needed. A poll that fails after the SDK's retries (the waiter
     * stops at an error it has no acceptor for) is followed by one DescribeEndpoint: still changing and time left → wait on.
     */
    private DescribeEndpointResponse waitInService(String name, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
            try (SageMakerWaiter waiter = SageMakerWaiter.builder().client(sm()).overrideConfiguration(waiterConfig(left)).build()) {
                WaiterResponse<DescribeEndpointResponse> r = waiter.waitUntilEndpointInService(b -> b.endpointName(name));
                Optional<DescribeEndpointResponse> ok = r.matched().response();
                if (ok.isPresent() && ok.get().endpointStatus() == EndpointStatus.IN_SERVICE) {
                    return ok.get();
                }
            } catch (SdkException e) {
                // a failure state, the time limit or a failed poll: find out which below
            }
            DescribeEndpointResponse now = describeEndpoint(name).orElseThrow(() -> BackendException.notFound(ID, name));
            EndpointStatus s = now.endpointStatus();
            if (s == EndpointStatus.IN_SERVICE) {
                return now;
            }
            if (s == EndpointStatus.FAILED || s == EndpointStatus.UPDATE_ROLLBACK_FAILED) {
                throw new BackendException(ID, Reason.FAILED, "endpoint '" + name + "' is " + now.endpointStatusAsString() + ": "
                        + Optional.ofNullable(now.failureReason()).orElse("no reason given"));
            }
            if (System.nanoTime() >= deadline || s == EndpointStatus.DELETING || s == EndpointStatus.OUT_OF_SERVICE) {
                throw new BackendException(ID, Reason.TIMEOUT, "endpoint '" + name + "' is still " + now.endpointStatusAsString()
                        + " after " + limit + " (set " + SageMakerBackendProvider.TIMEOUT + " to wait longer)");
            }
        }
    }

    /** Waits until DescribeEndpoint says the endpoint does not exist (the waiter's success); as {@link #waitInService} on errors. */
    private void waitDeleted(String name) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
            try (SageMakerWaiter waiter = SageMakerWaiter.builder().client(sm()).overrideConfiguration(waiterConfig(left)).build()) {
                WaiterResponse<DescribeEndpointResponse> r = waiter.waitUntilEndpointDeleted(b -> b.endpointName(name));
                if (r.matched().exception().isPresent()) {
                    return; // the ValidationException "Could not find endpoint" the waiter waits for
                }
            } catch (SdkException e) {
                // checked below
            }
            Optional<DescribeEndpointResponse> now = describeEndpoint(name);
            if (now.isEmpty()) {
                return;
            }
            if (now.get().endpointStatus() == EndpointStatus.FAILED) {
                throw new BackendException(ID, Reason.FAILED, "deleting endpoint '" + name + "' failed: "
                        + Optional.ofNullable(now.get().failureReason()).orElse("no reason given"));
            }
            if (System.nanoTime() >= deadline || now.get().endpointStatus() != EndpointStatus.DELETING) {
                throw new BackendException(ID, Reason.TIMEOUT, "endpoint '" + name + "' is still " + now.get().endpointStatusAsString()
                        + " after " + timeout);
            }
        }
    }

    private void deregister(String resourceId) {
        ignoreNotFound("DeregisterScalableTarget " + resourceId, () -> aas().deregisterScalableTarget(b -> b
                .serviceNamespace(ServiceNamespace.SAGEMAKER).resourceId(resourceId)
                .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)));
    }

    // ---- calls and clients

    private <T> T call(String doing, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw AwsErrors.translate(ID, doing, e);
        }
    }

    private <T> Optional<T> findOrEmpty(String doing, Supplier<T> call) {
        try {
            return Optional.of(call.get());
        } catch (SdkException e) {
            if (AwsErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw AwsErrors.translate(ID, doing, e);
        }
    }

    private void ignoreNotFound(String doing, Supplier<?> call) {
        findOrEmpty(doing, call);
    }

    private SageMakerClient sm() {
        SageMakerClient c = sageMaker;
        if (c == null) {
            synchronized (lock) {
                if (sageMaker == null) {
                    sageMaker = configured(SageMakerClient.builder(), config.get(SageMakerBackendProvider.ENDPOINT_OVERRIDE)).build();
                    clientsBuilt.incrementAndGet();
                }
                c = sageMaker;
            }
        }
        return c;
    }

    private ApplicationAutoScalingClient aas() {
        ApplicationAutoScalingClient c = autoScaling;
        if (c == null) {
            synchronized (lock) {
                if (autoScaling == null) {
                    autoScaling = configured(ApplicationAutoScalingClient.builder(), config.get(SageMakerBackendProvider.AUTOSCALING_ENDPOINT_OVERRIDE)
                            .or(() -> config.get(SageMakerBackendProvider.ENDPOINT_OVERRIDE))).build();
                    clientsBuilt.incrementAndGet();
                }
                c = autoScaling;
            }
        }
        return c;
    }

    /** Region, credentials, HTTP client, retries, interceptors and endpoint override: the same for both clients. */
    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configured(B b, Optional<String> endpointOverride) {
        b.region(region()).credentialsProvider(credentials()).httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> {
                    o.retryStrategy(r -> {
                        r.maxAttempts(maxAttempts);
                        if (retryBackoff != null) {
                            r.backoffStrategy(retryBackoff).throttlingBackoffStrategy(retryBackoff);
                        }
                    });
                    if (attemptTimeout != null) {
                        o.apiCallAttemptTimeout(attemptTimeout);
                    }
                    interceptors.forEach(o::addExecutionInterceptor);
                });
        endpointOverride.ifPresent(u -> b.endpointOverride(URI.create(u)));
        return b;
    }

    private AwsCredentialsProvider credentials() {
        if (credentials != null) {
            return credentials;
        }
        return config.get(SageMakerBackendProvider.PROFILE).<AwsCredentialsProvider>map(p -> ProfileCredentialsProvider.builder().profileName(p).build())
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    }

    private Region region() {
        Optional<String> r = config.get(SageMakerBackendProvider.REGION);
        if (r.isPresent()) {
            return Region.of(r.get());
        }
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (SdkException e) {
            throw new ConfigurationException("no AWS region: set --set " + SageMakerBackendProvider.REGION + "=us-east-1, the environment variable "
                    + BackendConfig.environmentVariable(SageMakerBackendProvider.REGION) + " or AWS_REGION");
        }
    }

    /** The known {@code sagemaker.*} keys set (none of them is a credential); other keys of the configuration are not printed. */
    @Override
    public String toString() {
        java.util.Map<String, String> shown = new java.util.TreeMap<>();
        for (io.inferscale.api.backend.ConfigKey k : SageMakerBackendProvider.CONFIG_KEYS) {
            config.get(k.name()).ifPresent(v -> shown.put(k.name(), BackendConfig.isSecret(k.name()) ? "****" : v));
        }
        return "SageMakerBackend" + shown;
    }
}
