package io.inferscale.backend.kubernetes;

import io.inferscale.api.AcceleratorType;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.ConfigKey;
import io.inferscale.backend.kubernetes.keda.KedaSettings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration of the Kubernetes backend, read once from a {@link BackendConfig}: where objects go,
 * how images and custom metrics are named, which nodes accelerators select, and how writes are made.
 * Every key is listed in {@link #KEYS} with its default (the {@code kubernetes.keda.*} keys of {@link KedaSettings} among them);
 * unknown {@code kubernetes.*} keys are rejected.
 */
public final class KubernetesSettings {

    /** How a custom metric is read by the HPA: from the custom metrics API per pod, or from the external metrics API. */
    public enum MetricSource {
        /** {@code type: Pods}: a per-pod metric from {@code custom.metrics.k8s.io}, averaged over the pods. */
        PODS("Pods"),
        /** {@code type: External}: a metric from {@code external.metrics.k8s.io}, divided by the pod count ({@code AverageValue}). */
        EXTERNAL("External");

        private final String id;

        MetricSource(String id) {
            this.id = id;
        }

        /** {@code Pods} or {@code External}, as the HPA writes it. */
        public String id() {
            return id;
        }

        static MetricSource parse(String key, String value) {
            for (MetricSource s : values()) {
                if (s.id.equalsIgnoreCase(value.trim())) {
                    return s;
                }
            }
            throw new ConfigurationException("configuration '" + key + "' must be Pods or External, got '" + value + "'");
        }
    }

    /** Default image template: the model's name and version. */
    public static final String DEFAULT_IMAGE_TEMPLATE = "{name}:{version}";
    /** Default per-pod metric for {@code targetRequestsPerSecondPerReplica}. */
    public static final String DEFAULT_REQUESTS_PER_SECOND_METRIC = "http_requests_per_second";
    /** Default per-pod metric for {@code targetConcurrentRequestsPerReplica}. */
    public static final String DEFAULT_CONCURRENCY_METRIC = "http_requests_in_flight";
    /** Default per-pod metric for {@code targetAcceleratorUtilizationPercentage}: NVIDIA DCGM exporter's GPU utilization (0-100). */
    public static final String DEFAULT_ACCELERATOR_METRIC = "DCGM_FI_DEV_GPU_UTIL";
    /**
     * Default per-pod metric for {@code targetQueueDepthPerReplica}: vLLM's gauge of requests waiting to be scheduled
     * (github.com/vllm-project/vllm {@code vllm/v1/metrics/loggers.py} at a6f0308cfe80).
     */
    public static final String DEFAULT_QUEUE_DEPTH_METRIC = "vllm:num_requests_waiting";
    /**
     * Default per-pod metric for {@code targetTokensPerSecondPerReplica}: the name a Prometheus Adapter rule renaming
     * {@code _total} counters to {@code _per_second} rates (its docs/config-walkthrough.md) gives vLLM's
     * {@code vllm:generation_tokens_total}; an <b>assumption</b> about the adapter's rules, set
     * {@code kubernetes.tokensPerSecondMetric} to yours.
     */
    public static final String DEFAULT_TOKENS_PER_SECOND_METRIC = "vllm:generation_tokens_per_second";
    /** Default node label that selects the GPU model (set by NVIDIA GPU Feature Discovery). */
    public static final String DEFAULT_GPU_NODE_LABEL = "nvidia.com/gpu.product";
    /** Default field manager for server-side apply. */
    public static final String DEFAULT_FIELD_MANAGER = "inferscale";
    /** Default container port when {@code spec.model.port} is absent. */
    public static final int DEFAULT_PORT = 8080;

    /** Default {@code nvidia.com/gpu.product} values (NVIDIA GPU Feature Discovery product names). */
    private static final Map<AcceleratorType, String> DEFAULT_GPU_PRODUCTS = defaultProducts();

    /** Every configuration key, with its default. */
    public static final List<ConfigKey> KEYS = keys();

    private final String namespace;
    private final String context;
    private final String imageTemplate;
    private final int defaultPort;
    private final String requestsPerSecondMetric;
    private final MetricSource requestsPerSecondMetricSource;
    private final String concurrencyMetric;
    private final MetricSource concurrencyMetricSource;
    private final String acceleratorMetric;
    private final MetricSource acceleratorMetricSource;
    private final String queueDepthMetric;
    private final MetricSource queueDepthMetricSource;
    private final String tokensPerSecondMetric;
    private final MetricSource tokensPerSecondMetricSource;
    private final String gpuNodeLabel;
    private final Map<AcceleratorType, Map<String, String>> gpuNodeSelectors;
    private final boolean allowScaleToZero;
    private final String fieldManager;
    private final int retryBackoffLimit;
    private final int retryBackoffIntervalMillis;
    private final KedaSettings keda;

    private KubernetesSettings(BackendConfig c) {
        c.requireKnownKeys("kubernetes.", KEYS);
        this.namespace = c.get("kubernetes.namespace").map(String::trim).orElse(null);
        if (namespace != null && !(namespace.length() <= 63 && namespace.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"))) {
            throw new ConfigurationException("configuration 'kubernetes.namespace' must be a namespace name (a DNS-1123 label: "
                    + "lower-case letters, digits and '-', at most 63), e.g. ml-serving; got '" + namespace + "'");
        }
        this.context = c.get("kubernetes.context").map(String::trim).orElse(null);
        this.imageTemplate = c.get("kubernetes.imageTemplate", DEFAULT_IMAGE_TEMPLATE);
        if (!imageTemplate.contains("{name}")) {
            throw new ConfigurationException("configuration 'kubernetes.imageTemplate' must contain {name}, e.g. registry.example.com/models/{name}:{version}; got '" + imageTemplate + "'");
        }
        this.defaultPort = c.getInt("kubernetes.defaultPort", DEFAULT_PORT);
        if (defaultPort < 1 || defaultPort > 65535) {
            throw new ConfigurationException("configuration 'kubernetes.defaultPort' must be a port 1..65535, got " + defaultPort);
        }
        this.requestsPerSecondMetric = c.get("kubernetes.requestsPerSecondMetric", DEFAULT_REQUESTS_PER_SECOND_METRIC);
        this.requestsPerSecondMetricSource = source(c, "kubernetes.requestsPerSecondMetricType");
        this.concurrencyMetric = c.get("kubernetes.concurrencyMetric", DEFAULT_CONCURRENCY_METRIC);
        this.concurrencyMetricSource = source(c, "kubernetes.concurrencyMetricType");
        this.acceleratorMetric = c.get("kubernetes.acceleratorMetric", DEFAULT_ACCELERATOR_METRIC);
        this.acceleratorMetricSource = source(c, "kubernetes.acceleratorMetricType");
        this.queueDepthMetric = c.get("kubernetes.queueDepthMetric", DEFAULT_QUEUE_DEPTH_METRIC);
        this.queueDepthMetricSource = source(c, "kubernetes.queueDepthMetricType");
        this.tokensPerSecondMetric = c.get("kubernetes.tokensPerSecondMetric", DEFAULT_TOKENS_PER_SECOND_METRIC);
        this.tokensPerSecondMetricSource = source(c, "kubernetes.tokensPerSecondMetricType");
        this.gpuNodeLabel = c.get("kubernetes.gpuNodeLabel", DEFAULT_GPU_NODE_LABEL);
        Map<AcceleratorType, Map<String, String>> selectors = new EnumMap<>(AcceleratorType.class);
        for (AcceleratorType t : AcceleratorType.values()) {
            String key = "kubernetes.gpuNodeSelector." + t.id();
            Optional<String> explicit = c.get(key);
            selectors.put(t, explicit.map(v -> parseSelector(key, v))
                    .orElseGet(() -> Map.of(gpuNodeLabel, DEFAULT_GPU_PRODUCTS.get(t))));
        }
        this.gpuNodeSelectors = Collections.unmodifiableMap(selectors);
        this.allowScaleToZero = c.getBoolean("kubernetes.allowScaleToZero", false);
        this.fieldManager = c.get("kubernetes.fieldManager", DEFAULT_FIELD_MANAGER);
        this.retryBackoffLimit = c.getInt("kubernetes.retryBackoffLimit", 5);
        this.retryBackoffIntervalMillis = c.getInt("kubernetes.retryBackoffIntervalMillis", 250);
        this.keda = KedaSettings.from(c);
    }

    /**
     * Reads the settings.
     *
     * @throws ConfigurationException naming the key when a value is malformed or a {@code kubernetes.*} key is unknown
     */
    public static KubernetesSettings from(BackendConfig config) {
        return new KubernetesSettings(config);
    }

    /** All defaults (no environment consulted). */
    public static KubernetesSettings defaults() {
        return new KubernetesSettings(BackendConfig.empty());
    }

    private static MetricSource source(BackendConfig c, String key) {
        return c.get(key).map(v -> MetricSource.parse(key, v)).orElse(MetricSource.PODS);
    }

    private static Map<String, String> parseSelector(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String part : value.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new ConfigurationException("configuration '" + key + "' must be label=value pairs separated by commas, e.g. "
                        + DEFAULT_GPU_NODE_LABEL + "=Tesla-T4; got '" + value + "'");
            }
            m.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
        return Collections.unmodifiableMap(m);
    }

    private static Map<AcceleratorType, String> defaultProducts() {
        Map<AcceleratorType, String> m = new EnumMap<>(AcceleratorType.class);
        m.put(AcceleratorType.NVIDIA_T4, "Tesla-T4");
        m.put(AcceleratorType.NVIDIA_L4, "NVIDIA-L4");
        m.put(AcceleratorType.NVIDIA_A10G, "NVIDIA-A10G");
        m.put(AcceleratorType.NVIDIA_A100, "NVIDIA-A100-SXM4-40GB");
        m.put(AcceleratorType.NVIDIA_H100, "NVIDIA-H100-80GB-HBM3");
        return Collections.unmodifiableMap(m);
    }

    private static List<ConfigKey> keys() {
        List<ConfigKey> k = new ArrayList<>();
        k.add(ConfigKey.of("kubernetes.namespace", "", "namespace for endpoints without spec.backends.kubernetes.namespace; absent: the kubeconfig's current namespace (render: none)"));
        k.add(ConfigKey.of("kubernetes.context", "", "kubeconfig context to use; absent: the current context"));
        k.add(ConfigKey.of("kubernetes.imageTemplate", DEFAULT_IMAGE_TEMPLATE, "container image when spec.model.image is absent; {name} and {version} are the model's"));
        k.add(ConfigKey.of("kubernetes.defaultPort", Integer.toString(DEFAULT_PORT), "container port when spec.model.port is absent"));
        k.add(ConfigKey.of("kubernetes.requestsPerSecondMetric", DEFAULT_REQUESTS_PER_SECOND_METRIC, "metric for targetRequestsPerSecondPerReplica, served by a custom metrics adapter (e.g. Prometheus Adapter)"));
        k.add(ConfigKey.of("kubernetes.requestsPerSecondMetricType", "Pods", "Pods (custom.metrics.k8s.io) or External (external.metrics.k8s.io) for the requests-per-second metric"));
        k.add(ConfigKey.of("kubernetes.concurrencyMetric", DEFAULT_CONCURRENCY_METRIC, "metric for targetConcurrentRequestsPerReplica (requests in flight per pod)"));
        k.add(ConfigKey.of("kubernetes.concurrencyMetricType", "Pods", "Pods or External for the concurrency metric"));
        k.add(ConfigKey.of("kubernetes.acceleratorMetric", DEFAULT_ACCELERATOR_METRIC, "metric for targetAcceleratorUtilizationPercentage (0-100 per pod; DCGM exporter's GPU utilization by default)"));
        k.add(ConfigKey.of("kubernetes.acceleratorMetricType", "Pods", "Pods or External for the accelerator metric"));
        k.add(ConfigKey.of("kubernetes.queueDepthMetric", DEFAULT_QUEUE_DEPTH_METRIC, "metric for targetQueueDepthPerReplica (requests waiting per pod; vLLM's gauge by default)"));
        k.add(ConfigKey.of("kubernetes.queueDepthMetricType", "Pods", "Pods or External for the queue-depth metric"));
        k.add(ConfigKey.of("kubernetes.tokensPerSecondMetric", DEFAULT_TOKENS_PER_SECOND_METRIC, "metric for targetTokensPerSecondPerReplica (generated tokens per second per pod; "
                + "assumed: a Prometheus Adapter rule naming the rate of vllm:generation_tokens_total)"));
        k.add(ConfigKey.of("kubernetes.tokensPerSecondMetricType", "Pods", "Pods or External for the tokens-per-second metric"));
        k.add(ConfigKey.of("kubernetes.gpuNodeLabel", DEFAULT_GPU_NODE_LABEL, "node label whose value selects the GPU model (NVIDIA GPU Feature Discovery)"));
        for (AcceleratorType t : AcceleratorType.values()) {
            k.add(ConfigKey.of("kubernetes.gpuNodeSelector." + t.id(), "<gpuNodeLabel>=" + DEFAULT_GPU_PRODUCTS.get(t),
                    "node selector (label=value, comma-separated) for " + t.id() + " accelerators"));
        }
        k.add(ConfigKey.of("kubernetes.allowScaleToZero", "false", "allow minReplicas 0 (needs the HPAScaleToZero feature gate and an External metric)"));
        k.add(ConfigKey.of("kubernetes.fieldManager", DEFAULT_FIELD_MANAGER, "server-side apply field manager"));
        k.add(ConfigKey.of("kubernetes.retryBackoffLimit", "5", "retries of transient API failures (429, 5xx, connection errors)"));
        k.add(ConfigKey.of("kubernetes.retryBackoffIntervalMillis", "250", "first retry delay in milliseconds; doubles each retry (5 retries from 250 ms: an unreachable server fails in about 8 s)"));
        k.addAll(KedaSettings.KEYS);
        return List.copyOf(k);
    }

    /** The configured namespace, if any. */
    public Optional<String> namespace() {
        return Optional.ofNullable(namespace);
    }

    /** The kubeconfig context, if any. */
    public Optional<String> context() {
        return Optional.ofNullable(context);
    }

    /** The image template, e.g. {@code {name}:{version}}. */
    public String imageTemplate() {
        return imageTemplate;
    }

    /** The container port when the model names none. */
    public int defaultPort() {
        return defaultPort;
    }

    /** The requests-per-second metric name. */
    public String requestsPerSecondMetric() {
        return requestsPerSecondMetric;
    }

    /** Where the requests-per-second metric is read from. */
    public MetricSource requestsPerSecondMetricSource() {
        return requestsPerSecondMetricSource;
    }

    /** The concurrency metric name. */
    public String concurrencyMetric() {
        return concurrencyMetric;
    }

    /** Where the concurrency metric is read from. */
    public MetricSource concurrencyMetricSource() {
        return concurrencyMetricSource;
    }

    /** The accelerator utilization metric name. */
    public String acceleratorMetric() {
        return acceleratorMetric;
    }

    /** Where the accelerator metric is read from. */
    public MetricSource acceleratorMetricSource() {
        return acceleratorMetricSource;
    }

    /** The queue-depth metric name ({@code kubernetes.queueDepthMetric}). */
    public String queueDepthMetric() {
        return queueDepthMetric;
    }

    /** Where the queue-depth metric is read from. */
    public MetricSource queueDepthMetricSource() {
        return queueDepthMetricSource;
    }

    /** The tokens-per-second metric name ({@code kubernetes.tokensPerSecondMetric}). */
    public String tokensPerSecondMetric() {
        return tokensPerSecondMetric;
    }

    /** Where the tokens-per-second metric is read from. */
    public MetricSource tokensPerSecondMetricSource() {
        return tokensPerSecondMetricSource;
    }

    /** The node selector for an accelerator type. */
    public Map<String, String> gpuNodeSelector(AcceleratorType type) {
        return gpuNodeSelectors.get(type);
    }

    /** True when {@code minReplicas: 0} may be rendered. */
    public boolean allowScaleToZero() {
        return allowScaleToZero;
    }

    /** The server-side apply field manager. */
    public String fieldManager() {
        return fieldManager;
    }

    /** Retries of transient failures. */
    public int retryBackoffLimit() {
        return retryBackoffLimit;
    }

    /** First retry delay in milliseconds. */
    public int retryBackoffIntervalMillis() {
        return retryBackoffIntervalMillis;
    }

    /** The KEDA settings ({@code kubernetes.keda.*}), used by endpoints with {@code spec.backends.kubernetes.autoscaler: keda}. */
    public KedaSettings keda() {
        return keda;
    }

    @Override
    public String toString() {
        return "KubernetesSettings{namespace=" + namespace + ", context=" + context + ", imageTemplate=" + imageTemplate
                + ", fieldManager=" + fieldManager + ", allowScaleToZero=" + allowScaleToZero + "}";
    }
}
