package io.inferscale.testkit.faults;

import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

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
 * <p>A subclass (name ending in {@code Test}) wires the harness to its fake:
 *
 * <pre>{@code
 * class SageMakerFaultInjectionTest extends FaultInjectionHarness {
 *     protected String backendId() { return "sagemaker"; }
 *     protected void startFake() { fake = FakeSageMaker.start(); }
 *     ...
 * }
 * }</pre>
 *
 * <p>Call names must be stable across runs (no generated ids): e.g. {@code "CreateModel"} or
 * {@code "PATCH horizontalpodautoscalers"}. {@link #state} must be a canonical dump of everything on the
 * fake that belongs to endpoints, free of generated values (timestamps, resource versions, request ids), so
 * that equal strings mean equal states.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class FaultInjectionHarness {

    /** The three operations whose calls are failed in turn. */
    public enum Scenario {
        /** {@code apply} of {@link #endpoint()} on an empty fake. */
        CREATE("apply (create)"),
        /** {@code apply} of {@link #updatedEndpoint()} over {@link #endpoint()}. */
        UPDATE("apply (update)"),
        /** {@code delete} of {@link #endpoint()}. */
        DELETE("delete");

        private final String label;

        Scenario(String label) {
            this.label = label;
        }

        /** The row label in the table. */
        public String label() {
            return label;
        }
    }

    /** One (scenario, call, fault, mode) case and what happened. */
    public record Row(Scenario scenario, String call, Fault fault, FaultMode mode, Outcome outcome, String detail) {
    }

    private final Map<Scenario, String> expectedState = new EnumMap<>(Scenario.class);
    private final Map<Scenario, List<String>> cleanCalls = new EnumMap<>(Scenario.class);
    private final List<Row> rows = Collections.synchronizedList(new ArrayList<>());
    private String emptyState;
    private boolean cleanRunsRecorded;
    private int failures;

    // ----------------------------------------------------------------------------------------- subclass API

    /** The backend id, for the table's title and file name. */
    protected abstract String backendId();

    /** Starts an empty fake with no fault armed; called before every run. */
    protected abstract void startFake();

    /** Stops the fake started last; called after every run, also after a failure. */
    protected abstract void stopFake();

    /**
     * A new backend instance on the running fake. The harness uses a new one for every operation, as a new
     * process would, and closes it afterwards.
     */
    protected abstract Backend newBackend();

    /** The remote calls the fake has received since it started, in order, by stable name. */
    protected abstract List<String> calls();

    /**
     * Arms {@code fault} on the next request named {@code call} ({@link FaultMode#ONCE}) or on every such
     * request until {@link #disarm} ({@link FaultMode#PERSISTENT}).
     */
    protected abstract void arm(String call, Fault fault, FaultMode mode);

    /** Removes any armed fault. */
    protected abstract void disarm();

    /** How this fake injects {@code fault} on the wire, for the table (e.g. {@code "HTTP 429, Retry-After: 0"}). */
    protected abstract String injectedAs(Fault fault);

    /** A canonical dump of the fake's endpoint state; equal strings mean equal states. */
    protected abstract String state();

    /** The endpoint the scenarios create and delete. */
    protected abstract InferenceEndpoint endpoint();

    /** A different spec of the same endpoint, for {@link Scenario#UPDATE} (e.g. other maxReplicas and target). */
    protected abstract InferenceEndpoint updatedEndpoint();

    /** The faults to inject; default all. */
    protected Set<Fault> faults() {
        return new LinkedHashSet<>(List.of(Fault.values()));
    }

    /**
     * The calls to fail in {@code scenario}; default every distinct call of the clean run. Override to drop
     * calls that are not remote (and say why in the docs), or to add pseudo-calls for faults inside a remote
     * long-running operation (e.g. {@code "DeployModel (operation)"}: the operation ends with an error);
     * {@link #arm} must understand them, and they count as 0 requests sent.
     */
    protected List<String> callsToFail(Scenario scenario, List<String> cleanRunCalls) {
        return new ArrayList<>(new LinkedHashSet<>(cleanRunCalls));
    }

    /**
     * The request whose count tells {@link Outcome#RETRIED} from {@link Outcome#HANDLED} for {@code call}: the call
     * itself by default; a pseudo-call added by {@link #callsToFail} (a fault inside a long-running operation)
     * returns the request that starts the operation, so that starting it again counts as a retry.
     */
    protected String countedAs(String call) {
        return call;
    }

    /**
     * How many faults the running fake has injected since it started, or {@code -1} (the default) when the fake does
     * not count them. When it counts, a case whose armed fault never fired fails ("check arm()"), so that a
     * mismatched call name cannot make a table of vacuous "handled" cells.
     */
    protected long faultsInjected() {
        return -1;
    }

    /** A bound on one operation; a run that takes longer counts as a hang. Default 60 s. */
    protected long operationTimeoutSeconds() {
        return 60;
    }

    /** The committed outcome table; default {@code ../docs/reliability/<backendId>.md} from the module directory. */
    protected Path docsFile() {
        return Paths.get("..", "docs", "reliability", backendId() + ".md");
    }

    // ----------------------------------------------------------------------------------------------- tests

    /** Clean runs of each scenario: the reference states and the calls to fail. */
    private void recordCleanRuns() {
        if (cleanRunsRecorded) {
            return;
        }
        if (emptyState != null) {
            throw new AssertionError("the clean runs failed (see cleanRunsReachTheirStatesAndDeleteLeavesNothing)");
        }
        for (Scenario scenario : Scenario.values()) {
            startFake();
            try {
                if (emptyState == null) {
                    emptyState = state();
                }
                setUp(scenario);
                int before = calls().size();
                run(scenario);
                cleanCalls.put(scenario, List.copyOf(calls().subList(before, calls().size())));
                expectedState.put(scenario, state());
            } finally {
                stopFake();
            }
        }
        cleanRunsRecorded = true;
    }

    @Test
    void cleanRunsReachTheirStatesAndDeleteLeavesNothing() {
        recordCleanRuns();
        assertThat(expectedState.get(Scenario.CREATE)).as("state after a clean apply").isNotEqualTo(emptyState);
        assertThat(expectedState.get(Scenario.UPDATE)).as("the update must change the state")
                .isNotEqualTo(expectedState.get(Scenario.CREATE));
        assertThat(expectedState.get(Scenario.DELETE)).as("state after a clean delete (orphans?)").isEqualTo(emptyState);
        for (Scenario scenario : Scenario.values()) {
            assertThat(cleanCalls.get(scenario)).as("calls of a clean " + scenario.label()).isNotEmpty();
        }
    }

    /** One dynamic test per (scenario, call, fault, mode). */
    @TestFactory
    Stream<DynamicTest> everyCallFailsSafely() {
        recordCleanRuns();
        List<DynamicTest> tests = new ArrayList<>();
        for (Scenario scenario : Scenario.values()) {
            for (String call : callsToFail(scenario, cleanCalls.get(scenario))) {
                for (Fault fault : faults()) {
                    for (FaultMode mode : FaultMode.values()) {
                        String name = scenario.label() + " | " + call + " | " + fault.label() + " | " + mode;
                        tests.add(DynamicTest.dynamicTest(name, () -> {
                            try {
                                rows.add(runCase(scenario, call, fault, mode));
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
        String table = markdown();
        Path target = Paths.get("target", "fault-outcomes.md");
        Files.createDirectories(target.getParent());
        Files.writeString(target, table, StandardCharsets.UTF_8);
        if (failures > 0) {
            return; // the failed cases already report; a partial table is not compared
        }
        Path docs = docsFile();
        if (Boolean.getBoolean("inferscale.updateDocs")) {
            Files.createDirectories(docs.toAbsolutePath().getParent());
            Files.writeString(docs, table, StandardCharsets.UTF_8);
            return;
        }
        String committed = Files.exists(docs) ? Files.readString(docs, StandardCharsets.UTF_8) : "";
        assertThat(committed)
                .as(docs + " is out of date with this run's outcomes (see target/fault-outcomes.md); rewrite it with"
                        + " mvn -pl <module> test -Dtest=" + getClass().getSimpleName() + " -Dinferscale.updateDocs=true")
                .isEqualTo(table);
    }

    // --------------------------------------------------------------------------------------------- running

    private Row runCase(Scenario scenario, String call, Fault fault, FaultMode mode) {
        String expected = expectedState.get(scenario);
        String counted = countedAs(call);
        long cleanCount = cleanCalls.get(scenario).stream().filter(counted::equals).count();
        startFake();
        try {
            setUp(scenario);
            int before = calls().size();
            Throwable thrown = runWithFault(scenario, call, fault, mode);
            long sent = calls().subList(before, calls().size()).stream().filter(counted::equals).count();
            if (faultsInjected() == 0) {
                throw new AssertionError("the " + fault + " armed on " + call + " never fired during " + scenario.label()
                        + ": arm() does not match the requests the fake sees (check the call names)");
            }
            if (thrown == null) {
                assertThat(state()).as("state after " + scenario.label() + " completed despite " + fault + " on " + call)
                        .isEqualTo(expected);
                Outcome outcome = sent > cleanCount ? Outcome.RETRIED : Outcome.HANDLED;
                return new Row(scenario, call, fault, mode, outcome, "sent " + sent + "x, clean run " + cleanCount + "x");
            }
            assertSafeFailure(scenario, call, fault, thrown);
            Throwable rerun = runCatching(scenario);
            if (rerun != null) {
                fail("re-running " + scenario.label() + " after " + fault + " on " + call + " failed: " + rerun, rerun);
            }
            assertThat(state()).as("state after re-running " + scenario.label() + " (" + fault + " on " + call + ")")
                    .isEqualTo(expected);
        } finally {
            stopFake();
        }
        if (scenario != Scenario.DELETE) {
            deleteRightAfterFailure(scenario, call, fault, mode);
        }
        return new Row(scenario, call, fault, mode, Outcome.FAILED_SAFELY, "");
    }

    /** The same failed run again, then a delete without faults: nothing may be left. */
    private void deleteRightAfterFailure(Scenario scenario, String call, Fault fault, FaultMode mode) {
        startFake();
        try {
            setUp(scenario);
            Throwable thrown = runWithFault(scenario, call, fault, mode);
            if (thrown == null) {
                return; // the fault was absorbed this time (e.g. timing); the first run already covered the failure
            }
            assertSafeFailure(scenario, call, fault, thrown);
            try (Backend backend = newBackend()) {
                backend.delete(endpoint().name());
            } catch (Exception e) {
                fail("delete after a failed " + scenario.label() + " (" + fault + " on " + call + ") failed: " + e, e);
            }
            assertThat(state()).as("orphans after delete following a failed " + scenario.label() + " (" + fault + " on " + call + ")")
                    .isEqualTo(emptyState);
        } finally {
            stopFake();
        }
    }

    /** Runs the scenario's operation with {@code fault} armed on {@code call}; returns what it threw, or null. */
    private Throwable runWithFault(Scenario scenario, String call, Fault fault, FaultMode mode) {
        arm(call, fault, mode);
        try {
            return runCatching(scenario);
        } finally {
            disarm();
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
        try (Backend backend = newBackend()) {
            backend.apply(endpoint());
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
            Thread t = new Thread(r, "fault-harness-" + backendId());
            t.setDaemon(true);
            return t;
        });
        Future<?> future = executor.submit(() -> {
            try (Backend backend = newBackend()) {
                switch (scenario) {
                    case CREATE -> backend.apply(endpoint());
                    case UPDATE -> backend.apply(updatedEndpoint());
                    case DELETE -> backend.delete(endpoint().name());
                }
            }
            return null;
        });
        try {
            future.get(operationTimeoutSeconds(), TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AssertionError(scenario.label() + " hung for more than " + operationTimeoutSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            executor.shutdownNow();
        }
    }

    // --------------------------------------------------------------------------------------------- table

    /** The outcome table as Markdown: totals, how each fault is injected, then one row per (scenario, call). */
    String markdown() {
        List<Row> sorted = new ArrayList<>(rows);
        List<Fault> faults = new ArrayList<>(faults());
        Map<String, Map<Fault, Map<FaultMode, Outcome>>> grid = new LinkedHashMap<>();
        for (Scenario scenario : Scenario.values()) {
            for (String call : callsToFail(scenario, cleanCalls.get(scenario))) {
                grid.put(scenario.label() + "\u0000" + call, new EnumMap<>(Fault.class));
            }
        }
        Map<Outcome, Integer> totals = new EnumMap<>(Outcome.class);
        for (Row row : sorted) {
            grid.computeIfAbsent(row.scenario().label() + "\u0000" + row.call(), k -> new EnumMap<>(Fault.class))
                    .computeIfAbsent(row.fault(), k -> new EnumMap<>(FaultMode.class))
                    .put(row.mode(), row.outcome());
            totals.merge(row.outcome(), 1, Integer::sum);
        }
        StringBuilder out = new StringBuilder();
        out.append("# Fault outcomes: ").append(backendId()).append("\n\n");
        out.append("<!-- Generated by ").append(getClass().getSimpleName())
                .append(" (FaultInjectionHarness); do not edit. Rewrite with -Dinferscale.updateDocs=true. -->\n\n");
        out.append("Every distinct remote call of a clean `apply` (create), `apply` (update) and `delete` was failed with each fault,")
                .append(" once (a transient fault) and persistently (until the operation gave up). Each cell reads")
                .append(" `once / persistent`: *retried* = the client retried and the operation completed; *handled* = the backend absorbed the fault without resending; *failed safely* = it stopped with an error naming the step, a re-run converged to the clean run's state, and a delete right after the failure left nothing. See [the reliability overview](../reliability.md).\n\n");
        out.append("**Totals:** ").append(sorted.size()).append(" cases");
        for (Outcome outcome : Outcome.values()) {
            out.append(", ").append(totals.getOrDefault(outcome, 0)).append(" ").append(outcome.label());
        }
        out.append(", 0 unsafe (any unsafe case fails the build).\n\n");
        out.append("| Fault | Injected as |\n|---|---|\n");
        for (Fault fault : faults) {
            out.append("| ").append(fault.label()).append(" | ").append(injectedAs(fault)).append(" |\n");
        }
        out.append("\n| Operation | Call |");
        for (Fault fault : faults) {
            out.append(' ').append(fault.label()).append(" |");
        }
        out.append("\n|---|---|");
        out.append("---|".repeat(faults.size()));
        out.append('\n');
        for (Map.Entry<String, Map<Fault, Map<FaultMode, Outcome>>> entry : grid.entrySet()) {
            String[] key = entry.getKey().split("\u0000", 2);
            out.append("| ").append(key[0]).append(" | `").append(key[1]).append("` |");
            for (Fault fault : faults) {
                Map<FaultMode, Outcome> cell = entry.getValue().getOrDefault(fault, Map.of());
                out.append(' ').append(cellText(cell.get(FaultMode.ONCE))).append(" / ")
                        .append(cellText(cell.get(FaultMode.PERSISTENT))).append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String cellText(Outcome outcome) {
        return outcome == null ? "not run" : outcome.label();
    }

    /** Rows recorded so far (for subclasses that report more). */
    protected List<Row> rows() {
        synchronized (rows) {
            return List.copyOf(rows);
        }
    }
}
