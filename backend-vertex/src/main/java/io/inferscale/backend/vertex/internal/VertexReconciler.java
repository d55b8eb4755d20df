package io.inferscale.backend.vertex.internal;

import com.google.cloud.aiplatform.v1.DeployedModel;
import com.google.cloud.aiplatform.v1.Endpoint;
import io.inferscale.api.BackendException;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.ConvergenceBudget;
import io.inferscale.api.backend.Plan;
import io.inferscale.backend.vertex.VertexDesiredState;
import io.inferscale.backend.vertex.internal.StepFailure.Outcome;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The convergence loops of apply and delete: read ({@link VertexLiveReader}), plan ({@link VertexPlanner}), run the
 * steps ({@link VertexExecutor}), and again until the plan is empty. A step that fails because of a concurrent change or
 * with an unknown outcome is never blindly sent again: the next round waits for the operations running on that resource
 * ({@link VertexWaits}), reads, and plans from what it finds. Rounds after conflicts spend one {@link ConvergenceBudget}
 * ({@value ConvergenceBudget#MAX_ROUNDS} rounds in all, its random pause before each); rounds after unknown outcomes
 * are at most {@code vertex.maxAttempts} in all.
 */
public final class VertexReconciler {

    private final VertexSettings settings;
    private final VertexLiveReader reader;
    private final VertexExecutor executor;
    private final VertexWaits waits;

    /** A reconciler over the backend's parts. */
    public VertexReconciler(VertexSettings settings, VertexLiveReader reader, VertexExecutor executor, VertexWaits waits) {
        this.settings = settings;
        this.reader = reader;
        this.executor = executor;
        this.waits = waits;
    }

    /**
     * Brings the endpoint {@code name} to {@code desired}; returns when a read shows nothing left to do (that read is
     * the returned status).
     *
     * @throws BackendException at the step that failed; re-running is then safe
     */
    public ApplyResult apply(String name, VertexDesiredState desired) {
        return apply(name, desired, null);
    }

    /**
     * As {@link #apply(String, VertexDesiredState)}, with the first round planned from {@code firstRead} (a fleet's list
     * answers, see {@link VertexLiveReader#live(VertexDesiredState, VertexLiveReader.FleetLists)}) instead of reading:
     * when it plans no step, that is the returned status and nothing is read; every round after a write reads as usual.
     *
     * @param firstRead the live state to plan the first round from, or null to read it
     */
    public ApplyResult apply(String name, VertexDesiredState desired, VertexLiveState firstRead) {
        VertexLiveState known = firstRead;
        String endpointName = desired.endpointName();
        List<Change> done = new ArrayList<>();
        Rounds rounds = new Rounds(ConvergenceBudget.start(VertexSettings.ID));
        boolean wrote = false;
        Optional<Endpoint> plannedFrom = Optional.empty();
        while (true) {
            try {
                rounds.awaitPending();
                VertexLiveState live = known != null ? known : reader.live(desired);
                known = null;
                plannedFrom = live.endpoint();
                List<VertexStep> steps = VertexPlanner.steps(name, desired, live);
                if (steps.isEmpty()) {
                    Plan plan = new Plan(name, VertexSettings.ID, List.copyOf(done), desired.notes());
                    return new ApplyResult(plan, VertexStatusMapper.status(name, live.endpoint().orElseThrow(), VertexStatusMapper.Operations.NONE));
                }
                if (wrote) {
                    // every step succeeded, yet the state differs: a concurrent apply wrote in between; apply again after a pause
                    wrote = false;
                    rounds.conflict("apply", name, "GetEndpoint " + endpointName, new BackendException(VertexSettings.ID,
                            BackendException.Reason.CONFLICT, "endpoint '" + name + "' was changed by another apply while this one ran ("
                            + steps.get(0).change().kind() + " " + steps.get(0).change().action() + " still needed)"));
                    continue;
                }
                if (live.endpoint().isPresent() && !reader.running(endpointName).isEmpty()) {
                    // someone else's operation (another process, or one a failed run left): wait, then plan again
                    rounds.conflict("apply", name, "ListOperations " + endpointName, new BackendException(VertexSettings.ID,
                            BackendException.Reason.CONFLICT, "endpoint '" + name + "' keeps having operations in progress"));
                    rounds.waitFor(endpointName);
                    continue;
                }
                for (VertexStep s : steps) {
                    executor.run(s);
                    done.add(s.change());
                }
                wrote = true;
            } catch (StepFailure failure) {
                rounds.failed("apply", name, staleRequest(failure, endpointName, plannedFrom) ? failure.as(Outcome.CONFLICT) : failure);
            }
        }
    }

    /**
     * Removes the endpoint {@code endpointName} (InferScale's {@code name}) and then every model InferScale uploaded
     * for it in {@code parent}.
     *
     * @return false when nothing existed
     * @throws BackendException at the step that failed; re-running is then safe
     */
    public boolean delete(String name, String parent, String endpointName) {
        boolean deleted = false;
        Rounds rounds = new Rounds(ConvergenceBudget.start(VertexSettings.ID));
        while (true) {
            try {
                rounds.awaitPending();
                List<VertexStep> endpointSteps = VertexPlanner.endpointRemoval(reader.endpoint(endpointName));
                for (VertexStep s : endpointSteps) {
                    executor.run(s);
                }
                deleted |= !endpointSteps.isEmpty();
                List<VertexStep> modelSteps = VertexPlanner.modelRemoval(reader.uploadedModels(parent, name));
                for (VertexStep s : modelSteps) {
                    executor.run(s);
                }
                return deleted | !modelSteps.isEmpty();
            } catch (StepFailure f) {
                rounds.failed("delete", name, f);
            }
        }
    }

    /**
     * True when a write was refused as invalid (e.g. a traffic split naming a deployed model that is gone) and the
     * endpoint's deployed models or traffic split are no longer those the step was planned from: a concurrent change made
     * the request stale, so planning again is the answer (one extra GetEndpoint, only on such a failure).
     */
    private boolean staleRequest(StepFailure f, String endpointName, Optional<Endpoint> plannedFrom) {
        if (f.outcome != Outcome.DEFINITE || f.resource == null || f.failure.reason() != BackendException.Reason.INVALID_REQUEST) {
            return false;
        }
        try {
            Optional<Endpoint> now = reader.endpoint(endpointName);
            return !shape(now).equals(shape(plannedFrom));
        } catch (StepFailure ignored) {
            return false;
        }
    }

    private static String shape(Optional<Endpoint> e) {
        return e.map(x -> x.getDeployedModelsList().stream().map(DeployedModel::getId).sorted().toList() + " "
                + new TreeMap<>(x.getTrafficSplitMap())).orElse("(none)");
    }

    /**
     * The retry budget of one apply or delete: rounds after conflicts (the {@link ConvergenceBudget}, with its pause)
     * and after unknown outcomes (at most {@code vertex.maxAttempts} in all), and the resources whose operations the next
     * round waits for.
     */
    private final class Rounds {
        private final Set<String> waitFor = new LinkedHashSet<>();
        private final ConvergenceBudget conflicts;
        private int unknown;

        Rounds(ConvergenceBudget conflicts) {
            this.conflicts = conflicts;
            conflicts.nextRound();
        }

        /** Waits for the operations running on the resources a failed round left, before reading again. */
        void awaitPending() {
            for (String resource : waitFor) {
                waits.forOperations(resource);
            }
            waitFor.clear();
        }

        void waitFor(String resource) {
            waitFor.add(resource);
        }

        /** Starts another round after a conflict at {@code step} (after the budget's pause), or throws when none is left. */
        void conflict(String operation, String name, String step, BackendException conflict) {
            if (!conflicts.nextRound()) {
                throw conflicts.exhausted(operation, name, step, conflict);
            }
        }

        /** Sets up the next round after {@code f}, or throws the step-naming failure when no round is left. */
        void failed(String operation, String name, StepFailure f) {
            boolean again = switch (f.outcome) {
                case CONFLICT -> !conflicts.isLastRound();
                case UNKNOWN -> ++unknown < settings.maxAttempts();
                case DEFINITE -> false;
            };
            if (!again) {
                if (f.outcome != Outcome.DEFINITE && f.resource != null) {
                    waits.quietlyForOperations(f.resource);
                }
                // a refusal that is itself a CONFLICT is reported as Vertex gave it; another (NOT_FOUND, a stale request) as
                // the budget's CONFLICT caused by it
                throw f.outcome == Outcome.CONFLICT && f.failure.reason() != BackendException.Reason.CONFLICT
                        ? conflicts.exhausted(operation, name, f.step, f.failure)
                        : BackendException.atStep(operation, name, f.step, f.failure);
            }
            if (f.resource != null) {
                waitFor.add(f.resource);
            }
            if (f.outcome == Outcome.CONFLICT) {
                conflicts.nextRound();
            }
        }
    }
}
