package io.inferscale.cli;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.backend.BackendProvider;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.codec.EndpointDocument;
import io.inferscale.api.codec.PriceFile;
import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.simulation.AutoscalerModelProvider;
import io.inferscale.api.simulation.CostEstimate;
import io.inferscale.api.simulation.HtmlReport;
import io.inferscale.api.simulation.LoadTrace;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.PriceCatalogue;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.api.simulation.Simulation;
import io.inferscale.api.simulation.SimulationJson;
import io.inferscale.api.simulation.SimulationResult;
import io.inferscale.api.simulation.SimulationSummary;
import io.inferscale.api.simulation.Simulations;
import io.inferscale.api.validation.Suggestions;
import io.inferscale.api.simulation.TraceColumns;
import io.inferscale.api.simulation.TraceOptions;
import io.inferscale.api.simulation.TraceUnit;
import io.inferscale.api.validation.ValidationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.Optional;


/** {@code inferscale simulate -f FILE --backend ID[,ID...] --trace TRACE.csv --replica-capacity RPS ...}. */
@Command(name = "simulate", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Simulate each cloud's autoscaler on a load trace.",
        description = "Simulate how each backend's autoscaler would size the endpoint under a load trace, offline. The trace is CSV: a rate trace (time_s,rps, piecewise constant, ending at the last row's time; or a timestamp column instead of time_s) or a request log (a timestamp column, one row per request, counted per --step). Output: a summary table per backend, or every tick as CSV or JSON; --report writes an HTML chart.")
final class SimulateCommand extends BaseCommand {

    /** Output formats. */
    enum Format { table, csv, json }

    @Option(names = {"-f", "--filename"}, paramLabel = "FILE", required = true,
            description = "the InferenceEndpoint document, YAML or JSON; - reads standard input")
    String file;

    @Option(names = {"-b", "--backend"}, paramLabel = "ID", split = ",",
            description = "the backends whose autoscaler to simulate, comma-separated or repeated, e.g. kubernetes,sagemaker,vertex "
                    + "(default: $INFERSCALE_BACKEND)")
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

