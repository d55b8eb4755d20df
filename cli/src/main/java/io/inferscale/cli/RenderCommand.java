package io.inferscale.cli;

import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.Note;
import io.inferscale.api.backend.Rendering;
import picocli.CommandLine.Command;

/** {@code inferscale render -f FILE --backend ID}. */
@Command(name = "render", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Print the native desired state, offline.",
        description = "Print the native desired state, offline (no credentials, no network): Kubernetes manifests as multi-document YAML; SageMaker and Vertex AI requests as a JSON array in call order. Warnings and notes (derived or approximated values) go to standard error.")
final class RenderCommand extends EndpointCommand {

    @Override
    public Integer call() {
        load();
        try (Backend b = backend.create(context())) {
            validateOn(b);
            Rendering rendering = b.render(endpoint());
            String text = rendering.text();
            out().print(text.endsWith("\n") ? text : text + "\n");
            out().flush();
            for (Note n : rendering.notes()) {
                err().println("note: " + n.path() + ": " + n.message());
            }
            err().flush();
        }
        return ExitCode.OK;
    }
}
