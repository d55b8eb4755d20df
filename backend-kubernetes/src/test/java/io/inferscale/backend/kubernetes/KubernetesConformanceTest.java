package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.Backend;
import io.inferscale.backend.kubernetes.internal.ScaledObjects;
import io.inferscale.testkit.BackendConformanceKit;
import org.junit.jupiter.api.AfterAll;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The conformance kit against fabric8's kubernetes-server-mock in CRUD mode (with server-side apply served by
 * {@link MockCluster}), plus stand-ins for the Deployment and HPA controllers so endpoints become ready.
 * {@link #writeCount()} counts the POST/PUT/PATCH/DELETE requests the backend's client sent.
 *
 * <p>Each test gets a fresh cluster. The kit's own {@code @AfterEach} (which deletes the test's endpoints) runs
 * after any a subclass declares, so a cluster is closed when the next one starts, and the last one after all tests.
 */
class KubernetesConformanceTest extends BackendConformanceKit {

    static final List<AutoCloseable> OPEN = new ArrayList<>();
    MockCluster cluster;

    @Override
    protected Backend createBackend() {
        closeOpen();
        cluster = new MockCluster();
        OPEN.add(cluster.startDeploymentController());
        OPEN.add(cluster.startHpaController());
        OPEN.add(KubernetesKedaConformanceTest.startKedaOperator(cluster));
        OPEN.add(cluster);
        return new KubernetesBackend(cluster.client(), KubernetesSettings.defaults());
    }

    @Override
    protected long writeCount() {
        return cluster.writeCount();
    }

    /** Scale to zero on Kubernetes takes a KEDA ScaledObject: {@code spec.backends.kubernetes.autoscaler: keda}. */
    @Override
    protected InferenceEndpoint.Builder customizeForScaleToZero(InferenceEndpoint.Builder builder) {
        return builder.option(KubernetesTranslator.BACKEND_ID, KubernetesTranslator.AUTOSCALER_OPTION, KubernetesTranslator.AUTOSCALER_KEDA);
    }

    /**
     * The Deployment, Service, HorizontalPodAutoscaler and ScaledObject named {@code name} still in the cluster (any
     * namespace), once the stand-in garbage collector has had up to 5 s to remove KEDA's HPA after its ScaledObject (as on a
     * real cluster, that deletion follows the ScaledObject's asynchronously).
     */
    @Override
    protected List<String> remainingObjects(String name) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<String> left = objectsNamed(name);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            left = objectsNamed(name);
        }
        return left;
    }

    private List<String> objectsNamed(String name) {
        KubernetesClient c = cluster.controllerClient();
        return Stream.of(c.apps().deployments().inAnyNamespace().list().getItems(), c.services().inAnyNamespace().list().getItems(),
                        c.autoscaling().v2().horizontalPodAutoscalers().inAnyNamespace().list().getItems(),
                        ScaledObjects.api(c).inAnyNamespace().list().getItems())
                .flatMap(List::stream).filter(o -> Objects.equals(name, o.getMetadata().getName()))
                .map(KubernetesConformanceTest::describe).toList();
    }

    private static String describe(HasMetadata o) {
        return o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }

    @Override
    protected Duration readyTimeout() {
        return Duration.ofSeconds(15);
    }

    @AfterAll
    static void closeOpen() {
        for (AutoCloseable c : OPEN) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        OPEN.clear();
    }
}
