package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.ScaleToZero;
import io.inferscale.api.Secrets;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.Condition;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.FieldChange;
import io.inferscale.api.backend.Plan;
import io.inferscale.api.backend.Rendering;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static io.inferscale.backend.kubernetes.KubernetesTranslatorTest.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KubernetesBackendTest {

    private MockCluster cluster;
    private KubernetesClient client;
    private KubernetesClient controller;
    private KubernetesBackend backend;
    private InferenceEndpoint seed;

    @BeforeEach
    void start() throws IOException {
        cluster = new MockCluster();
        client = cluster.client();
        controller = cluster.controllerClient();
        backend = new KubernetesBackend(client, KubernetesSettings.defaults());
        seed = endpoint("inference_endpoint.yaml");
    }

    @AfterEach
    void stop() {
        backend.close();
        cluster.close();
    }

    private Deployment deployment() {
        return client.apps().deployments().inNamespace("test").withName("my-model-endpoint").get();
    }

    private HorizontalPodAutoscaler hpa() {
        return client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("test").withName("my-model-endpoint").get();
    }

    @Test
    @DisplayName("apply creates the Deployment, Service and HPA with server-side apply and field manager inferscale")
    void applyCreates() {
        Plan plan = backend.plan(seed);
        assertThat(plan.changes()).extracting(Change::action, Change::kind).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Change.Action.CREATE, "Deployment"),
                org.assertj.core.groups.Tuple.tuple(Change.Action.CREATE, "Service"),
                org.assertj.core.groups.Tuple.tuple(Change.Action.CREATE, "HorizontalPodAutoscaler"));
        assertThat(cluster.writeCount()).isZero();

        ApplyResult result = backend.apply(seed);
        assertThat(result.changed()).isTrue();
        assertThat(deployment().getSpec().getReplicas()).isEqualTo(1);
        assertThat(deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("my-ml-model:v1");
        assertThat(client.services().inNamespace("test").withName("my-model-endpoint").get()).isNotNull();
        assertThat(hpa().getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization()).isEqualTo(60);
        List<RecordedRequest> writes = cluster.writesSince(0);
        assertThat(writes).allSatisfy(r -> {
            assertThat(r.getMethod()).isEqualTo("PATCH");
            assertThat(r.getHeader("Content-Type")).startsWith("application/apply-patch+yaml");
        });
        assertThat(writes).extracting(RecordedRequest::getPath).containsExactly(
                "/apis/apps/v1/namespaces/test/deployments/my-model-endpoint?fieldManager=inferscale&force=true",
                "/api/v1/namespaces/test/services/my-model-endpoint?fieldManager=inferscale&force=true",
                "/apis/autoscaling/v2/namespaces/test/horizontalpodautoscalers/my-model-endpoint?fieldManager=inferscale&force=true");
    }

    @Test
    @DisplayName("re-applying an unchanged endpoint makes zero write requests and an empty plan")
    void reapplyWritesNothing() {
        backend.apply(seed);
        int before = cluster.requests().size();
        ApplyResult again = backend.apply(seed);
        assertThat(again.changed()).isFalse();
        assertThat(cluster.writesSince(before)).isEmpty();
        assertThat(backend.plan(seed).isEmpty()).isTrue();
        assertThat(backend.plan(seed).describe()).contains("No changes");
    }

    @Test
    @DisplayName("plan lists only the changed fields; apply writes only the changed object")
    void updateWritesOnlyChangedObject() {
        backend.apply(seed);
        InferenceEndpoint wider = seed.toBuilder().autoscaling(seed.autoscaling().toBuilder().maxReplicas(8).build()).build();
        Plan plan = backend.plan(wider);
        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Change.Action.UPDATE);
            assertThat(c.kind()).isEqualTo("HorizontalPodAutoscaler");
            assertThat(c.fields()).containsExactly(new FieldChange("spec.maxReplicas", "5", "8"));
        });
        int before = cluster.requests().size();
        backend.apply(wider);
        assertThat(cluster.writesSince(before)).extracting(RecordedRequest::getPath).containsExactly(
                "/apis/autoscaling/v2/namespaces/test/horizontalpodautoscalers/my-model-endpoint?fieldManager=inferscale&force=true");
        assertThat(hpa().getSpec().getMaxReplicas()).isEqualTo(8);
    }

    @Test
    @DisplayName("an update never resets the replica count the HPA chose: HPA scaled to 4, new image, replicas still 4")
    void replicasNeverReset() {
        backend.apply(seed);
        controller.apps().deployments().inNamespace("test").withName("my-model-endpoint")
                .edit(d -> new DeploymentBuilder(d).editSpec().withReplicas(4).endSpec().build());
        InferenceEndpoint newImage = seed.toBuilder().model(seed.model().toBuilder().image("registry.example.com/my-ml-model:v2").build()).build();

        Plan plan = backend.plan(newImage);
        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo("Deployment");
            assertThat(c.fields()).extracting(FieldChange::path).containsExactly("spec.template.spec.containers[0].image");
        });
        int before = cluster.requests().size();
        backend.apply(newImage);

        assertThat(deployment().getSpec().getReplicas()).isEqualTo(4);
        assertThat(deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("registry.example.com/my-ml-model:v2");
        List<RecordedRequest> writes = cluster.writesSince(before);
        assertThat(writes).hasSize(1);
        assertThat(writes.get(0).getUtf8Body()).doesNotContain("replicas");
        assertThat(cluster.ownersOf(DEPLOYMENT_PATH, "/spec/replicas")).containsExactly(MockCluster.CONTROLLER_AGENT);
    }

    private static final String DEPLOYMENT_PATH = "/apis/apps/v1/namespaces/test/deployments/my-model-endpoint";

    private InferenceEndpoint minReplicas(InferenceEndpoint e, int min) {
        return e.toBuilder().autoscaling(e.autoscaling().toBuilder().minReplicas(min).build()).build();
    }

    private InferenceEndpoint image(InferenceEndpoint e, String image) {
        return e.toBuilder().model(e.model().toBuilder().image(image).build()).build();
    }

    @Test
    @DisplayName("the first apply sets replicas = minReplicas; the first Deployment update hands them over first, so they are kept")
    void replicasKeptBeforeTheHpaActs() {
        InferenceEndpoint three = minReplicas(seed, 3);
        backend.apply(three);
        assertThat(deployment().getSpec().getReplicas()).isEqualTo(3);
        assertThat(cluster.ownersOf(DEPLOYMENT_PATH, "/spec/replicas")).containsExactly("inferscale");

        int before = cluster.requests().size();
        backend.apply(image(three, "registry.example.com/my-ml-model:v2"));
        // without the handover the API server would reset replicas to 1 here: inferscale no longer applies the field
        assertThat(deployment().getSpec().getReplicas()).isEqualTo(3);
        assertThat(cluster.ownersOf(DEPLOYMENT_PATH, "/spec/replicas")).containsExactly("inferscale-replicas-handover");
        assertThat(cluster.writesSince(before)).extracting(RecordedRequest::getPath).containsExactly(
                DEPLOYMENT_PATH + "?fieldManager=inferscale-replicas-handover",
                DEPLOYMENT_PATH + "?fieldManager=inferscale&force=true");

        before = cluster.requests().size();
        backend.apply(image(three, "registry.example.com/my-ml-model:v3"));
        assertThat(cluster.writesSince(before)).as("handed over once: later updates are one write")
                .extracting(RecordedRequest::getPath).containsExactly(DEPLOYMENT_PATH + "?fieldManager=inferscale&force=true");
        assertThat(deployment().getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    @DisplayName("when the handover fails, apply names the step and changes nothing; re-running hands over, then updates, replicas kept")
    void failedHandoverIsRepaired() {
        InferenceEndpoint three = minReplicas(seed, 3);
        backend.apply(three);
        InferenceEndpoint v2 = image(three, "registry.example.com/my-ml-model:v2");
        cluster.fail(r -> r.getPath().contains("fieldManager=inferscale-replicas-handover"), 500, "etcdserver: request timed out");
        assertThatThrownBy(() -> backend.apply(v2)).isInstanceOfSatisfying(BackendException.class, e -> {
            assertThat(e.reason()).isEqualTo(BackendException.Reason.UNAVAILABLE);
            assertThat(e.step()).contains("hand over spec.replicas of Deployment test/my-model-endpoint");
            assertThat(e.getMessage()).contains("Re-running apply is safe");
        });
        assertThat(cluster.ownersOf(DEPLOYMENT_PATH, "/spec/replicas")).containsExactly("inferscale");
        assertThat(deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("my-ml-model:v1");
        cluster.clearFailures();

        int before = cluster.requests().size();
        backend.apply(v2);
        assertThat(cluster.writesSince(before)).extracting(RecordedRequest::getPath).containsExactly(
                DEPLOYMENT_PATH + "?fieldManager=inferscale-replicas-handover",
                DEPLOYMENT_PATH + "?fieldManager=inferscale&force=true");
        assertThat(deployment().getSpec().getReplicas()).isEqualTo(3);
        assertThat(deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("registry.example.com/my-ml-model:v2");
    }

    @Test
    @DisplayName("removing a field InferScale set is planned as an update; environment values are never printed")
    void removedFieldAndHiddenEnv() {
        InferenceEndpoint withEnv = seed.toBuilder().model(seed.model().toBuilder().env("API_TOKEN", "s3cr3t-value").build()).build();
        backend.apply(withEnv);
        Plan removeEnv = backend.plan(seed);
        assertThat(removeEnv.changes()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo("Deployment");
            assertThat(c.reason()).contains("no longer");
        });
        InferenceEndpoint changedEnv = seed.toBuilder().model(seed.model().toBuilder().env("API_TOKEN", "other-secret").build()).build();
        Plan plan = backend.plan(changedEnv);
        assertThat(plan.changes()).singleElement().satisfies(c -> assertThat(c.fields()).containsExactly(
                new FieldChange("spec.template.spec.containers[0].env[0].value", Secrets.HIDDEN, Secrets.HIDDEN)));
        assertThat(plan.describe()).doesNotContain("s3cr3t").doesNotContain("other-secret");
    }

    @Test
    @DisplayName("status reads replicas from the Deployment and TARGETS and conditions from the HPA, like kubectl")
    void status() {
        backend.apply(seed);
        MockCluster.setDeploymentStatus(controller, "test", "my-model-endpoint", 2, 2);
        controller.apps().deployments().inNamespace("test").withName("my-model-endpoint")
                .edit(d -> new DeploymentBuilder(d).editSpec().withReplicas(2).endSpec().build());
        controller.autoscaling().v2().horizontalPodAutoscalers().inNamespace("test").withName("my-model-endpoint").editStatus(h ->
                new HorizontalPodAutoscalerBuilder(h).withNewStatus().withCurrentReplicas(2).withDesiredReplicas(2)
                        .addNewCurrentMetric().withType("Resource").withNewResource().withName("cpu")
                        .withNewCurrent().withAverageUtilization(45).withAverageValue(new Quantity("225m")).endCurrent().endResource().endCurrentMetric()
                        .addNewCondition().withType("AbleToScale").withStatus("True").withReason("ReadyForNewScale").endCondition()
                        .addNewCondition().withType("ScalingActive").withStatus("True").withReason("ValidMetricFound").endCondition()
                        .addNewCondition().withType("ScalingLimited").withStatus("False").withReason("DesiredWithinRange").endCondition()
                        .endStatus().build());
        MockCluster.setDeploymentStatus(controller, "test", "my-model-endpoint", 2, 2);

        EndpointStatus s = backend.status("my-model-endpoint");
        assertThat(s.state()).isEqualTo(EndpointState.READY);
        assertThat(s.isReady()).isTrue();
        assertThat(s.readyReplicas()).isEqualTo(2);
        assertThat(s.desiredReplicas()).isEqualTo(2);
        assertThat(s.minReplicas()).isEqualTo(1);
        assertThat(s.maxReplicas()).isEqualTo(5);
        assertThat(s.model()).contains("my-ml-model:v1");
        assertThat(s.metrics()).singleElement().satisfies(m -> {
            assertThat(m.name()).isEqualTo("cpu");
            assertThat(m.display()).isEqualTo("45%/60%");
        });
        assertThat(s.conditions()).extracting(Condition::type).contains("AbleToScale", "ScalingActive", "ScalingLimited", "Available");
        assertThat(s.details()).containsEntry("targets", "cpu: 45%/60%").containsEntry("namespace", "test");
    }

    @Test
    @DisplayName("TARGETS with several metrics reads as kubectl prints it: names on Resource metrics only, (avg) on External, two then '+ N more...'")
    void targetsLikeKubectl() {
        KubernetesSettings external = KubernetesSettings.from(io.inferscale.api.backend.BackendConfig.of(
                java.util.Map.of("kubernetes.concurrencyMetricType", "External")));
        InferenceEndpoint three = seed.toBuilder().autoscaling(seed.autoscaling().toBuilder()
                .target(io.inferscale.api.TargetType.REQUESTS_PER_SECOND, new java.math.BigDecimal("2.5"))
                .target(io.inferscale.api.TargetType.CONCURRENT_REQUESTS, 4).build()).build();
        HorizontalPodAutoscaler hpa = new KubernetesTranslator(external).translate(three).hpa();
        assertThat(io.inferscale.backend.kubernetes.internal.KubernetesStatusMapper.targets(hpa))
                .isEqualTo("cpu: <unknown>/60%, <unknown>/2500m + 1 more...");
        hpa.setStatus(new io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatusBuilder()
                .addNewCurrentMetric().withType("Pods").withNewPods().withNewMetric().withName("http_requests_per_second").endMetric()
                .withNewCurrent().withAverageValue(new Quantity("1200m")).endCurrent().endPods().endCurrentMetric()
                .addNewCurrentMetric().withType("External").withNewExternal().withNewMetric().withName("http_requests_in_flight").endMetric()
                .withNewCurrent().withAverageValue(new Quantity("3")).endCurrent().endExternal().endCurrentMetric().build());
        hpa.getSpec().setMetrics(hpa.getSpec().getMetrics().subList(1, 3));
        assertThat(io.inferscale.backend.kubernetes.internal.KubernetesStatusMapper.targets(hpa)).isEqualTo("1200m/2500m, 3/4 (avg)");
    }

    @Test
    @DisplayName("an HPA that cannot read its metric (no custom metrics adapter) is reported in the status message")
    void metricsUnavailable() {
        backend.apply(seed);
        controller.autoscaling().v2().horizontalPodAutoscalers().inNamespace("test").withName("my-model-endpoint").editStatus(h ->
                new HorizontalPodAutoscalerBuilder(h).withNewStatus().withCurrentReplicas(1).withDesiredReplicas(1)
                        .addNewCondition().withType("AbleToScale").withStatus("True").withReason("SucceededGetScale").endCondition()
                        .addNewCondition().withType("ScalingActive").withStatus("False").withReason("FailedGetPodsMetric")
                        .withMessage("the HPA was unable to compute the replica count: unable to get metric http_requests_per_second: "
                                + "no custom metrics API (custom.metrics.k8s.io) registered").endCondition()
                        .endStatus().build());
        EndpointStatus s = backend.status("my-model-endpoint");
        assertThat(s.message()).hasValueSatisfying(m -> assertThat(m).contains("ScalingActive=False").contains("FailedGetPodsMetric")
                .contains("custom.metrics.k8s.io"));
        assertThat(s.conditions()).anySatisfy(c -> {
            assertThat(c.type()).isEqualTo("ScalingActive");
            assertThat(c.isTrue()).isFalse();
        });
    }

    @Test
    @DisplayName("with kubernetes.allowScaleToZero=true scale-to-zero is a warning, needs an External metric, and renders minReplicas 0")
    void scaleToZeroAllowed() {
        KubernetesBackend allowing = new KubernetesBackend(client, KubernetesSettings.from(io.inferscale.api.backend.BackendConfig.of(
                java.util.Map.of("kubernetes.allowScaleToZero", "true", "kubernetes.requestsPerSecondMetricType", "External"))));
        InferenceEndpoint toZero = seed.toBuilder().autoscaling(seed.autoscaling().toBuilder().minReplicas(0)
                .scaleToZero(new ScaleToZero(900)).build()).build();
        assertThat(allowing.validate(toZero).warnings()).extracting(io.inferscale.api.validation.Problem::path)
                .contains("spec.autoscaling.scaleToZero");
        assertThat(allowing.validate(toZero).errors()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("spec.autoscaling.minReplicas");
            assertThat(p.message()).contains("External");
        });
        InferenceEndpoint withExternal = toZero.toBuilder().autoscaling(toZero.autoscaling().toBuilder()
                .target(io.inferscale.api.TargetType.REQUESTS_PER_SECOND, 5).build()).build();
        assertThat(allowing.validate(withExternal).errors()).isEmpty();
        KubernetesManifests m = allowing.translator().translate(withExternal);
        assertThat(m.hpa().getSpec().getMinReplicas()).isZero();
        assertThat(m.hpa().getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds()).isEqualTo(900);
        assertThat(m.hpa().getSpec().getMetrics()).anySatisfy(x -> assertThat(x.getType()).isEqualTo("External"));
        assertThat(m.deployment().getSpec().getReplicas()).isEqualTo(1);
        assertThat(m.notes()).anySatisfy(n -> assertThat(n.kind()).isEqualTo(io.inferscale.api.backend.Note.Kind.APPROXIMATED));
    }

    @Test
    @DisplayName("a fresh HPA shows <unknown>/60% and a Deployment without ready pods is not ready")
    void statusBeforeMetrics() {
        backend.apply(seed);
        EndpointStatus s = backend.status("my-model-endpoint");
        assertThat(s.isReady()).isFalse();
        assertThat(s.state()).isEqualTo(EndpointState.CREATING);
        assertThat(s.metrics()).singleElement().satisfies(m -> assertThat(m.display()).isEqualTo("<unknown>/60%"));
    }

    @Test
    @DisplayName("awaitReady watches the Deployment until its replicas are ready")
    void awaitReady() throws Exception {
        backend.apply(seed);
        AutoCloseable controllerManager = cluster.startDeploymentController();
        try {
            EndpointStatus s = backend.awaitReady("my-model-endpoint", Duration.ofSeconds(20));
            assertThat(s.isReady()).isTrue();
            assertThat(s.readyReplicas()).isEqualTo(1);
        } finally {
            controllerManager.close();
        }
    }

    @Test
    @DisplayName("awaitReady reports each status its watch observes that differs from the one before, on the waiting thread, "
            + "ending with the one it returns")
    void awaitReadyProgress() throws Exception {
        backend.apply(seed);
        List<EndpointStatus> seen = new java.util.ArrayList<>();
        List<Thread> threads = new java.util.ArrayList<>();
        List<AutoCloseable> controller = new java.util.ArrayList<>();
        try {
            EndpointStatus s = backend.awaitReady("my-model-endpoint", Duration.ofSeconds(20), status -> {
                seen.add(status);
                threads.add(Thread.currentThread());
                if (controller.isEmpty()) {
                    controller.add(cluster.startDeploymentController()); // the rollout starts after the first status
                }
            });
            assertThat(s.isReady()).isTrue();
            assertThat(seen.get(0).state()).isEqualTo(EndpointState.CREATING);
            assertThat(seen.get(0).readyReplicas()).isZero();
            assertThat(seen.get(seen.size() - 1)).isEqualTo(s);
            for (int i = 1; i < seen.size(); i++) {
                assertThat(seen.get(i)).as("status %d differs from the one before", i).isNotEqualTo(seen.get(i - 1));
            }
            assertThat(threads).containsOnly(Thread.currentThread());
        } finally {
            for (AutoCloseable c : controller) {
                c.close();
            }
        }
    }

    @Test
    @DisplayName("an exception the progress listener throws ends awaitReady with that exception")
    void awaitReadyListenerFailure() throws Exception {
        backend.apply(seed);
        List<AutoCloseable> controller = new java.util.ArrayList<>();
        try {
            assertThatThrownBy(() -> backend.awaitReady("my-model-endpoint", Duration.ofSeconds(20), status -> {
                if (controller.isEmpty()) {
                    controller.add(cluster.startDeploymentController());
                } else {
                    throw new IllegalStateException("the listener gave up");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("the listener gave up");
        } finally {
            for (AutoCloseable c : controller) {
                c.close();
            }
        }
    }

    @Test
    @DisplayName("awaitReady fails with TIMEOUT when pods never get ready, NOT_FOUND when there is no endpoint, FAILED on a stalled rollout")
    void awaitReadyFailures() {
        backend.apply(seed);
        assertThatThrownBy(() -> backend.awaitReady("my-model-endpoint", Duration.ofMillis(300)))
                .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.reason()).isEqualTo(BackendException.Reason.TIMEOUT))
                .hasMessageContaining("CREATING");
        assertThatThrownBy(() -> backend.awaitReady("nope", Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.reason()).isEqualTo(BackendException.Reason.NOT_FOUND));
        controller.apps().deployments().inNamespace("test").withName("my-model-endpoint").editStatus(d -> new DeploymentBuilder(d)
                .withNewStatus().withReplicas(1).withUpdatedReplicas(1).withReadyReplicas(0)
                .addNewCondition().withType("Progressing").withStatus("False").withReason("ProgressDeadlineExceeded")
                .withMessage("ReplicaSet \"my-model-endpoint-abc\" has timed out progressing.").endCondition()
                .endStatus().build());
        assertThatThrownBy(() -> backend.awaitReady("my-model-endpoint", Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.reason()).isEqualTo(BackendException.Reason.FAILED))
                .hasMessageContaining("timed out progressing");
    }

    @Test
    @DisplayName("delete removes the three objects and nothing else, idempotently")
    void delete() {
        backend.apply(seed);
        client.apps().deployments().inNamespace("test").resource(new DeploymentBuilder().withNewMetadata().withName("other").endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", "other").endSelector().withNewTemplate().withNewMetadata()
                .addToLabels("app", "other").endMetadata().withNewSpec().addNewContainer().withName("c").withImage("x").endContainer()
                .endSpec().endTemplate().endSpec().build()).create();
        client.configMaps().inNamespace("test").resource(new ConfigMapBuilder().withNewMetadata().withName("my-model-endpoint").endMetadata()
                .addToData("k", "v").build()).create();

        assertThat(backend.delete("my-model-endpoint")).isTrue();
        assertThat(deployment()).isNull();
        assertThat(hpa()).isNull();
        assertThat(client.services().inNamespace("test").withName("my-model-endpoint").get()).isNull();
        assertThat(client.apps().deployments().inNamespace("test").withName("other").get()).isNotNull();
        assertThat(client.configMaps().inNamespace("test").withName("my-model-endpoint").get()).isNotNull();
        assertThat(backend.delete("my-model-endpoint")).isFalse();
        assertThat(backend.get("my-model-endpoint")).isEmpty();
    }

    @Test
    @DisplayName("list finds endpoints by the managed-by label, sorted by name")
    void list() throws IOException {
        backend.apply(seed);
        backend.apply(seed.toBuilder().name("another-endpoint").build());
        client.apps().deployments().inNamespace("test").resource(new DeploymentBuilder().withNewMetadata().withName("unmanaged").endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", "u").endSelector().withNewTemplate().withNewMetadata()
                .addToLabels("app", "u").endMetadata().withNewSpec().addNewContainer().withName("c").withImage("x").endContainer()
                .endSpec().endTemplate().endSpec().build()).create();
        assertThat(backend.list()).extracting(EndpointStatus::name).containsExactly("another-endpoint", "my-model-endpoint");
    }

    @Test
    @DisplayName("spec.backends.kubernetes.namespace puts the objects in that namespace")
    void namespaceOption() {
        backend.apply(seed.toBuilder().option("kubernetes", "namespace", "ml-serving").build());
        assertThat(client.apps().deployments().inNamespace("ml-serving").withName("my-model-endpoint").get()).isNotNull();
        assertThat(deployment()).isNull();
    }

    @Test
    @DisplayName("an endpoint the backend cannot honour is rejected before any request")
    void rejectsBeforeAnyCall() {
        InferenceEndpoint toZero = seed.toBuilder().autoscaling(seed.autoscaling().toBuilder().minReplicas(0)
                .scaleToZero(new ScaleToZero(600)).build()).build();
        assertThatThrownBy(() -> backend.apply(toZero)).isInstanceOf(InvalidEndpointException.class)
                .hasMessageContaining("spec.autoscaling.scaleToZero").hasMessageContaining("HPAScaleToZero");
        assertThat(cluster.requests()).isEmpty();
    }

    @Test
    @DisplayName("render prints the manifests and says where the image came from, without a cluster")
    void render() {
        Rendering r = new KubernetesBackendProvider().create(io.inferscale.api.backend.BackendConfig.empty()).render(seed);
        assertThat(r.format()).isEqualTo("yaml");
        assertThat(r.text()).contains("kind: HorizontalPodAutoscaler").contains("image: my-ml-model:v1");
        assertThat(r.notes()).anySatisfy(n -> assertThat(n.message()).contains("image template"));
    }
}
