package io.inferscale.backend.kubernetes.internal;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.inferscale.api.BackendException;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.backend.kubernetes.KubernetesTranslator;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Waits for an endpoint's replicas with fabric8's informer-backed {@code waitUntilCondition} on the Deployment: one
 * LIST and one WATCH, no polling. Each status the watch shows that differs from the one before goes to the progress
 * consumer (from the watch's thread). Requests: 3 GETs (the endpoint's objects), the LIST and WATCH unless the
 * Deployment is already ready, failed or missing, and 2 GETs (the HPA's and Service's final state) after it.
 */
public final class KubernetesWaiter {

    private static final String ID = KubernetesTranslator.BACKEND_ID;

    private final KubernetesClients clients;
    private final KubernetesLiveState liveState;

    /** A waiter using {@code clients} and reading through {@code liveState}. */
    public KubernetesWaiter(KubernetesClients clients, KubernetesLiveState liveState) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.liveState = Objects.requireNonNull(liveState, "liveState");
    }

    /**
     * Waits until every desired replica of endpoint {@code name} in {@code ns} is ready.
     *
     * @param progress receives each differing status observed, the first one read included
     * @throws BackendException NOT_FOUND when the endpoint does not exist (or is deleted while waiting), FAILED when the
     *                          rollout stalls ({@code ProgressDeadlineExceeded}) or a replica cannot be created, TIMEOUT
     *                          after {@code timeout} with the last state
     */
    public EndpointStatus awaitReady(String ns, String name, Duration timeout, Consumer<EndpointStatus> progress) {
        Deployment first = liveState.read(Deployment.class, ns, name);
        HorizontalPodAutoscaler hpa = liveState.read(HorizontalPodAutoscaler.class, ns, name);
        Service service = liveState.read(Service.class, ns, name);
        if (!(first != null && KubernetesLiveState.managed(first)) && !(hpa != null && KubernetesLiveState.managed(hpa))
                && !(service != null && KubernetesLiveState.managed(service))) {
            throw BackendException.notFound(ID, name);
        }
        int min = hpa == null || hpa.getSpec().getMinReplicas() == null ? 1 : hpa.getSpec().getMinReplicas();
        Progress seen = new Progress(name, ns, hpa, service != null, progress);
        seen.report(first);
        Deployment last = first;
        if (first != null && !done(first, min)) {
            try {
                last = clients.client().apps().deployments().inNamespace(ns).withName(name)
                        .waitUntilCondition(d -> seen.report(d) && (d == null || done(d, min)), Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            } catch (KubernetesClientTimeoutException e) {
                EndpointStatus s = seen.last;
                throw new BackendException(ID, BackendException.Reason.TIMEOUT, "endpoint '" + name + "' not ready after " + timeout
                        + ": " + s.state() + ", " + s.readyReplicas() + "/" + s.desiredReplicas() + " replicas ready"
                        + s.message().map(m -> " (" + m + ")").orElse(""), e);
            } catch (KubernetesClientException e) {
                throw clients.wrap("watch Deployment " + ns + "/" + name, e);
            }
        }
        if (last == null) {
            throw new BackendException(ID, BackendException.Reason.NOT_FOUND, "endpoint '" + name + "' was deleted while waiting for it");
        }
        EndpointStatus s = StatusReader.read(name, ID, ns, last, liveState.read(HorizontalPodAutoscaler.class, ns, name),
                liveState.read(Service.class, ns, name) != null);
        seen.report(s);
        if (s.state() == EndpointState.FAILED) {
            throw new BackendException(ID, BackendException.Reason.FAILED, "endpoint '" + name + "' failed: " + s.message().orElse(""));
        }
        return s;
    }

    private static boolean done(Deployment d, int min) {
        EndpointState state = StatusReader.state(d, min);
        return state == EndpointState.READY || state == EndpointState.FAILED;
    }

    /** The statuses reported so far: each one that differs from the last goes to the consumer. */
    private static final class Progress {
        private final String name;
        private final String ns;
        private final HorizontalPodAutoscaler hpa;
        private final boolean serviceExists;
        private final Consumer<EndpointStatus> consumer;
        private volatile EndpointStatus last;

        Progress(String name, String ns, HorizontalPodAutoscaler hpa, boolean serviceExists, Consumer<EndpointStatus> consumer) {
            this.name = name;
            this.ns = ns;
            this.hpa = hpa;
            this.serviceExists = serviceExists;
            this.consumer = consumer;
        }

        /** Reports the status of {@code d} (with the HPA and Service read first); always true, for use in a condition. */
        boolean report(Deployment d) {
            report(StatusReader.read(name, ID, ns, d, hpa, serviceExists));
            return true;
        }

        synchronized void report(EndpointStatus s) {
            if (!s.equals(last)) {
                last = s;
                consumer.accept(s);
            }
        }
    }
}
