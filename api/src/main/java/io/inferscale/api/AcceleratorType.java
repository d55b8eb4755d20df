package io.inferscale.api;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Neutral accelerator (GPU) types. Each backend maps them to its own names or instance families and
 * rejects, by name, the ones it has no equivalent for.
 */
public enum AcceleratorType {
    /** NVIDIA T4 (16 GB). */
    NVIDIA_T4("nvidia-t4"),
    /** NVIDIA L4 (24 GB). */
    NVIDIA_L4("nvidia-l4"),
    /** NVIDIA A10G (24 GB), an AWS-only part. */
    NVIDIA_A10G("nvidia-a10g"),
    /** NVIDIA A100 (40 GB). */
    NVIDIA_A100("nvidia-a100"),
    /** NVIDIA H100 (80 GB). */
    NVIDIA_H100("nvidia-h100");

    private final String id;

    AcceleratorType(String id) {
        this.id = id;
    }

    /** The name used in documents, e.g. {@code nvidia-t4}. */
    public String id() {
        return id;
    }

    /** The type with the given document name. */
    public static Optional<AcceleratorType> fromId(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }

    /** All document names, in declaration order. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(AcceleratorType::id).toList();
    }

    @Override
    public String toString() {
        return id;
    }
}
