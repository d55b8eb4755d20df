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
 * {@code InferenceEndpointReconciler}). Run one operator per cluster (the manifest's Deployment has one replica).
 *
 * <p>The CLI's {@code inferscale operator} command calls {@link #run(BackendConfig)}. The CRD and RBAC must
 * be installed first ({@code manifests/} in this jar; see the module README).
 */
public final class InferenceEndpointOperator implements AutoCloseable {

    private final Operator operator;
    private final KubernetesBackend backend;

    private InferenceEndpointOperator(KubernetesClient client, KubernetesSettings settings, Set<String> namespaces,
                                      InferenceEndpointReconciler.OperatorIdentity identity) {
        this.backend = new KubernetesBackend(client, settings);
        this.operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false)
                .checkingCRDAndValidateLocalModel(false).withStopOnInformerErrorDuringStartup(true));
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

    /** As {@link #create(KubernetesClient, KubernetesSettings, Set)}, with the operator's own namespace and service account given. */
    static InferenceEndpointOperator create(KubernetesClient client, KubernetesSettings settings, Set<String> namespaces,
                                            InferenceEndpointReconciler.OperatorIdentity identity) {
        return new InferenceEndpointOperator(Objects.requireNonNull(client, "client"), Objects.requireNonNull(settings, "settings"),
                Set.copyOf(namespaces), Objects.requireNonNull(identity, "identity"));
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
