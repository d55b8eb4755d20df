package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.inferscale.backend.kubernetes.internal.ManifestYaml;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.inferscale.backend.kubernetes.KubernetesTranslatorTest.resource;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped CRD: names, status subresource, printer columns, and an OpenAPI v3 structural check of documents
 * against its schema (types, required, enum, minimum/maximum, pattern, int-or-string, unknown fields), the part
 * of the API server's validation that does not need a cluster, plus the {@code x-kubernetes-validations} CEL rules,
 * compiled and evaluated with cel-java ({@code self} as an untyped map, so type errors the API server's typed check
 * would find at install time are not caught).
 */
class InferenceEndpointCrdTest {

    private static final String DNS_1035_MESSAGE = "metadata.name must be a DNS-1035 label (at most 63 lower-case letters, digits and '-', "
            + "starting with a letter): the operator names a Service after it";

    static CustomResourceDefinition crd() throws IOException {
        try (InputStream in = InferenceEndpointOperator.class.getResourceAsStream("/manifests/crd.yaml")) {
            return Serialization.unmarshal(in, CustomResourceDefinition.class);
        }
    }

    static JSONSchemaProps schema() throws IOException {
        return crd().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    }

    @Test
    @DisplayName("the CRD is inferenceendpoints.mlops.example.com, v1, namespaced, with a status subresource and the printer columns")
    void names() throws IOException {
        CustomResourceDefinition crd = crd();
        assertThat(crd.getMetadata().getName()).isEqualTo(InferenceEndpointResource.CRD_NAME);
        assertThat(crd.getSpec().getGroup()).isEqualTo("mlops.example.com");
        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo("InferenceEndpoint");
        assertThat(crd.getSpec().getNames().getPlural()).isEqualTo("inferenceendpoints");
        CustomResourceDefinitionVersion v = crd.getSpec().getVersions().get(0);
        assertThat(v.getName()).isEqualTo("v1");
        assertThat(v.getServed()).isTrue();
        assertThat(v.getStorage()).isTrue();
        assertThat(v.getSubresources().getStatus()).isNotNull();
        assertThat(v.getAdditionalPrinterColumns()).extracting(CustomResourceColumnDefinition::getName)
                .containsExactly("MIN", "MAX", "REPLICAS", "TARGET", "READY", "AGE");
        assertThat(v.getAdditionalPrinterColumns()).extracting(CustomResourceColumnDefinition::getJsonPath)
                .contains(".spec.autoscaling.minReplicas", ".spec.autoscaling.maxReplicas", ".status.replicas", ".status.targets");
        // the resource class agrees with the CRD
        assertThat(HasMetadata.getGroup(InferenceEndpointResource.class)).isEqualTo(crd.getSpec().getGroup());
        assertThat(HasMetadata.getPlural(InferenceEndpointResource.class)).isEqualTo(crd.getSpec().getNames().getPlural());
    }

    @Test
    @DisplayName("the seed document is accepted unchanged; so is the rich one")
    void seedAccepted() throws IOException {
        assertThat(validate(resource("inference_endpoint.yaml"))).isEmpty();
        assertThat(validate(resource("rich_endpoint.yaml"))).isEmpty();
    }

