package io.inferscale.api.codec;

import io.inferscale.api.AcceleratorType;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.ScalingPolicy;
import io.inferscale.api.SelectPolicy;
import io.inferscale.api.TargetType;
import io.inferscale.api.validation.Problem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("EndpointCodec")
class EndpointCodecTest {

    static final String RICH = """
            apiVersion: mlops.example.com/v1
            kind: InferenceEndpoint
            metadata:
              name: sentiment
              labels:
                team: ml-platform
            spec:
              model:
                name: sentiment-bert
                version: "2024.06"
                image: registry.example.com/sentiment:2024.06
                artifactUri: s3://models/sentiment/model.tar.gz
                port: 8080
                env:
                  LOG_LEVEL: info
                  WORKERS: 4
                healthPath: /health
                predictPath: /predict
              autoscaling:
                minReplicas: 2
                maxReplicas: 20
                targetCPUUtilizationPercentage: 60
                targetMemoryUtilizationPercentage: 75
                targetRequestsPerSecondPerReplica: 12.5
                behavior:
                  scaleUp:
                    stabilizationWindowSeconds: 0
                    policies:
                    - type: Pods
                      value: 4
                      periodSeconds: 15
                    - type: Percent
                      value: 100
                      periodSeconds: 15
                    selectPolicy: Max
                  scaleDown:
                    stabilizationWindowSeconds: 300
                    policies:
                    - type: Percent
                      value: 10
                      periodSeconds: 60
              resources:
                requests:
                  cpu: '2'
                  memory: 4Gi
                limits:
                  cpu: '4'
                  memory: 8Gi
                accelerator:
                  type: nvidia-t4
                  count: 1
              backends:
                kubernetes:
                  namespace: ml
                sagemaker:
                  instanceType: ml.g4dn.xlarge
                vertex:
                  machineType: n1-standard-8
            """;

    static List<Problem> problems(String yaml) {
        InvalidEndpointException e = catchThrowableOfType(InvalidEndpointException.class, () -> EndpointCodec.read(yaml, "test.yaml"));
        assertThat(e).as("expected the document to be rejected").isNotNull();
        return e.report().problems();
    }

    static Problem only(String yaml) {
        List<Problem> p = problems(yaml);
        assertThat(p).hasSize(1);
        return p.get(0);
    }

    static String seedWith(String replace, String with) {
        String seed = """
                apiVersion: mlops.example.com/v1
                kind: InferenceEndpoint
                metadata:
                  name: my-model-endpoint
                spec:
                  model:
                    name: my-ml-model
                    version: v1
                  autoscaling:
                    minReplicas: 1
                    maxReplicas: 5
                    targetCPUUtilizationPercentage: 60
                  resources:
                    requests:
                      cpu: 500m
                      memory: 1Gi
                    limits:
                      cpu: 1
                      memory: 2Gi
                """;
        assertThat(seed).contains(replace);
        return seed.replace(replace, with);
    }

    @Nested
    @DisplayName("reads")
    class Reads {
        @Test
        @DisplayName("every extension field")
        void richDocument() {
            InferenceEndpoint e = EndpointCodec.read(RICH, "rich.yaml").endpoint();
            assertThat(e.labels()).containsEntry("team", "ml-platform");
            assertThat(e.model().version()).contains("2024.06");
            assertThat(e.model().env()).containsExactly(java.util.Map.entry("LOG_LEVEL", "info"), java.util.Map.entry("WORKERS", "4"));
            assertThat(e.model().port()).contains(8080);
            assertThat(e.autoscaling().target(TargetType.REQUESTS_PER_SECOND).get().value()).isEqualByComparingTo("12.5");
            assertThat(e.autoscaling().targets()).hasSize(3);
            var up = e.autoscaling().behavior().scaleUp().get();
            assertThat(up.stabilizationWindowSeconds()).contains(0);
            assertThat(up.policies()).containsExactly(new ScalingPolicy(ScalingPolicy.Type.PODS, 4, 15), new ScalingPolicy(ScalingPolicy.Type.PERCENT, 100, 15));
            assertThat(up.selectPolicy()).contains(SelectPolicy.MAX);
            assertThat(e.autoscaling().behavior().scaleDown().get().selectPolicy()).isEmpty();
            assertThat(e.resources().accelerator().get().type()).isEqualTo(AcceleratorType.NVIDIA_T4);
            assertThat(e.backends().string("sagemaker", "instanceType")).contains("ml.g4dn.xlarge");
            assertThat(e.backends().string("kubernetes", "namespace")).contains("ml");
        }

