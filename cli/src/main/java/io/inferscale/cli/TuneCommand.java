package io.inferscale.cli;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.codec.EndpointDocument;
import io.inferscale.api.codec.Json;
import io.inferscale.api.simulation.AutoscalerModels;
import io.inferscale.api.simulation.TuningKnob;
import io.inferscale.api.validation.ValidationReport;
import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.SimulationSummary;
import io.inferscale.simulator.tune.ServiceLevelObjective;
import io.inferscale.simulator.tune.SloViolation;
import io.inferscale.simulator.tune.TuneReport;
import io.inferscale.simulator.tune.TuneResult;
import io.inferscale.simulator.tune.Tuner;
import io.inferscale.simulator.tune.TuningEvaluation;
import io.inferscale.simulator.tune.WrittenRecommendation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@code inferscale tune -f FILE --backend ID[,ID...] --trace TRACE.csv --replica-capacity RPS [--slo KEY=VALUE,...] ...}. */
@Command(name = "tune", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Recommend each cloud's autoscaling settings for a trace and an SLO, at least cost.",
        description = "Search each backend's own autoscaling knobs (min and max replicas, target values, and the windows or cooldowns it honours) with its simulated autoscaler, for the cheapest setting that meets the SLO on the first part of the trace (the rest is held out and only reported). Writes each recommendation as DIR/<name>.<backend>.yaml, validated on that backend and simulated again from the file; prints current spec vs recommendation vs a static baseline. Exit 1 when no setting meets the SLO on a backend.")
final class TuneCommand extends BaseCommand {

    /** Output formats. */
    enum Format { table, json, yaml }

    @Option(names = {"-f", "--filename"}, paramLabel = "FILE", required = true, description = "the InferenceEndpoint document, YAML or JSON")
    Path file;

    @Mixin
    SimulationOptions simulation;

    @Option(names = "--slo", paramLabel = "KEY=VALUE", split = ",",
            description = "the objective: max-unserved (share of requests beyond capacity, default 0.5%%), max-over-capacity (e.g. 5m), "
                    + "max-catch-up (e.g. 2m), min-replicas (a floor, default 1); e.g. --slo max-unserved=0.1%%,min-replicas=2")
    Map<String, String> slo = new LinkedHashMap<>();

    @Option(names = "--keep", paramLabel = "FIELD", split = ",",
            description = "settings not to search (they keep the spec's value), e.g. --keep maxReplicas,targetCPUUtilizationPercentage")
    List<String> keep = new ArrayList<>();

    @Option(names = "--instance-types", paramLabel = "TYPE", split = ",",
            description = "also search these instance or machine types (sagemaker instanceType, vertex machineType; each backend takes "
                    + "the ones in its price catalogue), each with its capacity in --replica-capacity TYPE=RPS, e.g. --instance-types "
                    + "ml.c5.xlarge,n1-standard-4 --replica-capacity 40,ml.c5.xlarge=80,n1-standard-4=80")
    List<String> instanceTypes = new ArrayList<>();

    @Option(names = "--holdout", paramLabel = "SHARE", defaultValue = "20%",
            description = "the end of the trace held out of the search and only reported, e.g. 20%% or 0.2; 0 tunes on all of it "
                    + "(default: 20%%)")
    String holdout;

    @Option(names = "--out-dir", paramLabel = "DIR", defaultValue = ".",
            description = "where to write <name>.<backend>.yaml (default: the current directory)")
    Path outDir;

    @Option(names = "--one-file",
            description = "also write DIR/<name>.tuned.yaml: the spec as given with each backend's recommendation as spec.backends.<id> "
                    + "overrides (minReplicas, maxReplicas, targets, behavior, its own options), validated on each backend and simulated "
                    + "again per backend from that file")
    boolean oneFile;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table, json or yaml (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--report", paramLabel = "REPORT.html",
            description = "also write an HTML report: per backend, the cost-vs-SLO frontier of the settings tried and the replicas of "
                    + "current vs recommended")
    Path report;

