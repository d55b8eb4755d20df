package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The cluster's {@code FakeCloud} surface, driven with a plain fabric8 client as a user of the published test-jar would. */
class MockClusterTest {

    @Test
    @DisplayName("endpoint() is the master URL, calls() and writeCount() log requests, reset() empties it and it keeps serving")
    void fakeCloudSurface() {
        try (MockCluster cluster = new MockCluster()) {
            KubernetesClient client = cluster.client();
            assertThat(client.getConfiguration().getMasterUrl()).startsWith(cluster.endpoint());
            assertThat(cluster.endpoint()).startsWith("http").doesNotEndWith("/");

            client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("c1").endMetadata().build()).create();
            client.configMaps().withName("c1").get();
            assertThat(cluster.calls()).containsExactly("POST configmaps", "GET configmaps");
            assertThat(cluster.writeCount()).isEqualTo(1);

            cluster.reset();
            assertThat(cluster.calls()).isEmpty();
            assertThat(cluster.writeCount()).isZero();
            assertThat(client.configMaps().withName("c1").get()).isNull();
            assertThat(cluster.calls()).containsExactly("GET configmaps");
        }
    }
}