        @Test
        @DisplayName("and writes back an equal endpoint, in YAML and in JSON")
        void roundTrip() {
            InferenceEndpoint e = EndpointCodec.read(RICH, "rich.yaml").endpoint();
            assertThat(EndpointCodec.read(EndpointCodec.toYaml(e), "again").endpoint()).isEqualTo(e);
            assertThat(EndpointCodec.read(EndpointCodec.toJson(e), "json").endpoint()).isEqualTo(e);
            assertThat(EndpointCodec.toYaml(EndpointCodec.read(EndpointCodec.toYaml(e), "again").endpoint())).isEqualTo(EndpointCodec.toYaml(e));
        }

        @Test
        @DisplayName("spec.model.startupSeconds: 600 is read, written back after predictPath, and a text value is an error naming it")
        void startupSeconds() {
            String doc = RICH.replace("    predictPath: /predict\n", "    predictPath: /predict\n    startupSeconds: 600\n");
            InferenceEndpoint e = EndpointCodec.read(doc, "rich.yaml").endpoint();
            assertThat(e.model().startupSeconds()).contains(600);
            assertThat(EndpointCodec.toYaml(e)).contains("  predictPath: /predict\n    startupSeconds: 600\n");
            assertThat(EndpointCodec.read(EndpointCodec.toJson(e), "json").endpoint()).isEqualTo(e);
            Problem p = only(doc.replace("startupSeconds: 600", "startupSeconds: ten minutes"));
            assertThat(p.path()).isEqualTo("spec.model.startupSeconds");
        }

        @Test
        @DisplayName("env HF_TOKEN: {valueFrom: {secretKeyRef: {name: hf, key: token}}} is a secret reference, written back as given")
        void secretEnv() {
            String doc = RICH.replace("      WORKERS: 4\n", "      WORKERS: 4\n      HF_TOKEN:\n        valueFrom:\n          secretKeyRef: {name: hf, key: token}\n");
            InferenceEndpoint e = EndpointCodec.read(doc, "rich.yaml").endpoint();
            assertThat(e.model().secretEnv()).containsExactly(java.util.Map.entry("HF_TOKEN", new io.inferscale.api.SecretKeyRef("hf", "token")));
            assertThat(e.model().env()).containsOnlyKeys("LOG_LEVEL", "WORKERS");
            assertThat(EndpointCodec.toYaml(e)).contains("      WORKERS: '4'\n      HF_TOKEN:\n        valueFrom:\n          secretKeyRef:\n"
                    + "            name: hf\n            key: token\n");
            assertThat(EndpointCodec.read(EndpointCodec.toJson(e), "json").endpoint()).isEqualTo(e);
            Problem noKey = only(doc.replace("{name: hf, key: token}", "{name: hf}"));
            assertThat(noKey.path()).isEqualTo("spec.model.env.HF_TOKEN.valueFrom.secretKeyRef.key");
            assertThat(noKey.message()).isEqualTo("required field is missing; a secretKeyRef needs name (the secret) and key (the entry in it)");
            assertThat(problems(doc.replace("secretKeyRef: {name: hf, key: token}", "configMapKeyRef: {name: hf, key: token}")))
                    .extracting(Problem::path).containsExactly("spec.model.env.HF_TOKEN.valueFrom.configMapKeyRef", "spec.model.env.HF_TOKEN.valueFrom.secretKeyRef");
        }

        @Test
        @DisplayName("targetGPUUtilizationPercentage: 70 suggests the accelerator target, not the CPU one a letter away")
        void gpuTargetSuggestsAccelerator() {
            Problem p = only(RICH.replace("targetMemoryUtilizationPercentage: 75", "targetGPUUtilizationPercentage: 70"));
            assertThat(p.path()).isEqualTo("spec.autoscaling.targetGPUUtilizationPercentage");
            assertThat(p.message()).isEqualTo("unknown field 'targetGPUUtilizationPercentage'; did you mean 'targetAcceleratorUtilizationPercentage'?");
        }

