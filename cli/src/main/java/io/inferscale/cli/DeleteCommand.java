package io.inferscale.cli;

import io.inferscale.api.backend.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code inferscale delete NAME --backend ID}. */
@Command(name = "delete", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Delete the endpoint (idempotent).",
        description = "Delete the endpoint and every resource InferScale created for it. Idempotent: deleting an endpoint that does not exist succeeds and says so.")
final class DeleteCommand extends BaseCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "the endpoint (metadata.name)")
    String name;

    @Mixin
    BackendSelection backend;

    @Override
    public Integer call() {
        try (Backend b = backend.create(context())) {
            if (b.delete(name)) {
                out().println("deleted: " + name + " on " + b.id());
            } else {
                out().println("not found: " + name + " on " + b.id() + " (nothing to delete)");
            }
        }
        out().flush();
        return ExitCode.OK;
    }
}
