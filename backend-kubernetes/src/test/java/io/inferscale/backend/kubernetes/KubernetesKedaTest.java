package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.inferscale.api.BackendException;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.Feature;
import io.inferscale.api.backend.Plan;
import io.inferscale.api.backend.Support;
import io.inferscale.api.validation.Problem;
import io.inferscale.backend.kubernetes.internal.ScaledObjects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.inferscale.backend.kubernetes.KubernetesTranslatorTest.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code spec.backends.kubernetes.autoscaler: keda} end to end on {@link MockCluster}: render, apply (server-side apply of
 * the ScaledObject as a generic {@code keda.sh/v1alpha1} resource), no-op re-apply, update, delete, status from the
 * ScaledObject and KEDA's HPA, KEDA missing, switching hpa <-> keda, and the option's and settings' validation. The mock
 * runs no KEDA operator: where a test needs what KEDA would do (conditions, the HPA it creates), it writes that itself.
 */
class KubernetesKedaTest {

    static final String NS = "ml-serving";

    private MockCluster cluster;
    private KubernetesClient client;
    private KubernetesBackend backend;

    @BeforeEach
    void start() {
        cluster = new MockCluster();
        client = cluster.client();
        backend = backend(client);
    }

    /** A backend on {@code client} in namespace {@value #NS}, with KEDA queries on the ingress controller's request metrics. */
    static KubernetesBackend backend(KubernetesClient client) {
        return new KubernetesBackend(client, KubernetesSettings.from(BackendConfig.of(Map.of(
                "kubernetes.namespace", NS,
                "kubernetes.keda.requestsPerSecondQuery", "sum(rate(nginx_ingress_controller_requests{service=\"{name}\"}[1m]))",
                "kubernetes.keda.concurrencyQuery", "sum(nginx_ingress_controller_requests_in_flight{service=\"{name}\"})"))));
    }

    @AfterEach
    void stop() {
        backend.close();
        cluster.close();
    }

    static InferenceEndpoint keda(InferenceEndpoint e) {
        return e.toBuilder().option("kubernetes", "autoscaler", "keda").build();
    }

    private InferenceEndpoint scaleToZero() throws IOException {
        return keda(endpoint("scale_to_zero_endpoint.yaml"));
    }

    private GenericKubernetesResource liveScaledObject(String name) {
        return ScaledObjects.api(client).inNamespace(NS).withName(name).get();
    }

    private List<String> callsSince(int from) {
        List<RecordedRequest> all = cluster.requests();
        return all.subList(from, all.size()).stream().map(MockCluster::call).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource so) {
        return (Map<String, Object>) so.getAdditionalProperties().get("spec");
    }

    @Test
    @DisplayName("render prints Deployment, Service and the ScaledObject, no HorizontalPodAutoscaler; notes say cooldownPeriod")
    void render() throws IOException {
        String yaml = backend.render(scaleToZero()).text();
        writeForSchemaCheck("render.yaml", yaml);
        assertThat(yaml).contains("kind: Deployment", "kind: Service", "apiVersion: keda.sh/v1alpha1", "kind: ScaledObject",
                "cooldownPeriod: 900", "minReplicaCount: 0").doesNotContain("HorizontalPodAutoscaler");
        assertThat(backend.render(scaleToZero()).notes()).anySatisfy(n -> assertThat(n.message()).contains("cooldownPeriod 900"));
        // the default stays the HPA
        assertThat(backend.render(endpoint("scale_to_zero_endpoint.yaml").toBuilder()
                .autoscaling(endpoint("inference_endpoint.yaml").autoscaling()).build()).text())
                .contains("kind: HorizontalPodAutoscaler").doesNotContain("ScaledObject");
    }