        @Test
        @DisplayName("records where each field was written")
        void locations() {
            EndpointDocument doc = EndpointCodec.read(RICH, "rich.yaml");
            assertThat(doc.locate("spec.autoscaling.maxReplicas")).containsExactly(21, 5);
            assertThat(doc.locate("spec.autoscaling.behavior.scaleUp.policies[1].value")).containsExactly(33, 11);
            assertThat(doc.locate("spec.resources.requests.gpu")).containsExactly(43, 5);
            assertThat(doc.locate("nowhere")).isNull();
        }
    }

    @Nested
    @DisplayName("rejects")
    class Rejects {
        @Test
        @DisplayName("an unknown field, naming its line and the closest known name")
        void unknownField() {
            Problem p = only(seedWith("maxReplicas: 5", "maxReplica: 5"));
            assertThat(p.path()).isEqualTo("spec.autoscaling.maxReplica");
            assertThat(p.line()).isEqualTo(11);
            assertThat(p.message()).isEqualTo("unknown field 'maxReplica'; did you mean 'maxReplicas'?");
        }

        @Test
        @DisplayName("an unknown field without a close name, listing the known ones")
        void unknownFieldList() {
            Problem p = only(seedWith("    version: v1\n", "    version: v1\n    flavour: large\n"));
            assertThat(p.message()).isEqualTo("unknown field 'flavour'; known fields here: name, version, image, artifactUri, port, env, healthPath, predictPath, startupSeconds");
        }

        @Test
        @DisplayName("a misplaced field, saying where it belongs")
        void misplaced() {
            Problem p = only(seedWith("  name: my-model-endpoint\n", "  name: my-model-endpoint\n  namespace: ml\n"));
            assertThat(p.message()).isEqualTo("unknown field 'namespace'; namespaces are backend options: set spec.backends.kubernetes.namespace");
        }

        @Test
        @DisplayName("wrong types, naming the field and the expected type")
        void wrongTypes() {
            List<Problem> p = problems(seedWith("minReplicas: 1", "minReplicas: one").replace("maxReplicas: 5", "maxReplicas: '5'")
                    .replace("targetCPUUtilizationPercentage: 60", "targetCPUUtilizationPercentage: 60.5"));
            assertThat(p).extracting(Problem::path).containsExactly("spec.autoscaling.minReplicas", "spec.autoscaling.maxReplicas",
                    "spec.autoscaling.targetCPUUtilizationPercentage");
            assertThat(p).extracting(Problem::message).containsExactly("expected a whole number, found the text 'one'",
                    "expected a whole number, found the text '5'", "expected a whole number, found the number '60.5'");
            assertThat(p).extracting(Problem::line).containsExactly(10, 11, 12);
        }

        @Test
        @DisplayName("a mapping where a value belongs, and a value where a mapping belongs")
        void structure() {
            assertThat(only(seedWith("    version: v1", "    version: [v1]")).message()).isEqualTo("expected text, found a list");
            assertThat(only(seedWith("    requests:\n      cpu: 500m\n      memory: 1Gi\n", "    requests: 500m\n")).message())
                    .isEqualTo("expected a mapping (key: value lines), found the text '500m'");
        }

        @Test
        @DisplayName("a malformed quantity, naming the field")
        void badQuantity() {
            Problem p = only(seedWith("memory: 1Gi", "memory: 1GB"));
            assertThat(p.path()).isEqualTo("spec.resources.requests.memory");
            assertThat(p.line()).isEqualTo(16);
            assertThat(p.message()).startsWith("'1GB' is not a quantity: unknown unit 'GB'");
        }

        @Test
        @DisplayName("duplicate keys, with both lines")
        void duplicateKeys() {
            Problem p = only(seedWith("    maxReplicas: 5\n", "    maxReplicas: 5\n    maxReplicas: 6\n"));
            assertThat(p.path()).isEqualTo("spec.autoscaling.maxReplicas");
            assertThat(p.line()).isEqualTo(12);
            assertThat(p.message()).isEqualTo("duplicate key 'maxReplicas' (first at line 11); keep one");
        }

        @Test
        @DisplayName("missing required fields")
        void missing() {
            List<Problem> p = problems("apiVersion: mlops.example.com/v1\nkind: InferenceEndpoint\nmetadata: {}\nspec:\n  autoscaling:\n    minReplicas: 1\n");
            assertThat(p).extracting(Problem::path).containsExactly("metadata.name", "spec.model", "spec.autoscaling.maxReplicas");
        }

