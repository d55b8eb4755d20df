package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Feature;
import io.inferscale.api.backend.Note;
import io.inferscale.api.backend.Support;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.validation.Problem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KubernetesTranslatorTest {

    static String resource(String name) throws IOException {
        try (InputStream in = KubernetesTranslatorTest.class.getResourceAsStream("/" + name)) {
            assertThat(in).as("test resource " + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static InferenceEndpoint endpoint(String name) throws IOException {
        return EndpointCodec.readEndpoint(resource(name), name);
    }

    /** Compares with src/test/resources/golden/NAME; run with -Dgolden.update=true to rewrite the files. */
    static void assertGolden(String actual, String golden) throws IOException {
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(Path.of("src/test/resources/golden", golden), actual);
        }
        assertThat(actual).isEqualTo(resource("golden/" + golden));
    }

    @Test
    @DisplayName("the seed document renders exactly the Deployment, Service and HPA the seed shows")
    void seedGolden() throws IOException {
        KubernetesManifests m = new KubernetesTranslator().translate(endpoint("inference_endpoint.yaml"));
        assertGolden(m.toYaml(), "inference_endpoint.k8s.yaml");
        assertThat(m.deployment().getMetadata().getName()).isEqualTo("my-model-endpoint");
        assertThat(m.service().getMetadata().getName()).isEqualTo("my-model-endpoint");
        assertThat(m.hpa().getMetadata().getName()).isEqualTo("my-model-endpoint");
        assertThat(m.deployment().getSpec().getTemplate().getMetadata().getLabels()).containsEntry("app", "my-model-endpoint");
        assertThat(m.hpa().getSpec().getMinReplicas()).isEqualTo(1);
        assertThat(m.hpa().getSpec().getMaxReplicas()).isEqualTo(5);
        MetricSpec cpu = m.hpa().getSpec().getMetrics().get(0);
        assertThat(cpu.getType()).isEqualTo("Resource");
        assertThat(cpu.getResource().getName()).isEqualTo("cpu");
        assertThat(cpu.getResource().getTarget().getType()).isEqualTo("Utilization");
        assertThat(cpu.getResource().getTarget().getAverageUtilization()).isEqualTo(60);
        assertThat(m.namespace()).isNull();
    }

    @Test
    @DisplayName("a rich spec (memory, rps, accelerator, behaviour, options) renders the exact manifests")
    void richGolden() throws IOException {
        KubernetesManifests m = new KubernetesTranslator().translate(endpoint("rich_endpoint.yaml"));
        assertGolden(m.toYaml(), "rich_endpoint.k8s.yaml");
        assertThat(m.namespace()).isEqualTo("ml-serving");
    }

    @Test
    @DisplayName("rendered YAML leaves spec.replicas out of the HPA-managed Deployment; the Deployment apply creates keeps minReplicas")
    void renderLeavesReplicasOut() throws IOException {
        KubernetesManifests m = new KubernetesTranslator().translate(endpoint("rich_endpoint.yaml"));
        assertThat(m.toYaml()).doesNotContain("replicas: 2").contains("minReplicas: 2");
        assertThat(m.deployment().getSpec().getReplicas()).as("the create-once count apply writes").isEqualTo(2);
    }

    @Test
    @DisplayName("no healthPath: a TCP readiness probe on the model port; startupSeconds: 95 -> startupProbe failureThreshold 10 x periodSeconds 10")
    void probes() throws IOException {
        InferenceEndpoint e = endpoint("inference_endpoint.yaml");
        var container = new KubernetesTranslator().translate(e).deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getReadinessProbe().getTcpSocket().getPort().getStrVal()).isEqualTo("http");
        assertThat(container.getReadinessProbe().getHttpGet()).isNull();
        assertThat(container.getStartupProbe()).isNull();
        KubernetesManifests slow = new KubernetesTranslator().translate(e.toBuilder().model(e.model().toBuilder().startupSeconds(95).build()).build());
        var startup = slow.deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getStartupProbe();
        assertThat(startup.getTcpSocket().getPort().getStrVal()).isEqualTo("http");
        assertThat(startup.getPeriodSeconds()).isEqualTo(10);
        assertThat(startup.getFailureThreshold()).isEqualTo(10);
        assertThat(slow.notes()).anySatisfy(n -> assertThat(n.message())
                .isEqualTo("95 s -> startupProbe failureThreshold 10 x periodSeconds 10 (100 s before the kubelet restarts the container)"));
    }

    @Test
    @DisplayName("env HF_TOKEN from secret hf/token renders valueFrom.secretKeyRef, after the literal values")
    void secretEnv() throws IOException {
        InferenceEndpoint e = endpoint("inference_endpoint.yaml");
        InferenceEndpoint s = e.toBuilder().model(e.model().toBuilder().env("LOG_LEVEL", "info")
                .secretEnv("HF_TOKEN", new io.inferscale.api.SecretKeyRef("hf", "token")).build()).build();
        assertThat(new KubernetesTranslator().validate(s).errors()).isEmpty();
        String yaml = new KubernetesTranslator().translate(s).toYaml();
        assertThat(yaml).contains("      - env:\n        - name: LOG_LEVEL\n          value: info\n        - name: HF_TOKEN\n"
                + "          valueFrom:\n            secretKeyRef:\n              key: token\n              name: hf\n");
    }

    @Test
    @DisplayName("spec.backends.kubernetes.behavior overrides the neutral behaviour in what the backend renders")
    void behaviorOverride() throws IOException {
        InferenceEndpoint e = endpoint("inference_endpoint.yaml").toBuilder()
                .option("kubernetes", "behavior", Map.of("scaleUp", Map.of("stabilizationWindowSeconds", new java.math.BigDecimal(30)))).build();
        var backend = new KubernetesBackendProvider().create(io.inferscale.api.backend.BackendConfig.of(Map.of()));
        assertThat(backend.validate(e).errors()).isEmpty();
        assertThat(backend.render(e).text()).contains("    scaleUp:\n      stabilizationWindowSeconds: 30\n");
    }

    @Test
    @DisplayName("without spec.model.image the image comes from the template and a note says so")
    void imageFromTemplate() throws IOException {
        InferenceEndpoint e = endpoint("inference_endpoint.yaml");
        KubernetesManifests m = new KubernetesTranslator().translate(e);
        assertThat(m.deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("my-ml-model:v1");
        assertThat(m.notes()).anySatisfy(n -> {
            assertThat(n.kind()).isEqualTo(Note.Kind.DERIVED);
            assertThat(n.path()).isEqualTo("spec.model.image");
            assertThat(n.message()).contains("my-ml-model:v1").contains("{name}:{version}");
        });
        KubernetesTranslator custom = new KubernetesTranslator(KubernetesSettings.from(BackendConfig.of(
                Map.of("kubernetes.imageTemplate", "registry.example.com/models/{name}:{version}"))));
        assertThat(custom.image(e.model())).isEqualTo("registry.example.com/models/my-ml-model:v1");
    }

    @Test
    @DisplayName("no image and no version is an error naming spec.model.image")
    void imageNeedsVersion() throws IOException {
        InferenceEndpoint e = endpoint("inference_endpoint.yaml");
        InferenceEndpoint noVersion = e.toBuilder().model(e.model().toBuilder().version(null).build()).build();
        assertThat(new KubernetesTranslator().validate(noVersion).errors()).singleElement()
                .satisfies(p -> {
                    assertThat(p.path()).isEqualTo("spec.model.image");
                    assertThat(p.message()).contains("spec.model.version");
                });
    }

    @Test
    @DisplayName("model name My_Model without an image derives My_Model:v1, an invalid reference: an error naming spec.model.image and the fix")
    void derivedImageMustBeAReference() throws IOException {
        InferenceEndpoint e = endpoint("inference_endpoint.yaml");
        InferenceEndpoint upper = e.toBuilder().model(e.model().toBuilder().name("My_Model").build()).build();
        assertThat(new KubernetesTranslator().validate(upper).errors()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("spec.model.image");
            assertThat(p.message()).isEqualTo("no image given, and the one derived from the model name and version with the image template "
                    + "'{name}:{version}', 'My_Model:v1', is not a valid image reference (repository names are lower-case letters, digits and "
                    + "separators '.', '_', '-'; tags at most 128 letters, digits, '_', '.' and '-'); set spec.model.image "
                    + "(e.g. registry.example.com/my_model:v1) or rename the model (e.g. my_model)");
        });
        assertThat(new KubernetesTranslator().validate(upper.toBuilder().model(upper.model().toBuilder().image("registry.example.com/my_model:v1")
                .build()).build()).errors()).isEmpty();
        for (String ok : List.of("my-ml-model:v1", "registry.example.com:5000/team/my_model:1.0", "localhost/m@sha256:" + "a".repeat(64))) {
            assertThat(KubernetesTranslator.IMAGE_REFERENCE.matcher(ok).matches()).as(ok).isTrue();
        }
        for (String bad : List.of("My_Model:v1", "my model:v1", "m:v 1", "m:" + "v".repeat(129), "-m:v1")) {
            assertThat(KubernetesTranslator.IMAGE_REFERENCE.matcher(bad).matches()).as(bad).isFalse();
        }
    }

    @Test
    @DisplayName("concurrency and External metric types come from the configuration")
    void metricConfiguration() throws IOException {
        InferenceEndpoint e = endpoint("inference_endpoint.yaml");
        InferenceEndpoint c = e.toBuilder().autoscaling(e.autoscaling().toBuilder()
                .target(TargetType.CONCURRENT_REQUESTS, 8).build()).build();
        KubernetesTranslator t = new KubernetesTranslator(KubernetesSettings.from(BackendConfig.of(Map.of(
                "kubernetes.concurrencyMetric", "inflight", "kubernetes.concurrencyMetricType", "External"))));
        MetricSpec m = t.translate(c).hpa().getSpec().getMetrics().get(1);
        assertThat(m.getType()).isEqualTo("External");
        assertThat(m.getExternal().getMetric().getName()).isEqualTo("inflight");
        assertThat(m.getExternal().getTarget().getType()).isEqualTo("AverageValue");
        assertThat(m.getExternal().getTarget().getAverageValue().toString()).isEqualTo("8");
        MetricSpec pods = new KubernetesTranslator().translate(c).hpa().getSpec().getMetrics().get(1);
        assertThat(pods.getType()).isEqualTo("Pods");
        assertThat(pods.getPods().getMetric().getName()).isEqualTo(KubernetesSettings.DEFAULT_CONCURRENCY_METRIC);
    }

    @Test
    @DisplayName("with the HPA, queue depth and tokens per second are Pods (or External) AverageValue metrics like concurrency")
    void inferenceTargetsOnTheHpa() throws IOException {
        InferenceEndpoint keda = endpoint("llm_targets_endpoint.yaml");
        InferenceEndpoint e = keda.toBuilder().backends(keda.backends().with(KubernetesTranslator.BACKEND_ID, "autoscaler", "hpa")).build();
        assertThat(new KubernetesTranslator().validate(e).errors()).isEmpty();
        KubernetesManifests rendered = new KubernetesTranslator().translate(e);
        assertGolden(rendered.toYaml(), "llm_targets_endpoint.k8s.yaml");
        List<MetricSpec> pods = rendered.hpa().getSpec().getMetrics();
        assertThat(pods).extracting(MetricSpec::getType).containsExactly("Pods", "Pods");
        assertThat(pods).extracting(m -> m.getPods().getMetric().getName())
                .containsExactly("vllm:num_requests_waiting", "vllm:generation_tokens_per_second");
        assertThat(pods).extracting(m -> m.getPods().getTarget().getAverageValue().toString()).containsExactly("4", "1500500m");
        KubernetesTranslator external = new KubernetesTranslator(KubernetesSettings.from(BackendConfig.of(Map.of(
                "kubernetes.queueDepthMetric", "gateway_queue", "kubernetes.queueDepthMetricType", "External",
                "kubernetes.tokensPerSecondMetric", "tokens_rate"))));
        List<MetricSpec> m = external.translate(e).hpa().getSpec().getMetrics();
        assertThat(m.get(0).getType()).isEqualTo("External");
        assertThat(m.get(0).getExternal().getMetric().getName()).isEqualTo("gateway_queue");
        assertThat(m.get(1).getPods().getMetric().getName()).isEqualTo("tokens_rate");
        assertThat(new KubernetesTranslator().capabilities().note(io.inferscale.api.backend.Feature.QUEUE_DEPTH_TARGET))
                .isEqualTo("Pods metric 'vllm:num_requests_waiting', target type AverageValue; needs a custom metrics adapter");
        assertThat(new KubernetesTranslator().capabilities().supports(io.inferscale.api.backend.Feature.TOKENS_PER_SECOND_TARGET)).isTrue();
    }

    @Test
    @DisplayName("decimal targets use the canonical quantity form")
    void quantityText() {
        assertThat(KubernetesTranslator.quantityText(new java.math.BigDecimal("10.0"))).isEqualTo("10");
        assertThat(KubernetesTranslator.quantityText(new java.math.BigDecimal("2.5"))).isEqualTo("2500m");
        assertThat(KubernetesTranslator.quantityText(new java.math.BigDecimal("0.0005"))).isEqualTo("0.0005");
    }

    @Test
    @DisplayName("scale-to-zero is native through autoscaler: keda; the note says the HPA rejects it unless kubernetes.allowScaleToZero=true")
    void scaleToZero() {
        // issue 17: the capability moved from UNSUPPORTED/APPROXIMATED to NATIVE (KEDA); the HPA's rule is now validate()'s,
        // per endpoint (KubernetesKedaTest.scaleToZeroCapability)
        KubernetesTranslator t = new KubernetesTranslator();
        assertThat(t.capabilities().support(Feature.SCALE_TO_ZERO)).isEqualTo(Support.NATIVE);
        assertThat(t.capabilities().note(Feature.SCALE_TO_ZERO)).contains("HPAScaleToZero").contains("kubernetes.allowScaleToZero")
                .contains("rejected").contains("autoscaler: keda");
        KubernetesTranslator allowed = new KubernetesTranslator(KubernetesSettings.from(BackendConfig.of(Map.of(
                "kubernetes.allowScaleToZero", "true"))));
        assertThat(allowed.capabilities().support(Feature.SCALE_TO_ZERO)).isEqualTo(Support.NATIVE);
        assertThat(allowed.capabilities().note(Feature.SCALE_TO_ZERO)).contains("approximated");
        for (Feature f : Feature.values()) {
            assertThat(t.capabilities().support(f)).as(f.name()).isEqualTo(Support.NATIVE);
        }
    }

    @Test
    @DisplayName("a name starting with a digit (1-model) is an error: the Service it names must be a DNS-1035 label")
    void nameStartsWithDigit() throws IOException {
        InferenceEndpoint e = endpoint("inference_endpoint.yaml").toBuilder().name("1-model").build();
        assertThat(new KubernetesTranslator().validate(e).errors()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("metadata.name");
            assertThat(p.message()).isEqualTo("'1-model' starts with a digit, but Kubernetes names the Service after the endpoint and "
                    + "Service names are DNS-1035 labels, which start with a letter; start the name with a letter, e.g. m-1-model");
        });
        assertThat(new KubernetesTranslator().validate(e.toBuilder().name("model-1").build()).errors()).isEmpty();
    }

    @Test
    @DisplayName("malformed options are errors naming the option")
    void optionErrors() throws IOException {
        InferenceEndpoint e = endpoint("inference_endpoint.yaml").toBuilder()
                .option("kubernetes", "namespace", "Bad_NS")
                .option("kubernetes", "serviceType", "Ingress")
                .option("kubernetes", "servicePort", 70000)
                .option("kubernetes", "nodeSelector", "gpu")
                .option("kubernetes", "serviceAccountName", "Model_Server")
                .build();
        assertThat(new KubernetesTranslator().validate(e).errors()).extracting(Problem::path).containsExactly(
                "spec.backends.kubernetes.namespace", "spec.backends.kubernetes.nodeSelector",
                "spec.backends.kubernetes.serviceType", "spec.backends.kubernetes.servicePort",
                "spec.backends.kubernetes.serviceAccountName");
    }

    @Test
    @DisplayName("nodeSelector keys must be label keys, as the API server checks them")
    void nodeSelectorKeys() throws IOException {
        InferenceEndpoint e = endpoint("inference_endpoint.yaml").toBuilder()
                .option("kubernetes", "nodeSelector", Map.of("cloud.google.com/gke-nodepool", "gpu-pool", "bad key", "x", "Upper.Case/pool", "y"))
                .build();
        assertThat(new KubernetesTranslator().validate(e).errors()).extracting(Problem::path)
                .containsExactlyInAnyOrder("spec.backends.kubernetes.nodeSelector.bad key", "spec.backends.kubernetes.nodeSelector.Upper.Case/pool");
        assertThat(KubernetesTranslator.isLabelKey("nvidia.com/gpu.product")).isTrue();
        assertThat(KubernetesTranslator.isLabelKey("kubernetes.io/arch")).isTrue();
        assertThat(KubernetesTranslator.isLabelKey("pool")).isTrue();
        assertThat(KubernetesTranslator.isLabelKey("/pool")).isFalse();
        assertThat(KubernetesTranslator.isLabelKey("a".repeat(64))).isFalse();
    }

    @Test
    @DisplayName("unknown or malformed configuration keys fail with the key's name")
    void configErrors() {
        assertThatThrownBy(() -> KubernetesSettings.from(BackendConfig.of(Map.of("kubernetes.namespce", "x"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("kubernetes.namespace");
        assertThatThrownBy(() -> KubernetesSettings.from(BackendConfig.of(Map.of("kubernetes.acceleratorMetricType", "Object"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("Pods or External");
        assertThatThrownBy(() -> KubernetesSettings.from(BackendConfig.of(Map.of("kubernetes.gpuNodeSelector.nvidia-l4", "nope"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("label=value");
        assertThatThrownBy(() -> KubernetesSettings.from(BackendConfig.of(Map.of("kubernetes.namespace", "ML_Serving"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("kubernetes.namespace").hasMessageContaining("DNS-1123");
    }
}
