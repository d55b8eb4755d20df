package io.inferscale.backend.inmemory;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ScalingTarget;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.Condition;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.MetricStatus;
import io.inferscale.backend.inmemory.InMemoryStore.Stored;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Status mapping, the part every backend has: a stored endpoint at an instant of the backend's clock becomes an
 * {@link EndpointStatus}. Before its ready time an endpoint is {@code CREATING} (no replica ready) or
 * {@code UPDATING} (the replicas ready before the update stay ready); from then on {@code READY} with every desired
 * replica ready. Metrics show the observed value next to the target, in the target's unit. Pure.
 */
final class InMemoryStatusMapper {

    private InMemoryStatusMapper() {
    }

    /** True from the endpoint's ready time on. */
    static boolean isSettled(Stored s, Instant now) {
        return !now.isBefore(s.readyAt);
    }

    /** The desired count once settled, before that the count ready before the last update (0 after a create). */
    static int readyReplicas(Stored s, Instant now) {
        return isSettled(s, now) ? s.desired : s.previouslyReady;
    }

    static EndpointStatus status(Stored s, Instant now) {
        boolean settled = isSettled(s, now);
        EndpointState state = settled ? EndpointState.READY : s.updating ? EndpointState.UPDATING : EndpointState.CREATING;
        InferenceEndpoint e = s.endpoint;
        EndpointStatus.Builder b = EndpointStatus.builder(e.name(), InMemorySettings.ID)
                .state(state)
                .model(e.model().reference())
                .replicaRange(e.autoscaling().minReplicas(), e.autoscaling().maxReplicas())
                .replicas(readyReplicas(s, now), s.desired)
                .createdAt(s.createdAt)
                .condition(new Condition("Ready", settled ? "True" : "False", settled ? "Ready" : state.name(), ""));
        for (ScalingTarget t : e.autoscaling().targets()) {
            BigDecimal current = s.metrics.get(t.type());
            b.metric(new MetricStatus(t.type().field(), current == null ? null : display(current, t.type()), display(t.value(), t.type())));
        }
        return b.build();
    }

    private static String display(BigDecimal v, TargetType type) {
        String n = v.stripTrailingZeros().toPlainString();
        return type.isPercentage() ? n + "%" : n;
    }
}