        @Test
        @DisplayName("another apiVersion or kind")
        void wrongKind() {
            List<Problem> p = problems(seedWith("kind: InferenceEndpoint", "kind: Deployment").replace("mlops.example.com/v1", "apps/v1"));
            assertThat(p).extracting(Problem::message).containsExactly("'apps/v1' is not supported; use mlops.example.com/v1",
                    "'Deployment' is not supported; use InferenceEndpoint");
        }

        @Test
        @DisplayName("an unknown enum value, with a suggestion")
        void badEnum() {
            Problem p = only(RICH.replace("type: Pods", "type: Pod"));
            assertThat(p.path()).isEqualTo("spec.autoscaling.behavior.scaleUp.policies[0].type");
            assertThat(p.message()).isEqualTo("'Pod' is not one of Pods, Percent; did you mean 'Pods'?");
            assertThat(only(RICH.replace("nvidia-t4", "nvidia-t5")).message()).contains("did you mean 'nvidia-t4'?");
        }

        @Test
        @DisplayName("an empty policy list, which Kubernetes rejects and the model cannot tell from none")
        void emptyPolicies() {
            String yaml = RICH.replace("        policies:\n        - type: Percent\n          value: 10\n          periodSeconds: 60\n",
                    "        policies: []\n");
            assertThat(yaml).isNotEqualTo(RICH);
            Problem p = only(yaml);
            assertThat(p.path()).isEqualTo("spec.autoscaling.behavior.scaleDown.policies");
            assertThat(p.message()).startsWith("is empty; give at least one policy");
        }

        @Test
        @DisplayName("an empty document, with line and column")
        void empty() {
            Problem p = only("   \n# nothing here\n");
            assertThat(p.message()).startsWith("empty document");
            assertThat(p.line()).isEqualTo(1);
        }

        @Test
        @DisplayName("a syntax error, with line and column")
        void syntax() {
            Problem p = only("apiVersion: mlops.example.com/v1\nkind: [InferenceEndpoint\nmetadata:\n  name: x\n");
            assertThat(p.message()).startsWith("YAML syntax error: ");
            assertThat(p.line()).isGreaterThanOrEqualTo(2);
            assertThat(p.column()).isPositive();
        }

        @Test
        @DisplayName("more than one document")
        void twoDocuments() {
            Problem p = only(seedWith("", "") + "---\n" + seedWith("", ""));
            assertThat(p.message()).startsWith("more than one document");
            assertThat(p.line()).isEqualTo(21);
        }

        @Test
        @DisplayName("type tags, so no object can be constructed")
        void tags() {
            List<Problem> p = problems(seedWith("name: my-ml-model", "name: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x\"]]]]"));
            assertThat(p).isNotEmpty();
            assertThat(p.get(0).message()).contains("is not allowed");
        }

        @Test
        @DisplayName("a billion-laughs alias bomb fails fast")
        void aliasBomb() {
            StringBuilder sb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
            for (char c = 'b'; c <= 'j'; c++) {
                char prev = (char) (c - 1);
                sb.append(c).append(": &").append(c).append(" [*").append(prev).append(", *").append(prev).append(", *").append(prev)
                        .append(", *").append(prev).append(", *").append(prev).append(", *").append(prev).append(", *").append(prev)
                        .append(", *").append(prev).append(", *").append(prev).append("]\n");
            }
            Problem p = only(sb.toString());
            assertThat(p.message()).isEqualTo("more than 20 aliases (*name) to lists or mappings; write the repeated values out"
                    + " (the limit stops alias bombs)");
        }

        @Test
        @DisplayName("nesting deeper than the limit")
        void deepNesting() {
            String deep = "a: " + "[".repeat(200) + "]".repeat(200) + "\n";
            assertThat(only(deep).message()).isEqualTo("nesting depth over 32 levels of lists and mappings; an endpoint needs far fewer,"
                    + " flatten the document");
        }

        @Test
        @DisplayName("a document over the size limit, before parsing it")
        void tooLarge() {
            String big = "# " + "x".repeat(EndpointCodec.MAX_DOCUMENT_CHARS) + "\n";
            assertThat(only(big).message()).contains("the limit is " + EndpointCodec.MAX_DOCUMENT_CHARS);
        }

