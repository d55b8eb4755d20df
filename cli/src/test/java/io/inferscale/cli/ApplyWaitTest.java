package io.inferscale.cli;

import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.BackendProvider;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.Plan;
import io.inferscale.api.backend.ProgressListener;
import io.inferscale.api.validation.ValidationReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * {@code apply --wait} waits through the backend's own {@code awaitReady(name, timeout, listener)} and draws what the
 * listener receives; it never polls {@code status} or {@code get} itself.
 */
@ExtendWith(MockitoExtension.class)
@DisplayName("apply --wait: progress from the backend's own wait")
class ApplyWaitTest {

    private static final String NAME = "my-model-endpoint";

    @Mock
    Backend backend;

    private CliHarness cli;

    @BeforeEach
    void setUp() {
        when(backend.id()).thenReturn("mock");
        when(backend.validate(any(InferenceEndpoint.class))).thenReturn(ValidationReport.empty());
        when(backend.apply(any(InferenceEndpoint.class))).thenReturn(new ApplyResult(new Plan(NAME, "mock", List.of(), List.of()),
                status(EndpointState.CREATING, 0)));
        BackendProvider provider = new BackendProvider() {
            @Override
            public String id() {
                return "mock";
            }

            @Override
            public Capabilities capabilities() {
                return Capabilities.all();
            }

            @Override
            public Backend create(BackendConfig config) {
                return backend;
            }
        };
        cli = new CliHarness().backends(Backends.of(provider));
    }

    private static EndpointStatus status(EndpointState state, int ready) {
        return EndpointStatus.builder(NAME, "mock").state(state).replicaRange(1, 5).replicas(ready, 1).build();
    }

    @Test
    @DisplayName("each status the backend reports is one line (a repeat is not), then 'ready'; no status polling")
    void drawsReportedStatuses() {
        when(backend.awaitReady(eq(NAME), eq(Duration.ofMinutes(2)), any(ProgressListener.class))).thenAnswer(call -> {
            ProgressListener listener = call.getArgument(2);
            listener.onStatus(status(EndpointState.CREATING, 0));
            cli.clock.advance(Duration.ofSeconds(20));
            listener.onStatus(status(EndpointState.CREATING, 0));
            cli.clock.advance(Duration.ofSeconds(25));
            EndpointStatus ready = status(EndpointState.READY, 1);
            listener.onStatus(ready);
            return ready;
        });
        CliHarness.Result r = cli.run("apply", "-f", CliHarness.seed(), "-b", "mock", "--wait=2m");
        assertThat(r.code()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).contains("2026-01-01T00:00:00Z  my-model-endpoint  CREATING  replicas 0/1 ready/desired  0s")
                .contains("2026-01-01T00:00:45Z  my-model-endpoint  READY  replicas 1/1 ready/desired  45s")
                .contains("ready: my-model-endpoint on mock after 45s (1/1 replicas ready)");
        assertThat(r.out().lines().filter(l -> l.contains("CREATING  replicas"))).hasSize(1);
        verify(backend, never()).status(anyString());
        verify(backend, never()).get(anyString());
    }

    @Test
    @DisplayName("a timeout names the last status the backend reported and what to do, without another read")
    void timeoutUsesTheLastReportedStatus() {
        when(backend.awaitReady(eq(NAME), eq(Duration.ofSeconds(10)), any(ProgressListener.class))).thenAnswer(call -> {
            ((ProgressListener) call.getArgument(2)).onStatus(status(EndpointState.UPDATING, 0));
            throw new BackendException("mock", BackendException.Reason.TIMEOUT, "endpoint '" + NAME + "' not ready after 10s");
        });
        CliHarness.Result r = cli.run("apply", "-f", CliHarness.seed(), "-b", "mock", "--wait=10s");
        assertThat(r.code()).isEqualTo(ExitCode.BACKEND);
        assertThat(r.err()).startsWith("error: mock: endpoint 'my-model-endpoint' not ready after 10s (state UPDATING, replicas 0/1)")
                .contains("--wait=30m");
        verify(backend, never()).status(anyString());
    }

    @Test
    @DisplayName("a failure the backend reports while waiting is the command's error, with the backend's reason")
    void failureIsTheBackends() {
        when(backend.awaitReady(eq(NAME), any(Duration.class), any(ProgressListener.class))).thenThrow(
                new BackendException("mock", BackendException.Reason.FAILED, "endpoint '" + NAME + "' failed: image pull back-off"));
        CliHarness.Result r = cli.run("apply", "-f", CliHarness.seed(), "-b", "mock", "--wait");
        assertThat(r.code()).isEqualTo(ExitCode.BACKEND);
        assertThat(r.err()).contains("failed: image pull back-off");
    }
}
