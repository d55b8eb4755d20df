package io.inferscale.cli;

import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.Plan;
import picocli.CommandLine.Command;

/** {@code inferscale plan -f FILE --backend ID}. */
@Command(name = "plan", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Show what apply would change (exit 2 when something would).",
        description = "Show the changes apply would make against the live backend (reads only). Exit 0 when there is nothing to do, 2 when there are changes (like terraform plan -detailed-exitcode).")
final class PlanCommand extends EndpointCommand {

    @Override
    public Integer call() {
        load();
        try (Backend b = backend.create(context())) {
            validateOn(b);
            Plan plan = b.plan(endpoint());
            out().print(plan.describe());
            out().flush();
            return plan.isEmpty() ? ExitCode.OK : ExitCode.CHANGES;
        }
    }
}
