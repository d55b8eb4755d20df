package io.inferscale.simulator.tune;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.simulator.SimulationSummary;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a tuned setting must achieve on the trace. Only {@code max-unserved} applies by default.
 *
 * @param maxUnservedShare share of offered requests that may go beyond capacity, 0..1 (default 0.005 = 0.5 %)
 * @param maxOverCapacity  longest total time with demand above capacity; empty = no limit
 * @param maxCatchUp       longest time to get back to capacity after a load increase
 *                         ({@link SimulationSummary#worstSecondsToCapacity()}); a rise that capacity never caught up with
 *                         (the load fell back or the trace ended first) breaks it too; empty = no limit
 * @param minReplicas      a floor for {@code minReplicas} the user wants for availability (default 1); the search never
 *                         goes below it
 */
public record ServiceLevelObjective(double maxUnservedShare, Optional<Duration> maxOverCapacity, Optional<Duration> maxCatchUp,
                                    int minReplicas) {

    /** The SLO keys, as {@code --slo} takes them. */
    public static final List<String> KEYS = List.of("max-unserved", "max-over-capacity", "max-catch-up", "min-replicas");

    /** The default share of requests that may go unserved: 0.5 %. */
    public static final double DEFAULT_MAX_UNSERVED_SHARE = 0.005;

    /** Rejects out-of-range values. */
    public ServiceLevelObjective {
        if (!(maxUnservedShare >= 0 && maxUnservedShare <= 1)) {
            throw new IllegalArgumentException("max-unserved was " + maxUnservedShare + " but it must be a share from 0 to 1 (0.5% = 0.005)");
        }
        maxOverCapacity = maxOverCapacity == null ? Optional.empty() : maxOverCapacity;
        maxCatchUp = maxCatchUp == null ? Optional.empty() : maxCatchUp;
        if (minReplicas < 0) {
            throw new IllegalArgumentException("min-replicas was " + minReplicas + " but it must be 0 or more");
        }
    }

    /** The default: at most 0.5 % of requests unserved, no other limit, floor 1 replica. */
    public static ServiceLevelObjective defaults() {
        return new ServiceLevelObjective(DEFAULT_MAX_UNSERVED_SHARE, Optional.empty(), Optional.empty(), 1);
    }

    /**
     * The defaults overridden by {@code KEY=VALUE} pairs: {@code max-unserved} ({@code 0.5%} or {@code 0.005}),
     * {@code max-over-capacity} and {@code max-catch-up} (durations: {@code 90s}, {@code 5m}, {@code PT1H}),
     * {@code min-replicas} (a whole number).
     *
     * @throws ConfigurationException naming the key and the fix for an unknown key or a malformed value
     */
    public static ServiceLevelObjective parse(Map<String, String> values) {
        double unserved = DEFAULT_MAX_UNSERVED_SHARE;
        Duration over = null;
        Duration catchUp = null;
        int floor = 1;
        for (Map.Entry<String, String> e : values.entrySet()) {
            String key = e.getKey().strip();
            String value = e.getValue().strip();
            switch (key) {
                case "max-unserved" -> unserved = share(value);
                case "max-over-capacity" -> over = ModelSettings.parseDuration(value, "SLO max-over-capacity");
                case "max-catch-up" -> catchUp = ModelSettings.parseDuration(value, "SLO max-catch-up");
                case "min-replicas" -> floor = replicas(value);
                default -> throw new ConfigurationException("unknown SLO key '" + key + "'"
                        + io.inferscale.api.validation.Suggestions.closest(key, KEYS).map(s -> "; did you mean '" + s + "'?").orElse("")
                        + " Known keys: " + String.join(", ", KEYS));
            }
        }
        return new ServiceLevelObjective(unserved, Optional.ofNullable(over), Optional.ofNullable(catchUp), floor);
    }

    private static double share(String value) {
        try {
            double v = value.endsWith("%") ? Double.parseDouble(value.substring(0, value.length() - 1).strip()) / 100
                    : Double.parseDouble(value);
            if (v >= 0 && v <= 1) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigurationException("SLO max-unserved was '" + value + "' but it must be a share of requests from 0% to 100%, "
                + "e.g. max-unserved=0.5% or max-unserved=0.005");
    }

    private static int replicas(String value) {
        try {
            int v = Integer.parseInt(value);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigurationException("SLO min-replicas was '" + value + "' but it must be a whole number of replicas, 0 or more, "
                + "e.g. min-replicas=2");
    }

    /** Every constraint {@code summary} breaks, empty when it meets them all. {@code min-replicas} bounds the search instead. */
    public List<SloViolation> check(SimulationSummary summary) {
        List<SloViolation> broken = new ArrayList<>();
        double share = summary.unservedFraction();
        if (share > maxUnservedShare + 1e-12) {
            broken.add(new SloViolation("max-unserved", percent(maxUnservedShare), percent(share),
                    maxUnservedShare == 0 ? Double.POSITIVE_INFINITY : share / maxUnservedShare - 1));
        }
        maxOverCapacity.ifPresent(limit -> {
            double seconds = summary.secondsOverCapacity();
            double allowed = limit.toMillis() / 1000.0;
            if (seconds > allowed + 1e-9) {
                broken.add(new SloViolation("max-over-capacity", seconds(allowed), seconds(seconds),
                        allowed == 0 ? Double.POSITIVE_INFINITY : seconds / allowed - 1));
            }
        });
        maxCatchUp.ifPresent(limit -> {
            double allowed = limit.toMillis() / 1000.0;
            double worst = summary.worstSecondsToCapacity().orElse(0);
            long never = summary.stepsNeverCaughtUp();
            if (never > 0) {
                // capacity never caught up before the load fell back or the trace ended: too slow, however long that was
                broken.add(new SloViolation("max-catch-up", seconds(allowed), "never (" + never + (never == 1 ? " rise)" : " rises)"),
                        1 + never));
            } else if (worst > allowed + 1e-9) {
                broken.add(new SloViolation("max-catch-up", seconds(allowed), seconds(worst),
                        allowed == 0 ? Double.POSITIVE_INFINITY : worst / allowed - 1));
            }
        });
        return broken;
    }

    /** {@code max-unserved=0.5%, max-over-capacity=5m, min-replicas=2}: what is set. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("max-unserved=").append(percent(maxUnservedShare));
        maxOverCapacity.ifPresent(d -> sb.append(", max-over-capacity=").append(seconds(d.toMillis() / 1000.0)));
        maxCatchUp.ifPresent(d -> sb.append(", max-catch-up=").append(seconds(d.toMillis() / 1000.0)));
        return sb.append(", min-replicas=").append(minReplicas).toString();
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * share);
    }

    static String seconds(double s) {
        long whole = Math.round(s);
        if (whole >= 60) {
            return whole % 60 == 0 ? whole / 60 + "m" : whole / 60 + "m" + whole % 60 + "s";
        }
        return whole + "s";
    }
}
