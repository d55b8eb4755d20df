package io.inferscale.testkit.faults;

import io.inferscale.api.BackendException;
import io.inferscale.api.backend.Backend;
import io.inferscale.testkit.faults.FakeControls.Scenario;
import io.inferscale.testkit.faults.FaultInjectionHarness.Row;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The cases of the {@link FaultInjectionHarness}, run through a backend's {@link FakeControls}: the clean runs of each
 * {@link Scenario} (the reference states and the calls to fail), then one case per (scenario, call, fault, mode) that
 * checks the API's promise and says which {@link Outcome} it met. Not thread-safe: JUnit runs one case at a time.
 */
final class FaultCases {

    private final FakeControls fake;
    private final Map<Scenario, String> expectedState = new EnumMap<>(Scenario.class);
    private final Map<Scenario, List<String>> cleanCalls = new EnumMap<>(Scenario.class);
    private String emptyState;
    private boolean cleanRunsRecorded;

    FaultCases(FakeControls fake) {
        this.fake = fake;
    }

    /** The fake's state before anything was applied. */
    String emptyState() {
        return emptyState;
    }

    /** The state a clean run of {@code scenario} leaves. */
    String expectedState(Scenario scenario) {
        return expectedState.get(scenario);
    }

    /** The calls a clean run of {@code scenario} made, in order. */
    List<String> cleanCalls(Scenario scenario) {
        return cleanCalls.get(scenario);
    }

    /** The calls failed in turn in {@code scenario} (the fake's {@link FakeControls#callsToFail}). */
    List<String> callsToFail(Scenario scenario) {
        return fake.callsToFail(scenario, cleanCalls.get(scenario));
    }

    /** Clean runs of each scenario: the reference states and the calls to fail (once; later calls return at once). */
    void recordCleanRuns() {
        if (cleanRunsRecorded) {
            return;
        }
        if (emptyState != null) {
            throw new AssertionError("the clean runs failed (see cleanRunsReachTheirStatesAndDeleteLeavesNothing)");
        }
        for (Scenario scenario : Scenario.values()) {
            fake.startFake();
            try {
                if (emptyState == null) {
                    emptyState = fake.state();
                }
                setUp(scenario);
                int before = fake.calls().size();
                run(scenario);
                cleanCalls.put(scenario, List.copyOf(fake.calls().subList(before, fake.calls().size())));
                expectedState.put(scenario, fake.state());
            } finally {
                fake.stopFake();
            }
        }
        cleanRunsRecorded = true;
    }

    /** Runs {@code scenario} with {@code fault} on {@code call} and checks the promise; fails when it is broken. */
    Row runCase(Scenario scenario, String call, Fault fault, FaultMode mode) {
        String expected = expectedState.get(scenario);
        String counted = fake.countedAs(call);
        long cleanCount = cleanCalls.get(scenario).stream().filter(counted::equals).count();
        fake.startFake();
        try {
            setUp(scenario);
            int before = fake.calls().size();
            Throwable thrown = runWithFault(scenario, call, fault, mode);
            long sent = fake.calls().subList(before, fake.calls().size()).stream().filter(counted::equals).count();
            if (fake.faultsInjected() == 0) {
                throw new AssertionError("the " + fault + " armed on " + call + " never fired during " + scenario.label()
                        + ": arm() does not match the requests the fake sees (check the call names)");
            }
            if (thrown == null) {
                assertThat(fake.state()).as("state after " + scenario.label() + " completed despite " + fault + " on " + call)
                        .isEqualTo(expected);
                Outcome outcome = sent > cleanCount ? Outcome.RETRIED : Outcome.HANDLED;
                return new Row(scenario, call, fault, mode, outcome, "sent " + sent + "x, clean run " + cleanCount + "x");
            }
            assertSafeFailure(scenario, call, fault, thrown);
            Throwable rerun = runCatching(scenario);
            if (rerun != null) {
                fail("re-running " + scenario.label() + " after " + fault + " on " + call + " failed: " + rerun, rerun);
            }
            assertThat(fake.state()).as("state after re-running " + scenario.label() + " (" + fault + " on " + call + ")")
                    .isEqualTo(expected);
        } finally {
            fake.stopFake();
        }
        if (scenario != Scenario.DELETE) {
            deleteRightAfterFailure(scenario, call, fault, mode);
        }
        return new Row(scenario, call, fault, mode, Outcome.FAILED_SAFELY, "");
    }

    /** The same failed run again, then a delete without faults: nothing may be left. */
    private void deleteRightAfterFailure(Scenario scenario, String call, Fault fault, FaultMode mode) {
        fake.startFake();
        try {
            setUp(scenario);
            Throwable thrown = runWithFault(scenario, call, fault, mode);
            if (thrown == null) {
                return; // the fault was absorbed this time (e.g. timing); the first run already covered the failure
            }
            assertSafeFailure(scenario, call, fault, thrown);
            try (Backend backend = fake.newBackend()) {
                backend.delete(fake.endpoint().name());
            } catch (Exception e) {
                fail("delete after a failed " + scenario.label() + " (" + fault + " on " + call + ") failed: " + e, e);
            }
            assertThat(fake.state()).as("orphans after delete following a failed " + scenario.label() + " (" + fault + " on " + call + ")")
                    .isEqualTo(emptyState);
        } finally {
            fake.stopFake();
        }
    }

    /** Runs the scenario's operation with {@code fault} armed on {@code call}; returns what it threw, or null. */
    private Throwable runWithFault(Scenario scenario, String call, Fault fault, FaultMode mode) {
        fake.arm(call, fault, mode);
        try {
            return runCatching(scenario);
        } finally {
            fake.disarm();
        }
    }

    private void assertSafeFailure(Scenario scenario, String call, Fault fault, Throwable thrown) {
        if (!(thrown instanceof BackendException be)) {
            throw new AssertionError(scenario.label() + " with " + fault + " on " + call
                    + " threw " + thrown.getClass().getName() + " instead of a BackendException naming the step", thrown);
        }
        if (be.step().isEmpty() || !be.getMessage().contains("Re-running")) {
            throw new AssertionError(scenario.label() + " with " + fault + " on " + call
                    + " failed without naming the step and that re-running is safe: " + be.getMessage(), be);
        }
    }

    private void setUp(Scenario scenario) {
        if (scenario == Scenario.CREATE) {
            return;
        }
        try (Backend backend = fake.newBackend()) {
            backend.apply(fake.endpoint());
        } catch (Exception e) {
            throw new AssertionError("set-up apply without faults failed: " + e, e);
        }
    }

    private void run(Scenario scenario) {
        Throwable t = runCatching(scenario);
        if (t != null) {
            throw new AssertionError("clean " + scenario.label() + " failed: " + t, t);
        }
    }

    /** Runs the scenario's operation on a new backend instance; returns what it threw, or null. */
    private Throwable runCatching(Scenario scenario) {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fault-harness-" + fake.backendId());
            t.setDaemon(true);
            return t;
        });
        Future<?> future = executor.submit(() -> {
            try (Backend backend = fake.newBackend()) {
                switch (scenario) {
                    case CREATE -> backend.apply(fake.endpoint());
                    case UPDATE -> backend.apply(fake.updatedEndpoint());
                    case DELETE -> backend.delete(fake.endpoint().name());
                }
            }
            return null;
        });
        try {
            future.get(fake.operationTimeoutSeconds(), TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AssertionError(scenario.label() + " hung for more than " + fake.operationTimeoutSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            executor.shutdownNow();
        }
    }
}