        @Test
        @DisplayName("every problem in one report")
        void allAtOnce() {
            List<Problem> p = problems(seedWith("maxReplicas: 5", "maxReplica: 5").replace("cpu: 500m", "cpu: 500x").replace("version: v1", "versoin: v1"));
            assertThat(p).extracting(Problem::path).containsExactlyInAnyOrder("spec.model.versoin", "spec.autoscaling.maxReplica",
                    "spec.resources.requests.cpu");
        }
    }

    @Nested
    @DisplayName("holds against hostile or unusual input")
    class Hostile {
        @Test
        @DisplayName("a merge key (<<) is one error naming the mapping, not a tag error")
        void mergeKey() {
            Problem p = only(seedWith("  name: my-model-endpoint\n", "  name: my-model-endpoint\n  <<: {labels: {a: b}}\n"));
            assertThat(p.path()).isEqualTo("metadata");
            assertThat(p.message()).isEqualTo("merge keys ('<<') are not supported; write the fields out");
            assertThat(p.line()).isEqualTo(5);
        }

        @Test
        @DisplayName("an alias used inside the value it names fails by depth instead of overflowing the stack")
        void selfReferencingAlias() {
            Problem map = only(seedWith("      memory: 2Gi\n", "      memory: 2Gi\n  backends:\n    kubernetes: &r\n      self: *r\n"));
            assertThat(map.path()).startsWith("spec.backends.kubernetes.self.self");
            assertThat(map.message()).startsWith("nested deeper than " + EndpointCodec.MAX_NESTING_DEPTH + " levels");
            Problem list = only(seedWith("      memory: 2Gi\n", "      memory: 2Gi\n  backends:\n    kubernetes:\n      l: &r [*r]\n"));
            assertThat(list.path()).startsWith("spec.backends.kubernetes.l[0][0]");
        }

        @Test
        @DisplayName("aliases that multiply a list in backend options stop at the value limit, fast")
        void aliasFanOutInOptions() {
            StringBuilder sb = new StringBuilder("      memory: 2Gi\n  backends:\n    kubernetes:\n      a0: &a0 [" + "1,".repeat(2000) + "1]\n");
            for (int i = 1; i <= 6; i++) {
                sb.append("      a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1)
                        .append(", *a").append(i - 1).append("]\n");
            }
            long start = System.nanoTime();
            Problem p = only(seedWith("      memory: 2Gi\n", sb.toString()));
            assertThat(p.message()).startsWith("more than 10000 values (each use of an alias counts again)");
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(5));
        }

        @Test
        @DisplayName("numbers with huge exponents or too many digits are errors naming the field, not crashes")
        void hugeNumbers() {
            Problem exponent = only(seedWith("targetCPUUtilizationPercentage: 60", "targetRequestsPerSecondPerReplica: 1e99999999999"));
            assertThat(exponent.path()).isEqualTo("spec.autoscaling.targetRequestsPerSecondPerReplica");
            assertThat(exponent.message()).isEqualTo("'1e99999999999' is out of range; numbers must be below 10^18 with at most 18 decimal places");
            assertThat(only(seedWith("targetCPUUtilizationPercentage: 60", "targetRequestsPerSecondPerReplica: 1e999999999")).message())
                    .startsWith("'1e999999999' is out of range");
            assertThat(only(seedWith("targetCPUUtilizationPercentage: 60", "targetRequestsPerSecondPerReplica: 1e-19")).message())
                    .startsWith("'1e-19' is out of range");
            Problem digits = only(seedWith("      memory: 2Gi\n", "      memory: 2Gi\n  backends:\n    kubernetes: {x: " + "7".repeat(1000) + "}\n"));
            assertThat(digits.path()).isEqualTo("spec.backends.kubernetes.x");
            assertThat(digits.message()).startsWith("a number of 1000 characters is too long");
            Problem text = only(seedWith("maxReplicas: 5", "maxReplicas: " + "7".repeat(100_000)));
            assertThat(text.message()).isEqualTo("expected a whole number, found the text '" + "7".repeat(40) + "...' (100000 characters)");
            InferenceEndpoint e = EndpointCodec.read(seedWith("targetCPUUtilizationPercentage: 60",
                    "targetRequestsPerSecondPerReplica: 999999999999999999.000000000000000001"), "x").endpoint();
            assertThat(e.autoscaling().target(TargetType.REQUESTS_PER_SECOND).orElseThrow().value())
                    .isEqualByComparingTo("999999999999999999.000000000000000001");
        }

