package io.inferscale.simulator.tune;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.simulation.AutoscalerModelProvider;
import io.inferscale.api.simulation.TuningKnob;
import io.inferscale.simulator.CostEstimate;
import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.SimulationSummary;
import io.inferscale.simulator.trace.LoadTrace;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** One backend's search (see {@link Tuner} for the method). */
final class TuningSearch {

    /** Rounds of midpoint refinement after the coarse grid. */
    private static final int REFINEMENT_ROUNDS = 2;
    /** At most this many minReplicas candidates; more are thinned evenly. */
    private static final int MAX_MIN_CANDIDATES = 16;

    /** A setting of the searched knobs ({@code null}: as in the spec) and replica bounds, with its tuning run. */
    record Outcome(String key, BigDecimal[] values, int min, int max, SimulationSummary summary, double objective,
                   List<SloViolation> violations, int changes) {
        boolean feasible() {
            return violations.isEmpty();
        }

        double totalExcess() {
            double sum = 0;
            for (SloViolation v : violations) {
                sum += v.excess();
            }
            return sum;
        }
    }

    private static final Comparator<Outcome> CHEAPEST = Comparator.comparingDouble(Outcome::objective)
            .thenComparingDouble(o -> o.summary().unservedFraction())
            .thenComparingInt(o -> o.summary().scaleUps() + o.summary().scaleDowns())
            .thenComparingInt(Outcome::changes)
            .thenComparing(Outcome::key);
    private static final Comparator<Outcome> CLOSEST = Comparator.comparingDouble(Outcome::totalExcess)
            .thenComparing(CHEAPEST);

    private final Tuner tuner;
    private final AutoscalerModelProvider provider;
    private final ExecutorService pool;
    private final InferenceEndpoint base;
    private final LoadTrace tuningTrace;
    private final ServiceLevelObjective slo;
    private final ConcurrentHashMap<String, Outcome> memo = new ConcurrentHashMap<>();
    private final AtomicInteger simulations = new AtomicInteger();
    /** Settings being simulated right now: a second thread asking for one waits for it instead of simulating it again. */
    private final ConcurrentHashMap<String, java.util.concurrent.CompletableFuture<Outcome>> inFlight = new ConcurrentHashMap<>();

    private List<TuningKnob> knobs;
    private List<TuningKnob> searched;
    private BigDecimal[] currentValues;
    private int[] minCandidates;
    private int keptMax = -1;
    private int maxHi;
    private double unitCost;
    private double tuningHours;

    private Outcome best;
    private Outcome closest;
    private volatile double bestObjective = Double.POSITIVE_INFINITY;

    /** A search around {@code base}: the spec, or the spec on another instance type or with another target type. */
    TuningSearch(Tuner tuner, AutoscalerModelProvider provider, ExecutorService pool, InferenceEndpoint base) {
        this.tuner = tuner;
        this.provider = provider;
        this.pool = pool;
        this.base = base;
        this.tuningTrace = tuner.tuningTrace();
        this.slo = tuner.slo();
    }

