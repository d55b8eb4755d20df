package io.inferscale.examples;

import io.inferscale.api.DiscoveryException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.Note;
import io.inferscale.api.backend.Rendering;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.codec.EndpointDocument;
import io.inferscale.api.simulation.AutoscalerModelProvider;
import io.inferscale.api.simulation.AutoscalerModels;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import io.inferscale.simulator.Simulation;
import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.SimulationSummary;
import io.inferscale.simulator.report.HtmlReport;
import io.inferscale.simulator.trace.LoadTrace;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The README's main job, with no cloud account: loads the seed's {@code inference_endpoint.yaml} (or the
 * file given as the first argument), validates it, renders it for Kubernetes, SageMaker and Vertex AI,
 * simulates the three autoscalers on the bundled diurnal trace and writes the HTML report, then applies
 * it to the in-memory backend and prints {@code get}.
 *
 * <p>Renderings and the report go to the directory in the system property {@code inferscale.examples.output}
 * (the Maven build sets {@code examples/target/quickstart}; default {@code target/quickstart}).
 */
public final class QuickStart {

    /** The clouds compared. */
    static final List<String> CLOUDS = List.of("kubernetes", "sagemaker", "vertex");

    /**
     * Container images used when a cloud needs one and the document has none: the seed names only a model,
     * which Kubernetes turns into an image itself, but SageMaker pulls from Amazon ECR and Vertex AI from
     * Artifact Registry. Example values; the renderings say which one was used.
     */
    static final Map<String, String> EXAMPLE_IMAGES = Map.of(
            "sagemaker", "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-ml-model:v1",
            "vertex", "us-docker.pkg.dev/my-project/models/my-ml-model:v1");

    /** Requests per second one replica serves at 100% of its CPU request, for the simulation. */
    static final double REPLICA_CAPACITY_RPS = 40;

    private QuickStart() {
    }

