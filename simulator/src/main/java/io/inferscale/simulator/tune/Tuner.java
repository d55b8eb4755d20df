package io.inferscale.simulator.tune;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.codec.EndpointDocument;
import io.inferscale.api.simulation.AutoscalerModelProvider;
import io.inferscale.api.simulation.AutoscalerModels;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.api.simulation.TuningKnob;
import io.inferscale.api.validation.ValidationReport;
import io.inferscale.simulator.Simulation;
import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.trace.LoadTrace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Recommends each backend's autoscaling settings for a load trace: the cheapest setting of the backend's own knobs
 * ({@link AutoscalerModelProvider#tuningKnobs}) that meets a {@link ServiceLevelObjective}, found by simulating
 * candidates with the backend's autoscaler model.
 *
 * <pre>{@code
 * Tuner tuner = Tuner.of(endpoint)
 *         .trace(LoadTrace.read(Path.of("traffic.csv")))
 *         .profile(ReplicaProfile.of(40))
 *         .slo(ServiceLevelObjective.parse(Map.of("max-unserved", "0.5%", "min-replicas", "2")))
 *         .keep(List.of("maxReplicas"));
 * TuneResult r = tuner.tune("kubernetes");
 * WrittenRecommendation file = tuner.write(r, Path.of("tuned"));   // validated, re-read, re-simulated
 * }</pre>
 *
 * <p><b>Objective.</b> Total cost on the tuning part when the backend's model prices a replica
 * ({@link AutoscalerModelProvider#price}), else replica-hours ({@value TuneResult#UNPRICED}); no price is ever invented.
 *
 * <p><b>Holdout.</b> The search runs on the first {@code 1 - holdout} of the trace (default 80 %); the SLO on the rest
 * is reported for the current spec, the baseline and the recommendation, never used to choose. The holdout run starts
 * with the replicas ready at the end of the tuning run.
 *
 * <p><b>Search.</b> Coarse-to-fine: every combination of the knobs' coarse candidates (plus the spec's own values),
 * then two rounds of midpoints around the best. For each combination the replica bounds are searched with pruning:
 * {@code minReplicas} ascending from the SLO's floor to the replicas the peak needs, skipped once
 * {@code minReplicas x hours} alone costs more than the best found; {@code maxReplicas} by bisection for the smallest
 * value that meets the SLO, since more maximum replicas never leave more demand unserved. Combinations run in parallel
 * on {@link #parallelism(int)} threads (default: every processor). Results are memoised per setting; the choice is
 * deterministic (ties go to fewer unserved requests, fewer scale events, fewer changes from the spec).
 *
 * <p><b>Per backend</b> the spec is tuned as that backend runs it, its {@code spec.backends.<id>} overrides resolved
 * ({@link io.inferscale.api.backend.BackendOverrides#resolve}). With {@link #instanceTypes}, each type the backend
 * catalogues is searched too, with the capacity given for it. When the spec's own target type cannot meet the SLO by
 * scaling (no setting meets it, or only a static fleet sized for the peak), the types the backend scales on natively
 * ({@link AutoscalerModelProvider#targetTypeCandidates}) are searched, replacing the spec's targets; the result says
 * which changed and why ({@link TuneResult#targetTypeChange()}, {@link TuneResult#instanceType()}).
 *
 * <p>Instances are immutable: each setter returns a copy.
 */
public final class Tuner {

    /** What {@link #keep} calls the target type: kept, the tuner never switches it ({@link TuneResult#targetTypeChange()}). */
    public static final String KEEP_TARGET_TYPE = "targetType";

    /** The default holdout share: 20 %. */
    public static final double DEFAULT_HOLDOUT = 0.2;

    private final InferenceEndpoint endpoint;
    private final LoadTrace trace;
    private final ReplicaProfile profile;
    private final ServiceLevelObjective slo;
    private final Set<String> keep;
    private final double holdout;
    private final ModelSettings settings;
    private final Duration step;
    private final int parallelism;
    private final ExecutorService executor;
    private final AutoscalerModels models;
    /** Instance or machine type to the requests per second one replica of it serves ({@link #instanceTypes}). */
    private final java.util.Map<String, Double> instanceTypes;

    private Tuner(InferenceEndpoint endpoint, LoadTrace trace, ReplicaProfile profile, ServiceLevelObjective slo, Set<String> keep,
                  double holdout, ModelSettings settings, Duration step, int parallelism, ExecutorService executor, AutoscalerModels models,
                  java.util.Map<String, Double> instanceTypes) {
        this.endpoint = endpoint;
        this.trace = trace;
        this.profile = profile;
        this.slo = slo;
        this.keep = keep;
        this.holdout = holdout;
        this.settings = settings;
        this.step = step;
        this.parallelism = parallelism;
        this.executor = executor;
        this.models = models;
        this.instanceTypes = instanceTypes;
    }

    /** A tuner for the given spec; a trace and a profile must be set before tuning. */
    public static Tuner of(InferenceEndpoint endpoint) {
        return new Tuner(Objects.requireNonNull(endpoint, "endpoint"), null, null, ServiceLevelObjective.defaults(), Set.of(),
                DEFAULT_HOLDOUT, ModelSettings.empty(), Simulation.DEFAULT_STEP, Runtime.getRuntime().availableProcessors(), null, null,
                java.util.Map.of());
    }

    /** The load to tune for. */
    public Tuner trace(LoadTrace trace) {
        return new Tuner(endpoint, Objects.requireNonNull(trace, "trace"), profile, slo, keep, holdout, settings, step, parallelism,
                executor, models, instanceTypes);
    }

    /** How one replica behaves under load. */
    public Tuner profile(ReplicaProfile profile) {
        return new Tuner(endpoint, trace, Objects.requireNonNull(profile, "profile"), slo, keep, holdout, settings, step, parallelism,
                executor, models, instanceTypes);
    }

    /** The objective (default {@link ServiceLevelObjective#defaults()}). */
    public Tuner slo(ServiceLevelObjective slo) {
        return new Tuner(endpoint, trace, profile, Objects.requireNonNull(slo, "slo"), keep, holdout, settings, step, parallelism,
                executor, models, instanceTypes);
    }

    /**
     * Knobs not to search, by {@link TuningKnob#name()} ({@code maxReplicas}, {@code targetCPUUtilizationPercentage},
     * {@code behavior.scaleDown.stabilizationWindowSeconds}, ...): they keep the spec's value. Names are checked per
     * backend when tuning.
     */
    public Tuner keep(Collection<String> knobNames) {
        return new Tuner(endpoint, trace, profile, slo, Set.copyOf(new LinkedHashSet<>(knobNames)), holdout, settings, step,
                parallelism, executor, models, instanceTypes);
    }

    /**
     * The share of the trace, at its end, held out of the search and only reported (default 0.2); 0 tunes on all of it.
     *
     * @throws IllegalArgumentException unless {@code 0 <= share < 1}
     */
    public Tuner holdout(double share) {
        if (!(share >= 0 && share < 1)) {
            throw new IllegalArgumentException("holdout was " + share + " but it must be a share from 0 (none) to below 1, e.g. 0.2 for 20%");
        }
        return new Tuner(endpoint, trace, profile, slo, keep, share, settings, step, parallelism, executor, models, instanceTypes);
    }

    /** Overrides of the models' constants, as {@link Simulation#settings(ModelSettings)}. */
    public Tuner settings(ModelSettings settings) {
        return new Tuner(endpoint, trace, profile, slo, keep, holdout, Objects.requireNonNull(settings, "settings"), step, parallelism,
                executor, models, instanceTypes);
    }

    /** The output step of every simulation (default 15 s). */
    public Tuner step(Duration step) {
        return new Tuner(endpoint, trace, profile, slo, keep, holdout, settings, Objects.requireNonNull(step, "step"), parallelism,
                executor, models, instanceTypes);
    }

    /**
     * Threads the search uses when no executor is given (default: available processors).
     *
     * @throws IllegalArgumentException when below 1
     */
    public Tuner parallelism(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("parallelism was " + threads + " but it must be 1 or more");
        }
        return new Tuner(endpoint, trace, profile, slo, keep, holdout, settings, step, threads, executor, models, instanceTypes);
    }

    /** Runs the search's simulations on the caller's executor (not shut down by the tuner) instead of its own pool. */
    public Tuner executor(ExecutorService executor) {
        return new Tuner(endpoint, trace, profile, slo, keep, holdout, settings, step, parallelism,
                Objects.requireNonNull(executor, "executor"), models, instanceTypes);
    }

    /** The autoscaler models to use (default {@link AutoscalerModels#discover()}). */
    public Tuner models(AutoscalerModels models) {
        return new Tuner(endpoint, trace, profile, slo, keep, holdout, settings, step, parallelism, executor,
                Objects.requireNonNull(models, "models"), instanceTypes);
    }

    /**
     * Also searches these instance or machine types (each backend takes the ones in its price catalogue,
     * {@link AutoscalerModelProvider#instanceTypes}), each with the requests per second one replica of it serves. InferScale
     * cannot know a model's throughput on another machine, so every type needs its capacity; the spec's own machine keeps
     * the profile's. Default: none (the spec's machine only). {@link #tune(List)} refuses a type none of its backends
     * catalogues; {@link #tune(String)} of one backend of several searches the types that backend catalogues and ignores
     * the others.
     *
     * @param capacityByType type to requests per second per replica, e.g. {@code ml.c5.xlarge=80}
     * @throws IllegalArgumentException for a blank type or a capacity that is not a positive number
     */
    public Tuner instanceTypes(java.util.Map<String, Double> capacityByType) {
        java.util.Map<String, Double> copy = new java.util.LinkedHashMap<>();
        capacityByType.forEach((type, rps) -> {
            if (type == null || type.isBlank()) {
                throw new IllegalArgumentException("an instance type was blank; name one such as ml.c5.xlarge or n1-standard-4");
            }
            if (rps == null || !(rps > 0) || rps.isInfinite()) {
                throw new IllegalArgumentException("the replica capacity of " + type + " was " + rps
                        + " but it must be a positive number of requests per second, e.g. " + type.strip() + "=80");
            }
            copy.put(type.strip(), rps);
        });
        return new Tuner(endpoint, trace, profile, slo, keep, holdout, settings, step, parallelism, executor, models,
                java.util.Collections.unmodifiableMap(copy));
    }

    /** The spec being tuned. */
    public InferenceEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Tunes for one backend, with its discovered model.
     *
     * @throws io.inferscale.api.DiscoveryException     when no model for that backend is on the class path
     * @throws io.inferscale.api.ConfigurationException when a kept knob is unknown to the backend or a setting is invalid
     * @throws IllegalStateException                    when the trace or profile is missing
     */
    public TuneResult tune(String backendId) {
        return tune(provider(backendId));
    }

    /**
     * Tunes for each backend in turn.
     *
     * @throws io.inferscale.api.ConfigurationException as {@link #tune(String)}, and for an {@link #instanceTypes instance type}
     *                                                  none of these backends catalogues
     */
    public List<TuneResult> tune(List<String> backendIds) {
        requireCataloguedInstanceTypes(backendIds.stream().map(this::provider).toList());
        List<TuneResult> results = new ArrayList<>();
        for (String id : backendIds) {
            results.add(tune(id));
        }
        return results;
    }

    /** Tunes with the given model provider. */
    public TuneResult tune(AutoscalerModelProvider provider) {
        requireReady();
        ExecutorService pool = executor != null ? executor : Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "inferscale-tune");
            t.setDaemon(true);
            return t;
        });
        try {
            // the backend's overrides (spec.backends.<id>.behavior, minReplicas, ...) applied and then tuned as fields
            InferenceEndpoint resolved = io.inferscale.api.backend.BackendOverrides.resolve(endpoint, provider.backendId());
            Tuner onBackend = resolved == endpoint ? this : new Tuner(resolved, trace, profile, slo, keep, holdout, settings, step,
                    parallelism, executor, models, instanceTypes);
            return TuningSearch.TypeSearch.run(onBackend, provider, pool);
        } finally {
            if (executor == null) {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Simulates {@code spec} with {@code provider}'s model on the tuning part and the holdout, and checks the SLO.
     *
     * @throws io.inferscale.api.ConfigurationException when the model refuses the spec or a setting
     */
    public TuningEvaluation evaluate(AutoscalerModelProvider provider, InferenceEndpoint spec) {
        requireReady();
        SimulationResult tuned = simulation(spec, tuningTrace()).run(provider);
        Optional<SimulationResult> held = Optional.empty();
        if (holdoutStartMillis() < trace.durationMillis()) {
            int last = tuned.tickCount() - 1;
            int initial = last < 0 ? Math.max(1, spec.autoscaling().minReplicas()) : tuned.readyReplicas(last);
            held = Optional.of(simulation(spec, trace.slice(Duration.ofMillis(holdoutStartMillis()), trace.duration()))
                    .initialReplicas(initial).run(provider));
        }
        return new TuningEvaluation(spec, tuned, held, slo.check(tuned.summary()),
                held.map(h -> slo.check(h.summary())).orElse(List.of()));
    }

    /**
     * Writes the recommendation of {@code result} as a complete InferenceEndpoint document {@code dir/<name>.<backend>.yaml},
     * reads it back, validates it on its backend ({@link Backend#validate}, when the backend is discovered; otherwise the
     * neutral rules) and simulates what was read: the returned figures come from that file. Errors the given spec already
     * has on that backend (a SageMaker spec without a container image, say) stay in
     * {@link WrittenRecommendation#validation()} and {@link WrittenRecommendation#inheritedErrors()}; any other error throws.
     *
     * @throws IllegalStateException                          when no setting met the SLO (nothing to recommend)
     * @throws io.inferscale.api.InvalidEndpointException     when the tuning made the spec invalid on its backend
     * @throws UncheckedIOException                           when the file cannot be written or read
     */
    public WrittenRecommendation write(TuneResult result, Path dir) {
        return write(result, dir, Backends.discover());
    }

    /** As {@link #write(TuneResult, Path)}, validating with the given backends. */
    public WrittenRecommendation write(TuneResult result, Path dir, Backends backends) {
        TuningEvaluation chosen = result.recommendation().orElseThrow(() -> new IllegalStateException(
                "no setting of backend '" + result.backendId() + "' meets the SLO; there is no recommendation to write"));
        Path file = dir.resolve(chosen.endpoint().name() + "." + result.backendId() + ".yaml");
        return measure(result, file, writeAndRead(file, chosen.endpoint()), backends);
    }

    /** Writes {@code spec} to {@code file} and reads it back. */
    private static EndpointDocument writeAndRead(Path file, InferenceEndpoint spec) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, EndpointCodec.toYaml(spec), StandardCharsets.UTF_8);
            return EndpointCodec.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the recommendation " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Validates the document read back on {@code result}'s backend (throwing for an error the spec does not have there) and
     * simulates that backend from it, at the capacity of the recommendation's instance type.
     */
    private WrittenRecommendation measure(TuneResult result, Path file, EndpointDocument doc, Backends backends) {
        ValidationReport report;
        ValidationReport given;
        if (backends.ids().contains(result.backendId())) {
            try (Backend backend = backends.create(result.backendId(), BackendConfig.empty())) {
                report = doc.locate(backend.validate(doc.endpoint()));
                given = backend.validate(endpoint);
            }
        } else {
            report = doc.validate();
            given = io.inferscale.api.validation.EndpointValidator.validate(endpoint);
        }
        // errors the spec already had on this backend (e.g. no container image) are not the tuner's: they are reported, not thrown
        ValidationReport.of(introduced(given, report)).throwIfErrors("recommended endpoint " + file + " on backend '"
                + result.backendId() + "'");
        Tuner measured = result.instanceType().map(t -> profile(withCapacity(profile, t.replicaCapacity()))).orElse(this);
        return new WrittenRecommendation(file, report, measured.evaluate(provider(result.backendId()), doc.endpoint()));
    }

    /**
     * Writes the recommendations of several backends as one InferenceEndpoint document {@code dir/<name>.tuned.yaml}: the
     * spec as given, and under {@code spec.backends.<id>} what each backend's recommendation sets differently from it
     * ({@code minReplicas}, {@code maxReplicas}, its target fields, {@code behavior}, and its own options such as cooldowns
     * and the instance type; see {@link io.inferscale.api.backend.BackendOverrides}). Reads it back, validates it on each
     * backend and simulates each backend from it (with its overrides applied), as {@link #write} does for one. Backends
     * without a recommendation are left out of the file.
     *
     * @return one entry per backend written, in the order of {@code results}, each with the same file
     * @throws IllegalStateException                      when no result has a recommendation
     * @throws io.inferscale.api.InvalidEndpointException when the file is invalid on a backend where the spec was not
     * @throws UncheckedIOException                       when the file cannot be written or read
     */
    public List<WrittenRecommendation> writeOneFile(List<TuneResult> results, Path dir, Backends backends) {
        List<TuneResult> recommended = results.stream().filter(r -> r.recommendation().isPresent()).toList();
        if (recommended.isEmpty()) {
            throw new IllegalStateException("no backend has a setting that meets the SLO; there is no recommendation to write");
        }
        java.util.Map<String, java.util.Map<String, Object>> options = new java.util.LinkedHashMap<>(endpoint.backends().asMap());
        for (TuneResult r : recommended) {
            options.put(r.backendId(), overrides(r.backendId(), r.recommendation().get().endpoint()));
        }
        InferenceEndpoint merged = endpoint.toBuilder().backends(io.inferscale.api.BackendOptions.of(options)).build();
        Path file = dir.resolve(endpoint.name() + ".tuned.yaml");
        EndpointDocument doc = writeAndRead(file, merged);
        return recommended.stream().map(r -> measure(r, file, doc, backends)).toList();
    }

    /**
     * The options of backend {@code id} that make the spec as given run as {@code chosen} there: its own options, then the
     * bounds, targets (as a set) and behaviour where they differ from the spec's shared fields.
     */
    private java.util.Map<String, Object> overrides(String id, InferenceEndpoint chosen) {
        java.util.Map<String, Object> o = new java.util.LinkedHashMap<>(endpoint.backends().of(id));
        java.util.Set<String> overrideKeys = new java.util.HashSet<>(io.inferscale.api.backend.BackendOverrides.OPTION_KEYS.stream()
                .map(io.inferscale.api.backend.OptionKey::name).toList());
        overrideKeys.remove(io.inferscale.api.backend.BackendOverrides.ARTIFACT_URI);
        overrideKeys.remove(io.inferscale.api.backend.BackendOverrides.IMAGE);
        o.keySet().removeAll(overrideKeys); // replaced below by what the recommendation sets
        o.putAll(chosen.backends().of(id));
        io.inferscale.api.AutoscalingPolicy shared = endpoint.autoscaling();
        io.inferscale.api.AutoscalingPolicy own = chosen.autoscaling();
        if (own.minReplicas() != shared.minReplicas()) {
            o.put(io.inferscale.api.backend.BackendOverrides.MIN_REPLICAS, own.minReplicas());
        }
        if (own.maxReplicas() != shared.maxReplicas()) {
            o.put(io.inferscale.api.backend.BackendOverrides.MAX_REPLICAS, own.maxReplicas());
        }
        if (!new java.util.HashSet<>(own.targets()).equals(new java.util.HashSet<>(shared.targets()))) {
            own.targets().forEach(t -> o.put(t.type().field(), t.value()));
        }
        if (!own.behavior().equals(shared.behavior())) {
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> spec = (java.util.Map<String, Object>) EndpointCodec.toTree(chosen).get("spec");
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> autoscaling = (java.util.Map<String, Object>) spec.get("autoscaling");
            o.put(io.inferscale.api.backend.BackendOverrides.BEHAVIOR, autoscaling.getOrDefault("behavior", java.util.Map.of()));
        }
        return o;
    }

    /**
     * Every {@link #instanceTypes instance type} must be in the catalogue of one of {@code providers}.
     *
     * @throws io.inferscale.api.ConfigurationException naming the type, the closest catalogued one and the backends' flag
     */
    void requireCataloguedInstanceTypes(List<AutoscalerModelProvider> providers) {
        if (instanceTypes.isEmpty()) {
            return;
        }
        java.util.Set<String> catalogued = new java.util.TreeSet<>();
        List<String> choosing = new ArrayList<>();
        for (AutoscalerModelProvider p : providers) {
            p.instanceTypes(settings).ifPresent(t -> {
                catalogued.addAll(t.types());
                choosing.add(p.backendId() + " (" + t.path() + ")");
            });
        }
        if (choosing.isEmpty()) {
            throw new io.inferscale.api.ConfigurationException("--instance-types: none of the backends tuned ("
                    + String.join(", ", providers.stream().map(AutoscalerModelProvider::backendId).toList())
                    + ") has an instance or machine type to choose; sagemaker (instanceType) and vertex (machineType) have, a kubernetes "
                    + "pod is priced per requested vCPU and GiB whatever node it lands on");
        }
        for (String type : instanceTypes.keySet()) {
            if (!catalogued.contains(type)) {
                throw new io.inferscale.api.ConfigurationException("--instance-types " + type + ": not an instance or machine type of "
                        + String.join(", ", choosing) + " in the region priced"
                        + io.inferscale.api.validation.Suggestions.didYouMean(type, catalogued)
                        + " Catalogued: " + String.join(", ", catalogued));
            }
        }
    }

    /** The errors of {@code report} that {@code given} (the spec's own report) does not have. */
    static List<io.inferscale.api.validation.Problem> introduced(ValidationReport given, ValidationReport report) {
        java.util.Set<String> inherited = new java.util.HashSet<>();
        given.errors().forEach(p -> inherited.add(p.path() + "\n" + p.message()));
        return report.errors().stream().filter(p -> !inherited.contains(p.path() + "\n" + p.message())).toList();
    }

    /**
     * The errors backend {@code backendId} finds in {@code changed} that it does not find in the spec; empty when the backend
     * is not on the class path (the tuner then cannot check, and {@link #write} validates with the neutral rules).
     */
    List<io.inferscale.api.validation.Problem> introducedErrors(String backendId, InferenceEndpoint changed) {
        Backends backends = Backends.discover();
        if (!backends.ids().contains(backendId)) {
            return List.of();
        }
        try (Backend backend = backends.create(backendId, BackendConfig.empty())) {
            return introduced(backend.validate(endpoint), backend.validate(changed));
        }
    }

    /** {@code profile} with another capacity per replica. */
    static ReplicaProfile withCapacity(ReplicaProfile profile, double rpsAtFullCpu) {
        return ReplicaProfile.builder(rpsAtFullCpu).startup(profile.startup().orElse(null)).overheadPercent(profile.overheadPercent())
                .latency(profile.latency()).memory(profile.memoryIdlePercent(), profile.memoryFullPercent())
                .burstToLimit(profile.burstToLimit()).build();
    }

    java.util.Map<String, Double> instanceTypeCapacities() {
        return instanceTypes;
    }

    ModelSettings settings() {
        return settings;
    }

    private AutoscalerModelProvider provider(String backendId) {
        return (models != null ? models : AutoscalerModels.discover()).model(backendId);
    }

    /** A run of {@code spec} on {@code load}; without the floor-1 baseline of a scale-to-zero spec (tune does not show it). */
    Simulation simulation(InferenceEndpoint spec, LoadTrace load) {
        return Simulation.of(spec).trace(load).profile(profile).step(step).settings(settings).floorBaseline(false);
    }

    /** Where the holdout starts: the end of the tuning part, on a whole second. */
    long holdoutStartMillis() {
        if (holdout == 0) {
            return trace.durationMillis();
        }
        long split = Math.round(trace.durationMillis() * (1 - holdout) / 1000.0) * 1000L;
        return Math.max(1000L, Math.min(split, trace.durationMillis()));
    }

    LoadTrace tuningTrace() {
        long split = holdoutStartMillis();
        return split >= trace.durationMillis() ? trace : trace.slice(Duration.ZERO, Duration.ofMillis(split));
    }

    LoadTrace trace() {
        return trace;
    }

    ReplicaProfile profile() {
        return profile;
    }

    ServiceLevelObjective slo() {
        return slo;
    }

    Set<String> kept() {
        return keep;
    }

    private void requireReady() {
        if (trace == null) {
            throw new IllegalStateException("no load trace: call trace(LoadTrace) before tuning");
        }
        if (profile == null) {
            throw new IllegalStateException("no replica profile: call profile(ReplicaProfile) before tuning");
        }
    }
}
