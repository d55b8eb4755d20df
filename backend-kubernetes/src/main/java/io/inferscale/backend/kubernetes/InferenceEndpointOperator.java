package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.inferscale.api.BackendException;
import io.inferscale.backend.kubernetes.internal.ApiErrors;
import io.inferscale.backend.kubernetes.internal.KubernetesClients;
import io.inferscale.api.backend.BackendConfig;
import io.javaoperatorsdk.operator.Operator;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The operator for {@code InferenceEndpoint} resources ({@code inferenceendpoints.mlops.example.com}), built on the
 * Java Operator SDK: for each resource it applies the same Deployment, Service and HorizontalPodAutoscaler as
 * {@link KubernetesBackend}, owned by the resource, and keeps the resource's status current.
 *
 * <pre>{@code
 * try (InferenceEndpointOperator operator = InferenceEndpointOperator.create(client, KubernetesSettings.defaults(), Set.of())) {
 *     operator.start();
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safety: {@link #start()} and {@link #close()} are meant to be called once each, from one thread. While it
 * runs, reconciles of one resource never overlap; different resources are reconciled in parallel (see
 * {@code InferenceEndpointReconciler}). Run one operator per cluster, or several replicas with a {@link LeaderElection}
 * (the manifest's Deployment runs two): only the Lease holder reconciles. {@link OperatorHealthServer} serves
 * {@link #isAlive()} and {@link #isReady()} as probes.
 *
 * <p>The CLI's {@code inferscale operator} command calls {@link #run(BackendConfig)}. The CRD and RBAC must
 * be installed first ({@code manifests/} in this jar; see the module README).
 */
public final class InferenceEndpointOperator implements AutoCloseable {

    private final Operator operator;
    private final KubernetesBackend backend;

    private InferenceEndpointOperator(KubernetesClient client, KubernetesSettings settings, Set<String> namespaces,
                                      InferenceEndpointReconciler.OperatorIdentity identity, LeaderElection leaderElection) {
        this.backend = new KubernetesBackend(client, settings);
        this.operator = new Operator(o -> {
            o.withKubernetesClient(client).withCloseClientOnStop(false)
                    .checkingCRDAndValidateLocalModel(false).withStopOnInformerErrorDuringStartup(true);
            if (leaderElection != null) {
                o.withLeaderElectionConfiguration(leaderElection.toJosdk());
            }
        });
        InferenceEndpointReconciler reconciler = new InferenceEndpointReconciler(backend, identity);
        if (namespaces.isEmpty()) {
            operator.register(reconciler);
        } else {
            operator.register(reconciler, c -> c.settingNamespaces(namespaces));
        }
    }

    /**
     * An operator (not started) using {@code client}, which the caller closes.
     *
     * @param namespaces the namespaces to watch; empty for all (needs the ClusterRole in {@code manifests/rbac.yaml})
     */
    public static InferenceEndpointOperator create(KubernetesClient client, KubernetesSettings settings, Set<String> namespaces) {
        return create(client, settings, namespaces, InferenceEndpointReconciler.OperatorIdentity.fromEnvironment());
    }

    /**
     * As {@link #create(KubernetesClient, KubernetesSettings, Set)}, reconciling only while this instance holds the
     * {@code coordination.k8s.io} Lease of {@code leaderElection}: run several replicas and one reconciles, the others
     * keep their informer caches warm and take over within about {@link LeaderElection#leaseDuration()} of the leader's
     * end. Needs the Role for Leases in {@code manifests/rbac.yaml}.
     */
    public static InferenceEndpointOperator create(KubernetesClient client, KubernetesSettings settings, Set<String> namespaces,
                                                   LeaderElection leaderElection) {
        return create(client, settings, namespaces, InferenceEndpointReconciler.OperatorIdentity.fromEnvironment(),
                Objects.requireNonNull(leaderElection, "leaderElection"));
    }

    /** As {@link #create(KubernetesClient, KubernetesSettings, Set)}, with the operator's own namespace and service account given. */
    static InferenceEndpointOperator create(KubernetesClient client, KubernetesSettings settings, Set<String> namespaces,
                                            InferenceEndpointReconciler.OperatorIdentity identity) {
        return create(client, settings, namespaces, identity, null);
    }

    /** As above, with leader election when {@code leaderElection} is not null. */
    static InferenceEndpointOperator create(KubernetesClient client, KubernetesSettings settings, Set<String> namespaces,
                                            InferenceEndpointReconciler.OperatorIdentity identity, LeaderElection leaderElection) {
        return new InferenceEndpointOperator(Objects.requireNonNull(client, "client"), Objects.requireNonNull(settings, "settings"),
                Set.copyOf(namespaces), Objects.requireNonNull(identity, "identity"), leaderElection);
    }

    /**
     * Leader election over a {@code coordination.k8s.io/v1} Lease (the fabric8 LeaderElector behind JOSDK's
     * {@code LeaderElectionConfiguration}).
     *
     * @param leaseName      the Lease's name
     * @param leaseNamespace the Lease's namespace (the operator's own)
     * @param identity       this instance's holder identity, unique per replica (the pod name)
     * @param leaseDuration  how long a Lease not renewed keeps the others waiting
     * @param renewDeadline  how long the leader retries renewing before it gives up leadership (less than leaseDuration)
     * @param retryPeriod    the pause between acquire or renew attempts
     * @param exitOnLoss     whether the process exits when it loses leadership (what a pod should do: its restart
     *                       rejoins as a follower); false stops reconciling only
     */
    public record LeaderElection(String leaseName, String leaseNamespace, String identity, java.time.Duration leaseDuration,
                                 java.time.Duration renewDeadline, java.time.Duration retryPeriod, boolean exitOnLoss) {

        /** The Lease name the shipped manifests grant access to. */
        public static final String LEASE_NAME = "inferscale-operator-leader";

        /** Checks the durations: each positive, {@code renewDeadline < leaseDuration}. */
        public LeaderElection {
            Objects.requireNonNull(leaseName, "leaseName");
            Objects.requireNonNull(leaseNamespace, "leaseNamespace");
            Objects.requireNonNull(identity, "identity");
            if (leaseDuration.isNegative() || leaseDuration.isZero() || retryPeriod.isNegative() || retryPeriod.isZero()
                    || renewDeadline.compareTo(leaseDuration) >= 0 || renewDeadline.compareTo(retryPeriod) <= 0) {
                throw new IllegalArgumentException("leader election: need 0 < retryPeriod < renewDeadline < leaseDuration, got retryPeriod "
                        + retryPeriod + ", renewDeadline " + renewDeadline + ", leaseDuration " + leaseDuration);
            }
        }

        /**
         * Lease {@value #LEASE_NAME} in {@code namespace} with JOSDK's default timing (lease 15 s, renew deadline 10 s,
         * retry 2 s, the client-go leader-election defaults), exiting the process on loss.
         */
        public static LeaderElection defaults(String namespace, String identity) {
            return new LeaderElection(LEASE_NAME, namespace, identity,
                    io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                    io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                    io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, true);
        }

        /**
         * {@link #defaults} in the operator's namespace ({@code INFERSCALE_OPERATOR_NAMESPACE}, else
         * {@code inferscale-system}) with the pod's name as identity ({@code POD_NAME}, set by
         * {@code manifests/operator.yaml}; else {@code HOSTNAME}, which is the pod name in a pod; else a random id).
         */
        public static LeaderElection fromEnvironment() {
            String id = System.getenv("POD_NAME");
            if (id == null || id.isBlank()) {
                id = System.getenv("HOSTNAME");
            }
            if (id == null || id.isBlank()) {
                id = "inferscale-operator-" + java.util.UUID.randomUUID();
            }
            return defaults(InferenceEndpointReconciler.OperatorIdentity.fromEnvironment().namespace(), id.trim());
        }

        io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration toJosdk() {
            // JOSDK 5.3's own exit-on-loss switch is deprecated (and build() leaves it off, so a deposed leader would keep
            // reconciling): the exit is this callback's
            Runnable onStopLeading = exitOnLoss ? () -> {
                System.err.println("inferscale operator: lost the leader Lease " + leaseNamespace + "/" + leaseName + "; exiting");
                System.exit(1);
            } : () -> { };
            return io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(leaseName)
                    .withLeaseNamespace(leaseNamespace).withIdentity(identity).withLeaseDuration(leaseDuration)
                    .withRenewDeadline(renewDeadline).withRetryPeriod(retryPeriod)
                    .withLeaderCallbacks(new io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks(() -> { }, onStopLeading, leader -> { }))
                    .build();
        }
    }

    /** True once {@link #start()} returned and every informer is connected and synced: the readiness probe's answer. */
    public boolean isReady() {
        var info = operator.getRuntimeInfo();
        return info.isStarted() && info.allEventSourcesAreHealthy();
    }

    /** True once {@link #start()} returned and until {@link #close()}: the liveness probe's answer. */
    public boolean isAlive() {
        return operator.getRuntimeInfo().isStarted();
    }

    /**
     * Starts the informers and the reconciler; returns once they are running.
     *
     * @throws BackendException when the informers cannot start: the API server's failure mapped as for the backend
     *                          (PERMISSION_DENIED without the RBAC, NOT_FOUND without the CRD, UNAVAILABLE...), with the
     *                          fabric8 exception as the cause
     */
    public void start() {
        try {
            operator.start();
        } catch (RuntimeException e) {
            String hint = "; install manifests/crd.yaml and manifests/rbac.yaml (see the backend-kubernetes README)";
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof KubernetesClientException k) {
                    BackendException mapped = ApiErrors.wrap(KubernetesBackend.ID, "start the InferenceEndpoint operator", k);
                    throw new BackendException(KubernetesBackend.ID, mapped.reason(), mapped.getMessage() + hint, k);
                }
            }
            throw new BackendException(KubernetesBackend.ID, BackendException.Reason.UNAVAILABLE,
                    "cannot start the InferenceEndpoint operator: " + e.getMessage() + hint, e);
        }
    }

    /** Stops the operator (the client stays open). */
    @Override
    public void close() {
        operator.stop();
        backend.close();
    }

    /**
     * Runs the operator on all namespaces until the JVM is stopped (SIGTERM): what {@code inferscale operator} does.
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public static void run(KubernetesClient client, KubernetesSettings settings) throws InterruptedException {
        InferenceEndpointOperator operator = create(client, settings, Set.of());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            operator.close();
            stopped.countDown();
        }, "inferscale-operator-shutdown"));
        operator.start();
        stopped.await();
    }

    /**
     * Runs the operator on all namespaces until the JVM is stopped, connecting with the kubeconfig (or the in-cluster
     * service account) and the {@code kubernetes.*} configuration ({@code kubernetes.context}, retries, image template,
     * metric names...). What the CLI's {@code inferscale operator --set key=value} calls.
     *
     * @throws io.inferscale.api.ConfigurationException when a configuration value is malformed
     * @throws io.inferscale.api.BackendException       CONFIGURATION when no Kubernetes configuration is found
     * @throws InterruptedException                     when the waiting thread is interrupted
     */
    public static void run(BackendConfig config) throws InterruptedException {
        KubernetesSettings settings = KubernetesSettings.from(config);
        try (KubernetesClient client = KubernetesClients.connect(settings)) {
            run(client, settings);
        }
    }

    /** Runs the operator with the kubeconfig (or in-cluster service account) and {@code INFERSCALE_KUBERNETES_*} configuration. */
    public static void main(String[] args) throws InterruptedException {
        run(BackendConfig.fromEnvironment());
    }
}