    TuneResult run() {
        knobs = provider.tuningKnobs(base, tuner.profile());
        requireKnownKeep();
        TuningEvaluation current = tuner.evaluate(provider, base);
        Optional<CostEstimate> cost = current.tuning().cost();
        unitCost = cost.map(c -> c.price().usdPerHour()).orElse(1.0);
        tuningHours = tuningTrace.durationMillis() / 3_600_000.0;
        double capacity = current.tuning().capacityPerReplica();
        int needed = replicasFor(tuningTrace.peakRps(), capacity);
        int baselineReplicas = replicasFor(tuner.trace().peakRps(), capacity);
        TuningEvaluation baseline = tuner.evaluate(provider, withReplicas(base, baselineReplicas, baselineReplicas));

        boolean keepMin = tuner.kept().contains(TuningKnob.minReplicas().name());
        boolean keepMax = tuner.kept().contains(TuningKnob.maxReplicas().name());
        int floor = Math.max(slo.minReplicas(), base.autoscaling().scaleToZero().isPresent() ? 0 : 1);
        int highestMin = Math.max(floor, needed);
        minCandidates = keepMin ? new int[] {base.autoscaling().minReplicas()} : spread(floor, highestMin);
        if (keepMax) {
            keptMax = base.autoscaling().maxReplicas();
        }
        maxHi = Math.max(Math.max(base.autoscaling().maxReplicas(), 2 * needed + 2), highestMin);

        searched = new ArrayList<>();
        for (TuningKnob k : knobs) {
            if ((k.kind() == TuningKnob.Kind.TARGET || k.kind() == TuningKnob.Kind.WINDOW) && !tuner.kept().contains(k.name())
                    && !k.candidates().isEmpty()) {
                searched.add(k);
            }
        }
        int n = searched.size();
        currentValues = new BigDecimal[n];
        List<TreeSet<BigDecimal>> triedValues = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            currentValues[i] = searched.get(i).read(base).orElse(null);
            TreeSet<BigDecimal> values = new TreeSet<>(searched.get(i).candidates());
            if (currentValues[i] != null) {
                values.add(currentValues[i]);
            }
            triedValues.add(values);
        }

        // coarse grid, plus the spec's own values
        List<BigDecimal[]> combos = new ArrayList<>();
        product(0, new BigDecimal[n], combos);
        combos.add(currentValues.clone());
        evaluateAll(combos);

