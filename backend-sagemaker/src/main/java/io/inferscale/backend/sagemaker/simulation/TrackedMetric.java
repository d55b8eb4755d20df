package io.inferscale.backend.sagemaker.simulation;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.Quantity;
import io.inferscale.api.ResourceList;
import io.inferscale.api.ScalingTarget;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.Observation;
import io.inferscale.backend.sagemaker.SageMakerTranslator;
import io.inferscale.backend.sagemaker.internal.InstanceCatalogue.InstanceType;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * One target-tracking policy as {@link SageMakerTranslator} renders it: the CloudWatch metric, its target in the
 * metric's own unit, and how the simulator measures that metric from an {@link Observation}. Every conversion is
 * {@code min(observed per-replica value × scale, ceiling)}, so measuring allocates nothing.
 *
 * <table>
 *   <caption>Rendered metrics (sources: module README [1], [3])</caption>
 *   <tr><th>target</th><th>metric</th><th>target value</th><th>measured per instance</th></tr>
 *   <tr><td>CPU %</td><td>{@code CPUUtilization}, summed over the instance's cores</td><td>% × CPU request in cores
 *       (% × vCPUs without a request)</td>
 *       <td>100 × cores used, cores used = cpu% / 100 × CPU request (the whole instance without a request),
 *       at most the instance's vCPUs</td></tr>
 *   <tr><td>memory %</td><td>{@code MemoryUtilization}, % of the instance's memory</td><td>%</td>
 *       <td>memory% × memory request / instance memory, at most 100 (memory% as is without a request)</td></tr>
 *   <tr><td>requests/s</td><td>{@code SageMakerVariantInvocationsPerInstance}, per minute</td><td>rps × 60</td>
 *       <td>60 × offered rps per in-service instance (every request sent counts)</td></tr>
 *   <tr><td>concurrency</td><td>{@code SageMakerVariantConcurrentRequestsPerModelHighResolution}</td><td>as given</td>
 *       <td>requests in flight per instance</td></tr>
 *   <tr><td>accelerator %</td><td>{@code GPUUtilization}, summed over the instance's GPUs</td><td>% × GPUs</td>
 *       <td>accelerator% / 100 × the replica's GPUs × 100, at most 100 × the instance's GPUs</td></tr>
 * </table>
 *
 * @param type        the neutral target type
 * @param metricName  the CloudWatch metric (predefined metric type for request and concurrency targets)
 * @param unit        the metric's unit as shown to users
 * @param target      the policy's {@code TargetValue}, in {@code unit}
 * @param scale       factor from the observation's per-replica value to the metric's unit
 * @param ceiling     the highest value the metric can take on one instance
 * @param measurement how the value is measured, for {@link TargetTrackingAutoscalerModel#assumptions()}
 */
record TrackedMetric(TargetType type, String metricName, String unit, double target, double scale, double ceiling,
                     String measurement) {

    /** The metric of one target-tracking policy, as the translator renders {@code st} for {@code e}. */
    static TrackedMetric of(InferenceEndpoint e, ScalingTarget st, Optional<InstanceType> instance) {
        double pct = st.doubleValue();
        BigDecimal given = st.value();
        ResourceList req = e.resources().requests().isEmpty() ? e.resources().limits() : e.resources().requests();
        return switch (st.type()) {
            case CPU_UTILIZATION -> {
                InstanceType t = instance.orElseThrow(() -> uncatalogued(e, st.type(), "vCPU"));
                Optional<BigDecimal> cores = SageMakerTranslator.cpuRequestCores(e);
                double reference = cores.map(BigDecimal::doubleValue).orElse((double) t.vcpus());
                double target = SageMakerTranslator.cpuUtilizationTarget(e, given, t).doubleValue();
                // the simulator lets a replica burst to its CPU limit at most, so this is the highest value it can report
                double reachable = 100 * Math.min(t.vcpus(), Math.max(reference,
                        e.resources().limits().cpu().map(q -> q.value().doubleValue()).orElse(reference)));
                yield new TrackedMetric(st.type(), "CPUUtilization", "% summed over the " + t.vcpus() + " vCPUs of " + t.name()
                        + " (0-" + 100 * t.vcpus() + ")", target, reference, 100.0 * t.vcpus(),
                        "cores used = cpu% / 100 x " + (cores.isPresent() ? "the CPU request (" + plain(reference) + " cores)"
                        : "the instance's " + t.vcpus() + " vCPUs (no CPU request)") + ", at most " + t.vcpus() + " cores"
                        + (reachable > target ? "" : "; a replica reaches at most " + plain(reachable) + " here (the simulator caps it "
                        + "at its CPU limit, which SageMaker does not enforce), not above the target " + plain(target)
                        + ": this policy cannot scale out in the simulation"));
            }
            case MEMORY_UTILIZATION -> {
                Optional<BigDecimal> bytes = req.memory().map(Quantity::value).filter(v -> v.signum() > 0);
                if (instance.isPresent() && bytes.isPresent()) {
                    InstanceType t = instance.get();
                    double share = bytes.get().doubleValue() / t.memoryBytes().doubleValue();
                    yield new TrackedMetric(st.type(), "MemoryUtilization", "% of the " + t.memoryGiB() + " GiB of " + t.name(), pct,
                            share, 100, "memory used = memory% x the memory request, as % of the instance's " + t.memoryGiB() + " GiB");
                }
                yield new TrackedMetric(st.type(), "MemoryUtilization", "% of the instance's memory", pct, 1, 100,
                        "memory% taken as % of the instance (no memory request or uncatalogued instance type)");
            }
            case REQUESTS_PER_SECOND -> new TrackedMetric(st.type(), "SageMakerVariantInvocationsPerInstance",
                    "invocations per instance per minute", given.multiply(BigDecimal.valueOf(60)).doubleValue(), 60, Double.POSITIVE_INFINITY,
                    "every request sent (offered demand) / in-service instances, per minute");
            case CONCURRENT_REQUESTS -> new TrackedMetric(st.type(), "SageMakerVariantConcurrentRequestsPerModelHighResolution",
                    "concurrent requests per model", pct, 1, Double.POSITIVE_INFINITY,
                    "requests in flight per in-service instance (Little's law on offered demand)");
            case ACCELERATOR_UTILIZATION -> {
                InstanceType t = instance.orElseThrow(() -> uncatalogued(e, st.type(), "GPU"));
                int gpus = Math.max(1, t.gpuCount());
                int used = e.resources().accelerator().map(a -> Math.max(1, a.count())).orElse(gpus);
                yield new TrackedMetric(st.type(), "GPUUtilization", "% summed over the " + gpus + " GPUs of " + t.name()
                        + " (0-" + 100 * gpus + ")", given.multiply(BigDecimal.valueOf(gpus)).doubleValue(), used, 100.0 * gpus,
                        "GPUs busy = accelerator% / 100 x the replica's " + used + " GPUs, at most " + gpus);
            }
            case QUEUE_DEPTH, TOKENS_PER_SECOND -> throw new ConfigurationException(st.type().path() + " cannot be simulated on SageMaker: "
                    + "the backend has no metric for " + st.type().description() + " and rejects it; use targetConcurrentRequestsPerReplica");
        };
    }

    private static ConfigurationException uncatalogued(InferenceEndpoint e, TargetType type, String what) {
        return new ConfigurationException("spec.backends.sagemaker.instanceType: "
                + e.backends().string(SageMakerTranslator.ID, SageMakerTranslator.OPTION_INSTANCE_TYPE).orElse("the instance type")
                + " is not in InferScale's instance catalogue (or no catalogued type fits the requests), so its " + what
                + " count is unknown and " + type.path() + " cannot be simulated; use a catalogued type or another target");
    }

    /**
     * This policy on an inference component's copies, as the backend renders it for scale to zero: request and concurrency
     * targets track the per-copy predefined metrics {@code SageMakerInferenceComponentInvocationsPerCopy} (rps x 60 per minute)
     * and {@code SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution} (aas-service-2.json {@code MetricType};
     * "Define a scaling policy"); utilization targets the customized metrics {@code CPUUtilizationNormalized},
     * {@code MemoryUtilizationNormalized}, {@code GPUUtilizationNormalized} of namespace {@code /aws/sagemaker/InferenceComponents}
     * (percent of what each copy reserved, the target as given). Each is measured per copy in service.
     *
     * @param percent the spec's target value (used by the utilization targets)
     */
    TrackedMetric perCopy(double percent) {
        String reserved = " of what the copy reserved (its requests), per copy in service";
        return switch (type) {
            case REQUESTS_PER_SECOND -> new TrackedMetric(type, "SageMakerInferenceComponentInvocationsPerCopy",
                    "invocations per copy per minute", target, scale, ceiling, "every request sent (offered demand) / copies in service, per minute");
            case CONCURRENT_REQUESTS -> new TrackedMetric(type, "SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution",
                    "concurrent requests per copy", target, scale, ceiling, "requests in flight per copy in service (Little's law on offered demand)");
            case CPU_UTILIZATION -> new TrackedMetric(type, "CPUUtilizationNormalized", "% of the copy's reserved CPU", percent,
                    1, Double.POSITIVE_INFINITY, "CPU %" + reserved);
            case MEMORY_UTILIZATION -> new TrackedMetric(type, "MemoryUtilizationNormalized", "% of the copy's reserved memory", percent,
                    1, 100, "memory %" + reserved);
            case ACCELERATOR_UTILIZATION -> new TrackedMetric(type, "GPUUtilizationNormalized", "% of the copy's reserved GPUs", percent,
                    1, 100, "accelerator %" + reserved);
            // of(...) refuses these two before a TrackedMetric exists, so no instance has them
            case QUEUE_DEPTH, TOKENS_PER_SECOND -> throw new IllegalStateException(type + " has no SageMaker metric");
        };
    }


    /** The metric's value on one instance for the observation's per-replica value. */
    double measure(Observation o) {
        return Math.min(o.value(type) * scale, ceiling);
    }

    /** The policy name the translator gives this metric's policy. */
    String policyName() {
        return SageMakerTranslator.policyName(type);
    }

    /** {@code metric > target unit}, e.g. {@code SageMakerVariantInvocationsPerInstance target 600 invocations per instance per minute}. */
    String describe() {
        return metricName + " target " + plain(target) + " " + unit;
    }

    static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
