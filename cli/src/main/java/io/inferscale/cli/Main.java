package io.inferscale.cli;

import io.inferscale.api.BackendException;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.DiscoveryException;
import io.inferscale.api.InferScaleException;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import io.inferscale.simulator.trace.TraceFormatException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of the {@code inferscale} command ({@code java -jar inferscale.jar ...}). See
 * {@link ExitCode} for the exit codes. Errors are printed as one or more {@code error: ...} lines naming
 * what to fix; stack traces only with {@code --verbose}.
 */
public final class Main {

    private Main() {
    }

    /** Runs the command and exits the JVM with its exit code. */
    public static void main(String[] args) {
        configureLogging(args);
        System.exit(execute(CliContext.system(), new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Libraries log with stack traces; the command reports errors itself. Logging stays off unless --verbose,
     * except for the long-running operator, which logs warnings like any controller.
     */
    /** Loggers that print credentials at DEBUG: the AWS SDK's SigV4 signers (current and legacy). */
    static final List<String> AWS_SIGNER_LOGGERS = List.of("software.amazon.awssdk.http.auth.aws.internal.signer",
            "software.amazon.awssdk.auth.signer");

    static void configureLogging(String... args) {
        List<String> list = Arrays.asList(args);
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                    list.contains("--verbose") ? "debug" : list.contains("operator") ? "warn" : "off");
        }
        // The AWS SDK's SigV4 signers log the canonical request, x-amz-security-token included, at DEBUG: keep them
        // at INFO even with --verbose (a user who sets these properties explicitly decides otherwise)
        for (String logger : AWS_SIGNER_LOGGERS) {
            System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log." + logger, "info");
        }
        // progress the backends report while they retry (e.g. an unreachable Kubernetes API server) is for the user
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.io.inferscale.progress", "warn");
        // gRPC (Vertex AI) logs through java.util.logging, e.g. an INFO line about epoll on the first connection.
        // JavaLoggingLevel sets the root level if and when java.util.logging starts, which most commands never do.
        if (!list.contains("--verbose")) {
            String level = list.contains("operator") ? "WARNING" : "OFF";
            if (System.getProperty("java.util.logging.config.class") == null) {
                System.setProperty(JavaLoggingLevel.LEVEL_PROPERTY, level);
                System.setProperty("java.util.logging.config.class", JavaLoggingLevel.class.getName());
            } else {
                java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.parse(level));
            }
        }
    }

