package io.inferscale.simulator;

import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.AutoscalerModelProvider;
import io.inferscale.api.simulation.ReplicaPrice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.AbstractList;
import java.util.List;
import java.util.Locale;

/**
 * The output of one run: a tick every step, and a {@link SimulationSummary}. Tick values are held in primitive
 * arrays; {@link #ticks()} is a view that builds each {@link Tick} on access.
 */
public final class SimulationResult {

    private final String backendId;
    private final String endpointName;
    private final long stepMillis;
    private final int count;
    private final double[] demand;
    private final int[] ready;
    private final int[] desired;
    private final double[] utilization;
    private final double[] served;
    private final double[] unserved;
    private final double capacityPerReplica;
    private final SimulationSummary summary;
    private final List<Assumption> assumptions;

    private final CostEstimate cost;

    SimulationResult(String backendId, String endpointName, long stepMillis, int count, double[] demand, int[] ready,
                     int[] desired, double[] utilization, double[] served, double[] unserved, double capacityPerReplica,
                     SimulationSummary summary, List<Assumption> assumptions) {
        this(backendId, endpointName, stepMillis, count, demand, ready, desired, utilization, served, unserved, capacityPerReplica,
                summary, assumptions, null);
    }

    private SimulationResult(String backendId, String endpointName, long stepMillis, int count, double[] demand, int[] ready,
                             int[] desired, double[] utilization, double[] served, double[] unserved, double capacityPerReplica,
                             SimulationSummary summary, List<Assumption> assumptions, CostEstimate cost) {
        this.assumptions = List.copyOf(assumptions);
        this.cost = cost;
        this.backendId = backendId;
        this.endpointName = endpointName;
        this.stepMillis = stepMillis;
        this.count = count;
        this.demand = demand;
        this.ready = ready;
        this.desired = desired;
        this.utilization = utilization;
        this.served = served;
        this.unserved = unserved;
        this.capacityPerReplica = capacityPerReplica;
        this.summary = summary;
    }

    /** The backend whose autoscaler model ran. */
    public String backendId() {
        return backendId;
    }

    /** The simulated endpoint's name. */
    public String endpointName() {
        return endpointName;
    }

    /** The output step in milliseconds. */
    public long stepMillis() {
        return stepMillis;
    }

    /** Number of ticks. */
    public int tickCount() {
        return count;
    }

    /** Requests per second one ready replica can serve (up to its CPU ceiling). */
    public double capacityPerReplica() {
        return capacityPerReplica;
    }