    @Option(names = "--replica-capacity", paramLabel = "RPS", required = true,
            description = "requests per second one replica serves (its capacity, at 100%% of its CPU request); "
                    + "more only with --burst-to-cpu-limit")
    double replicaCapacity;

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
            description = {"backend configuration, as for the other commands (repeatable; also INFERSCALE_KEY variables): simulate uses",
                "the deployment region for prices: sagemaker.region and vertex.location (a --setting ID.region wins)"})
    Map<String, String> backendSettings = new LinkedHashMap<>();

    @Option(names = "--prices", paramLabel = "FILE",
            description = "YAML price overrides, e.g. sagemaker: {ml.g6.xlarge: 1.2} or kubernetes: {vcpuHour: 0.04}; "
                    + "--setting BACKEND.price.ITEM=USD wins over the file (see docs/simulation.md, Cost)")
    Path prices;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table (summary), csv (every tick: time_s,backend,demand_rps,ready_replicas,desired_replicas,"
                    + "utilization_pct,served_rps,unserved_rps) or json (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--report", paramLabel = "REPORT.html", description = "also write a self-contained HTML report with charts")
    Path report;

    @Override
    public Integer call() {
        List<String> ids = ids();
        EndpointDocument doc = load();
        InferenceEndpoint endpoint = doc.endpoint();
        Simulations models = Simulations.discover();
        Backends backends = context().backends();
        ValidationReport problems = doc.validate();
        List<AutoscalerModelProvider> providers = new ArrayList<>();
        for (String id : ids) {
            providers.add(models.model(id));
            if (backends.ids().contains(id)) {
                BackendProvider p = backends.provider(id);
                problems = problems.and(doc.locate(p.capabilities().check(endpoint, id)));
            }
        }
        problems.throwIfErrors("endpoint '" + endpoint.name() + "'");
        problems.sortedByLine().warnings().forEach(w -> err().println(Problems.format(source(), w)));
        err().flush();

        if (!(replicaCapacity > 0) || Double.isInfinite(replicaCapacity)) {
            throw new UsageException("--replica-capacity must be a positive number of requests per second, got " + replicaCapacity);
        }
        if (!(stepSeconds > 0)) {
            throw new UsageException("--step must be a positive number of seconds, got " + stepSeconds);
        }
        ReplicaProfile.Builder profile = ReplicaProfile.builder(replicaCapacity).burstToLimit(burstToCpuLimit);
        requireKnownSettingPrefixes(models.ids());
        Map<String, String> modelSettings = new TreeMap<>(settings);
        applyStartups(profile, modelSettings, models.ids());
        applyRegions(modelSettings);
        LoadTrace load = readTrace(Duration.ofMillis(Math.max(1, Math.round(stepSeconds * 1000))));
        List<SimulationResult> results;
        try {
            results = Simulation.of(endpoint).trace(load).profile(profile.build())
                    .step(Duration.ofMillis(Math.max(1, Math.round(stepSeconds * 1000))))
                    .settings(withPriceFile(models, modelSettings))
                    .compareProviders(providers);
        } catch (ConfigurationException e) {
            throw new InputException(e.getMessage(), e);
        }
        PrintWriter out = out();
        try {
            switch (format) {
                case csv -> SimulationResult.writeCsv(results, out);
                case json -> SimulationJson.write(results, out);
                default -> {
                    summaryTable(results).print(out);
                    printAssumptions(results, out);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a PrintWriter does not throw; it records errors instead
        }
        out.flush();
        if (report != null) {
            HtmlReport.write(results, report);
            err().println("report: " + report);
            err().flush();
        }
        return ExitCode.OK;
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
    private void applyRegions(Map<String, String> modelSettings) {
        BackendSelection selection = new BackendSelection();
        selection.values.putAll(backendSettings);
        io.inferscale.api.backend.BackendConfig config = selection.config(context()); // checks the keys as every command does
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

    /** After the summary table: each backend's assumptions (subject, value, source), as the results list them. */
    static void printAssumptions(List<SimulationResult> results, PrintWriter out) {
        for (SimulationResult r : results) {
            out.println();
            out.println("assumptions: " + r.backendId());
            Table t = new Table("SUBJECT", "VALUE", "SOURCE");
            for (Assumption a : r.assumptions()) {
                t.row(a.subject(), a.value(), a.source());
            }
            t.print(out);
        }
    }

    /** The command line's settings ({@code --setting}, {@code --startup ID=}) over the --prices file's, each file price with its origin (file and line). */
    private ModelSettings withPriceFile(Simulations models, Map<String, String> settings) {
        if (prices == null) {
            return ModelSettings.of(settings);
        }
        ModelSettings file;
        try {
            file = PriceFile.read(prices, new java.util.HashSet<>(models.ids()));
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

    private List<String> ids() {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        for (String id : backendIds) {
            if (!id.isBlank()) {
                ids.add(id.trim());
            }
        }
        if (ids.isEmpty()) {
            String env = context().env("INFERSCALE_BACKEND");
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
                    + String.join(", ", Simulations.discover().ids()) + ") or set INFERSCALE_BACKEND");
        }
        return List.copyOf(ids);
    }

    private EndpointDocument load() {
        try {
            return "-".equals(file) ? EndpointCodec.read(context().in(), EndpointCommand.STDIN) : EndpointCodec.read(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new InputException("cannot read " + file + ": no such file");
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    String source() {
        return "-".equals(file) ? EndpointCommand.STDIN : file;
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

    /**
     * One row per backend: the machine a replica runs on and its price, replica-hours, what the run costs (in total and
     * per million requests served), where the price comes from, the startup time, then the autoscaling figures.
     */
    static Table summaryTable(List<SimulationResult> results) {
        Table t = new Table("BACKEND", "MACHINE", "USD/REPLICA-H", "PRICE", "REPLICA-HOURS", "COST", "USD/M-REQ", "STARTUP",
                "P50-UTIL", "P95-UTIL", "OVER-CAPACITY", "UNSERVED", "SCALE-UPS", "SCALE-DOWNS", "PEAK", "WORST-CATCH-UP");
        for (SimulationResult r : results) {
            SimulationSummary s = r.summary();
            Optional<CostEstimate> cost = r.cost();
            String startup = r.assumptions().stream().filter(a -> a.subject().equals("startup")).map(Assumption::value).findFirst().orElse("-");
            t.row(r.backendId(), cost.map(c -> c.price().machine()).orElse("-"),
                    cost.map(c -> "$" + PriceCatalogue.quantity(c.price().usdPerHour())).orElse("-"),
                    cost.map(c -> priceOrigin(c.price().source())).orElse("none"),
                    fmt("%.2f", s.replicaHours()), cost.map(c -> fmt("$%.2f", c.totalUsd())).orElse("-"),
                    cost.filter(c -> !Double.isNaN(c.usdPerMillionRequestsServed())).map(c -> fmt("$%.2f", c.usdPerMillionRequestsServed()))
                            .orElse("-"),
                    startup, fmt("%.0f%%", s.p50UtilizationPercent()),
                    fmt("%.0f%%", s.p95UtilizationPercent()), HumanDuration.format(Duration.ofSeconds(Math.round(s.secondsOverCapacity()))),
                    fmt("%.2f%%", 100 * s.unservedFraction()), String.valueOf(s.scaleUps()), String.valueOf(s.scaleDowns()),
                    String.valueOf(s.peakReplicas()),
                    s.worstSecondsToCapacity().isPresent()
                            ? HumanDuration.format(Duration.ofSeconds(Math.round(s.worstSecondsToCapacity().getAsDouble())))
                                + (s.stepsNeverCaughtUp() > 0 ? " (" + s.stepsNeverCaughtUp() + " never)" : "")
                            : s.stepsNeverCaughtUp() > 0 ? "never" : "-");
        }
        return t;
    }

    /**
     * Where a price comes from, in a word or two: {@code catalogue}, {@code assumed} (a catalogue figure that is an
     * assumption), {@code --setting}, {@code --prices}; joined with {@code +} for a price made of parts.
     */
    static String priceOrigin(String source) {
        List<String> kinds = new ArrayList<>();
        for (String[] kind : new String[][] {{"catalogue:", "catalogue"}, {"assumption", "assumed"}, {"--setting ", "--setting"},
                {"--prices ", "--prices"}}) {
            if (source.startsWith(kind[0]) || source.contains("from " + kind[0])) {
                kinds.add(kind[1]);
            }
        }
        return kinds.isEmpty() ? "given" : String.join("+", kinds);
    }

    private static String fmt(String pattern, double v) {
        return String.format(Locale.ROOT, pattern, v);
    }
}
