package io.inferscale.cli;

import io.inferscale.api.backend.Backend;
import io.inferscale.api.codec.EndpointDocument;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import picocli.CommandLine.Command;

/** {@code inferscale validate -f FILE [--backend ID]}. */
@Command(name = "validate", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Check an endpoint document (exit 1 when invalid).",
        description = "Check an endpoint document: every problem at once, one line each on standard error, as 'FILE:LINE: error: field.path: message' (warnings likewise). With --backend (or $INFERSCALE_BACKEND), also that backend's capabilities and options. Exit 0 when valid (warnings allowed), 1 when not.")
final class ValidateCommand extends EndpointCommand {

    @Override
    public Integer call() {
        EndpointDocument doc = load();
        String backendId = backend.idOrNull(context());
        ValidationReport report;
        if (backendId == null) {
            report = doc.validate();
        } else {
            try (Backend b = backend.create(context())) {
                report = doc.locate(b.validate(doc.endpoint()));
            }
        }
        for (Problem p : report.sortedByLine().problems()) {
            err().println(Problems.format(source(), p));
        }
        err().flush();
        if (report.hasErrors()) {
            return ExitCode.INVALID;
        }
        int warnings = report.warnings().size();
        out().println(source() + ": endpoint '" + doc.endpoint().name() + "' is valid"
                + (backendId == null ? "" : " on backend '" + backendId + "'")
                + (warnings == 0 ? "" : " (" + warnings + (warnings == 1 ? " warning)" : " warnings)")));
        return ExitCode.OK;
    }
}
