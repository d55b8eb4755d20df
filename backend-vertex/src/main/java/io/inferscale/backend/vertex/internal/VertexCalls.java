package io.inferscale.backend.vertex.internal;

import com.google.api.core.ApiFuture;
import com.google.api.gax.rpc.ApiException;
import io.inferscale.api.BackendException;
import io.inferscale.api.InferScaleException;
import io.inferscale.backend.vertex.internal.StepFailure.Outcome;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * One remote call with its failure mapped once: to a {@link StepFailure} naming the call, with the configured secrets
 * hidden and the {@link Outcome} the failure implies. Shared by the reader, the executor and the waits.
 */
public final class VertexCalls {

    private final VertexSettings settings;

    /** Calls hiding {@code settings}' secrets from their failures. */
    public VertexCalls(VertexSettings settings) {
        this.settings = settings;
    }

    /** A read: GAX has retried it, so a failure is final ({@link Outcome#DEFINITE}). */
    public <T> T read(String action, Supplier<T> call) {
        return call(action, null, call);
    }

    /** The result of a read, or empty when Vertex answers NOT_FOUND. */
    public <T> Optional<T> find(String action, Supplier<T> read) {
        try {
            return Optional.of(read(action, read));
        } catch (StepFailure f) {
            if (f.failure.reason() == BackendException.Reason.NOT_FOUND) {
                return Optional.empty();
            }
            throw f;
        }
    }

    /**
     * One unary call. {@code writeResource} is null for reads (GAX has retried them; a failure is final) and names the
     * resource a write acts on (its failure is a conflict, an unknown outcome, or final; see {@link Outcome}).
     */
    public <T> T call(String action, String writeResource, Supplier<T> call) {
        try {
            return call.get();
        } catch (StepFailure | InferScaleException e) {
            throw e; // already ours: a configuration error (clients), a missing existing model...
        } catch (RuntimeException e) {
            BackendException failure = hide(VertexErrors.map(action, e));
            boolean create = action.startsWith("CreateEndpoint ") || action.startsWith("UploadModel ");
            Outcome outcome = writeResource == null ? Outcome.DEFINITE : switch (failure.reason()) {
                case CONFLICT -> Outcome.CONFLICT;
                // NOT_FOUND: a create's parent (project, location) is missing, which waiting does not fix; any other write's
                // target (endpoint, deployed model, model) was removed by a concurrent change
                case NOT_FOUND -> create ? Outcome.DEFINITE : Outcome.CONFLICT;
                case UNAVAILABLE, TIMEOUT -> Outcome.UNKNOWN;
                case FAILED -> unknownStatus(e) ? Outcome.UNKNOWN : Outcome.DEFINITE;
                default -> Outcome.DEFINITE;
            };
            throw new StepFailure(action, failure, outcome, writeResource);
        }
    }

    /** {@code e} with the configured secrets (credentials file path, access token) hidden. */
    public BackendException hide(BackendException e) {
        return VertexErrors.hide(e, settings.secrets());
    }

    /**
     * The value of a completed or completing future; its failure rethrown as the cause (an {@link ApiException}, as a
     * blocking GAX call throws it). Interruption is a {@link BackendException} (the interrupt flag stays set).
     */
    public static <T> T await(ApiFuture<T> future, String what) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : VertexErrors.map(what, e);
        } catch (InterruptedException e) {
            future.cancel(true);
            throw VertexErrors.map(what, e);
        }
    }

    /** INTERNAL, UNKNOWN and CANCELLED leave a write's outcome unknown too. */
    private static boolean unknownStatus(Throwable e) {
        return e instanceof ApiException api && Set.of("INTERNAL", "UNKNOWN", "CANCELLED").contains(api.getStatusCode().getCode().name());
    }
}
