package io.inferscale.api.validation;

import io.inferscale.api.Accelerator;
import io.inferscale.api.AcceleratorType;
import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.SecretKeyRef;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.ScaleToZero;
import io.inferscale.api.ScalingBehavior;
import io.inferscale.api.ScalingPolicy;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.TargetType;
import io.inferscale.api.InvalidEndpointException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("EndpointValidator")
class EndpointValidatorTest {

    static InferenceEndpoint seed() {
        return InferenceEndpoint.builder("my-model-endpoint")
                .model(ModelSpec.builder("my-ml-model").version("v1").build())
                .autoscaling(AutoscalingPolicy.builder().minReplicas(1).maxReplicas(5).target(TargetType.CPU_UTILIZATION, 60).build())
                .resources(Resources.of(ResourceList.of("500m", "1Gi"), ResourceList.of("1", "2Gi")))
                .build();
    }

    static InferenceEndpoint policy(UnaryOperator<AutoscalingPolicy.Builder> change) {
        InferenceEndpoint e = seed();
        return e.toBuilder().autoscaling(change.apply(e.autoscaling().toBuilder()).build()).build();
    }

    static InferenceEndpoint resources(Resources r) {
        return seed().toBuilder().resources(r).build();
    }

    static List<Problem> errors(InferenceEndpoint e) {
        return EndpointValidator.validate(e).errors();
    }

    static List<Problem> warnings(InferenceEndpoint e) {
        return EndpointValidator.validate(e).warnings();
    }

    /** The single error of {@code e}, which must be at {@code path}; returns its message. */
    static String onlyError(InferenceEndpoint e, String path) {
        List<Problem> errors = errors(e);
        assertThat(errors).extracting(Problem::path).containsExactly(path);
        return errors.get(0).message();
    }

    @Test
    @DisplayName("the seed has no problems")
    void seedIsClean() {
        assertThat(EndpointValidator.validate(seed()).problems()).isEmpty();
    }

    @Test
    @DisplayName("every problem is reported at once")
    void allAtOnce() {
        InferenceEndpoint e = seed().toBuilder().name("Bad_Name")
                .model(ModelSpec.builder("").build())
                .autoscaling(AutoscalingPolicy.builder().minReplicas(-1).maxReplicas(0).target(TargetType.CPU_UTILIZATION, 150).build())
                .build();
        assertThat(errors(e)).extracting(Problem::path).containsExactly("metadata.name", "spec.model.name",
                "spec.autoscaling.minReplicas", "spec.autoscaling.maxReplicas", "spec.autoscaling.targetCPUUtilizationPercentage");
        assertThatThrownBy(() -> EndpointValidator.validate(e).throwIfErrors("endpoint 'Bad_Name'"))
                .isInstanceOf(InvalidEndpointException.class)
                .hasMessageStartingWith("endpoint 'Bad_Name' is invalid (5 errors):\n  metadata.name: ");
    }

    @Nested
    @DisplayName("name")
    class Name {
        @ParameterizedTest(name = "''{0}'' is not a DNS-1123 label")
        @ValueSource(strings = {"My-Endpoint", "my_endpoint", "-endpoint", "endpoint-", "end.point", "é"})
        void notDns(String name) {
            assertThat(onlyError(seed().toBuilder().name(name).build(), "metadata.name")).contains("is not a DNS-1123 label");
        }

        @Test
        @DisplayName("suggests a valid name")
        void suggestion() {
            assertThat(onlyError(seed().toBuilder().name("My_Model Endpoint").build(), "metadata.name")).endsWith("(e.g. my-model-endpoint)");
        }

        @Test
        @DisplayName("at most 63 characters")
        void tooLong() {
            assertThat(onlyError(seed().toBuilder().name("a".repeat(64)).build(), "metadata.name")).contains("64 characters; use at most 63");
            assertThat(errors(seed().toBuilder().name("a".repeat(63)).build())).isEmpty();
        }

        @Test
        @DisplayName("must not be empty")
        void empty() {
            assertThat(onlyError(seed().toBuilder().name("").build(), "metadata.name")).startsWith("must not be empty");
        }

