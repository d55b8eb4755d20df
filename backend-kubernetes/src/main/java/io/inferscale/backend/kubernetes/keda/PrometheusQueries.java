package io.inferscale.backend.kubernetes.keda;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.TargetType;
import io.inferscale.backend.kubernetes.KubernetesSettings;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The PromQL queries KEDA's {@code prometheus} triggers run for the neutral per-replica targets. Each query returns the
 * endpoint's <em>total</em> (summed over its pods); the trigger's {@code metricType: AverageValue} makes the HPA divide it
 * by the replica count, so the threshold is the neutral per-replica target (KEDA {@code pkg/scalers/scaler.go}
 * {@code GetMetricTargetType}: AverageValue when no metricType is given; Kubernetes "Horizontal Pod Autoscaling",
 * algorithm details, https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details).
 *
 * <p>Placeholders filled per endpoint: {@code {selector}} (the label matchers below), {@code {namespace}} and {@code {name}}.
 * The default selector, {@code namespace="<ns>",pod=~"<name>-[a-z0-9]+-[a-z0-9]+"}, matches the pods of the endpoint's
 * Deployment ({@code <deployment>-<pod-template-hash>-<suffix>}) by the {@code namespace} and {@code pod} target labels
 * that Prometheus Operator's ServiceMonitor and PodMonitor add. That labelling is an <b>assumption</b> about the
 * cluster's scrape configuration; override a query with its {@code kubernetes.keda.*Query} key when it differs.
 *
 * @param requestsPerSecond query for {@code targetRequestsPerSecondPerReplica}: requests per second, summed over the pods
 * @param concurrency       query for {@code targetConcurrentRequestsPerReplica}: requests in flight, summed over the pods
 * @param accelerator       query for {@code targetAcceleratorUtilizationPercentage}: GPU utilization 0..100, summed over the pods
 * @param queueDepth        query for {@code targetQueueDepthPerReplica}: requests waiting in the server's queue, summed over the pods
 * @param tokensPerSecond   query for {@code targetTokensPerSecondPerReplica}: generated tokens per second, summed over the pods;
 *                          {@link #NONE} when the runtime exports no token counter (Triton)
 */
public record PrometheusQueries(String requestsPerSecond, String concurrency, String accelerator, String queueDepth,
                                String tokensPerSecond) {

    /** A query the runtime has no metric for: blank, so {@link #forTarget} is empty for it. */
    public static final String NONE = "";

    /**
     * vLLM's own metrics (vllm-project/vllm {@code vllm/v1/metrics/loggers.py} at a6f0308cfe80: counter
     * {@code vllm:request_success_total}, gauges {@code vllm:num_requests_running} and {@code vllm:num_requests_waiting};
     * listed in vLLM's docs, "Production Metrics" / {@code docs/design/metrics.md}). In flight = running + waiting; queue
     * depth = waiting ("Number of requests waiting to be processed"); generated tokens per second = the rate of the counter
     * {@code vllm:generation_tokens_total} ("Number of generation tokens processed", same file).
     * GPU utilization from NVIDIA's DCGM exporter ({@link KubernetesSettings#DEFAULT_ACCELERATOR_METRIC}, 0..100 per GPU).
     */
    public static final PrometheusQueries VLLM = new PrometheusQueries(
            "sum(rate(vllm:request_success_total{{selector}}[1m]))",
            "sum(vllm:num_requests_running{{selector}}) + sum(vllm:num_requests_waiting{{selector}})",
            "sum(" + KubernetesSettings.DEFAULT_ACCELERATOR_METRIC + "{{selector}})",
            "sum(vllm:num_requests_waiting{{selector}})",
            "sum(rate(vllm:generation_tokens_total{{selector}}[1m]))");

    /**
     * Triton Inference Server's metrics (triton-inference-server/server {@code docs/user_guide/metrics.md} at dcc9123c8d7e,
     * "Metrics", https://docs.nvidia.com/deeplearning/triton-inference-server/user-guide/docs/user_guide/metrics.html):
     * counter {@code nv_inference_request_success}; Triton has no in-flight gauge, so concurrency is the cumulative request
     * handling time {@code nv_inference_request_duration_us} per second (microseconds per second / 10^6 = the mean number of
     * requests in the server, by Little's law); GPU utilization {@code nv_gpu_utilization} is 0.0..1.0 per GPU, hence x 100;
     * queue depth is the gauge {@code nv_inference_pending_request_count} ("Number of inference requests awaiting execution
     * by a backend"). Triton's core metrics count no tokens: no tokens-per-second query ({@link #NONE}).
     */
    public static final PrometheusQueries TRITON = new PrometheusQueries(
            "sum(rate(nv_inference_request_success{{selector}}[1m]))",
            "sum(rate(nv_inference_request_duration_us{{selector}}[1m])) / 1000000",
            "sum(nv_gpu_utilization{{selector}}) * 100",
            "sum(nv_inference_pending_request_count{{selector}})",
            NONE);

    /** Rejects nulls ({@link #NONE} marks a target without a query). */
    public PrometheusQueries {
        Objects.requireNonNull(requestsPerSecond, "requestsPerSecond");
        Objects.requireNonNull(concurrency, "concurrency");
        Objects.requireNonNull(accelerator, "accelerator");
        Objects.requireNonNull(queueDepth, "queueDepth");
        Objects.requireNonNull(tokensPerSecond, "tokensPerSecond");
    }

    /**
     * The query template for a target read from Prometheus; empty when these queries have none for it ({@link #NONE}).
     *
     * @throws IllegalArgumentException for CPU or memory utilization, which KEDA reads with its cpu/memory triggers
     */
    public Optional<String> forTarget(TargetType type) {
        String query = switch (type) {
            case REQUESTS_PER_SECOND -> requestsPerSecond;
            case CONCURRENT_REQUESTS -> concurrency;
            case ACCELERATOR_UTILIZATION -> accelerator;
            case QUEUE_DEPTH -> queueDepth;
            case TOKENS_PER_SECOND -> tokensPerSecond;
            case CPU_UTILIZATION, MEMORY_UTILIZATION -> throw new IllegalArgumentException(type + " is not read from Prometheus");
        };
        return query.isBlank() ? Optional.empty() : Optional.of(query);
    }

    /** The {@code kubernetes.keda.*} key that sets the query of a target read from Prometheus, e.g. {@code kubernetes.keda.queueDepthQuery}. */
    public static String key(TargetType type) {
        return "kubernetes.keda." + switch (type) {
            case REQUESTS_PER_SECOND -> "requestsPerSecondQuery";
            case CONCURRENT_REQUESTS -> "concurrencyQuery";
            case ACCELERATOR_UTILIZATION -> "acceleratorQuery";
            case QUEUE_DEPTH -> "queueDepthQuery";
            case TOKENS_PER_SECOND -> "tokensPerSecondQuery";
            case CPU_UTILIZATION, MEMORY_UTILIZATION -> throw new IllegalArgumentException(type + " is not read from Prometheus");
        };
    }

    /**
     * The preset for a serving runtime.
     *
     * @param key   the configuration key, for the message
     * @param value {@code vllm} or {@code triton}, any case
     * @throws ConfigurationException naming the key and the accepted values otherwise
     */
    public static PrometheusQueries forRuntime(String key, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "vllm" -> VLLM;
            case "triton" -> TRITON;
            default -> throw new ConfigurationException("configuration '" + key + "' must be vllm or triton, got '" + value
                    + "'; for another server set kubernetes.keda.requestsPerSecondQuery, concurrencyQuery, acceleratorQuery, queueDepthQuery "
                    + "and tokensPerSecondQuery");
        };
    }

    /**
     * {@code template} with its placeholders filled.
     *
     * @param namespace the endpoint's namespace, or {@code null} when none is known (render without one): the selector then
     *                  matches on the pod name only
     * @param name      the endpoint's name (its Deployment's name)
     */
    public static String fill(String template, String namespace, String name) {
        String pods = "pod=~\"" + name + "-[a-z0-9]+-[a-z0-9]+\"";
        String selector = namespace == null ? pods : "namespace=\"" + namespace + "\"," + pods;
        return template.replace("{selector}", selector).replace("{namespace}", namespace == null ? "" : namespace).replace("{name}", name);
    }
}