    @Test
    @DisplayName("apply creates the ScaledObject with server-side apply (3 reads, 3 applies, 2 verify reads); a re-apply writes nothing")
    void applyCreateThenNoOp() throws IOException {
        InferenceEndpoint e = scaleToZero();
        ApplyResult first = backend.apply(e);
        assertThat(first.plan().changes()).extracting(Change::kind).containsExactly("Deployment", "Service", "ScaledObject");
        assertThat(callsSince(0)).containsExactly(
                "GET deployments", "GET services", "GET scaledobjects",
                "PATCH deployments", "PATCH services", "PATCH scaledobjects",
                "GET deployments", "GET services");
        RecordedRequest apply = cluster.requests().stream().filter(r -> MockCluster.call(r).equals("PATCH scaledobjects")).findFirst().orElseThrow();
        assertThat(apply.getPath()).startsWith("/apis/keda.sh/v1alpha1/namespaces/" + NS + "/scaledobjects/llm-endpoint")
                .contains("fieldManager=inferscale").contains("force=true");
        writeForSchemaCheck("scaledobject-apply.yaml", apply.getUtf8Body());

        GenericKubernetesResource so = liveScaledObject("llm-endpoint");
        assertThat(so).isNotNull();
        assertThat(spec(so)).containsEntry("minReplicaCount", 0).containsEntry("cooldownPeriod", 900);
        assertThat(so.getMetadata().getAnnotations()).containsEntry("scaledobject.keda.sh/transfer-hpa-ownership", "true");
        assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName("llm-endpoint").get()).isNull();
        assertThat(first.status().details()).containsEntry("autoscaler", "keda");

