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

import static org.assertj.core.api.Assertions.assertThat;
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

    /**
     * What the test cluster's field-ownership model stands in for, on the real API server: the first apply sets
     * replicas to minReplicas; the first update before the HPA acts hands them to {@code inferscale-replicas-handover}
     * and keeps them; after a scale through the scale subresource (as the HPA does) an update keeps that count.
     */
    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.DisplayName("live: replicas start at minReplicas and no update resets them, before or after a scale")
    void replicasHandover() throws java.io.IOException {
        KubernetesBackend backend = (KubernetesBackend) createBackend();
        InferenceEndpoint seed = KubernetesTranslatorTest.endpoint("inference_endpoint.yaml");
        InferenceEndpoint e = customize(seed.toBuilder().name("inferscale-live-replicas")
                .autoscaling(seed.autoscaling().toBuilder().minReplicas(2).build())).build();
        String ns = backend.defaultNamespace();
        var deployment = client.apps().deployments().inNamespace(ns).withName(e.name());
        try {
            backend.apply(e);
            assertThat(deployment.get().getSpec().getReplicas()).isEqualTo(2);

            backend.apply(e.toBuilder().model(e.model().toBuilder().env("REVISION", "2").build()).build());
            assertThat(deployment.get().getSpec().getReplicas()).as("replicas after an update before the HPA acted").isEqualTo(2);
            assertThat(deployment.get().getMetadata().getManagedFields())
                    .filteredOn(m -> m.getFieldsV1() != null && String.valueOf(m.getFieldsV1().getAdditionalProperties().get("f:spec")).contains("f:replicas"))
                    .extracting(io.fabric8.kubernetes.api.model.ManagedFieldsEntry::getManager).containsExactly("inferscale-replicas-handover");

            deployment.scale(4);
            backend.apply(e.toBuilder().model(e.model().toBuilder().env("REVISION", "3").build()).build());
            assertThat(deployment.get().getSpec().getReplicas()).as("replicas after a scale and an update").isEqualTo(4);
        } finally {
            backend.delete(e.name());
        }
    }
}