    @Test
    @DisplayName("the seed's fields exist in the schema with the right types and bounds")
    void seedFieldsTyped() throws IOException {
        JSONSchemaProps spec = schema().getProperties().get("spec");
        JSONSchemaProps autoscaling = spec.getProperties().get("autoscaling");
        assertThat(spec.getProperties().get("model").getProperties().get("name").getType()).isEqualTo("string");
        assertThat(spec.getProperties().get("model").getProperties().get("version").getType()).isEqualTo("string");
        assertThat(autoscaling.getProperties().get("minReplicas").getType()).isEqualTo("integer");
        assertThat(autoscaling.getProperties().get("minReplicas").getMinimum()).isEqualTo(0.0);
        assertThat(autoscaling.getProperties().get("maxReplicas").getMinimum()).isEqualTo(1.0);
        JSONSchemaProps cpu = autoscaling.getProperties().get("targetCPUUtilizationPercentage");
        assertThat(cpu.getType()).isEqualTo("integer");
        assertThat(cpu.getMinimum()).isEqualTo(1.0);
        assertThat(cpu.getMaximum()).isEqualTo(100.0);
        assertThat(autoscaling.getRequired()).containsExactly("maxReplicas");
        assertThat(autoscaling.getXKubernetesValidations()).extracting(v -> v.getRule()).contains(
                "!has(self.minReplicas) || self.minReplicas <= self.maxReplicas",
                "!has(self.minReplicas) || self.minReplicas != 0 || has(self.scaleToZero)");
        JSONSchemaProps limitsCpu = spec.getProperties().get("resources").getProperties().get("limits").getProperties().get("cpu");
        assertThat(limitsCpu.getXKubernetesIntOrString()).as("cpu: 1 (integer) and cpu: 500m (string) are both quantities").isTrue();
    }

    @Test
    @DisplayName("every neutral target field is in the schema, typed like the library reads it, and counts as a target in the CEL rule")
    void everyTargetField() throws IOException {
        JSONSchemaProps autoscaling = schema().getProperties().get("spec").getProperties().get("autoscaling");
        String noTargetRule = autoscaling.getXKubernetesValidations().stream().map(v -> v.getRule())
                .filter(r -> r.contains("self.maxReplicas <= (has(self.minReplicas)")).findFirst().orElseThrow();
        for (io.inferscale.api.TargetType t : io.inferscale.api.TargetType.values()) {
            JSONSchemaProps field = autoscaling.getProperties().get(t.field());
            assertThat(field).as(t.field()).isNotNull();
            assertThat(field.getType()).as(t.field()).isEqualTo(t.isPercentage() ? "integer" : "number");
            assertThat(noTargetRule).contains("has(self." + t.field() + ")");
        }
        String seed = resource("inference_endpoint.yaml");
        String queue = seed.replace("targetCPUUtilizationPercentage: 60", "targetQueueDepthPerReplica: 4");
        assertThat(validate(queue)).isEmpty();
        assertThat(validate(seed.replace("targetCPUUtilizationPercentage: 60", "targetTokensPerSecondPerReplica: 0")))
                .containsExactly("spec.autoscaling.targetTokensPerSecondPerReplica: 0 is below the minimum 0");
    }

    @Test
    @DisplayName("invalid values are rejected with their path")
    void invalidRejected() throws IOException {
        String seed = resource("inference_endpoint.yaml");
        assertThat(validate(seed.replace("targetCPUUtilizationPercentage: 60", "targetCPUUtilizationPercentage: 150")))
                .containsExactly("spec.autoscaling.targetCPUUtilizationPercentage: 150 is above the maximum 100");
        assertThat(validate(seed.replace("maxReplicas: 5", "maxReplicas: 0"))).containsExactly("spec.autoscaling.maxReplicas: 0 is below the minimum 1",
                "spec.autoscaling: maxReplicas must be at least minReplicas");
        assertThat(validate(seed.replace("cpu: 500m", "cpu: lots"))).containsExactly("spec.resources.requests.cpu: 'lots' does not match the pattern");
        assertThat(validate(seed.replace("minReplicas: 1", "minReplicas: one"))).containsExactly("spec.autoscaling.minReplicas: expected integer");
        // an unquoted number would be stored as a JSON number (2.10 -> 2.1): the resource needs version: "2.10"
        assertThat(validate(seed.replace("version: v1", "version: 2.10"))).containsExactly("spec.model.version: expected string");
        assertThat(validate(seed.replace("  model:\n    name: my-ml-model\n", "  model:\n"))).containsExactly("spec.model.name: required");
        // the operator names a Service after the endpoint: a DNS-1035 label, at most 63 characters
        assertThat(validate(seed.replace("name: my-model-endpoint", "name: 1-model")))
                .containsExactly("metadata.name: '1-model' does not match the pattern", ": " + DNS_1035_MESSAGE);
        assertThat(validate(seed.replace("name: my-model-endpoint", "name: m" + "x".repeat(63))))
                .containsExactly("metadata.name: longer than 63", ": " + DNS_1035_MESSAGE);
        assertThat(validate(seed.replace("targetCPUUtilizationPercentage", "targetCpu"))).containsExactly("spec.autoscaling.targetCpu: unknown field",
                "spec.autoscaling: no scaling target: add one, e.g. targetCPUUtilizationPercentage: 60");
    }

