package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.Backend;
import io.inferscale.testkit.BackendConformanceKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The conformance kit against the cluster of the current kubeconfig ({@code mvn -B verify -Plive -pl backend-kubernetes}).
 * Skips itself when there is no kubeconfig (and no in-cluster service account) or the API server does not answer.
 *
 * <p>Environment: {@code INFERSCALE_KUBERNETES_NAMESPACE} (default: the kubeconfig's namespace) must exist and allow
 * Deployments, Services and HPAs; {@code INFERSCALE_LIVE_IMAGE} is the image the pods run (default
 * {@code registry.k8s.io/pause:3.10}, which becomes ready without serving anything).
 * {@link #writeCount()} counts the client's POST/PUT/PATCH/DELETE requests with an HTTP interceptor.
 */
class KubernetesLiveIT extends BackendConformanceKit {

    private static final AtomicLong WRITES = new AtomicLong();
    private static KubernetesClient client;

    @BeforeAll
    static void connect() {
        boolean kubeconfig = System.getenv("KUBECONFIG") != null || Files.exists(Path.of(System.getProperty("user.home"), ".kube", "config"))
                || System.getenv("KUBERNETES_SERVICE_HOST") != null;
        assumeTrue(kubeconfig, "no kubeconfig and not in a cluster: skipping the live Kubernetes tests");
        Config config = Config.autoConfigure(null);
        config.setRequestTimeout(10_000);
        config.setConnectionTimeout(5_000);
        client = new KubernetesClientBuilder().withConfig(config).withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("inferscale-write-count",
                new Interceptor() {
                    @Override
                    public void before(BasicBuilder builder, HttpRequest request, Interceptor.RequestTags tags) {
                        if (Set.of("POST", "PUT", "PATCH", "DELETE").contains(request.method())) {
                            WRITES.incrementAndGet();
                        }
                    }
                })).build();
        try {
            client.getKubernetesVersion();
        } catch (RuntimeException e) {
            client.close();
            client = null;
            assumeTrue(false, "the cluster of the current kubeconfig does not answer (" + e.getMessage() + "): skipping");
        }
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.close();
        }
    }

    @Override
    protected Backend createBackend() {
        return new KubernetesBackend(client, KubernetesSettings.from(io.inferscale.api.backend.BackendConfig.fromEnvironment()));
    }

    @Override
    protected long writeCount() {
        return WRITES.get();
    }

    @Override
    protected InferenceEndpoint.Builder customize(InferenceEndpoint.Builder builder) {
        InferenceEndpoint e = builder.build();
        String image = System.getenv().getOrDefault("INFERSCALE_LIVE_IMAGE", "registry.k8s.io/pause:3.10");
        return e.toBuilder().model(e.model().toBuilder().image(image).build());
    }

    @Override
    protected Duration readyTimeout() {
        return Duration.ofMinutes(3);
    }
}
