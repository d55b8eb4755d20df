package io.inferscale.cli;

import io.inferscale.api.BackendException;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.Condition;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.MetricStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/** {@code inferscale describe NAME --backend ID}: one endpoint in full, like {@code kubectl describe hpa}. */
@Command(name = "describe", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Show one endpoint in full, like kubectl describe.",
        description = "Show one endpoint in full, like 'kubectl describe hpa': state and message, replicas, every metric against its target, conditions, and the backend's native objects and details (on SageMaker the last scaling activity, on Kubernetes the Deployment and HPA counts).")
final class DescribeCommand extends BaseCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "the endpoint (metadata.name)")
    String name;

    @Mixin
    BackendSelection backend;

    @Override
    public Integer call() {
        EndpointStatus s;
        try (Backend b = backend.create(context())) {
            s = b.get(name).orElseThrow(() -> new BackendException(b.id(), BackendException.Reason.NOT_FOUND,
                    "endpoint '" + name + "' not found; list the endpoints with 'inferscale get --backend " + b.id() + "'"));
        }
        print(s, context().clock().instant(), out());
        out().flush();
        return ExitCode.OK;
    }

    static void print(EndpointStatus s, Instant now, PrintWriter out) {
        field(out, "Name", s.name());
        field(out, "Backend", s.backendId());
        field(out, "Model", s.model().orElse("<none>"));
        field(out, "State", s.state() + s.message().map(m -> " (" + m + ")").orElse(""));
        field(out, "Replicas", s.readyReplicas() + " ready / " + s.desiredReplicas() + " desired (min " + s.minReplicas()
                + ", max " + s.maxReplicas() + ")");
        field(out, "Created", s.createdAt().map(c -> c.truncatedTo(ChronoUnit.SECONDS) + " (" + HumanDuration.format(Duration.between(c, now))
                + " ago)").orElse("<unknown>"));
        out.println("Metrics:" + (s.metrics().isEmpty() ? " <none>" : ""));
        for (MetricStatus m : s.metrics()) {
            out.println("  " + m.name() + ":  " + m.display() + "  (current / target)");
        }
        out.println("Conditions:" + (s.conditions().isEmpty() ? " <none>" : ""));
        if (!s.conditions().isEmpty()) {
            Table t = new Table("  TYPE", "STATUS", "REASON", "MESSAGE");
            for (Condition c : s.conditions()) {
                t.row("  " + c.type(), c.status(), c.reason() == null ? "" : c.reason(), c.message() == null ? "" : c.message());
            }
            t.print(out);
        }
        out.println("Details:" + (s.details().isEmpty() ? " <none>" : ""));
        for (Map.Entry<String, String> d : s.details().entrySet()) {
            out.println("  " + d.getKey() + ":  " + d.getValue());
        }
    }

    private static void field(PrintWriter out, String label, String value) {
        out.println(label + ":" + " ".repeat(Math.max(1, 11 - label.length())) + value);
    }
}