    @Override
    public Integer call() {
        List<String> ids = simulation.backendIds(context());
        AutoscalerModels models = AutoscalerModels.discover();
        ids.forEach(models::model); // an unknown id is a usage error naming the ids found
        EndpointDocument doc = load();
        InferenceEndpoint endpoint = doc.endpoint();
        Backends backends = context().backends();
        ValidationReport problems = doc.validate();
        for (String id : ids) {
            if (backends.ids().contains(id)) {
                problems = problems.and(doc.locate(backends.provider(id).capabilities().check(endpoint, id)));
            }
        }
        problems.throwIfErrors("endpoint '" + endpoint.name() + "'");
        problems.sortedByLine().warnings().forEach(w -> err().println(Problems.format(file.toString(), w)));

        Tuner tuner = tuner(endpoint, models);
        List<Outcome> outcomes = new ArrayList<>();
        List<WrittenRecommendation> together = List.of();
        try {
            List<TuneResult> results = tuner.tune(ids);
            for (TuneResult result : results) {
                Optional<WrittenRecommendation> written = result.recommendation().map(r -> tuner.write(result, outDir, backends));
                outcomes.add(new Outcome(result, written));
            }
            if (oneFile && results.stream().anyMatch(r -> r.recommendation().isPresent())) {
                together = tuner.writeOneFile(results, outDir, backends);
            }
        } catch (ConfigurationException | java.io.UncheckedIOException e) {
            // a bad --keep, --setting or --instance-types, or an --out-dir that cannot be written
            throw new InputException(e.getMessage(), e);
        }
        PrintWriter out = out();
        switch (format) {
            case json -> out.println(Json.write(outcomes.stream().map(TuneCommand::tree).toList()));
            case yaml -> out.print(EndpointCodec.writeYaml(outcomes.stream().map(TuneCommand::tree).toList()));
            default -> outcomes.forEach(o -> printTable(o, out));
        }
        if (!together.isEmpty()) {
            (format == Format.table ? out : err()).println(oneFileLine(together, outcomes)); // json and yaml stay parseable
        }
        out.flush();
        for (Outcome o : outcomes) {
            o.written().ifPresent(w -> w.inheritedErrors().forEach(p -> err().println("warning: " + w.file() + ": the spec's own problem on "
                    + o.result().backendId() + ", not from tuning: " + p.path() + ": " + p.message())));
        }
        if (report != null) {
            TuneReport.write(outcomes.stream().map(Outcome::result).toList(), report);
            err().println("report: " + report);
        }
        err().flush();
        return outcomes.stream().allMatch(o -> o.result().recommendation().isPresent()) ? ExitCode.OK : ExitCode.INVALID;
    }

    /** One backend's result and, when a setting met the SLO, the file written and re-simulated. */
    record Outcome(TuneResult result, Optional<WrittenRecommendation> written) {
        /** The recommendation as simulated from its file, or the closest setting when none met the SLO. */
        TuningEvaluation chosen() {
            return written.map(WrittenRecommendation::evaluation).orElseGet(result::best);
        }
    }

    private Tuner tuner(InferenceEndpoint endpoint, AutoscalerModels models) {
        ServiceLevelObjective objective;
        try {
            objective = ServiceLevelObjective.parse(slo);
        } catch (ConfigurationException e) {
            throw new UsageException("--slo: " + e.getMessage());
        }
        SimulationOptions.Inputs inputs = simulation.resolve(context(), models);
        return Tuner.of(endpoint).instanceTypes(capacityByType(inputs.capacityByType())).trace(inputs.trace()).profile(inputs.profile()).step(inputs.step()).settings(inputs.settings())
                .slo(objective).keep(keep.stream().map(String::strip).filter(s -> !s.isEmpty()).toList()).holdout(holdoutShare())
                .models(models);
    }

    /**
     * {@code --instance-types} with the capacity {@code --replica-capacity TYPE=RPS} gives each: InferScale cannot know a
     * model's throughput on another machine, so a type without one is refused, as is a capacity for a type not searched.
     */
    private Map<String, Double> capacityByType(Map<String, Double> given) {
        Map<String, Double> byType = new LinkedHashMap<>();
        for (String type : instanceTypes.stream().map(String::strip).filter(t -> !t.isEmpty()).toList()) {
            Double rps = given.get(type);
            if (rps == null) {
                throw new UsageException("--instance-types " + type + ": give the requests per second one replica of " + type
                        + " serves with --replica-capacity " + type + "=RPS (InferScale cannot know a model's throughput on another "
                        + "machine; measure it), e.g. --replica-capacity " + simulation.replicaCapacities.get(0).strip() + "," + type + "=80");
            }
            byType.put(type, rps);
        }
        for (String type : given.keySet()) {
            if (!byType.containsKey(type)) {
                throw new UsageException("--replica-capacity " + type + "=RPS: " + type + " is not in --instance-types; add "
                        + "--instance-types " + type + " to search it, or drop its capacity");
            }
        }
        return byType;
    }

