package io.inferscale.cli;

import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.BackendProvider;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.Plan;
import io.inferscale.api.backend.Rendering;
import io.inferscale.api.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ExitCodesTest {

    private final CliHarness cli = new CliHarness();
    private final String seed = CliHarness.seed();

    /** A backend whose cloud is down: every call that needs the network fails. */
    static final class UnreachableProvider implements BackendProvider {
        @Override
        public String id() {
            return "unreachable";
        }

        @Override
        public Capabilities capabilities() {
            return Capabilities.all();
        }

        @Override
        public Backend create(BackendConfig config) {
            if (config.get("unreachable.broken").isPresent()) {
                throw new ConfigurationException("configuration 'unreachable.broken' must not be set");
            }
            return new Backend() {
                @Override
                public String id() {
                    return "unreachable";
                }

                @Override
                public Capabilities capabilities() {
                    return Capabilities.all();
                }

                @Override
                public Rendering render(InferenceEndpoint endpoint) {
                    return new Rendering("unreachable", "yaml", "kind: Nothing\n", List.of());
                }

                @Override
                public Plan plan(InferenceEndpoint endpoint) {
                    throw down();
                }

                @Override
                public ApplyResult apply(InferenceEndpoint endpoint) {
                    throw down();
                }

                @Override
                public Optional<EndpointStatus> get(String name) {
                    throw down();
                }

                @Override
                public List<EndpointStatus> list() {
                    throw down();
                }

                @Override
                public EndpointStatus awaitReady(String name, Duration timeout) {
                    throw down();
                }

                @Override
                public boolean delete(String name) {
                    throw down();
                }
            };
        }

        private static BackendException down() {
            return new BackendException("unreachable", BackendException.Reason.UNAVAILABLE, "connection refused (127.0.0.1:1)",
                    new java.net.ConnectException("Connection refused"));
        }
    }

    private final CliHarness down = new CliHarness().backends(Backends.of(new UnreachableProvider()));

    @Test
    void aBackendErrorIsExitThreeWithoutAStackTrace() {
        for (String[] args : List.of(
                new String[] {"plan", "-f", seed, "-b", "unreachable"},
                new String[] {"apply", "-f", seed, "-b", "unreachable"},
                new String[] {"get", "-b", "unreachable"},
                new String[] {"delete", "x", "-b", "unreachable"})) {
            CliHarness.Result r = down.run(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(ExitCode.BACKEND);
            assertThat(r.err()).as(String.join(" ", args))
                    .isEqualTo("error: unreachable: connection refused (127.0.0.1:1) (retrying later may help)" + System.lineSeparator());
        }
    }

    @Test
    void renderNeedsNoNetwork() {
        CliHarness.Result r = down.run("render", "-f", seed, "-b", "unreachable");
        assertThat(r.code()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).isEqualTo("kind: Nothing\n");
    }

    @Test
    void verbosePrintsTheStackTrace() {
        CliHarness.Result r = down.run("get", "-b", "unreachable", "--verbose");
        assertThat(r.code()).isEqualTo(ExitCode.BACKEND);
        assertThat(r.err()).contains("io.inferscale.api.BackendException").contains("Caused by: java.net.ConnectException");
    }

    @Test
    void aConfigurationErrorIsInvalidInputExitOne() {
        CliHarness.Result r = down.run("get", "-b", "unreachable", "--set", "unreachable.broken=yes");
        assertThat(r.code()).isEqualTo(ExitCode.INVALID);
        assertThat(r.err()).isEqualTo("error: configuration 'unreachable.broken' must not be set" + System.lineSeparator());
    }

    @Test
    void usageErrorsAreSixtyFour() {
        assertThat(cli.run().code()).isEqualTo(ExitCode.USAGE);
        assertThat(cli.run("deploy").code()).isEqualTo(ExitCode.USAGE);
        CliHarness.Result unknownOption = cli.run("get", "-b", "in-memory", "--colour");
        assertThat(unknownOption.code()).isEqualTo(ExitCode.USAGE);
        assertThat(unknownOption.err()).startsWith("error: Unknown option: '--colour'");
        CliHarness.Result noFile = cli.run("plan", "-b", "in-memory");
        assertThat(noFile.code()).isEqualTo(ExitCode.USAGE);
        assertThat(noFile.err()).contains("Missing required option: '--filename=FILE'");
    }

    @Test
    void setNeedsAKnownBackendPrefixAndAValue() {
        CliHarness.Result noValue = cli.run("get", "-b", "in-memory", "--set", "in-memory.readyDelay");
        assertThat(noValue.code()).isEqualTo(ExitCode.USAGE);
        assertThat(noValue.err()).startsWith("error: --set in-memory.readyDelay: no value; write --set in-memory.readyDelay=VALUE");
        CliHarness.Result badPrefix = cli.run("get", "-b", "in-memory", "--set", "region=us-east-1");
        assertThat(badPrefix.code()).isEqualTo(ExitCode.USAGE);
        assertThat(badPrefix.err()).startsWith("error: --set region: configuration keys start with a backend id and a dot");
    }

    @Test
    void anUnknownConfigurationKeyOfTheBackendIsReported() {
        CliHarness c = new CliHarness().backends(Backends.of(new io.inferscale.backend.inmemory.InMemoryBackendProvider()));
        CliHarness.Result r = c.run("get", "-b", "in-memory", "--set", "in-memory.readyDelai=5s");
        assertThat(r.code()).isEqualTo(ExitCode.INVALID);
        assertThat(r.err()).contains("unknown configuration 'in-memory.readyDelai'").contains("readyDelay");
    }

    @Test
    void anUnknownBackendIdIsAUsageErrorNamingTheIdsFound() {
        CliHarness.Result r = down.run("get", "-b", "unreachabel");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).startsWith("error: ").contains("unreachabel").contains("unreachable");
    }

    @Test
    void aMissingRequiredConfigurationValueIsInvalidInputNamingTheKey() {
        CliHarness c = new CliHarness().backends(Backends.of(new io.inferscale.backend.vertex.VertexBackendProvider()));
        CliHarness.Result r = c.run("get", "-b", "vertex");
        assertThat(r.code()).isEqualTo(ExitCode.INVALID);
        assertThat(r.err()).startsWith("error: missing configuration 'vertex.project'");
    }

    @Test
    void aMistypedCommandIsNeverAnsweredWithADestructiveOne() {
        // delete and apply are never offered (KubectlHabitsTest: delet); other suggestions still are
        CliHarness.Result applly = cli.run("applly", "-f", seed);
        assertThat(applly.err()).doesNotContain("Did you mean: inferscale apply");
        // a harmless one still is
        CliHarness.Result validat = cli.run("validat", "-f", seed);
        assertThat(validat.err()).contains("Did you mean: inferscale validate or inferscale operator?");
        CliHarness.Result option = cli.run("get", "-b", "in-memory", "--outptu", "json");
        assertThat(option.err()).contains("Possible solutions: --output");
    }

    @Test
    void helpAndVersionSucceed() {
        CliHarness.Result help = cli.run("--help");
        assertThat(help.code()).isEqualTo(ExitCode.OK);
        assertThat(help.out()).contains("Exit codes:").contains("backends").contains("apply").contains("INFERSCALE_BACKEND");
        CliHarness.Result applyHelp = cli.run("apply", "--help");
        assertThat(applyHelp.code()).isEqualTo(ExitCode.OK);
        assertThat(applyHelp.out()).contains("--wait[=DURATION]").contains("--set=KEY=VALUE");
        assertThat(cli.run("--version").out()).startsWith("inferscale ");
    }
}
