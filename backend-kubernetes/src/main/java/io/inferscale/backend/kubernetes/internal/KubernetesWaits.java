package io.inferscale.backend.kubernetes.internal;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.inferscale.api.BackendException;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.ProgressListener;
import io.inferscale.backend.kubernetes.KubernetesTranslator;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Waits for an endpoint's replicas with fabric8's informer on the Deployment ({@code informOnCondition}: one LIST, then
 * one WATCH; no polling). The informer hands each Deployment it sees to the waiting thread, which maps it to a status
 * (with the HPA and Service read first) and reports each status that differs from the one before to the
 * {@link ProgressListener}. Requests: 3 GETs (the endpoint's objects), the LIST and WATCH unless the Deployment is
 * already ready, failed or missing, then 2 GETs (the HPA's and Service's final state).
 */
public final class KubernetesWaits {

    private static final String ID = KubernetesTranslator.BACKEND_ID;

    private final KubernetesClients clients;
    private final KubernetesLiveReader liveState;

    /** A waiter using {@code clients} and reading through {@code liveState}. */
    public KubernetesWaits(KubernetesClients clients, KubernetesLiveReader liveState) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.liveState = Objects.requireNonNull(liveState, "liveState");
    }

    /**
     * Waits until every desired replica of endpoint {@code name} in {@code ns} is ready.
     *
     * @param progress receives, on this thread, each differing status observed, the first one read included; an
     *                 exception it throws ends the wait (and the watch) with that exception
     * @throws BackendException NOT_FOUND when the endpoint does not exist (or is deleted while waiting), FAILED when the
     *                          rollout stalls ({@code ProgressDeadlineExceeded}) or a replica cannot be created, TIMEOUT
     *                          after {@code timeout} with the last state
     */
    public EndpointStatus awaitReady(String ns, String name, Duration timeout, ProgressListener progress) {
        Deployment first = liveState.read(Deployment.class, ns, name);
        HorizontalPodAutoscaler hpa = liveState.read(HorizontalPodAutoscaler.class, ns, name);
        Service service = liveState.read(Service.class, ns, name);
        // a KEDA endpoint: its ScaledObject (read only when the HPA is missing or KEDA owns it, as in status)
        GenericKubernetesResource so = hpa == null || ScaledObjects.ownedByKeda(hpa) ? liveState.readScaledObject(ns, name, null) : null;
        if (!KubernetesLiveReader.anyManaged(first, hpa, service, so)) {
            throw BackendException.notFound(ID, name);
        }
        // with KEDA, the ScaledObject's minReplicaCount: KEDA updates its HPA from it asynchronously, so the HPA may be stale
        int min = so != null ? KedaStatus.minReplicaCount(so)
                : hpa == null || hpa.getSpec().getMinReplicas() == null ? 1 : hpa.getSpec().getMinReplicas();
        Reported reported = new Reported(progress);
        reported.report(KedaStatus.read(KubernetesStatusMapper.read(name, ID, ns, first, hpa, service != null), so, hpa));
        Deployment last = first;
        if (first != null && !done(first, min)) {
            last = watch(ns, name, min, timeout, d -> KedaStatus.read(KubernetesStatusMapper.read(name, ID, ns, d, hpa, service != null), so, hpa),
                    reported);
        }
        if (last == null) {
            throw new BackendException(ID, BackendException.Reason.NOT_FOUND, "endpoint '" + name + "' was deleted while waiting for it");
        }
        HorizontalPodAutoscaler finalHpa = liveState.read(HorizontalPodAutoscaler.class, ns, name);
        EndpointStatus s = KubernetesStatusMapper.read(name, ID, ns, last, finalHpa, liveState.read(Service.class, ns, name) != null);
        if (so != null) {
            s = KedaStatus.read(s, liveState.readScaledObject(ns, name, null), finalHpa);
        }
        reported.report(s);
        if (s.state() == EndpointState.FAILED) {
            throw new BackendException(ID, BackendException.Reason.FAILED, "endpoint '" + name + "' failed: " + s.message().orElse(""));
        }
        return s;
    }

    /** What the informer saw: a Deployment ({@code null} once it is gone), or the failure that stopped it. */
    private record Observed(Deployment deployment, Throwable failure) {
    }

    /** The Deployment that ended the wait (ready, failed, or {@code null}: deleted). */
    private Deployment watch(String ns, String name, int min, Duration timeout, Function<Deployment, EndpointStatus> status,
                             Reported reported) {
        BlockingQueue<Observed> observed = new LinkedBlockingQueue<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<List<Deployment>> informer;
        try {
            informer = clients.client().apps().deployments().inNamespace(ns).withName(name).informOnCondition(list -> {
                Deployment d = list.isEmpty() ? null : list.get(0);
                observed.add(new Observed(d, null));
                return d == null || done(d, min);
            });
        } catch (KubernetesClientException e) {
            throw clients.wrap("watch Deployment " + ns + "/" + name, e);
        }
        informer.whenComplete((list, failure) -> {
            if (failure != null) {
                observed.add(new Observed(null, failure));
            }
        });
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                Observed o = left <= 0 ? null : observed.poll(left, TimeUnit.NANOSECONDS);
                if (o == null) {
                    EndpointStatus s = reported.last;
                    throw new BackendException(ID, BackendException.Reason.TIMEOUT, "endpoint '" + name + "' not ready after " + timeout
                            + ": " + s.state() + ", " + s.readyReplicas() + "/" + s.desiredReplicas() + " replicas ready"
                            + s.message().map(m -> " (" + m + ")").orElse(""));
                }
                if (o.failure() != null) {
                    throw o.failure() instanceof KubernetesClientException k ? clients.wrap("watch Deployment " + ns + "/" + name, k)
                            : new BackendException(ID, BackendException.Reason.UNAVAILABLE, "watch Deployment " + ns + "/" + name + ": "
                            + o.failure(), o.failure());
                }
                reported.report(status.apply(o.deployment()));
                if (o.deployment() == null || done(o.deployment(), min)) {
                    return o.deployment();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(ID, BackendException.Reason.UNAVAILABLE, "interrupted while waiting for endpoint '" + name + "'", e);
        } finally {
            informer.cancel(true); // stops the informer and its watch
        }
    }

    private static boolean done(Deployment d, int min) {
        EndpointState state = KubernetesStatusMapper.state(d, min);
        return state == EndpointState.READY || state == EndpointState.FAILED;
    }

    /** The statuses reported so far, on the waiting thread: each one that differs from the last goes to the listener. */
    private static final class Reported {
        private final ProgressListener listener;
        private EndpointStatus last;

        Reported(ProgressListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
        }

        void report(EndpointStatus s) {
            if (!s.equals(last)) {
                last = s;
                listener.onStatus(s);
            }
        }
    }
}
