package io.inferscale.api.simulation;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How one replica behaves under load, from which the simulator derives every metric an autoscaler can track.
 *
 * <p><b>Capacity.</b> {@link #rpsAtFullCpu()} is what one replica serves: its capacity, in requests per second,
 * reached at 100 % of its CPU request. Demand above the ready replicas' capacity is unserved. A replica does not
 * burst above its capacity unless asked: with {@link Builder#burstToLimit(boolean) burstToLimit(true)} and an
 * endpoint whose {@code limits.cpu} is above its {@code requests.cpu}, a replica may use CPU up to its limit and
 * its capacity grows with it, to {@code rpsAtFullCpu * (ceiling - overhead) / (100 - overhead)} where the
 * ceiling is {@code 100 * limits.cpu / requests.cpu} %. Bursting never applies to an endpoint with accelerators
 * (a GPU-bound replica's throughput does not grow with spare CPU): the simulation rejects that combination.
 * Every result shows the effective capacity and where it comes from among its assumptions
 * ({@code io.inferscale.simulator.SimulationResult.assumptions()}).
 *
 * <p>For a replica receiving {@code r} requests per second (the replica's share of the demand, capped at
 * its capacity):
 * <ul>
 *   <li><b>CPU utilization %</b> (of the CPU request, the "allotment") =
 *       {@code overhead + (100 - overhead) * r / rpsAtFullCpu}. At capacity it is 100 %; it exceeds 100 % only
 *       when the replica bursts to its limit (up to the ceiling above).</li>
 *   <li><b>Memory utilization %</b> (of the memory request): an assumption, since memory rarely tracks load
 *       linearly: {@code memoryIdlePercent + (memoryFullPercent - memoryIdlePercent) * min(1, r / rpsAtFullCpu)}.
 *       Defaults 40 % idle and 70 % at full CPU (a model server holds its weights in memory whatever the load).</li>
 *   <li><b>Requests per second per replica</b>: the <em>offered</em> rate, {@code demand / ready replicas}, as
 *       request-count metrics count what arrives.</li>
 *   <li><b>Concurrent requests per replica</b>: Little's law on the <em>offered</em> load,
 *       {@code demand / ready replicas * latency}, so a saturated replica shows its queue.</li>
 *   <li><b>Accelerator utilization %</b>: {@code 100 * r / rpsAtFullCpu} capped at 100, assuming the
 *       accelerator does the work the CPU allotment paces, without the fixed overhead.</li>
 *   <li><b>Queue depth per replica</b>: the in-flight requests no replica serves, {@code (demand - served) / ready
 *       replicas * latency}: 0 until the ready replicas saturate.</li>
 *   <li><b>Generated tokens per second per replica</b>: from the trace's output tokens (a request log with a column such
 *       as {@code GeneratedTokens}), the served share, over the ready replicas; not defined for a trace without them.</li>
 * </ul>
 *
 * <p>{@link #startup()} is the time from the autoscaler's decision to the new replica serving traffic
 * (scheduling or instance launch, image pull, model load, readiness), for every backend. When absent, the
 * model's backend supplies its typical value ({@link AutoscalerModelProvider#defaultStartup()}). A backend's own
 * value, the model setting {@code <backend id>.startup} (see {@code io.inferscale.simulator.Simulation.settings(ModelSettings)}),
 * takes precedence over both.
 */
public final class ReplicaProfile {

    private final double rpsAtFullCpu;
    private final Duration startup;
    private final double overheadPercent;
    private final Duration latency;
    private final double memoryIdlePercent;
    private final double memoryFullPercent;
    private final boolean burstToLimit;

    private ReplicaProfile(Builder b) {
        this.rpsAtFullCpu = b.rpsAtFullCpu;
        this.startup = b.startup;
        this.overheadPercent = b.overheadPercent;
        this.latency = b.latency;
        this.memoryIdlePercent = b.memoryIdlePercent;
        this.memoryFullPercent = b.memoryFullPercent;
        this.burstToLimit = b.burstToLimit;
    }

    /**
     * A builder.
     *
     * @param rpsAtFullCpu requests per second one replica serves (its capacity, at 100 % of its CPU request); must be positive
     * @throws IllegalArgumentException when it is not a positive finite number
     */
    public static Builder builder(double rpsAtFullCpu) {
        return new Builder(rpsAtFullCpu);
    }

    /** A profile with the given capacity (requests per second) and every other part at its default: no burst, backend startup. */
    public static ReplicaProfile of(double rpsAtFullCpu) {
        return builder(rpsAtFullCpu).build();
    }

    /** Requests per second one replica serves, its capacity: what it serves at 100 % of its CPU request. */
    public double rpsAtFullCpu() {
        return rpsAtFullCpu;
    }

    /**
     * Whether a replica may burst above its capacity up to the endpoint's CPU limit (default {@code false}); see the
     * class description. Not allowed for an endpoint with accelerators.
     */
    public boolean burstToLimit() {
        return burstToLimit;
    }

    /** Time from scale-up decision to ready; empty means "the backend's typical value". */
    public Optional<Duration> startup() {
        return Optional.ofNullable(startup);
    }

    /** CPU utilization % a replica shows with no traffic (default 0). */
    public double overheadPercent() {
        return overheadPercent;
    }

    /** Mean request latency used for Little's law (default 100 ms). */
    public Duration latency() {
        return latency;
    }

    /** Memory utilization % with no traffic (default 40). */
    public double memoryIdlePercent() {
        return memoryIdlePercent;
    }

    /** Memory utilization % at full CPU (default 70). */
    public double memoryFullPercent() {
        return memoryFullPercent;
    }

    /** A builder starting from this profile. */
    public Builder toBuilder() {
        Builder b = new Builder(rpsAtFullCpu);
        b.startup = startup;
        b.overheadPercent = overheadPercent;
        b.latency = latency;
        b.memoryIdlePercent = memoryIdlePercent;
        b.memoryFullPercent = memoryFullPercent;
        b.burstToLimit = burstToLimit;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReplicaProfile p && p.rpsAtFullCpu == rpsAtFullCpu && Objects.equals(p.startup, startup)
                && p.overheadPercent == overheadPercent && p.latency.equals(latency)
                && p.memoryIdlePercent == memoryIdlePercent && p.memoryFullPercent == memoryFullPercent
                && p.burstToLimit == burstToLimit;
    }

    @Override
    public int hashCode() {
        return Objects.hash(rpsAtFullCpu, startup, overheadPercent, latency, memoryIdlePercent, memoryFullPercent, burstToLimit);
    }

    @Override
    public String toString() {
        return "ReplicaProfile{rpsAtFullCpu=" + rpsAtFullCpu + ", startup=" + (startup == null ? "backend default" : startup)
                + ", overheadPercent=" + overheadPercent + ", latency=" + latency + ", memory=" + memoryIdlePercent + ".."
                + memoryFullPercent + "%, burstToLimit=" + burstToLimit + "}";
    }

    /** Builds a {@link ReplicaProfile}; every setter checks its range and names the field on error. */
    public static final class Builder {
        private final double rpsAtFullCpu;
        private Duration startup;
        private double overheadPercent;
        private Duration latency = Duration.ofMillis(100);
        private double memoryIdlePercent = 40;
        private double memoryFullPercent = 70;
        private boolean burstToLimit;

        private Builder(double rpsAtFullCpu) {
            if (!(rpsAtFullCpu > 0) || !Double.isFinite(rpsAtFullCpu)) {
                throw new IllegalArgumentException("rpsAtFullCpu was " + rpsAtFullCpu + " but it must be a positive number of requests per second");
            }
            this.rpsAtFullCpu = rpsAtFullCpu;
        }

        /** Time from scale-up decision to ready, 0 or more; {@code null} for the backend's typical value. */
        public Builder startup(Duration startup) {
            if (startup != null && startup.isNegative()) {
                throw new IllegalArgumentException("startup was " + startup + " but it must be 0 or more");
            }
            this.startup = startup;
            return this;
        }

        /** CPU utilization % with no traffic, 0 (default) up to but excluding 100. */
        public Builder overheadPercent(double overheadPercent) {
            if (!(overheadPercent >= 0 && overheadPercent < 100)) {
                throw new IllegalArgumentException("overheadPercent was " + overheadPercent + " but it must be >= 0 and < 100");
            }
            this.overheadPercent = overheadPercent;
            return this;
        }

        /** Mean request latency for Little's law; positive (default 100 ms). */
        public Builder latency(Duration latency) {
            Objects.requireNonNull(latency, "latency");
            if (latency.isNegative() || latency.isZero()) {
                throw new IllegalArgumentException("latency was " + latency + " but it must be positive");
            }
            this.latency = latency;
            return this;
        }

        /** Memory utilization % idle and at full CPU, each 0..100 (defaults 40 and 70). */
        public Builder memory(double idlePercent, double fullPercent) {
            if (!(idlePercent >= 0 && idlePercent <= 100 && fullPercent >= 0 && fullPercent <= 100)) {
                throw new IllegalArgumentException("memory percentages were " + idlePercent + " and " + fullPercent
                        + " but each must be between 0 and 100");
            }
            this.memoryIdlePercent = idlePercent;
            this.memoryFullPercent = fullPercent;
            return this;
        }

        /**
         * Whether a replica may burst above its capacity up to the endpoint's CPU limit (default {@code false}):
         * its capacity is then {@code rpsAtFullCpu * (ceiling - overhead) / (100 - overhead)} with the ceiling
         * {@code 100 * limits.cpu / requests.cpu} %; without a CPU limit above the request it changes nothing. A
         * simulation of an endpoint with accelerators rejects it.
         */
        public Builder burstToLimit(boolean burstToLimit) {
            this.burstToLimit = burstToLimit;
            return this;
        }

        /** The profile. */
        public ReplicaProfile build() {
            return new ReplicaProfile(this);
        }
    }
}