        @Test
        @DisplayName("a huge unknown key is reported shortened, without a did-you-mean search over its length")
        void hugeUnknownKey() {
            long start = System.nanoTime();
            Problem p = only(seedWith("  name: my-model-endpoint\n", "  name: my-model-endpoint\n  ? " + "k".repeat(200_000) + "\n  : x\n"));
            assertThat(p.message()).startsWith("unknown field '" + "k".repeat(40) + "...' (200000 characters); known fields here: ");
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(5));
        }

        @Test
        @DisplayName("a whole number with a leading zero is refused: YAML 1.1 (kubectl) reads 010 as octal 8")
        void leadingZeroIntegers() {
            Problem p = only(seedWith("maxReplicas: 5", "maxReplicas: 010"));
            assertThat(p.path()).isEqualTo("spec.autoscaling.maxReplicas");
            assertThat(p.message()).isEqualTo("'010' is ambiguous: YAML 1.1 readers such as kubectl take a leading 0 as octal, others as decimal;"
                    + " write the number without leading zeros");
            assertThat(only(seedWith("      memory: 2Gi\n", "      memory: 2Gi\n  backends:\n    kubernetes: {weight: 07}\n")).path())
                    .isEqualTo("spec.backends.kubernetes.weight");
            InferenceEndpoint e = EndpointCodec.read(seedWith("maxReplicas: 5", "maxReplicas: 0").replace("minReplicas: 1", "minReplicas: +0"), "x").endpoint();
            assertThat(e.autoscaling().maxReplicas()).isZero();
            assertThat(EndpointCodec.read(seedWith("      memory: 2Gi\n", "      memory: 2Gi\n  backends:\n    kubernetes: {weight: 0.5, ratio: 010.5}\n"), "x")
                    .endpoint().backends().get("kubernetes", "ratio")).contains(new BigDecimal("10.5"));
        }

        @Test
        @DisplayName("writing a built endpoint with a huge number uses exponent notation instead of a billion digits")
        void writeHugeNumber() {
            InferenceEndpoint e = EndpointCodec.read(RICH, "x").endpoint();
            InferenceEndpoint huge = e.toBuilder().autoscaling(e.autoscaling().toBuilder()
                    .target(new io.inferscale.api.ScalingTarget(TargetType.REQUESTS_PER_SECOND, new BigDecimal("1e999999999"))).build()).build();
            assertThat(EndpointCodec.toYaml(huge)).contains("targetRequestsPerSecondPerReplica: 1E+999999999\n");
            assertThat(EndpointCodec.toJson(huge)).contains("\"targetRequestsPerSecondPerReplica\": 1E+999999999");
            assertThat(problems(EndpointCodec.toYaml(huge))).extracting(Problem::path).containsExactly("spec.autoscaling.targetRequestsPerSecondPerReplica");
        }

