package io.inferscale.testkit.faults;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.Backend;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a backend's fault test wires the {@link FaultInjectionHarness} to: its local fake (start, stop, the calls it
 * received, arming and disarming a fault, a canonical dump of its state), a new backend on it, and the endpoints the
 * {@link Scenario scenarios} apply and delete. A backend extends {@link FaultInjectionHarness}, which extends this
 * class; {@link FaultCases} drives these controls and {@link OutcomeTable} writes what happened.
 *
 * <p>Call names must be stable across runs (no generated ids): e.g. {@code "CreateModel"} or
 * {@code "PATCH horizontalpodautoscalers"}. {@link #state} must be a canonical dump of everything on the
 * fake that belongs to endpoints, free of generated values (timestamps, resource versions, request ids), so
 * that equal strings mean equal states.
 */
public abstract class FakeControls {

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
}
