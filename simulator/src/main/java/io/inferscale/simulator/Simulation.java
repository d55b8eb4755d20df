package io.inferscale.simulator;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.Quantity;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.AutoscalerModelProvider;
import io.inferscale.api.simulation.AutoscalerModels;
import io.inferscale.api.simulation.ModelContext;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.simulator.trace.LoadTrace;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Simulates how a backend's autoscaler would size one endpoint under a load trace.
 *
 * <pre>{@code
 * SimulationResult hpa = Simulation.of(endpoint)
 *         .trace(LoadTrace.read(Path.of("traffic.csv")))
 *         .profile(ReplicaProfile.builder(25).startup(Duration.ofSeconds(45)).build())
 *         .step(Duration.ofSeconds(15))
 *         .run("kubernetes");
 * System.out.println(hpa.summary());
 * List<SimulationResult> all = Simulation.of(endpoint).trace(trace).profile(profile)
 *         .compare(List.of("kubernetes", "sagemaker", "vertex"));
 * HtmlReport.write(all, Path.of("report.html"));
 * }</pre>
 *
 * <p><b>Time.</b> Output is sampled every {@link #step(Duration) step} (15 s by default), but the engine moves
 * from event to event: trace changes, replicas becoming ready, the model's decisions (whatever their period)
 * and output ticks all happen at their exact millisecond, so a 60 s step does not delay a 15 s sync period
 * or a 45 s startup. Between events everything is constant; totals (replica-hours, seconds and requests over
 * capacity) are integrated exactly over those intervals.
 *
 * <p><b>Capacity.</b> One ready replica serves {@link ReplicaProfile#rpsAtFullCpu()} requests per second, and
 * more only when the profile asks it to burst to the endpoint's CPU limit ({@link ReplicaProfile#burstToLimit()},
 * refused for an endpoint with accelerators). Demand above the ready replicas' capacity is unserved.
 *
 * <p><b>Start-up.</b> The time from a scale-up decision to a ready replica is, in order of precedence: the model
 * setting {@code <backend id>.startup} (a duration such as {@code 6m}, honoured for every backend, see
 * {@link #settings(ModelSettings)}), else the profile's {@link ReplicaProfile#startup()} (one value for every
 * backend), else the backend's typical value ({@link AutoscalerModelProvider#defaultStartup()}).
 *
 * <p><b>Assumptions.</b> Every result lists what it depends on, each with its source
 * ({@link SimulationResult#assumptions()}): the start-up that applied and which of the three set it, the
 * effective replica capacity and whether it bursts, then the model's own metrics, targets and constants.
 *
 * <p><b>Replicas.</b> The run starts with {@link #initialReplicas(int)} long-running ready replicas (default
 * {@code max(1, minReplicas)}). A scale-up creates replicas that become ready after the startup time
 * (see Start-up above); a scale-down removes the newest replicas
 * first, so replicas still starting go before ready ones (as the ReplicaSet controller and the clouds do).
 * Metrics come from the ready replicas only ({@link ReplicaProfile} explains each).
 *
 * <p><b>Cost of a run.</b> Arrays for the output are allocated once per run; the loop itself allocates nothing
 * (except one small record per load step that capacity could not absorb). Instances are immutable: each
 * setter returns a copy.
 */
public final class Simulation {

    /** The default output step: 15 seconds, the Kubernetes HPA sync period. */
    public static final Duration DEFAULT_STEP = Duration.ofSeconds(15);

    private final InferenceEndpoint endpoint;
    private final LoadTrace trace;
    private final ReplicaProfile profile;
    private final Duration step;
    private final Integer initialReplicas;
    private final ModelSettings settings;
    private final boolean floorBaseline;

    private Simulation(InferenceEndpoint endpoint, LoadTrace trace, ReplicaProfile profile, Duration step,
                       Integer initialReplicas, ModelSettings settings, boolean floorBaseline) {
        this.floorBaseline = floorBaseline;
        this.endpoint = endpoint;
        this.trace = trace;
        this.profile = profile;
        this.step = step;
        this.initialReplicas = initialReplicas;
        this.settings = settings;
    }

    /** A simulation of the given endpoint; a trace and a profile must be set before running. */
    public static Simulation of(InferenceEndpoint endpoint) {
        return new Simulation(Objects.requireNonNull(endpoint, "endpoint"), null, null, DEFAULT_STEP, null, ModelSettings.empty(), true);
    }

    /** The load to simulate. */
    public Simulation trace(LoadTrace trace) {
        return new Simulation(endpoint, Objects.requireNonNull(trace, "trace"), profile, step, initialReplicas, settings, floorBaseline);
    }

    /** How one replica behaves under load. */
    public Simulation profile(ReplicaProfile profile) {
        return new Simulation(endpoint, trace, Objects.requireNonNull(profile, "profile"), step, initialReplicas, settings, floorBaseline);
    }

    /**
     * The output step (default 15 s); at least 1 ms. Only sampling changes: decisions and readiness keep their own times.
     *
     * @throws IllegalArgumentException for a step under 1 ms
     */
    public Simulation step(Duration step) {
        Objects.requireNonNull(step, "step");
        if (step.toMillis() < 1) {
            throw new IllegalArgumentException("step was " + step + " but it must be at least 1 ms");
        }
        return new Simulation(endpoint, trace, profile, step, initialReplicas, settings, floorBaseline);
    }

    /**
     * Ready replicas at the start (default {@code max(1, minReplicas)}); 0 or more.
     *
     * @throws IllegalArgumentException for a negative count
     */
    public Simulation initialReplicas(int replicas) {
        if (replicas < 0) {
            throw new IllegalArgumentException("initialReplicas was " + replicas + " but it must be 0 or more");
        }
        return new Simulation(endpoint, trace, profile, step, replicas, settings, floorBaseline);
    }

    /**
     * Overrides of the models' constants (see each {@link AutoscalerModelProvider}), plus {@code <backend id>.startup}
     * for every backend: that backend's start-up time, a duration such as {@code 90s} or {@code 6m}, which takes
     * precedence over {@link ReplicaProfile#startup()}.
     */
    public Simulation settings(ModelSettings settings) {
        return new Simulation(endpoint, trace, profile, step, initialReplicas, Objects.requireNonNull(settings, "settings"), floorBaseline);
    }

    /**
     * Whether a run of an endpoint that scales to zero ({@code spec.autoscaling.scaleToZero} or {@code minReplicas: 0}) also
     * simulates the same policy with a floor of 1 replica and no scale to zero, on the same trace, model, settings and
     * startup, for {@link SimulationSummary#floorReplicaHours()} (the idle replica-hours and cost saved). Default {@code true};
     * it doubles the work of such a run, so a search (the tuner) turns it off. Only {@link #run(AutoscalerModelProvider)} and
     * {@link #run(String)} simulate the baseline (an explicit model has no provider to build a second one from).
     */
    public Simulation floorBaseline(boolean simulate) {
        return new Simulation(endpoint, trace, profile, step, initialReplicas, settings, simulate);
    }

    /** The endpoint. */
    public InferenceEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Runs with the model of the given backend, found by {@link AutoscalerModels#discover()}.
     *
     * @throws io.inferscale.api.DiscoveryException when no model for that backend is on the class path
     * @throws IllegalStateException                when the trace or profile is missing
     */
    public SimulationResult run(String backendId) {
        return run(AutoscalerModels.discover().model(backendId));
    }

    /**
     * Runs with a model from the given provider; settings are checked against its {@link AutoscalerModelProvider#settingKeys()}
     * and {@code <backend id>.startup}. The endpoint is simulated as that backend runs it: with its per-backend overrides
     * ({@link io.inferscale.api.backend.BackendOverrides}, e.g. {@code spec.backends.<id>.behavior}) applied.
     *
     * @throws IllegalStateException                    when the trace or profile is missing
     * @throws io.inferscale.api.ConfigurationException when a setting is unknown or invalid, or the profile bursts
     *                                                  an endpoint with accelerators
     * @throws io.inferscale.api.InvalidEndpointException when an override of the provider's backend is malformed
     */
    public SimulationResult run(AutoscalerModelProvider provider) {
        // the backend runs the endpoint with its overrides (spec.backends.<id>.behavior, ...) applied: so does its model
        InferenceEndpoint effective = io.inferscale.api.backend.BackendOverrides.apply(endpoint, provider.backendId());
        return effective == endpoint ? runAsGiven(provider)
                : new Simulation(effective, trace, profile, step, initialReplicas, settings, floorBaseline).runAsGiven(provider);
    }

    private SimulationResult runAsGiven(AutoscalerModelProvider provider) {
        requireReady();
        String id = provider.backendId();
        String startupKey = startupKey(id);
        ModelSettings own = settingsFor(provider);
        Set<String> known = new HashSet<>(provider.settingKeys());
        known.add(startupKey);
        own.requireKnownKeys(id, known, provider.settingKeyPrefixes());
        Startup startup;
        if (own.get(startupKey).isPresent()) {
            startup = new Startup(own.getDuration(startupKey, Duration.ZERO),
                    "set for " + id + " (--startup " + id + "=DURATION or --setting " + startupKey + "=DURATION)");
        } else {
            startup = profileStartup().orElseGet(() -> new Startup(provider.defaultStartup(), provider.defaultStartupSource()));
        }
        ModelContext context = new ModelContext(endpoint, own.without(startupKey));
        AutoscalerModel model = provider.create(context);
        SimulationResult result = run(model, startup);
        if (floorBaseline && scalesToZero(endpoint)) {
            result = withFloorBaseline(result, provider, context.settings(), startup);
        }
        return provider.price(context).map(result::withPrice).orElse(result);
    }

    /** True when the endpoint may scale to zero replicas. */
    static boolean scalesToZero(InferenceEndpoint e) {
        return e.autoscaling().scaleToZero().isPresent() || e.autoscaling().minReplicas() == 0;
    }

    /** The same endpoint with a floor of 1 replica and without {@code scaleToZero}: the baseline of the idle saving. */
    static InferenceEndpoint floorOfOne(InferenceEndpoint e) {
        return e.toBuilder().autoscaling(e.autoscaling().toBuilder().minReplicas(Math.max(1, e.autoscaling().minReplicas()))
                .scaleToZero(null).build()).build();
    }

    /** {@code result} with the replica-hours of the floor-1 baseline, simulated with a second model from the same provider. */
    private SimulationResult withFloorBaseline(SimulationResult result, AutoscalerModelProvider provider, ModelSettings modelSettings,
                                               Startup startup) {
        InferenceEndpoint floor = floorOfOne(endpoint);
        AutoscalerModel floorModel;
        try {
            floorModel = provider.create(new ModelContext(floor, modelSettings));
        } catch (ConfigurationException e) {
            return result.withFloorBaseline(Double.NaN, new Assumption("idle saving baseline", "not simulated",
                    "the " + provider.backendId() + " model refuses the endpoint with minReplicas 1 and no scaleToZero: " + e.getMessage()));
        }
        Integer initial = initialReplicas == null ? null : Math.max(1, initialReplicas);
        SimulationSummary base = new Simulation(floor, trace, profile, step, initial, settings, false).run(floorModel, startup).summary();
        return result.withFloorBaseline(base.replicaHours(), new Assumption("idle saving baseline",
                Decimals.format(base.replicaHours()) + " replica-hours with minReplicas " + floor.autoscaling().minReplicas()
                        + " and no scaleToZero (saved: " + Decimals.format(base.replicaHours() - result.summary().replicaHours()) + ")",
                "the same policy, trace, model, settings and startup, simulated again with a floor of 1 replica"));
    }

    /** The setting giving one backend's start-up time: {@code <backendId>.startup}. */
    public static String startupKey(String backendId) {
        return backendId + ".startup";
    }

    /**
     * Runs with an explicitly built model.
     *
     * @param model   a fresh model (models are stateful: one per run)
     * @param startup the startup time to use when the profile gives none
     */
    public SimulationResult run(AutoscalerModel model, Duration startup) {
        requireReady();
        Objects.requireNonNull(startup, "startup");
        return run(model, profileStartup().orElseGet(() -> new Startup(startup, "given to Simulation.run")));
    }

    private SimulationResult run(AutoscalerModel model, Startup startup) {
        requireReady();
        Objects.requireNonNull(model, "model");
        requireTokensFor(endpoint, trace);
        ReplicaCapacity capacity = ReplicaCapacity.of(endpoint, profile);
        List<Assumption> assumptions = new ArrayList<>();
        assumptions.add(new Assumption("startup", formatDuration(startup.time()), startup.source()));
        assumptions.add(capacity.assumption());
        return new Engine(this, model, startup.time().toMillis(), capacity.perReplica(), assumptions).run();
    }

    /**
     * A tokens-per-second target needs the generated tokens of each request: refuses a trace without them.
     *
     * @throws ConfigurationException naming the target field and the trace column to add
     */
    static void requireTokensFor(InferenceEndpoint endpoint, LoadTrace trace) {
        TargetType tokens = TargetType.TOKENS_PER_SECOND;
        if (endpoint.autoscaling().target(tokens).isPresent() && !trace.hasOutputTokens()) {
            throw new ConfigurationException(tokens.path() + " needs the generated tokens of each request, but the trace has no "
                    + "output-token column (one of " + String.join(", ", LoadTrace.OUTPUT_TOKEN_COLUMNS) + "; a rate trace such as "
                    + "time_s,rps carries none): simulate with a request log that has one, e.g. the Azure LLM inference trace's "
                    + "GeneratedTokens, naming another column with --trace-columns tokens_out=COLUMN, or use another target");
        }
    }

    /** The start-up time that applies to a run and which precedence level set it. */
    private record Startup(Duration time, String source) {
    }

    /** The profile's start-up for every backend, if it gives one. */
    private Optional<Startup> profileStartup() {
        return profile.startup().map(d -> new Startup(d, "set for every backend (--startup DURATION)"));
    }

    /** {@code 90s}, {@code 5m}, {@code 1m30s}, {@code 250ms}: the shortest exact form. */
    static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s >= 60 && s % 60 == 0) {
            return (s / 60) + "m";
        }
        return s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
    }

    /**
     * Runs the same spec on several backends, in the given order, each with its discovered model.
     *
     * @throws io.inferscale.api.DiscoveryException naming the first backend without a model
     */
    public List<SimulationResult> compare(List<String> backendIds) {
        AutoscalerModels found = AutoscalerModels.discover();
        List<AutoscalerModelProvider> providers = new ArrayList<>();
        for (String id : backendIds) {
            providers.add(found.model(id));
        }
        return compareProviders(providers);
    }

    /** Runs the same spec with each provider's model, in the given order. */
    public List<SimulationResult> compareProviders(List<AutoscalerModelProvider> providers) {
        List<SimulationResult> results = new ArrayList<>();
        for (AutoscalerModelProvider p : providers) {
            results.add(run(p));
        }
        return results;
    }

    /** Settings whose keys start with {@code backendId + "."} or have no prefix of another known backend. */
    private ModelSettings settingsFor(AutoscalerModelProvider provider) {
        String prefix = provider.backendId() + ".";
        return settings.select(k -> k.indexOf('.') < 0 || k.startsWith(prefix));
    }

    private void requireReady() {
        if (trace == null) {
            throw new IllegalStateException("no load trace: call trace(LoadTrace) before running");
        }
        if (profile == null) {
            throw new IllegalStateException("no replica profile: call profile(ReplicaProfile) before running");
        }
    }

    /** Percent of the CPU request a replica could reach by bursting: 100 × limit / request when the limit is higher, else 100. */
    static double cpuCeilingPercent(InferenceEndpoint endpoint) {
        Optional<Quantity> request = endpoint.resources().requests().cpu();
        Optional<Quantity> limit = endpoint.resources().limits().cpu();
        if (request.isPresent() && limit.isPresent() && request.get().value().signum() > 0
                && limit.get().value().compareTo(request.get().value()) > 0) {
            return limit.get().value().multiply(BigDecimal.valueOf(100)).divide(request.get().value(), MathContext.DECIMAL64)
                    .doubleValue();
        }
        return 100.0;
    }

    /**
     * What one ready replica serves, and why.
     *
     * @param perReplica requests per second
     * @param source     where it comes from, for the "replica capacity" assumption
     */
    record ReplicaCapacity(double perReplica, String source) {

        /**
         * The profile's capacity, grown to the CPU limit only when the profile asks to burst.
         *
         * @throws ConfigurationException when the profile asks to burst and the endpoint has accelerators
         */
        static ReplicaCapacity of(InferenceEndpoint endpoint, ReplicaProfile profile) {
            double rps = profile.rpsAtFullCpu();
            String given = "the replica profile (--replica-capacity)";
            if (!profile.burstToLimit()) {
                return new ReplicaCapacity(rps, given + ", no burst to the CPU limit (--burst-to-cpu-limit to allow it)");
            }
            endpoint.resources().accelerator().ifPresent(a -> {
                throw new ConfigurationException("endpoint '" + endpoint.name() + "' has accelerators (" + a + ") but the replica "
                        + "profile asks to burst to the CPU limit: an accelerator-bound replica serves no more with spare CPU. "
                        + "Remove --burst-to-cpu-limit (ReplicaProfile.burstToLimit) and give the GPU-bound capacity with "
                        + "--replica-capacity");
            });
            double overhead = profile.overheadPercent();
            double ceiling = cpuCeilingPercent(endpoint);
            if (ceiling <= 100.0) {
                return new ReplicaCapacity(rps, given + "; burst to the CPU limit asked but limits.cpu is not above requests.cpu");
            }
            double perReplica = rps * (ceiling - overhead) / (100.0 - overhead);
            return new ReplicaCapacity(perReplica, given + " bursting to the CPU limit (--burst-to-cpu-limit): "
                    + Decimals.format(ceiling) + "% of the CPU request");
        }

        /** The "replica capacity" assumption. */
        Assumption assumption() {
            return new Assumption("replica capacity", Decimals.format(perReplica) + " rps", source);
        }
    }

    /** The event loop of one run. */
    static final class Engine {
        private final Simulation sim;
        private final AutoscalerModel model;
        private final long startupMillis;
        private final double capacityPerReplica;
        private final List<Assumption> assumptions;

        Engine(Simulation sim, AutoscalerModel model, long startupMillis, double capacityPerReplica, List<Assumption> assumptions) {
            this.sim = sim;
            this.model = model;
            this.startupMillis = startupMillis;
            this.capacityPerReplica = capacityPerReplica;
            this.assumptions = assumptions;
        }

        SimulationResult run() {
            LoadTrace trace = sim.trace;
            ReplicaProfile profile = sim.profile;
            long stepMillis = sim.step.toMillis();
            long end = trace.durationMillis();
            int ticks = (int) Math.max(1, (end + stepMillis - 1) / stepMillis);
            double[] tDemand = new double[ticks];
            double[] tUtil = new double[ticks];
            double[] tServed = new double[ticks];
            double[] tUnserved = new double[ticks];
            int[] tReady = new int[ticks];
            int[] tDesired = new int[ticks];

            int min = sim.endpoint.autoscaling().minReplicas();
            int max = sim.endpoint.autoscaling().maxReplicas();
            int initial = sim.initialReplicas != null ? sim.initialReplicas : Math.max(1, min);
            MutableObservation o = new MutableObservation();
            o.podReadyAtMillis = new long[Math.max(16, Math.max(max, initial) + 1)];
            o.startupMillis = startupMillis;
            for (int i = 0; i < initial; i++) {
                o.podReadyAtMillis[i] = -3_600_000L;
            }
            o.podCount = initial;

            final double rpsFull = profile.rpsAtFullCpu();
            final double inverseRpsFull = 1.0 / rpsFull;
            final double overhead = profile.overheadPercent();
            final double capacityPerReplica = this.capacityPerReplica;
            final double latencySeconds = profile.latency().toNanos() / 1e9;
            final double memIdle = profile.memoryIdlePercent();
            final double memFull = profile.memoryFullPercent();
            final boolean hasTokens = trace.hasOutputTokens();
            double tokensOut = Double.NaN;

            double replicaMillis = 0;
            double readyReplicaMillis = 0;
            double overMillis = 0;
            double unservedRequestMillis = 0;
            double requestMillis = 0;
            double zeroMillis = 0;
            double lostAtZeroRequestMillis = 0;
            double lostColdStartRequestMillis = 0;
            int scaleUps = 0;
            int scaleDowns = 0;
            int peak = initial;
            List<StepResponse> steps = new ArrayList<>();
            boolean stepOpen = false;
            long stepAt = 0;
            double stepFrom = 0;
            double stepTo = 0;

            int traceIndex = 0;
            int tick = 0;
            long t = 0;
            double previousDemand = trace.rps(0);
            while (true) {
                // 1. readiness and load at t
                int ready = o.readyReplicas;
                while (ready < o.podCount && o.podReadyAtMillis[ready] <= t) {
                    ready++;
                }
                o.readyReplicas = ready;
                boolean traceChanged = false;
                while (traceIndex + 1 < trace.points() - 1 && trace.timeMillis(traceIndex + 1) <= t) {
                    traceIndex++;
                    traceChanged = true;
                }
                o.nowMillis = t;
                o.demandRps = trace.rps(traceIndex);
                tokensOut = hasTokens ? trace.tokensOutPerSecond(traceIndex) : Double.NaN;
                derive(o, capacityPerReplica, inverseRpsFull, overhead, latencySeconds, memIdle, memFull, tokensOut);

                // 2. the autoscaler decides
                if (model.nextDecisionMillis() <= t) {
                    int want = Math.max(0, model.decide(o));
                    if (model.nextDecisionMillis() <= t) {
                        throw new IllegalStateException("autoscaler model " + model.backendId() + " asked to decide again at "
                                + model.nextDecisionMillis() + " ms, not after " + t + " ms");
                    }
                    if (want != o.podCount) {
                        if (want > o.podCount) {
                            if (want > o.podReadyAtMillis.length) {
                                o.podReadyAtMillis = java.util.Arrays.copyOf(o.podReadyAtMillis, Math.max(want, o.podReadyAtMillis.length * 2));
                            }
                            // the model may start replicas from zero slower (or faster) than the run's startup; ready times
                            // stay in creation order
                            long readyAt = t + Math.max(0, model.startupMillis(o.podCount, startupMillis));
                            if (o.podCount > 0) {
                                readyAt = Math.max(readyAt, o.podReadyAtMillis[o.podCount - 1]);
                            }
                            for (int i = o.podCount; i < want; i++) {
                                o.podReadyAtMillis[i] = readyAt;
                            }
                            scaleUps++;
                        } else {
                            scaleDowns++;
                        }
                        o.podCount = want;
                        peak = Math.max(peak, want);
                        ready = Math.min(o.readyReplicas, want);
                        while (ready < o.podCount && o.podReadyAtMillis[ready] <= t) {
                            ready++;
                        }
                        o.readyReplicas = ready;
                        derive(o, capacityPerReplica, inverseRpsFull, overhead, latencySeconds, memIdle, memFull, tokensOut);
                    }
                }

                // 3. step responses
                double unserved = o.demandRps - o.servedRps;
                boolean short_ = unserved > 1e-9;
                if (traceChanged) {
                    if (o.demandRps > previousDemand && short_) {
                        if (!stepOpen) {
                            stepOpen = true;
                            stepAt = t;
                            stepFrom = previousDemand;
                        }
                        stepTo = Math.max(stepTo, o.demandRps);
                    } else if (stepOpen && o.demandRps < previousDemand && !short_) {
                        steps.add(new StepResponse(stepAt / 1000.0, stepFrom, stepTo, Double.NaN));
                        stepOpen = false;
                        stepTo = 0;
                    }
                    previousDemand = o.demandRps;
                }
                if (stepOpen && !short_) {
                    steps.add(new StepResponse(stepAt / 1000.0, stepFrom, stepTo, (t - stepAt) / 1000.0));
                    stepOpen = false;
                    stepTo = 0;
                }

                // 4. output tick
                if (tick < ticks && (long) tick * stepMillis == t) {
                    tDemand[tick] = o.demandRps;
                    tReady[tick] = o.readyReplicas;
                    tDesired[tick] = o.podCount;
                    tUtil[tick] = o.cpuPercent;
                    tServed[tick] = o.servedRps;
                    tUnserved[tick] = unserved > 1e-9 ? unserved : 0;
                    tick++;
                }
                if (t >= end) {
                    break;
                }

                // 5. next event
                long next = end;
                if (tick < ticks) {
                    next = Math.min(next, (long) tick * stepMillis);
                }
                next = Math.min(next, model.nextDecisionMillis());
                if (o.readyReplicas < o.podCount) {
                    next = Math.min(next, o.podReadyAtMillis[o.readyReplicas]);
                }
                if (traceIndex + 1 < trace.points()) {
                    next = Math.min(next, trace.timeMillis(traceIndex + 1));
                }
                long dt = next - t;
                replicaMillis += (double) o.podCount * dt;
                readyReplicaMillis += (double) o.readyReplicas * dt;
                requestMillis += o.demandRps * dt;
                if (o.podCount == 0) {
                    zeroMillis += dt;
                }
                if (o.readyReplicas == 0) {
                    lostAtZeroRequestMillis += o.demandRps * dt;
                    if (o.podCount > 0) {
                        lostColdStartRequestMillis += o.demandRps * dt;
                    }
                }
                if (short_) {
                    overMillis += dt;
                    unservedRequestMillis += unserved * dt;
                }
                model.observe(t, next, o);
                t = next;
            }
            if (stepOpen) {
                steps.add(new StepResponse(stepAt / 1000.0, stepFrom, stepTo, Double.NaN));
            }
            double[] sorted = new double[ticks];
            int n = 0;
            for (int i = 0; i < ticks; i++) {
                if (tReady[i] > 0) {
                    sorted[n++] = tUtil[i];
                }
            }
            // select the 95th first: selection leaves every smaller value before it, where the 50th is then selected
            double p95 = n == 0 ? 0 : select(sorted, n, rankIndex(n, 95));
            double p50 = n == 0 ? 0 : select(sorted, rankIndex(n, 95) + 1, rankIndex(n, 50));
            SimulationSummary summary = new SimulationSummary(model.backendId(), end / 1000.0, replicaMillis / 3_600_000.0,
                    readyReplicaMillis / 3_600_000.0, p50, p95, overMillis / 1000.0,
                    unservedRequestMillis / 1000.0, requestMillis / 1000.0, scaleUps, scaleDowns, peak, steps, zeroMillis / 1000.0,
                    lostAtZeroRequestMillis / 1000.0, lostColdStartRequestMillis / 1000.0, Double.NaN);
            List<Assumption> all = new ArrayList<>(assumptions);
            all.addAll(model.assumptions());
            return new SimulationResult(model.backendId(), sim.endpoint.name(), stepMillis, tick, tDemand, tReady, tDesired, tUtil,
                    tServed, tUnserved, capacityPerReplica, summary, all);
        }

        /** Nearest-rank percentile of {@code values[0..n)}, by selection (reorders the array; O(n)). */
        static double percentile(double[] values, int n, double p) {
            return n == 0 ? 0 : select(values, n, rankIndex(n, p));
        }

        /** The index of the nearest-rank {@code p}-th percentile among {@code n} sorted values. */
        static int rankIndex(int n, double p) {
            int rank = (int) Math.ceil(p / 100.0 * n);
            return Math.max(0, Math.min(n - 1, rank - 1));
        }

        /** The k-th smallest of {@code a[0..n)}: quickselect with three-way partitioning (runs of equal values are common). */
        static double select(double[] a, int n, int k) {
            int lo = 0;
            int hi = n - 1;
            long seed = 0x9E3779B97F4A7C15L;
            while (lo < hi) {
                seed = seed * 6364136223846793005L + 1442695040888963407L;
                double pivot = a[lo + (int) ((seed >>> 33) % (hi - lo + 1))];
                int lt = lo;
                int i = lo;
                int gt = hi;
                while (i <= gt) {
                    double v = a[i];
                    if (v < pivot) {
                        a[i++] = a[lt];
                        a[lt++] = v;
                    } else if (v > pivot) {
                        a[i] = a[gt];
                        a[gt--] = v;
                    } else {
                        i++;
                    }
                }
                if (k < lt) {
                    hi = lt - 1;
                } else if (k > gt) {
                    lo = gt + 1;
                } else {
                    return pivot;
                }
            }
            return a[k];
        }

        private static void derive(MutableObservation o, double capacityPerReplica, double inverseRpsFull, double overhead, double latencySeconds,
                                   double memIdle, double memFull, double tokensOut) {
            int r = o.readyReplicas;
            if (r == 0) {
                o.servedRps = 0;
                o.cpuPercent = 0;
                o.memoryPercent = 0;
                o.rpsPerReplica = 0;
                o.concurrencyPerReplica = 0;
                o.acceleratorPercent = 0;
                o.queueDepthPerReplica = 0;
                o.tokensPerSecondPerReplica = Double.isNaN(tokensOut) ? Double.NaN : 0;
                return;
            }
            double inverse = 1.0 / r;
            double served = Math.min(o.demandRps, r * capacityPerReplica);
            double perReplica = served * inverse;
            double load = perReplica * inverseRpsFull;
            o.servedRps = served;
            o.rpsPerReplica = o.demandRps * inverse; // offered, as request-count metrics count what arrives
            o.cpuPercent = overhead + (100.0 - overhead) * load;
            o.memoryPercent = memIdle + (memFull - memIdle) * Math.min(1.0, load);
            o.concurrencyPerReplica = o.demandRps * inverse * latencySeconds;
            o.acceleratorPercent = Math.min(100.0, 100.0 * load);
            // waiting = in flight (offered x latency) minus in service (served x latency), Little's law on each part
            o.queueDepthPerReplica = (o.demandRps - served) * inverse * latencySeconds;
            // the served requests' share of the trace's generated tokens (NaN stays NaN: the trace has none)
            o.tokensPerSecondPerReplica = o.demandRps > 0 ? tokensOut * (served / o.demandRps) * inverse : tokensOut * 0;
        }
    }
}
