package io.inferscale.backend.vertex.internal;

import com.google.cloud.aiplatform.v1.AcceleratorType;
import com.google.cloud.aiplatform.v1.MachineSpec;
import io.inferscale.api.Accelerator;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.Quantity;
import io.inferscale.api.backend.Note;
import io.inferscale.api.validation.Problem;
import io.inferscale.backend.vertex.internal.MachineCatalogue.Machine;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Which machine of the {@link MachineCatalogue} an endpoint runs on, and the rules a chosen machine must satisfy
 * (accelerator counts Vertex offers, machines that carry them, enough CPU and memory). Pure; used by the translator.
 */
public final class MachineSelection {

    private MachineSelection() {
    }

    /**
     * The machine {@code e} runs on, set on {@code spec} (type, accelerator type and count): {@code explicit} (the
     * {@code machineType} option) when set, else the smallest catalogued machine that holds the larger of requests and
     * limits and the accelerators. Problems and notes go to the lists given. Null when the machine is unknown or none
     * fits (the CPU target then cannot be converted).
     */
    public static Machine choose(InferenceEndpoint e, Supplier<Optional<String>> explicitMachineType, MachineSpec.Builder spec,
                                 List<Problem> problems, List<Note> notes) {
        Optional<Accelerator> acc = e.resources().accelerator();
        AcceleratorType type = null;
        int count = 0;
        if (acc.isPresent()) {
            count = acc.get().count();
            type = switch (acc.get().type()) {
                case NVIDIA_T4 -> AcceleratorType.NVIDIA_TESLA_T4;
                case NVIDIA_L4 -> AcceleratorType.NVIDIA_L4;
                case NVIDIA_A100 -> AcceleratorType.NVIDIA_TESLA_A100;
                case NVIDIA_H100 -> AcceleratorType.NVIDIA_H100_80GB;
                case NVIDIA_A10G -> null;
            };
            if (type == null) {
                problems.add(Problem.error("spec.resources.accelerator.type", "nvidia-a10g has no Vertex AI equivalent (it is an "
                        + "AWS-only part); use nvidia-l4 (24 GB, the closest), nvidia-t4, nvidia-a100 or nvidia-h100"));
            } else {
                spec.setAcceleratorType(type).setAcceleratorCount(count);
                if (!MachineCatalogue.countsFor(type).contains(count)) {
                    problems.add(Problem.error("spec.resources.accelerator.count", count + "x " + acc.get().type().id()
                            + " is not offered on Vertex AI; use " + MachineCatalogue.countsFor(type).stream().map(String::valueOf)
                            .collect(Collectors.joining(", ")) + " per replica"));
                }
            }
        }
        BigDecimal cpu = larger(e.resources().requests().cpu(), e.resources().limits().cpu());
        BigDecimal memory = larger(e.resources().requests().memory(), e.resources().limits().memory());
        String needs = "cpu " + text(cpu, false) + " and memory " + text(memory, true) + " (the larger of requests and limits)";
        Optional<String> explicit = explicitMachineType.get();
        if (explicit.isPresent()) {
            spec.setMachineType(explicit.get());
            Optional<Machine> known = MachineCatalogue.byName(explicit.get());
            if (known.isEmpty()) {
                notes.add(Note.info("spec.backends.vertex.machineType", "'" + explicit.get() + "' is not in InferScale's machine "
                        + "catalogue: its fit to the requests and accelerators is not checked"));
                return null;
            }
            Machine k = known.get();
            if (acc.isPresent() && type != null && !MachineCatalogue.carries(k, type, count)) {
                problems.add(Problem.error("spec.backends.vertex.machineType", k.describe() + " cannot carry " + count + "x "
                        + type.name() + suggestion(cpu, memory, type, count)));
            } else if (acc.isEmpty() && k.fixedAccelerator() != null) {
                problems.add(Problem.error("spec.backends.vertex.machineType", k.describe() + " comes with GPUs; add "
                        + "spec.resources.accelerator or choose a machine without GPUs"));
            }
            if (!MachineCatalogue.holds(k, cpu, memory)) {
                problems.add(Problem.error("spec.backends.vertex.machineType", k.describe() + " is smaller than " + needs
                        + suggestion(cpu, memory, type, count)));
            }
            return k;
        }
        if (acc.isPresent() && type == null) {
            return null;
        }
        Optional<Machine> chosen = MachineCatalogue.smallest(cpu, memory, type, count);
        if (chosen.isEmpty()) {
            if (type == null || MachineCatalogue.countsFor(type).contains(count)) {
                problems.add(Problem.error("spec.resources", "no Vertex machine in the catalogue holds " + needs
                        + (type == null ? "" : " with " + count + "x " + type.name()) + "; lower the requests or set "
                        + "spec.backends.vertex.machineType"));
            }
            return null;
        }
        spec.setMachineType(chosen.get().name());
        notes.add(Note.derived("spec.resources", "machine type " + chosen.get().describe() + ": the smallest in the catalogue "
                + "that holds " + needs + (type == null ? "" : " with " + count + "x " + type.name())
                + "; set spec.backends.vertex.machineType to choose another"));
        return chosen.get();
    }

    private static String suggestion(BigDecimal cpu, BigDecimal memory, AcceleratorType type, int count) {
        return MachineCatalogue.smallest(cpu, memory, type, count).map(m -> "; " + m.name() + " fits").orElse("");
    }

    private static BigDecimal larger(Optional<Quantity> a, Optional<Quantity> b) {
        BigDecimal x = a.map(Quantity::value).orElse(null);
        BigDecimal y = b.map(Quantity::value).orElse(null);
        return x == null ? y : y == null ? x : x.max(y);
    }

    private static String text(BigDecimal v, boolean bytes) {
        if (v == null) {
            return "(none)";
        }
        if (bytes && v.stripTrailingZeros().scale() <= 0) {
            return Quantity.ofBytes(v.longValueExact()).text();
        }
        return v.stripTrailingZeros().toPlainString();
    }
}
