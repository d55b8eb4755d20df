package io.inferscale.cli;

import io.inferscale.api.BackendException;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.MetricStatus;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.codec.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code inferscale get [NAME] --backend ID [-o table|wide|name|json|yaml]}. */
@Command(name = "get", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Show endpoints like kubectl get hpa.",
        description = "Show endpoints like 'kubectl get hpa': NAME, MODEL, MIN, MAX, REPLICAS (ready/desired), TARGETS (current/target), STATUS, AGE. Without NAME, every endpoint InferScale manages on the backend.")
final class GetCommand extends BaseCommand {

    /** Output formats. */
    enum Format { table, wide, name, json, yaml }

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "one endpoint (default: all)")
    String name;

    @Mixin
    BackendSelection backend;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table; wide (every target, the backend, the status message); name (inferenceendpoint/NAME, one a line, "
                    + "for scripts); json or yaml (default: ${DEFAULT-VALUE})")
    Format format;

    @Override
    public Integer call() {
        List<EndpointStatus> statuses;
        String backendId;
        try (Backend b = backend.create(context())) {
            backendId = b.id();
            if (name != null) {
                statuses = List.of(b.get(name).orElseThrow(() -> new BackendException(b.id(), BackendException.Reason.NOT_FOUND,
                        "endpoint '" + name + "' not found; list the endpoints with 'inferscale get --backend " + b.id() + "'")));
            } else {
                statuses = b.list();
            }
        }
        switch (format) {
            case json -> out().println(Json.write(name != null ? statuses.get(0).toTree() : statuses.stream().map(EndpointStatus::toTree).toList()));
            case yaml -> out().print(EndpointCodec.writeYaml(name != null ? statuses.get(0).toTree() : statuses.stream().map(EndpointStatus::toTree).toList()));
            case name -> statuses.forEach(s -> out().println("inferenceendpoint/" + s.name()));
            default -> {
                if (statuses.isEmpty()) {
                    err().println("No endpoints found on backend '" + backendId + "'.");
                } else if (format == Format.wide) {
                    wideTable(statuses, context().clock().instant()).print(out());
                } else {
                    table(statuses, context().clock().instant()).print(out());
                }
            }
        }
        out().flush();
        return ExitCode.OK;
    }

    static Table table(List<EndpointStatus> statuses, Instant now) {
        Table t = new Table("NAME", "MODEL", "MIN", "MAX", "REPLICAS", "TARGETS", "STATUS", "AGE");
        for (EndpointStatus s : statuses) {
            t.row(s.name(), s.model().orElse("<none>"), String.valueOf(s.minReplicas()), String.valueOf(s.maxReplicas()),
                    s.replicasDisplay(), targets(s.metrics()), s.state().name(),
                    s.createdAt().map(c -> HumanDuration.format(Duration.between(c, now))).orElse("<unknown>"));
        }
        return t;
    }

    /** {@code -o wide}: every target (not the first two), then the backend and the status message. */
    static Table wideTable(List<EndpointStatus> statuses, Instant now) {
        Table t = new Table("NAME", "MODEL", "MIN", "MAX", "REPLICAS", "TARGETS", "STATUS", "AGE", "BACKEND", "MESSAGE");
        for (EndpointStatus s : statuses) {
            t.row(s.name(), s.model().orElse("<none>"), String.valueOf(s.minReplicas()), String.valueOf(s.maxReplicas()),
                    s.replicasDisplay(), s.metrics().isEmpty() ? "<none>"
                            : String.join(", ", s.metrics().stream().map(MetricStatus::display).toList()), s.state().name(),
                    s.createdAt().map(c -> HumanDuration.format(Duration.between(c, now))).orElse("<unknown>"), s.backendId(),
                    s.message().orElse("<none>"));
        }
        return t;
    }

    /** kubectl's TARGETS column: the first two metrics, then {@code + N more...}. */
    static String targets(List<MetricStatus> metrics) {
        if (metrics.isEmpty()) {
            return "<none>";
        }
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < Math.min(2, metrics.size()); i++) {
            shown.add(metrics.get(i).display());
        }
        String s = String.join(", ", shown);
        return metrics.size() > 2 ? s + " + " + (metrics.size() - 2) + " more..." : s;
    }
}
