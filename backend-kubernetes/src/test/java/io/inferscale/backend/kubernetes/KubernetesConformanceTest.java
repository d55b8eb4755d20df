package io.inferscale.backend.kubernetes;

import io.inferscale.api.backend.Backend;
import io.inferscale.testkit.BackendConformanceKit;
import org.junit.jupiter.api.AfterAll;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
        OPEN.add(cluster);
        return new KubernetesBackend(cluster.client(), KubernetesSettings.defaults());
    }

    @Override
    protected long writeCount() {
        return cluster.writeCount();
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
