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

    CliContext context() {
        return root.context();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
