package io.inferscale.cli;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.codec.EndpointDocument;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A subcommand that reads an endpoint document ({@code -f FILE}) and talks to one backend. */
abstract class EndpointCommand extends BaseCommand {

    /** The source name used for standard input. */
    static final String STDIN = "<stdin>";

    @Option(names = {"-f", "--filename"}, paramLabel = "FILE", required = true,
            description = "the InferenceEndpoint document, YAML or JSON; - reads standard input")
    String file;

    @Mixin
    BackendSelection backend;

    private EndpointDocument document;

    /** Loads the document named by {@code -f}. */
    EndpointDocument load() {
        try {
            if ("-".equals(file)) {
                document = EndpointCodec.read(context().in(), STDIN);
            } else {
                Path path = Path.of(file);
                if (Files.isDirectory(path)) {
                    throw new InputException("cannot read " + file + ": it is a directory; give one endpoint document");
                }
                document = EndpointCodec.read(path);
            }
            return document;
        } catch (IOException e) {
            throw InputException.cannotRead(file, e);
        }
    }

    /** The loaded endpoint. */
    InferenceEndpoint endpoint() {
        return document.endpoint();
    }

    /** The document's name in messages: the file as given, or {@code <stdin>}. */
    String source() {
        return file == null ? "" : "-".equals(file) ? STDIN : file;
    }

    /** Gives problems the source line of their field, when the document has been loaded. */
    ValidationReport locate(ValidationReport report) {
        return document == null ? report : document.locate(report);
    }

    /**
     * Validates the endpoint on {@code b} (neutral rules, capabilities, options) and prints warnings to
     * standard error; errors are thrown and printed by {@link Main}.
     */
    ValidationReport validateOn(Backend b) {
        return validateOn(b, document);
    }

    /** {@link #validateOn(Backend)} for one of several documents ({@code apply -f DIR}). */
    ValidationReport validateOn(Backend b, EndpointDocument doc) {
        ValidationReport report = doc.locate(b.validate(doc.endpoint()));
        report.throwIfErrors("endpoint '" + doc.endpoint().name() + "' on backend '" + b.id() + "'");
        printWarnings(report, doc.source());
        return report;
    }

    void printWarnings(ValidationReport report) {
        printWarnings(report, source());
    }

    private void printWarnings(ValidationReport report, String source) {
        for (Problem p : report.sortedByLine().warnings()) {
            err().println(Problems.format(source, p));
        }
        err().flush();
    }
}
