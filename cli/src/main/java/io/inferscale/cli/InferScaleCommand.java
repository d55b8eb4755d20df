package io.inferscale.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;
import java.util.concurrent.Callable;

/** The top-level {@code inferscale} command; the work is done by its subcommands. */
@Command(name = "inferscale",
        mixinStandardHelpOptions = true,
        versionProvider = InferScaleCommand.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Deploy one provider-neutral InferenceEndpoint (model + resources + autoscaling policy) to Kubernetes, AWS SageMaker or Google Vertex AI, plan changes before making them, and simulate each cloud's autoscaler.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success; for plan: no changes",
            "1:invalid input (document, configuration value, endpoint not found) or a capability the backend rejects",
            "2:plan: there are changes to make",
            "3:backend or network error (cloud credentials included); timeout",
            "64:usage error (unknown option, missing argument, unknown backend)"},
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  INFERSCALE_BACKEND     default for --backend",
            "  INFERSCALE_<KEY>       any backend configuration key, e.g. INFERSCALE_SAGEMAKER_REGION for sagemaker.region",
            "Cloud credentials come from each cloud's default chain: kubeconfig, the AWS default credential chain,",
            "Google application default credentials."})
final class InferScaleCommand implements Callable<Integer> {

    /**
     * The subcommands, in the order the usage help lists them. They are registered by {@link Main#commandLine}
     * rather than by {@code @Command(subcommands = ...)} so that a run builds the picocli model of the one
     * subcommand it executes: reflecting over all of them costs about a third of {@code validate}'s start-up, and
     * {@code operator}'s class links the Kubernetes client.
     */
    static final List<String> SUBCOMMANDS = List.of("backends", "validate", "render", "plan", "apply", "get", "describe", "delete",
            "simulate", "tune", "operator", "completion", "help");

    /** A new instance of the subcommand {@code name}, one of {@link #SUBCOMMANDS}. */
    static Object newSubcommand(String name) {
        return switch (name) {
            case "backends" -> new BackendsCommand();
            case "validate" -> new ValidateCommand();
            case "render" -> new RenderCommand();
            case "plan" -> new PlanCommand();
            case "apply" -> new ApplyCommand();
            case "get" -> new GetCommand();
            case "describe" -> new DescribeCommand();
            case "completion" -> new CompletionCommand();
            case "delete" -> new DeleteCommand();
            case "simulate" -> new SimulateCommand();
            case "tune" -> new TuneCommand();
            case "operator" -> new OperatorCommand();
            case "help" -> new CommandLine.HelpCommand();
            default -> throw new IllegalArgumentException("no subcommand " + name);
        };
    }

    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "print stack traces and debug logging on errors")
    boolean verbose;

    InferScaleCommand(CliContext context) {
        this.context = context;
    }

    CliContext context() {
        return context;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }

    /** The version from the jar's manifest, or {@code development} when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = InferScaleCommand.class.getPackage().getImplementationVersion();
            return new String[] {"inferscale " + (v == null ? "development" : v),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
