package io.inferscale.backend.vertex.internal;

import com.google.api.gax.longrunning.OperationFuture;
import com.google.api.gax.longrunning.OperationSnapshot;
import com.google.api.gax.rpc.StatusCode;
import com.google.longrunning.Operation;
import io.inferscale.api.BackendException;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.backend.vertex.internal.StepFailure.Outcome;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The waits, through GAX's long-running operation support instead of hand-written polling: each operation is an
 * {@link OperationFuture} whose {@code GetOperation} polls GAX schedules with the polling algorithm {@link VertexClients}
 * configures (a random delay up to {@code vertex.pollInterval}, growing 1.5x up to 1 minute, for at most
 * {@code vertex.operationTimeout}) and retries as {@link VertexClients} says; their failures carry Vertex's message.
 * Waiting for operations someone else started resumes their futures by name.
 */
public final class VertexWaits {

    /** Longest wait on a running operation before awaitReady reads the status again (replicas may change meanwhile). */
    private static final long STATUS_REFRESH_MILLIS = 60_000;

    private final VertexSettings settings;
    private final Supplier<VertexClients> clients;
    private final VertexCalls calls;
    private final VertexLiveReader reader;

    /** Waits over the backend's clients. */
    public VertexWaits(VertexSettings settings, Supplier<VertexClients> clients, VertexCalls calls, VertexLiveReader reader) {
        this.settings = settings;
        this.clients = clients;
        this.calls = calls;
        this.reader = reader;
    }

    /**
     * Starts a long-running operation on {@code resource} and waits for its future. The start is a write (its failure a
     * conflict, an unknown outcome or final, see {@link VertexCalls#call}); a poll that fails after GAX's retries leaves
     * the outcome unknown (the operation goes on in Vertex), and the caller's next round waits for it; an operation
     * that outlasts {@code vertex.operationTimeout} is a TIMEOUT; one that ends with an error fails with its code and
     * Vertex's message.
     */
    public OperationSnapshot operation(String method, String resource, Supplier<OperationFuture<?, ?>> start) {
        String action = method + " " + resource;
        OperationFuture<?, ?>[] started = new OperationFuture<?, ?>[1];
        OperationSnapshot first = calls.call(action, resource, () -> {
            started[0] = start.get();
            return VertexCalls.await(started[0].getInitialFuture(), action);
        });
        OperationSnapshot done;
        try {
            done = started[0].getPollingFuture().get();
        } catch (CancellationException e) {
            throw new StepFailure(action, new BackendException(VertexSettings.ID, BackendException.Reason.TIMEOUT, action
                    + " did not finish within vertex.operationTimeout (" + settings.operationTimeout() + ") (operation "
                    + first.getName() + "); it goes on in Vertex AI"), Outcome.DEFINITE, resource);
        } catch (ExecutionException e) {
            throw new StepFailure(action, calls.hide(VertexErrors.map("GetOperation " + first.getName() + " (waiting for "
                    + method + "; the operation goes on in Vertex AI)", e.getCause())), Outcome.UNKNOWN, resource);
        } catch (InterruptedException e) {
            started[0].cancel(true); // stops polling only: the operation goes on in Vertex
            throw VertexErrors.map(action, e);
        }
        if (done.getErrorCode() != null && done.getErrorCode().getCode() != StatusCode.Code.OK) {
            String code = done.getErrorCode().getCode().name();
            BackendException failure = new BackendException(VertexSettings.ID, VertexErrors.reason(code, done.getErrorMessage()),
                    action + " failed: operation " + done.getName() + " ended with " + code + ": " + done.getErrorMessage());
            Outcome outcome = switch (failure.reason()) {
                case CONFLICT -> Outcome.CONFLICT;
                case UNAVAILABLE, TIMEOUT -> Outcome.UNKNOWN;
                default -> Outcome.DEFINITE;
            };
            throw new StepFailure(action, calls.hide(failure), outcome, resource);
        }
        return done;
    }

