package io.inferscale.cli;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.codec.PriceFile;
import io.inferscale.api.simulation.AutoscalerModels;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.api.validation.Suggestions;
import io.inferscale.simulator.Simulation;
import io.inferscale.simulator.trace.LoadTrace;
import io.inferscale.simulator.trace.TraceColumns;
import io.inferscale.simulator.trace.TraceOptions;
import io.inferscale.simulator.trace.TraceUnit;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What {@code simulate} and {@code tune} share (a picocli mixin): the backends, the load trace and how to read it, the
 * replica profile, the step, the model settings, prices and backend configuration; and how they become a
 * {@link LoadTrace}, a {@link ReplicaProfile} and {@link ModelSettings}, with the same checks and messages in both commands.
 */
final class SimulationOptions {

    @Option(names = {"-b", "--backend"}, paramLabel = "ID", split = ",",
            description = "the backends, comma-separated or repeated, e.g. kubernetes,sagemaker,vertex (default: $INFERSCALE_BACKEND)")
    List<String> backendIds = new ArrayList<>();

    @Option(names = "--trace", paramLabel = "TRACE.csv", required = true,
            description = "the load trace, CSV: time_s,rps (seconds from 0, requests per second); a timestamp column "
                    + "(ISO-8601 date-time or epoch seconds/milliseconds, rebased to the first row) with a rate column rps, "
                    + "rpm, requests or count; or a request log: a timestamp column and no rate column, one row per request "
                    + "(e.g. the Azure LLM inference trace), counted in buckets of --step")
    Path trace;

    @Option(names = "--trace-columns", paramLabel = "KEY=COLUMN[,...]",
            description = "name the trace's columns when the header does not: time=COL[,rate=COL][,tokens_in=COL][,tokens_out=COL]")
    String traceColumns;

    @Option(names = "--trace-unit", paramLabel = "UNIT",
            description = "what a rate trace's rate column counts: per-second or per-minute (default: per-second; per-minute for a column named rpm)")
    String traceUnit;

    @Option(names = "--replica-capacity", paramLabel = "RPS[,TYPE=RPS...]", required = true, split = ",",
            description = "requests per second one replica serves (its capacity, at 100%% of its CPU request); "
                    + "more only with --burst-to-cpu-limit. tune --instance-types also needs TYPE=RPS for each type searched")
    List<String> replicaCapacities = new ArrayList<>();

    @Option(names = "--burst-to-cpu-limit",
            description = "let a replica use CPU up to limits.cpu, serving RPS x (limit / request) when the limit is higher "
                    + "(default: off; refused for an endpoint with accelerators)")
    boolean burstToCpuLimit;

    @Option(names = "--startup", paramLabel = "[ID=]DURATION", split = ",",
            description = "time from a scale-up decision to a ready replica, e.g. 90s, 5m, 250ms (a plain number is seconds), "
                    + "for every backend or per backend (sagemaker=6m,vertex=4m); comma-separated or repeated. "
                    + "Precedence: per backend (here or --setting ID.startup=DURATION) > for every backend > the backend's typical value")
    List<String> startups = new ArrayList<>();

    @Option(names = "--step", paramLabel = "SECONDS", defaultValue = "15",
            description = "output step in seconds (default: ${DEFAULT-VALUE}); decisions keep their own timing")
    double stepSeconds;

