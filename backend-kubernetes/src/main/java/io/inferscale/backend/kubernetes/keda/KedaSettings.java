package io.inferscale.backend.kubernetes.keda;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.ConfigKey;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The configuration of KEDA rendering, read once from the {@code kubernetes.keda.*} keys of a {@link BackendConfig}: where
 * Prometheus is, which queries the {@code prometheus} triggers run, the activation threshold, the polling interval and the
 * fallback. Every key is in {@link #KEYS} with its default; unknown {@code kubernetes.keda.*} keys are rejected.
 */
public final class KedaSettings {

    /**
     * Default Prometheus address: the {@code prometheus-operated} Service that Prometheus Operator creates for a Prometheus
     * in the {@code monitoring} namespace, on its web port 9090. An <b>assumption</b> about the cluster; set
     * {@code kubernetes.keda.prometheusServerAddress}.
     */
    public static final String DEFAULT_PROMETHEUS_SERVER_ADDRESS = "http://prometheus-operated.monitoring.svc:9090";
    /** Default serving runtime whose metrics the queries read. */
    public static final String DEFAULT_SERVING_RUNTIME = "vllm";
    /** Default {@code fallback.failureThreshold}: the value in KEDA's ScaledObject specification example (keda.sh/docs/latest/reference/scaledobject-spec). */
    public static final int DEFAULT_FALLBACK_FAILURE_THRESHOLD = 3;

    /** Every configuration key, with its default. */
    public static final List<ConfigKey> KEYS = List.of(
            ConfigKey.of("kubernetes.keda.prometheusServerAddress", DEFAULT_PROMETHEUS_SERVER_ADDRESS,
                    "Prometheus URL the KEDA prometheus triggers query (serverAddress)"),
            ConfigKey.of("kubernetes.keda.servingRuntime", DEFAULT_SERVING_RUNTIME,
                    "vllm or triton: whose metric names the default queries use"),
            ConfigKey.of("kubernetes.keda.requestsPerSecondQuery", "<servingRuntime's>",
                    "PromQL for targetRequestsPerSecondPerReplica, the endpoint's total; placeholders {selector}, {namespace}, {name}"),
            ConfigKey.of("kubernetes.keda.concurrencyQuery", "<servingRuntime's>",
                    "PromQL for targetConcurrentRequestsPerReplica, the endpoint's total in flight"),
            ConfigKey.of("kubernetes.keda.acceleratorQuery", "<servingRuntime's>",
                    "PromQL for targetAcceleratorUtilizationPercentage, summed over the pods (0..100 each)"),
            ConfigKey.of("kubernetes.keda.queueDepthQuery", "<servingRuntime's>",
                    "PromQL for targetQueueDepthPerReplica, the endpoint's total requests waiting in the servers' queues"),
            ConfigKey.of("kubernetes.keda.tokensPerSecondQuery", "<servingRuntime's; none for triton>",
                    "PromQL for targetTokensPerSecondPerReplica, the endpoint's total generated tokens per second"),
            ConfigKey.of("kubernetes.keda.activationThreshold", "0",
                    "with scale to zero: a prometheus trigger wakes the endpoint from 0 when its query exceeds this (activationThreshold)"),
            ConfigKey.of("kubernetes.keda.pollingIntervalSeconds", "",
                    "with scale to zero: seconds between KEDA's checks for 0 <-> 1 (pollingInterval); absent: KEDA's 30"),
            ConfigKey.of("kubernetes.keda.fallbackReplicas", "",
                    "replicas KEDA sets when a prometheus trigger fails fallbackFailureThreshold times in a row; absent: no fallback"),
            ConfigKey.of("kubernetes.keda.fallbackFailureThreshold", Integer.toString(DEFAULT_FALLBACK_FAILURE_THRESHOLD),
                    "consecutive trigger failures before the fallback replicas apply"));

    private final String prometheusServerAddress;
    private final String servingRuntime;
    private final PrometheusQueries queries;
    private final PrometheusQueries preset;
    private final BigDecimal activationThreshold;
    private final Integer pollingIntervalSeconds;
    private final Integer fallbackReplicas;
    private final int fallbackFailureThreshold;

    private KedaSettings(BackendConfig c) {
        c.requireKnownKeys("kubernetes.keda.", KEYS);
        this.prometheusServerAddress = c.get("kubernetes.keda.prometheusServerAddress", DEFAULT_PROMETHEUS_SERVER_ADDRESS).trim();
        if (prometheusServerAddress.matches("https?://[^/]*@.*")) {
            // the value is not echoed: it holds a credential
            throw new ConfigurationException("configuration 'kubernetes.keda.prometheusServerAddress' must not carry credentials (user:password@); "
                    + "give KEDA's prometheus trigger a TriggerAuthentication instead (https://keda.sh/docs/latest/scalers/prometheus/)");
        }
        if (!prometheusServerAddress.matches("https?://[^\\s/]+(/\\S*)?")) {
            throw new ConfigurationException("configuration 'kubernetes.keda.prometheusServerAddress' must be an http(s) URL, e.g. "
                    + DEFAULT_PROMETHEUS_SERVER_ADDRESS + "; got '" + prometheusServerAddress + "'");
        }
        this.servingRuntime = c.get("kubernetes.keda.servingRuntime", DEFAULT_SERVING_RUNTIME).trim();
        this.preset = PrometheusQueries.forRuntime("kubernetes.keda.servingRuntime", servingRuntime);
        Optional<String> rps = query(c, "kubernetes.keda.requestsPerSecondQuery");
        Optional<String> concurrency = query(c, "kubernetes.keda.concurrencyQuery");
        Optional<String> accelerator = query(c, "kubernetes.keda.acceleratorQuery");
        Optional<String> queueDepth = query(c, PrometheusQueries.key(TargetType.QUEUE_DEPTH));
        Optional<String> tokens = query(c, PrometheusQueries.key(TargetType.TOKENS_PER_SECOND));
        this.queries = new PrometheusQueries(rps.orElse(preset.requestsPerSecond()), concurrency.orElse(preset.concurrency()),
                accelerator.orElse(preset.accelerator()), queueDepth.orElse(preset.queueDepth()), tokens.orElse(preset.tokensPerSecond()));
        String activation = c.get("kubernetes.keda.activationThreshold", "0").trim();
        try {
            this.activationThreshold = new BigDecimal(activation);
        } catch (NumberFormatException e) {
            throw new ConfigurationException("configuration 'kubernetes.keda.activationThreshold' must be a number >= 0, e.g. 0.5; got '" + activation + "'");
        }
        if (activationThreshold.signum() < 0) {
            throw new ConfigurationException("configuration 'kubernetes.keda.activationThreshold' must be >= 0, got " + activation);
        }
        // CRD keda.sh_scaledobjects.yaml (v2.20.2): pollingInterval minimum 1, fallback.replicas and failureThreshold minimum 0
        this.pollingIntervalSeconds = optionalInt(c, "kubernetes.keda.pollingIntervalSeconds", 1);
        this.fallbackReplicas = optionalInt(c, "kubernetes.keda.fallbackReplicas", 0);
        this.fallbackFailureThreshold = c.getInt("kubernetes.keda.fallbackFailureThreshold", DEFAULT_FALLBACK_FAILURE_THRESHOLD);
        if (fallbackFailureThreshold < 0) {
            throw new ConfigurationException("configuration 'kubernetes.keda.fallbackFailureThreshold' must be >= 0, got " + fallbackFailureThreshold);
        }
    }

    /**
     * Reads the settings.
     *
     * @throws ConfigurationException naming the key when a value is malformed or a {@code kubernetes.keda.*} key is unknown
     */
    public static KedaSettings from(BackendConfig config) {
        return new KedaSettings(config);
    }

    /** All defaults. */
    public static KedaSettings defaults() {
        return new KedaSettings(BackendConfig.empty());
    }

    /** A configured query; a blank value counts as absent (BackendConfig), so the preset applies. */
    private static Optional<String> query(BackendConfig c, String key) {
        return c.get(key).map(String::trim);
    }

    private static Integer optionalInt(BackendConfig c, String key, int min) {
        if (c.get(key).isEmpty()) {
            return null;
        }
        int v = c.getInt(key, min);
        if (v < min) {
            throw new ConfigurationException("configuration '" + key + "' must be >= " + min + ", got " + v);
        }
        return v;
    }

    /** The Prometheus URL of every {@code prometheus} trigger. */
    public String prometheusServerAddress() {
        return prometheusServerAddress;
    }

    /** {@code vllm} or {@code triton}. */
    public String servingRuntime() {
        return servingRuntime;
    }

    /** The query templates: the runtime's preset, with any configured overrides. */
    public PrometheusQueries queries() {
        return queries;
    }

    /** True when the query for {@code type} is the serving runtime's preset, not a configured one. */
    public boolean usesPreset(TargetType type) {
        return queries.forTarget(type).equals(preset.forTarget(type));
    }

    /** The value a prometheus trigger's query must exceed to wake the endpoint from zero (0: any positive value). */
    public BigDecimal activationThreshold() {
        return activationThreshold;
    }

    /** KEDA's polling interval in seconds, when configured. */
    public OptionalInt pollingIntervalSeconds() {
        return pollingIntervalSeconds == null ? OptionalInt.empty() : OptionalInt.of(pollingIntervalSeconds);
    }

    /** The fallback replica count, when a fallback is configured. */
    public OptionalInt fallbackReplicas() {
        return fallbackReplicas == null ? OptionalInt.empty() : OptionalInt.of(fallbackReplicas);
    }

    /** Consecutive trigger failures before the fallback applies. */
    public int fallbackFailureThreshold() {
        return fallbackFailureThreshold;
    }

    @Override
    public String toString() {
        return "KedaSettings{prometheusServerAddress=" + prometheusServerAddress + ", servingRuntime=" + servingRuntime
                + ", queries=" + (queries.equals(preset) ? "preset" : "configured") + ", activationThreshold=" + activationThreshold.toPlainString()
                + ", pollingIntervalSeconds=" + pollingIntervalSeconds + ", fallbackReplicas=" + fallbackReplicas + "}";
    }
}
