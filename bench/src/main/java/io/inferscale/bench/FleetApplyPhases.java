package io.inferscale.bench;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.FleetOptions;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * The two phases of issue 19's fleet apply, shared by the three fleet harnesses: one {@link Backend#applyAll} of the
 * whole fleet with concurrency {@code threads} (the backend's own pool; the phase's single "task" is the call, so its
 * "allocated by workers" column counts only the calling thread and is not comparable with the per-endpoint phases), then
 * the same again unchanged, which must change nothing.
 */
public final class FleetApplyPhases {

    private FleetApplyPhases() {
    }

    /** A pair of a harness's phases over a fleet; {@code applyAll} selects InferScale's applyAll pair. */
    @FunctionalInterface
    public interface Pair {
        /** Runs the pair. */
        List<Phase.Result> run(List<InferenceEndpoint> fleet, int threads, boolean applyAll) throws Exception;
    }

    /**
     * The groups the harness's 4th argument names, comma-separated ({@code baseline,apply,applyAll} when absent): the
     * baseline, InferScale's apply per endpoint ({@code inferscale} without applyAll) and its applyAll.
     */
    public static List<Phase.Group> groups(String[] args, List<InferenceEndpoint> fleet, int threads, Pair baseline, Pair inferscale) {
        List<String> names = List.of((args.length > 3 ? args[3] : "baseline,apply,applyAll").split(","));
        return names.stream().<Phase.Group>map(name -> switch (name) {
            case "baseline" -> () -> baseline.run(fleet, threads, false);
            case "apply" -> () -> inferscale.run(fleet, threads, false);
            case "applyAll" -> () -> inferscale.run(fleet, threads, true);
            default -> throw new IllegalArgumentException("groups: unknown '" + name + "'; use baseline, apply, applyAll");
        }).toList();
    }

    /** The first applyAll and the no-op one, measured with the harness's counters (connections may be null). */
    public static List<Phase.Result> applyAllTwice(Backend backend, List<InferenceEndpoint> fleet, int threads, LongSupplier requests,
                                                   LongSupplier writes, LongSupplier connections) {
        FleetOptions options = new FleetOptions(threads);
        Phase.Result first = Phase.run("InferScale applyAll", 1, 1, i -> backend.applyAll(fleet, options).orThrow(),
                requests, writes, connections);
        Phase.Result again = Phase.run("InferScale applyAll again (no-op)", 1, 1, i -> {
            if (backend.applyAll(fleet, options).orThrow().values().stream().anyMatch(ApplyResult::changed)) {
                throw new AssertionError("the no-op applyAll changed something");
            }
        }, requests, writes, connections);
        return List.of(first, again);
    }
}
