package io.inferscale.backend.sagemaker;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.Secrets;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.ConfigKey;
import io.inferscale.api.backend.Feature;
import io.inferscale.api.backend.FleetOptions;
import io.inferscale.api.backend.OptionKey;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What the {@code sagemaker} backend is and how it is configured: its id, configuration keys, capabilities and
 * options, and one configuration parsed and checked once ({@link #of}). Reads no environment beyond the
 * {@link BackendConfig} and builds no client; loading this class loads no AWS SDK class.
 */
public final class SageMakerSettings {

    /** The backend id. */
    public static final String ID = SageMakerTranslator.ID;

    /** {@code sagemaker.region}: the AWS region; default: the SDK's region chain (AWS_REGION, profile). */
    public static final String REGION = "sagemaker.region";
    /** {@code sagemaker.endpointOverride}: a URL that replaces the SageMaker (and, unless set separately, Application Auto Scaling) endpoint. */
    public static final String ENDPOINT_OVERRIDE = "sagemaker.endpointOverride";
    /** {@code sagemaker.autoscalingEndpointOverride}: a URL that replaces the Application Auto Scaling endpoint. */
    public static final String AUTOSCALING_ENDPOINT_OVERRIDE = "sagemaker.autoscalingEndpointOverride";
    /** {@code sagemaker.cloudwatchEndpointOverride}: a URL that replaces the CloudWatch endpoint (scale to zero's alarm). */
    public static final String CLOUDWATCH_ENDPOINT_OVERRIDE = "sagemaker.cloudwatchEndpointOverride";
    /** {@code sagemaker.profile}: the AWS profile whose credentials to use; default: the SDK's default credentials chain. */
    public static final String PROFILE = "sagemaker.profile";
    /** {@code sagemaker.pollInterval}: time between DescribeEndpoint calls while waiting; default 30s (the SDK waiter's delay). */
    public static final String POLL_INTERVAL = "sagemaker.pollInterval";
    /** {@code sagemaker.timeout}: the longest wait for InService or deletion; default 60m (the SDK waiter's 120 × 30 s). */
    public static final String TIMEOUT = "sagemaker.timeout";
    /** {@code sagemaker.maxAttempts}: attempts per call of the SDK's standard retry strategy (throttling, 5xx); default 3. */
    public static final String MAX_ATTEMPTS = "sagemaker.maxAttempts";
    /**
     * {@code sagemaker.attemptTimeout}: the longest wait for the answer to one attempt of an AWS call (the SDK's
     * {@code apiCallAttemptTimeout}); a timed-out attempt is retried like a 5xx. Default: none (the HTTP client's
     * 30 s socket read timeout applies).
     */
    public static final String ATTEMPT_TIMEOUT = "sagemaker.attemptTimeout";
    /**
     * {@code sagemaker.maxConnections}: the most HTTP connections the backend holds at once, in the one connection pool its
     * SDK clients share (in total and per host); a whole number, at least 1; default {@value #DEFAULT_MAX_CONNECTIONS}. A
     * call that finds every connection busy waits for one (up to the SDK's 10 s connection acquisition timeout).
     */
    public static final String MAX_CONNECTIONS = "sagemaker.maxConnections";
    /**
     * The default of {@value #MAX_CONNECTIONS}: {@link FleetOptions#MAX_CONCURRENCY}, so {@code applyAll} at any
     * concurrency it accepts never waits for a connection (an endpoint in flight holds at most one at a time). The pool
     * opens connections only when calls overlap, so the cap costs nothing below it.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = FleetOptions.MAX_CONCURRENCY;

    /** Every {@code sagemaker.*} configuration key, with its default and description. */
    public static final List<ConfigKey> CONFIG_KEYS = List.of(
            ConfigKey.of(REGION, "", "AWS region, e.g. us-east-1; default: the SDK's region provider chain (AWS_REGION, ~/.aws/config)"),
            ConfigKey.of(SageMakerTranslator.ROLE_CONFIG_KEY, "", "IAM role ARN SageMaker assumes to pull the image and model data; "
                    + "required by plan and apply unless spec.backends.sagemaker.executionRoleArn is set; render works without it"),
            ConfigKey.of(ENDPOINT_OVERRIDE, "", "URL replacing the SageMaker and Application Auto Scaling endpoints (local fakes, VPC endpoints)"),
            ConfigKey.of(AUTOSCALING_ENDPOINT_OVERRIDE, "", "URL replacing the Application Auto Scaling endpoint only"),
            ConfigKey.of(CLOUDWATCH_ENDPOINT_OVERRIDE, "", "URL replacing the CloudWatch endpoint only (default: sagemaker.endpointOverride)"),
            ConfigKey.of(PROFILE, "", "AWS profile whose credentials to use; default: the SDK's default credentials provider chain"),
            ConfigKey.of(POLL_INTERVAL, "30s", "time between DescribeEndpoint calls while waiting for InService or deletion"),
            ConfigKey.of(TIMEOUT, "60m", "the longest wait for InService or deletion"),
            ConfigKey.of(MAX_ATTEMPTS, "3", "attempts per AWS call in the SDK's standard retry strategy (throttling and 5xx are retried)"),
            ConfigKey.of(ATTEMPT_TIMEOUT, "", "the longest wait for one attempt of an AWS call, e.g. 10s; a timed-out attempt is retried; "
                    + "default: the HTTP client's 30 s read timeout"),
            ConfigKey.of(MAX_CONNECTIONS, String.valueOf(DEFAULT_MAX_CONNECTIONS), "the most HTTP connections the backend holds at once "
                    + "(one pool for its SageMaker, Application Auto Scaling and CloudWatch clients); at least 1; default: applyAll's largest concurrency"));

    /** The options read from {@code spec.backends.sagemaker}. */
    public static final List<OptionKey> OPTION_KEYS = List.of(
            new OptionKey(SageMakerTranslator.OPTION_INSTANCE_TYPE, "ml.* instance type, e.g. ml.c5.xlarge; default: the smallest catalogued type that fits the requests and accelerators"),
            new OptionKey(SageMakerTranslator.OPTION_EXECUTION_ROLE_ARN, "IAM role ARN for CreateModel; overrides the configuration key sagemaker.executionRoleArn"),
            new OptionKey(SageMakerTranslator.OPTION_VARIANT_NAME, "production variant name; default AllTraffic"),
            new OptionKey(SageMakerTranslator.OPTION_REPOSITORY_ACCESS_MODE, "ImageConfig.RepositoryAccessMode: Platform (Amazon ECR, default) or Vpc (a private Docker registry reachable from the model's VPC)"),
            new OptionKey(SageMakerTranslator.OPTION_SCALE_OUT_COOLDOWN, "ScaleOutCooldown in seconds; default: behavior.scaleUp.stabilizationWindowSeconds, else 300 (AWS default)"),
            new OptionKey(SageMakerTranslator.OPTION_SCALE_IN_COOLDOWN, "ScaleInCooldown in seconds; default: behavior.scaleDown.stabilizationWindowSeconds, else 300 (AWS default)"));

    /** What the backend honours, approximates and rejects. */
    public static final Capabilities CAPABILITIES = Capabilities.builder()
            .supports(Feature.CPU_UTILIZATION_TARGET, "customized metric CPUUtilization; TargetValue = percent × requests.cpu in cores (a sum over the instance's cores)")
            .supports(Feature.MEMORY_UTILIZATION_TARGET, "customized metric MemoryUtilization (percent of instance memory)")
            .supports(Feature.REQUESTS_PER_SECOND_TARGET, "predefined SageMakerVariantInvocationsPerInstance; TargetValue = rps × 60 (per minute)")
            .supports(Feature.CONCURRENT_REQUESTS_TARGET, "predefined SageMakerVariantConcurrentRequestsPerModelHighResolution")
            .supports(Feature.ACCELERATOR_UTILIZATION_TARGET, "customized metric GPUUtilization; TargetValue = percent × GPUs of the instance type")
            // the predefined metrics are the enum MetricType of botocore aas-service-2.json (application-autoscaling 2016-02-06)
            .rejects(Feature.QUEUE_DEPTH_TARGET, "Application Auto Scaling's predefined SageMaker metrics (MetricType: "
                    + "SageMakerVariantInvocationsPerInstance, SageMakerVariantProvisionedConcurrencyUtilization, "
                    + "SageMakerVariantConcurrentRequestsPerModelHighResolution and the inference-component ones) have no queue depth; "
                    + "use targetConcurrentRequestsPerReplica (requests in flight, queued ones included)")
            .rejects(Feature.TOKENS_PER_SECOND_TARGET, "Application Auto Scaling's predefined SageMaker metrics (MetricType in "
                    + "aas-service-2.json) count invocations and concurrent requests, not tokens; use targetConcurrentRequestsPerReplica "
                    + "or targetRequestsPerSecondPerReplica")
            .supports(Feature.MULTIPLE_TARGETS, "one target-tracking policy per target; scale out when any asks, scale in when all allow")
            .approximates(Feature.SCALE_UP_STABILIZATION, "mapped to ScaleOutCooldown (a wait after each scale-out, not a look-back window)")
            .approximates(Feature.SCALE_DOWN_STABILIZATION, "mapped to ScaleInCooldown (a wait after each scale-in, not a look-back window)")
            .rejects(Feature.SCALE_UP_RATE_POLICIES, "Application Auto Scaling target tracking cannot limit how many instances are added per period; "
                    + "use stabilizationWindowSeconds (ScaleOutCooldown) instead")
            .rejects(Feature.SCALE_DOWN_RATE_POLICIES, "Application Auto Scaling target tracking cannot limit how many instances are removed per period; "
                    + "use stabilizationWindowSeconds (ScaleInCooldown) instead")
            .supports(Feature.SCALE_UP_DISABLED, "SuspendedState.DynamicScalingOutSuspended=true on the scalable target")
            .supports(Feature.SCALE_DOWN_DISABLED, "DisableScaleIn=true on every policy")
            .supports(Feature.SCALE_TO_ZERO, "through an inference component on an endpoint with managed instance scaling (MinInstanceCount 0) "
                    + "and a scalable target on its copy count (min 0); idleSeconds → ScaleInCooldown. At zero, requests fail with an error "
                    + "until a copy is placed: NoCapacityInvocationFailures wakes it (CloudWatch alarm → step policy +1 copy; provisioning "
                    + "takes several minutes). AWS docs: \"Scale an endpoint to zero instances\", "
                    + "https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html")
            .supports(Feature.ACCELERATORS, "instance families: nvidia-t4 → ml.g4dn, nvidia-a10g → ml.g5, nvidia-l4 → ml.g6, nvidia-a100 → ml.p4d, nvidia-h100 → ml.p5")
            .build();

    /** us-east-1, eu-central-2, us-gov-west-1, cn-north-1, us-isob-east-1: letters, dash-separated, a number last. */
    private static final Pattern AWS_REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

    private final BackendConfig config;
    private final Duration pollInterval;
    private final Duration timeout;
    private final int maxAttempts;
    private final Duration attemptTimeout;
    private final int maxConnections;
    private final Optional<String> region;
    private final Optional<String> role;
    private final Optional<String> profile;
    private final Optional<URI> endpointOverride;
    private final Optional<URI> autoscalingEndpointOverride;
    private final Optional<URI> cloudwatchEndpointOverride;

    private SageMakerSettings(BackendConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        config.requireKnownKeys(ID + ".", CONFIG_KEYS);
        this.pollInterval = config.getDuration(POLL_INTERVAL, Duration.ofSeconds(30));
        this.timeout = config.getDuration(TIMEOUT, Duration.ofMinutes(60));
        this.maxAttempts = config.getInt(MAX_ATTEMPTS, 3);
        this.attemptTimeout = config.getDuration(ATTEMPT_TIMEOUT, null);
        if (attemptTimeout != null && (attemptTimeout.isNegative() || attemptTimeout.isZero())) {
            throw new ConfigurationException("configuration '" + ATTEMPT_TIMEOUT + "' must be a positive duration such as 10s");
        }
        if (pollInterval.isNegative() || pollInterval.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new ConfigurationException("configuration '" + POLL_INTERVAL + "' and '" + TIMEOUT + "' must be positive durations");
        }
        this.maxConnections = config.getInt(MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS);
        if (maxConnections < 1) {
            throw new ConfigurationException("configuration '" + MAX_CONNECTIONS + "' must be at least 1 (the most HTTP connections the backend "
                    + "holds at once; default " + DEFAULT_MAX_CONNECTIONS + "), got " + maxConnections);
        }
        if (maxAttempts < 1) {
            throw new ConfigurationException("configuration '" + MAX_ATTEMPTS + "' must be at least 1, got " + maxAttempts);
        }
        this.role = config.get(SageMakerTranslator.ROLE_CONFIG_KEY);
        role.ifPresent(r -> {
            if (!SageMakerTranslator.ROLE_ARN.matcher(r).matches()) {
                throw new ConfigurationException("configuration '" + SageMakerTranslator.ROLE_CONFIG_KEY
                        + "' must be an IAM role ARN such as arn:aws:iam::123456789012:role/SageMakerExecutionRole");
            }
        });
        this.region = config.get(REGION);
        region.ifPresent(r -> {
            if (!AWS_REGION.matcher(r).matches()) {
                throw new ConfigurationException("configuration '" + REGION + "' must be an AWS region such as us-east-1 or eu-west-2, got '" + r + "'");
            }
        });
        this.endpointOverride = url(config, ENDPOINT_OVERRIDE);
        Optional<URI> autoscaling = url(config, AUTOSCALING_ENDPOINT_OVERRIDE);
        this.autoscalingEndpointOverride = autoscaling.isPresent() ? autoscaling : endpointOverride;
        Optional<URI> cloudwatch = url(config, CLOUDWATCH_ENDPOINT_OVERRIDE);
        this.cloudwatchEndpointOverride = cloudwatch.isPresent() ? cloudwatch : endpointOverride;
        this.profile = config.get(PROFILE);
    }

    /**
     * The settings of {@code config}.
     *
     * @throws ConfigurationException for an unknown {@code sagemaker.*} key or a malformed value, naming the key
     */
    public static SageMakerSettings of(BackendConfig config) {
        return new SageMakerSettings(config);
    }

    private static Optional<URI> url(BackendConfig config, String key) {
        return config.get(key).map(u -> {
            try {
                URI uri = URI.create(u);
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new IllegalArgumentException(u);
                }
                return uri;
            } catch (IllegalArgumentException ex) {
                throw new ConfigurationException("configuration '" + key + "' must be a URL such as http://127.0.0.1:4566, got '" + u + "'");
            }
        });
    }

    /** Time between DescribeEndpoint calls while waiting ({@value #POLL_INTERVAL}, default 30 s); positive. */
    public Duration pollInterval() {
        return pollInterval;
    }

    /** The longest wait for InService or deletion ({@value #TIMEOUT}, default 60 min); positive. */
    public Duration timeout() {
        return timeout;
    }

    /** Attempts per AWS call of the SDK's standard retry strategy ({@value #MAX_ATTEMPTS}, default 3); at least 1. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The SDK's {@code apiCallAttemptTimeout} ({@value #ATTEMPT_TIMEOUT}); empty: the HTTP client's read timeout. */
    public Optional<Duration> attemptTimeout() {
        return Optional.ofNullable(attemptTimeout);
    }

    /** The most HTTP connections the backend's one connection pool holds ({@value #MAX_CONNECTIONS}, default {@value #DEFAULT_MAX_CONNECTIONS}); at least 1. */
    public int maxConnections() {
        return maxConnections;
    }

    /** The configured region ({@value #REGION}); empty: the SDK's region provider chain decides. */
    public Optional<String> region() {
        return region;
    }

    /** The configured execution role ARN ({@value SageMakerTranslator#ROLE_CONFIG_KEY}); the endpoint's option wins over it. */
    public Optional<String> role() {
        return role;
    }

    /** The AWS profile whose credentials to use ({@value #PROFILE}); empty: the SDK's default credentials chain. */
    public Optional<String> profile() {
        return profile;
    }

    /** The SageMaker endpoint override ({@value #ENDPOINT_OVERRIDE}). */
    public Optional<URI> endpointOverride() {
        return endpointOverride;
    }

    /** The Application Auto Scaling endpoint override ({@value #AUTOSCALING_ENDPOINT_OVERRIDE}, else {@value #ENDPOINT_OVERRIDE}). */
    public Optional<URI> autoscalingEndpointOverride() {
        return autoscalingEndpointOverride;
    }

    /** The CloudWatch endpoint override ({@value #CLOUDWATCH_ENDPOINT_OVERRIDE}, else {@value #ENDPOINT_OVERRIDE}). */
    public Optional<URI> cloudwatchEndpointOverride() {
        return cloudwatchEndpointOverride;
    }

    /** The known {@code sagemaker.*} keys that are set, secret ones masked ({@link Secrets#mask}); other keys are left out. */
    Map<String, String> shown() {
        Map<String, String> shown = new TreeMap<>();
        for (ConfigKey k : CONFIG_KEYS) {
            config.get(k.name()).ifPresent(v -> shown.put(k.name(), Secrets.mask(k.name(), v)));
        }
        return shown;
    }

    /** The known {@code sagemaker.*} keys set (none of them is a credential); other keys of the configuration are not printed. */
    @Override
    public String toString() {
        return "SageMakerSettings" + shown();
    }
}
