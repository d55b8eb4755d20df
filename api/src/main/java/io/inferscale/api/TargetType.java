package io.inferscale.api;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds of scaling target, in neutral units. Each backend converts the unit to its own metric
 * (for example SageMaker counts invocations per minute, so requests per second are multiplied by 60).
 */
public enum TargetType {
    /** Average CPU use as a percentage of each replica's CPU request (allotment); whole number 1..100. */
    CPU_UTILIZATION("targetCPUUtilizationPercentage", "%", true, "CPU utilization"),
    /** Average memory use as a percentage of each replica's memory request; whole number 1..100. */
    MEMORY_UTILIZATION("targetMemoryUtilizationPercentage", "%", true, "memory utilization"),
    /** Requests per second per replica; any positive number. */
    REQUESTS_PER_SECOND("targetRequestsPerSecondPerReplica", "rps", false, "requests per second per replica"),
    /** Requests in flight per replica; any positive number. */
    CONCURRENT_REQUESTS("targetConcurrentRequestsPerReplica", "concurrent", false, "concurrent requests per replica"),
    /** Average accelerator (GPU) utilization in percent; whole number 1..100. */
    ACCELERATOR_UTILIZATION("targetAcceleratorUtilizationPercentage", "%", true, "accelerator utilization"),
    /**
     * Requests waiting in the model server's queue per replica (admitted but not yet being processed, e.g. vLLM's
     * {@code vllm:num_requests_waiting}, Triton's {@code nv_inference_pending_request_count}); any positive number.
     */
    QUEUE_DEPTH("targetQueueDepthPerReplica", "queued", false, "queue depth per replica"),
    /**
     * Generated (output) tokens per second per replica, e.g. the rate of vLLM's {@code vllm:generation_tokens_total};
     * any positive number.
     */
    TOKENS_PER_SECOND("targetTokensPerSecondPerReplica", "tokens/s", false, "generated tokens per second per replica");

    private final String field;
    private final String unit;
    private final boolean percentage;
    private final String description;

    TargetType(String field, String unit, boolean percentage, String description) {
        this.field = field;
        this.unit = unit;
        this.percentage = percentage;
        this.description = description;
    }

    /** The field name under {@code spec.autoscaling}, e.g. {@code targetCPUUtilizationPercentage}. */
    public String field() {
        return field;
    }

    /** The full field path, e.g. {@code spec.autoscaling.targetCPUUtilizationPercentage}. */
    public String path() {
        return "spec.autoscaling." + field;
    }

    /** A short unit for display: {@code %}, {@code rps}, {@code concurrent}, {@code queued} or {@code tokens/s}. */
    public String unit() {
        return unit;
    }

    /** True for percentage targets, which are whole numbers from 1 to 100. */
    public boolean isPercentage() {
        return percentage;
    }

    /** Words for messages, e.g. {@code CPU utilization}. */
    public String description() {
        return description;
    }

    /** The type whose document field is {@code field}. */
    public static Optional<TargetType> fromField(String field) {
        return Arrays.stream(values()).filter(t -> t.field.equals(field)).findFirst();
    }
}
