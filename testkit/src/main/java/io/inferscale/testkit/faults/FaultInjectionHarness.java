package io.inferscale.testkit.faults;

import io.inferscale.api.BackendException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fault injection over a backend's local fake: for every distinct remote call that {@code apply} (create),
 * {@code apply} (update) and {@code delete} make, and for every {@link Fault} in both {@link FaultMode}s,
 * the harness runs the operation with that call failing and checks the promise of the API:
 *
 * <ul>
 *   <li>either the operation completes and the fake holds exactly the state a clean run leaves
 *       ({@link Outcome#RETRIED} / {@link Outcome#HANDLED});</li>
 *   <li>or it fails with a {@link BackendException} whose {@link BackendException#step()} names the step and
 *       whose message says re-running is safe; then running the same operation again on a new backend
 *       instance (a new process) reaches exactly the clean run's state, and, in a second run with the same
 *       fault, a {@code delete} straight after the failed apply leaves the fake as empty as it started
 *       ({@link Outcome#FAILED_SAFELY}).</li>
 * </ul>
 *
 * <p>Anything else (another exception type, a hang beyond {@link #operationTimeoutSeconds}, a different
 * final state, an orphan) fails the case. After all cases the harness writes the outcome table to
 * {@code target/fault-outcomes.md} and checks that the committed {@link #docsFile} holds the same table:
 * run with {@code -Dinferscale.updateDocs=true} to rewrite it.
 *
 * <p>The harness is three parts: the {@link FakeControls} a subclass implements (its fake and endpoints), the
 * {@link FaultCases} that drive them, and the {@link OutcomeTable} that writes what happened. A subclass
 * (name ending in {@code Test}) wires the harness to its fake:
 *
 * <pre>{@code
 * class SageMakerFaultInjectionTest extends FaultInjectionHarness {
 *     protected String backendId() { return "sagemaker"; }
 *     protected void startFake() { fake = FakeSageMaker.start(); }
 *     ...
 * }
 * }</pre>
 *
 * <p>Call names must be stable across runs and {@link #state} a canonical dump: see {@link FakeControls}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class FaultInjectionHarness extends FakeControls {

    /** One (scenario, call, fault, mode) case and what happened. */
    public record Row(Scenario scenario, String call, Fault fault, FaultMode mode, Outcome outcome, String detail) {
    }

    private final FaultCases cases = new FaultCases(this);
    private final List<Row> rows = Collections.synchronizedList(new ArrayList<>());
    private int failures;

    // ----------------------------------------------------------------------------------------------- tests

    @Test
    void cleanRunsReachTheirStatesAndDeleteLeavesNothing() {
        cases.recordCleanRuns();
        String emptyState = cases.emptyState();
        assertThat(cases.expectedState(Scenario.CREATE)).as("state after a clean apply").isNotEqualTo(emptyState);
        assertThat(cases.expectedState(Scenario.UPDATE)).as("the update must change the state")
                .isNotEqualTo(cases.expectedState(Scenario.CREATE));
        assertThat(cases.expectedState(Scenario.DELETE)).as("state after a clean delete (orphans?)").isEqualTo(emptyState);
        for (Scenario scenario : Scenario.values()) {
            assertThat(cases.cleanCalls(scenario)).as("calls of a clean " + scenario.label()).isNotEmpty();
        }
    }

    /** One dynamic test per (scenario, call, fault, mode). */
    @TestFactory
    Stream<DynamicTest> everyCallFailsSafely() {
        cases.recordCleanRuns();
        List<DynamicTest> tests = new ArrayList<>();
        for (Scenario scenario : Scenario.values()) {
            for (String call : cases.callsToFail(scenario)) {
                for (Fault fault : faults()) {
                    for (FaultMode mode : FaultMode.values()) {
                        String name = scenario.label() + " | " + call + " | " + fault.label() + " | " + mode;
                        tests.add(DynamicTest.dynamicTest(name, () -> {
                            try {
                                rows.add(cases.runCase(scenario, call, fault, mode));
                            } catch (Throwable t) {
                                failures++;
                                throw t;
                            }
                        }));
                    }
                }
            }
        }
        return tests.stream();
    }

    @AfterAll
    void writeOutcomeTable() throws IOException {
        if (rows.isEmpty()) {
            return;
        }
        Map<Scenario, List<String>> calls = new EnumMap<>(Scenario.class);
        for (Scenario scenario : Scenario.values()) {
            calls.put(scenario, cases.callsToFail(scenario));
        }
        new OutcomeTable(backendId(), getClass().getSimpleName(), new ArrayList<>(faults()), this::injectedAs, calls)
                .writeAndCompare(rows(), failures == 0, docsFile());
    }

    /** Rows recorded so far (for subclasses that report more). */
    protected List<Row> rows() {
        synchronized (rows) {
            return List.copyOf(rows);
        }
    }
}
