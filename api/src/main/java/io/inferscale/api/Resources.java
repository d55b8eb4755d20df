package io.inferscale.api;

import java.util.Objects;
import java.util.Optional;

/**
 * What each replica asks for ({@code requests}), may use at most ({@code limits}), and which accelerators it has.
 */
public final class Resources {

    private static final Resources NONE = new Resources(ResourceList.empty(), ResourceList.empty(), null);

    private final ResourceList requests;
    private final ResourceList limits;
    private final Accelerator accelerator;

    private Resources(ResourceList requests, ResourceList limits, Accelerator accelerator) {
        this.requests = Objects.requireNonNull(requests, "requests");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.accelerator = accelerator;
    }

    /** No requests, limits or accelerators. */
    public static Resources none() {
        return NONE;
    }

    /** Requests and limits without accelerators. */
    public static Resources of(ResourceList requests, ResourceList limits) {
        return new Resources(requests, limits, null);
    }

    /** Requests, limits and accelerators ({@code accelerator} may be {@code null}). */
    public static Resources of(ResourceList requests, ResourceList limits, Accelerator accelerator) {
        return new Resources(requests, limits, accelerator);
    }

    /** The amounts each replica requests; what utilization percentages are measured against. */
    public ResourceList requests() {
        return requests;
    }

    /** The most each replica may use. */
    public ResourceList limits() {
        return limits;
    }

    /** Accelerators per replica, when any. */
    public Optional<Accelerator> accelerator() {
        return Optional.ofNullable(accelerator);
    }

    /** A copy with other accelerators ({@code null} for none). */
    public Resources withAccelerator(Accelerator accelerator) {
        return new Resources(requests, limits, accelerator);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Resources r && requests.equals(r.requests) && limits.equals(r.limits)
                && Objects.equals(accelerator, r.accelerator);
    }

    @Override
    public int hashCode() {
        return Objects.hash(requests, limits, accelerator);
    }

    @Override
    public String toString() {
        return "Resources{requests=" + requests + ", limits=" + limits
                + (accelerator == null ? "" : ", accelerator=" + accelerator) + "}";
    }
}
