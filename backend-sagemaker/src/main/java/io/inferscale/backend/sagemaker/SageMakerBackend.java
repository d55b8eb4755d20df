package io.inferscale.backend.sagemaker;

import io.inferscale.api.BackendException;
import io.inferscale.api.BackendException.Reason;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Backend;
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
 * Throttling and 5xx answers are retried by the SDK's retry strategy ({@code sagemaker.maxAttempts}).
 *
 * <p>Clients are created on first use, with credentials from the SDK's default provider chain (or the
 * {@code sagemaker.profile} profile); credentials are never logged or put in messages.
 */
public final class SageMakerBackend implements Backend {

    private static final String ID = SageMakerTranslator.ID;
    /** us-east-1, eu-central-2, us-gov-west-1, cn-north-1, us-isob-east-1: letters, dash-separated, a number last. */
    private static final java.util.regex.Pattern AWS_REGION = java.util.regex.Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

    private final BackendConfig config;
    private final AwsCredentialsProvider credentials;
    private final List<ExecutionInterceptor> interceptors;
    private final SageMakerTranslator translator = new SageMakerTranslator();
    private final Duration pollInterval;
    private final Duration timeout;
    private final int maxAttempts;
    private final Object lock = new Object();
    private volatile SageMakerClient sageMaker;
    private volatile ApplicationAutoScalingClient autoScaling;

    private SageMakerBackend(BackendConfig config, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors) {
        this.config = Objects.requireNonNull(config, "config");
        this.interceptors = List.copyOf(interceptors);
        config.requireKnownKeys(ID + ".", SageMakerBackendProvider.CONFIG_KEYS);
        this.credentials = credentials;
        this.pollInterval = config.getDuration(SageMakerBackendProvider.POLL_INTERVAL, Duration.ofSeconds(30));
        this.timeout = config.getDuration(SageMakerBackendProvider.TIMEOUT, Duration.ofMinutes(60));
        this.maxAttempts = config.getInt(SageMakerBackendProvider.MAX_ATTEMPTS, 3);
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
        return new SageMakerBackend(config, null, List.of());
    }

    /**
     * A backend with explicit credentials (tests, or platforms that manage credentials themselves).
     *
     * @param config      the {@code sagemaker.*} configuration
     * @param credentials the credentials provider; never printed
     */
    public static SageMakerBackend create(BackendConfig config, AwsCredentialsProvider credentials) {
        return new SageMakerBackend(config, Objects.requireNonNull(credentials, "credentials"), List.of());
    }

    /** For tests: explicit credentials (null: the default chain) and SDK interceptors (e.g. counting write calls). */
    static SageMakerBackend create(BackendConfig config, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors) {
        return new SageMakerBackend(config, credentials, interceptors);
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
        return base.and(translator.validate(endpoint));
    }

    /** Offline: the requests for a fresh account as a JSON array; needs no credentials and no execution role. */
    @Override
    public Rendering render(InferenceEndpoint endpoint) {
        requireValid(endpoint);
        Translation t = translator.translate(endpoint, config.get(SageMakerTranslator.ROLE_CONFIG_KEY).orElse(null));
        return new Rendering(ID, "json", t.toJson(), t.notes());
    }

    @Override
    public Plan plan(InferenceEndpoint endpoint) {
        Translation t = translateOnline(endpoint);
        Live live = observe(t.endpointName(), t.variantName());
        return steps(t, live).plan();
    }