    /** Tick {@code i}. */
    public Tick tick(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("tick " + i + " of " + count);
        }
        return new Tick(timeSeconds(i), demand[i], ready[i], desired[i], utilization[i], served[i], unserved[i]);
    }

    /** All ticks, in time order (a view; each element is built on access). */
    public List<Tick> ticks() {
        return new AbstractList<>() {
            @Override
            public Tick get(int index) {
                return tick(index);
            }

            @Override
            public int size() {
                return count;
            }
        };
    }

    /** Seconds from the start of tick {@code i}. */
    public double timeSeconds(int i) {
        return (double) i * stepMillis / 1000.0;
    }

    /** Ready replicas at tick {@code i}. */
    public int readyReplicas(int i) {
        return ready[checked(i)];
    }

    /** Desired replicas at tick {@code i}. */
    public int desiredReplicas(int i) {
        return desired[checked(i)];
    }

    /** Demand at tick {@code i}, requests per second. */
    public double demandRps(int i) {
        return demand[checked(i)];
    }

    /** Served requests per second at tick {@code i}. */
    public double servedRps(int i) {
        return served[checked(i)];
    }

    /** CPU utilization % at tick {@code i}. */
    public double utilizationPercent(int i) {
        return utilization[checked(i)];
    }

    /** Unserved requests per second at tick {@code i}. */
    public double unservedRps(int i) {
        return unserved[checked(i)];
    }

    private int checked(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("tick " + i + " of " + count);
        }
        return i;
    }

    /**
     * The first time, in seconds, at or after {@code fromSeconds} when the desired replica count differs from its
     * value at {@code fromSeconds}; empty if it never changes. Tick resolution.
     */
    public java.util.OptionalDouble firstDesiredChangeAfter(double fromSeconds) {
        int start = (int) Math.ceil(fromSeconds * 1000.0 / stepMillis);
        if (start >= count) {
            return java.util.OptionalDouble.empty();
        }
        int base = desired[start];
        for (int i = start + 1; i < count; i++) {
            if (desired[i] != base) {
                return java.util.OptionalDouble.of(timeSeconds(i));
            }
        }
        return java.util.OptionalDouble.empty();
    }

    /**
     * What this result depends on, each with its source: the start-up time, a replica's capacity, then the model's
     * own ({@link AutoscalerModel#assumptions()}: the metrics and targets it scales on, its constants).
     */
    public List<Assumption> assumptions() {
        return assumptions;
    }

    /** What the run costs, when the backend's model knows the replica's price ({@link AutoscalerModelProvider#price}). */
    public java.util.Optional<CostEstimate> cost() {
        return java.util.Optional.ofNullable(cost);
    }

    /** This result priced at {@code price}: the same ticks and summary, a {@link #cost()}, and the price among the assumptions. */
    public SimulationResult withPrice(ReplicaPrice price) {
        List<Assumption> all = new java.util.ArrayList<>(assumptions);
        all.add(new Assumption("price per replica-hour", String.format(Locale.ROOT, "$%.4f (%s)", price.usdPerHour(), price.machine()),
                price.source()));
        return new SimulationResult(backendId, endpointName, stepMillis, count, demand, ready, desired, utilization, served, unserved,
                capacityPerReplica, summary, all, CostEstimate.of(price, summary));
    }

    /**
     * This result with the replica-hours of the same policy with a floor of 1 replica
     * ({@link SimulationSummary#floorReplicaHours()}, NaN when it could not be simulated) and the assumption that says how
     * they were obtained. Call before {@link #withPrice}, which prices the saving.
     */
    SimulationResult withFloorBaseline(double floorReplicaHours, Assumption how) {
        List<Assumption> all = new java.util.ArrayList<>(assumptions);
        all.add(how);
        return new SimulationResult(backendId, endpointName, stepMillis, count, demand, ready, desired, utilization, served, unserved,
                capacityPerReplica, summary.withFloorReplicaHours(floorReplicaHours), all,
                cost == null ? null : CostEstimate.of(cost.price(), summary.withFloorReplicaHours(floorReplicaHours)));
    }

    /** The run in numbers. */
    public SimulationSummary summary() {
        return summary;
    }

    /** The CSV header of {@link #toCsv()}. */
    public static final String CSV_HEADER = "time_s,backend,demand_rps,ready_replicas,desired_replicas,utilization_pct,served_rps,unserved_rps";

    /**
     * The ticks as CSV with the header {@value #CSV_HEADER}; numbers use a dot and at most three decimals.
     * For long runs prefer {@link #writeCsv(List, Appendable)}, which streams.
     */
    public String toCsv() {
        return toCsv(List.of(this));
    }

    /** Appends the CSV rows (no header) to {@code sb}; used to put several runs in one file. */
    public void appendCsvRows(StringBuilder sb) {
        try {
            writeCsvRows(sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not throw
        }
    }

    /**
     * Writes the CSV rows (no header) to {@code out} as they are formatted, in chunks of about 8 KiB: memory stays
     * bounded by one chunk whatever the run's length.
     *
     * @throws IOException when {@code out} fails
     */
    public void writeCsvRows(Appendable out) throws IOException {
        StringBuilder row = new StringBuilder(CHUNK + 128);
        for (int i = 0; i < count; i++) {
            Decimals.append(timeSeconds(i), row);
            row.append(',').append(backendId).append(',');
            Decimals.append(demand[i], row);
            row.append(',').append(ready[i]).append(',').append(desired[i]).append(',');
            Decimals.append(utilization[i], row);
            row.append(',');
            Decimals.append(served[i], row);
            row.append(',');
            Decimals.append(unserved[i], row);
            row.append('\n');
            if (row.length() >= CHUNK) {
                out.append(row);
                row.setLength(0);
            }
        }
        out.append(row);
    }

    /** Characters the streaming writers gather before each {@code append} to their output. */
    static final int CHUNK = 8192;

    /** Several runs in one CSV, one header, rows grouped by backend. */
    public static String toCsv(List<SimulationResult> results) {
        StringBuilder sb = new StringBuilder();
        try {
            writeCsv(results, sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not throw
        }
        return sb.toString();
    }

    /**
     * Streams several runs as one CSV to {@code out}: the header {@value #CSV_HEADER}, then each run's rows in time
     * order, grouped by backend.
     *
     * @throws IOException when {@code out} fails
     */
    public static void writeCsv(List<SimulationResult> results, Appendable out) throws IOException {
        out.append(CSV_HEADER).append('\n');
        for (SimulationResult r : results) {
            r.writeCsvRows(out);
        }
    }

    @Override
    public String toString() {
        SimulationSummary s = summary;
        return String.format(Locale.ROOT, "SimulationResult{backend=%s, endpoint=%s, ticks=%d, replicaHours=%.2f, p95Util=%.1f%%, "
                        + "secondsOverCapacity=%.0f, scaleUps=%d, scaleDowns=%d}", backendId, endpointName, count, s.replicaHours(),
                s.p95UtilizationPercent(), s.secondsOverCapacity(), s.scaleUps(), s.scaleDowns());
    }
}