        // refinement: midpoints towards each neighbour of the best value, twice
        for (int round = 0; round < REFINEMENT_ROUNDS && n > 0; round++) {
            Outcome around = best != null ? best : closest;
            if (around == null) {
                break;
            }
            List<List<BigDecimal>> axes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                axes.add(refine(searched.get(i), around.values()[i], triedValues.get(i)));
            }
            List<BigDecimal[]> fine = new ArrayList<>();
            cartesian(axes, 0, new BigDecimal[n], fine);
            evaluateAll(fine);
        }

        Optional<TuningEvaluation> recommendation = Optional.ofNullable(best).map(o -> tuner.evaluate(provider, endpoint(o)));
        Optional<TuningEvaluation> nearest = best != null || closest == null ? Optional.empty()
                : Optional.of(tuner.evaluate(provider, endpoint(closest)));
        List<TriedCandidate> tried = memo.values().stream().sorted(CHEAPEST).map(this::tried).toList();
        long split = tuner.holdoutStartMillis();
        return new TuneResult(provider.backendId(), cost.isPresent(), slo, knobs, tuner.kept(), current, baseline, baselineReplicas,
                recommendation, nearest, tried, simulations.get(), java.time.Duration.ofMillis(split),
                java.time.Duration.ofMillis(tuner.trace().durationMillis() - split), Optional.empty(), Optional.empty());
    }

    private void requireKnownKeep() {
        List<String> names = new ArrayList<>(knobs.stream().map(TuningKnob::name).toList());
        names.add(Tuner.KEEP_TARGET_TYPE);
        for (String k : tuner.kept()) {
            if (!names.contains(k)) {
                throw new ConfigurationException("--keep " + k + ": backend '" + provider.backendId() + "' has no such setting to tune"
                        + io.inferscale.api.validation.Suggestions.closest(k, names).map(s -> "; did you mean '" + s + "'?").orElse("")
                        + " Its settings: " + String.join(", ", names));
            }
        }
    }

    static int replicasFor(double rps, double capacityPerReplica) {
        return Math.max(1, (int) Math.ceil(rps / capacityPerReplica - 1e-9));
    }

    /** {@code from..to}, every value when few, else {@value #MAX_MIN_CANDIDATES} spread evenly (ends included). */
    static int[] spread(int from, int to) {
        int count = to - from + 1;
        if (count <= MAX_MIN_CANDIDATES) {
            int[] all = new int[count];
            for (int i = 0; i < count; i++) {
                all[i] = from + i;
            }
            return all;
        }
        TreeSet<Integer> picked = new TreeSet<>();
        for (int i = 0; i < MAX_MIN_CANDIDATES; i++) {
            picked.add(from + (int) Math.round((double) i * (to - from) / (MAX_MIN_CANDIDATES - 1)));
        }
        return picked.stream().mapToInt(Integer::intValue).toArray();
    }

    private void product(int i, BigDecimal[] values, List<BigDecimal[]> out) {
        List<List<BigDecimal>> axes = searched.stream().map(TuningKnob::candidates).toList();
        cartesian(axes, i, values, out);
    }

    private static void cartesian(List<List<BigDecimal>> axes, int i, BigDecimal[] values, List<BigDecimal[]> out) {
        if (i == axes.size()) {
            out.add(values.clone());
            return;
        }
        for (BigDecimal v : axes.get(i)) {
            values[i] = v;
            cartesian(axes, i + 1, values, out);
        }
    }

    /** {@code best} and the midpoints towards its nearest tried neighbours (rounded to the knob's scale), each once. */
    private static List<BigDecimal> refine(TuningKnob knob, BigDecimal best, TreeSet<BigDecimal> tried) {
        List<BigDecimal> axis = new ArrayList<>();
        axis.add(best);
        if (best == null) {
            return axis;
        }
        for (BigDecimal neighbour : new BigDecimal[] {tried.lower(best), tried.higher(best)}) {
            if (neighbour != null) {
                BigDecimal mid = best.add(neighbour).divide(BigDecimal.valueOf(2)).setScale(knob.scale(), RoundingMode.HALF_UP);
                if (mid.compareTo(best) != 0 && mid.compareTo(neighbour) != 0 && tried.add(mid)) {
                    axis.add(mid);
                }
            }
        }
        return axis;
    }

    private void evaluateAll(List<BigDecimal[]> combos) {
        List<Callable<Void>> tasks = new ArrayList<>();
        for (BigDecimal[] combo : combos) {
            tasks.add(() -> {
                searchReplicas(combo);
                return null;
            });
        }
        try {
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("tuning interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** For one setting of the other knobs: each minReplicas (pruned by its cost floor), the smallest maxReplicas meeting the SLO. */
    private void searchReplicas(BigDecimal[] values) {
        for (int min : minCandidates) {
            if (min * tuningHours * unitCost > bestObjective * (1 + 1e-12)) {
                break; // min replicas alone cost more than the best found; higher mins cost more still
            }
            if (keptMax >= 0) {
                if (keptMax >= Math.max(min, 1)) {
                    offer(outcome(values, min, keptMax));
                }
                continue;
            }
            Outcome top = outcome(values, min, maxHi);
            if (!top.feasible()) {
                offer(top);
                continue; // no max meets the SLO with this min (more max never helps beyond maxHi's share)
            }
            int lo = Math.max(min, 1);
            int hi = maxHi;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                Outcome o = outcome(values, min, mid);
                if (o.feasible()) {
                    hi = mid;
                    top = o;
                } else {
                    offer(o);
                    lo = mid + 1;
                }
            }
            offer(top);
        }
    }

    private synchronized void offer(Outcome o) {
        if (o.feasible()) {
            if (best == null || CHEAPEST.compare(o, best) < 0) {
                best = o;
                bestObjective = o.objective();
            }
        } else if (best == null && (closest == null || CLOSEST.compare(o, closest) < 0)) {
            closest = o;
        }
    }

    private Outcome outcome(BigDecimal[] values, int min, int max) {
        String key = key(values, min, max);
        Outcome known = memo.get(key);
        if (known != null) {
            return known;
        }
        java.util.concurrent.CompletableFuture<Outcome> mine = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Outcome> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return running.join(); // its owner is simulating it and waits on nothing: no deadlock
        }
        try {
            known = memo.get(key); // finished between the first look and taking the key
            if (known != null) {
                mine.complete(known);
                return known;
            }
            InferenceEndpoint spec = endpoint(values, min, max);
            SimulationResult run = tuner.simulation(spec, tuningTrace).run(provider);
            simulations.incrementAndGet();
            SimulationSummary s = run.summary();
            Outcome o = new Outcome(key, values.clone(), min, max, s, TuningEvaluation.objective(s, run.cost()), slo.check(s),
                    changes(values, min, max));
            memo.put(key, o);
            mine.complete(o);
            return o;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private int changes(BigDecimal[] values, int min, int max) {
        int c = (min != base.autoscaling().minReplicas() ? 1 : 0) + (max != base.autoscaling().maxReplicas() ? 1 : 0);
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null && (currentValues[i] == null || values[i].compareTo(currentValues[i]) != 0)) {
                c++;
            }
        }
        return c;
    }

    private String key(BigDecimal[] values, int min, int max) {
        StringBuilder sb = new StringBuilder().append(min).append('/').append(max);
        for (BigDecimal v : values) {
            sb.append('/').append(v == null ? "-" : v.stripTrailingZeros().toPlainString());
        }
        return sb.toString();
    }

    private InferenceEndpoint endpoint(Outcome o) {
        return endpoint(o.values(), o.min(), o.max());
    }

    private InferenceEndpoint endpoint(BigDecimal[] values, int min, int max) {
        InferenceEndpoint e = base;
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                e = searched.get(i).apply(e, values[i]);
            }
        }
        return withReplicas(e, min, max);
    }

    private static InferenceEndpoint withReplicas(InferenceEndpoint e, int min, int max) {
        return e.toBuilder().autoscaling(e.autoscaling().toBuilder().minReplicas(min).maxReplicas(max).build()).build();
    }

    private TriedCandidate tried(Outcome o) {
        Map<String, BigDecimal> settings = new LinkedHashMap<>();
        settings.put(TuningKnob.minReplicas().name(), BigDecimal.valueOf(o.min()));
        settings.put(TuningKnob.maxReplicas().name(), BigDecimal.valueOf(o.max()));
        for (int i = 0; i < o.values().length; i++) {
            if (o.values()[i] != null) {
                settings.put(searched.get(i).name(), o.values()[i]);
            }
        }
        SimulationSummary s = o.summary();
        return new TriedCandidate(settings, o.objective(), s.unservedFraction(), s.secondsOverCapacity(), s.scaleUps() + s.scaleDowns(),
                o.feasible());
    }

    @Override
    public String toString() {
        return "TuningSearch{" + provider.backendId() + ", simulations=" + simulations + ", best=" + Objects.toString(best) + "}";
    }

    /**
     * The searches of one backend: the spec's own machine and target type first, then the {@link Tuner#instanceTypes
     * instance types} this backend catalogues, then, when none of those met the SLO, the {@link
     * AutoscalerModelProvider#targetTypeCandidates target types} the backend scales on natively, on every machine. The
     * cheapest setting that meets the SLO wins; when none does, the result is the spec's own search (its closest setting).
     */
    static final class TypeSearch {

        /** One machine to search on: the spec's own ({@code type} empty) or another type with the capacity given for it. */
        private record Machine(Optional<String> type, double capacity, Tuner tuner, InferenceEndpoint spec) {
        }

        private TypeSearch() {
        }

        static TuneResult run(Tuner tuner, AutoscalerModelProvider provider, ExecutorService pool) {
            InferenceEndpoint endpoint = tuner.endpoint();
            TuneResult own = new TuningSearch(tuner, provider, pool, endpoint).run();
            List<TuneResult> runs = new ArrayList<>(List.of(own));
            List<Machine> machines = new ArrayList<>(List.of(new Machine(Optional.empty(), tuner.profile().rpsAtFullCpu(), tuner, endpoint)));
            Optional<TuningKnob.InstanceTypes> choice = provider.instanceTypes(tuner.settings());
            String ownType = choice.flatMap(c -> c.read(endpoint))
                    .or(() -> own.current().tuning().cost().map(c -> c.price().machine())).orElse("(the backend's choice)");
            if (choice.isPresent() && !tuner.instanceTypeCapacities().isEmpty()) {
                if (!own.priced()) {
                    throw new ConfigurationException("--instance-types: backend '" + provider.backendId() + "' has no price for the spec's "
                            + "own machine (" + ownType + "), so other types cannot be compared with it; give one with --setting "
                            + provider.backendId() + ".price." + ownType + "=USD");
                }
                machines.addAll(otherMachines(tuner, provider, choice.get(), ownType));
            }
            TuneResult best = own.recommendation().isPresent() ? own : null;
            Machine bestMachine = machines.get(0);
            for (Machine m : machines.subList(1, machines.size())) {
                TuneResult r = new TuningSearch(m.tuner(), provider, pool, m.spec()).run();
                if (!r.priced()) {
                    throw new ConfigurationException("--instance-types " + m.type().orElseThrow() + ": backend '" + provider.backendId()
                            + "' has no price for it in the region priced; give one with --setting " + provider.backendId() + ".price."
                            + m.type().orElseThrow() + "=USD");
                }
                runs.add(r);
                if (cheaper(r, best)) {
                    best = r;
                    bestMachine = m;
                }
            }
            Optional<TuneResult.TargetTypeChange> change = Optional.empty();
            Optional<String> notEnough = ownTypeNotEnough(tuner, runs);
            if (notEnough.isPresent() && mayRetarget(tuner)) {
                java.util.Set<io.inferscale.api.TargetType> ownTypes = new java.util.HashSet<>();
                endpoint.autoscaling().targets().forEach(t -> ownTypes.add(t.type()));
                for (TuningKnob.TargetTypeCandidate c : provider.targetTypeCandidates(endpoint)) {
                    if (ownTypes.contains(c.type())) {
                        continue;
                    }
                    for (Machine m : machines) {
                        TuneResult r = new TuningSearch(m.tuner(), provider, pool, retarget(m.spec(), c.type(), m.tuner().profile())).run();
                        runs.add(r);
                        if (cheaper(r, best)) {
                            best = r;
                            bestMachine = m;
                            change = Optional.of(new TuneResult.TargetTypeChange(
                                    endpoint.autoscaling().targets().stream().map(t -> t.type().field()).toList(), c.type(),
                                    notEnough.get(), c.nativeMetric()));
                        }
                    }
                }
            }
            if (runs.size() == 1) {
                return own;
            }
            TuneResult chosen = best != null ? best : own;
            List<TriedCandidate> tried = runs.stream().flatMap(r -> r.tried().stream())
                    .sorted(Comparator.comparingDouble(TriedCandidate::objective).thenComparingDouble(TriedCandidate::unservedShare))
                    .toList();
            int simulations = runs.stream().mapToInt(TuneResult::simulations).sum();
            Machine on = bestMachine;
            Optional<TuneResult.InstanceTypeChange> instanceType = on.type()
                    .map(t -> new TuneResult.InstanceTypeChange(choice.orElseThrow().path(), ownType, t, on.capacity()));
            return new TuneResult(chosen.backendId(), chosen.priced(), chosen.slo(), chosen.knobs(), chosen.kept(), own.current(),
                    own.baseline(), own.baselineReplicas(), chosen.recommendation(), chosen.closest(), tried, simulations,
                    chosen.tuningPart(), chosen.holdoutPart(), change, instanceType);
        }

        /**
         * Why the spec's own target type is not enough on any machine searched: no setting of it met the SLO, or each that did
         * kept {@code minReplicas} at what the tuning part's peak needs (a static fleet). Empty when one met it by scaling.
         */
        private static Optional<String> ownTypeNotEnough(Tuner tuner, List<TuneResult> ownRuns) {
            String fields = tuner.endpoint().autoscaling().targets().isEmpty() ? "the spec's targets"
                    : String.join(", ", tuner.endpoint().autoscaling().targets().stream().map(t -> t.type().field()).toList());
            String reason = null;
            for (int i = 0; i < ownRuns.size(); i++) {
                TuneResult r = ownRuns.get(i);
                if (r.recommendation().isEmpty()) {
                    if (reason == null) {
                        reason = "no value of " + fields + " meets the SLO (the closest misses "
                                + String.join(", ", r.best().tuningViolations().stream().map(SloViolation::toString).toList()) + ")";
                    }
                    continue;
                }
                TuningEvaluation rec = r.recommendation().get();
                int needed = replicasFor(tuner.tuningTrace().peakRps(), rec.tuning().capacityPerReplica());
                int min = rec.endpoint().autoscaling().minReplicas();
                if (min < needed || needed <= Math.max(1, tuner.slo().minReplicas())) {
                    return Optional.empty(); // it scales, or the floor alone serves the peak
                }
                if (i == 0 || reason == null) {
                    reason = fields + " meets the SLO only with minReplicas " + min + ", what the peak needs (" + needed
                            + " replicas): a static fleet; the target does not scale it up in time on this trace";
                }
            }
            return Optional.ofNullable(reason);
        }

        /** Whether {@code r} meets the SLO for less than {@code best} (or {@code best} is null). */
        private static boolean cheaper(TuneResult r, TuneResult best) {
            return r.recommendation().isPresent() && (best == null
                    || r.recommendation().get().objective() < best.recommendation().orElseThrow().objective() - 1e-12);
        }

        /** The target type may change unless {@code --keep} names it or a target the spec uses. */
        private static boolean mayRetarget(Tuner tuner) {
            if (tuner.kept().contains(Tuner.KEEP_TARGET_TYPE)) {
                return false;
            }
            return tuner.endpoint().autoscaling().targets().stream().noneMatch(t -> tuner.kept().contains(t.type().field()));
        }

        /** {@code spec} scaling on {@code type} alone, starting at the middle of its coarse candidates. */
        static InferenceEndpoint retarget(InferenceEndpoint spec, io.inferscale.api.TargetType type, io.inferscale.api.simulation.ReplicaProfile profile) {
            List<BigDecimal> candidates = TuningKnob.target(type, profile).candidates();
            BigDecimal start = candidates.get(candidates.size() / 2);
            return spec.toBuilder().autoscaling(spec.autoscaling().toBuilder().targets(List.of()).target(type, start).build()).build();
        }

        /** The requested types this backend catalogues, other than the spec's own, each checked on the backend. */
        private static List<Machine> otherMachines(Tuner tuner, AutoscalerModelProvider provider, TuningKnob.InstanceTypes choice,
                                                   String ownType) {
            List<Machine> machines = new ArrayList<>();
            for (Map.Entry<String, Double> e : tuner.instanceTypeCapacities().entrySet()) {
                String type = e.getKey();
                if (!choice.types().contains(type) || type.equals(ownType)) {
                    continue;
                }
                InferenceEndpoint spec = choice.apply(tuner.endpoint(), type);
                List<io.inferscale.api.validation.Problem> refused = tuner.introducedErrors(provider.backendId(), spec);
                if (!refused.isEmpty()) {
                    throw new ConfigurationException("--instance-types " + type + ": backend '" + provider.backendId()
                            + "' refuses it for this endpoint: " + String.join("; ", refused.stream().map(p -> p.path() + ": " + p.message()).toList())
                            + "; leave it out of --instance-types");
                }
                machines.add(new Machine(Optional.of(type), e.getValue(), tuner.profile(Tuner.withCapacity(tuner.profile(), e.getValue())), spec));
            }
            return machines;
        }
    }
}