        @Test
        @DisplayName("a file or stream that is not UTF-8 is one error saying so, not garbage or an opaque IOException")
        void notUtf8(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
            java.nio.file.Path utf16 = dir.resolve("utf16.yaml");
            java.nio.file.Files.write(utf16, ("\uFEFF" + seedWith("", "")).getBytes(java.nio.charset.StandardCharsets.UTF_16LE));
            InvalidEndpointException e = catchThrowableOfType(InvalidEndpointException.class, () -> EndpointCodec.read(utf16));
            assertThat(e.report().problems()).singleElement().satisfies(p ->
                    assertThat(p.message()).isEqualTo("the document is not UTF-8 text (it looks like UTF-16); save it as UTF-8"));
            byte[] latin1 = seedWith("name: my-ml-model", "name: mod\u00e8le").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            InvalidEndpointException s = catchThrowableOfType(InvalidEndpointException.class,
                    () -> EndpointCodec.read(new java.io.ByteArrayInputStream(latin1), "stdin"));
            int offset = new String(latin1, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf('\u00e8');
            assertThat(s.report().problems()).singleElement().satisfies(p -> {
                assertThat(p.message()).isEqualTo("the document is not UTF-8 text: byte offset " + offset
                        + " (line 7) starts an invalid byte sequence with 0xE8; save the file as UTF-8");
                assertThat(p.line()).isEqualTo(7);
                assertThat(p.column()).isEqualTo(14);
            });
            java.nio.file.Path utf8 = dir.resolve("ok.yaml");
            java.nio.file.Files.writeString(utf8, seedWith("name: my-ml-model", "name: mod\u00e8le"));
            assertThat(EndpointCodec.read(utf8).endpoint().model().name()).isEqualTo("mod\u00e8le");
        }

        @Test
        @DisplayName("a Kubernetes-style GPU limit points to the neutral accelerator field")
        void kubernetesGpuLimit() {
            Problem p = only(seedWith("      memory: 2Gi\n", "      memory: 2Gi\n      nvidia.com/gpu: 1\n"));
            assertThat(p.path()).isEqualTo("spec.resources.limits.nvidia.com/gpu");
            assertThat(p.message()).startsWith("unknown field 'nvidia.com/gpu'; accelerators are neutral: set spec.resources.accelerator:");
            assertThat(p.line()).isEqualTo(20);
        }

        @Test
        @DisplayName("a key that is a list or mapping is one error naming the mapping")
        void nonTextKey() {
            Problem p = only(seedWith("  name: my-model-endpoint\n", "  name: my-model-endpoint\n  ? [a, b]\n  : c\n"));
            assertThat(p.path()).isEqualTo("metadata");
            assertThat(p.message()).isEqualTo("keys must be plain text, found a list");
        }

        @Test
        @DisplayName("'---' alone or a null root is an empty document, reported once")
        void emptyMarkers() {
            assertThat(only("---\n").message()).startsWith("empty document");
            assertThat(only("~\n").message()).startsWith("empty document");
            assertThat(only("[]\n").message()).isEqualTo("expected a mapping (key: value lines), found a list");
        }

        @Test
        @DisplayName("JSON indented with tabs, and a byte-order mark, read like any document")
        void jsonWithTabsAndBom() {
            String json = "\uFEFF{\n\t\"apiVersion\": \"mlops.example.com/v1\",\n\t\"kind\": \"InferenceEndpoint\",\n"
                    + "\t\"metadata\": {\"name\": \"a\", \"labels\": {\"note\": \"tab\\there\"}},\n\t\"spec\": {\n"
                    + "\t\t\"model\": {\"name\": \"m\"},\n\t\t\"autoscaling\": {\"maxReplicas\": 5,\t\"targetCPUUtilizationPercentage\": 60}\n\t}\n}\n";
            InferenceEndpoint e = EndpointCodec.read(json, "x.json").endpoint();
            assertThat(e.name()).isEqualTo("a");
            assertThat(e.labels()).containsEntry("note", "tab\there");
            assertThat(e.autoscaling().maxReplicas()).isEqualTo(5);
            Problem p = only(json.replace("\"maxReplicas\": 5", "\"maxReplica\": 5"));
            assertThat(p.line()).isEqualTo(7);
            assertThat(p.column()).isEqualTo(19);
            assertThat(EndpointCodec.read("\uFEFF" + seedWith("", ""), "x").endpoint().name()).isEqualTo("my-model-endpoint");
        }

        @Test
        @DisplayName("tabs used for YAML indentation stay a syntax error with line and column")
        void yamlTabIndentation() {
            Problem p = only(seedWith("  name: my-model-endpoint", "\tname: my-model-endpoint"));
            assertThat(p.message()).startsWith("YAML syntax error: ").contains("TAB");
            assertThat(p.line()).isEqualTo(4);
        }

        @Test
        @DisplayName("anchors on scalars and aliases to them are plain values")
        void scalarAnchors() {
            InferenceEndpoint e = EndpointCodec.read(seedWith("minReplicas: 1\n    maxReplicas: 5", "minReplicas: &n 2\n    maxReplicas: *n"), "x").endpoint();
            assertThat(e.autoscaling().minReplicas()).isEqualTo(2);
            assertThat(e.autoscaling().maxReplicas()).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("keeps numbers in options as exact decimals")
    void optionNumbers() {
        InferenceEndpoint e = EndpointCodec.read(RICH.replace("namespace: ml", "namespace: ml\n      weight: 0.25"), "x").endpoint();
        assertThat(e.backends().get("kubernetes", "weight")).contains(new BigDecimal("0.25"));
    }
}
