package io.inferscale.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** What every subcommand shares: the context and the output streams. */
abstract class BaseCommand implements Callable<Integer> {

    @ParentCommand
    InferScaleCommand root;

    @Spec
    CommandSpec spec;

    /** The output streams when the command runs without picocli ({@link DirectInvocation}); otherwise picocli's. */
    private PrintWriter directOut;
    private PrintWriter directErr;

    CliContext context() {
        return root.context();
    }

    PrintWriter out() {
        return directOut != null ? directOut : spec.commandLine().getOut();
    }

    PrintWriter err() {
        return directErr != null ? directErr : spec.commandLine().getErr();
    }

    /** Sets the output streams of a command run without picocli ({@link DirectInvocation}). */
    void directStreams(PrintWriter out, PrintWriter err) {
        this.directOut = out;
        this.directErr = err;
    }
}