        @Test
        @DisplayName("labels follow Kubernetes label syntax")
        void labels() {
            assertThat(onlyError(seed().toBuilder().label("team", "ml platform").build(), "metadata.labels.team")).contains("label value");
            assertThat(onlyError(seed().toBuilder().label("-team", "ml").build(), "metadata.labels.-team")).contains("label key");
            assertThat(onlyError(seed().toBuilder().label("Example.com/team", "ml").build(), "metadata.labels.Example.com/team")).contains("prefix");
            assertThat(errors(seed().toBuilder().label("example.com/team", "ml-platform").label("empty", "").build())).isEmpty();
        }
    }

    @Nested
    @DisplayName("model")
    class Model {
        @Test
        @DisplayName("name is required")
        void name() {
            assertThat(onlyError(seed().toBuilder().model(ModelSpec.builder(" ").build()).build(), "spec.model.name")).startsWith("must not be empty");
        }

        @Test
        @DisplayName("startupSeconds: 0 and 3601 are errors naming the range; 1 and 3600 pass")
        void startupSeconds() {
            assertThat(onlyError(seed().toBuilder().model(seed().model().toBuilder().startupSeconds(0).build()).build(), "spec.model.startupSeconds"))
                    .isEqualTo("0 is outside 1..3600 seconds; give the longest the server takes to load the model and answer, e.g. 600");
            assertThat(onlyError(seed().toBuilder().model(seed().model().toBuilder().startupSeconds(3601).build()).build(), "spec.model.startupSeconds"))
                    .startsWith("3601 is outside 1..3600 seconds");
            for (int ok : new int[] {1, 3600}) {
                assertThat(errors(seed().toBuilder().model(seed().model().toBuilder().startupSeconds(ok).build()).build())).isEmpty();
            }
        }

