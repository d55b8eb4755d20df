package io.inferscale.cli;

import io.inferscale.api.backend.Backend;
import io.inferscale.api.codec.EndpointDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** {@code inferscale delete NAME --backend ID} or {@code inferscale delete -f FILE|DIR|- --backend ID}. */
@Command(name = "delete", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Delete the endpoint (idempotent).",
        description = "Delete the endpoint and every resource InferScale created for it: by NAME, or every endpoint the documents of -f name (a file, a file of several '---' documents, a directory or - for standard input), like kubectl delete -f. Idempotent: deleting an endpoint that does not exist succeeds and says so.")
final class DeleteCommand extends BaseCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "the endpoint (metadata.name)")
    String name;

    @Option(names = {"-f", "--filename"}, paramLabel = "FILE",
            description = "delete the endpoints these documents name instead of NAME; - reads standard input")
    String file;

    @Mixin
    BackendSelection backend;

    @Override
    public Integer call() {
        if ((name == null) == (file == null)) {
            throw new UsageException(name == null
                    ? "delete needs the endpoint: give NAME (e.g. inferscale delete my-model-endpoint) or -f FILE"
                    : "give NAME or -f FILE, not both");
        }
        List<String> names = new ArrayList<>();
        if (file != null) {
            for (EndpointDocument doc : EndpointFiles.read(file, context().in())) {
                names.add(doc.endpoint().name());
            }
        } else {
            names.add(name);
        }
        try (Backend b = backend.create(context())) {
            for (String n : names) {
                if (b.delete(n)) {
                    out().println("deleted: " + n + " on " + b.id());
                } else {
                    out().println("not found: " + n + " on " + b.id() + " (nothing to delete)");
                }
                out().flush();
            }
        }
        return ExitCode.OK;
    }
}
