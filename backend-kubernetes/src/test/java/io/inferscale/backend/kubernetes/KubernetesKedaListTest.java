package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.backend.kubernetes.internal.ScaledObjects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static io.inferscale.backend.kubernetes.KubernetesTranslatorTest.endpoint;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code list} (the CLI's {@code get} without a name) for endpoints with {@code autoscaler: keda}: the ScaledObject's
 * conditions, replica range and idle state as {@code status} shows them, from one LIST of ScaledObjects for the whole
 * namespace (none when no endpoint may have one). The mock runs no KEDA operator: each test writes what KEDA would (the
 * ScaledObject's status, the HPA it creates with the ScaledObject's labels, {@code controllers/keda/hpa.go} at KEDA
 * 8b4f083ca).
 */
class KubernetesKedaListTest {

    private static final String NS = KubernetesKedaTest.NS;

    private final MockCluster cluster = new MockCluster();
    private final KubernetesClient client = cluster.client();
    private final KubernetesBackend backend = KubernetesKedaTest.backend(client);

    @AfterEach
    void stop() {
        backend.close();
        cluster.close();
    }

    private static InferenceEndpoint named(String name, InferenceEndpoint e) {
        return e.toBuilder().name(name).build();
    }

    private InferenceEndpoint kedaScaleToZero(String name) throws IOException {
        return named(name, KubernetesKedaTest.keda(endpoint("scale_to_zero_endpoint.yaml")));
    }

    /** What KEDA does for ScaledObject {@code name}: its status, and its HPA (the ScaledObject's labels, controlled by it). */
    private void kedaReconciled(String name, Map<String, Object> status, int replicas) {
        GenericKubernetesResource so = ScaledObjects.api(client).inNamespace(NS).withName(name).get();
        so.getAdditionalProperties().put("status", status);
        ScaledObjects.api(cluster.controllerClient()).inNamespace(NS).resource(so).update();
        cluster.controllerClient().resource(new HorizontalPodAutoscalerBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .withLabels(so.getMetadata().getLabels())
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("keda.sh/v1alpha1").withKind("ScaledObject")
                        .withName(name).withUid("uid-" + name).withController(true).build()).endMetadata()
                .withNewSpec().withMinReplicas(1).withMaxReplicas(4)
                .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName(name).endScaleTargetRef()
                .endSpec().build()).create();
        Deployment d = client.apps().deployments().inNamespace(NS).withName(name).get();
        cluster.controllerClient().resource(new DeploymentBuilder(d).editSpec().withReplicas(replicas).endSpec()
                .withNewStatus().withObservedGeneration(d.getMetadata().getGeneration()).withReplicas(replicas).withUpdatedReplicas(replicas)
                .withReadyReplicas(replicas).withAvailableReplicas(replicas).endStatus().build()).update();
    }

    private static Map<String, Object> condition(String type, String status, String reason) {
        return Map.of("type", type, "status", status, "reason", reason, "message", type + " " + reason);
    }

    /** The requests sent since {@code from}, each as method and path without the query, plus its label selector. */
    private List<String> requestsSince(int from) {
        List<RecordedRequest> all = cluster.requests();
        return all.subList(from, all.size()).stream().map(r -> r.getMethod() + " " + r.getPath().replaceAll("[?].*", "")
                + (r.getPath().contains("labelSelector=") ? " (by label)" : "")).toList();
    }

    @Test
    @DisplayName("list shows each keda endpoint's ScaledObject: conditions, minReplicas 0, idle at zero, idle timer running; one LIST for all")
    void listShowsScaledObjects() throws IOException {
        backend.apply(kedaScaleToZero("idle-endpoint"));
        kedaReconciled("idle-endpoint", Map.of("hpaName", "idle-endpoint", "conditions", List.of(
                condition("Ready", "True", "ScaledObjectReady"), condition("Active", "False", "ScalerNotActive"))), 0);
        backend.apply(kedaScaleToZero("cooling-endpoint"));
        kedaReconciled("cooling-endpoint", Map.of("hpaName", "cooling-endpoint", "lastActiveTime", "2026-12-03T19:00:00Z",
                "conditions", List.of(condition("Ready", "True", "ScaledObjectReady"), condition("Active", "False", "ScalerCooldown"))), 1);
        backend.apply(named("plain-endpoint", endpoint("inference_endpoint.yaml")));

        int from = cluster.requests().size();
        List<EndpointStatus> list = backend.list();

        assertThat(requestsSince(from)).containsExactly(
                "GET /apis/apps/v1/namespaces/" + NS + "/deployments (by label)",
                "GET /apis/autoscaling/v2/namespaces/" + NS + "/horizontalpodautoscalers (by label)",
                "GET /api/v1/namespaces/" + NS + "/services (by label)",
                "GET /apis/keda.sh/v1alpha1/namespaces/" + NS + "/scaledobjects (by label)");
        assertThat(list).extracting(EndpointStatus::name).containsExactly("cooling-endpoint", "idle-endpoint", "plain-endpoint");

        EndpointStatus idle = list.get(1);
        assertThat(idle.state()).isEqualTo(EndpointState.READY);
        assertThat(idle.minReplicas()).isZero();
        assertThat(idle.maxReplicas()).isEqualTo(4);
        assertThat(idle.message()).hasValueSatisfying(m -> assertThat(m).contains("scaled to zero by KEDA"));
        assertThat(idle.condition("ScaledObject/Active")).hasValueSatisfying(c -> assertThat(c.reason()).isEqualTo("ScalerNotActive"));
        assertThat(idle.details()).containsEntry("autoscaler", "keda").containsEntry("scaledObject.hpaName", "idle-endpoint");
        assertThat(idle).usingRecursiveComparison().ignoringFields("createdAt").isEqualTo(backend.status("idle-endpoint"));

        EndpointStatus cooling = list.get(0);
        assertThat(cooling.minReplicas()).isZero();
        assertThat(cooling.readyReplicas()).isEqualTo(1);
        assertThat(cooling.condition("ScaledObject/Active")).hasValueSatisfying(c -> assertThat(c.reason()).isEqualTo("ScalerCooldown"));
        assertThat(cooling.message()).hasValue("idle: no trigger active since 2026-12-03T19:00:00Z; KEDA scales to 0 after cooldownPeriod "
                + "900 s (at 2026-12-03T19:15:00Z)");
        assertThat(cooling).usingRecursiveComparison().ignoringFields("createdAt").isEqualTo(backend.status("cooling-endpoint"));

        EndpointStatus plain = list.get(2);
        assertThat(plain.details()).doesNotContainKey("autoscaler");
        assertThat(plain.conditions()).noneSatisfy(c -> assertThat(c.type()).startsWith("ScaledObject/"));
    }

    @Test
    @DisplayName("list of HPA endpoints only sends no request for ScaledObjects (3 LISTs)")
    void listWithoutKedaEndpointsSkipsScaledObjects() throws IOException {
        backend.apply(named("plain-a", endpoint("inference_endpoint.yaml")));
        backend.apply(named("plain-b", endpoint("inference_endpoint.yaml")));
        int from = cluster.requests().size();
        assertThat(backend.list()).extracting(EndpointStatus::name).containsExactly("plain-a", "plain-b");
        assertThat(requestsSince(from)).hasSize(3).noneSatisfy(r -> assertThat(r).contains("scaledobjects"));
    }

    @Test
    @DisplayName("list where KEDA is not installed (404 on keda.sh) and a Deployment has no HPA: the endpoint is listed, without error")
    void listWithoutKedaInstalled() throws IOException {
        backend.apply(named("plain-a", endpoint("inference_endpoint.yaml")));
        client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName("plain-a").delete();
        cluster.fail(r -> r.getPath().startsWith("/apis/keda.sh/"), 404, "the server could not find the requested resource");
        List<EndpointStatus> list = backend.list();
        assertThat(list).extracting(EndpointStatus::name).containsExactly("plain-a");
        assertThat(list.get(0).message()).hasValueSatisfying(m -> assertThat(m).contains("HorizontalPodAutoscaler plain-a is missing"));
        assertThat(cluster.calls()).contains("GET scaledobjects");
    }
}