    /** Runs the quick start; exits with 1 when the document is invalid. */
    public static void main(String[] args) throws IOException {
        Path output = Path.of(System.getProperty("inferscale.examples.output", "target/quickstart"));
        int code = run(args, System.out, System.err, output, Backends.discover());
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Runs the quick start.
     *
     * @param args     optionally the endpoint document to use instead of the bundled seed
     * @param out      where the steps are printed
     * @param err      where problems are printed
     * @param output   directory for the renderings and the simulation report (created)
     * @param backends the backends to use
     * @return 0, or 1 when the document is invalid
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Path output, Backends backends) throws IOException {
        // 1. Load
        EndpointDocument doc;
        try {
            doc = args.length > 0 ? EndpointCodec.read(Path.of(args[0])) : bundled("inference_endpoint.yaml");
        } catch (InvalidEndpointException e) {
            err.println(e.getMessage());
            return 1;
        }
        InferenceEndpoint endpoint = doc.endpoint();
        heading(out, "1. Load");
        out.println("Loaded " + doc.source() + ": endpoint " + endpoint.name() + " serving " + endpoint.model().reference()
                + ", " + endpoint.autoscaling().minReplicas() + ".." + endpoint.autoscaling().maxReplicas() + " replicas");

        // 2. Validate (the neutral rules; each backend adds its own below)
        heading(out, "2. Validate");
        ValidationReport report = doc.validate();
        report.problems().forEach(p -> (p.isError() ? err : out).println("  " + located(doc, p)));
        if (report.hasErrors()) {
            return 1;
        }
        out.println("Valid" + (report.isEmpty() ? ", no warnings." : " with " + report.warnings().size() + " warning(s)."));

        // 3. Render for each cloud, offline
        heading(out, "3. Render for each cloud (offline: no account, no network)");
        Files.createDirectories(output);
        TextTable rendered = new TextTable("BACKEND", "FORMAT", "CREATES", "NOTES");
        for (String id : CLOUDS) {
            if (!backends.ids().contains(id)) {
                out.println(id + ": not on the class path (add " + Backends.KNOWN_ARTIFACTS.get(id) + ")");
                continue;
            }
            try (Backend backend = backends.create(id, BackendConfig.fromEnvironment())) {
                InferenceEndpoint target = endpoint;
                ValidationReport onCloud = doc.locate(backend.validate(target));
                if (onCloud.hasErrors() && endpoint.model().image().isEmpty() && EXAMPLE_IMAGES.containsKey(id)) {
                    out.println(id + " rejects the document before any call:");
                    onCloud.errors().forEach(p -> out.println("    " + located(doc, p)));
                    String image = EXAMPLE_IMAGES.get(id);
                    out.println("  so this quick start sets spec.model.image: " + image);
                    target = endpoint.toBuilder().model(endpoint.model().toBuilder().image(image).build()).build();
                }
                Rendering r = backend.render(target);
                Path file = output.resolve("render-" + id + "." + r.format());
                Files.writeString(file, r.text(), StandardCharsets.UTF_8);
                out.println("--- " + id + " (" + r.format() + ", " + r.text().lines().count() + " lines, saved to " + file + ")");
                out.print(r.text().endsWith("\n") ? r.text() : r.text() + "\n");
                for (Note n : r.notes()) {
                    out.println("  note: " + n.path() + ": " + n.message());
                }
                rendered.row(id, r.format(), kinds(r), String.valueOf(r.notes().size()));
            } catch (InvalidEndpointException e) {
                out.println(id + " rejects it: " + e.getMessage());
            }
        }
        out.println();
        out.println("Side by side:");
        rendered.print(out);

        // 4. Simulate the three autoscalers on a day of traffic
        heading(out, "4. Simulate each cloud's autoscaler on a day of traffic");
        LoadTrace day = LoadTrace.parseCsv(text("traces/diurnal-day.csv"), "diurnal-day.csv");
        AutoscalerModels models = AutoscalerModels.discover();
        List<AutoscalerModelProvider> providers = new ArrayList<>();
        for (String id : CLOUDS) {
            try {
                providers.add(models.model(id));
            } catch (DiscoveryException e) {
                out.println(id + ": no autoscaler model found, not simulated (" + e.getMessage() + ")");
            }
        }
        if (!providers.isEmpty()) {
            List<SimulationResult> results = Simulation.of(endpoint).trace(day)
                    .profile(ReplicaProfile.of(REPLICA_CAPACITY_RPS)).compareProviders(providers);
            out.println("Trace: diurnal-day.csv, " + fmt(day.peakRps()) + " rps at peak; one replica serves "
                    + fmt(REPLICA_CAPACITY_RPS) + " rps at 100% of its CPU request.");
            TextTable table = new TextTable("BACKEND", "REPLICA-HOURS", "P50-UTIL", "P95-UTIL", "OVER-CAPACITY",
                    "SCALE-UPS", "SCALE-DOWNS", "PEAK");
            for (SimulationResult r : results) {
                SimulationSummary s = r.summary();
                table.row(r.backendId(), String.format(Locale.ROOT, "%.1f", s.replicaHours()),
                        String.format(Locale.ROOT, "%.0f%%", s.p50UtilizationPercent()),
                        String.format(Locale.ROOT, "%.0f%%", s.p95UtilizationPercent()),
                        String.format(Locale.ROOT, "%.0fs", s.secondsOverCapacity()), String.valueOf(s.scaleUps()),
                        String.valueOf(s.scaleDowns()), String.valueOf(s.peakReplicas()));
            }
            table.print(out);
            Path html = output.resolve("simulation-report.html");
            HtmlReport.write(results, html);
            out.println("Report with charts: " + html.toAbsolutePath());
        }

        // 5. Apply to the in-memory backend and show it like kubectl get hpa
        heading(out, "5. Apply to the in-memory backend");
        try (Backend backend = backends.create("in-memory", BackendConfig.fromEnvironment())) {
            out.print(backend.plan(endpoint).describe());
            backend.apply(endpoint);
            EndpointStatus status = backend.awaitReady(endpoint.name(), Duration.ofMinutes(1));
            new TextTable("NAME", "MODEL", "MIN", "MAX", "REPLICAS", "TARGETS", "STATUS")
                    .row(status.name(), status.model().orElse("<none>"), String.valueOf(status.minReplicas()),
                            String.valueOf(status.maxReplicas()), status.replicasDisplay(),
                            String.join(", ", status.metrics().stream().map(m -> m.display()).toList()), status.state().name())
                    .print(out);
        }
        out.println();
        out.println("Next: the same with the inferscale command (java -jar cli/target/inferscale.jar --help), "
                + "or deploy to a cloud with SwitchClouds.");
        return 0;
    }

    private static void heading(PrintStream out, String title) {
        out.println();
        out.println("== " + title);
    }

    private static String located(EndpointDocument doc, Problem p) {
        return (p.hasLocation() ? doc.source() + ":" + p.line() + ": " : "") + p.format();
    }

    /** The kinds of native objects (YAML) or API calls (JSON) in a rendering. */
    private static String kinds(Rendering r) {
        List<String> found = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("yaml".equals(r.format()) ? "(?m)^kind: (\\S+)" : "\"(?:operation|method)\": \"([^\"]+)\"")
                .matcher(r.text());
        while (m.find()) {
            found.add(m.group(1));
        }
        return String.join(", ", found);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** A document bundled in the examples jar. */
    static EndpointDocument bundled(String name) throws IOException {
        try (InputStream in = QuickStart.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IOException(name + " is missing from the examples jar");
            }
            return EndpointCodec.read(in, name);
        }
    }

    /** A text resource bundled in the examples jar. */
    static String text(String name) throws IOException {
        try (InputStream in = QuickStart.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IOException(name + " is missing from the examples jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
