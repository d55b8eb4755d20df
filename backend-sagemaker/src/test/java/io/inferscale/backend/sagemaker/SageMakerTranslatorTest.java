package io.inferscale.backend.sagemaker;

import io.inferscale.api.Accelerator;
import io.inferscale.api.AcceleratorType;
import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.ScaleToZero;
import io.inferscale.api.ScalingBehavior;
import io.inferscale.api.ScalingPolicy;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Note;
import io.inferscale.api.validation.Problem;
import io.inferscale.backend.sagemaker.internal.InstanceCatalogue;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantInstanceType;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.inferscale.backend.sagemaker.SageMakerTestSupport.ROLE;
import static io.inferscale.backend.sagemaker.SageMakerTestSupport.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SageMakerTranslatorTest {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
    private final SageMakerTranslator translator = new SageMakerTranslator();
    private final SageMakerBackend offline = SageMakerBackend.create(BackendConfig.of(Map.of("sagemaker.region", "us-east-1")));

    private static void golden(String name, String actual) throws IOException {
        SageMakerTestSupport.golden(name, actual);
    }

    private static double target(SageMakerDesiredState t, TargetType type) {
        return t.scalingPolicies().stream().filter(p -> p.policyName().equals(SageMakerTranslator.policyName(type))).findFirst()
                .map(PutScalingPolicyRequest::targetTrackingScalingPolicyConfiguration).orElseThrow().targetValue();
    }

    private static InferenceEndpoint gpuEndpoint() {
        return seed().toBuilder().name("gpu-endpoint")
                .model(seed().model().toBuilder().artifactUri("s3://my-bucket/models/my-ml-model/model.tar.gz").env("MODEL_THREADS", "4").build())
                .resources(Resources.of(ResourceList.of("2", "8Gi"), ResourceList.empty(), new Accelerator(AcceleratorType.NVIDIA_T4, 1)))
                .autoscaling(AutoscalingPolicy.builder().minReplicas(2).maxReplicas(10)
                        .target(TargetType.MEMORY_UTILIZATION, 75).target(TargetType.REQUESTS_PER_SECOND, 20)
                        .target(TargetType.CONCURRENT_REQUESTS, 4).target(TargetType.ACCELERATOR_UTILIZATION, 70)
                        .behavior(ScalingBehavior.of(ScalingRules.stabilization(60), ScalingRules.disabled())).build())
                .build();
    }

    @Nested
    @DisplayName("golden renderings")
    class Golden {
        @Test
        @DisplayName("the seed with an image: ml.c5.large chosen, 60% of the 500m CPU request becomes CPUUtilization 30 (0.3 cores)")
        void seedGolden() throws IOException {
            SageMakerDesiredState t = translator.translate(seed(), ROLE).desired();
            assertThat(t.instanceType()).isEqualTo("ml.c5.large");
            // 60 / 100 x 0.5 cores = 0.3 cores; CPUUtilization sums the cores' percentages, so 0.3 cores = 30
            assertThat(target(t, TargetType.CPU_UTILIZATION)).isEqualTo(30.0);
            assertThat(t.notes()).filteredOn(n -> n.path().equals("spec.autoscaling.targetCPUUtilizationPercentage")).extracting(Note::message)
                    .containsExactly("60% of the 500m CPU request = 0.3 cores → CPUUtilization target 30 "
                            + "(SageMaker sums utilization over the 2 vCPUs of ml.c5.large: 0–200%)");
            golden("seed.json", t.toJson());
        }

        @Test
        @DisplayName("60% of 500m on ml.c5.xlarge (4 vCPUs) is CPUUtilization 30 as on ml.c5.large: the threshold in cores does not depend on the instance")
        void cpuKeepsTheRequestsCores() throws IOException {
            InferenceEndpoint e = seed().toBuilder().option("sagemaker", "instanceType", "ml.c5.xlarge").build();
            SageMakerDesiredState t = translator.translate(e, ROLE).desired();
            assertThat(target(t, TargetType.CPU_UTILIZATION)).isEqualTo(30.0);
            var spec = t.scalingPolicies().get(0).targetTrackingScalingPolicyConfiguration().customizedMetricSpecification();
            assertThat(spec.metricName()).isEqualTo("CPUUtilization");
            assertThat(spec.namespace()).isEqualTo("/aws/sagemaker/Endpoints");
            assertThat(spec.statisticAsString()).isEqualTo("Average");
            assertThat(spec.dimensions()).extracting(d -> d.name() + "=" + d.value())
                    .containsExactly("EndpointName=my-model-endpoint", "VariantName=AllTraffic");
            assertThat(t.notes()).extracting(Note::message).contains("60% of the 500m CPU request = 0.3 cores → CPUUtilization target 30 "
                    + "(SageMaker sums utilization over the 4 vCPUs of ml.c5.xlarge: 0–400%)");
            golden("seed-c5-xlarge.json", t.toJson());
        }

        @Test
        @DisplayName("GPU endpoint: T4 → ml.g4dn.xlarge, rps × 60, concurrency, memory, GPU, cooldown from the window, DisableScaleIn")
        void gpuGolden() throws IOException {
            SageMakerDesiredState t = translator.translate(gpuEndpoint(), ROLE).desired();
            assertThat(t.instanceType()).isEqualTo("ml.g4dn.xlarge");
            assertThat(target(t, TargetType.REQUESTS_PER_SECOND)).isEqualTo(1200.0);
            assertThat(target(t, TargetType.CONCURRENT_REQUESTS)).isEqualTo(4.0);
            assertThat(target(t, TargetType.MEMORY_UTILIZATION)).isEqualTo(75.0);
            assertThat(target(t, TargetType.ACCELERATOR_UTILIZATION)).isEqualTo(70.0);
            assertThat(t.scalingPolicies()).allSatisfy(p -> {
                assertThat(p.targetTrackingScalingPolicyConfiguration().scaleOutCooldown()).isEqualTo(60);
                assertThat(p.targetTrackingScalingPolicyConfiguration().scaleInCooldown()).isEqualTo(300);
                assertThat(p.targetTrackingScalingPolicyConfiguration().disableScaleIn()).isTrue();
            });
            assertThat(t.notes()).filteredOn(n -> n.kind() == Note.Kind.APPROXIMATED).extracting(Note::path)
                    .containsExactly("spec.autoscaling.behavior.scaleUp.stabilizationWindowSeconds");
            golden("gpu-multi-target.json", t.toJson());
        }

        @Test
        @DisplayName("options, labels and a disabled scale-up: variant name, explicit type, repository access, start-up timeouts, cooldowns, tags, SuspendedState")
        void optionsGolden() throws IOException {
            InferenceEndpoint e = seed().toBuilder().name("options-endpoint").label("team", "ml-platform").label("app.kubernetes.io/name", "scorer")
                    .option("sagemaker", "instanceType", "ml.m5.xlarge").option("sagemaker", "variantName", "Blue")
                    .option("sagemaker", "repositoryAccessMode", "Vpc")
                    .model(seed().model().toBuilder().startupSeconds(900).artifactUri("s3://my-bucket/model.tar.gz").build())
                    .option("sagemaker", "scaleOutCooldownSeconds", new BigDecimal(120)).option("sagemaker", "scaleInCooldownSeconds", new BigDecimal(600))
                    .option("sagemaker", "executionRoleArn", "arn:aws:iam::123456789012:role/service-role/AmazonSageMaker-ExecutionRole")
                    .autoscaling(AutoscalingPolicy.builder().minReplicas(2).maxReplicas(4).target(TargetType.CPU_UTILIZATION, 50)
                            .target(TargetType.REQUESTS_PER_SECOND, new BigDecimal("2.5"))
                            .behavior(ScalingBehavior.of(ScalingRules.disabled(), null)).build())
                    .build();
            SageMakerDesiredState t = translator.translate(e, ROLE).desired();
            assertThat(t.createModel().executionRoleArn()).endsWith("AmazonSageMaker-ExecutionRole");
            assertThat(target(t, TargetType.CPU_UTILIZATION)).isEqualTo(25.0); // 50 % of the 500m request = 0.25 cores
            assertThat(target(t, TargetType.REQUESTS_PER_SECOND)).isEqualTo(150.0);
            assertThat(t.resourceId()).isEqualTo("endpoint/options-endpoint/variant/Blue");
            golden("options.json", t.toJson());
        }

        @Test
        @DisplayName("render through the backend works offline without a role and says so in a note")
        void renderOffline() throws IOException {
            var r = offline.render(seed());
            assertThat(r.format()).isEqualTo("json");
            assertThat(r.text()).doesNotContain("ExecutionRoleArn");
            assertThat(r.notes()).extracting(Note::message).anyMatch(m -> m.contains("--set sagemaker.executionRoleArn="));
            golden("seed-offline.json", r.text());
        }
    }

    @Nested
    @DisplayName("CPU target: % of the CPU request, kept in cores")
    class CpuTarget {
        private InferenceEndpoint cpu(int percent, ResourceList requests) {
            return seed().toBuilder().resources(Resources.of(requests, ResourceList.empty()))
                    .autoscaling(AutoscalingPolicy.builder().maxReplicas(5).target(TargetType.CPU_UTILIZATION, percent).build()).build();
        }

        @Test
        @DisplayName("75% of 1500m on ml.c5.large (2 vCPUs) is 1.125 cores: CPUUtilization 112.5, a double as TargetValue is")
        void fractionalCores() {
            SageMakerDesiredState t = translator.translate(cpu(75, ResourceList.of("1500m", "1Gi")), ROLE).desired();
            assertThat(t.instanceType()).isEqualTo("ml.c5.large");
            assertThat(target(t, TargetType.CPU_UTILIZATION)).isEqualTo(112.5);
            assertThat(t.notes()).extracting(Note::message).contains("75% of the 1500m CPU request = 1.125 cores → CPUUtilization target "
                    + "112.5 (SageMaker sums utilization over the 2 vCPUs of ml.c5.large: 0–200%)");
        }

        @Test
        @DisplayName("100% of a request as large as the instance is the metric's ceiling, 100 x vCPUs")
        void wholeInstance() {
            SageMakerDesiredState t = translator.translate(cpu(100, ResourceList.of("2", "1Gi")).toBuilder()
                    .option("sagemaker", "instanceType", "ml.c5.large").build(), ROLE).desired();
            assertThat(target(t, TargetType.CPU_UTILIZATION)).isEqualTo(200.0);
        }

        @Test
        @DisplayName("without requests.cpu (the neutral validator rejects it; the translator alone does not) the % is of the whole instance")
        void noCpuRequest() {
            SageMakerDesiredState t = translator.translate(cpu(60, ResourceList.of((String) null, "1Gi")), ROLE).desired();
            assertThat(t.instanceType()).isEqualTo("ml.c5.large");
            assertThat(target(t, TargetType.CPU_UTILIZATION)).isEqualTo(120.0); // 60 x 2 vCPUs
            assertThat(t.notes()).extracting(Note::message).contains("60% CPU of the whole instance (no requests.cpu to take it of) → "
                    + "CPUUtilization target 120 (SageMaker sums utilization over the 2 vCPUs of ml.c5.large: 0–200%)");
        }
    }

    @Nested
    @DisplayName("names")
    class Names {
        @Test
        @DisplayName("model and config names match SageMaker's pattern, stay within 63 characters and end in a content hash")
        void namesAreValid() {
            String longName = "a-very-long-endpoint-name-that-goes-on-and-on-and-on-until-63ch";
            assertThat(longName).hasSize(63);
            SageMakerDesiredState t = translator.translate(seed().toBuilder().name(longName).build(), ROLE).desired();
            for (String n : List.of(t.modelName(), t.endpointConfigName(), t.endpointName(), t.variantName())) {
                assertThat(n).hasSizeLessThanOrEqualTo(63).matches(NAME);
            }
            assertThat(t.modelName()).matches(".*-m-[0-9a-f]{10}");
            assertThat(t.endpointConfigName()).matches(".*-c-[0-9a-f]{10}");
        }

        @Test
        @DisplayName("two long endpoint names sharing their first 50 characters never claim each other's models or configs")
        void longNamesDoNotCollide() {
            String shared = "fraud-scoring-model-for-the-european-payments-team";
            assertThat(shared).hasSize(50);
            String a = shared + "-blue", b = shared + "-green";
            SageMakerDesiredState ta = translator.translate(seed().toBuilder().name(a).build(), ROLE).desired();
            SageMakerDesiredState tb = translator.translate(seed().toBuilder().name(b).build(), ROLE).desired();
            for (String kind : List.of("m", "c")) {
                assertThat(SageMakerTranslator.prefix(a, kind)).isNotEqualTo(SageMakerTranslator.prefix(b, kind));
            }
            assertThat(SageMakerTranslator.isOwnName(a, "m", ta.modelName())).isTrue();
            assertThat(SageMakerTranslator.isOwnName(a, "c", ta.endpointConfigName())).isTrue();
            assertThat(SageMakerTranslator.isOwnName(a, "m", tb.modelName())).isFalse();
            assertThat(SageMakerTranslator.isOwnName(a, "c", tb.endpointConfigName())).isFalse();
            assertThat(SageMakerTranslator.isOwnName(b, "c", ta.endpointConfigName())).isFalse();
            // a short name is never the cut-off form of a long one (trailing '-' of the cut is not an escape)
            String dashes = "abc" + "-".repeat(50) + "z";
            assertThat(SageMakerTranslator.prefix(dashes, "c")).isNotEqualTo(SageMakerTranslator.prefix("abc", "c"));
            assertThat(ta.modelName()).hasSizeLessThanOrEqualTo(63).matches(NAME);
        }

        @Test
        @DisplayName("a new image gives a new model and config name; a new replica range keeps both")
        void hashFollowsContent() {
            SageMakerDesiredState a = translator.translate(seed(), ROLE).desired();
            SageMakerDesiredState b = translator.translate(seed().toBuilder().model(seed().model().toBuilder().image(SageMakerTestSupport.IMAGE + "-2").build()).build(), ROLE).desired();
            SageMakerDesiredState c = translator.translate(seed().toBuilder().autoscaling(seed().autoscaling().toBuilder().minReplicas(2).maxReplicas(9).build()).build(), ROLE).desired();
            assertThat(b.modelName()).isNotEqualTo(a.modelName());
            assertThat(b.endpointConfigName()).isNotEqualTo(a.endpointConfigName());
            assertThat(c.modelName()).isEqualTo(a.modelName());
            assertThat(c.endpointConfigName()).isEqualTo(a.endpointConfigName());
            assertThat(c.createEndpointConfig().productionVariants().get(0).initialInstanceCount()).isEqualTo(2);
        }
    }

    @Nested
    @DisplayName("instance types")
    class Instances {
        private String chosen(String cpu, String memory, Accelerator acc) {
            InferenceEndpoint e = seed().toBuilder().resources(Resources.of(ResourceList.of(cpu, memory), ResourceList.empty(), acc)).build();
            return translator.translate(e, ROLE).desired().instanceType();
        }

        @Test
        @DisplayName("the smallest catalogued type that fits the requests and accelerators is chosen")
        void smallestFit() {
            assertThat(chosen("500m", "1Gi", null)).isEqualTo("ml.c5.large");
            assertThat(chosen("2", "6Gi", null)).isEqualTo("ml.m5.large");
            assertThat(chosen("3", "10Gi", null)).isEqualTo("ml.m5.xlarge");
            assertThat(chosen("1", "1Gi", new Accelerator(AcceleratorType.NVIDIA_T4, 1))).isEqualTo("ml.g4dn.xlarge");
            assertThat(chosen("1", "1Gi", new Accelerator(AcceleratorType.NVIDIA_T4, 2))).isEqualTo("ml.g4dn.12xlarge");
            assertThat(chosen("1", "1Gi", new Accelerator(AcceleratorType.NVIDIA_A10G, 1))).isEqualTo("ml.g5.xlarge");
            assertThat(chosen("1", "1Gi", new Accelerator(AcceleratorType.NVIDIA_L4, 1))).isEqualTo("ml.g6.xlarge");
            assertThat(chosen("1", "1Gi", new Accelerator(AcceleratorType.NVIDIA_A100, 1))).isEqualTo("ml.p4d.24xlarge");
            assertThat(chosen("1", "1Gi", new Accelerator(AcceleratorType.NVIDIA_H100, 1))).isEqualTo("ml.p5.4xlarge");
        }

        @Test
        @DisplayName("the choice is shown as a derived note")
        void choiceIsANote() {
            SageMakerDesiredState t = translator.translate(seed(), ROLE).desired();
            assertThat(t.notes()).filteredOn(n -> n.kind() == Note.Kind.DERIVED && n.path().equals("spec.resources"))
                    .extracting(Note::message).singleElement().asString().contains("ml.c5.large", "2 vCPUs", "4 GiB", "cpu 500m", "memory 1Gi");
        }

        @Test
        @DisplayName("every catalogued type is a SageMaker ProductionVariantInstanceType")
        void catalogueMatchesSdk() {
            assertThat(InstanceCatalogue.all()).allSatisfy(t ->
                    assertThat(ProductionVariantInstanceType.fromValue(t.name())).isNotEqualTo(ProductionVariantInstanceType.UNKNOWN_TO_SDK_VERSION));
        }

        @Test
        @DisplayName("too many GPUs is an error naming the accelerator and the family")
        void tooManyGpus() {
            InferenceEndpoint e = seed().toBuilder().resources(Resources.of(ResourceList.of("1", "1Gi"), ResourceList.empty(),
                    new Accelerator(AcceleratorType.NVIDIA_T4, 16))).build();
            assertThat(translator.validate(e).errors()).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo("spec.resources.accelerator");
                assertThat(p.message()).contains("ml.g4dn", "16x nvidia-t4", "at most 4");
            });
        }

        @Test
        @DisplayName("an unknown instance type, and an uncatalogued one with a CPU target, are errors naming the option")
        void badInstanceType() {
            InferenceEndpoint unknown = seed().toBuilder().option("sagemaker", "instanceType", "ml.c5.huge").build();
            assertThat(offline.validate(unknown).errors()).extracting(Problem::path).contains("spec.backends.sagemaker.instanceType");
            InferenceEndpoint uncatalogued = seed().toBuilder().option("sagemaker", "instanceType", "ml.c6i.xlarge").build();
            assertThat(offline.validate(uncatalogued).errors()).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo("spec.backends.sagemaker.instanceType");
                assertThat(p.message()).contains("vCPU count is unknown", "targetCPUUtilizationPercentage");
            });
            InferenceEndpoint rps = uncatalogued.toBuilder().autoscaling(AutoscalingPolicy.builder().maxReplicas(3)
                    .target(TargetType.REQUESTS_PER_SECOND, 5).build()).build();
            assertThat(offline.validate(rps).errors()).isEmpty();
        }

        @Test
        @DisplayName("an explicit type smaller than the requests is an error")
        void explicitTooSmall() {
            InferenceEndpoint e = seed().toBuilder().option("sagemaker", "instanceType", "ml.c5.large")
                    .resources(Resources.of(ResourceList.of("4", "1Gi"), ResourceList.empty())).build();
            assertThat(offline.validate(e).errors()).extracting(Problem::path).containsExactly("spec.backends.sagemaker.instanceType");
        }
    }

    @Nested
    @DisplayName("validation")
    class Validation {
        @Test
        @DisplayName("a missing image is an error naming spec.model.image")
        void missingImage() {
            InferenceEndpoint e = seed().toBuilder().model(seed().model().toBuilder().image(null).build()).build();
            InvalidEndpointException ex = catchThrowableOfType(InvalidEndpointException.class, () -> offline.render(e));
            assertThat(ex.report().errors()).extracting(Problem::path).containsExactly("spec.model.image");
        }

        @Test
        @DisplayName("scale-to-zero is accepted (through an inference component) and needs a memory request, by field")
        void scaleToZero() {
            // issue 17: scale to zero moved from rejected to supported; the inference component's own rules replace the rejection
            InferenceEndpoint e = seed().toBuilder().autoscaling(seed().autoscaling().toBuilder().minReplicas(0).scaleToZero(new ScaleToZero(300)).build()).build();
            assertThat(offline.validate(e).errors()).isEmpty();
            InferenceEndpoint noMemory = e.toBuilder().resources(Resources.of(ResourceList.of("500m", null), ResourceList.empty())).build();
            assertThat(offline.validate(noMemory).errors()).filteredOn(p -> p.path().equals("spec.resources.requests.memory")).singleElement()
                    .satisfies(p -> assertThat(p.message()).contains("MinMemoryRequiredInMb"));
        }

        @Test
        @DisplayName("rate policies are rejected and stabilization windows are warnings")
        void ratePolicies() {
            InferenceEndpoint e = seed().toBuilder().autoscaling(seed().autoscaling().toBuilder().behavior(ScalingBehavior.of(
                    ScalingRules.of(30, List.of(new ScalingPolicy(ScalingPolicy.Type.PODS, 2, 60)), null), ScalingRules.stabilization(600))).build()).build();
            var report = offline.validate(e);
            assertThat(report.errors()).extracting(Problem::path).containsExactly("spec.autoscaling.behavior.scaleUp.policies");
            assertThat(report.warnings()).extracting(Problem::path).contains("spec.autoscaling.behavior.scaleUp.stabilizationWindowSeconds",
                    "spec.autoscaling.behavior.scaleDown.stabilizationWindowSeconds");
        }

        @Test
        @DisplayName("environment names SageMaker refuses, a bad model URL and a bad role option are errors")
        void modelRules() {
            InferenceEndpoint e = seed().toBuilder().model(seed().model().toBuilder().env("my-var", "x").artifactUri("gs://bucket/model").build())
                    .option("sagemaker", "executionRoleArn", "not-an-arn").option("sagemaker", "variantName", "bad_name").build();
            assertThat(offline.validate(e).errors()).extracting(Problem::path).containsExactlyInAnyOrder("spec.model.env.my-var",
                    "spec.model.artifactUri", "spec.backends.sagemaker.executionRoleArn", "spec.backends.sagemaker.variantName");
        }

        @Test
        @DisplayName("port: 8000 is an error: SageMaker sends requests and health checks to 8080")
        void portOtherThan8080() {
            InferenceEndpoint e = seed().toBuilder().model(seed().model().toBuilder().port(8000).build()).build();
            assertThat(offline.validate(e).errors()).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo("spec.model.port");
                assertThat(p.message()).isEqualTo("8000 cannot be served on SageMaker: SageMaker sends requests (POST /invocations) and health "
                        + "checks (GET /ping) to port 8080 of the container, so the endpoint would fail its health check after provisioning; "
                        + "make the server listen on 8080 and set port: 8080 (or remove it)");
            });
            assertThat(offline.validate(seed().toBuilder().model(seed().model().toBuilder().port(8080).build()).build()).errors()).isEmpty();
        }

        @Test
        @DisplayName("an image outside Amazon ECR is an error naming repositoryAccessMode; with repositoryAccessMode: Vpc it renders ImageConfig")
        void imageOutsideEcr() {
            InferenceEndpoint e = seed().toBuilder().model(seed().model().toBuilder().image("docker.io/library/my-model:v1").build()).build();
            assertThat(offline.validate(e).errors()).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo("spec.model.image");
                assertThat(p.message()).isEqualTo("'docker.io/library/my-model:v1' is not in Amazon ECR: SageMaker pulls images from ECR in the "
                        + "endpoint's region unless the model uses a private registry in your VPC; push the image to ECR "
                        + "(e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/my-model:v1) or set spec.backends.sagemaker.repositoryAccessMode: Vpc "
                        + "for a private Docker registry reachable from the model's VPC");
            });
            InferenceEndpoint vpc = e.toBuilder().option("sagemaker", "repositoryAccessMode", "Vpc").build();
            assertThat(offline.validate(vpc).errors()).isEmpty();
            SageMakerDesiredState t = translator.translate(vpc, ROLE).desired();
            assertThat(t.createModel().primaryContainer().imageConfig().repositoryAccessModeAsString()).isEqualTo("Vpc");
            assertThat(t.toJson()).contains("\"RepositoryAccessMode\": \"Vpc\"");
            assertThat(offline.validate(e.toBuilder().option("sagemaker", "repositoryAccessMode", "Public").build()).errors())
                    .extracting(Problem::path).containsExactly("spec.backends.sagemaker.repositoryAccessMode");
            assertThat(translator.translate(seed(), ROLE).desired().createModel().primaryContainer().imageConfig()).isNull();
        }

        @Test
        @DisplayName("startupSeconds: 900 with model data -> both variant timeouts 900; 30 without model data -> health-check timeout 60, approximated")
        void startupSeconds() {
            SageMakerDesiredState t = translator.translate(seed().toBuilder().model(seed().model().toBuilder().startupSeconds(900)
                    .artifactUri("s3://my-bucket/model.tar.gz").build()).build(), ROLE).desired();
            ProductionVariant v = t.createEndpointConfig().productionVariants().get(0);
            assertThat(v.containerStartupHealthCheckTimeoutInSeconds()).isEqualTo(900);
            assertThat(v.modelDataDownloadTimeoutInSeconds()).isEqualTo(900);
            SageMakerDesiredState fast = translator.translate(seed().toBuilder().model(seed().model().toBuilder().startupSeconds(30).build()).build(), ROLE).desired();
            ProductionVariant f = fast.createEndpointConfig().productionVariants().get(0);
            assertThat(f.containerStartupHealthCheckTimeoutInSeconds()).isEqualTo(60);
            assertThat(f.modelDataDownloadTimeoutInSeconds()).isNull();
            assertThat(fast.notes()).anySatisfy(n -> assertThat(n.message()).isEqualTo(
                    "30 s -> 60 s, the shortest SageMaker accepts, for ContainerStartupHealthCheckTimeoutInSeconds"));
            assertThat(fast.endpointConfigName()).isNotEqualTo(translator.translate(seed(), ROLE).desired().endpointConfigName());
        }

        @Test
        @DisplayName("an env secret reference is an error naming the variable and Secrets Manager")
        void secretEnv() {
            InferenceEndpoint e = seed().toBuilder().model(seed().model().toBuilder()
                    .secretEnv("HF_TOKEN", new io.inferscale.api.SecretKeyRef("hf", "token")).build()).build();
            assertThat(offline.validate(e).errors()).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo("spec.model.env.HF_TOKEN");
                assertThat(p.message()).isEqualTo("SageMaker cannot take an environment value from a secret (CreateModel Environment holds plain "
                        + "text only); store it in AWS Secrets Manager and read it in the container at start-up (the execution role needs "
                        + "secretsmanager:GetSecretValue), and pass only the secret's name, e.g. HF_TOKEN_SECRET_ID");
            });
        }

        @Test
        @DisplayName("spec.backends.sagemaker.artifactUri s3:// and .behavior override the neutral gs:// artifact and scale-down window")
        void perBackendOverrides() {
            InferenceEndpoint e = seed().toBuilder().model(seed().model().toBuilder().artifactUri("gs://models/m/").build())
                    .option("sagemaker", "artifactUri", "s3://models/m/model.tar.gz")
                    .option("sagemaker", "behavior", Map.of("scaleDown", Map.of("stabilizationWindowSeconds", new BigDecimal(900))))
                    .option("vertex", "artifactUri", "gs://models/m/").build();
            assertThat(offline.validate(e).errors()).isEmpty();
            String json = offline.render(e).text();
            assertThat(json).contains("\"ModelDataUrl\": \"s3://models/m/model.tar.gz\"").contains("\"ScaleInCooldown\": 900");
        }

        @Test
        @DisplayName("a rejected model URL is quoted without its user info or query (credentials)")
        void rejectedUrlHidesCredentials() {
            InferenceEndpoint e = seed().toBuilder().model(seed().model().toBuilder()
                    .artifactUri("ftp://bob:CANARY-PASSWORD@host/m?token=CANARY-TOKEN").build()).build();
            assertThat(offline.validate(e).errors()).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo("spec.model.artifactUri");
                assertThat(p.message()).contains("ftp://****@host/m?****").doesNotContain("CANARY");
            });
        }

        @Test
        @DisplayName("a model name or version that cannot be a tag value is an error before any call")
        void modelReferenceMustBeATagValue() {
            InferenceEndpoint e = seed().toBuilder().model(seed().model().toBuilder().name("fraud scorer (prod)").version("v1#2").build()).build();
            assertThat(offline.validate(e).errors()).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo("spec.model.version");
                assertThat(p.message()).contains("inferscale:model").contains("fraud scorer (prod):v1#2");
            });
            InferenceEndpoint spaced = seed().toBuilder().model(seed().model().toBuilder().name("fraud scorer").version("v1.2").build()).build();
            assertThat(offline.validate(spaced).errors()).isEmpty();
        }

        @Test
        @DisplayName("scale-up disabled suspends dynamic scale-out on the scalable target")
        void scaleUpDisabled() {
            InferenceEndpoint e = seed().toBuilder().autoscaling(seed().autoscaling().toBuilder()
                    .behavior(ScalingBehavior.of(ScalingRules.disabled(), null)).build()).build();
            SageMakerDesiredState t = translator.translate(e, ROLE).desired();
            assertThat(t.registerScalableTarget().suspendedState().dynamicScalingOutSuspended()).isTrue();
        }

        @Test
        @DisplayName("a translation's toString names the resources but never the model's environment values")
        void toStringHidesEnvironmentValues() {
            InferenceEndpoint e = seed().toBuilder().model(seed().model().toBuilder().env("API_TOKEN", "tok-s3cr3t-value").build()).build();
            SageMakerDesiredState t = translator.translate(e, ROLE).desired();
            assertThat(t.createModel().primaryContainer().environment()).containsEntry("API_TOKEN", "tok-s3cr3t-value");
            assertThat(t.toString()).contains(t.modelName()).contains(t.endpointConfigName()).contains("ml.c5.large")
                    .doesNotContain("tok-s3cr3t-value");
        }

        @Test
        @DisplayName("cooldown options override the windows and AWS's 300 s default")
        void cooldownOptions() {
            InferenceEndpoint e = seed().toBuilder().option("sagemaker", "scaleInCooldownSeconds", new BigDecimal(900)).build();
            var c = translator.translate(e, ROLE).desired().scalingPolicies().get(0).targetTrackingScalingPolicyConfiguration();
            assertThat(c.scaleInCooldown()).isEqualTo(900);
            assertThat(c.scaleOutCooldown()).isEqualTo(300);
        }
    }
}
