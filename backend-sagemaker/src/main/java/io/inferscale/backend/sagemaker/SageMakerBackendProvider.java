package io.inferscale.backend.sagemaker;

import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.BackendProvider;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.ConfigKey;
import io.inferscale.api.backend.Feature;
import io.inferscale.api.backend.OptionKey;

import java.util.List;

/**
 * The {@code sagemaker} backend provider: Amazon SageMaker real-time endpoints with Application Auto Scaling,
 * through the AWS SDK for Java v2. Cheap to construct; {@link #create} builds no client (clients are made on
 * first use). Registered in {@code META-INF/services/io.inferscale.api.backend.BackendProvider}.
 */
public final class SageMakerBackendProvider implements BackendProvider {

    /** {@code sagemaker.region}: the AWS region; default: the SDK's region chain (AWS_REGION, profile). */
    public static final String REGION = "sagemaker.region";
    /** {@code sagemaker.endpointOverride}: a URL that replaces the SageMaker (and, unless set separately, Application Auto Scaling) endpoint. */
    public static final String ENDPOINT_OVERRIDE = "sagemaker.endpointOverride";
    /** {@code sagemaker.autoscalingEndpointOverride}: a URL that replaces the Application Auto Scaling endpoint. */
    public static final String AUTOSCALING_ENDPOINT_OVERRIDE = "sagemaker.autoscalingEndpointOverride";
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

    static final List<ConfigKey> CONFIG_KEYS = List.of(
            ConfigKey.of(REGION, "", "AWS region, e.g. us-east-1; default: the SDK's region provider chain (AWS_REGION, ~/.aws/config)"),
            ConfigKey.of(SageMakerTranslator.ROLE_CONFIG_KEY, "", "IAM role ARN SageMaker assumes to pull the image and model data; "
                    + "required by plan and apply unless spec.backends.sagemaker.executionRoleArn is set; render works without it"),
            ConfigKey.of(ENDPOINT_OVERRIDE, "", "URL replacing the SageMaker and Application Auto Scaling endpoints (local fakes, VPC endpoints)"),
            ConfigKey.of(AUTOSCALING_ENDPOINT_OVERRIDE, "", "URL replacing the Application Auto Scaling endpoint only"),
            ConfigKey.of(PROFILE, "", "AWS profile whose credentials to use; default: the SDK's default credentials provider chain"),
            ConfigKey.of(POLL_INTERVAL, "30s", "time between DescribeEndpoint calls while waiting for InService or deletion"),
            ConfigKey.of(TIMEOUT, "60m", "the longest wait for InService or deletion"),
            ConfigKey.of(MAX_ATTEMPTS, "3", "attempts per AWS call in the SDK's standard retry strategy (throttling and 5xx are retried)"),
            ConfigKey.of(ATTEMPT_TIMEOUT, "", "the longest wait for one attempt of an AWS call, e.g. 10s; a timed-out attempt is retried; "
                    + "default: the HTTP client's 30 s read timeout"));

    static final List<OptionKey> OPTION_KEYS = List.of(
            new OptionKey(SageMakerTranslator.OPTION_INSTANCE_TYPE, "ml.* instance type, e.g. ml.c5.xlarge; default: the smallest catalogued type that fits the requests and accelerators"),
            new OptionKey(SageMakerTranslator.OPTION_EXECUTION_ROLE_ARN, "IAM role ARN for CreateModel; overrides the configuration key sagemaker.executionRoleArn"),
            new OptionKey(SageMakerTranslator.OPTION_VARIANT_NAME, "production variant name; default AllTraffic"),
            new OptionKey(SageMakerTranslator.OPTION_REPOSITORY_ACCESS_MODE, "ImageConfig.RepositoryAccessMode: Platform (Amazon ECR, default) or Vpc (a private Docker registry reachable from the model's VPC)"),
            new OptionKey(SageMakerTranslator.OPTION_SCALE_OUT_COOLDOWN, "ScaleOutCooldown in seconds; default: behavior.scaleUp.stabilizationWindowSeconds, else 300 (AWS default)"),
            new OptionKey(SageMakerTranslator.OPTION_SCALE_IN_COOLDOWN, "ScaleInCooldown in seconds; default: behavior.scaleDown.stabilizationWindowSeconds, else 300 (AWS default)"));

    static final Capabilities CAPABILITIES = Capabilities.builder()
            .supports(Feature.CPU_UTILIZATION_TARGET, "customized metric CPUUtilization; TargetValue = percent × requests.cpu in cores (a sum over the instance's cores)")
            .supports(Feature.MEMORY_UTILIZATION_TARGET, "customized metric MemoryUtilization (percent of instance memory)")
            .supports(Feature.REQUESTS_PER_SECOND_TARGET, "predefined SageMakerVariantInvocationsPerInstance; TargetValue = rps × 60 (per minute)")
            .supports(Feature.CONCURRENT_REQUESTS_TARGET, "predefined SageMakerVariantConcurrentRequestsPerModelHighResolution")
            .supports(Feature.ACCELERATOR_UTILIZATION_TARGET, "customized metric GPUUtilization; TargetValue = percent × GPUs of the instance type")
            .supports(Feature.MULTIPLE_TARGETS, "one target-tracking policy per target; scale out when any asks, scale in when all allow")
            .approximates(Feature.SCALE_UP_STABILIZATION, "mapped to ScaleOutCooldown (a wait after each scale-out, not a look-back window)")
            .approximates(Feature.SCALE_DOWN_STABILIZATION, "mapped to ScaleInCooldown (a wait after each scale-in, not a look-back window)")
            .rejects(Feature.SCALE_UP_RATE_POLICIES, "Application Auto Scaling target tracking cannot limit how many instances are added per period; "
                    + "use stabilizationWindowSeconds (ScaleOutCooldown) instead")
            .rejects(Feature.SCALE_DOWN_RATE_POLICIES, "Application Auto Scaling target tracking cannot limit how many instances are removed per period; "
                    + "use stabilizationWindowSeconds (ScaleInCooldown) instead")
            .supports(Feature.SCALE_UP_DISABLED, "SuspendedState.DynamicScalingOutSuspended=true on the scalable target")
            .supports(Feature.SCALE_DOWN_DISABLED, "DisableScaleIn=true on every policy")
            .rejects(Feature.SCALE_TO_ZERO, "SageMaker scales a plain production variant down to 1 instance at least (InitialInstanceCount and "
                    + "MinCapacity >= 1); scaling to zero needs inference components, which this backend does not create; set minReplicas to 1 or more")
            .supports(Feature.ACCELERATORS, "instance families: nvidia-t4 → ml.g4dn, nvidia-a10g → ml.g5, nvidia-l4 → ml.g6, nvidia-a100 → ml.p4d, nvidia-h100 → ml.p5")
            .build();

    /** A provider; does nothing else. */
    public SageMakerBackendProvider() {
    }

    @Override
    public String id() {
        return SageMakerTranslator.ID;
    }

    @Override
    public String description() {
        return "Amazon SageMaker real-time endpoints with Application Auto Scaling (AWS SDK for Java v2)";
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public List<ConfigKey> configKeys() {
        return CONFIG_KEYS;
    }

    @Override
    public List<OptionKey> optionKeys() {
        return OPTION_KEYS;
    }

    /**
     * A backend; no client is built until the first call that needs one.
     *
     * @throws io.inferscale.api.ConfigurationException for an unknown {@code sagemaker.*} key or a malformed value
     */
    @Override
    public Backend create(BackendConfig config) {
        return SageMakerBackend.create(config);
    }
}
