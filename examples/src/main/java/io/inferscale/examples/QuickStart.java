package io.inferscale.examples;

import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.codec.EndpointDocument;
import io.inferscale.api.validation.ValidationReport;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The README's main job: loads the seed's {@code inference_endpoint.yaml} (or the file given as the
 * first argument), validates it, applies it to the in-memory backend and prints its status. Needs no
 * cloud account.
 */
public final class QuickStart {

    private QuickStart() {
    }

    /** Runs the quick start; exit code 1 when the document is invalid. */
    public static void main(String[] args) throws IOException {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs the quick start, printing to the given streams; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        EndpointDocument doc;
        try {
            doc = args.length > 0 ? EndpointCodec.read(Path.of(args[0])) : bundledSeed();
        } catch (InvalidEndpointException e) {
            err.println(e.getMessage());
            return 1;
        }
        out.println("Loaded " + doc.source() + ": endpoint " + doc.endpoint().name() + " serving " + doc.endpoint().model().reference());
        ValidationReport report = doc.validate();
        report.problems().forEach(p -> (p.isError() ? err : out).println("  " + p));
        if (report.hasErrors()) {
            return 1;
        }
        out.println("Valid" + (report.isEmpty() ? ", no warnings." : " with " + report.warnings().size() + " warning(s)."));
        try (Backend backend = Backends.discover().create("in-memory", BackendConfig.fromEnvironment())) {
            out.print(backend.plan(doc.endpoint()).describe());
            backend.apply(doc.endpoint());
            EndpointStatus status = backend.awaitReady(doc.endpoint().name(), Duration.ofMinutes(1));
            out.printf("%-20s %-16s %-4s %-4s %-9s %-12s %s%n", "NAME", "MODEL", "MIN", "MAX", "REPLICAS", "TARGETS", "STATUS");
            out.printf("%-20s %-16s %-4d %-4d %-9s %-12s %s%n", status.name(), status.model().orElse("-"), status.minReplicas(),
                    status.maxReplicas(), status.replicasDisplay(),
                    String.join(",", status.metrics().stream().map(m -> m.display()).toList()), status.state());
        }
        return 0;
    }

    private static EndpointDocument bundledSeed() throws IOException {
        try (InputStream in = QuickStart.class.getResourceAsStream("/inference_endpoint.yaml")) {
            if (in == null) {
                throw new IOException("inference_endpoint.yaml is missing from the examples jar");
            }
            return EndpointCodec.read(in, "inference_endpoint.yaml");
        }
    }

}
