package io.inferscale.cli;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.BackendProvider;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.codec.EndpointDocument;
import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.simulation.AutoscalerModelProvider;
import io.inferscale.api.simulation.AutoscalerModels;
import io.inferscale.api.simulation.PriceCatalogue;
import io.inferscale.api.validation.ValidationReport;
import io.inferscale.simulator.CostEstimate;
import io.inferscale.simulator.Simulation;
import io.inferscale.simulator.SimulationJson;
import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.SimulationSummary;
import io.inferscale.simulator.report.HtmlReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

    @Mixin
    SimulationOptions simulation;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table (summary), csv (every tick: time_s,backend,demand_rps,ready_replicas,desired_replicas,"
                    + "utilization_pct,served_rps,unserved_rps) or json (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--report", paramLabel = "REPORT.html", description = "also write a self-contained HTML report with charts")
    Path report;

    @Override
    public Integer call() {
        List<String> ids = simulation.backendIds(context());
        EndpointDocument doc = load();
        InferenceEndpoint endpoint = doc.endpoint();
        AutoscalerModels models = AutoscalerModels.discover();
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

        SimulationOptions.Inputs inputs = simulation.resolve(context(), models);
        if (!inputs.capacityByType().isEmpty()) {
            throw new UsageException("--replica-capacity " + inputs.capacityByType().keySet().iterator().next()
                    + "=RPS is for tune --instance-types; simulate runs the spec's own machine: give its --replica-capacity RPS alone");
        }
        List<SimulationResult> results;
        try {
            results = Simulation.of(endpoint).trace(inputs.trace()).profile(inputs.profile()).step(inputs.step())
                    .settings(inputs.settings()).compareProviders(providers);
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

    private EndpointDocument load() {
        try {
            return "-".equals(file) ? EndpointCodec.read(context().in(), EndpointCommand.STDIN) : EndpointCodec.read(Path.of(file));
        } catch (IOException e) {
            throw InputException.cannotRead(file, e);
        }
    }

    String source() {
        return "-".equals(file) ? EndpointCommand.STDIN : file;
    }

    /**
     * One row per backend: the machine a replica runs on and its price, replica-hours, what the run costs (in total and
     * per million requests served), where the price comes from, the startup time, then the autoscaling figures, the time at
     * zero replicas and the requests lost while no replica was ready (at zero and during the cold start), of which those
     * lost while replicas were starting from zero, and the replica-hours and dollars scaling to zero saved against the same
     * policy with a floor of 1 replica ({@code -} when the run does not scale to zero or is not priced).
     */
    static Table summaryTable(List<SimulationResult> results) {
        Table t = new Table("BACKEND", "MACHINE", "USD/REPLICA-H", "PRICE", "REPLICA-HOURS", "COST", "USD/M-REQ", "STARTUP",
                "P50-UTIL", "P95-UTIL", "OVER-CAPACITY", "UNSERVED", "SCALE-UPS", "SCALE-DOWNS", "PEAK", "WORST-CATCH-UP",
                "AT-ZERO", "LOST-AT-ZERO", "LOST-COLD-START", "IDLE-SAVED-REPLICA-H", "IDLE-SAVED");
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
                            : s.stepsNeverCaughtUp() > 0 ? "never" : "-",
                    s.zeroReplicaSeconds() > 0 ? HumanDuration.format(Duration.ofSeconds(Math.round(s.zeroReplicaSeconds()))) : "-",
                    fmt("%.0f", s.requestsLostAtZero()), fmt("%.0f", s.requestsLostDuringColdStart()),
                    Double.isNaN(s.floorReplicaHours()) ? "-" : fmt("%.2f", s.idleReplicaHoursSaved()),
                    cost.filter(c -> !Double.isNaN(c.idleUsdSaved())).map(c -> fmt("$%.2f", c.idleUsdSaved())).orElse("-"));
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
