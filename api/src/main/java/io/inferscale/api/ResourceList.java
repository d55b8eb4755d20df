package io.inferscale.api;

import java.util.Objects;
import java.util.Optional;

/**
 * CPU and memory amounts of one replica, as in a Kubernetes container's {@code requests} or {@code limits}.
 * Either may be absent.
 */
public final class ResourceList {

    private static final ResourceList EMPTY = new ResourceList(null, null);

    private final Quantity cpu;
    private final Quantity memory;

    private ResourceList(Quantity cpu, Quantity memory) {
        this.cpu = cpu;
        this.memory = memory;
    }

    /** An empty list: neither CPU nor memory given. */
    public static ResourceList empty() {
        return EMPTY;
    }

    /**
     * A list with the given amounts.
     *
     * @param cpu    CPU in cores (e.g. {@code 500m}), or {@code null} when not given
     * @param memory memory in bytes (e.g. {@code 1Gi}), or {@code null} when not given
     */
    public static ResourceList of(Quantity cpu, Quantity memory) {
        return cpu == null && memory == null ? EMPTY : new ResourceList(cpu, memory);
    }

    /** Parses both amounts; either may be {@code null}. */
    public static ResourceList of(String cpu, String memory) {
        return of(cpu == null ? null : Quantity.parse(cpu), memory == null ? null : Quantity.parse(memory));
    }

    /** CPU in cores. */
    public Optional<Quantity> cpu() {
        return Optional.ofNullable(cpu);
    }

    /** Memory in bytes. */
    public Optional<Quantity> memory() {
        return Optional.ofNullable(memory);
    }

    /** True when neither CPU nor memory is given. */
    public boolean isEmpty() {
        return cpu == null && memory == null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResourceList r && Objects.equals(cpu, r.cpu) && Objects.equals(memory, r.memory);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cpu, memory);
    }

    @Override
    public String toString() {
        return "{cpu=" + cpu + ", memory=" + memory + "}";
    }
}
