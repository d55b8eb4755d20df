package io.inferscale.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code inferscale completion bash|zsh}: a completion script generated from the command model. */
@Command(name = "completion", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Print a bash or zsh completion script.",
        description = {"Print a shell completion script generated from the commands and options themselves, so it never falls behind them.",
            "bash:  source <(java -jar inferscale.jar completion bash)   (or save it under /etc/bash_completion.d/)",
            "zsh:   autoload -U +X bashcompinit && bashcompinit && source <(java -jar inferscale.jar completion zsh)",
            "The script completes the command name 'inferscale' (the launcher cli/target/inferscale, or an alias)."})
final class CompletionCommand extends BaseCommand {

    /** Supported shells: both use picocli's bash script (zsh through bashcompinit). */
    enum Shell { bash, zsh }

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh")
    Shell shell;

    @Override
    public Integer call() {
        CommandLine all = Main.commandLine(context()); // every subcommand, whatever this run built
        out().print(AutoComplete.bash("inferscale", all));
        out().flush();
        return ExitCode.OK;
    }
}