        @Test
        @DisplayName("a literal HF_TOKEN warns and names secretKeyRef; a secret reference with a bad name or key is an error")
        void secrets() {
            InferenceEndpoint literal = seed().toBuilder().model(seed().model().toBuilder().env("HF_TOKEN", "hf_abc").env("LOG_LEVEL", "info").build()).build();
            ValidationReport r = EndpointValidator.validate(literal);
            assertThat(r.errors()).isEmpty();
            assertThat(r.warnings()).filteredOn(p -> p.path().startsWith("spec.model.env")).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo("spec.model.env.HF_TOKEN");
                assertThat(p.message()).isEqualTo("'HF_TOKEN' looks like a secret, but its value is written in the document, and render, plan and "
                        + "the cloud's console show it; reference a secret instead: valueFrom: {secretKeyRef: {name: my-secret, key: hf_token}} "
                        + "(Kubernetes; on SageMaker and Vertex AI read it from the cloud's secret manager in the container)");
                assertThat(p.message()).doesNotContain("hf_abc");
            });
            for (String name : List.of("AWS_SECRET_ACCESS_KEY", "OPENAI_API_KEY", "DB_PASSWORD", "AWS_ACCESS_KEY_ID")) {
                assertThat(EndpointValidator.looksSecret(name)).as(name).isTrue();
            }
            assertThat(EndpointValidator.looksSecret("LOG_LEVEL")).isFalse();
            InferenceEndpoint ref = seed().toBuilder().model(seed().model().toBuilder().secretEnv("HF_TOKEN", new SecretKeyRef("HF_Creds", "to ken")).build()).build();
            assertThat(errors(ref)).extracting(Problem::path).containsExactly("spec.model.env.HF_TOKEN.valueFrom.secretKeyRef.name",
                    "spec.model.env.HF_TOKEN.valueFrom.secretKeyRef.key");
            InferenceEndpoint good = seed().toBuilder().model(seed().model().toBuilder().secretEnv("HF_TOKEN", new SecretKeyRef("hf-creds", "token")).build()).build();
            assertThat(EndpointValidator.validate(good).problems()).filteredOn(p -> p.path().startsWith("spec.model.env")).isEmpty();
        }

        @Test
        @DisplayName("port in 1..65535, paths absolute, env names valid, no blank version or image")
        void fields() {
            ModelSpec m = ModelSpec.builder("m").version("").image("").port(70000).env("1BAD", "x").healthPath("health").predictPath("/predict").build();
            assertThat(errors(seed().toBuilder().model(m).build())).extracting(Problem::path).containsExactly(
                    "spec.model.version", "spec.model.image", "spec.model.port", "spec.model.env.1BAD", "spec.model.healthPath");
        }
    }

    @Nested
    @DisplayName("replicas")
    class Replicas {
        @Test
        @DisplayName("minReplicas must not be negative")
        void negativeMin() {
            assertThat(onlyError(policy(p -> p.minReplicas(-1)), "spec.autoscaling.minReplicas")).contains("negative");
        }

        @Test
        @DisplayName("minReplicas 0 needs scaleToZero")
        void zeroNeedsScaleToZero() {
            assertThat(onlyError(policy(p -> p.minReplicas(0)), "spec.autoscaling.minReplicas")).startsWith("0 needs scaleToZero");
            assertThat(errors(policy(p -> p.minReplicas(0).scaleToZero(new ScaleToZero(600))))).isEmpty();
        }

        @Test
        @DisplayName("scaleToZero needs minReplicas 0 and a positive idle period")
        void scaleToZeroNeedsZero() {
            assertThat(onlyError(policy(p -> p.scaleToZero(new ScaleToZero(600))), "spec.autoscaling.scaleToZero")).contains("needs minReplicas: 0");
            assertThat(onlyError(policy(p -> p.minReplicas(0).scaleToZero(new ScaleToZero(0))), "spec.autoscaling.scaleToZero.idleSeconds"))
                    .contains("at least 1 second");
        }

        @Test
        @DisplayName("maxReplicas at least 1")
        void maxAtLeastOne() {
            assertThat(onlyError(policy(p -> p.minReplicas(0).scaleToZero(new ScaleToZero(60)).maxReplicas(0)), "spec.autoscaling.maxReplicas"))
                    .isEqualTo("0 must be at least 1");
        }

        @Test
        @DisplayName("maxReplicas at least minReplicas")
        void maxAtLeastMin() {
            assertThat(onlyError(policy(p -> p.minReplicas(4).maxReplicas(3)), "spec.autoscaling.maxReplicas"))
                    .isEqualTo("3 is below minReplicas 4; set maxReplicas to at least 4");
        }

        @Test
        @DisplayName("the seed's first mistake: minReplicas == maxReplicas warns that autoscaling is disabled")
        void equalMinMax() {
            InferenceEndpoint e = policy(p -> p.minReplicas(3).maxReplicas(3));
            assertThat(errors(e)).isEmpty();
            assertThat(warnings(e)).singleElement().satisfies(w -> {
                assertThat(w.path()).isEqualTo("spec.autoscaling.maxReplicas");
                assertThat(w.message()).contains("autoscaling is disabled").contains("set minReplicas lower than maxReplicas");
            });
        }

        @Test
        @DisplayName("a range without any target is an error")
        void noTarget() {
            assertThat(onlyError(policy(p -> p.removeTarget(TargetType.CPU_UTILIZATION)), "spec.autoscaling")).startsWith("no scaling target");
        }
    }

    @Nested
    @DisplayName("targets")
    class Targets {
        @ParameterizedTest(name = "CPU {0}% is outside 1..100")
        @ValueSource(ints = {0, -5, 101})
        void percentRange(int percent) {
            assertThat(onlyError(policy(p -> p.target(TargetType.CPU_UTILIZATION, percent)), "spec.autoscaling.targetCPUUtilizationPercentage"))
                    .isEqualTo(percent + " must be a whole percentage from 1 to 100, e.g. 60");
        }

        @ParameterizedTest(name = "memory and accelerator {0}% are outside 1..100 too")
        @ValueSource(ints = {0, 101})
        void percentRangeOfOtherUtilizations(int percent) {
            assertThat(onlyError(policy(p -> p.target(TargetType.MEMORY_UTILIZATION, percent)), "spec.autoscaling.targetMemoryUtilizationPercentage"))
                    .isEqualTo(percent + " must be a whole percentage from 1 to 100, e.g. 60");
            InferenceEndpoint gpu = policy(p -> p.target(TargetType.ACCELERATOR_UTILIZATION, percent));
            gpu = gpu.toBuilder().resources(gpu.resources().withAccelerator(new Accelerator(AcceleratorType.NVIDIA_A100, 1))).build();
            assertThat(onlyError(gpu, "spec.autoscaling.targetAcceleratorUtilizationPercentage"))
                    .isEqualTo(percent + " must be a whole percentage from 1 to 100, e.g. 60");
        }

        @Test
        @DisplayName("percentages are whole numbers")
        void wholePercent() {
            assertThat(onlyError(policy(p -> p.target(TargetType.MEMORY_UTILIZATION, new BigDecimal("60.5"))), "spec.autoscaling.targetMemoryUtilizationPercentage"))
                    .startsWith("60.5 must be a whole percentage");
        }

        @Test
        @DisplayName("rate and concurrency targets are positive; fractions are fine")
        void positiveRates() {
            assertThat(onlyError(policy(p -> p.target(TargetType.REQUESTS_PER_SECOND, 0)), "spec.autoscaling.targetRequestsPerSecondPerReplica"))
                    .isEqualTo("0 must be greater than 0");
            assertThat(onlyError(policy(p -> p.target(TargetType.CONCURRENT_REQUESTS, new BigDecimal("-1"))), "spec.autoscaling.targetConcurrentRequestsPerReplica"))
                    .isEqualTo("-1 must be greater than 0");
            assertThat(errors(policy(p -> p.target(TargetType.REQUESTS_PER_SECOND, new BigDecimal("2.5"))))).isEmpty();
        }

        @Test
        @DisplayName("a target beyond 10^18 or finer than 10^-18 is out of range, reported without expanding it")
        void targetOutOfRange() {
            assertThat(onlyError(policy(p -> p.target(TargetType.REQUESTS_PER_SECOND, new BigDecimal("1e999999999"))),
                    "spec.autoscaling.targetRequestsPerSecondPerReplica"))
                    .isEqualTo("1E+999999999 is out of range: targets must be below 10^18 with at most 18 decimal places");
            assertThat(onlyError(policy(p -> p.target(TargetType.CONCURRENT_REQUESTS, new BigDecimal("1e-19"))),
                    "spec.autoscaling.targetConcurrentRequestsPerReplica")).startsWith("1E-19 is out of range");
            assertThat(errors(policy(p -> p.target(TargetType.CONCURRENT_REQUESTS, new BigDecimal("0.000000000000000001"))))).isEmpty();
        }

        @ParameterizedTest(name = "the seed's third mistake for memory: {0}% warns")
        @ValueSource(ints = {29, 91})
        void memoryFarFromBalanced(int percent) {
            InferenceEndpoint e = policy(p -> p.removeTarget(TargetType.CPU_UTILIZATION).target(TargetType.MEMORY_UTILIZATION, percent));
            assertThat(errors(e)).isEmpty();
            assertThat(warnings(e)).extracting(Problem::path).containsExactly("spec.autoscaling.targetMemoryUtilizationPercentage");
        }

        @Test
        @DisplayName("a CPU target needs a CPU request")
        void cpuNeedsRequest() {
            assertThat(onlyError(resources(Resources.of(ResourceList.of(null, "1Gi"), ResourceList.of("1", "2Gi"))), "spec.resources.requests.cpu"))
                    .startsWith("targetCPUUtilizationPercentage needs a CPU request");
        }

        @Test
        @DisplayName("a memory target needs a memory request")
        void memoryNeedsRequest() {
            InferenceEndpoint e = policy(p -> p.target(TargetType.MEMORY_UTILIZATION, 70)).toBuilder()
                    .resources(Resources.of(ResourceList.of("500m", null), ResourceList.of("1", "2Gi"))).build();
            assertThat(onlyError(e, "spec.resources.requests.memory")).startsWith("targetMemoryUtilizationPercentage needs a memory request");
        }

        @Test
        @DisplayName("an accelerator target needs an accelerator")
        void acceleratorNeedsAccelerator() {
            InferenceEndpoint e = policy(p -> p.target(TargetType.ACCELERATOR_UTILIZATION, 70));
            assertThat(onlyError(e, "spec.autoscaling.targetAcceleratorUtilizationPercentage")).startsWith("needs an accelerator");
            assertThat(errors(e.toBuilder().resources(e.resources().withAccelerator(new Accelerator(AcceleratorType.NVIDIA_L4, 1))).build())).isEmpty();
        }

        @ParameterizedTest(name = "the seed's third mistake: {0}% warns")
        @ValueSource(ints = {10, 29, 91, 100})
        void farFromBalanced(int percent) {
            InferenceEndpoint e = policy(p -> p.target(TargetType.CPU_UTILIZATION, percent));
            assertThat(errors(e)).isEmpty();
            assertThat(warnings(e)).extracting(Problem::path).containsExactly("spec.autoscaling.targetCPUUtilizationPercentage");
            assertThat(warnings(e).get(0).message()).startsWith(percent + "% is far from the balanced range (30-90%)");
        }

        @ParameterizedTest(name = "{0}% is balanced")
        @ValueSource(ints = {30, 60, 90})
        void balanced(int percent) {
            assertThat(EndpointValidator.validate(policy(p -> p.target(TargetType.CPU_UTILIZATION, percent))).problems()).isEmpty();
        }
    }

    @Nested
    @DisplayName("resources")
    class ResourceRules {
        @Test
        @DisplayName("limits below requests are errors")
        void limitsBelowRequests() {
            InferenceEndpoint e = resources(Resources.of(ResourceList.of("2", "4Gi"), ResourceList.of("1", "2Gi")));
            assertThat(errors(e)).extracting(Problem::path).containsExactly("spec.resources.limits.cpu", "spec.resources.limits.memory");
            assertThat(errors(e).get(0).message()).isEqualTo("limit 1 is below the request 2; raise the limit to at least 2 or lower the request");
        }

        @Test
        @DisplayName("the seed's second mistake: missing requests or limits warn")
        void missingRequestsAndLimits() {
            InferenceEndpoint e = policy(p -> p.removeTarget(TargetType.CPU_UTILIZATION).target(TargetType.REQUESTS_PER_SECOND, 10))
                    .toBuilder().resources(Resources.none()).build();
            assertThat(errors(e)).isEmpty();
            assertThat(warnings(e)).extracting(Problem::path).containsExactly("spec.resources.requests", "spec.resources.limits");
            assertThat(warnings(e).get(0).message()).startsWith("no resource requests: the autoscaler cannot measure utilization");
        }

        @Test
        @DisplayName("CPU finer than 1m, fractional bytes and non-positive amounts are errors")
        void quantityRules() {
            InferenceEndpoint e = resources(Resources.of(ResourceList.of("0.1m", "0.5"), ResourceList.of("0", "-1Gi")));
            assertThat(errors(e)).extracting(Problem::path).containsExactly("spec.resources.requests.cpu", "spec.resources.requests.memory",
                    "spec.resources.limits.cpu", "spec.resources.limits.memory");
            assertThat(errors(e).get(0).message()).contains("finer than 1m").endsWith("e.g. 1m");
        }

        @Test
        @DisplayName("CPU beyond 64-bit millicores and memory beyond 64-bit bytes are errors (Kubernetes caps them silently)")
        void quantitiesBeyondInt64() {
            InferenceEndpoint e = resources(Resources.of(ResourceList.of("9223372036854775807m", "9223372036854775807"),
                    ResourceList.of("9223372036854775808m", "9Ei")));
            assertThat(errors(e)).extracting(Problem::path).containsExactly("spec.resources.limits.cpu", "spec.resources.limits.memory");
            assertThat(errors(e).get(0).message()).isEqualTo("'9223372036854775808m' is too large: Kubernetes and every backend count CPU in"
                    + " 64-bit millicores, at most 9223372036854775807m; give the CPU of one replica, e.g. 2");
            assertThat(errors(e).get(1).message()).startsWith("'9Ei' is too large: Kubernetes and every backend count memory in 64-bit bytes");
        }

        @Test
        @DisplayName("accelerator count at least 1")
        void acceleratorCount() {
            assertThat(onlyError(seed().toBuilder().resources(seed().resources().withAccelerator(new Accelerator(AcceleratorType.NVIDIA_T4, 0))).build(),
                    "spec.resources.accelerator.count")).startsWith("0 accelerators per replica");
        }
    }

    @Test
    @DisplayName("huge values are quoted shortened, so one field cannot flood the report")
    void hugeValuesShortened() {
        String huge = "x".repeat(100_000);
        InferenceEndpoint e = seed().toBuilder().name(huge).label("team", huge)
                .model(seed().model().toBuilder().healthPath(huge).build()).build();
        List<Problem> errors = errors(e);
        assertThat(errors).extracting(Problem::path).containsExactly("metadata.name", "metadata.labels.team", "spec.model.healthPath");
        assertThat(errors).allSatisfy(p -> assertThat(p.message()).hasSizeLessThan(400).contains("...' (100000 characters)"));
    }

    @Test
    @DisplayName("options under a misspelt backend id warn instead of being ignored silently; other ids are left alone")
    void misspeltBackendId() {
        InferenceEndpoint e = seed().toBuilder().option("kubernets", "namespace", "ml").option("sagemaker", "instanceType", "ml.c5.xlarge")
                .option("acme-cloud", "zone", "z1").build();
        assertThat(errors(e)).isEmpty();
        assertThat(warnings(e)).singleElement().satisfies(w -> {
            assertThat(w.path()).isEqualTo("spec.backends.kubernets");
            assertThat(w.message()).isEqualTo("no InferScale backend has the id 'kubernets', so every backend ignores these options;"
                    + " did you mean 'kubernetes'?");
        });
    }

    @Nested
    @DisplayName("behaviour")
    class Behaviour {
        @Test
        @DisplayName("stabilization windows in 0..3600 s, periods in 1..1800 s, values at least 1")
        void ranges() {
            ScalingRules up = ScalingRules.of(3601, List.of(new ScalingPolicy(ScalingPolicy.Type.PODS, 0, 0)), null);
            ScalingRules down = ScalingRules.of(-1, List.of(new ScalingPolicy(ScalingPolicy.Type.PERCENT, 10, 1801),
                    new ScalingPolicy(ScalingPolicy.Type.PERCENT, 10, 1800)), null);
            InferenceEndpoint e = policy(p -> p.behavior(ScalingBehavior.of(up, down)));
            assertThat(errors(e)).extracting(Problem::path).containsExactly(
                    "spec.autoscaling.behavior.scaleUp.stabilizationWindowSeconds",
                    "spec.autoscaling.behavior.scaleUp.policies[0].value",
                    "spec.autoscaling.behavior.scaleUp.policies[0].periodSeconds",
                    "spec.autoscaling.behavior.scaleDown.stabilizationWindowSeconds",
                    "spec.autoscaling.behavior.scaleDown.policies[0].periodSeconds");
            assertThat(errors(e).get(0).message()).isEqualTo("3601 is outside 0..3600 seconds (one hour)");
        }

        @Test
        @DisplayName("the boundaries are accepted")
        void boundaries() {
            ScalingRules rules = ScalingRules.of(3600, List.of(new ScalingPolicy(ScalingPolicy.Type.PODS, 1, 1800)), null);
            ScalingRules zero = ScalingRules.of(0, List.of(new ScalingPolicy(ScalingPolicy.Type.PODS, 1, 1)), null);
            assertThat(errors(policy(p -> p.behavior(ScalingBehavior.of(zero, rules))))).isEmpty();
        }
    }
}
