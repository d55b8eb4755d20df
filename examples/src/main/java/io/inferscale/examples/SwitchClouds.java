package io.inferscale.examples;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.Rendering;
import io.inferscale.api.codec.EndpointDocument;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The same code deployed to each cloud: the backend comes from the class path, so switching clouds is a
 * change of Maven dependency (in this module, a profile), not of code.
 *
 * <pre>
 * mvn -pl examples -Pkubernetes exec:java -Dexec.mainClass=io.inferscale.examples.SwitchClouds
 * mvn -pl examples -Psagemaker  exec:java -Dexec.mainClass=io.inferscale.examples.SwitchClouds
 * mvn -pl examples -Pvertex     exec:java -Dexec.mainClass=io.inferscale.examples.SwitchClouds -Dexec.args=apply
 * </pre>
 *
 * <p>The argument says what to do with {@code portable_endpoint.yaml}: {@code render} (default; offline, no
 * account), {@code plan} (reads the live state) or {@code apply} (deploys and waits until ready). Cloud
 * configuration comes from the environment ({@code INFERSCALE_SAGEMAKER_EXECUTION_ROLE_ARN},
 * {@code INFERSCALE_VERTEX_PROJECT}, ...) and credentials from each cloud's default chain.
 */
public final class SwitchClouds {

    private SwitchClouds() {
    }

    /** Runs with the backend found on the class path; exits 1 when the endpoint is invalid there. */
    public static void main(String[] args) throws IOException {
        int code = run(args.length > 0 ? args[0] : "render", Backends.discover(), System::getenv, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Renders, plans or applies {@code portable_endpoint.yaml} with the backend {@link BackendChoice} picks.
     *
     * @return 0, or 1 when the endpoint is invalid on that backend
     * @throws IllegalArgumentException for an unknown action
     */
    public static int run(String action, Backends backends, UnaryOperator<String> environment, PrintStream out, PrintStream err)
            throws IOException {
        EndpointDocument doc = QuickStart.bundled("portable_endpoint.yaml");
        InferenceEndpoint endpoint = doc.endpoint();
        String id = BackendChoice.choose(backends, environment);
        out.println("Backend: " + id + " (found on the class path: " + String.join(", ", backends.ids()) + ")");

        // Everything below is the same for every cloud.
        try (Backend backend = backends.create(id, BackendConfig.fromEnvironment())) {
            ValidationReport report = doc.locate(backend.validate(endpoint));
            for (Problem p : report.problems()) {
                err.println((p.hasLocation() ? doc.source() + ":" + p.line() + ": " : "") + p.format());
            }
            if (report.hasErrors()) {
                return 1;
            }
            switch (action) {
                case "render" -> {
                    Rendering r = backend.render(endpoint);
                    out.print(r.text().endsWith("\n") ? r.text() : r.text() + "\n");
                    r.notes().forEach(n -> err.println("note: " + n.path() + ": " + n.message()));
                }
                case "plan" -> out.print(backend.plan(endpoint).describe());
                case "apply" -> {
                    ApplyResult result = backend.apply(endpoint);
                    out.print(result.plan().describe());
                    EndpointStatus status = backend.awaitReady(endpoint.name(), Duration.ofMinutes(30));
                    out.println(status.name() + ": " + status.state() + ", " + status.replicasDisplay() + " replicas ready");
                }
                default -> throw new IllegalArgumentException("unknown action '" + action + "': use render, plan or apply");
            }
        }
        return 0;
    }
}