    @Override
    public ApplyResult apply(InferenceEndpoint endpoint) {
        Translation t = translateOnline(endpoint);
        Live live = observe(t.endpointName(), t.variantName());
        if (live.endpoint != null) {
            EndpointStatus s = live.endpoint.endpointStatus();
            if (s == EndpointStatus.CREATING || s == EndpointStatus.UPDATING || s == EndpointStatus.SYSTEM_UPDATING
                    || s == EndpointStatus.ROLLING_BACK) {
                waitInService(t.endpointName(), timeout);
                live = observe(t.endpointName(), t.variantName());
            } else if (s == EndpointStatus.DELETING) {
                waitDeleted(t.endpointName());
                live = observe(t.endpointName(), t.variantName());
            } else if (s == EndpointStatus.FAILED || s == EndpointStatus.UPDATE_ROLLBACK_FAILED) {
                throw new BackendException(ID, Reason.FAILED, "endpoint '" + t.endpointName() + "' is " + s + ": "
                        + Optional.ofNullable(live.endpoint.failureReason()).orElse("no reason given")
                        + "; delete it and apply again");
            }
        }
        Steps steps = steps(t, live);
        if (steps.plan().isEmpty()) {
            return new ApplyResult(steps.plan(), statusOf(t.endpointName()).orElseThrow(() -> BackendException.notFound(ID, t.endpointName())));
        }
        String name = t.endpointName();
        if (steps.createModel) {
            // AWS echoes invalid values in its messages: keep the environment's values (possible secrets) out of them.
            try {
                sm().createModel(t.createModel());
            } catch (SdkException e) {
                throw AwsErrors.translate(ID, "CreateModel " + t.modelName(), e, t.createModel().primaryContainer().environment().values());
            }
        }
        if (steps.createConfig) {
            call("CreateEndpointConfig " + t.endpointConfigName(), () -> sm().createEndpointConfig(t.createEndpointConfig()));
        }
        if (steps.createEndpoint) {
            call("CreateEndpoint " + name, () -> sm().createEndpoint(t.createEndpoint()));
            waitInService(name, timeout);
        } else if (steps.updateEndpoint) {
            if (steps.deregisterTarget != null) {
                deregister(steps.deregisterTarget);
            }
            try {
                call("UpdateEndpoint " + name, () -> sm().updateEndpoint(b -> b.endpointName(name).endpointConfigName(t.endpointConfigName())
                        .retainAllVariantProperties(steps.retainVariantProperties)));
                call("AddTags " + name, () -> sm().addTags(b -> b.resourceArn(live0(steps).endpointArn())
                        .tags(t.createEndpoint().tags().stream().filter(tag -> tag.key().equals(SageMakerTranslator.MODEL_TAG)).toList())));
                waitInService(name, timeout);
            } catch (BackendException e) {
                if (steps.deregisterTarget != null) {
                    restoreAutoscaling(steps.live, e);
                }
                throw e;
            }
        }
        if (steps.registerTarget != null) {
            RegisterScalableTargetRequest r = steps.registerTarget;
            call("RegisterScalableTarget " + r.resourceId(), () -> aas().registerScalableTarget(r));
        }
        for (PutScalingPolicyRequest p : steps.putPolicies) {
            call("PutScalingPolicy " + p.policyName(), () -> aas().putScalingPolicy(p));
        }
        for (String policy : steps.deletePolicies) {
            call("DeleteScalingPolicy " + policy, () -> aas().deleteScalingPolicy(b -> b.policyName(policy).serviceNamespace(ServiceNamespace.SAGEMAKER)
                    .resourceId(t.resourceId()).scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)));
        }
        for (String c : steps.deleteConfigs) {
            ignoreNotFound("DeleteEndpointConfig " + c, () -> sm().deleteEndpointConfig(b -> b.endpointConfigName(c)));
        }
        for (String m : steps.deleteModels) {
            ignoreNotFound("DeleteModel " + m, () -> sm().deleteModel(b -> b.modelName(m)));
        }
        return new ApplyResult(steps.plan(), statusOf(name).orElseThrow(() -> BackendException.notFound(ID, name)));
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

    private static DescribeEndpointResponse live0(Steps s) {
        return s.live.endpoint;
    }

    @Override
    public Optional<io.inferscale.api.backend.EndpointStatus> get(String name) {
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
        if (describeEndpoint(name).isEmpty()) {
            throw BackendException.notFound(ID, name);
        }
        waitInService(name, timeout);
        return statusOf(name).orElseThrow(() -> BackendException.notFound(ID, name));
    }