    /**
     * {@code wrote DIR/<name>.tuned.yaml with spec.backends.<id> overrides for a, b (validated on each; simulated from it per
     * backend: the same figures as the per-backend files)}, or which backend's figures differ.
     */
    private static String oneFileLine(List<WrittenRecommendation> together, List<Outcome> outcomes) {
        List<String> ids = new ArrayList<>();
        List<String> differ = new ArrayList<>();
        for (WrittenRecommendation w : together) {
            String id = w.evaluation().tuning().backendId();
            ids.add(id);
            outcomes.stream().filter(o -> o.result().backendId().equals(id)).findFirst().flatMap(Outcome::written)
                    .filter(alone -> !alone.evaluation().tuning().summary().equals(w.evaluation().tuning().summary()))
                    .ifPresent(alone -> differ.add(id));
        }
        return "wrote " + together.get(0).file() + " with spec.backends.<id> overrides for " + String.join(", ", ids) + " (validated on each; "
                + (differ.isEmpty() ? "simulated from it per backend: the same figures as the per-backend files)"
                : "simulated from it per backend: figures DIFFER from the per-backend files for " + String.join(", ", differ) + ")");
    }

    private double holdoutShare() {
        String s = holdout.strip();
        try {
            double v = s.endsWith("%") ? Double.parseDouble(s.substring(0, s.length() - 1).strip()) / 100 : Double.parseDouble(s);
            if (v >= 0 && v < 1) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException("--holdout was '" + holdout + "' but it must be a share of the trace from 0% to below 100%, e.g. "
                + "--holdout 20% or --holdout 0 to tune on all of it");
    }

    /** The document's name in messages. */
    String source() {
        return file.toString();
    }

    private EndpointDocument load() {
        if (!Files.isRegularFile(file)) {
            throw new InputException("cannot read " + file + ": no such file");
        }
        try {
            return EndpointCodec.read(file);
        } catch (java.io.IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void printTable(Outcome o, PrintWriter out) {
        TuneResult r = o.result();
        out.println(r.backendId() + ": " + r.objectiveDescription() + "; SLO " + r.slo() + "; tuned on the first "
                + HumanDuration.format(r.tuningPart()) + (r.holdoutPart().isZero() ? "" : ", holdout the last " + HumanDuration.format(r.holdoutPart()))
                + "; " + r.simulations() + " simulations");
        Table t = new Table("SETTING", "PART", "COST", "REPLICA-HOURS", "UNSERVED", "OVER-CAPACITY", "SCALE-EVENTS", "SLO");
        String chosen = o.written().isPresent() ? "recommended" : "closest";
        for (Map.Entry<String, TuningEvaluation> e : List.of(Map.entry("current", r.current()), Map.entry(chosen, o.chosen()),
                Map.entry("static " + r.baselineReplicas(), r.baseline()))) {
            TuningEvaluation ev = e.getValue();
            row(t, e.getKey(), r.holdoutPart().isZero() ? "all" : "tuning", ev.tuning(), ev.tuningViolations());
            ev.holdout().ifPresent(h -> row(t, e.getKey(), "holdout", h, ev.holdoutViolations()));
        }
        t.print(out);
        r.targetTypeChange().ifPresent(c -> out.println("target type changed: " + c));
        List<String> changes = changes(r, o.chosen().endpoint());
        out.println("changes: " + (changes.isEmpty() ? "none (the spec is already the cheapest setting found)" : String.join(", ", changes)));
        if (o.written().isPresent()) {
            out.println("wrote " + o.written().get().file() + " (validated on " + r.backendId() + "; the figures above are simulated from it)");
        } else {
            out.println("no setting meets the SLO on " + r.backendId() + ": closest misses "
                    + String.join(", ", r.best().tuningViolations().stream().map(SloViolation::toString).toList()));
        }
        out.println();
    }

    private static void row(Table t, String setting, String part, SimulationResult run, List<SloViolation> violations) {
        SimulationSummary s = run.summary();
        t.row(setting, part, run.cost().map(c -> String.format(Locale.ROOT, "$%.2f", c.totalUsd())).orElse("-"),
                String.format(Locale.ROOT, "%.2f", s.replicaHours()), String.format(Locale.ROOT, "%.2f%%", 100 * s.unservedFraction()),
                HumanDuration.format(Duration.ofSeconds(Math.round(s.secondsOverCapacity()))),
                String.valueOf(s.scaleUps() + s.scaleDowns()),
                violations.isEmpty() ? "met" : "missed: " + String.join("; ", violations.stream().map(SloViolation::toString).toList()));
    }

    /**
     * {@code maxReplicas 5 -> 2}, for each knob whose value differs; a target the spec had and the chosen setting has not
     * ({@code targetCPUUtilizationPercentage 60 -> (removed)}); the instance type when it changed.
     */
    static List<String> changes(TuneResult r, InferenceEndpoint chosen) {
        List<String> changes = new ArrayList<>();
        r.instanceType().ifPresent(t -> changes.add(t.toString()));
        for (io.inferscale.api.ScalingTarget t : r.current().endpoint().autoscaling().targets()) {
            if (chosen.autoscaling().target(t.type()).isEmpty()) {
                changes.add(t.type().field() + " " + t.value().toPlainString() + " -> (removed)");
            }
        }
        for (TuningKnob k : r.knobs()) {
            Optional<BigDecimal> before = k.read(r.current().endpoint());
            Optional<BigDecimal> after = k.read(chosen);
            if (!before.map(BigDecimal::stripTrailingZeros).equals(after.map(BigDecimal::stripTrailingZeros))) {
                String absent = k.kind() == TuningKnob.Kind.TARGET ? "(none)" : "(default)";
                changes.add(k.name() + " " + before.map(BigDecimal::toPlainString).orElse(absent) + " -> "
                        + after.map(BigDecimal::toPlainString).orElse(absent));
            }
        }
        return changes;
    }

    private static Map<String, Object> tree(Outcome o) {
        TuneResult r = o.result();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", r.backendId());
        m.put("objective", r.objectiveDescription());
        m.put("slo", r.slo().toString());
        m.put("tuningSeconds", r.tuningPart().toMillis() / 1000.0);
        m.put("holdoutSeconds", r.holdoutPart().toMillis() / 1000.0);
        m.put("simulations", r.simulations());
        m.put("meetsSlo", o.written().isPresent());
        o.written().ifPresent(w -> m.put("file", w.file().toString()));
        m.put("changes", changes(r, o.chosen().endpoint()));
        r.targetTypeChange().ifPresent(c -> {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("from", new ArrayList<>(c.from()));
            t.put("to", c.to().field());
            t.put("reason", c.reason());
            t.put("nativeMetric", c.nativeMetric());
            m.put("targetTypeChange", t);
        });
        r.instanceType().ifPresent(c -> {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("path", c.path());
            t.put("from", c.from());
            t.put("to", c.to());
            t.put("replicaCapacityRps", c.replicaCapacity());
            m.put("instanceTypeChange", t);
        });
        m.put("current", evaluation(r.current()));
        m.put(o.written().isPresent() ? "recommended" : "closest", evaluation(o.chosen()));
        Map<String, Object> baseline = evaluation(r.baseline());
        baseline.put("replicas", r.baselineReplicas());
        m.put("staticBaseline", baseline);
        return m;
    }

    private static Map<String, Object> evaluation(TuningEvaluation e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tuning", part(e.tuning(), e.tuningViolations()));
        e.holdout().ifPresent(h -> m.put("holdout", part(h, e.holdoutViolations())));
        return m;
    }

    private static Map<String, Object> part(SimulationResult run, List<SloViolation> violations) {
        SimulationSummary s = run.summary();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("costUsd", run.cost().map(c -> (Object) c.totalUsd()).orElse(null));
        m.put("replicaHours", s.replicaHours());
        m.put("unservedFraction", s.unservedFraction());
        m.put("secondsOverCapacity", s.secondsOverCapacity());
        m.put("scaleEvents", s.scaleUps() + s.scaleDowns());
        m.put("sloViolations", new ArrayList<>(violations.stream().map(SloViolation::toString).toList())); // a fresh list: no YAML aliases
        return m;
    }
}