    /**
     * Runs the command without exiting, for tests and embedding.
     *
     * @param context the surroundings (stdin, environment, backends, clock)
     * @param out     standard output
     * @param err     standard error
     * @param args    the command line
     * @return the exit code
     */
    public static int execute(CliContext context, PrintWriter out, PrintWriter err, String... args) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        DirectInvocation direct = DirectInvocation.parse(args);
        if (direct != null) {
            return executeDirectly(direct, context, out, err, verbose);
        }
        CommandLine cl = commandLine(context, args);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("error: " + ex.getMessage());
            if (!printSafeSuggestions(ex, c.getErr())) {
                c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            }
            c.getErr().flush();
            return ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> handle(ex, c.getCommand(), c.getCommandSpec().qualifiedName(), c.getErr(), verbose));
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * Runs a plain {@code validate} or {@code render} without building picocli's model (start-up time, issue 19):
     * the command object gets the fields, streams and error handling that picocli would give it.
     */
    private static int executeDirectly(DirectInvocation direct, CliContext context, PrintWriter out, PrintWriter err, boolean verbose) {
        InferScaleCommand root = new InferScaleCommand(context);
        root.verbose = verbose;
        EndpointCommand command = direct.newCommand(root);
        command.directStreams(out, err);
        int code;
        try {
            code = command.call();
        } catch (Exception ex) {
            code = handle(ex, command, direct.qualifiedName(), err, verbose);
        }
        out.flush();
        err.flush();
        return code;
    }

    /**
     * Whether a subcommand changes or removes live endpoints, so it is never offered as a "did you mean" for a mistyped
     * word: the api's destructive words ({@code delete}), and {@code apply}.
     */
    static boolean changesLiveEndpoints(String command) {
        return command.equals("apply") || io.inferscale.api.validation.Suggestions.isDestructive(command);
    }

    /**
     * Prints picocli's suggestions for an unmatched word, except commands that change live endpoints: a typo of
     * {@code describe} must not be answered with {@code delete}.
     *
     * @return whether anything was printed
     */
    static boolean printSafeSuggestions(CommandLine.ParameterException ex, PrintWriter err) {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException unmatched)) {
            return false;
        }
        // a command suggestion may come qualified ("inferscale delete"): the command is the last word
        List<String> safe = unmatched.getSuggestions().stream()
                .filter(s -> !changesLiveEndpoints(s.substring(s.lastIndexOf(' ') + 1))).toList();
        if (safe.isEmpty()) {
            return false;
        }
        if (unmatched.isUnknownOption()) {
            err.println("Possible solutions: " + String.join(", ", safe));
        } else {
            String command = unmatched.getCommandLine().getCommandSpec().qualifiedName();
            err.println("Did you mean: " + String.join(" or ", safe.stream().map(s -> s.contains(" ") ? s : command + " " + s).toList()) + "?");
        }
        return true;
    }

    /** The picocli command tree with every subcommand, wired to {@code context}. */
    static CommandLine commandLine(CliContext context) {
        return commandLine(context, new String[0]);
    }

    /**
     * The picocli command tree for {@code args}: when they name a subcommand (after nothing but {@code --verbose}),
     * the root and that subcommand only, so start-up builds one subcommand's model instead of all of them;
     * otherwise (no subcommand, {@code help}, {@code --help}, {@code --version}, an unknown word) every
     * subcommand, so usage help and "did you mean" see them all. The parse result is the same either way.
     */
    static CommandLine commandLine(CliContext context, String... args) {
        CommandLine cl = new CommandLine(new InferScaleCommand(context));
        String requested = requestedSubcommand(args);
        for (String name : requested == null ? InferScaleCommand.SUBCOMMANDS : List.of(requested)) {
            cl.addSubcommand(name, InferScaleCommand.newSubcommand(name));
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }

    /** The subcommand {@code args} run, or {@code null} when every subcommand is needed (see {@link #commandLine}). */
    static String requestedSubcommand(String... args) {
        for (String arg : args) {
            if ("--verbose".equals(arg)) {
                continue; // the root's only option that may precede a subcommand without asking for help
            }
            return !"help".equals(arg) && InferScaleCommand.SUBCOMMANDS.contains(arg) ? arg : null;
        }
        return null;
    }

    /**
     * Prints an exception thrown by the command {@code cmd} ({@code qualifiedName}, e.g. {@code inferscale validate})
     * on {@code err} and returns the exit code.
     */
    private static int handle(Exception ex, Object cmd, String qualifiedName, PrintWriter err, boolean verbose) {
        int code;
        if (ex instanceof UsageException u) {
            err.println("error: " + u.getMessage());
            err.println("Try '" + qualifiedName + " --help' for more information.");
            code = ExitCode.USAGE;
        } else if (ex instanceof InvalidEndpointException invalid) {
            ValidationReport report = invalid.report();
            String source = "";
            if (cmd instanceof EndpointCommand ec) {
                report = ec.locate(report);
                source = ec.source();
            } else if (cmd instanceof SimulateCommand sc) {
                source = sc.source();
            } else if (cmd instanceof TuneCommand tc) {
                source = tc.source();
            }
            for (Problem p : report.sortedByLine().problems()) {
                err.println(Problems.format(source, p));
            }
            if (report.errors().isEmpty()) {
                err.println("error: " + ex.getMessage());
            }
            code = ExitCode.INVALID;
        } else if (ex instanceof InputException || ex instanceof TraceFormatException || ex instanceof ConfigurationException) {
            // A configuration value (--set, INFERSCALE_*, a simulation setting) is input the user fixes; the message names it.
            err.println("error: " + ex.getMessage());
            code = ExitCode.INVALID;
        } else if (ex instanceof DiscoveryException) {
            err.println("error: " + ex.getMessage());
            code = ExitCode.USAGE;
        } else if (ex instanceof BackendException be) {
            err.println("error: " + be.getMessage() + hint(be));
            code = be.reason() == BackendException.Reason.NOT_FOUND ? ExitCode.INVALID : ExitCode.BACKEND;
        } else if (ex instanceof InferScaleException) {
            err.println("error: " + ex.getMessage());
            code = ExitCode.BACKEND;
        } else {
            err.println("error: " + ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage())
                    + (verbose ? "" : " (run with --verbose for details)"));
            code = ExitCode.BACKEND;
        }
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    private static String hint(BackendException be) {
        return switch (be.reason()) {
            case PERMISSION_DENIED -> " (check the credentials' permissions)";
            case CONFIGURATION -> " (check the backend configuration: --set KEY=VALUE or INFERSCALE_* variables)";
            case THROTTLED, UNAVAILABLE -> " (retrying later may help)";
            case QUOTA_EXCEEDED -> " (raise the quota or lower maxReplicas)";
            default -> "";
        };
    }
}