    @Override
    public boolean delete(String name) {
        boolean deleted = false;
        String prefix = "endpoint/" + name + "/variant/";
        List<ScalableTarget> targets = call("DescribeScalableTargets", () -> aas().describeScalableTargetsPaginator(b -> b
                .serviceNamespace(ServiceNamespace.SAGEMAKER)).scalableTargets().stream()
                .filter(t -> t.resourceId().startsWith(prefix) && t.scalableDimension() == ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)
                .toList());
        for (ScalableTarget target : targets) {
            for (ScalingPolicy p : policies(target.resourceId())) {
                ignoreNotFound("DeleteScalingPolicy " + p.policyName(), () -> aas().deleteScalingPolicy(b -> b.policyName(p.policyName())
                        .serviceNamespace(ServiceNamespace.SAGEMAKER).resourceId(p.resourceId()).scalableDimension(p.scalableDimension())));
            }
            deregister(target.resourceId());
            deleted = true;
        }
        Optional<DescribeEndpointResponse> ep = describeEndpoint(name);
        if (ep.isPresent()) {
            EndpointStatus s = ep.get().endpointStatus();
            if (s == EndpointStatus.CREATING || s == EndpointStatus.UPDATING || s == EndpointStatus.SYSTEM_UPDATING || s == EndpointStatus.ROLLING_BACK) {
                try {
                    waitInService(name, timeout);
                } catch (BackendException e) {
                    if (e.reason() != Reason.FAILED) {
                        throw e;
                    }
                }
            }
            if (s != EndpointStatus.DELETING) {
                ignoreNotFound("DeleteEndpoint " + name, () -> sm().deleteEndpoint(b -> b.endpointName(name)));
            }
            waitDeleted(name);
            deleted = true;
        }
        for (String c : ownConfigs(name)) {
            ignoreNotFound("DeleteEndpointConfig " + c, () -> sm().deleteEndpointConfig(b -> b.endpointConfigName(c)));
            deleted = true;
        }
        for (String m : ownModels(name)) {
            ignoreNotFound("DeleteModel " + m, () -> sm().deleteModel(b -> b.modelName(m)));
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
        return translator.translate(endpoint, config.get(SageMakerTranslator.ROLE_CONFIG_KEY).orElse(null));
    }

    // ---- observation (reads only)

    private record Live(DescribeEndpointResponse endpoint, DescribeEndpointConfigResponse config, String variantName,
                        ProductionVariant variant, ScalableTarget target, List<ScalingPolicy> policies) {
    }

    private Live observe(String name, String desiredVariant) {
        DescribeEndpointResponse ep = describeEndpoint(name).orElse(null);
        DescribeEndpointConfigResponse cfg = ep == null ? null : describeConfig(ep.endpointConfigName()).orElse(null);
        String variantName = desiredVariant;
        ProductionVariant variant = null;
        if (cfg != null && cfg.hasProductionVariants() && !cfg.productionVariants().isEmpty()) {
            variant = cfg.productionVariants().get(0);
            variantName = variant.variantName();
        } else if (ep != null && ep.hasProductionVariants() && !ep.productionVariants().isEmpty()) {
            variantName = ep.productionVariants().get(0).variantName();
        }
        String resourceId = Translation.resourceId(name, variantName);
        ScalableTarget target = call("DescribeScalableTargets " + resourceId, () -> aas().describeScalableTargets(b -> b
                .serviceNamespace(ServiceNamespace.SAGEMAKER).resourceIds(resourceId)
                .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)).scalableTargets())
                .stream().findFirst().orElse(null);
        List<ScalingPolicy> policies = target == null ? List.of() : policies(resourceId);
        return new Live(ep, cfg, variantName, variant, target, policies);
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

    private boolean modelExists(String name) {
        return findOrEmpty("DescribeModel " + name, () -> sm().describeModel(b -> b.modelName(name))).isPresent();
    }

    private List<String> ownConfigs(String endpoint) {
        String prefix = SageMakerTranslator.prefix(endpoint, "c");
        return call("ListEndpointConfigs", () -> sm().listEndpointConfigsPaginator(b -> b.nameContains(prefix).maxResults(100))
                .endpointConfigs().stream().map(EndpointConfigSummary::endpointConfigName)
                .filter(n -> SageMakerTranslator.isOwnName(endpoint, "c", n)).sorted().toList());
    }

    private List<String> ownModels(String endpoint) {
        String prefix = SageMakerTranslator.prefix(endpoint, "m");
        return call("ListModels", () -> sm().listModelsPaginator(b -> b.nameContains(prefix).maxResults(100))
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
        if (configChanges) {
            if (!t.modelName().equals(liveModel) && !modelExists(t.modelName())) {
                s.createModel = true;
                s.changes.add(new Change(Change.Action.CREATE, "Model", t.modelName(), List.of(
                        new FieldChange("PrimaryContainer.Image", null, t.createModel().primaryContainer().image())),
                        exists ? "models are immutable: the content changed, so a new model with a new content hash" : ""));
            }
            if (describeConfig(t.endpointConfigName()).isEmpty()) {
                s.createConfig = true;
                ProductionVariant v = t.createEndpointConfig().productionVariants().get(0);
                s.changes.add(new Change(Change.Action.CREATE, "EndpointConfig", t.endpointConfigName(), List.of(
                        new FieldChange("ProductionVariants[0].InstanceType", null, v.instanceTypeAsString()),
                        new FieldChange("ProductionVariants[0].InitialInstanceCount", null, String.valueOf(v.initialInstanceCount())),
                        new FieldChange("ProductionVariants[0].ModelName", null, v.modelName())),
                        exists ? "endpoint configs are immutable: a new config replaces " + liveConfig : ""));
            }
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
        // cleanup of configs and models no longer in use (after the update)
        if (exists) {
            for (String c : ownConfigs(t.endpointName())) {
                if (!c.equals(t.endpointConfigName()) && (configChanges || !c.equals(liveConfig))) {
                    s.deleteConfigs.add(c);
                    s.changes.add(new Change(Change.Action.DELETE, "EndpointConfig", c, List.of(), "no longer used by the endpoint"));
                }
            }
            for (String m : ownModels(t.endpointName())) {
                if (!m.equals(t.modelName()) && (configChanges || !m.equals(liveModel))) {
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

    private Optional<io.inferscale.api.backend.EndpointStatus> statusOf(String name) {
        Optional<DescribeEndpointResponse> found = describeEndpoint(name);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        DescribeEndpointResponse ep = found.get();
        io.inferscale.api.backend.EndpointStatus.Builder b = io.inferscale.api.backend.EndpointStatus.builder(name, ID);
        ProductionVariantSummary v = ep.hasProductionVariants() && !ep.productionVariants().isEmpty() ? ep.productionVariants().get(0) : null;
        int current = v == null || v.currentInstanceCount() == null ? 0 : v.currentInstanceCount();
        int desired = v == null || v.desiredInstanceCount() == null ? 0 : v.desiredInstanceCount();
        b.state(state(ep.endpointStatus(), current, desired)).replicas(current, desired).createdAt(ep.creationTime())
                .message(ep.failureReason());
        b.detail("endpointArn", ep.endpointArn()).detail("endpointStatus", ep.endpointStatusAsString())
                .detail("endpointConfigName", ep.endpointConfigName());
        String variantName = v == null ? SageMakerTranslator.DEFAULT_VARIANT_NAME : v.variantName();
        b.detail("variantName", variantName);
        Optional<ProductionVariant> liveVariant = describeConfig(ep.endpointConfigName()).filter(DescribeEndpointConfigResponse::hasProductionVariants)
                .flatMap(c -> c.productionVariants().stream().filter(pv -> pv.variantName().equals(variantName)).findFirst());
        liveVariant.ifPresent(pv -> b.detail("instanceType", pv.instanceTypeAsString()).detail("modelName", pv.modelName()));
        Optional<InstanceCatalogue.InstanceType> instance = liveVariant.flatMap(pv -> InstanceCatalogue.find(pv.instanceTypeAsString()));
        call("ListTags " + name, () -> sm().listTags(r -> r.resourceArn(ep.endpointArn())).tags()).stream()
                .filter(t -> t.key().equals(SageMakerTranslator.MODEL_TAG)).findFirst().ifPresent(t -> b.model(t.value()));
        String resourceId = Translation.resourceId(name, variantName);
        call("DescribeScalableTargets " + resourceId, () -> aas().describeScalableTargets(r -> r.serviceNamespace(ServiceNamespace.SAGEMAKER)
                .resourceIds(resourceId).scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)).scalableTargets())
                .stream().findFirst().ifPresent(t -> b.replicaRange(t.minCapacity(), t.maxCapacity()));
        for (ScalingPolicy p : policies(resourceId)) {
            var c = p.targetTrackingScalingPolicyConfiguration();
            if (c == null) {
                continue;
            }
            String metric = c.predefinedMetricSpecification() != null ? c.predefinedMetricSpecification().predefinedMetricTypeAsString()
                    : c.customizedMetricSpecification() != null ? c.customizedMetricSpecification().metricName() : p.policyName();
            b.metric(new MetricStatus(metric, null, neutralTarget(metric, c.targetValue(), instance)));
            b.detail("policy." + p.policyName() + ".TargetValue", plain(c.targetValue()));
        }
        List<ScalingActivity> activities = call("DescribeScalingActivities " + resourceId, () -> aas().describeScalingActivities(r -> r
                .serviceNamespace(ServiceNamespace.SAGEMAKER).resourceId(resourceId)
                .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT).maxResults(5)).scalingActivities());
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
        return Optional.of(b.build());
    }

    /** The target in neutral units where the conversion is known (60% for CPUUtilization 240 on 4 vCPUs), else the native value. */
    static String neutralTarget(String metric, Double value, Optional<InstanceCatalogue.InstanceType> instance) {
        if (value == null) {
            return "";
        }
        java.math.BigDecimal v = java.math.BigDecimal.valueOf(value);
        java.math.MathContext mc = java.math.MathContext.DECIMAL64;
        return switch (metric) {
            case "CPUUtilization" -> instance.map(t -> plain(v.divide(java.math.BigDecimal.valueOf(t.vcpus()), mc).doubleValue()) + "%").orElse(plain(value));
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

    private DescribeEndpointResponse waitInService(String name, Duration limit) {
        try (SageMakerWaiter waiter = SageMakerWaiter.builder().client(sm()).overrideConfiguration(waiterConfig(limit)).build()) {
            WaiterResponse<DescribeEndpointResponse> r = waiter.waitUntilEndpointInService(b -> b.endpointName(name));
            Optional<DescribeEndpointResponse> ok = r.matched().response();
            if (ok.isPresent() && ok.get().endpointStatus() == EndpointStatus.IN_SERVICE) {
                return ok.get();
            }
        } catch (SdkException e) {
            // the waiter reached a failure state, timed out or the call failed: find out which below
        }
        DescribeEndpointResponse now = describeEndpoint(name).orElseThrow(() -> BackendException.notFound(ID, name));
        if (now.endpointStatus() == EndpointStatus.IN_SERVICE) {
            return now;
        }
        if (now.endpointStatus() == EndpointStatus.FAILED || now.endpointStatus() == EndpointStatus.UPDATE_ROLLBACK_FAILED) {
            throw new BackendException(ID, Reason.FAILED, "endpoint '" + name + "' is " + now.endpointStatusAsString() + ": "
                    + Optional.ofNullable(now.failureReason()).orElse("no reason given"));
        }
        throw new BackendException(ID, Reason.TIMEOUT, "endpoint '" + name + "' is still " + now.endpointStatusAsString()
                + " after " + limit + " (set " + SageMakerBackendProvider.TIMEOUT + " to wait longer)");
    }

    private void waitDeleted(String name) {
        try (SageMakerWaiter waiter = SageMakerWaiter.builder().client(sm()).overrideConfiguration(waiterConfig(timeout)).build()) {
            waiter.waitUntilEndpointDeleted(b -> b.endpointName(name));
        } catch (SdkException e) {
            // checked below
        }
        Optional<DescribeEndpointResponse> now = describeEndpoint(name);
        if (now.isPresent()) {
            if (now.get().endpointStatus() == EndpointStatus.FAILED) {
                throw new BackendException(ID, Reason.FAILED, "deleting endpoint '" + name + "' failed: "
                        + Optional.ofNullable(now.get().failureReason()).orElse("no reason given"));
            }
            throw new BackendException(ID, Reason.TIMEOUT, "endpoint '" + name + "' is still " + now.get().endpointStatusAsString()
                    + " after " + timeout);
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
                    o.retryStrategy(r -> r.maxAttempts(maxAttempts));
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

    @Override
    public String toString() {
        return "SageMakerBackend" + config;
    }
}
