package io.inferscale.backend.kubernetes;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ScaleToZero;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.validation.Problem;
import io.inferscale.backend.kubernetes.internal.ManifestYaml;
import io.inferscale.backend.kubernetes.internal.ModelTree;
import io.inferscale.backend.kubernetes.keda.KedaSettings;
import io.inferscale.backend.kubernetes.keda.PrometheusQueries;
import io.inferscale.backend.kubernetes.keda.ScaledObjectManifest;
import io.inferscale.backend.kubernetes.keda.ScaledObjectTranslator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static io.inferscale.backend.kubernetes.KubernetesTranslatorTest.assertGolden;
import static io.inferscale.backend.kubernetes.KubernetesTranslatorTest.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScaledObjectTranslatorTest {

    /**
     * A translator for {@code config}. Until the backend is wired (issue 17), KubernetesSettings rejects the
     * {@code kubernetes.keda.*} keys as unknown, so they go only to KedaSettings.
     */
    static ScaledObjectTranslator translator(Map<String, String> config) {
        Map<String, String> plain = new java.util.HashMap<>(config);
        plain.keySet().removeIf(k -> k.startsWith("kubernetes.keda."));
        return new ScaledObjectTranslator(new KubernetesTranslator(KubernetesSettings.from(BackendConfig.of(plain))),
                KedaSettings.from(BackendConfig.of(config)));
    }

    static ScaledObjectManifest render(String document, Map<String, String> config) throws IOException {
        return translator(config).translate(endpoint(document));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> spec(ScaledObjectManifest m) {
        return (Map<String, Object>) m.scaledObject().getAdditionalProperties().get("spec");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> triggers(ScaledObjectManifest m) {
        return (List<Map<String, Object>>) spec(m).get("triggers");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> metadata(Map<String, Object> trigger) {
        return (Map<String, Object>) trigger.get("metadata");
    }

    @Test
    @DisplayName("the seed renders a ScaledObject with one cpu Utilization trigger, min 1, max 5, no cooldown (golden)")
    void seedGolden() throws IOException {
        ScaledObjectManifest m = render("inference_endpoint.yaml", Map.of());
        assertGolden(m.toYaml(), "inference_endpoint.keda.yaml");
        assertThat(spec(m)).containsEntry("minReplicaCount", 1).containsEntry("maxReplicaCount", 5)
                .doesNotContainKeys("cooldownPeriod", "pollingInterval", "fallback");
        assertThat(triggers(m)).containsExactly(Map.of("type", "cpu", "name", "cpu", "metricType", "Utilization",
                "metadata", Map.of("value", "60")));
        assertThat(m.scaledObject().getMetadata().getAnnotations())
                .containsEntry(ScaledObjectTranslator.TRANSFER_HPA_OWNERSHIP_ANNOTATION, "true");
        assertThat(m.scaledObject().getMetadata().getLabels()).isEqualTo(new KubernetesTranslator().labels(endpoint("inference_endpoint.yaml")));
    }

    @Test
    @DisplayName("the rich document: memory, prometheus requests-per-second and accelerator triggers, the HPA's behavior (golden)")
    void richGolden() throws IOException {
        InferenceEndpoint e = endpoint("rich_endpoint.yaml");
        ScaledObjectManifest m = translator(Map.of()).translate(e);
        assertGolden(m.toYaml(), "rich_endpoint.keda.yaml");
        assertThat(triggers(m)).extracting(t -> t.get("name")).containsExactly("memory", "requests-per-second", "accelerator-utilization");
        Map<String, Object> rps = triggers(m).get(1);
        assertThat(rps).containsEntry("type", "prometheus").containsEntry("metricType", "AverageValue");
        assertThat(metadata(rps)).containsEntry("threshold", "2.5")
                .containsEntry("serverAddress", KedaSettings.DEFAULT_PROMETHEUS_SERVER_ADDRESS)
                .doesNotContainKey("activationThreshold");
        // the behavior is exactly the one the plain translator gives the HPA
        Object hpaBehavior = ModelTree.of(new KubernetesTranslator().translate(e).hpa().getSpec().getBehavior());
        assertThat(spec(m).get("advanced")).isEqualTo(Map.of("horizontalPodAutoscalerConfig",
                Map.of("behavior", hpaBehavior, "name", e.name())));
    }

    @Test
    @DisplayName("scale to zero: minReplicaCount 0, cooldownPeriod = idleSeconds, activationThreshold on the prometheus trigger (golden)")
    void scaleToZeroGolden() throws IOException {
        ScaledObjectManifest m = render("scale_to_zero_endpoint.yaml", Map.of("kubernetes.keda.pollingIntervalSeconds", "15"));
        assertGolden(m.toYaml(), "scale_to_zero_endpoint.keda.yaml");
        assertThat(spec(m)).containsEntry("minReplicaCount", 0).containsEntry("cooldownPeriod", 900).containsEntry("pollingInterval", 15);
        Map<String, Object> concurrency = triggers(m).get(0);
        assertThat(metadata(concurrency)).containsEntry("activationThreshold", "0").containsEntry("threshold", "16")
                .containsEntry("query", "sum(vllm:num_requests_running{namespace=\"ml-serving\",pod=~\"llm-endpoint-[a-z0-9]+-[a-z0-9]+\"})"
                        + " + sum(vllm:num_requests_waiting{namespace=\"ml-serving\",pod=~\"llm-endpoint-[a-z0-9]+-[a-z0-9]+\"})");
        assertThat(m.notes()).anySatisfy(n -> assertThat(n.message()).contains("idleSeconds 900 -> cooldownPeriod 900").contains("every 15 s"));
    }

    @Test
    @DisplayName("with scale to zero the idle period is KEDA's cooldown, not folded into the HPA's scale-down window as the plain HPA does")
    void idleIsNotAStabilizationWindow() throws IOException {
        InferenceEndpoint e = endpoint("scale_to_zero_endpoint.yaml");
        ScaledObjectManifest m = translator(Map.of()).translate(e);
        @SuppressWarnings("unchecked")
        Map<String, Object> behavior = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) spec(m).get("advanced"))
                .get("horizontalPodAutoscalerConfig")).get("behavior");
        assertThat(behavior).containsOnlyKeys("scaleUp");
        // the plain translator, by contrast, approximates idleSeconds with scaleDown.stabilizationWindowSeconds
        assertThat(new KubernetesTranslator().translate(e).hpa().getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds())
                .isEqualTo(900);
    }

    @Test
    @DisplayName("pollingInterval and activationThreshold only with scale to zero (KEDA ignores them otherwise)")
    void pollingOnlyAtZero() throws IOException {
        ScaledObjectManifest m = render("rich_endpoint.yaml", Map.of("kubernetes.keda.pollingIntervalSeconds", "15",
                "kubernetes.keda.activationThreshold", "2"));
        assertThat(spec(m)).doesNotContainKeys("pollingInterval", "cooldownPeriod");
        assertThat(triggers(m)).allSatisfy(t -> assertThat(metadata(t)).doesNotContainKey("activationThreshold"));
        ScaledObjectManifest zero = render("scale_to_zero_endpoint.yaml", Map.of("kubernetes.keda.activationThreshold", "0.5"));
        assertThat(metadata(triggers(zero).get(0))).containsEntry("activationThreshold", "0.5");
        assertThat(spec(zero)).doesNotContainKey("pollingInterval");
    }

    @Test
    @DisplayName("Triton's metric names with servingRuntime=triton; a configured query replaces the preset, placeholders filled")
    void queries() throws IOException {
        ScaledObjectManifest triton = render("rich_endpoint.yaml", Map.of("kubernetes.keda.servingRuntime", "Triton",
                "kubernetes.keda.prometheusServerAddress", "http://prometheus.obs:9090"));
        assertThat(metadata(triggers(triton).get(1))).containsEntry("serverAddress", "http://prometheus.obs:9090")
                .extractingByKey("query").asString().startsWith("sum(rate(nv_inference_request_success{");
        assertThat(metadata(triggers(triton).get(2))).extractingByKey("query").asString().startsWith("sum(nv_gpu_utilization{").endsWith("* 100");
        ScaledObjectManifest custom = render("scale_to_zero_endpoint.yaml", Map.of("kubernetes.keda.concurrencyQuery",
                "sum(envoy_cluster_upstream_rq_active{namespace=\"{namespace}\",envoy_cluster_name=~\".*{name}.*\"})"));
        assertThat(metadata(triggers(custom).get(0))).containsEntry("query",
                "sum(envoy_cluster_upstream_rq_active{namespace=\"ml-serving\",envoy_cluster_name=~\".*llm-endpoint.*\"})");
        assertThat(PrometheusQueries.fill(PrometheusQueries.VLLM.requestsPerSecond(), null, "m"))
                .isEqualTo("sum(rate(vllm:request_success_total{pod=~\"m-[a-z0-9]+-[a-z0-9]+\"}[1m]))");
    }

    @Test
    @DisplayName("queue depth and tokens per second: prometheus triggers on vLLM's waiting gauge and generation-token rate (golden)")
    void inferenceTargetsGolden() throws IOException {
        ScaledObjectManifest m = render("llm_targets_endpoint.yaml", Map.of());
        assertGolden(m.toYaml(), "llm_targets_endpoint.keda.yaml");
        String pods = "namespace=\"ml-serving\",pod=~\"llm-chat-[a-z0-9]+-[a-z0-9]+\"";
        assertThat(triggers(m)).extracting(t -> t.get("name")).containsExactly("queue-depth", "tokens-per-second");
        assertThat(triggers(m)).allSatisfy(t -> assertThat(t).containsEntry("type", "prometheus").containsEntry("metricType", "AverageValue"));
        assertThat(metadata(triggers(m).get(0))).containsEntry("threshold", "4")
                .containsEntry("query", "sum(vllm:num_requests_waiting{" + pods + "})");
        assertThat(metadata(triggers(m).get(1))).containsEntry("threshold", "1500.5")
                .containsEntry("query", "sum(rate(vllm:generation_tokens_total{" + pods + "}[1m]))");
        assertThat(m.notes()).anySatisfy(n -> assertThat(n.path()).isEqualTo("spec.autoscaling.targetQueueDepthPerReplica"));
        assertThat(translator(Map.of()).validate(endpoint("llm_targets_endpoint.yaml")).problems()).isEmpty();
    }

    @Test
    @DisplayName("Triton: queue depth reads nv_inference_pending_request_count; tokens per second has no preset: an error naming the key to set")
    void tritonInferenceTargets() throws IOException {
        InferenceEndpoint e = endpoint("llm_targets_endpoint.yaml");
        Map<String, String> triton = Map.of("kubernetes.keda.servingRuntime", "triton");
        assertThat(translator(triton).validate(e).problems()).singleElement().satisfies(p -> {
            assertThat(p.isError()).isTrue();
            assertThat(p.path()).isEqualTo("spec.autoscaling.targetTokensPerSecondPerReplica");
            assertThat(p.message()).contains("the triton preset has no query for generated tokens per second per replica")
                    .contains("set configuration kubernetes.keda.tokensPerSecondQuery");
        });
        InferenceEndpoint queueOnly = e.toBuilder().autoscaling(e.autoscaling().toBuilder().removeTarget(TargetType.TOKENS_PER_SECOND).build()).build();
        assertThat(translator(triton).validate(queueOnly).problems()).isEmpty();
        assertThat(metadata(triggers(translator(triton).translate(queueOnly)).get(0))).extractingByKey("query").asString()
                .startsWith("sum(nv_inference_pending_request_count{namespace=\"ml-serving\"");
        // a configured query is used as given, placeholders filled
        Map<String, String> custom = Map.of("kubernetes.keda.servingRuntime", "triton", "kubernetes.keda.tokensPerSecondQuery",
                "sum(rate(tgi_generated_tokens_total{namespace=\"{namespace}\"}[1m]))");
        assertThat(translator(custom).validate(e).problems()).isEmpty();
        assertThat(metadata(triggers(translator(custom).translate(e)).get(1)))
                .containsEntry("query", "sum(rate(tgi_generated_tokens_total{namespace=\"ml-serving\"}[1m]))");
        assertThat(PrometheusQueries.TRITON.forTarget(TargetType.TOKENS_PER_SECOND)).isEmpty();
        assertThat(PrometheusQueries.key(TargetType.QUEUE_DEPTH)).isEqualTo("kubernetes.keda.queueDepthQuery");
    }

    @Test
    @DisplayName("a configured fallback renders failureThreshold and replicas")
    void fallback() throws IOException {
        ScaledObjectManifest m = render("rich_endpoint.yaml", Map.of("kubernetes.keda.fallbackReplicas", "4"));
        assertThat(spec(m)).containsEntry("fallback", Map.of("failureThreshold", KedaSettings.DEFAULT_FALLBACK_FAILURE_THRESHOLD, "replicas", 4));
        assertThat(spec(render("rich_endpoint.yaml", Map.of("kubernetes.keda.fallbackReplicas", "4",
                "kubernetes.keda.fallbackFailureThreshold", "6"))).get("fallback")).isEqualTo(Map.of("failureThreshold", 6, "replicas", 4));
    }

    @Test
    @DisplayName("validation: scale to zero on CPU alone, a fallback without a Prometheus target, and no target are errors by field")
    void validationErrors() throws IOException {
        InferenceEndpoint seed = endpoint("inference_endpoint.yaml");
        InferenceEndpoint cpuZero = seed.toBuilder().autoscaling(seed.autoscaling().toBuilder().minReplicas(0)
                .scaleToZero(new ScaleToZero(600)).build()).build();
        assertThat(translator(Map.of()).validate(cpuZero).problems()).singleElement().satisfies(p -> {
            assertThat(p.isError()).isTrue();
            assertThat(p.path()).isEqualTo("spec.autoscaling.scaleToZero");
            assertThat(p.message()).contains("CPU or memory alone").contains("targetRequestsPerSecondPerReplica");
        });
        assertThat(translator(Map.of("kubernetes.keda.fallbackReplicas", "2")).validate(seed).problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("spec.autoscaling");
            assertThat(p.message()).contains("kubernetes.keda.fallbackReplicas");
        });
        InferenceEndpoint none = seed.toBuilder().autoscaling(seed.autoscaling().toBuilder().removeTarget(TargetType.CPU_UTILIZATION).build()).build();
        assertThat(translator(Map.of()).validate(none).problems()).extracting(Problem::path).containsExactly("spec.autoscaling");
        assertThat(translator(Map.of()).validate(seed).problems()).isEmpty();
        assertThat(translator(Map.of("kubernetes.keda.fallbackReplicas", "2")).validate(endpoint("rich_endpoint.yaml")).problems()).isEmpty();
    }

    @Test
    @DisplayName("validation warns that pod-exported metrics cannot wake an endpoint from zero, unless a query was configured")
    void wakeFromZeroWarning() throws IOException {
        InferenceEndpoint e = endpoint("scale_to_zero_endpoint.yaml");
        assertThat(translator(Map.of()).validate(e).problems()).singleElement().satisfies(p -> {
            assertThat(p.isError()).isFalse();
            assertThat(p.path()).isEqualTo("spec.autoscaling.scaleToZero");
            assertThat(p.message()).contains("never wakes").contains("kubernetes.keda.requestsPerSecondQuery");
        });
        assertThat(translator(Map.of("kubernetes.keda.concurrencyQuery", "sum(gateway_requests_active{service=\"{name}\"})"))
                .validate(e).problems()).isEmpty();
        // overriding a query the endpoint does not use does not silence the warning
        assertThat(translator(Map.of("kubernetes.keda.requestsPerSecondQuery", "sum(rate(gateway_requests_total[1m]))"))
                .validate(e).problems()).hasSize(1);
    }

    @Test
    @DisplayName("bad kubernetes.keda.* configuration is an error naming the key")
    void badConfiguration() {
        assertThatThrownBy(() -> KedaSettings.from(BackendConfig.of(Map.of("kubernetes.keda.servingRuntime", "tgi"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'kubernetes.keda.servingRuntime' must be vllm or triton");
        assertThatThrownBy(() -> KedaSettings.from(BackendConfig.of(Map.of("kubernetes.keda.prometheusServerAddress", "prometheus:9090"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("must be an http(s) URL");
        assertThatThrownBy(() -> KedaSettings.from(BackendConfig.of(Map.of("kubernetes.keda.prometheusServerAddress", "http://admin:s3cret@prom:9090"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("must not carry credentials").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> KedaSettings.from(BackendConfig.of(Map.of("kubernetes.keda.activationThreshold", "-1"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'kubernetes.keda.activationThreshold' must be >= 0");
        assertThatThrownBy(() -> KedaSettings.from(BackendConfig.of(Map.of("kubernetes.keda.pollingIntervalSeconds", "0"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'kubernetes.keda.pollingIntervalSeconds' must be >= 1");
        assertThatThrownBy(() -> KedaSettings.from(BackendConfig.of(Map.of("kubernetes.keda.pollingInterval", "15"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("unknown configuration 'kubernetes.keda.pollingInterval'")
                .hasMessageContaining("kubernetes.keda.pollingIntervalSeconds");
    }

    @Test
    @DisplayName("the YAML written without Jackson is the tree fabric8's Jackson serialization makes of the ScaledObject")
    void treeMatchesJackson() throws IOException {
        for (String doc : List.of("inference_endpoint.yaml", "rich_endpoint.yaml", "scale_to_zero_endpoint.yaml")) {
            ScaledObjectManifest m = render(doc, Map.of("kubernetes.keda.fallbackReplicas", "1"));
            assertThat(ModelTree.of(m.scaledObject())).as(doc).isEqualTo(ManifestYaml.tree(m.scaledObject()));
        }
    }
}
