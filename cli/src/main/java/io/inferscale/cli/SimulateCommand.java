package io.inferscale.cli;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.BackendProvider;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.codec.EndpointDocument;
import io.inferscale.api.simulation.AutoscalerModelProvider;
import io.inferscale.api.simulation.HtmlReport;
import io.inferscale.api.simulation.LoadTrace;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.api.simulation.Simulation;
import io.inferscale.api.simulation.SimulationJson;
import io.inferscale.api.simulation.SimulationResult;
import io.inferscale.api.simulation.SimulationSummary;
import io.inferscale.api.simulation.Simulations;
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
            description = "requests per second one replica serves at 100% of its CPU request")
    double replicaCapacity;

    @Option(names = "--startup", paramLabel = "SECONDS",
            description = "seconds from a scale-up decision to a ready replica (default: each backend's typical value)")
    Double startupSeconds;

    @Option(names = "--step", paramLabel = "SECONDS", defaultValue = "15",
            description = "output step in seconds (default: ${DEFAULT-VALUE}); decisions keep their own timing")
    double stepSeconds;

    @Option(names = "--setting", paramLabel = "KEY=VALUE",
            description = "override a model constant, repeatable, e.g. --setting kubernetes.tolerance=0.2")
    Map<String, String> settings = new LinkedHashMap<>();

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
        ReplicaProfile.Builder profile = ReplicaProfile.builder(replicaCapacity);
        if (startupSeconds != null) {
            if (startupSeconds < 0) {
                throw new UsageException("--startup must be 0 or more seconds, got " + startupSeconds);
            }
            profile.startup(Duration.ofMillis(Math.round(startupSeconds * 1000)));
        }
        LoadTrace load = readTrace(Duration.ofMillis(Math.max(1, Math.round(stepSeconds * 1000))));
        List<SimulationResult> results;
        try {
            results = Simulation.of(endpoint).trace(load).profile(profile.build())
                    .step(Duration.ofMillis(Math.max(1, Math.round(stepSeconds * 1000))))
                    .settings(ModelSettings.of(settings))
                    .compareProviders(providers);
        } catch (ConfigurationException e) {
            throw new InputException(e.getMessage(), e);
        }
        PrintWriter out = out();
        try {
            switch (format) {
                case csv -> SimulationResult.writeCsv(results, out);
                case json -> SimulationJson.write(results, out);
                default -> summaryTable(results).print(out);
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

    static Table summaryTable(List<SimulationResult> results) {
        Table t = new Table("BACKEND", "REPLICA-HOURS", "P50-UTIL", "P95-UTIL", "OVER-CAPACITY", "UNSERVED", "SCALE-UPS",
                "SCALE-DOWNS", "PEAK", "WORST-CATCH-UP");
        for (SimulationResult r : results) {
            SimulationSummary s = r.summary();
            t.row(r.backendId(), fmt("%.2f", s.replicaHours()), fmt("%.0f%%", s.p50UtilizationPercent()),
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

    private static String fmt(String pattern, double v) {
        return String.format(Locale.ROOT, pattern, v);
    }
}