        long writes = cluster.writeCount();
        int from = cluster.requests().size();
        ApplyResult again = backend.apply(e);
        assertThat(again.plan().isEmpty()).isTrue();
        assertThat(cluster.writeCount()).isEqualTo(writes);
        assertThat(callsSince(from)).containsExactly("GET deployments", "GET services", "GET scaledobjects");
    }

    /** The apply body, for {@code k8s-schema-check --crd} by hand (the test itself never reads /work/shared). */
    private static void writeForSchemaCheck(String file, String body) throws IOException {
        Path out = Path.of("target", "keda-apply", file);
        Files.createDirectories(out.getParent());
        Files.writeString(out, body, StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("a maxReplicas change is one apply of the ScaledObject")
    void update() throws IOException {
        InferenceEndpoint e = scaleToZero();
        backend.apply(e);
        InferenceEndpoint more = e.toBuilder().autoscaling(e.autoscaling().toBuilder().maxReplicas(8).build()).build();
        int from = cluster.requests().size();
        Plan plan = backend.plan(more);
        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo("ScaledObject");
            assertThat(c.action()).isEqualTo(Change.Action.UPDATE);
            assertThat(c.fields()).anySatisfy(f -> assertThat(f.path()).isEqualTo("spec.maxReplicaCount"));
        });
        backend.apply(more);
        assertThat(callsSince(from).stream().filter(c -> !c.startsWith("GET "))).containsExactly("PATCH scaledobjects");
        assertThat(spec(liveScaledObject("llm-endpoint"))).containsEntry("maxReplicaCount", 8);
    }

    @Test
    @DisplayName("delete removes the ScaledObject first, then the Service and the Deployment; a second delete finds nothing")
    void delete() throws IOException {
        backend.apply(scaleToZero());
        int from = cluster.requests().size();
        assertThat(backend.delete("llm-endpoint")).isTrue();
        assertThat(callsSince(from)).containsExactly("GET horizontalpodautoscalers", "GET scaledobjects", "DELETE scaledobjects",
                "GET services", "DELETE services", "GET deployments", "DELETE deployments");
        assertThat(liveScaledObject("llm-endpoint")).isNull();
        assertThat(backend.delete("llm-endpoint")).isFalse();
    }

    @Test
    @DisplayName("status reads the ScaledObject's conditions and KEDA's HPA; idle at zero replicas is READY, not CREATING")
    void status() throws IOException {
        backend.apply(scaleToZero());
        // what KEDA would do: create the HPA named by horizontalPodAutoscalerConfig.name, owned by the ScaledObject, report conditions
        GenericKubernetesResource so = liveScaledObject("llm-endpoint");
        so.getAdditionalProperties().put("status", Map.of("hpaName", "llm-endpoint", "conditions", List.of(
                Map.of("type", "Ready", "status", "True", "reason", "ScaledObjectReady", "message", "ScaledObject is defined correctly"),
                Map.of("type", "Active", "status", "False", "reason", "ScalerNotActive", "message", "Scaling is not performed"))));
        ScaledObjects.api(cluster.controllerClient()).inNamespace(NS).resource(so).update();
        HorizontalPodAutoscaler kedaHpa = new HorizontalPodAutoscalerBuilder().withNewMetadata().withName("llm-endpoint").withNamespace(NS)
                .withLabels(so.getMetadata().getLabels())
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("keda.sh/v1alpha1").withKind("ScaledObject")
                        .withName("llm-endpoint").withUid("uid-1").withController(true).build()).endMetadata()
                .withNewSpec().withMinReplicas(1).withMaxReplicas(4)
                .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName("llm-endpoint").endScaleTargetRef()
                .endSpec().build();
        cluster.controllerClient().resource(kedaHpa).create();
        Deployment d = client.apps().deployments().inNamespace(NS).withName("llm-endpoint").get();
        cluster.controllerClient().resource(new DeploymentBuilder(d).editSpec().withReplicas(0).endSpec()
                .withNewStatus().withReplicas(0).withReadyReplicas(0).endStatus().build()).update();

        int from = cluster.requests().size();
        EndpointStatus status = backend.status("llm-endpoint");
        assertThat(callsSince(from)).containsExactly("GET deployments", "GET horizontalpodautoscalers", "GET services", "GET scaledobjects");
        assertThat(status.state()).isEqualTo(EndpointState.READY);
        assertThat(status.message()).hasValueSatisfying(m -> assertThat(m).contains("scaled to zero by KEDA"));
        assertThat(status.condition("ScaledObject/Ready")).hasValueSatisfying(c -> assertThat(c.status()).isEqualTo("True"));
        assertThat(status.condition("ScaledObject/Active")).hasValueSatisfying(c -> assertThat(c.reason()).isEqualTo("ScalerNotActive"));
        assertThat(status.details()).containsEntry("scaledObject.hpaName", "llm-endpoint").containsEntry("autoscaler", "keda");
        assertThat(status.minReplicas()).isZero();
        assertThat(status.maxReplicas()).isEqualTo(4);
    }

    @Test
    @DisplayName("a ScaledObject that is not Ready puts its reason in the status message")
    void statusNotReady() throws IOException {
        backend.apply(scaleToZero());
        GenericKubernetesResource so = liveScaledObject("llm-endpoint");
        so.getAdditionalProperties().put("status", Map.of("conditions", List.of(
                Map.of("type", "Ready", "status", "False", "reason", "ScaledObjectCheckFailed", "message", "prometheus unreachable"))));
        ScaledObjects.api(cluster.controllerClient()).inNamespace(NS).resource(so).update();
        EndpointStatus status = backend.status("llm-endpoint");
        assertThat(status.message()).hasValueSatisfying(m -> assertThat(m).contains("ScaledObjectCheckFailed").contains("prometheus unreachable"));
        assertThat(status.details()).containsEntry("scaledObject.hpaName", "<none yet>");
    }

    @Test
    @DisplayName("KEDA not installed (404 on keda.sh): a NOT_FOUND naming the CRD scaledobjects.keda.sh and how to install KEDA")
    void kedaMissing() throws IOException {
        cluster.fail(r -> r.getPath().startsWith("/apis/keda.sh/"), 404, "the server could not find the requested resource");
        BackendException e = catchThrowableOfType(BackendException.class, () -> backend.apply(scaleToZero()));
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(BackendException.Reason.NOT_FOUND);
        assertThat(e.getMessage()).contains("KEDA is not installed").contains("scaledobjects.keda.sh")
                .contains("https://keda.sh/docs/latest/deploy/").contains("autoscaler: hpa");
        assertThat(e.step()).hasValueSatisfying(s -> assertThat(s).isEqualTo("apply ScaledObject " + NS + "/llm-endpoint"));
    }

    @Test
    @DisplayName("hpa -> keda: the ScaledObject is created and the existing HPA is left for KEDA to adopt (not applied, not deleted)")
    void switchHpaToKeda() throws IOException {
        InferenceEndpoint plain = endpoint("inference_endpoint.yaml").toBuilder().option("kubernetes", "namespace", NS).build();
        backend.apply(plain);
        int from = cluster.requests().size();
        Plan plan = backend.plan(keda(plain));
        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo("ScaledObject");
            assertThat(c.action()).isEqualTo(Change.Action.CREATE);
        });
        backend.apply(keda(plain));
        assertThat(callsSince(from).stream().filter(c -> !c.startsWith("GET "))).containsExactly("PATCH scaledobjects");
        GenericKubernetesResource so = liveScaledObject(plain.name());
        assertThat(so.getMetadata().getAnnotations()).containsEntry("scaledobject.keda.sh/transfer-hpa-ownership", "true");
        @SuppressWarnings("unchecked")
        Map<String, Object> hpaConfig = (Map<String, Object>) ((Map<String, Object>) spec(so).get("advanced")).get("horizontalPodAutoscalerConfig");
        assertThat(hpaConfig).containsEntry("name", plain.name());
        assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName(plain.name()).get()).isNotNull();
    }

    @Test
    @DisplayName("keda -> hpa: apply deletes the ScaledObject (Orphan) and takes over KEDA's HPA in one round; 8 requests, 2 writes")
    void switchKedaToHpa() throws Exception {
        InferenceEndpoint plain = endpoint("inference_endpoint.yaml").toBuilder().option("kubernetes", "namespace", NS).build();
        AutoCloseable kedaOperator = KubernetesKedaConformanceTest.startKedaOperator(cluster);
        try {
            backend.apply(keda(plain));
            var hpas = client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName(plain.name());
            hpas.waitUntilCondition(h -> h != null && ScaledObjects.ownedByKeda(h), 10, TimeUnit.SECONDS);

            Plan plan = backend.plan(plain);
            assertThat(plan.changes()).extracting(Change::action, Change::kind).containsExactly(
                    tuple(Change.Action.DELETE, "ScaledObject"),
                    tuple(Change.Action.UPDATE, "HorizontalPodAutoscaler"));
            assertThat(plan.changes().get(0).reason()).contains("orphaning the HPA");

            int from = cluster.requests().size();
            backend.apply(plain);
            // 3 GETs of the plan, the GET of the ScaledObject the KEDA-controlled HPA points to, the delete and the HPA's
            // apply, then the verify's 2 GETs (Deployment, Service)
            assertThat(callsSince(from)).containsExactly("GET deployments", "GET services", "GET horizontalpodautoscalers",
                    "GET scaledobjects", "DELETE scaledobjects", "PATCH horizontalpodautoscalers", "GET deployments", "GET services");
            RecordedRequest delete = cluster.requests().stream().filter(r -> MockCluster.call(r).equals("DELETE scaledobjects"))
                    .findFirst().orElseThrow();
            assertThat(delete.getUtf8Body()).contains("\"propagationPolicy\":\"Orphan\"");
            assertThat(liveScaledObject(plain.name())).isNull();

            // the garbage collector (the stand-in's part) orphans the HPA: its owner reference goes, the HPA stays
            HorizontalPodAutoscaler hpa = hpas.waitUntilCondition(h -> h == null || !ScaledObjects.ownedByKeda(h), 10, TimeUnit.SECONDS);
            assertThat(hpa).isNotNull();
            assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(plain.autoscaling().maxReplicas());
            assertThat(hpa.getSpec().getMetrics()).isNotEmpty();
            assertThat(cluster.ownersOf("/apis/autoscaling/v2/namespaces/" + NS + "/horizontalpodautoscalers/" + plain.name(),
                    "/spec/maxReplicas")).contains("inferscale");

            int again = cluster.requests().size();
            assertThat(backend.apply(plain).plan().isEmpty()).isTrue();
            assertThat(callsSince(again)).containsExactly("GET deployments", "GET services", "GET horizontalpodautoscalers");
        } finally {
            kedaOperator.close();
        }
    }

    @Test
    @DisplayName("keda -> hpa before KEDA created its HPA: the ScaledObject is found (1 GET, as the Deployment exists without an HPA) and deleted")
    void switchKedaToHpaBeforeKedaCreatedTheHpa() throws IOException {
        InferenceEndpoint plain = endpoint("inference_endpoint.yaml").toBuilder().option("kubernetes", "namespace", NS).build();
        backend.apply(keda(plain)); // no KEDA here: the ScaledObject exists, its HPA not yet
        assertThat(backend.plan(plain).changes()).extracting(Change::action, Change::kind).containsExactly(
                tuple(Change.Action.DELETE, "ScaledObject"),
                tuple(Change.Action.CREATE, "HorizontalPodAutoscaler"));
        int from = cluster.requests().size();
        backend.apply(plain);
        assertThat(callsSince(from)).containsExactly("GET deployments", "GET services", "GET horizontalpodautoscalers",
                "GET scaledobjects", "DELETE scaledobjects", "PATCH horizontalpodautoscalers", "GET deployments", "GET services");
        assertThat(liveScaledObject(plain.name())).isNull();
        assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName(plain.name()).get()).isNotNull();
    }

    @Test
    @DisplayName("hpa endpoints pay nothing for the check: a fresh apply and a no-op re-apply never GET a ScaledObject")
    void hpaEndpointsDoNotReadScaledObjects() throws IOException {
        InferenceEndpoint plain = endpoint("inference_endpoint.yaml").toBuilder().option("kubernetes", "namespace", NS).build();
        backend.apply(plain);
        backend.apply(plain);
        assertThat(cluster.calls()).doesNotContain("GET scaledobjects");
        // an HPA deleted by hand while the Deployment stays is the one HPA-only case that costs the extra GET (404 here)
        client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName(plain.name()).delete();
        int from = cluster.requests().size();
        backend.apply(plain);
        assertThat(callsSince(from)).containsExactly("GET deployments", "GET services", "GET horizontalpodautoscalers",
                "GET scaledobjects", "PATCH horizontalpodautoscalers", "GET deployments", "GET services");
    }

    @Test
    @DisplayName("an unknown autoscaler is an error naming the field and both values")
    void unknownAutoscaler() throws IOException {
        InferenceEndpoint e = endpoint("inference_endpoint.yaml").toBuilder().option("kubernetes", "autoscaler", "vpa").build();
        InvalidEndpointException ex = catchThrowableOfType(InvalidEndpointException.class, () -> backend.render(e));
        assertThat(ex).isNotNull();
        assertThat(ex.report().errors()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("spec.backends.kubernetes.autoscaler");
            assertThat(p.message()).contains("'vpa'").contains("hpa or keda");
        });
    }

    @Test
    @DisplayName("scale to zero: supported with keda; with the HPA rejected by field unless allowScaleToZero (then a warning)")
    void scaleToZeroCapability() throws IOException {
        assertThat(backend.capabilities().support(Feature.SCALE_TO_ZERO)).isEqualTo(Support.NATIVE);
        assertThat(backend.capabilities().note(Feature.SCALE_TO_ZERO)).contains("autoscaler: keda").contains("cooldownPeriod");
        assertThat(backend.validate(scaleToZero()).errors()).isEmpty();
        InferenceEndpoint plain = endpoint("scale_to_zero_endpoint.yaml");
        assertThat(backend.validate(plain).errors()).extracting(Problem::path).contains("spec.autoscaling.scaleToZero");
        assertThat(backend.validate(plain).errors()).filteredOn(p -> p.path().equals("spec.autoscaling.scaleToZero")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("HPAScaleToZero").contains("1.37").contains("autoscaler: keda"));
        KubernetesTranslator allowed = new KubernetesTranslator(KubernetesSettings.from(BackendConfig.of(Map.of("kubernetes.allowScaleToZero", "true"))));
        assertThat(allowed.validate(plain).warnings()).extracting(Problem::path).contains("spec.autoscaling.scaleToZero");
        assertThat(allowed.validate(plain).errors()).extracting(Problem::path).containsExactly("spec.autoscaling.minReplicas");
    }

    @Test
    @DisplayName("kubernetes.keda.* keys are accepted by KubernetesSettings; an unknown one is rejected by name")
    void kedaKeys() {
        KubernetesSettings s = KubernetesSettings.from(BackendConfig.of(Map.of("kubernetes.keda.prometheusServerAddress", "http://prom:9090")));
        assertThat(s.keda().prometheusServerAddress()).isEqualTo("http://prom:9090");
        assertThat(KubernetesSettings.KEYS).extracting(k -> k.name()).contains("kubernetes.keda.activationThreshold");
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
                () -> KubernetesSettings.from(BackendConfig.of(Map.of("kubernetes.keda.noSuchKey", "x"))));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("kubernetes.keda.noSuchKey");
    }
}
