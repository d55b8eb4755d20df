package io.inferscale.backend.kubernetes.internal;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.inferscale.api.BackendException;
import io.inferscale.backend.kubernetes.KubernetesSettings;
import io.inferscale.backend.kubernetes.KubernetesTranslator;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The backend's one Kubernetes client, created on first use (under a lock) from the kubeconfig or given by the caller,
 * and the request policy every part shares: one repeat of an unanswered request ({@link #withOneRetry}) and the
 * mapping of client failures to {@link BackendException}s naming the API server ({@link #wrap}).
 */
public final class KubernetesClients implements AutoCloseable {

    private static final String ID = KubernetesTranslator.BACKEND_ID;

    private final KubernetesSettings settings;
    private final Supplier<KubernetesClient> factory;
    private final boolean owned;
    private volatile KubernetesClient client;

    private KubernetesClients(KubernetesSettings settings, Supplier<KubernetesClient> factory, boolean owned) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.factory = factory;
        this.owned = owned;
    }

    /** Clients over an existing client, which {@link #close()} leaves open. */
    public static KubernetesClients of(KubernetesClient client, KubernetesSettings settings) {
        Objects.requireNonNull(client, "client");
        return new KubernetesClients(settings, () -> client, false);
    }

    /** Clients that {@link #connect} on first use and close the client on {@link #close()}. */
    public static KubernetesClients connecting(KubernetesSettings settings) {
        return new KubernetesClients(settings, () -> connect(settings), true);
    }

    /**
     * A client for the kubeconfig (or in-cluster service account) with the settings' context and retries, reporting
     * each retry of an unreachable API server ({@link ConnectionProgress}).
     *
     * @throws BackendException CONFIGURATION when no Kubernetes configuration exists or it cannot be read
     */
    public static KubernetesClient connect(KubernetesSettings s) {
        if (!hasClusterConfiguration(System::getenv, System::getProperty)) {
            throw new BackendException(ID, BackendException.Reason.CONFIGURATION, "no Kubernetes configuration found: set KUBECONFIG, create "
                    + "~/.kube/config (e.g. with your cloud's 'get-credentials' command), or run inside a cluster with a service account");
        }
        try {
            Config config = Config.autoConfigure(s.context().orElse(null));
            config.setRequestRetryBackoffLimit(s.retryBackoffLimit());
            config.setRequestRetryBackoffInterval(s.retryBackoffIntervalMillis());
            String server = config.getMasterUrl();
            return new KubernetesClientBuilder().withConfig(config)
                    .withHttpClientBuilderConsumer(ConnectionProgress.installer(server, s.retryBackoffLimit())).build();
        } catch (KubernetesClientException e) {
            throw new BackendException(ID, BackendException.Reason.CONFIGURATION,
                    "cannot configure the Kubernetes client from the kubeconfig" + s.context().map(c -> " (context " + c + ")").orElse("")
                            + ": " + e.getMessage(), e);
        }
    }

    /** True when fabric8 will find a cluster: a kubeconfig (KUBECONFIG, ~/.kube/config), a master URL, or the in-cluster environment. */
    public static boolean hasClusterConfiguration(UnaryOperator<String> env, UnaryOperator<String> properties) {
        String kubeconfig = properties.apply("kubeconfig") != null ? properties.apply("kubeconfig") : env.apply("KUBECONFIG");
        if (kubeconfig != null && !kubeconfig.isBlank()) {
            return Arrays.stream(kubeconfig.split(File.pathSeparator)).anyMatch(f -> Files.exists(Path.of(f)));
        }
        String home = properties.apply("user.home");
        return (home != null && Files.exists(Path.of(home, ".kube", "config")))
                || env.apply("KUBERNETES_SERVICE_HOST") != null
                || properties.apply("kubernetes.master") != null || env.apply("KUBERNETES_MASTER") != null;
    }

    /** The client, created on the first call. */
    public KubernetesClient client() {
        KubernetesClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = factory.get();
                    client = c;
                }
            }
        }
        return c;
    }

    /** The namespace the backend reads and lists in: {@code kubernetes.namespace}, else the client's, else {@code default}. */
    public String defaultNamespace() {
        return settings.namespace().orElseGet(() -> Optional.ofNullable(client().getNamespace()).orElse("default"));
    }

    /**
     * Runs one request, and once more when it got no HTTP answer at all (the client's request timeout, or the connection
     * dropped mid-response): fabric8 retries 429, 5xx and failures before a response, but not these. Every request
     * sent this way is idempotent (GET, server-side apply, DELETE, where a 404 counts as done), so repeating one that the
     * server may already have performed is safe.
     */
    public static <T> T withOneRetry(Supplier<T> request) {
        try {
            return request.get();
        } catch (KubernetesClientException e) {
            if (e.getCode() > 0 || ApiErrors.connectionFailure(e) != null) {
                throw e; // an answer, or no server reached at all (nothing was sent, and fabric8 has retried already)
            }
            return request.get();
        }
    }

    /** {@link ApiErrors#wrap} with this backend's id and API server. */
    public BackendException wrap(String doing, KubernetesClientException e) {
        KubernetesClient c = client;
        String server = null;
        try {
            server = c == null || c.getMasterUrl() == null ? null : c.getMasterUrl().toString();
        } catch (RuntimeException ignored) {
            // no URL to name: the message says what failed without it
        }
        return ApiErrors.wrap(ID, doing, e, server);
    }

    /** Closes the client when these clients created it. */
    @Override
    public void close() {
        KubernetesClient c = client;
        if (owned && c != null) {
            c.close();
        }
    }
}