    /**
     * Waits until no operation runs on {@code resource}, for at most {@code vertex.operationTimeout}: lists the running
     * operations (ListOperations) and waits for each one's resumed future, until a listing shows none.
     */
    public void forOperations(String resource) {
        long deadline = System.nanoTime() + settings.operationTimeout().toNanos();
        List<Operation> running;
        while (!(running = reader.running(resource)).isEmpty()) {
            for (Operation op : running) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0 || !awaitResumed(op.getName(), left)) {
                    throw new StepFailure("ListOperations " + resource, new BackendException(VertexSettings.ID, BackendException.Reason.TIMEOUT,
                            "operations on " + resource + " still run after vertex.operationTimeout (" + settings.operationTimeout() + ")"),
                            Outcome.DEFINITE);
                }
            }
        }
    }

    /** Before giving up: let operations that may have started finish, so that what is left is visible to a re-run or delete. */
    public void quietlyForOperations(String resource) {
        try {
            forOperations(resource);
        } catch (RuntimeException ignored) {
            // the failure being reported matters more; a re-run waits again
        }
    }

    /**
     * Waits until the endpoint is ready, reporting each status that differs from the one before to {@code progress}.
     * While an operation runs on the endpoint it waits on that operation's resumed future (GAX polls it), reading the
     * status again at least every minute; otherwise it reads the status again after
     * {@code min(vertex.pollInterval, timeout / 10)} (at least 10 ms).
     *
     * @param status reads the endpoint's status with its operations (empty: it does not exist)
     * @throws BackendException NOT_FOUND when the endpoint does not exist, FAILED when it failed, TIMEOUT after {@code timeout}
     */
    public EndpointStatus ready(String name, Duration timeout, Supplier<Optional<EndpointStatus>> status, Consumer<EndpointStatus> progress) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long sleep = Math.min(settings.pollInterval().toMillis(), Math.max(10, timeout.toMillis() / 10));
        EndpointStatus last = null;
        while (true) {
            EndpointStatus s = status.get().orElseThrow(() -> BackendException.notFound(VertexSettings.ID, name));
            if (!Objects.equals(s, last)) {
                progress.accept(s);
                last = s;
            }
            if (s.isReady()) {
                return s;
            }
            if (s.state() == EndpointState.FAILED) {
                throw new BackendException(VertexSettings.ID, BackendException.Reason.FAILED, "endpoint '" + name + "' failed: "
                        + s.message().orElse("no model is deployed"));
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new BackendException(VertexSettings.ID, BackendException.Reason.TIMEOUT, "endpoint '" + name + "' not ready after "
                        + timeout + " (state " + s.state() + ", replicas " + s.replicasDisplay() + ")");
            }
            String operation = s.details().get("operation");
            boolean ended;
            try {
                ended = operation != null && awaitResumed(operation.split(",")[0], Math.min(left, STATUS_REFRESH_MILLIS));
            } catch (StepFailure pollFailed) {
                ended = false; // the next status read tells
            }
            if (!ended) {
                sleep(Math.min(sleep, Math.max(1, left)), "awaitReady " + name);
            }
        }
    }

    /**
     * Resumes the future of the operation {@code name} and waits for it at most {@code millis}: true when it ended (with
     * success or an error: the caller reads what it did), false when it still runs then.
     *
     * @throws StepFailure when polling failed after GAX's retries
     */
    private boolean awaitResumed(String name, long millis) {
        OperationFuture<?, ?> future = clients.get().resume(name);
        try {
            future.getPollingFuture().get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | CancellationException e) {
            future.cancel(true);
            return false;
        } catch (ExecutionException e) {
            throw new StepFailure("GetOperation " + name, calls.hide(VertexErrors.map("GetOperation " + name, e.getCause())), Outcome.DEFINITE);
        } catch (InterruptedException e) {
            future.cancel(true);
            throw VertexErrors.map("waiting for operation " + name, e);
        }
    }

    private static void sleep(long millis, String what) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw VertexErrors.map(what, e);
        }
    }
}
