package io.inferscale.backend.vertex.internal;

import com.google.cloud.aiplatform.v1.AcceleratorType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Machine types Vertex AI offers for online prediction, with vCPUs, memory and the accelerators each can carry.
 * Source: https://cloud.google.com/vertex-ai/docs/predictions/configure-compute (machine types and GPU tables);
 * memory is in GB as Compute Engine counts it (1 GB = 2^30 bytes). Order matters: the first machine that fits wins,
 * so entries are sorted by vCPUs, then memory ("smallest that fits").
 */
public final class MachineCatalogue {

    /** One machine type. {@code fixedAccelerator} is set for families whose GPUs come with the machine (g2, a2, a3). */
    public record Machine(String name, int vcpus, BigDecimal memoryGb, AcceleratorType fixedAccelerator, int fixedCount,
                          boolean attachesT4) {
        /** Memory in bytes. */
        public BigDecimal memoryBytes() {
            return memoryGb.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(30)));
        }

        /** "n1-standard-2 (2 vCPUs, 7.5 GB)". */
        public String describe() {
            return name + " (" + vcpus + " vCPUs, " + memoryGb.stripTrailingZeros().toPlainString() + " GB"
                    + (fixedAccelerator == null ? "" : ", " + fixedCount + "x " + fixedAccelerator.name()) + ")";
        }
    }

    /** Counts of T4 GPUs an N1 machine accepts. */
    public static final Set<Integer> T4_COUNTS = Set.of(1, 2, 4);

    private static final List<Machine> MACHINES = build();

    private MachineCatalogue() {
    }

    /** Every machine, smallest first. */
    public static List<Machine> all() {
        return MACHINES;
    }

    /** The machine with this name, if it is in the catalogue. */
    public static Optional<Machine> byName(String name) {
        return MACHINES.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /**
     * The smallest machine holding {@code cpu} cores and {@code memoryBytes} bytes with the accelerators given.
     *
     * @param accelerator the Vertex accelerator type, or {@code null} for none
     * @param count       accelerators per replica (ignored without an accelerator)
     */
    public static Optional<Machine> smallest(BigDecimal cpu, BigDecimal memoryBytes, AcceleratorType accelerator, int count) {
        return MACHINES.stream().filter(m -> carries(m, accelerator, count)).filter(m -> holds(m, cpu, memoryBytes)).findFirst();
    }

    /** True when the machine can carry {@code count} accelerators of {@code type} (or none when {@code type} is null). */
    public static boolean carries(Machine m, AcceleratorType type, int count) {
        if (type == null) {
            return m.fixedAccelerator() == null;
        }
        if (type == AcceleratorType.NVIDIA_TESLA_T4) {
            return m.attachesT4() && T4_COUNTS.contains(count);
        }
        return m.fixedAccelerator() == type && m.fixedCount() == count;
    }

    /** True when the machine holds the CPU and memory amounts (either may be null). */
    public static boolean holds(Machine m, BigDecimal cpu, BigDecimal memoryBytes) {
        return (cpu == null || BigDecimal.valueOf(m.vcpus()).compareTo(cpu) >= 0)
                && (memoryBytes == null || m.memoryBytes().compareTo(memoryBytes) >= 0);
    }

    /** Accelerator counts the catalogue offers for a type, ascending. */
    public static Set<Integer> countsFor(AcceleratorType type) {
        if (type == AcceleratorType.NVIDIA_TESLA_T4) {
            return new TreeSet<>(T4_COUNTS);
        }
        TreeSet<Integer> counts = new TreeSet<>();
        MACHINES.stream().filter(m -> m.fixedAccelerator() == type).forEach(m -> counts.add(m.fixedCount()));
        return counts;
    }

    private static List<Machine> build() {
        List<Machine> l = new ArrayList<>();
        // General purpose, no accelerators (N1 also takes T4 GPUs).
        for (int v : new int[]{2, 4, 8, 16, 32}) {
            l.add(cpu("n1-standard-" + v, v, new BigDecimal("3.75").multiply(BigDecimal.valueOf(v)), true));
            l.add(cpu("e2-standard-" + v, v, BigDecimal.valueOf(4L * v), false));
            l.add(cpu("n1-highmem-" + v, v, new BigDecimal("6.5").multiply(BigDecimal.valueOf(v)), true));
            if (v >= 4) {
                l.add(cpu("n1-highcpu-" + v, v, new BigDecimal("0.9").multiply(BigDecimal.valueOf(v)), true));
            }
            if (v <= 16) {
                l.add(cpu("e2-highmem-" + v, v, BigDecimal.valueOf(8L * v), false));
            }
        }
        // L4: G2 machines (https://cloud.google.com/compute/docs/gpus#l4-gpus).
        gpu(l, "g2-standard-4", 4, 16, AcceleratorType.NVIDIA_L4, 1);
        gpu(l, "g2-standard-8", 8, 32, AcceleratorType.NVIDIA_L4, 1);
        gpu(l, "g2-standard-12", 12, 48, AcceleratorType.NVIDIA_L4, 1);
        gpu(l, "g2-standard-16", 16, 64, AcceleratorType.NVIDIA_L4, 1);
        gpu(l, "g2-standard-24", 24, 96, AcceleratorType.NVIDIA_L4, 2);
        gpu(l, "g2-standard-32", 32, 128, AcceleratorType.NVIDIA_L4, 1);
        gpu(l, "g2-standard-48", 48, 192, AcceleratorType.NVIDIA_L4, 4);
        gpu(l, "g2-standard-96", 96, 384, AcceleratorType.NVIDIA_L4, 8);
        // A100 40 GB: A2 high-GPU machines.
        gpu(l, "a2-highgpu-1g", 12, 85, AcceleratorType.NVIDIA_TESLA_A100, 1);
        gpu(l, "a2-highgpu-2g", 24, 170, AcceleratorType.NVIDIA_TESLA_A100, 2);
        gpu(l, "a2-highgpu-4g", 48, 340, AcceleratorType.NVIDIA_TESLA_A100, 4);
        gpu(l, "a2-highgpu-8g", 96, 680, AcceleratorType.NVIDIA_TESLA_A100, 8);
        gpu(l, "a2-megagpu-16g", 96, 1360, AcceleratorType.NVIDIA_TESLA_A100, 16);
        // H100 80 GB: A3 high-GPU machines.
        gpu(l, "a3-highgpu-1g", 26, 234, AcceleratorType.NVIDIA_H100_80GB, 1);
        gpu(l, "a3-highgpu-2g", 52, 468, AcceleratorType.NVIDIA_H100_80GB, 2);
        gpu(l, "a3-highgpu-4g", 104, 936, AcceleratorType.NVIDIA_H100_80GB, 4);
        gpu(l, "a3-highgpu-8g", 208, 1872, AcceleratorType.NVIDIA_H100_80GB, 8);
        l.sort((a, b) -> a.vcpus() != b.vcpus() ? Integer.compare(a.vcpus(), b.vcpus()) : a.memoryGb().compareTo(b.memoryGb()));
        return List.copyOf(l);
    }

    private static Machine cpu(String name, int vcpus, BigDecimal memoryGb, boolean attachesT4) {
        return new Machine(name, vcpus, memoryGb, null, 0, attachesT4);
    }

    private static void gpu(List<Machine> l, String name, int vcpus, int memoryGb, AcceleratorType type, int count) {
        l.add(new Machine(name, vcpus, BigDecimal.valueOf(memoryGb), type, count, false));
    }
}
