package io.inferscale.backend.sagemaker;

import io.inferscale.api.Accelerator;
import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.Quantity;
import io.inferscale.api.ResourceList;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.ScalingTarget;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.Note;
import io.inferscale.api.backend.Translation;
import io.inferscale.api.codec.Json;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import io.inferscale.backend.sagemaker.internal.InstanceCatalogue;
import io.inferscale.backend.sagemaker.internal.InstanceCatalogue.InstanceType;
import io.inferscale.backend.sagemaker.internal.RequestTree;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.applicationautoscaling.model.CustomizedMetricSpecification;
import software.amazon.awssdk.services.applicationautoscaling.model.MetricDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.MetricStatistic;
import software.amazon.awssdk.services.applicationautoscaling.model.MetricType;
import software.amazon.awssdk.services.applicationautoscaling.model.PolicyType;
import software.amazon.awssdk.services.applicationautoscaling.model.PredefinedMetricSpecification;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.RegisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.applicationautoscaling.model.AdjustmentType;
import software.amazon.awssdk.services.applicationautoscaling.model.MetricAggregationType;
import software.amazon.awssdk.services.applicationautoscaling.model.StepAdjustment;
import software.amazon.awssdk.services.applicationautoscaling.model.StepScalingPolicyConfiguration;
import software.amazon.awssdk.services.applicationautoscaling.model.SuspendedState;
import software.amazon.awssdk.services.applicationautoscaling.model.TargetTrackingScalingPolicyConfiguration;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.sagemaker.model.ContainerDefinition;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointConfigRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateInferenceComponentRequest;
import software.amazon.awssdk.services.sagemaker.model.InferenceComponentComputeResourceRequirements;
import software.amazon.awssdk.services.sagemaker.model.InferenceComponentRuntimeConfig;
import software.amazon.awssdk.services.sagemaker.model.InferenceComponentSpecification;
import software.amazon.awssdk.services.sagemaker.model.InferenceComponentStartupParameters;
import software.amazon.awssdk.services.sagemaker.model.ManagedInstanceScalingStatus;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantManagedInstanceScaling;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantRoutingConfig;
import software.amazon.awssdk.services.sagemaker.model.RoutingStrategy;
import software.amazon.awssdk.services.sagemaker.model.CreateModelRequest;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;
import software.amazon.awssdk.services.sagemaker.model.ImageConfig;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantInstanceType;
import software.amazon.awssdk.services.sagemaker.model.RepositoryAccessMode;
import software.amazon.awssdk.services.sagemaker.model.Tag;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Pure translation of an {@link InferenceEndpoint} into the SageMaker and Application Auto Scaling requests
 * that create it in a fresh account: {@code CreateModel}, {@code CreateEndpointConfig}, {@code CreateEndpoint},
 * {@code RegisterScalableTarget} and one target-tracking {@code PutScalingPolicy} per scaling target. No I/O.
 *
 * <p>Unit conversions (see the module README for the AWS documentation behind each):
 * <ul>
 *   <li>CPU utilization % (of the replica's CPU request, as in a Kubernetes HPA) → customized metric
 *       {@code CPUUtilization} (namespace {@code /aws/sagemaker/Endpoints}), TargetValue = percent × requests.cpu
 *       (cores), because SageMaker reports the sum over cores: the absolute threshold in cores is kept
 *       ({@link #cpuUtilizationTarget}).</li>
 *   <li>Memory utilization % → customized metric {@code MemoryUtilization} (0–100), unchanged.</li>
 *   <li>Requests per second per replica → predefined {@code SageMakerVariantInvocationsPerInstance}, which
 *       counts per minute: TargetValue = rps × 60.</li>
 *   <li>Concurrent requests per replica → predefined
 *       {@code SageMakerVariantConcurrentRequestsPerModelHighResolution}, unchanged.</li>
 *   <li>Accelerator utilization % → customized metric {@code GPUUtilization}, TargetValue = percent × GPUs.</li>
 * </ul>
 * Model and endpoint-config names end in a content hash, because both resources are immutable: any change of
 * content gives a new name.
 */
public final class SageMakerTranslator {

    /** The backend id. */
    public static final String ID = "sagemaker";
    /** The production variant name used when {@code spec.backends.sagemaker.variantName} is not set. */
    public static final String DEFAULT_VARIANT_NAME = "AllTraffic";
    /** Application Auto Scaling's default cooldown for SageMaker variants, in seconds. */
    public static final int AWS_DEFAULT_COOLDOWN_SECONDS = 300;
    /** The CloudWatch namespace of SageMaker endpoint instance metrics (CPU, memory, GPU). */
    public static final String ENDPOINT_METRICS_NAMESPACE = "/aws/sagemaker/Endpoints";
    /** The scalable dimension of a variant's instance count. */
    public static final String SCALABLE_DIMENSION = "sagemaker:variant:DesiredInstanceCount";
    /** The tag marking resources InferScale created. */
    public static final String MANAGED_BY_TAG = "inferscale:managed-by";
    /** The tag holding the neutral endpoint name. */
    public static final String ENDPOINT_TAG = "inferscale:endpoint";
    /** The tag holding the model reference {@code name:version}. */
    public static final String MODEL_TAG = "inferscale:model";
    /** The configuration key that supplies the execution role. */
    public static final String ROLE_CONFIG_KEY = "sagemaker.executionRoleArn";

    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
    /** botocore sagemaker 2017-07-24 {@code InferenceComponentName}. */
    static final Pattern IC_NAME = Pattern.compile("[a-zA-Z0-9]([\\-a-zA-Z0-9]*[a-zA-Z0-9])?");
    static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+");
    private static final Pattern MODEL_DATA_URL = Pattern.compile("(https|s3)://([^/]+)/?(.*)");
    private static final Pattern ENV_KEY = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern TAG_TEXT = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    private static final int HASH_CHARS = 10;

    /** The options read from {@code spec.backends.sagemaker}. */
    public static final String OPTION_INSTANCE_TYPE = "instanceType";
    /** Option: the IAM role SageMaker assumes to pull the image and model data. */
    public static final String OPTION_EXECUTION_ROLE_ARN = "executionRoleArn";
    /** Option: the production variant name (default {@value #DEFAULT_VARIANT_NAME}). */
    public static final String OPTION_VARIANT_NAME = "variantName";
    /**
     * Option: {@code ImageConfig.RepositoryAccessMode} of the container, {@code Platform} (Amazon ECR, the default) or
     * {@code Vpc} (a private Docker registry reachable from the model's VPC); botocore sagemaker 2017-07-24 {@code ImageConfig}.
     */
    public static final String OPTION_REPOSITORY_ACCESS_MODE = "repositoryAccessMode";
    /** Shortest ContainerStartupHealthCheckTimeoutInSeconds and ModelDataDownloadTimeoutInSeconds (botocore: min 60, max 3600). */
    public static final int MIN_STARTUP_TIMEOUT_SECONDS = 60;
    /** The only container port SageMaker sends requests and health checks to. */
    public static final int SAGEMAKER_PORT = 8080;
    private static final List<String> REPOSITORY_ACCESS_MODES = List.of("Platform", "Vpc");
    /** An Amazon ECR image: {@code <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/...}. */
    private static final Pattern ECR_IMAGE = Pattern.compile("^\\d{12}\\.dkr\\.ecr(-fips)?\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/");

    /** Option: ScaleOutCooldown in seconds (overrides the scale-up stabilization window). */
    public static final String OPTION_SCALE_OUT_COOLDOWN = "scaleOutCooldownSeconds";
    /** Option: ScaleInCooldown in seconds (overrides the scale-down stabilization window). */
    public static final String OPTION_SCALE_IN_COOLDOWN = "scaleInCooldownSeconds";

    /** The scalable dimension of an inference component's copy count (botocore application-autoscaling 2016-02-06 ScalableDimension). */
    public static final String IC_SCALABLE_DIMENSION = "sagemaker:inference-component:DesiredCopyCount";
    /**
     * The CloudWatch namespace of inference-component utilization metrics ({@code CPUUtilizationNormalized},
     * {@code MemoryUtilizationNormalized}, {@code GPUUtilizationNormalized}, dimension {@code InferenceComponentName}, each
     * 0-100 % of what the copy reserved): "SageMaker AI metrics in Amazon CloudWatch",
     * https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html (inference component metrics).
     */
    public static final String IC_METRICS_NAMESPACE = "/aws/sagemaker/InferenceComponents";
    /** The smallest MinMemoryRequiredInMb (botocore sagemaker 2017-07-24 {@code MemoryInMb}: min 128). */
    public static final int IC_MIN_MEMORY_MIB = 128;
    /** The smallest NumberOfCpuCoresRequired (botocore sagemaker 2017-07-24 {@code NumberOfCpuCores}: min 0.25). */
    public static final BigDecimal IC_MIN_CPU_CORES = new BigDecimal("0.25");
    /**
     * The step policy and alarm of scale-out from zero, as "Scale an endpoint to zero instances"
     * (https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html) shows them: Cooldown 60 s,
     * +1 copy for any breach, MetricAggregationType Maximum; alarm on AWS/SageMaker NoCapacityInvocationFailures, Sum over
     * 60 s, 1 of 1 datapoints, threshold 1.
     */
    public static final int STEP_COOLDOWN_SECONDS = 60;
    /** The alarm's period in seconds (SM-ZERO: 60). */
    public static final int ALARM_PERIOD_SECONDS = 60;
    /** The alarm's threshold, failed requests (Sum) per period (SM-ZERO: 1). */
    public static final double ALARM_THRESHOLD = 1.0;
    /**
     * The alarm's comparison. AWS's example uses GreaterThanThreshold with threshold 1, which needs two failed requests
     * in a minute; InferScale deviates on purpose and uses GreaterThanOrEqualToThreshold so the first failed request
     * wakes the endpoint (docs/design/scale-to-zero.md, section 2).
     */
    public static final ComparisonOperator ALARM_COMPARISON = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;

    /** The policy name of each target type; one policy per target on the variant's scalable target. */
    public static String policyName(TargetType type) {
        return switch (type) {
            case CPU_UTILIZATION -> "inferscale-cpu-utilization";
            case MEMORY_UTILIZATION -> "inferscale-memory-utilization";
            case REQUESTS_PER_SECOND -> "inferscale-invocations-per-instance";
            case CONCURRENT_REQUESTS -> "inferscale-concurrent-requests";
            case ACCELERATOR_UTILIZATION -> "inferscale-gpu-utilization";
            case QUEUE_DEPTH, TOKENS_PER_SECOND -> throw new IllegalArgumentException(type.path()
                    + " has no SageMaker scaling policy: the backend rejects it (SageMakerSettings.CAPABILITIES)");
        };
    }

    /** The policy name of each target type on an inference component's scalable target (scale to zero). */
    public static String inferenceComponentPolicyName(TargetType type) {
        return policyName(type).replace("-invocations-per-instance", "-invocations") + "-per-copy";
    }

    /** A translator; stateless. */
    public SageMakerTranslator() {
    }

    /**
     * SageMaker's own rules for an endpoint, beyond the neutral ones and the capability check: image, model
     * data URL, environment names, options, and the instance type choice. Pure.
     */
    public ValidationReport validate(InferenceEndpoint e) {
        List<Problem> p = new ArrayList<>();
        ModelSpec m = e.model();
        if (m.image().isEmpty()) {
            p.add(Problem.error("spec.model.image", "SageMaker needs the serving container image: set spec.model.image to an "
                    + "Amazon ECR image URI, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/my-model:v1"));
        } else if (m.image().get().length() > 255 || !m.image().get().matches("\\S+")) {
            p.add(Problem.error("spec.model.image", "must be at most 255 characters without spaces (SageMaker ContainerImage)"));
        }
        Object access = e.backends().of(ID).get(OPTION_REPOSITORY_ACCESS_MODE);
        if (access != null && !REPOSITORY_ACCESS_MODES.contains(access)) {
            p.add(Problem.error(path(OPTION_REPOSITORY_ACCESS_MODE), "'" + access + "' is not a SageMaker RepositoryAccessMode; use "
                    + String.join(" or ", REPOSITORY_ACCESS_MODES) + " (Vpc: the image is in a private Docker registry reachable from your VPC)"));
        } else if (m.image().isPresent() && !isVpcRegistry(e) && !ECR_IMAGE.matcher(m.image().get()).find()) {
            p.add(Problem.error("spec.model.image", "'" + m.image().get() + "' is not in Amazon ECR: SageMaker pulls images from ECR in the "
                    + "endpoint's region unless the model uses a private registry in your VPC; push the image to ECR "
                    + "(e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/my-model:v1) or set " + path(OPTION_REPOSITORY_ACCESS_MODE)
                    + ": Vpc for a private Docker registry reachable from the model's VPC"));
        }
        m.artifactUri().ifPresent(u -> {
            if (u.length() > 1024 || !MODEL_DATA_URL.matcher(u).matches()) {
                p.add(Problem.error("spec.model.artifactUri", "'" + ModelSpec.redactedUri(u) + "' is not a SageMaker ModelDataUrl: use s3://bucket/path/model.tar.gz or an https:// URL (at most 1024 characters)"));
            }
        });
        m.secretEnv().keySet().forEach(k -> p.add(Problem.error("spec.model.env." + k, "SageMaker cannot take an environment value from a "
                + "secret (CreateModel Environment holds plain text only); store it in AWS Secrets Manager and read it in the container at "
                + "start-up (the execution role needs secretsmanager:GetSecretValue), and pass only the secret's name, e.g. " + k + "_SECRET_ID")));
        if (m.env().size() > 100) {
            p.add(Problem.error("spec.model.env", "SageMaker accepts at most 100 environment variables, got " + m.env().size()));
        }
        m.env().forEach((k, v) -> {
            if (!ENV_KEY.matcher(k).matches() || k.length() > 1024) {
                p.add(Problem.error("spec.model.env." + k, "SageMaker environment names must match [a-zA-Z_][a-zA-Z0-9_]* (letters, digits and '_'); rename '" + k + "'"));
            }
            if (v.length() > 1024) {
                p.add(Problem.error("spec.model.env." + k, "SageMaker environment values are at most 1024 characters, this one has " + v.length()));
            }
        });
        // "Use your own inference code with hosting services": SageMaker sends /invocations and /ping to port 8080
        // (https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html)
        m.port().filter(port -> port != SAGEMAKER_PORT).ifPresent(port -> p.add(Problem.error("spec.model.port",
                port + " cannot be served on SageMaker: SageMaker sends requests (POST /invocations) and health checks (GET /ping) to port "
                        + SAGEMAKER_PORT + " of the container, so the endpoint would fail its health check after provisioning; make the server "
                        + "listen on 8080 and set port: 8080 (or remove it)")));
        m.healthPath().filter(h -> !h.equals("/ping")).ifPresent(h -> p.add(Problem.warning("spec.model.healthPath",
                "ignored: SageMaker always checks health with GET /ping")));
        m.predictPath().filter(h -> !h.equals("/invocations")).ifPresent(h -> p.add(Problem.warning("spec.model.predictPath",
                "ignored: SageMaker always sends predictions to POST /invocations")));
        String reference = m.reference();
        if (reference.length() > 256 || !TAG_TEXT.matcher(reference).matches()) {
            p.add(Problem.error(m.version().isPresent() ? "spec.model.version" : "spec.model.name", "'" + reference
                    + "' cannot be the value of SageMaker tag " + MODEL_TAG + " (up to 256 letters, digits, spaces and _.:/=+-@); "
                    + "rename the model or version without other characters"));
        }
        if (e.labels().size() > 47) {
            p.add(Problem.error("metadata.labels", "SageMaker allows 50 tags per resource and InferScale uses 3; use at most 47 labels"));
        }
        e.labels().forEach((k, v) -> {
            if (k.length() > 128 || !TAG_TEXT.matcher(k).matches() || v.length() > 256 || !TAG_TEXT.matcher(v).matches()) {
                p.add(Problem.error("metadata.labels." + k, "cannot be a SageMaker tag (keys up to 128, values up to 256 characters of letters, digits, spaces and _.:/=+-@)"));
            }
        });
        options(e, p);
        if (e.autoscaling().scaleToZero().isPresent()) {
            inferenceComponentProblems(e, p);
        }
        if (p.stream().noneMatch(x -> x.isError() && x.path().startsWith("spec.backends"))) {
            instance(e, p, new ArrayList<>());
        }
        return ValidationReport.of(p);
    }

    private static void options(InferenceEndpoint e, List<Problem> p) {
        Map<String, Object> o = e.backends().of(ID);
        Object type = o.get(OPTION_INSTANCE_TYPE);
        if (type != null) {
            if (!(type instanceof String s) || ProductionVariantInstanceType.fromValue(s) == ProductionVariantInstanceType.UNKNOWN_TO_SDK_VERSION) {
                p.add(Problem.error(path(OPTION_INSTANCE_TYPE), "'" + type + "' is not a SageMaker real-time instance type; use one such as ml.c5.xlarge, ml.m5.large or ml.g5.xlarge"));
            }
        }
        Object role = o.get(OPTION_EXECUTION_ROLE_ARN);
        if (role != null && (!(role instanceof String s) || s.length() > 2048 || !ROLE_ARN.matcher(s).matches())) {
            p.add(Problem.error(path(OPTION_EXECUTION_ROLE_ARN), "must be an IAM role ARN such as arn:aws:iam::123456789012:role/SageMakerExecutionRole"));
        }
        Object variant = o.get(OPTION_VARIANT_NAME);
        if (variant != null && (!(variant instanceof String s) || !NAME.matcher(s).matches())) {
            p.add(Problem.error(path(OPTION_VARIANT_NAME), "must be 1 to 63 letters, digits and '-', starting and ending with a letter or digit (SageMaker VariantName)"));
        }
        for (String key : List.of(OPTION_SCALE_OUT_COOLDOWN, OPTION_SCALE_IN_COOLDOWN)) {
            Object v = o.get(key);
            if (v != null && !(v instanceof BigDecimal d && d.signum() >= 0 && d.stripTrailingZeros().scale() <= 0 && d.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0)) {
                p.add(Problem.error(path(key), "must be a whole number of seconds, 0 or more; got '" + v + "'"));
            }
        }
    }

    /**
     * The rules of an inference component (botocore sagemaker 2017-07-24 {@code CreateInferenceComponentInput}): the name
     * {@code <endpoint>-ic} within 63 characters and {@code InferenceComponentName}'s pattern; MinMemoryRequiredInMb
     * (required, at least 128) from {@code spec.resources.requests.memory}; NumberOfCpuCoresRequired at least 0.25.
     */
    private static void inferenceComponentProblems(InferenceEndpoint e, List<Problem> p) {
        String ic = InferenceComponentParts.nameOf(e.name());
        if (ic.length() > 63 || !IC_NAME.matcher(ic).matches()) {
            p.add(Problem.error("metadata.name", "with spec.autoscaling.scaleToZero the model runs in a SageMaker inference component named '"
                    + ic + "', which must be at most 63 letters, digits and '-' (InferenceComponentName); shorten the name to at most "
                    + (63 - InferenceComponentParts.NAME_SUFFIX.length()) + " characters"));
        }
        Optional<Quantity> memory = e.resources().requests().memory();
        if (memory.isEmpty()) {
            p.add(Problem.error("spec.resources.requests.memory", "required with spec.autoscaling.scaleToZero on SageMaker: it becomes the "
                    + "inference component's MinMemoryRequiredInMb (at least " + IC_MIN_MEMORY_MIB + " MiB), e.g. memory: 2Gi"));
        } else if (mebibytes(memory.get()) < IC_MIN_MEMORY_MIB) {
            p.add(Problem.error("spec.resources.requests.memory", memory.get().text() + " is below SageMaker's smallest MinMemoryRequiredInMb, "
                    + IC_MIN_MEMORY_MIB + " MiB; request at least 128Mi"));
        }
        e.resources().requests().cpu().filter(c -> c.value().compareTo(IC_MIN_CPU_CORES) < 0).ifPresent(c -> p.add(Problem.error(
                "spec.resources.requests.cpu", c.text() + " is below SageMaker's smallest NumberOfCpuCoresRequired, 0.25 cores; request at least 250m")));
    }

    /** A memory quantity in MiB, rounded up (MinMemoryRequiredInMb is a whole number of MiB). */
    private static long mebibytes(Quantity q) {
        return q.value().divide(BigDecimal.valueOf(1024L * 1024L), 0, java.math.RoundingMode.CEILING).longValueExact();
    }

    private static boolean isVpcRegistry(InferenceEndpoint e) {
        return e.backends().string(ID, OPTION_REPOSITORY_ACCESS_MODE).filter("Vpc"::equals).isPresent();
    }

    private static String path(String option) {
        return "spec.backends." + ID + "." + option;
    }

    /**
     * The instance type this translator puts in the endpoint config for {@code e}: {@code spec.backends.sagemaker.instanceType}
     * when set, else the smallest catalogued type that fits the requests and accelerators; empty when none fits. Pure; used
     * by the simulator to price a replica.
     */
    public static Optional<String> instanceType(InferenceEndpoint e) {
        return instance(e, new ArrayList<>(), new ArrayList<>()).map(Map.Entry::getKey);
    }

    /** The instance type name and its catalogue entry (empty when not catalogued); adds problems and notes. */
    private static Optional<Map.Entry<String, Optional<InstanceType>>> instance(InferenceEndpoint e, List<Problem> p, List<Note> notes) {
        Optional<Accelerator> acc = e.resources().accelerator();
        ResourceList req = e.resources().requests().isEmpty() ? e.resources().limits() : e.resources().requests();
        BigDecimal cores = req.cpu().map(Quantity::value).orElse(BigDecimal.ZERO);
        BigDecimal memory = req.memory().map(Quantity::value).orElse(BigDecimal.ZERO);
        String wanted = (req.cpu().map(q -> "cpu " + q.text()).orElse("no cpu request")) + ", "
                + (req.memory().map(q -> "memory " + q.text()).orElse("no memory request"))
                + acc.map(a -> ", " + a.count() + "x " + a.type().id()).orElse("");
        AutoscalingPolicy policy = e.autoscaling();
        Optional<String> explicit = e.backends().string(ID, OPTION_INSTANCE_TYPE);
        if (explicit.isPresent()) {
            String name = explicit.get();
            Optional<InstanceType> cat = InstanceCatalogue.find(name);
            if (cat.isPresent()) {
                InstanceType t = cat.get();
                if (t.vcpus() < cores.doubleValue() || t.memoryBytes().compareTo(memory) < 0) {
                    p.add(Problem.error(path(OPTION_INSTANCE_TYPE), name + " (" + t.describe() + ") is smaller than the requests (" + wanted
                            + "); choose a larger type or remove the option to let InferScale choose"));
                }
                acc.ifPresent(a -> {
                    if (t.gpu() != a.type() || t.gpuCount() < a.count()) {
                        p.add(Problem.error("spec.resources.accelerator", name + " has " + (t.gpu() == null ? "no GPUs" : t.gpuCount() + "x " + t.gpu().id())
                                + ", but " + a.count() + "x " + a.type().id() + " are requested; use an " + InstanceCatalogue.family(a.type()) + ".* type"));
                    }
                });
            } else {
                for (TargetType tt : List.of(TargetType.CPU_UTILIZATION, TargetType.ACCELERATOR_UTILIZATION)) {
                    if (policy.target(tt).isPresent()) {
                        p.add(Problem.error(path(OPTION_INSTANCE_TYPE), name + " is not in InferScale's instance catalogue, so its "
                                + (tt == TargetType.CPU_UTILIZATION ? "vCPU" : "GPU") + " count is unknown and " + tt.path()
                                + " cannot be converted; use a catalogued type (" + catalogueFamilies() + ") or another target"));
                    }
                }
                if (acc.isPresent()) {
                    notes.add(Note.info("spec.resources.accelerator", name + " is not in InferScale's catalogue: its GPUs were not checked against " + acc.get()));
                }
            }
            notes.add(Note.derived(path(OPTION_INSTANCE_TYPE), "instance type " + name + " as given" + cat.map(t -> " (" + t.describe() + ")").orElse("")));
            return Optional.of(Map.entry(name, cat));
        }
        if (acc.isPresent() && acc.get().count() < 1) {
            return Optional.empty();
        }
        Optional<InstanceType> fit = InstanceCatalogue.smallestFitting(cores, memory, acc.map(Accelerator::type).orElse(null),
                acc.map(Accelerator::count).orElse(0));
        if (fit.isEmpty()) {
            if (acc.isPresent()) {
                Accelerator a = acc.get();
                int most = InstanceCatalogue.all().stream().filter(t -> t.gpu() == a.type()).mapToInt(InstanceType::gpuCount).max().orElse(0);
                p.add(Problem.error("spec.resources.accelerator", "no SageMaker " + InstanceCatalogue.family(a.type()) + ".* instance type has "
                        + a.count() + "x " + a.type().id() + " with " + wanted + " (at most " + most + " GPUs per instance)"
                        + "; lower the count or the requests, or set " + path(OPTION_INSTANCE_TYPE)));
            } else {
                p.add(Problem.error("spec.resources.requests", "no catalogued SageMaker instance type has " + wanted
                        + " (the largest CPU types are ml.m5.24xlarge with 96 vCPUs, 384 GiB and ml.r5.24xlarge with 96 vCPUs, 768 GiB); lower the requests or set "
                        + path(OPTION_INSTANCE_TYPE)));
            }
            return Optional.empty();
        }
        InstanceType t = fit.get();
        notes.add(Note.derived("spec.resources", "instance type " + t.name() + " (" + t.describe() + "): the smallest catalogued type with "
                + wanted + (req.isEmpty() ? " (no requests given)" : "") + "; set " + path(OPTION_INSTANCE_TYPE) + " to choose another"));
        return Optional.of(Map.entry(t.name(), Optional.of(t)));
    }

    /**
     * The catalogue entry of the instance type {@link #translate} renders for {@code e}: the given
     * {@code spec.backends.sagemaker.instanceType}, else the smallest catalogued type that fits the requests. Empty when
     * the given type is not catalogued or no type fits. Used by the simulator to measure what the rendered policies measure.
     */
    public static Optional<InstanceType> renderedInstanceType(InferenceEndpoint e) {
        return instance(e, new ArrayList<>(), new ArrayList<>()).flatMap(Map.Entry::getValue);
    }

    /**
     * {@code spec.model.startupSeconds} as the variant's ContainerStartupHealthCheckTimeoutInSeconds and, with model
     * data, ModelDataDownloadTimeoutInSeconds: botocore sagemaker 2017-07-24 {@code ProductionVariant}, both 60..3600.
     */
    private static void startupTimeouts(ModelSpec m, int seconds, ProductionVariant.Builder pv, List<Note> notes) {
        int timeout = Math.max(MIN_STARTUP_TIMEOUT_SECONDS, seconds);
        pv.containerStartupHealthCheckTimeoutInSeconds(timeout);
        m.artifactUri().ifPresent(u -> pv.modelDataDownloadTimeoutInSeconds(timeout));
        notes.add(seconds < MIN_STARTUP_TIMEOUT_SECONDS
                ? Note.approximated("spec.model.startupSeconds", seconds + " s -> " + timeout + " s, the shortest SageMaker accepts, for "
                        + "ContainerStartupHealthCheckTimeoutInSeconds" + (m.artifactUri().isPresent() ? " and ModelDataDownloadTimeoutInSeconds" : ""))
                : Note.derived("spec.model.startupSeconds", seconds + " s -> ContainerStartupHealthCheckTimeoutInSeconds"
                        + (m.artifactUri().isPresent() ? " and ModelDataDownloadTimeoutInSeconds" : "") + " " + timeout));
    }

    private static String catalogueFamilies() {
        return "ml.t2, ml.c5, ml.m5, ml.r5, ml.g4dn, ml.g5, ml.g6, ml.p4d, ml.p5";
    }

    /**
     * Translates an endpoint that passed validation on this backend ({@link #validate} and the neutral rules, as
     * {@code SageMakerBackend} checks before it translates): this method does not validate again.
     *
     * @param e                the endpoint, with its {@code spec.backends.sagemaker} overrides applied
     * @param configuredRole   the execution role from the configuration ({@value #ROLE_CONFIG_KEY}), or null;
     *                         {@code spec.backends.sagemaker.executionRoleArn} takes precedence
     * @return the requests in call order with the notes; a failed translation (no desired state) when no instance type
     *         fits the endpoint, which {@link #validate} reports too
     */
    public Translation<SageMakerDesiredState> translate(InferenceEndpoint e, String configuredRole) {
        List<Note> notes = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Optional<Map.Entry<String, Optional<InstanceType>>> chosen = instance(e, problems, notes);
        if (chosen.isEmpty() || problems.stream().anyMatch(Problem::isError)) {
            return Translation.failed(ValidationReport.of(problems.isEmpty()
                    ? List.of(Problem.error("spec.resources", "no catalogued instance type fits the endpoint's resources")) : problems));
        }
        Map.Entry<String, Optional<InstanceType>> inst = chosen.get();
        String instanceType = inst.getKey();
        Optional<InstanceType> cat = inst.getValue();
        String variant = e.backends().string(ID, OPTION_VARIANT_NAME).orElse(DEFAULT_VARIANT_NAME);
        String role = e.backends().string(ID, OPTION_EXECUTION_ROLE_ARN).orElse(configuredRole);
        if (role == null) {
            notes.add(Note.info(path(OPTION_EXECUTION_ROLE_ARN), "no execution role: CreateModel needs one to pull the image and model data; "
                    + "set --set " + ROLE_CONFIG_KEY + "=arn:aws:iam::<account>:role/<role> or " + path(OPTION_EXECUTION_ROLE_ARN)));
        }
        List<Tag> tags = tags(e);
        if (!e.resources().limits().isEmpty()) {
            notes.add(Note.info("spec.resources.limits", "SageMaker does not cap a container below its instance: the limits ("
                    + e.resources().limits().cpu().map(q -> "cpu " + q.text()).orElse("") + (e.resources().limits().cpu().isPresent()
                    && e.resources().limits().memory().isPresent() ? ", " : "") + e.resources().limits().memory().map(q -> "memory " + q.text()).orElse("")
                    + ") are not enforced; the container may use all of " + instanceType));
        }

        ModelSpec m = e.model();
        ContainerDefinition.Builder container = ContainerDefinition.builder().image(m.image().orElseThrow());
        m.artifactUri().ifPresent(container::modelDataUrl);
        if (isVpcRegistry(e)) {
            container.imageConfig(ImageConfig.builder().repositoryAccessMode(RepositoryAccessMode.VPC).build());
            notes.add(Note.derived(path(OPTION_REPOSITORY_ACCESS_MODE), "ImageConfig.RepositoryAccessMode Vpc: SageMaker pulls the image from "
                    + "a private Docker registry through the model's VPC, which the model needs (a VpcConfig, not set by InferScale); see "
                    + "https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-containers-inference-private.html"));
        }
        if (!m.env().isEmpty()) {
            container.environment(new LinkedHashMap<>(m.env()));
        }
        CreateModelRequest model = CreateModelRequest.builder().primaryContainer(container.build()).executionRoleArn(role).tags(tags).build();
        String modelName = name(e.name(), "m", model);
        model = model.toBuilder().modelName(modelName).build();

        // The hash leaves InitialInstanceCount out: it only matters when the endpoint is created; afterwards the
        // scalable target's MinCapacity/MaxCapacity govern the count, so a new minReplicas needs no new config.
        boolean ic = e.autoscaling().scaleToZero().isPresent();
        ProductionVariant.Builder pv = ProductionVariant.builder().variantName(variant).instanceType(instanceType).initialVariantWeight(1.0f);
        CreateEndpointConfigRequest.Builder configContent = CreateEndpointConfigRequest.builder();
        int initialInstances = e.autoscaling().minReplicas();
        if (ic) {
            inferenceComponentVariant(e, pv, notes);
            // an endpoint that hosts inference components names its execution role in the config (CreateEndpointConfig
            // ExecutionRoleArn), and starts with one instance (InitialInstanceCount min 1); managed instance scaling then
            // removes it when no copy is placed on it
            configContent.executionRoleArn(role);
            initialInstances = 1;
        } else {
            pv.modelName(modelName);
            m.startupSeconds().ifPresent(sec -> startupTimeouts(m, sec, pv, notes));
        }
        String configName = name(e.name(), "c", configContent.productionVariants(pv.build()).tags(tags).build());
        CreateEndpointConfigRequest config = configContent.endpointConfigName(configName)
                .productionVariants(pv.initialInstanceCount(initialInstances).build()).tags(tags).build();

        // The endpoint outlives configs (an update keeps it) and its tags are set at creation: the model reference lives
        // on the immutable model and config only, where it is always right.
        CreateEndpointRequest endpoint = CreateEndpointRequest.builder().endpointName(e.name()).endpointConfigName(configName)
                .tags(tags.stream().filter(tag -> !tag.key().equals(MODEL_TAG)).toList()).build();

        AutoscalingPolicy policy = e.autoscaling();
        String resourceId = ic ? InferenceComponentParts.resourceIdOf(e.name()) : SageMakerDesiredState.resourceId(e.name(), variant);
        String dimension = ic ? IC_SCALABLE_DIMENSION : SCALABLE_DIMENSION;
        RegisterScalableTargetRequest.Builder target = RegisterScalableTargetRequest.builder().serviceNamespace(ServiceNamespace.SAGEMAKER)
                .resourceId(resourceId).scalableDimension(dimension)
                .minCapacity(policy.minReplicas()).maxCapacity(policy.maxReplicas());
        if (policy.behavior().scaleUp().map(ScalingRules::isDisabled).orElse(false)) {
            target.suspendedState(SuspendedState.builder().dynamicScalingOutSuspended(true).build());
            notes.add(Note.derived("spec.autoscaling.behavior.scaleUp.selectPolicy", "scale-up disabled: the scalable target is registered with SuspendedState.DynamicScalingOutSuspended=true"));
        }

        int scaleOut = cooldown(e, OPTION_SCALE_OUT_COOLDOWN, policy.behavior().scaleUp(), "scaleUp", "ScaleOutCooldown", notes);
        int scaleIn = ic ? idleCooldown(e, notes)
                : cooldown(e, OPTION_SCALE_IN_COOLDOWN, policy.behavior().scaleDown(), "scaleDown", "ScaleInCooldown", notes);
        boolean disableScaleIn = policy.behavior().scaleDown().map(ScalingRules::isDisabled).orElse(false);
        if (disableScaleIn) {
            notes.add(Note.derived("spec.autoscaling.behavior.scaleDown.selectPolicy", "scale-down disabled: every policy has DisableScaleIn=true"));
        }
        List<PutScalingPolicyRequest> policies = new ArrayList<>();
        for (ScalingTarget st : policy.targets()) {
            TargetTrackingScalingPolicyConfiguration.Builder c = TargetTrackingScalingPolicyConfiguration.builder();
            BigDecimal value = st.value();
            if (ic) {
                value = inferenceComponentTarget(e, st, c, notes);
                c.targetValue(value.doubleValue()).scaleOutCooldown(scaleOut).scaleInCooldown(scaleIn).disableScaleIn(disableScaleIn);
                policies.add(PutScalingPolicyRequest.builder().policyName(inferenceComponentPolicyName(st.type())).serviceNamespace(ServiceNamespace.SAGEMAKER)
                        .resourceId(resourceId).scalableDimension(dimension)
                        .policyType(PolicyType.TARGET_TRACKING_SCALING).targetTrackingScalingPolicyConfiguration(c.build()).build());
                continue;
            }
            switch (st.type()) {
                case CPU_UTILIZATION -> {
                    InstanceType t = cat.orElseThrow();
                    value = cpuUtilizationTarget(e, st.value(), t);
                    c.customizedMetricSpecification(custom("CPUUtilization", e.name(), variant));
                    notes.add(cpuTargetNote(e, st.value(), value, t));
                }
                case MEMORY_UTILIZATION -> {
                    c.customizedMetricSpecification(custom("MemoryUtilization", e.name(), variant));
                    notes.add(Note.derived(st.type().path(), plain(value) + "% memory → MemoryUtilization target " + plain(value)
                            + " (percent of the instance's memory, 0–100)"));
                }
                case REQUESTS_PER_SECOND -> {
                    value = st.value().multiply(BigDecimal.valueOf(60));
                    c.predefinedMetricSpecification(PredefinedMetricSpecification.builder()
                            .predefinedMetricType(MetricType.SAGE_MAKER_VARIANT_INVOCATIONS_PER_INSTANCE).build());
                    notes.add(Note.derived(st.type().path(), plain(st.value()) + " requests/s per replica → SageMakerVariantInvocationsPerInstance target "
                            + plain(value) + " (invocations per instance per minute = rps × 60)"));
                }
                case CONCURRENT_REQUESTS -> {
                    c.predefinedMetricSpecification(PredefinedMetricSpecification.builder()
                            .predefinedMetricType(MetricType.SAGE_MAKER_VARIANT_CONCURRENT_REQUESTS_PER_MODEL_HIGH_RESOLUTION).build());
                    notes.add(Note.derived(st.type().path(), plain(value) + " concurrent requests per replica → SageMakerVariantConcurrentRequestsPerModelHighResolution target " + plain(value)));
                }
                case ACCELERATOR_UTILIZATION -> {
                    InstanceType t = cat.orElseThrow();
                    int gpus = Math.max(1, t.gpuCount());
                    value = st.value().multiply(BigDecimal.valueOf(gpus));
                    c.customizedMetricSpecification(custom("GPUUtilization", e.name(), variant));
                    notes.add(Note.derived(st.type().path(), plain(st.value()) + "% GPU → GPUUtilization target " + plain(value)
                            + " (SageMaker sums utilization over the " + gpus + " GPUs of " + t.name() + ")"));
                }
                default -> throw new IllegalStateException(String.valueOf(st.type()));
            }
            c.targetValue(value.doubleValue()).scaleOutCooldown(scaleOut).scaleInCooldown(scaleIn).disableScaleIn(disableScaleIn);
            policies.add(PutScalingPolicyRequest.builder().policyName(policyName(st.type())).serviceNamespace(ServiceNamespace.SAGEMAKER)
                    .resourceId(resourceId).scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)
                    .policyType(PolicyType.TARGET_TRACKING_SCALING).targetTrackingScalingPolicyConfiguration(c.build()).build());
        }
        if (policies.size() > 1) {
            notes.add(Note.info("spec.autoscaling", policies.size() + " target-tracking policies: Application Auto Scaling scales out when any policy asks and scales in only when all allow it"));
        }
        InferenceComponentParts parts = ic ? inferenceComponent(e, modelName, variant, resourceId, tags, notes) : null;
        return Translation.of(new SageMakerDesiredState(e.name(), variant, modelName, configName, instanceType, cat, model, config, endpoint,
                target.build(), policies, notes, parts), notes);
    }

    /**
     * The production variant of an endpoint that hosts an inference component and may scale to zero instances: no
     * ModelName (the inference component names the model), ManagedInstanceScaling ENABLED from 0 to maxReplicas
     * instances, and RoutingConfig LEAST_OUTSTANDING_REQUESTS, as in "Scale an endpoint to zero instances"
     * (https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html: "In the endpoint
     * configuration, for the production variant ManagedInstanceScaling object, you've set the MinInstanceCount parameter to 0").
     */
    private static void inferenceComponentVariant(InferenceEndpoint e, ProductionVariant.Builder pv, List<Note> notes) {
        int max = e.autoscaling().maxReplicas();
        pv.managedInstanceScaling(ProductionVariantManagedInstanceScaling.builder().status(ManagedInstanceScalingStatus.ENABLED)
                        .minInstanceCount(0).maxInstanceCount(max).build())
                .routingConfig(ProductionVariantRoutingConfig.builder().routingStrategy(RoutingStrategy.LEAST_OUTSTANDING_REQUESTS).build());
        notes.add(Note.derived("spec.autoscaling.scaleToZero", "scale to zero → the model runs in the inference component "
                + InferenceComponentParts.nameOf(e.name()) + " on an endpoint with ManagedInstanceScaling ENABLED, MinInstanceCount 0, "
                + "MaxInstanceCount " + max + " (one copy per instance at most: the copy reserves the replica's requests); "
                + "the scalable target is the component's copy count, 0.." + max));
        notes.add(Note.info("spec.autoscaling.scaleToZero", "at zero copies SageMaker answers every request with an error until a copy "
                + "is placed: the failed requests count in the CloudWatch metric NoCapacityInvocationFailures, whose alarm runs the "
                + "step policy " + InferenceComponentParts.STEP_POLICY_NAME + " (+1 copy); provisioning then takes several minutes "
                + "(https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html)"));
    }

    /**
     * ScaleInCooldown of an inference component's target-tracking policies: {@code scaleInCooldownSeconds} when given,
     * else {@code scaleToZero.idleSeconds}. Approximated: target tracking removes the last copy once its own scale-in alarm
     * (managed by Application Auto Scaling) has seen the metric below target, and no sooner than the cooldown after the
     * previous scale-in; it has no "idle for N seconds" setting.
     */
    private static int idleCooldown(InferenceEndpoint e, List<Note> notes) {
        Optional<Object> explicit = e.backends().get(ID, OPTION_SCALE_IN_COOLDOWN);
        if (explicit.isPresent()) {
            int v = ((BigDecimal) explicit.get()).intValueExact();
            notes.add(Note.derived(path(OPTION_SCALE_IN_COOLDOWN), "ScaleInCooldown " + v + " s as given (instead of scaleToZero.idleSeconds)"));
            return v;
        }
        int idle = e.autoscaling().scaleToZero().orElseThrow().idleSeconds();
        String ignored = e.autoscaling().behavior().scaleDown().flatMap(ScalingRules::stabilizationWindowSeconds)
                .map(w -> "; behavior.scaleDown.stabilizationWindowSeconds (" + w + " s) is not used").orElse("");
        notes.add(Note.approximated("spec.autoscaling.scaleToZero.idleSeconds", "idleSeconds " + idle + " → ScaleInCooldown " + idle
                + " s of the target-tracking policies: the last copy goes once target tracking's own scale-in alarm (Application Auto "
                + "Scaling's, not configurable) sees the metric below target, and no sooner than " + idle + " s after the previous scale-in"
                + ignored));
        return idle;
    }

    /** The metric and TargetValue of one target on an inference component's copies; returns the TargetValue. */
    private static BigDecimal inferenceComponentTarget(InferenceEndpoint e, ScalingTarget st, TargetTrackingScalingPolicyConfiguration.Builder c,
                                                       List<Note> notes) {
        String path = st.type().path();
        BigDecimal value = st.value();
        switch (st.type()) {
            case REQUESTS_PER_SECOND -> {
                value = st.value().multiply(BigDecimal.valueOf(60));
                c.predefinedMetricSpecification(PredefinedMetricSpecification.builder()
                        .predefinedMetricType(MetricType.SAGE_MAKER_INFERENCE_COMPONENT_INVOCATIONS_PER_COPY).build());
                notes.add(Note.derived(path, plain(st.value()) + " requests/s per replica → SageMakerInferenceComponentInvocationsPerCopy target "
                        + plain(value) + " (invocations per copy per minute = rps × 60)"));
            }
            case CONCURRENT_REQUESTS -> {
                c.predefinedMetricSpecification(PredefinedMetricSpecification.builder()
                        .predefinedMetricType(MetricType.SAGE_MAKER_INFERENCE_COMPONENT_CONCURRENT_REQUESTS_PER_COPY_HIGH_RESOLUTION).build());
                notes.add(Note.derived(path, plain(value) + " concurrent requests per replica → "
                        + "SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution target " + plain(value)));
            }
            case CPU_UTILIZATION, MEMORY_UTILIZATION, ACCELERATOR_UTILIZATION -> {
                String metric = switch (st.type()) {
                    case CPU_UTILIZATION -> "CPUUtilizationNormalized";
                    case MEMORY_UTILIZATION -> "MemoryUtilizationNormalized";
                    default -> "GPUUtilizationNormalized";
                };
                c.customizedMetricSpecification(CustomizedMetricSpecification.builder().metricName(metric).namespace(IC_METRICS_NAMESPACE)
                        .dimensions(MetricDimension.builder().name("InferenceComponentName").value(InferenceComponentParts.nameOf(e.name())).build())
                        .statistic(MetricStatistic.AVERAGE).build());
                notes.add(Note.derived(path, plain(value) + "% → " + metric + " target " + plain(value)
                        + " (percent of what each copy reserved, " + IC_METRICS_NAMESPACE + ")"));
                notes.add(Note.info(path, "a utilization target lets target tracking keep a copy while the container uses any of its "
                        + "reservation; a requests-per-second or concurrency target scales to zero copies more reliably"));
            }
            default -> throw new IllegalStateException(String.valueOf(st.type()));
        }
        return value;
    }

    /**
     * CreateInferenceComponent (the model, compute requirements from {@code spec.resources.requests}, 1 copy), the step
     * policy and the CloudWatch alarm that scale out from zero copies ("Scale an endpoint to zero instances").
     */
    private static InferenceComponentParts inferenceComponent(InferenceEndpoint e, String modelName, String variant, String resourceId,
                                                              List<Tag> tags, List<Note> notes) {
        String name = InferenceComponentParts.nameOf(e.name());
        InferenceComponentComputeResourceRequirements.Builder compute = InferenceComponentComputeResourceRequirements.builder()
                .minMemoryRequiredInMb((int) mebibytes(e.resources().requests().memory().orElseThrow()));
        e.resources().requests().cpu().ifPresent(c -> compute.numberOfCpuCoresRequired(c.value().floatValue()));
        e.resources().accelerator().ifPresent(a -> compute.numberOfAcceleratorDevicesRequired((float) a.count()));
        InferenceComponentSpecification.Builder spec = InferenceComponentSpecification.builder().modelName(modelName)
                .computeResourceRequirements(compute.build());
        e.model().startupSeconds().ifPresent(sec -> {
            int timeout = Math.max(MIN_STARTUP_TIMEOUT_SECONDS, sec);
            InferenceComponentStartupParameters.Builder startup = InferenceComponentStartupParameters.builder().containerStartupHealthCheckTimeoutInSeconds(timeout);
            e.model().artifactUri().ifPresent(u -> startup.modelDataDownloadTimeoutInSeconds(timeout));
            spec.startupParameters(startup.build());
            notes.add(Note.derived("spec.model.startupSeconds", sec + " s -> the inference component's StartupParameters " + timeout + " s"));
        });
        notes.add(Note.derived("spec.resources.requests", "the inference component reserves per copy: " + compute.build().minMemoryRequiredInMb()
                + " MiB" + e.resources().requests().cpu().map(c -> ", " + plain(c.value()) + " cores").orElse("")
                + e.resources().accelerator().map(a -> ", " + a.count() + " accelerator(s)").orElse("")));
        CreateInferenceComponentRequest create = CreateInferenceComponentRequest.builder().inferenceComponentName(name).endpointName(e.name())
                .variantName(variant).specification(spec.build()).runtimeConfig(InferenceComponentRuntimeConfig.builder().copyCount(1).build())
                .tags(tags).build();
        PutScalingPolicyRequest step = PutScalingPolicyRequest.builder().policyName(InferenceComponentParts.STEP_POLICY_NAME)
                .serviceNamespace(ServiceNamespace.SAGEMAKER).resourceId(resourceId).scalableDimension(IC_SCALABLE_DIMENSION)
                .policyType(PolicyType.STEP_SCALING).stepScalingPolicyConfiguration(StepScalingPolicyConfiguration.builder()
                        .adjustmentType(AdjustmentType.CHANGE_IN_CAPACITY).metricAggregationType(MetricAggregationType.MAXIMUM)
                        .cooldown(STEP_COOLDOWN_SECONDS).stepAdjustments(StepAdjustment.builder().metricIntervalLowerBound(0.0).scalingAdjustment(1).build())
                        .build()).build();
        PutMetricAlarmRequest alarm = PutMetricAlarmRequest.builder().alarmName(InferenceComponentParts.alarmNameOf(e.name()))
                .alarmDescription("InferScale: adds a copy of " + name + " when a request found none (scale out from zero)")
                .alarmActions(InferenceComponentParts.POLICY_ARN_PLACEHOLDER).metricName("NoCapacityInvocationFailures").namespace("AWS/SageMaker")
                .dimensions(Dimension.builder().name("InferenceComponentName").value(name).build()).statistic(Statistic.SUM)
                .period(ALARM_PERIOD_SECONDS).evaluationPeriods(1).datapointsToAlarm(1).threshold(ALARM_THRESHOLD).comparisonOperator(ALARM_COMPARISON).build();
        notes.add(Note.derived("spec.autoscaling.scaleToZero", "scale-out from zero: CloudWatch alarm " + alarm.alarmName()
                + " (NoCapacityInvocationFailures Sum >= 1 in 60 s) → step policy " + step.policyName() + " (+1 copy, cooldown "
                + STEP_COOLDOWN_SECONDS + " s); AWS's example compares with GreaterThanThreshold, InferScale with "
                + "GreaterThanOrEqualToThreshold so that the first failed request wakes the endpoint"));
        return new InferenceComponentParts(name, create, step, alarm);
    }

    /**
     * The cores a CPU utilization target is a percentage of: {@code spec.resources.requests.cpu}, as for a Kubernetes
     * HPA (utilization = usage / request). Empty without a positive CPU request (the neutral validator rejects a CPU
     * target without one). Pure; the simulator measures {@code CPUUtilization} against the same cores.
     */
    public static Optional<BigDecimal> cpuRequestCores(InferenceEndpoint e) {
        return e.resources().requests().cpu().map(Quantity::value).filter(v -> v.signum() > 0);
    }

    /**
     * The {@code TargetValue} of the {@code CPUUtilization} policy for a CPU target of {@code percent} % of the
     * replica's CPU request on instance type {@code t}. CloudWatch reports CPUUtilization as the sum of each core's
     * utilization (0 to 100 × vCPUs; AWS docs, "SageMaker AI metrics in Amazon CloudWatch",
     * https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html), so the threshold in cores is kept:
     * {@code percent / 100 × requests.cpu cores × 100 = percent × requests.cpu}; 60 % of 500m → 30. Without a CPU
     * request ({@link #cpuRequestCores} empty) the percentage is taken of the whole instance: {@code percent × vCPUs}.
     * Never above {@code 100 × vCPUs}, the metric's ceiling (the instance holds the request, so only a request larger
     * than an explicitly given instance type could exceed it, which {@link #validate} rejects). Pure.
     *
     * @param percent the neutral target, 1 to 100
     * @return the target in CPUUtilization's unit (% summed over the instance's cores), greater than 0
     */
    public static BigDecimal cpuUtilizationTarget(InferenceEndpoint e, BigDecimal percent, InstanceType t) {
        BigDecimal vcpus = BigDecimal.valueOf(t.vcpus());
        return percent.multiply(cpuRequestCores(e).orElse(vcpus)).min(vcpus.multiply(BigDecimal.valueOf(100)));
    }

    /** The DERIVED note of a CPU target: the threshold in cores and the CPUUtilization target on the instance. */
    private static Note cpuTargetNote(InferenceEndpoint e, BigDecimal percent, BigDecimal value, InstanceType t) {
        String scale = "(SageMaker sums utilization over the " + t.vcpus() + " vCPUs of " + t.name() + ": 0–" + (100 * t.vcpus()) + "%)";
        String path = TargetType.CPU_UTILIZATION.path();
        Optional<Quantity> request = e.resources().requests().cpu().filter(q -> q.value().signum() > 0);
        if (request.isEmpty()) {
            return Note.derived(path, plain(percent) + "% CPU of the whole instance (no requests.cpu to take it of) → CPUUtilization target "
                    + plain(value) + " " + scale);
        }
        return Note.derived(path, plain(percent) + "% of the " + request.get().text() + " CPU request = " + plain(value.movePointLeft(2))
                + " cores → CPUUtilization target " + plain(value) + " " + scale);
    }

    private static int cooldown(InferenceEndpoint e, String option, Optional<ScalingRules> rules, String dir, String field, List<Note> notes) {
        Optional<Object> explicit = e.backends().get(ID, option);
        if (explicit.isPresent()) {
            int v = ((BigDecimal) explicit.get()).intValueExact();
            notes.add(Note.derived(path(option), field + " " + v + " s as given"));
            return v;
        }
        Optional<Integer> window = rules.flatMap(ScalingRules::stabilizationWindowSeconds);
        if (window.isPresent()) {
            notes.add(Note.approximated("spec.autoscaling.behavior." + dir + ".stabilizationWindowSeconds", "stabilization window "
                    + window.get() + " s → " + field + " " + window.get() + " s: a cooldown waits after each scaling activity instead of "
                    + "looking back over the window's recommendations"));
            return window.get();
        }
        return AWS_DEFAULT_COOLDOWN_SECONDS;
    }

    private static CustomizedMetricSpecification custom(String metric, String endpoint, String variant) {
        return CustomizedMetricSpecification.builder().metricName(metric).namespace(ENDPOINT_METRICS_NAMESPACE)
                .dimensions(MetricDimension.builder().name("EndpointName").value(endpoint).build(),
                        MetricDimension.builder().name("VariantName").value(variant).build())
                .statistic(MetricStatistic.AVERAGE).build();
    }

    private static List<Tag> tags(InferenceEndpoint e) {
        List<Tag> tags = new ArrayList<>();
        tags.add(Tag.builder().key(MANAGED_BY_TAG).value("inferscale").build());
        tags.add(Tag.builder().key(ENDPOINT_TAG).value(e.name()).build());
        tags.add(Tag.builder().key(MODEL_TAG).value(e.model().reference()).build());
        e.labels().forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
        return tags;
    }

    /** {@code <endpoint prefix>-<kind>-<10 hex digits of the content hash>}, at most 63 characters. */
    static String name(String endpoint, String kind, SdkPojo content) {
        String hash = RequestTree.hash(Json.write(RequestTree.of(content)), HASH_CHARS);
        return prefix(endpoint, kind) + hash;
    }

    /**
     * The part of a model or config name before the hash: the endpoint's name, or, when it is too long to fit, its
     * first characters plus 6 hex digits of the whole name's hash, so that two long endpoint names sharing their
     * first 50 characters never claim (and clean up) each other's models and configs.
     */
    public static String prefix(String endpoint, String kind) {
        int max = 63 - HASH_CHARS - 3;
        String p = endpoint;
        if (endpoint.length() > max) {
            p = endpoint.substring(0, max - 7);
            while (p.endsWith("-")) {
                p = p.substring(0, p.length() - 1);
            }
            p = p + "-" + RequestTree.hash(endpoint, 6);
        }
        return p + "-" + kind + "-";
    }

    /** True when {@code name} is a model ({@code kind} "m") or config ("c") name InferScale made for {@code endpoint}. */
    public static boolean isOwnName(String endpoint, String kind, String name) {
        String p = prefix(endpoint, kind);
        return name.startsWith(p) && name.length() == p.length() + HASH_CHARS && name.substring(p.length()).matches("[0-9a-f]+");
    }

    private static String plain(BigDecimal d) {
        return d.stripTrailingZeros().scale() <= 0 ? d.toBigIntegerExact().toString() : d.stripTrailingZeros().toPlainString();
    }

}