    @Option(names = "--setting", paramLabel = "KEY=VALUE",
            description = "override a model constant, repeatable, e.g. --setting kubernetes.tolerance=0.2")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--set", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "backend configuration, as for the other commands (repeatable; also INFERSCALE_KEY variables); the region it "
                    + "deploys to is the region priced: sagemaker.region and vertex.location (a --setting ID.region wins)")
    Map<String, String> backendSettings = new LinkedHashMap<>();

    @Option(names = "--prices", paramLabel = "FILE",
            description = "YAML price overrides, e.g. sagemaker: {ml.g6.xlarge: 1.2} or kubernetes: {vcpuHour: 0.04}; "
                    + "--setting BACKEND.price.ITEM=USD wins over the file (see docs/simulation.md, Cost)")
    Path prices;

    /**
     * What the options resolve to: the trace read, the profile, the model settings (prices included), the step, and the
     * capacity per instance or machine type ({@code --replica-capacity TYPE=RPS}, for {@code tune --instance-types}).
     */
    record Inputs(LoadTrace trace, ReplicaProfile profile, ModelSettings settings, Duration step, Map<String, Double> capacityByType) {
    }

    /**
     * The backend ids from {@code --backend}, else {@code $INFERSCALE_BACKEND}, in order, without repeats.
     *
     * @throws UsageException when neither gives one
     */
    List<String> backendIds(CliContext context) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        for (String id : backendIds) {
            if (!id.isBlank()) {
                ids.add(id.trim());
            }
        }
        if (ids.isEmpty()) {
            String env = context.env("INFERSCALE_BACKEND");
            if (env != null && !env.isBlank()) {
                for (String id : env.split(",")) {
                    if (!id.isBlank()) {
                        ids.add(id.trim());
                    }
                }
            }
        }
        if (ids.isEmpty()) {
            throw new UsageException("no backend given: add --backend ID[,ID...] (models found: "
                    + String.join(", ", AutoscalerModels.discover().ids()) + ") or set INFERSCALE_BACKEND");
        }
        return List.copyOf(ids);
    }

    /**
     * Checks the capacity and step, reads the trace and resolves the profile and the model settings: {@code --startup}
     * (for every backend into the profile, {@code ID=DURATION} into the setting {@code ID.startup}), the regions of
     * {@code --set}, then the {@code --prices} file under the command line's settings.
     *
     * @throws UsageException for a bad flag value (capacity, step, start-up, setting prefix, trace options, {@code --set} key)
     * @throws InputException for a trace or price file that cannot be read, or a price file or setting the models refuse
     */
    Inputs resolve(CliContext context, AutoscalerModels models) {
        Map<String, Double> capacityByType = new LinkedHashMap<>();
        Double replicaCapacity = null;
        String ownEntry = null;
        for (String entry : replicaCapacities) {
            int eq = entry.indexOf('=');
            String type = eq < 0 ? null : entry.substring(0, eq).strip();
            double rps = capacity(eq < 0 ? entry : entry.substring(eq + 1), type);
            if (type == null) {
                if (replicaCapacity != null) {
                    throw new UsageException("--replica-capacity was given twice for the spec's own machine (" + ownEntry
                            + " and " + entry.strip() + "); give one RPS, and TYPE=RPS for each other instance type");
                }
                replicaCapacity = rps;
                ownEntry = entry.strip();
            } else if (type.isEmpty() || capacityByType.put(type, rps) != null) {
                throw new UsageException("--replica-capacity " + entry.strip() + ": " + (type.isEmpty() ? "name the instance type before '='"
                        : type + " was given twice") + ", e.g. --replica-capacity 40,ml.c5.xlarge=80");
            }
        }
        if (replicaCapacity == null) {
            throw new UsageException("--replica-capacity needs the requests per second one replica of the spec's own machine serves, "
                    + "e.g. --replica-capacity 40" + (capacityByType.isEmpty() ? "" : "," + replicaCapacities.get(0).strip()));
        }
        if (!(stepSeconds > 0)) {
            throw new UsageException("--step must be a positive number of seconds, got " + stepSeconds);
        }
        Duration step = Duration.ofMillis(Math.max(1, Math.round(stepSeconds * 1000)));
        ReplicaProfile.Builder profile = ReplicaProfile.builder(replicaCapacity).burstToLimit(burstToCpuLimit);
        requireKnownSettingPrefixes(models.ids());
        Map<String, String> modelSettings = new TreeMap<>(settings);
        applyStartups(profile, modelSettings, models.ids());
        applyRegions(context, modelSettings);
        LoadTrace load = readTrace(step);
        ModelSettings resolved;
        try {
            resolved = withPriceFile(models, modelSettings);
        } catch (ConfigurationException e) {
            throw new InputException(e.getMessage(), e);
        }
        return new Inputs(load, profile.build(), resolved, step, Map.copyOf(capacityByType));
    }

    /** One capacity of {@code --replica-capacity}: a positive, finite number of requests per second. */
    private static double capacity(String text, String type) {
        try {
            double rps = Double.parseDouble(text.strip());
            if (rps > 0 && !Double.isInfinite(rps)) {
                return rps;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(type == null ? "--replica-capacity must be a positive number of requests per second, got " + text.strip()
                : "--replica-capacity " + type + "=" + text.strip() + ": the capacity of " + type
                + " must be a positive number of requests per second, e.g. " + type + "=80");
    }

    /**
     * Reads {@code --startup}: a duration for every backend goes to the profile, {@code ID=DURATION} to the setting
     * {@code ID.startup}, which the simulation honours for every backend.
     *
     * @throws UsageException for a malformed duration, an unknown backend id, or a backend given its start-up twice
     */
    private void applyStartups(ReplicaProfile.Builder profile, Map<String, String> modelSettings, Set<String> knownIds) {
        String everyBackend = null;
        Set<String> perBackend = new LinkedHashSet<>();
        for (String entry : startups) {
            int eq = entry.indexOf('=');
            if (eq < 0) {
                if (everyBackend != null) {
                    throw new UsageException("--startup for every backend was given twice ('" + everyBackend + "' and '" + entry
                            + "'); give one, and ID=DURATION for a backend of its own");
                }
                everyBackend = entry;
                profile.startup(parseDuration(entry, "--startup"));
                continue;
            }
            String id = entry.substring(0, eq).strip();
            String value = entry.substring(eq + 1);
            requireKnownBackend("--startup", id, knownIds);
            parseDuration(value, "--startup " + id);
            String key = Simulation.startupKey(id);
            if (!perBackend.add(id)) {
                throw new UsageException("--startup gives " + id + " a start-up twice; give it once");
            }
            if (modelSettings.containsKey(key)) {
                throw new UsageException("the start-up of " + id + " was given by both --startup " + id + "=" + value.strip()
                        + " and --setting " + key + "=" + modelSettings.get(key) + "; give one");
            }
            modelSettings.put(key, value.strip());
        }
    }

    /**
     * The region a backend deploys to is the region whose prices apply: {@code sagemaker.region} and {@code vertex.location}
     * from {@code --set} (or the system property / {@code INFERSCALE_*} variable, as every command reads them) become the
     * models' {@code sagemaker.region} and {@code vertex.region}, unless {@code --setting} gives those.
     */
    private void applyRegions(CliContext context, Map<String, String> modelSettings) {
        BackendSelection selection = new BackendSelection();
        selection.values.putAll(backendSettings);
        BackendConfig config = selection.config(context); // checks the keys as every command does
        config.get("sagemaker.region").ifPresent(r -> modelSettings.putIfAbsent("sagemaker.region", r.strip()));
        config.get("vertex.location").ifPresent(r -> modelSettings.putIfAbsent("vertex.region", r.strip()));
    }

    /** A {@code --setting} key's backend prefix must name a model, else the setting would silently apply to none. */
    private void requireKnownSettingPrefixes(Set<String> knownIds) {
        for (String key : settings.keySet()) {
            int dot = key.indexOf('.');
            if (dot > 0) {
                requireKnownBackend("--setting " + key, key.substring(0, dot), knownIds);
            }
        }
    }

    private static void requireKnownBackend(String flag, String id, Set<String> knownIds) {
        if (!knownIds.contains(id)) {
            String suggestion = Suggestions.didYouMean(id, knownIds);
            throw new UsageException(flag + " names backend '" + id + "', which has no autoscaler model"
                    + (suggestion.isEmpty() ? "." : suggestion) + " Known backends: " + String.join(", ", new TreeSet<>(knownIds)));
        }
    }

    private static Duration parseDuration(String text, String what) {
        try {
            return ModelSettings.parseDuration(text, what);
        } catch (ConfigurationException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The command line's settings ({@code --setting}, {@code --startup ID=}) over the --prices file's, each file price with its origin (file and line). */
    private ModelSettings withPriceFile(AutoscalerModels models, Map<String, String> settings) {
        if (prices == null) {
            return ModelSettings.of(settings);
        }
        ModelSettings file;
        try {
            file = PriceFile.read(prices, new HashSet<>(models.ids()));
        } catch (NoSuchFileException e) {
            throw new InputException("cannot read the price file " + prices + ": no such file");
        } catch (IOException e) {
            throw new InputException("cannot read the price file " + prices + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new LinkedHashMap<>(file.asMap());
        values.putAll(settings);
        Map<String, String> origins = new LinkedHashMap<>();
        file.asMap().keySet().stream().filter(k -> !settings.containsKey(k)).forEach(k -> file.origin(k).ifPresent(o -> origins.put(k, o)));
        return ModelSettings.of(values, origins);
    }

    private LoadTrace readTrace(Duration bucket) {
        TraceOptions options = TraceOptions.DEFAULTS.withBucket(bucket);
        if (traceColumns != null) {
            try {
                options = options.withColumns(TraceColumns.parse(traceColumns));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--trace-columns: " + e.getMessage());
            }
        }
        if (traceUnit != null) {
            try {
                options = options.withUnit(TraceUnit.parse(traceUnit));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--trace-unit: " + e.getMessage());
            }
        }
        if (!Files.isRegularFile(trace)) {
            throw new InputException("cannot read the load trace " + trace + ": no such file");
        }
        return LoadTrace.read(trace, options);
    }
}
