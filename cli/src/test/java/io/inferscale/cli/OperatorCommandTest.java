package io.inferscale.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-process checks; {@link ShadedJarIT} starts the operator against an unreachable cluster. */
class OperatorCommandTest {

    private final CliHarness cli = new CliHarness();

    @Test
    void readsOnlyKubernetesKeys() {
        CliHarness.Result r = cli.run("operator", "--set", "sagemaker.region=us-east-1");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).startsWith("error: --set sagemaker.region: the operator reads only kubernetes.* keys");
    }

    @Test
    void helpNamesTheInstallGuide() {
        CliHarness.Result r = cli.run("operator", "--help");
        assertThat(r.code()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).contains("--namespace=NS").contains("backend-kubernetes/README.md");
    }

    @Test
    void healthPortMustBeAPort() {
        CliHarness.Result r = cli.run("operator", "--health-port", "70000");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).startsWith("error: --health-port 70000: not a port number; use 0-65535");
    }

    @Test
    void helpListsTheHighAvailabilityOptions() {
        CliHarness.Result r = cli.run("operator", "--help");
        assertThat(r.out()).contains("--leader-election").contains("--health-port=PORT").contains("/readyz");
    }
}