    @Test
    @DisplayName("RBAC grants no delete but a KEDA ScaledObject's and writes only the status of InferenceEndpoints")
    void leastPrivilege() throws IOException {
        List<HasMetadata> objects;
        try (InputStream in = InferenceEndpointOperator.class.getResourceAsStream("/manifests/rbac.yaml")) {
            objects = ManifestYaml.serialization().unmarshal(in);
        }
        ClusterRole role = objects.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast).findFirst().orElseThrow();
        // the one delete: a KEDA ScaledObject, when an endpoint switches from autoscaler keda back to hpa
        assertThat(role.getRules()).filteredOn(r -> !r.getResources().equals(List.of("scaledobjects")))
                .allSatisfy(r -> assertThat(r.getVerbs()).doesNotContain("delete", "deletecollection", "*"));
        assertThat(role.getRules()).filteredOn(r -> r.getResources().equals(List.of("scaledobjects")))
                .singleElement().satisfies(r -> {
                    assertThat(r.getApiGroups()).containsExactly("keda.sh");
                    assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch", "create", "patch", "delete");
                });
        assertThat(role.getRules()).filteredOn(r -> r.getResources().contains("inferenceendpoints"))
                .allSatisfy(r -> assertThat(r.getVerbs()).containsExactlyInAnyOrder("list", "watch"));
        assertThat(role.getRules()).filteredOn(r -> r.getResources().contains("inferenceendpoints/status"))
                .allSatisfy(r -> assertThat(r.getVerbs()).containsExactly("patch"));
        try (InputStream in = InferenceEndpointOperator.class.getResourceAsStream("/manifests/operator.yaml")) {
            // operator.yaml holds the Deployment and its PodDisruptionBudget
            var operator = ManifestYaml.serialization().<List<HasMetadata>>unmarshal(in).stream().filter(io.fabric8.kubernetes.api.model.apps.Deployment.class::isInstance)
                    .map(io.fabric8.kubernetes.api.model.apps.Deployment.class::cast).findFirst().orElseThrow();
            var pod = operator.getSpec().getTemplate().getSpec();
            var binding = objects.stream().filter(io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding.class::isInstance)
                    .map(io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding.class::cast).findFirst().orElseThrow();
            assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
                assertThat(subject.getName()).isEqualTo(pod.getServiceAccountName());
                assertThat(subject.getNamespace()).isEqualTo(operator.getMetadata().getNamespace());
            });
            assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
            var container = pod.getContainers().get(0);
            assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(container.getVolumeMounts()).as("a writable java.io.tmpdir on a read-only root file system")
                    .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
        }
    }

    @Test
    @DisplayName("the CEL rules compile and reject what the library rejects, with their messages")
    void celRules() throws IOException {
        String seed = resource("inference_endpoint.yaml");
        assertThat(validate(seed.replace("minReplicas: 1", "minReplicas: 6")))
                .containsExactly("spec.autoscaling: maxReplicas must be at least minReplicas");
        assertThat(validate(seed.replace("minReplicas: 1", "minReplicas: 0"))).singleElement()
                .satisfies(e -> assertThat(e).startsWith("spec.autoscaling: minReplicas 0 needs scaleToZero"));
        assertThat(validate(seed.replace("minReplicas: 1", "minReplicas: 1\n    scaleToZero: {idleSeconds: 600}")))
                .containsExactly("spec.autoscaling: scaleToZero needs minReplicas 0");
        assertThat(validate(seed.replace("minReplicas: 1", "minReplicas: 0\n    scaleToZero: {idleSeconds: 600}"))).isEmpty();
        assertThat(validate(seed.replace("    targetCPUUtilizationPercentage: 60\n", "")))
                .containsExactly("spec.autoscaling: no scaling target: add one, e.g. targetCPUUtilizationPercentage: 60");
        assertThat(validate(seed.replace("    targetCPUUtilizationPercentage: 60\n", "").replace("maxReplicas: 5", "maxReplicas: 1"))).isEmpty();
        // the HPA rejects an empty policy list ("must specify at least one Policy"); so does the CRD
        assertThat(validate(seed.replace("maxReplicas: 5", "maxReplicas: 5\n    behavior:\n      scaleDown:\n        policies: []")))
                .containsExactly("spec.autoscaling.behavior.scaleDown.policies: fewer than 1 items");
    }

    // ---------------------------------------------------------------- a small OpenAPI v3 structural validator

    /**
     * Evaluates an x-kubernetes-validations rule with {@code self} bound to {@code value}, as the API server does. A rule
     * that does not compile fails the test; one that cannot evaluate on ill-typed data (e.g. {@code minReplicas: one},
     * already reported by the type check) counts as passed.
     */
    private static boolean cel(String rule, Object value) {
        dev.cel.runtime.CelRuntime.Program program = CEL_PROGRAMS.computeIfAbsent(rule, InferenceEndpointCrdTest::celProgram);
        try {
            return Boolean.TRUE.equals(program.eval(Map.of("self", celValue(value))));
        } catch (dev.cel.runtime.CelEvaluationException e) {
            return true;
        }
    }

    private static final Map<String, dev.cel.runtime.CelRuntime.Program> CEL_PROGRAMS = new java.util.concurrent.ConcurrentHashMap<>();

    private static dev.cel.runtime.CelRuntime.Program celProgram(String rule) {
        try {
            dev.cel.compiler.CelCompiler compiler = dev.cel.compiler.CelCompilerFactory.standardCelCompilerBuilder()
                    .setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS)
                    .addVar("self", dev.cel.common.types.SimpleType.DYN).build();
            return dev.cel.runtime.CelRuntimeFactory.standardCelRuntimeBuilder().build().createProgram(compiler.compile(rule).getAst());
        } catch (dev.cel.common.CelValidationException | dev.cel.runtime.CelEvaluationException e) {
            throw new AssertionError("CEL rule '" + rule + "' does not compile: " + e.getMessage(), e);
        }
    }

    /** YAML values as CEL sees them: integers are int64. */
    private static Object celValue(Object v) {
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k.toString(), celValue(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(InferenceEndpointCrdTest::celValue).toList();
        }
        return v;
    }

    static List<String> validate(String yaml) throws IOException {
        return validate(yaml, schema());
    }

    /** {@code yaml} checked against another CRD's schema {@code root} (ScaledObjectCrdTest: KEDA's ScaledObject). */
    @SuppressWarnings("unchecked")
    static List<String> validate(String yaml, JSONSchemaProps root) throws IOException {
        Map<String, Object> doc = MockCluster.YAML.readValue(yaml, Map.class);
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, Object> e : doc.entrySet()) {
            if (e.getKey().equals("metadata")) {
                // the API server checks metadata itself; a CRD may only restrict metadata.name (and generateName)
                Object name = e.getValue() instanceof Map<?, ?> md ? md.get("name") : null;
                if (name != null && root.getProperties().get("metadata").getProperties() != null
                        && root.getProperties().get("metadata").getProperties().containsKey("name")) {
                    check("metadata.name", name, root.getProperties().get("metadata").getProperties().get("name"), errors);
                }
                continue;
            }
            check(e.getKey(), e.getValue(), root.getProperties().get(e.getKey()), errors);
        }
        for (var rule : root.getXKubernetesValidations()) {
            if (!cel(rule.getRule(), doc)) {
                errors.add(": " + rule.getMessage());
            }
        }
        for (String req : root.getRequired()) {
            if (!doc.containsKey(req)) {
                errors.add(req + ": required");
            }
        }
        return errors;
    }

    @SuppressWarnings("unchecked")
    private static void check(String path, Object value, JSONSchemaProps s, List<String> errors) {
        if (s == null) {
            errors.add(path + ": unknown field");
            return;
        }
        if (Boolean.TRUE.equals(s.getXKubernetesIntOrString())) {
            if (!(value instanceof Integer || value instanceof Long || value instanceof String)) {
                errors.add(path + ": expected integer or string");
            } else if (s.getPattern() != null && value instanceof String str && !Pattern.compile(s.getPattern()).matcher(str).find()) {
                errors.add(path + ": '" + str + "' does not match the pattern");
            }
            return;
        }
        if (Boolean.TRUE.equals(s.getXKubernetesPreserveUnknownFields())) {
            return;
        }
        String type = s.getType();
        switch (type) {
            case "object" -> {
                if (!(value instanceof Map<?, ?> m)) {
                    errors.add(path + ": expected object");
                    return;
                }
                for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                    JSONSchemaProps child = s.getProperties() != null && !s.getProperties().isEmpty() ? s.getProperties().get(e.getKey())
                            : s.getAdditionalProperties() != null ? s.getAdditionalProperties().getSchema() : null;
                    check(path + "." + e.getKey(), e.getValue(), child, errors);
                }
                if (s.getRequired() != null) {
                    for (String req : s.getRequired()) {
                        if (!m.containsKey(req)) {
                            errors.add(path + "." + req + ": required");
                        }
                    }
                }
                if (s.getXKubernetesValidations() != null) {
                    for (var rule : s.getXKubernetesValidations()) {
                        if (!cel(rule.getRule(), value)) {
                            errors.add(path + ": " + rule.getMessage());
                        }
                    }
                }
            }
            case "array" -> {
                if (!(value instanceof List<?> l)) {
                    errors.add(path + ": expected array");
                    return;
                }
                if (s.getMinItems() != null && l.size() < s.getMinItems()) {
                    errors.add(path + ": fewer than " + s.getMinItems() + " items");
                }
                for (int i = 0; i < l.size(); i++) {
                    check(path + "[" + i + "]", l.get(i), s.getItems().getSchema(), errors);
                }
            }
            case "integer", "number" -> {
                boolean ok = type.equals("integer") ? value instanceof Integer || value instanceof Long : value instanceof Number;
                if (!ok) {
                    errors.add(path + ": expected " + type);
                    return;
                }
                BigDecimal v = new BigDecimal(value.toString());
                if (s.getMinimum() != null) {
                    int c = v.compareTo(BigDecimal.valueOf(s.getMinimum()));
                    if (c < 0 || (c == 0 && Boolean.TRUE.equals(s.getExclusiveMinimum()))) {
                        errors.add(path + ": " + value + " is below the minimum " + s.getMinimum().intValue());
                    }
                }
                if (s.getMaximum() != null && v.compareTo(BigDecimal.valueOf(s.getMaximum())) > 0) {
                    errors.add(path + ": " + value + " is above the maximum " + s.getMaximum().intValue());
                }
            }
            case "string" -> {
                if (!(value instanceof String str)) {
                    errors.add(path + ": expected string");
                    return;
                }
                if (s.getEnum() != null && !s.getEnum().isEmpty() && s.getEnum().stream().noneMatch(e -> e.asText().equals(str))) {
                    errors.add(path + ": '" + str + "' is not one of " + s.getEnum());
                }
                if (s.getPattern() != null && !Pattern.compile(s.getPattern()).matcher(str).find()) {
                    errors.add(path + ": '" + str + "' does not match the pattern");
                }
                if (s.getMinLength() != null && str.length() < s.getMinLength()) {
                    errors.add(path + ": shorter than " + s.getMinLength());
                }
                if (s.getMaxLength() != null && str.length() > s.getMaxLength()) {
                    errors.add(path + ": longer than " + s.getMaxLength());
                }
            }
            case "boolean" -> {
                if (!(value instanceof Boolean)) {
                    errors.add(path + ": expected boolean");
                }
            }
            default -> errors.add(path + ": schema type " + type + " not handled");
        }
    }
}
