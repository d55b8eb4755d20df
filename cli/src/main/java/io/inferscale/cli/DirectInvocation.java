package io.inferscale.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plain {@code validate} or {@code render} command line, run without picocli (issue 19, cold start). Building
 * picocli's model is about a third of a cold {@code validate}: its ~170 classes, its built-in type converters
 * (which load {@code java.sql} and {@code java.time} classes) and one dynamic proxy per annotation type it reads.
 * These two commands are the ones run in scripts and CI loops, and their options are few, so {@link #parse}
 * recognises exactly the forms below and {@link Main#execute} runs the command object directly, with the same
 * fields picocli would set, the same output streams and the same error handling ({@link Main}'s handler).
 *
 * <p>Recognised: {@code [--verbose] validate|render} followed by any order of {@code -f FILE},
 * {@code --filename FILE}, {@code --filename=FILE}, {@code -b ID}, {@code --backend ID}, {@code --backend=ID},
 * {@code --set KEY=VALUE}, {@code --set=KEY=VALUE} (repeatable) and {@code --verbose} (before or after the command),
 * with {@code -f}/{@code --filename} exactly once and {@code --backend} and {@code --verbose} at most once. A value must be non-empty and must not start with {@code -}
 * (except {@code -} itself for the file: standard input) or {@code @} (picocli's argument files). Anything else
 * (help, {@code --version}, an unknown or repeated option, a missing value, {@code -fFILE}, {@code --}, a
 * {@code picocli.*} system property that changes parsing) returns {@code null} and goes to picocli, which
 * parses it, reports the error or prints the help exactly as before. {@code DirectInvocationTest} checks that
 * every recognised command line gives the fields picocli gives, and that the options here are the options
 * picocli's model of both commands has.
 */
final class DirectInvocation {

    /** The subcommands run directly: {@link EndpointCommand}s whose only options are the ones parsed here. */
    static final List<String> COMMANDS = List.of("validate", "render");

    /** The option names recognised, as picocli's model of both commands names them (help options aside). */
    static final List<String> OPTIONS = List.of("-f", "--filename", "-b", "--backend", "--set", "--verbose");

    final String command;
    final String file;
    final String backend;
    final Map<String, String> values;

    private DirectInvocation(String command, String file, String backend, Map<String, String> values) {
        this.command = command;
        this.file = file;
        this.backend = backend;
        this.values = values;
    }

    /**
     * The parse of {@code args} when it is a plain {@code validate} or {@code render} command line (see the class
     * comment), or {@code null} when picocli must handle it.
     */
    static DirectInvocation parse(String... args) {
        if (picocliConfigured()) {
            return null;
        }
        int i = 0;
        boolean verbose = false;
        if (args.length > 0 && "--verbose".equals(args[0])) {
            verbose = true;
            i++;
        }
        if (i == args.length || !COMMANDS.contains(args[i])) {
            return null;
        }
        String command = args[i++];
        String file = null;
        String backend = null;
        Map<String, String> values = new LinkedHashMap<>();
        while (i < args.length) {
            String arg = args[i++];
            if ("--verbose".equals(arg) && !verbose) {
                verbose = true;
                continue;
            }
            int eq = arg.startsWith("--") ? arg.indexOf('=') : -1;
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i < args.length) {
                value = args[i++];
            } else {
                return null; // a missing value: picocli reports it
            }
            boolean isFile = "-f".equals(name) || "--filename".equals(name);
            if (!plainValue(value, isFile)) {
                return null;
            }
            if (isFile && file == null) {
                file = value;
            } else if (("-b".equals(name) || "--backend".equals(name)) && backend == null) {
                backend = value;
            } else if ("--set".equals(name)) {
                int at = value.indexOf('=');
                values.put(at < 0 ? value : value.substring(0, at), at < 0 ? "" : value.substring(at + 1));
            } else {
                return null; // unknown, repeated, help or version: picocli
            }
        }
        return file == null ? null : new DirectInvocation(command, file, backend, values);
    }

    private static boolean plainValue(String value, boolean isFile) {
        return !value.isEmpty() && !value.startsWith("@") && (!value.startsWith("-") || (isFile && value.equals("-")));
    }

    /** Whether a {@code picocli.*} system property is set (tracing, quote trimming, argument-file syntax ...). */
    private static boolean picocliConfigured() {
        for (Object key : System.getProperties().keySet()) {
            if (key instanceof String s && s.startsWith("picocli.")) {
                return true;
            }
        }
        return false;
    }

    /** The command object, its fields set as picocli sets them, wired to {@code root}. */
    EndpointCommand newCommand(InferScaleCommand root) {
        // through newSubcommand (typed Object): naming both classes here would make the verifier load both
        EndpointCommand c = (EndpointCommand) InferScaleCommand.newSubcommand(command);
        c.root = root;
        c.file = file;
        c.backend = new BackendSelection();
        c.backend.id = backend;
        c.backend.values.putAll(values);
        return c;
    }

    /** {@code inferscale COMMAND}, as picocli names the subcommand in messages. */
    String qualifiedName() {
        return "inferscale " + command;
    }
}
