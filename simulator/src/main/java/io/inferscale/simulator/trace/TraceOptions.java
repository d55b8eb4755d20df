package io.inferscale.simulator.trace;

import io.inferscale.simulator.Simulation;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link LoadTrace#read(java.nio.file.Path, TraceOptions)} reads a trace file.
 *
 * @param columns which column holds what; {@link TraceColumns#DETECT} finds them from the header
 * @param unit    what a rate trace's rate column counts; {@code null} means per second, or per minute for a column
 *                named {@code rpm}. A request log rejects a unit: its rate is counted, not read
 * @param bucket  the width of the buckets a request log is counted in: each bucket's rate is its requests divided by
 *                its seconds. Default {@link Simulation#DEFAULT_STEP}; {@code simulate} passes its {@code --step}
 */
public record TraceOptions(TraceColumns columns, TraceUnit unit, Duration bucket) {

    /** Detect the columns, per-second rates (per-minute for {@code rpm}), 15 s buckets. */
    public static final TraceOptions DEFAULTS = new TraceOptions(TraceColumns.DETECT, null, Simulation.DEFAULT_STEP);

    /** Rejects a null {@code columns} or {@code bucket}, and a bucket under one millisecond. */
    public TraceOptions {
        Objects.requireNonNull(columns, "columns");
        Objects.requireNonNull(bucket, "bucket");
        if (bucket.toMillis() < 1) {
            throw new IllegalArgumentException("bucket was " + bucket + " but it must be at least 1 ms");
        }
    }

    /** These options with {@code columns}. */
    public TraceOptions withColumns(TraceColumns columns) {
        return new TraceOptions(columns, unit, bucket);
    }

    /** These options with {@code unit}. */
    public TraceOptions withUnit(TraceUnit unit) {
        return new TraceOptions(columns, unit, bucket);
    }

    /** These options with {@code bucket}. */
    public TraceOptions withBucket(Duration bucket) {
        return new TraceOptions(columns, unit, bucket);
    }
}
