package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.inferscale.api.BackendException;
import io.inferscale.backend.kubernetes.internal.ApiErrors;
import io.inferscale.backend.kubernetes.internal.KubernetesClients;
import io.inferscale.backend.kubernetes.internal.ScaledObjects;
import io.inferscale.backend.kubernetes.keda.ScaledObjectTranslator;
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
 * <p>To run it as a process, {@link #run(KubernetesClient, KubernetesSettings, RunOptions)} starts it with the options of
 * the CLI's {@code inferscale operator} command (which calls it): namespaces, leader election, probes, and stops it
 * cleanly on SIGTERM:
 *
 * <pre>{@code
 * InferenceEndpointOperator.run(client, settings, InferenceEndpointOperator.RunOptions.builder()
 *         .leaderElection(InferenceEndpointOperator.LeaderElection.fromEnvironment())
 *         .healthPort(OperatorHealthServer.DEFAULT_PORT)
 *         .onStarted(started -> log.info(started.describe()))
 *         .build());
 * }</pre>
 *
 * <p>The CRD and RBAC must be installed first ({@code manifests/} in this jar; see the module README).
 */
public final class InferenceEndpointOperator implements AutoCloseable {

    private final Operator operator;
    private final KubernetesBackend backend;
    private final KubernetesClient client;
    private final Set<String> namespaces;
    private final InferenceEndpointReconciler.OperatorIdentity identity;

    private InferenceEndpointOperator(KubernetesClient client, KubernetesSettings settings, Set<String> namespaces,
                                      InferenceEndpointReconciler.OperatorIdentity identity, LeaderElection leaderElection) {
        this.backend = new KubernetesBackend(client, settings);
        this.client = client;
        this.namespaces = namespaces;
        this.identity = identity;
        this.operator = new Operator(o -> {
            o.withKubernetesClient(client).withCloseClientOnStop(false)
                    .checkingCRDAndValidateLocalModel(false).withStopOnInformerErrorDuringStartup(true);
            if (leaderElection != null) {
                o.withLeaderElectionConfiguration(leaderElection.toJosdk());
            }
        });
    }

    /**
     * Registers the reconciler, with an informer on KEDA ScaledObjects only when the API server serves them (see
     * {@link #servesScaledObjects}); {@link #start()} does this first, so creating an operator makes no request.
     */
    private void register() {
        InferenceEndpointReconciler reconciler = new InferenceEndpointReconciler(backend, identity, servesScaledObjects(client));
        if (namespaces.isEmpty()) {
            operator.register(reconciler);
        } else {
            operator.register(reconciler, c -> c.settingNamespaces(namespaces));
        }
    }

    /**
     * True when the API server serves KEDA's {@code keda.sh/v1alpha1} {@code scaledobjects}: one discovery GET of
     * {@code /apis/keda.sh/v1alpha1} (404, or a list without scaledobjects, when KEDA's CRD is not installed or not yet
     * established). Discovery needs no RBAC rule: the default {@code system:discovery} ClusterRole lets every
     * authenticated user read it (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles).
     *
     * @throws KubernetesClientException any failure other than 404 (the operator's start then fails, mapped)
     */
    static boolean servesScaledObjects(KubernetesClient client) {
        io.fabric8.kubernetes.api.model.APIResourceList served;
        try {
            served = client.getApiResources(ScaledObjectTranslator.API_VERSION);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw e;
        }
        return served != null && served.getResources() != null
                && served.getResources().stream().anyMatch(r -> ScaledObjects.PLURAL.equals(r.getName()));
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
     * Starts the informers and the reconciler; returns once they are running. First asks the API server (one discovery
     * GET) whether it serves KEDA ScaledObjects: only then is there an informer on them (see
     * {@code InferenceEndpointReconciler}); a cluster without KEDA runs the other informers and reads a {@code keda}
     * endpoint's ScaledObject with a GET per reconcile, as a cluster where KEDA was installed after the start does.
     *
     * @throws BackendException when the informers cannot start: the API server's failure mapped as for the backend
     *                          (PERMISSION_DENIED without the RBAC, NOT_FOUND without the CRD, UNAVAILABLE...), with the
     *                          fabric8 exception as the cause
     */
    public void start() {
        try {
            register();
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
     * How {@link #run(KubernetesClient, KubernetesSettings, RunOptions)} runs the operator: which namespaces it watches,
     * whether it reconciles only while holding a leader Lease, whether it serves the probes, and whom it tells once it
     * runs. {@code inferscale operator --namespace --leader-election --health-port} builds the same options.
     *
     * @param namespaces     the namespaces to watch; empty (the default) for all, which needs the ClusterRole
     * @param leaderElection the Lease to hold while reconciling; empty (the default) reconciles at once, for one replica
     * @param healthPort     the port of {@link OperatorHealthServer}'s {@code /healthz} and {@code /readyz} (0: any free
     *                       port); empty (the default) serves no probes
     * @param onStarted      told once the informers are synced and the probes (if any) are served; the default does nothing
     */
    public record RunOptions(Set<String> namespaces, java.util.Optional<LeaderElection> leaderElection,
                             java.util.OptionalInt healthPort, java.util.function.Consumer<Started> onStarted) {

        /** Copies the namespaces; checks the port. */
        public RunOptions {
            namespaces = Set.copyOf(namespaces);
            Objects.requireNonNull(leaderElection, "leaderElection");
            Objects.requireNonNull(healthPort, "healthPort");
            Objects.requireNonNull(onStarted, "onStarted");
            if (healthPort.isPresent() && (healthPort.getAsInt() < 0 || healthPort.getAsInt() > 65535)) {
                throw new IllegalArgumentException("healthPort " + healthPort.getAsInt() + " is not a port number; use 0-65535 (0 picks a free one)");
            }
        }

        /** All namespaces, no leader election, no probes: what {@link #run(KubernetesClient, KubernetesSettings)} does. */
        public static RunOptions defaults() {
            return builder().build();
        }

        /** A builder starting from {@link #defaults()}. */
        public static Builder builder() {
            return new Builder();
        }

        /** Builds {@link RunOptions}; every setter is optional. */
        public static final class Builder {
            private Set<String> namespaces = Set.of();
            private LeaderElection leaderElection;
            private Integer healthPort;
            private java.util.function.Consumer<Started> onStarted = s -> { };

            private Builder() {
            }

            /** The namespaces to watch (empty: all). */
            public Builder namespaces(java.util.Collection<String> namespaces) {
                this.namespaces = Set.copyOf(namespaces);
                return this;
            }

            /** Reconcile only while holding this Lease, e.g. {@link LeaderElection#fromEnvironment()}; null: no election. */
            public Builder leaderElection(LeaderElection leaderElection) {
                this.leaderElection = leaderElection;
                return this;
            }

            /** Serve the probes on {@code port} (0-65535; 0 picks a free one, see {@link Started#healthPort()}). */
            public Builder healthPort(int port) {
                this.healthPort = port;
                return this;
            }

            /** Called once the operator runs (e.g. to log the line the CLI prints, {@link Started#describe()}). */
            public Builder onStarted(java.util.function.Consumer<Started> onStarted) {
                this.onStarted = Objects.requireNonNull(onStarted, "onStarted");
                return this;
            }

            /**
             * The options.
             *
             * @throws IllegalArgumentException when the health port is not 0-65535
             */
            public RunOptions build() {
                return new RunOptions(namespaces, java.util.Optional.ofNullable(leaderElection),
                        healthPort == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(healthPort), onStarted);
            }
        }
    }

    /**
     * What {@link #run(KubernetesClient, KubernetesSettings, RunOptions)} started.
     *
     * @param masterUrl      the API server
     * @param namespaces     the namespaces watched (empty: all)
     * @param leaderElection true when reconciling only while holding the Lease
     * @param healthPort     the port the probes are served on (the bound one when 0 was asked); empty without probes
     */
    public record Started(String masterUrl, Set<String> namespaces, boolean leaderElection, java.util.OptionalInt healthPort) {

        /** The one line the CLI prints, e.g. {@code reconciling InferenceEndpoint resources in all namespaces on https://...}. */
        public String describe() {
            return "reconciling InferenceEndpoint resources in "
                    + (namespaces.isEmpty() ? "all namespaces" : String.join(", ", new java.util.TreeSet<>(namespaces))) + " on " + masterUrl
                    + (leaderElection ? " while holding the leader Lease" : "")
                    + (healthPort.isPresent() ? "; probes on port " + healthPort.getAsInt() : "")
                    + "; stop with SIGTERM or Ctrl-C";
        }
    }

    /**
     * Runs the operator on all namespaces, without leader election or probes, until the JVM is stopped (SIGTERM).
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public static void run(KubernetesClient client, KubernetesSettings settings) throws InterruptedException {
        run(client, settings, RunOptions.defaults());
    }

    /**
     * Runs the operator with {@code options} until the JVM is stopped (SIGTERM or Ctrl-C): what {@code inferscale operator}
     * does. On the stop, a shutdown hook wakes this thread and waits up to 30 s for it to stop the operator and the probes
     * cleanly (a leader releases nothing: its followers wait out the Lease). The client stays open (the caller's).
     *
     * @throws BackendException         when the operator cannot start (see {@link #start()})
     * @throws java.io.UncheckedIOException when the health port cannot be bound
     * @throws InterruptedException     when the waiting thread is interrupted
     */
    public static void run(KubernetesClient client, KubernetesSettings settings, RunOptions options) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                closed.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "inferscale-operator-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            runUntil(client, settings, options, InferenceEndpointReconciler.OperatorIdentity.fromEnvironment(), stop);
        } finally {
            closed.countDown();
        }
    }

    /** As {@link #run(KubernetesClient, KubernetesSettings, RunOptions)}, until {@code stop} opens instead of the JVM's end. */
    static void runUntil(KubernetesClient client, KubernetesSettings settings, RunOptions options,
                         InferenceEndpointReconciler.OperatorIdentity identity, CountDownLatch stop) throws InterruptedException {
        Objects.requireNonNull(options, "options");
        try (InferenceEndpointOperator operator = create(client, settings, options.namespaces(), identity, options.leaderElection().orElse(null));
             OperatorHealthServer health = options.healthPort().isPresent() ? OperatorHealthServer.start(options.healthPort().getAsInt(), operator) : null) {
            operator.start();
            options.onStarted().accept(new Started(client.getMasterUrl().toString(), options.namespaces(),
                    options.leaderElection().isPresent(), health == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(health.port())));
            stop.await();
        }
    }

    /**
     * Runs the operator on all namespaces until the JVM is stopped, connecting with the kubeconfig (or the in-cluster
     * service account) and the {@code kubernetes.*} configuration ({@code kubernetes.context}, retries, image template,
     * metric names...).
     *
     * @throws io.inferscale.api.ConfigurationException when a configuration value is malformed
     * @throws io.inferscale.api.BackendException       CONFIGURATION when no Kubernetes configuration is found
     * @throws InterruptedException                     when the waiting thread is interrupted
     */
    public static void run(BackendConfig config) throws InterruptedException {
        run(config, RunOptions.defaults());
    }

    /**
     * As {@link #run(BackendConfig)}, with {@code options} (namespaces, leader election, probes): what the CLI's
     * {@code inferscale operator --leader-election --health-port 8080 --set key=value} calls.
     *
     * @throws io.inferscale.api.ConfigurationException when a configuration value is malformed
     * @throws io.inferscale.api.BackendException       CONFIGURATION when no Kubernetes configuration is found; the
     *                                                  failures of {@link #start()}
     * @throws InterruptedException                     when the waiting thread is interrupted
     */
    public static void run(BackendConfig config, RunOptions options) throws InterruptedException {
        KubernetesSettings settings = KubernetesSettings.from(config);
        try (KubernetesClient client = KubernetesClients.connect(settings)) {
            run(client, settings, options);
        }
    }

    /**
     * Runs the operator with the kubeconfig (or in-cluster service account) and {@code INFERSCALE_KUBERNETES_*}
     * configuration, on all namespaces; with {@code INFERSCALE_OPERATOR_LEADER_ELECTION=true} only while holding the Lease
     * ({@link LeaderElection#fromEnvironment()}), with {@code INFERSCALE_OPERATOR_HEALTH_PORT} serving the probes.
     */
    public static void main(String[] args) throws InterruptedException {
        RunOptions.Builder options = RunOptions.builder().onStarted(s -> System.out.println("inferscale operator: " + s.describe()));
        if ("true".equalsIgnoreCase(System.getenv("INFERSCALE_OPERATOR_LEADER_ELECTION"))) {
            options.leaderElection(LeaderElection.fromEnvironment());
        }
        String port = System.getenv("INFERSCALE_OPERATOR_HEALTH_PORT");
        if (port != null && !port.isBlank()) {
            try {
                options.healthPort(Integer.parseInt(port.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("INFERSCALE_OPERATOR_HEALTH_PORT '" + port + "' is not a port number; use 0-65535 (e.g. 8080)", e);
            }
        }
        run(BackendConfig.fromEnvironment(), options.build());
    }
}
