package io.inferscale.backend.sagemaker.internal;

import io.inferscale.api.AcceleratorType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The ml.* instance types InferScale can choose from, with vCPUs, memory (GiB) and GPUs. The numbers are
 * the EC2 specifications of the underlying instance families (SageMaker instance types have the same
 * shape as the EC2 type without the {@code ml.} prefix); see the module README for sources.
 */
public final class InstanceCatalogue {

    /** One instance type. {@code gpu} is null for CPU-only types; {@code burstable} types are never chosen automatically. */
    public record InstanceType(String name, int vcpus, int memoryGiB, AcceleratorType gpu, int gpuCount, boolean burstable) {
        /** Memory in bytes. */
        public BigDecimal memoryBytes() {
            return new BigDecimal(BigInteger.valueOf(memoryGiB).shiftLeft(30));
        }

        /** e.g. {@code 4 vCPUs, 16 GiB, 1x nvidia-t4}. */
        public String describe() {
            return vcpus + " vCPUs, " + memoryGiB + " GiB" + (gpu == null ? "" : ", " + gpuCount + "x " + gpu.id());
        }
    }

    private static final List<InstanceType> TYPES = List.of(
            cpu("ml.t2.medium", 2, 4, true), cpu("ml.t2.large", 2, 8, true), cpu("ml.t2.xlarge", 4, 16, true),
            cpu("ml.t2.2xlarge", 8, 32, true),
            cpu("ml.c5.large", 2, 4), cpu("ml.c5.xlarge", 4, 8), cpu("ml.c5.2xlarge", 8, 16), cpu("ml.c5.4xlarge", 16, 32),
            cpu("ml.c5.9xlarge", 36, 72), cpu("ml.c5.18xlarge", 72, 144),
            cpu("ml.m5.large", 2, 8), cpu("ml.m5.xlarge", 4, 16), cpu("ml.m5.2xlarge", 8, 32), cpu("ml.m5.4xlarge", 16, 64),
            cpu("ml.m5.12xlarge", 48, 192), cpu("ml.m5.24xlarge", 96, 384),
            cpu("ml.r5.large", 2, 16), cpu("ml.r5.xlarge", 4, 32), cpu("ml.r5.2xlarge", 8, 64), cpu("ml.r5.4xlarge", 16, 128),
            cpu("ml.r5.12xlarge", 48, 384), cpu("ml.r5.24xlarge", 96, 768),
            gpu("ml.g4dn.xlarge", 4, 16, AcceleratorType.NVIDIA_T4, 1), gpu("ml.g4dn.2xlarge", 8, 32, AcceleratorType.NVIDIA_T4, 1),
            gpu("ml.g4dn.4xlarge", 16, 64, AcceleratorType.NVIDIA_T4, 1), gpu("ml.g4dn.8xlarge", 32, 128, AcceleratorType.NVIDIA_T4, 1),
            gpu("ml.g4dn.12xlarge", 48, 192, AcceleratorType.NVIDIA_T4, 4), gpu("ml.g4dn.16xlarge", 64, 256, AcceleratorType.NVIDIA_T4, 1),
            gpu("ml.g5.xlarge", 4, 16, AcceleratorType.NVIDIA_A10G, 1), gpu("ml.g5.2xlarge", 8, 32, AcceleratorType.NVIDIA_A10G, 1),
            gpu("ml.g5.4xlarge", 16, 64, AcceleratorType.NVIDIA_A10G, 1), gpu("ml.g5.8xlarge", 32, 128, AcceleratorType.NVIDIA_A10G, 1),
            gpu("ml.g5.12xlarge", 48, 192, AcceleratorType.NVIDIA_A10G, 4), gpu("ml.g5.16xlarge", 64, 256, AcceleratorType.NVIDIA_A10G, 1),
            gpu("ml.g5.24xlarge", 96, 384, AcceleratorType.NVIDIA_A10G, 4), gpu("ml.g5.48xlarge", 192, 768, AcceleratorType.NVIDIA_A10G, 8),
            gpu("ml.g6.xlarge", 4, 16, AcceleratorType.NVIDIA_L4, 1), gpu("ml.g6.2xlarge", 8, 32, AcceleratorType.NVIDIA_L4, 1),
            gpu("ml.g6.4xlarge", 16, 64, AcceleratorType.NVIDIA_L4, 1), gpu("ml.g6.8xlarge", 32, 128, AcceleratorType.NVIDIA_L4, 1),
            gpu("ml.g6.12xlarge", 48, 192, AcceleratorType.NVIDIA_L4, 4), gpu("ml.g6.16xlarge", 64, 256, AcceleratorType.NVIDIA_L4, 1),
            gpu("ml.g6.24xlarge", 96, 384, AcceleratorType.NVIDIA_L4, 4), gpu("ml.g6.48xlarge", 192, 768, AcceleratorType.NVIDIA_L4, 8),
            gpu("ml.p4d.24xlarge", 96, 1152, AcceleratorType.NVIDIA_A100, 8),
            gpu("ml.p5.4xlarge", 16, 256, AcceleratorType.NVIDIA_H100, 1), gpu("ml.p5.48xlarge", 192, 2048, AcceleratorType.NVIDIA_H100, 8));

    private InstanceCatalogue() {
    }

    private static InstanceType cpu(String name, int vcpus, int mem) {
        return new InstanceType(name, vcpus, mem, null, 0, false);
    }

    private static InstanceType cpu(String name, int vcpus, int mem, boolean burstable) {
        return new InstanceType(name, vcpus, mem, null, 0, burstable);
    }

    private static InstanceType gpu(String name, int vcpus, int mem, AcceleratorType type, int count) {
        return new InstanceType(name, vcpus, mem, type, count, false);
    }

    /** Every catalogued type, in catalogue order. */
    public static List<InstanceType> all() {
        return TYPES;
    }

    /** A catalogued type by name. */
    public static Optional<InstanceType> find(String name) {
        return TYPES.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The instance family prefix for an accelerator, e.g. {@code ml.g4dn} for T4. */
    public static String family(AcceleratorType type) {
        return switch (type) {
            case NVIDIA_T4 -> "ml.g4dn";
            case NVIDIA_A10G -> "ml.g5";
            case NVIDIA_L4 -> "ml.g6";
            case NVIDIA_A100 -> "ml.p4d";
            case NVIDIA_H100 -> "ml.p5";
        };
    }

    /**
     * The smallest non-burstable type with at least {@code cores} vCPUs and {@code memoryBytes} of memory and,
     * when {@code gpu} is not null, at least {@code gpuCount} GPUs of that type (CPU-only types otherwise).
     * Smallest means fewest GPUs, then fewest vCPUs, then least memory.
     */
    public static Optional<InstanceType> smallestFitting(BigDecimal cores, BigDecimal memoryBytes, AcceleratorType gpu, int gpuCount) {
        return TYPES.stream()
                .filter(t -> !t.burstable())
                .filter(t -> gpu == null ? t.gpu() == null : t.gpu() == gpu && t.gpuCount() >= gpuCount)
                .filter(t -> BigDecimal.valueOf(t.vcpus()).compareTo(cores) >= 0)
                .filter(t -> t.memoryBytes().compareTo(memoryBytes) >= 0)
                .min(Comparator.comparingInt(InstanceType::gpuCount).thenComparingInt(InstanceType::vcpus)
                        .thenComparingInt(InstanceType::memoryGiB));
    }
}
