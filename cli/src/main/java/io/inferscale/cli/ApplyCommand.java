package io.inferscale.cli;

import io.inferscale.api.BackendException;
import io.inferscale.api.codec.EndpointDocument;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.EndpointOutcome;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.FleetResult;
import io.inferscale.api.backend.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** {@code inferscale apply -f FILE|DIR|- --backend ID [--wait[=DURATION]]}. */
@Command(name = "apply", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Create or update the endpoint; --wait follows it until ready.",
        description = "Create or update the endpoint (idempotent: an unchanged endpoint makes no change). -f takes a file, a file of several documents separated by '---' lines, a directory (its .yaml, .yml and .json files) or - for standard input; every document is validated before the first change, and several documents are applied together (Backend.applyAll: 8 at a time, the live state read in bulk where the backend can). With --wait, follow each until ready: a live progress line on a terminal, timestamped lines otherwise.")
final class ApplyCommand extends EndpointCommand {


    @Option(names = "--wait", arity = "0..1", paramLabel = "DURATION", fallbackValue = "15m",
            converter = DurationConverter.class,
            description = "wait until ready, at most DURATION (90s, 10m, 1h, PT20M; default 15m); exit 3 on timeout or failure")
    Duration wait;

    @Override
    public Integer call() throws InterruptedException {
        List<EndpointDocument> docs = EndpointFiles.read(file, context().in());
        try (Backend b = backend.create(context())) {
            for (EndpointDocument doc : docs) {
                validateOn(b, doc); // every document is checked before the first change
            }
            if (docs.size() == 1) {
                print(b, docs.get(0).endpoint().name(), b.apply(docs.get(0).endpoint()));
            } else {
                // several documents: one fleet apply (bounded concurrency, bulk reads where the backend has them); every
                // result is printed in document order, then the first failure is the command's error
                FleetResult<ApplyResult> results = b.applyAll(docs.stream().map(EndpointDocument::endpoint).toList());
                for (EndpointOutcome<ApplyResult> o : results.outcomes()) {
                    if (o.succeeded()) {
                        print(b, o.name(), o.result());
                    } else if (results.failures().size() > 1) {
                        err().println("failed: " + o.name() + " on " + b.id() + ": " + o.failure().getMessage());
                        err().flush();
                    }
                }
                results.orThrow();
            }
            if (wait != null) {
                for (EndpointDocument doc : docs) {
                    follow(b, doc.endpoint().name(), wait);
                }
            }
        }
        return ExitCode.OK;
    }

    private void print(Backend b, String name, ApplyResult result) {
        PrintWriter out = out();
        if (result.changed()) {
            out.print(result.plan().describe());
            out.println("applied: " + name + " on " + b.id() + " (" + describe(result.status()) + ")");
        } else {
            out.println("unchanged: " + name + " on " + b.id() + " is up to date (" + describe(result.status()) + ")");
        }
        out.flush();
    }

    /**
     * Follows one endpoint until ready through {@link Backend#awaitReady(String, Duration, ProgressListener)}: the
     * backend's own watch, waiter or operation poll reports each status it observes, and each one is drawn (redrawn
     * in place on a terminal, a timestamped line otherwise). No status polling of its own.
     */
    private void follow(Backend b, String name, Duration timeout) {
        CliContext ctx = context();
        PrintWriter out = out();
        Instant start = ctx.clock().instant();
        Progress progress = new Progress(ctx, out, name, start);
        EndpointStatus ready;
        try {
            ready = b.awaitReady(name, timeout, progress);
        } catch (BackendException e) {
            progress.endLine();
            if (e.reason() != BackendException.Reason.TIMEOUT) {
                throw e;
            }
            EndpointStatus last = progress.last != null ? progress.last : b.status(name);
            throw new BackendException(b.id(), BackendException.Reason.TIMEOUT, "endpoint '" + name + "' not ready after "
                    + HumanDuration.format(timeout) + " (state " + last.state() + ", replicas " + last.replicasDisplay()
                    + "); it keeps converging: follow it with 'inferscale get " + name + "', or wait longer with --wait=30m", e);
        }
        if (progress.last == null || !progress.last.equals(ready)) {
            progress.onStatus(ready);
        }
        progress.endLine();
        out.println("ready: " + name + " on " + b.id() + " after " + HumanDuration.format(Duration.between(start, ctx.clock().instant()))
                + " (" + ready.replicasDisplay() + " replicas ready)");
        out.flush();
    }

    /** Draws each status the backend reports while it waits. */
    private static final class Progress implements ProgressListener {
        private final CliContext ctx;
        private final PrintWriter out;
        private final String name;
        private final Instant start;
        private EndpointStatus last;
        private String lastKey;
        private int width;

        Progress(CliContext ctx, PrintWriter out, String name, Instant start) {
            this.ctx = ctx;
            this.out = out;
            this.name = name;
            this.start = start;
        }

        @Override
        public void onStatus(EndpointStatus s) {
            last = s;
            Instant now = ctx.clock().instant();
            String line = name + "  " + s.state() + "  replicas " + s.replicasDisplay() + " ready/desired  "
                    + HumanDuration.format(Duration.between(start, now)) + s.message().map(m -> "  " + m).orElse("");
            String key = s.state() + " " + s.replicasDisplay() + s.message().orElse("");
            if (ctx.terminal()) {
                out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
                width = line.length();
            } else if (!key.equals(lastKey)) {
                out.println(now.truncatedTo(ChronoUnit.SECONDS) + "  " + line);
            }
            lastKey = key;
            out.flush();
        }

        /** Ends the redrawn line on a terminal. */
        void endLine() {
            if (ctx.terminal() && width > 0) {
                out.println();
                width = 0;
                out.flush();
            }
        }
    }

    private static String describe(EndpointStatus s) {
        return s.state() + ", replicas " + s.replicasDisplay();
    }

    /** Parses {@code 90s}, {@code 10m}, {@code 1h}, {@code 250ms}, plain seconds or ISO-8601. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                Duration d = BackendConfig.parseDuration(value);
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("must be positive");
                }
                return d;
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value
                        + "' is not a duration; write e.g. 90s, 10m, 1h or PT20M");
            }
        }
    }
}
