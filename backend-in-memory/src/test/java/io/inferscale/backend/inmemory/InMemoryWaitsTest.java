package io.inferscale.backend.inmemory;

import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.ProgressListener;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.inferscale.backend.inmemory.InMemoryBackendTest.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The in-memory backend's waits report progress")
class InMemoryWaitsTest {

    private static final String NAME = "my-model-endpoint";

    private final ManualClock clock = ManualClock.atEpochOf2026();
    private final Instant start = clock.instant();
    /** What the listener saw: "+seconds STATE ready/desired", as the CLI's apply --wait draws it. */
    private final List<String> seen = new ArrayList<>();
    private final ProgressListener listener = s -> seen.add("+" + Duration.between(start, clock.instant()).toSeconds() + "s "
            + s.state() + " " + s.replicasDisplay());

    /** As the CLI tests build a slow backend ({@code CliHarness(Duration.ofSeconds(30))}). */
    private InMemoryBackend slowBackend() {
        return InMemoryBackend.builder().clock(clock).readyDelay(Duration.ofSeconds(30)).build();
    }

    @Test
    @DisplayName("a create: CREATING with no replica ready, then READY with every replica, at the ready time")
    void reportsCreatingThenReady() {
        InMemoryBackend b = slowBackend();
        b.apply(seed());
        EndpointStatus ready = b.awaitReady(NAME, Duration.ofMinutes(1), listener);
        assertThat(seen).containsExactly("+0s CREATING 0/1", "+30s READY 1/1");
        assertThat(ready.isReady()).isTrue();
        assertThat(clock.instant()).isEqualTo(start.plusSeconds(30));
    }

    @Test
    @DisplayName("an update: UPDATING with the replicas ready before, then READY")
    void reportsUpdatingThenReady() {
        InMemoryBackend b = slowBackend();
        b.apply(seed());
        b.awaitReady(NAME, Duration.ofMinutes(1));
        b.scale(NAME, 3);
        InferenceEndpoint v2 = seed().toBuilder().model(seed().model().toBuilder().version("v2").build()).build();
        b.apply(v2);
        seen.clear();
        b.awaitReady(NAME, Duration.ofMinutes(1), listener);
        assertThat(seen).containsExactly("+30s UPDATING 3/3", "+60s READY 3/3");
    }

    @Test
    @DisplayName("an endpoint already ready: one READY status, the clock does not move")
    void reportsReadyOnce() {
        InMemoryBackend b = InMemoryBackend.builder().clock(clock).build();
        b.apply(seed());
        b.awaitReady(NAME, Duration.ofMinutes(1), listener);
        assertThat(seen).containsExactly("+0s READY 1/1");
        assertThat(clock.instant()).isEqualTo(start);
    }

    @Test
    @DisplayName("a timeout: the last observed state in the message, the manual clock advanced by the timeout")
    void timeoutNamesTheLastState() {
        InMemoryBackend b = slowBackend();
        b.apply(seed());
        assertThatThrownBy(() -> b.awaitReady(NAME, Duration.ofSeconds(10), listener))
                .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.reason()).isEqualTo(BackendException.Reason.TIMEOUT))
                .hasMessage("in-memory: endpoint 'my-model-endpoint' not ready after PT10S (state CREATING, replicas 0/1; ready in PT20S)");
        assertThat(seen).containsExactly("+0s CREATING 0/1");
        assertThat(clock.instant()).isEqualTo(start.plusSeconds(10));
    }

    @Test
    @DisplayName("a listener that throws ends the wait with its exception, and the backend stays usable")
    void listenerExceptionEndsTheWait() {
        InMemoryBackend b = slowBackend();
        b.apply(seed());
        IllegalStateException stop = new IllegalStateException("stop");
        assertThatThrownBy(() -> b.awaitReady(NAME, Duration.ofMinutes(1), s -> {
            throw stop;
        })).isSameAs(stop);
        assertThat(b.awaitReady(NAME, Duration.ofMinutes(1)).isReady()).isTrue();
    }

    @Test
    @DisplayName("the statuses reported are the ones get returns at the same instants")
    void reportsWhatGetReturns() {
        InMemoryBackend b = slowBackend();
        b.apply(seed());
        List<EndpointStatus> statuses = new ArrayList<>();
        List<EndpointStatus> gotten = new ArrayList<>();
        b.awaitReady(NAME, Duration.ofMinutes(1), s -> {
            statuses.add(s);
            gotten.add(b.get(NAME).orElseThrow());
        });
        assertThat(statuses).isEqualTo(gotten).hasSize(2);
    }
}
