package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.inferscale.backend.kubernetes.internal.ManifestYaml;
import io.inferscale.backend.kubernetes.internal.ScaledObjects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.inferscale.backend.kubernetes.KubernetesTranslatorTest.resource;
import static org.assertj.core.api.Assertions.assertThat;

/** The operator (JOSDK) against the CRUD mock: children with owner references, status, spec changes, invalid specs. */
class InferenceEndpointOperatorTest {

    private MockCluster cluster;
    private KubernetesClient client;
    private InferenceEndpointOperator operator;
    private AutoCloseable deploymentController;
    private AutoCloseable hpaController;

    @BeforeEach
    void start() throws IOException {
        cluster = new MockCluster();
        client = cluster.client();
        installCrd(client);
        deploymentController = cluster.startDeploymentController();
        hpaController = cluster.startHpaController();
        // the operator "runs" in namespace test here, so the own-service-account rule applies to the tests' endpoints
        operator = InferenceEndpointOperator.create(cluster.client(OPERATOR_AGENT), KubernetesSettings.defaults(), Set.of("test"),
                new InferenceEndpointReconciler.OperatorIdentity("test", OPERATOR_AGENT));
        operator.start();
    }

    private static final String OPERATOR_AGENT = "inferscale-operator";

    /** Creates the shipped CRD (manifests/crd.yaml) in the cluster. */
    static void installCrd(KubernetesClient client) throws IOException {
        try (InputStream crd = InferenceEndpointOperator.class.getResourceAsStream("/manifests/crd.yaml")) {
            client.resource(Serialization.unmarshal(crd, CustomResourceDefinition.class)).create();
        }
    }

    @AfterEach
    void stop() throws Exception {
        RAN.incrementAndGet();
        operator.close();
        hpaController.close();
        deploymentController.close();
        try {
            assertOperatorRequestsAllowedByRbac();
        } finally {
            cluster.close();
        }
    }

    /** Every request the operator made is one manifests/rbac.yaml's ClusterRole allows (least privilege is also enough privilege). */
    private void assertOperatorRequestsAllowedByRbac() throws IOException {
        io.fabric8.kubernetes.api.model.rbac.ClusterRole role = clusterRole();
        List<String> used = cluster.requests().stream().filter(r -> OPERATOR_AGENT.equals(r.getHeader("User-Agent")))
                .flatMap(r -> permissions(r).stream()).distinct().toList();
        assertThat(used).isNotEmpty();
        USED.addAll(used);
        assertThat(used).allSatisfy(p -> assertThat(role.getRules()).as("a ClusterRole rule allowing %s", p).anySatisfy(rule -> {
            String[] gvr = p.split(" ");
            assertThat(rule.getApiGroups()).contains(gvr[0]);
            assertThat(rule.getResources()).contains(gvr[1]);
            assertThat(rule.getVerbs()).contains(gvr[2]);
        }));
    }

    /** Permissions the operator used in this class's tests ("group resource verb"). */
    private static final Set<String> USED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Tests of this class that ran (the least-privilege check needs them all). */
    private static final java.util.concurrent.atomic.AtomicInteger RAN = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Least privilege: every (group, resource, verb) the ClusterRole grants was used by the operator in some test of
     * this class; a rule granting more than the operator uses fails here. Checked only when every test of the class
     * ran (a single test uses a subset).
     */
    @org.junit.jupiter.api.AfterAll
    static void rbacGrantsNothingUnused() throws IOException {
        long tests = java.util.Arrays.stream(InferenceEndpointOperatorTest.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Test.class)).count();
        if (RAN.get() < tests) {
            return;
        }
        List<String> granted = new java.util.ArrayList<>();
        for (var rule : clusterRole().getRules()) {
            for (String g : rule.getApiGroups()) {
                for (String res : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        granted.add(g + " " + res + " " + verb);
                    }
                }
            }
        }
        assertThat(granted).as("every permission manifests/rbac.yaml grants is used by the operator (used: %s)", USED)
                .isNotEmpty().allSatisfy(p -> assertThat(USED).contains(p));
    }

    private static io.fabric8.kubernetes.api.model.rbac.ClusterRole clusterRole() throws IOException {
        try (InputStream in = InferenceEndpointOperator.class.getResourceAsStream("/manifests/rbac.yaml")) {
            return ManifestYaml.serialization().<List<io.fabric8.kubernetes.api.model.HasMetadata>>unmarshal(in).stream()
                    .filter(io.fabric8.kubernetes.api.model.rbac.ClusterRole.class::isInstance)
                    .map(io.fabric8.kubernetes.api.model.rbac.ClusterRole.class::cast).findFirst().orElseThrow();
        }
    }

    /**
     * The permissions a request needs, as RBAC sees them: a server-side apply (PATCH application/apply-patch) of an
     * object needs {@code patch} and, since it creates the object when absent, {@code create} (the API server
     * authorizes an apply that creates as a create); an apply to a status subresource never creates.
     */
    private static List<String> permissions(io.fabric8.mockwebserver.http.RecordedRequest r) {
        if (isDiscovery(r)) {
            return List.of(); // a non-resource URL every authenticated user may GET (the default system:discovery ClusterRole)
        }
        String p = permission(r);
        String contentType = r.getHeader("Content-Type");
        if ("PATCH".equals(r.getMethod()) && contentType != null && contentType.startsWith("application/apply-patch") && !p.contains("/")) {
            return List.of(p, p.substring(0, p.lastIndexOf(' ')) + " create");
        }
        return List.of(p);
    }

    /** True for API discovery ({@code GET /apis/keda.sh/v1alpha1}): a group version, no resource. */
    static boolean isDiscovery(io.fabric8.mockwebserver.http.RecordedRequest r) {
        String path = r.getPath().contains("?") ? r.getPath().substring(0, r.getPath().indexOf('?')) : r.getPath();
        return "GET".equals(r.getMethod()) && path.matches("/apis/[^/]+/[^/]+/?|/api/[^/]+/?");
    }

    /** "group resource[/subresource] verb" of a request, as RBAC sees it. */
    private static String permission(io.fabric8.mockwebserver.http.RecordedRequest r) {
        String path = r.getPath().contains("?") ? r.getPath().substring(0, r.getPath().indexOf('?')) : r.getPath();
        List<String> parts = List.of(path.substring(1).split("/"));
        String group = parts.get(0).equals("api") ? "" : parts.get(1);
        List<String> rest = parts.subList(parts.get(0).equals("api") ? 2 : 3, parts.size());
        if (!rest.isEmpty() && rest.get(0).equals("namespaces") && rest.size() > 2) {
            rest = rest.subList(2, rest.size());
        }
        String resource = rest.get(0) + (rest.size() > 2 ? "/" + rest.get(2) : "");
        boolean named = rest.size() > 1;
        String verb = switch (r.getMethod()) {
            case "GET" -> r.getPath().contains("watch=true") ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> r.getMethod();
        };
        return group + " " + resource + " " + verb;
    }

    private InferenceEndpointResource create(String yaml) {
        InferenceEndpointResource r = Serialization.unmarshal(yaml, InferenceEndpointResource.class);
        return client.resource(r).inNamespace("test").create();
    }

    private InferenceEndpointResource awaitStatus(String name, java.util.function.Predicate<InferenceEndpointResourceStatus> p) {
        return await(() -> client.resources(InferenceEndpointResource.class).inNamespace("test").withName(name).get(),
                r -> r != null && r.getStatus() != null && p.test(r.getStatus()));
    }

    @Test
    @DisplayName("kubectl apply -f inference_endpoint.yaml: Deployment, Service and HPA appear, owned by the resource, and it becomes Ready")
    void createsOwnedChildren() throws IOException {
        InferenceEndpointResource r = create(resource("inference_endpoint.yaml"));
        Deployment d = await(() -> client.apps().deployments().inNamespace("test").withName("my-model-endpoint").get(), Objects::nonNull);
        HorizontalPodAutoscaler hpa = await(() -> client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("test").withName("my-model-endpoint").get(), Objects::nonNull);
        var svc = await(() -> client.services().inNamespace("test").withName("my-model-endpoint").get(), Objects::nonNull);
        for (var child : List.of(d, hpa, svc)) {
            assertThat(child.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
                assertThat(o.getApiVersion()).isEqualTo("mlops.example.com/v1");
                assertThat(o.getKind()).isEqualTo("InferenceEndpoint");
                assertThat(o.getName()).isEqualTo("my-model-endpoint");
                assertThat(o.getUid()).isEqualTo(r.getMetadata().getUid());
                assertThat(o.getController()).isTrue();
            });
        }
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(5);
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("my-ml-model:v1");

        InferenceEndpointResource ready = awaitStatus("my-model-endpoint", s -> s.condition("Ready") != null && "True".equals(s.condition("Ready").status));
        assertThat(ready.getStatus().state).isEqualTo("READY");
        assertThat(ready.getStatus().readyReplicas).isEqualTo(1);
        assertThat(ready.getStatus().targets).isEqualTo("cpu: <unknown>/60%");
    }

    @Test
    @DisplayName("a spec change updates the HPA; replicas the HPA chose are kept")
    void specChangeUpdatesHpa() throws IOException {
        create(resource("inference_endpoint.yaml"));
        await(() -> client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("test").withName("my-model-endpoint").get(), Objects::nonNull);
        // a merge patch without resourceVersion, as kubectl apply sends: no conflict with the operator's status writes
        client.resources(InferenceEndpointResource.class).inNamespace("test").withName("my-model-endpoint").patch(
                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                "{\"spec\":{\"autoscaling\":{\"minReplicas\":2,\"maxReplicas\":8}}}");
        HorizontalPodAutoscaler hpa = await(() -> client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("test").withName("my-model-endpoint").get(), h -> h != null && h.getSpec().getMaxReplicas() == 8);
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
        InferenceEndpointResource r = awaitStatus("my-model-endpoint", s -> Integer.valueOf(2).equals(s.readyReplicas) && "READY".equals(s.state));
        assertThat(r.getStatus().replicas).isEqualTo(2);

        // the HPA scales to 6; then the model image changes: the operator's update must not reset the 6
        cluster.controllerClient().apps().deployments().inNamespace("test").withName("my-model-endpoint")
                .edit(x -> new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder(x).editSpec().withReplicas(6).endSpec().build());
        client.resources(InferenceEndpointResource.class).inNamespace("test").withName("my-model-endpoint").patch(
                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                "{\"spec\":{\"model\":{\"image\":\"registry.example.com/my-ml-model:v2\"}}}");
        Deployment d = await(() -> client.apps().deployments().inNamespace("test").withName("my-model-endpoint").get(),
                x -> "registry.example.com/my-ml-model:v2".equals(x.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()));
        assertThat(d.getSpec().getReplicas()).isEqualTo(6);
        assertThat(awaitStatus("my-model-endpoint", s -> Integer.valueOf(6).equals(s.readyReplicas)).getStatus().replicas).isEqualTo(6);
    }

    @Test
    @DisplayName("autoscaler: keda: the operator applies a ScaledObject owned by the resource; switching to hpa deletes it and takes over KEDA's HPA")
    void kedaEndpointAndSwitchToHpa() throws Exception {
        kedaEndpointAndSwitchToHpa(false);
    }

    @Test
    @DisplayName("the same with KEDA's CRD installed: the operator watches ScaledObjects (list + watch), a hand-deleted one is recreated, the switch to hpa deletes the cached one")
    void kedaEndpointAndSwitchToHpaWithScaledObjectInformer() throws Exception {
        kedaEndpointAndSwitchToHpa(true);
    }

    /** Creates KEDA's CRD (the copy in src/test/resources/keda, with its licence) in the cluster. */
    static void installKedaCrd(KubernetesClient client) throws IOException {
        try (InputStream crd = InferenceEndpointOperatorTest.class.getResourceAsStream("/keda/keda.sh_scaledobjects.yaml")) {
            client.resource(Serialization.unmarshal(crd, CustomResourceDefinition.class)).create();
        }
    }

    private void kedaEndpointAndSwitchToHpa(boolean kedaCrd) throws Exception {
        if (kedaCrd) {
            // the operator looks for KEDA when it starts: restart it with the CRD in place
            operator.close();
            installKedaCrd(client);
            operator = InferenceEndpointOperator.create(cluster.client(OPERATOR_AGENT), KubernetesSettings.defaults(), Set.of("test"),
                    new InferenceEndpointReconciler.OperatorIdentity("test", OPERATOR_AGENT));
            operator.start();
        }
        AutoCloseable kedaOperator = KubernetesKedaConformanceTest.startKedaOperator(cluster);
        try {
            InferenceEndpointResource r = create(resource("inference_endpoint.yaml")
                    .replace("\nspec:\n", "\nspec:\n  backends:\n    kubernetes:\n      autoscaler: keda\n"));
            var scaledObject = ScaledObjects.api(client).inNamespace("test").withName("my-model-endpoint");
            var so = await(scaledObject::get, Objects::nonNull);
            assertThat(so.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
                assertThat(o.getKind()).isEqualTo("InferenceEndpoint");
                assertThat(o.getUid()).isEqualTo(r.getMetadata().getUid());
                assertThat(o.getController()).isTrue();
            });
            assertThat(((java.util.Map<?, ?>) so.getAdditionalProperties().get("spec")).get("maxReplicaCount")).isEqualTo(5);
            var hpas = client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("test").withName("my-model-endpoint");
            // the HPA is KEDA's (the stand-in's), not the operator's
            await(hpas::get, h -> h != null && ScaledObjects.ownedByKeda(h));
            assertThat(awaitStatus("my-model-endpoint", s -> s.state != null).getStatus().state).isNotEqualTo("INVALID");
            if (kedaCrd) {
                // the ScaledObject's informer re-runs the reconcile when it is deleted by hand (no other child changes)
                String uid = so.getMetadata().getUid();
                scaledObject.delete();
                assertThat(await(scaledObject::get, x -> x != null && !uid.equals(x.getMetadata().getUid())).getMetadata().getOwnerReferences())
                        .singleElement().satisfies(o -> assertThat(o.getUid()).isEqualTo(r.getMetadata().getUid()));
                await(hpas::get, h -> h != null && ScaledObjects.ownedByKeda(h));
            }

            client.resources(InferenceEndpointResource.class).inNamespace("test").withName("my-model-endpoint").patch(
                    io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                    "{\"spec\":{\"backends\":{\"kubernetes\":{\"autoscaler\":\"hpa\"}}}}");
            // the reconcile the spec change starts: the ScaledObject goes (the HPA KEDA made is in the HPA informer's cache,
            // controlled by it), the HPA is applied with the resource as its controller
            await(() -> scaledObject.get() == null ? null : cluster.calls(), java.util.Objects::isNull);
            HorizontalPodAutoscaler hpa = await(hpas::get, h -> h != null && !ScaledObjects.ownedByKeda(h)
                    && h.getSpec().getMetrics() != null && !h.getSpec().getMetrics().isEmpty());
            assertThat(hpa.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getUid()).isEqualTo(r.getMetadata().getUid()));
            assertThat(cluster.requests().stream().filter(x -> OPERATOR_AGENT.equals(x.getHeader("User-Agent")))
                    .map(MockCluster::call)).contains("DELETE scaledobjects");
        } finally {
            kedaOperator.close();
        }
    }

    @Test
    @DisplayName("several InferenceEndpoints created at once are reconciled in parallel, each to its own children and status")
    void concurrentResources() throws Exception {
        int n = 6;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            List<java.util.concurrent.Future<InferenceEndpointResource>> created = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                String yaml = resource("inference_endpoint.yaml").replace("name: my-model-endpoint", "name: endpoint-" + i)
                        .replace("maxReplicas: 5", "maxReplicas: " + (10 + i));
                created.add(pool.submit(() -> create(yaml)));
            }
            for (var f : created) {
                f.get(20, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < n; i++) {
            String name = "endpoint-" + i;
            int max = 10 + i;
            HorizontalPodAutoscaler hpa = await(() -> client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("test").withName(name).get(),
                    h -> h != null && h.getSpec().getMaxReplicas() == max);
            assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(name);
            assertThat(hpa.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getName()).isEqualTo(name));
            Deployment d = client.apps().deployments().inNamespace("test").withName(name).get();
            assertThat(d.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getName()).isEqualTo(name));
            InferenceEndpointResource r = awaitStatus(name, s -> s.condition("Ready") != null && "True".equals(s.condition("Ready").status));
            assertThat(r.getStatus().state).isEqualTo("READY");
        }
    }

    @Test
    @DisplayName("deleting the resource deletes its children (owner references, with a stand-in garbage collector)")
    void deleteRemovesChildren() throws Exception {
        InferenceEndpointResource r = create(resource("inference_endpoint.yaml"));
        await(() -> client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("test").withName("my-model-endpoint").get(), Objects::nonNull);
        AutoCloseable gc = cluster.startGarbageCollector();
        try {
            client.resource(r).inNamespace("test").delete();
            awaitGone(() -> client.apps().deployments().inNamespace("test").withName("my-model-endpoint").get());
            awaitGone(() -> client.services().inNamespace("test").withName("my-model-endpoint").get());
            awaitGone(() -> client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("test").withName("my-model-endpoint").get());
        } finally {
            gc.close();
        }
    }

    @Test
    @DisplayName("an invalid spec gets Ready=False/InvalidSpec with the validation message and no children")
    void invalidSpecCondition() throws IOException {
        String yaml = resource("inference_endpoint.yaml").replace("name: my-model-endpoint", "name: zero-endpoint")
                .replace("minReplicas: 1", "minReplicas: 0\n    scaleToZero:\n      idleSeconds: 600");
        create(yaml);
        InferenceEndpointResource r = awaitStatus("zero-endpoint", s -> s.condition("Ready") != null);
        InferenceEndpointResourceStatus.Condition ready = r.getStatus().condition("Ready");
        assertThat(ready.status).isEqualTo("False");
        assertThat(ready.reason).isEqualTo("InvalidSpec");
        assertThat(ready.message).contains("spec.autoscaling.scaleToZero").contains("HPAScaleToZero");
        assertThat(r.getStatus().state).isEqualTo("INVALID");
        assertThat(client.apps().deployments().inNamespace("test").withName("zero-endpoint").get()).isNull();
        assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("test").withName("zero-endpoint").get()).isNull();
    }

    @Test
    @DisplayName("an endpoint in the operator's namespace asking for the operator's service account is InvalidSpec, with no children")
    void operatorServiceAccountRefused() throws IOException {
        String yaml = resource("inference_endpoint.yaml").replace("name: my-model-endpoint", "name: escalating-endpoint")
                + "  backends:\n    kubernetes:\n      serviceAccountName: " + OPERATOR_AGENT + "\n";
        create(yaml);
        InferenceEndpointResource r = awaitStatus("escalating-endpoint", s -> s.condition("Ready") != null);
        InferenceEndpointResourceStatus.Condition ready = r.getStatus().condition("Ready");
        assertThat(ready.reason).isEqualTo("InvalidSpec");
        assertThat(ready.message).contains("spec.backends.kubernetes.serviceAccountName").contains("operator's own service account");
        assertThat(client.apps().deployments().inNamespace("test").withName("escalating-endpoint").get()).isNull();
    }

    @Test
    @DisplayName("an unknown field in the spec is reported with the codec's did-you-mean message")
    void unknownField() throws IOException {
        String yaml = resource("inference_endpoint.yaml").replace("name: my-model-endpoint", "name: typo-endpoint")
                .replace("targetCPUUtilizationPercentage", "targetCPUUtilisationPercentage");
        create(yaml);
        InferenceEndpointResource r = awaitStatus("typo-endpoint", s -> s.condition("Ready") != null);
        assertThat(r.getStatus().condition("Ready").message).contains("targetCPUUtilisationPercentage").contains("targetCPUUtilizationPercentage");
    }

    @Test
    @DisplayName("once ready, the operator makes no further writes (no reconcile hot loop)")
    void steadyStateWritesNothing() throws Exception {
        create(resource("inference_endpoint.yaml"));
        awaitStatus("my-model-endpoint", s -> s.condition("Ready") != null && "True".equals(s.condition("Ready").status));
        long before = cluster.writeCount();
        Thread.sleep(1500);
        assertThat(cluster.writeCount()).isEqualTo(before);
    }

    @Test
    @DisplayName("an API failure sets Ready=False with the reason and the server's message")
    void apiFailureCondition() throws IOException {
        cluster.fail(r -> "PATCH".equals(r.getMethod()) && r.getPath().contains("/deployments/forbidden-endpoint")
                && !MockCluster.CONTROLLER_AGENT.equals(r.getHeader("User-Agent")), 403,
                "deployments.apps \"forbidden-endpoint\" is forbidden: User \"system:serviceaccount:inferscale-system:inferscale-operator\" cannot patch");
        create(resource("inference_endpoint.yaml").replace("name: my-model-endpoint", "name: forbidden-endpoint"));
        InferenceEndpointResource r = awaitStatus("forbidden-endpoint", s -> s.condition("Ready") != null);
        assertThat(r.getStatus().condition("Ready").status).isEqualTo("False");
        assertThat(r.getStatus().condition("Ready").reason).isEqualTo("PermissionDenied");
        assertThat(r.getStatus().condition("Ready").message).contains("is forbidden").contains("HTTP 403");
    }

    @Test
    @DisplayName("an operator without permission to list InferenceEndpoints fails to start with PERMISSION_DENIED, not a JOSDK exception")
    void startWithoutRbac() {
        String message = "inferenceendpoints.mlops.example.com is forbidden: User \"system:serviceaccount:default:default\" cannot list resource";
        try (MockCluster forbidding = new MockCluster()) {
            forbidding.fail(r -> true, 403, message);
            try (InferenceEndpointOperator o = InferenceEndpointOperator.create(forbidding.client(), KubernetesSettings.defaults(), Set.of("test"))) {
                org.assertj.core.api.Assertions.assertThatThrownBy(o::start)
                        .isInstanceOfSatisfying(io.inferscale.api.BackendException.class, e -> {
                            assertThat(e.reason()).isEqualTo(io.inferscale.api.BackendException.Reason.PERMISSION_DENIED);
                            assertThat(e.getCause()).isInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class);
                        })
                        .hasMessageContaining(message).hasMessageContaining("rbac.yaml");
            }
        }
    }

    private static void awaitGone(java.util.function.Supplier<Object> get) {
        await(get, Objects::isNull);
    }

    /** Waits until {@code quietMillis} pass without a logged request matching {@code which} (at most 20 s). */
    static void awaitQuiet(MockCluster cluster, java.util.function.Predicate<io.fabric8.mockwebserver.http.RecordedRequest> which, long quietMillis) {
        long seen = -1;
        long quietSince = System.nanoTime();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() - quietSince < TimeUnit.MILLISECONDS.toNanos(quietMillis)) {
            assertThat(System.nanoTime()).as("no request for %d ms within 20 s", quietMillis).isLessThan(deadline);
            long now = cluster.requests().stream().filter(which).count();
            if (now != seen) {
                seen = now;
                quietSince = System.nanoTime();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Polls {@code get} every 100 ms until {@code done} holds (at most 20 s). Polling, not a watch: the mock server's
     * watches do not replay events that happen between an informer's list and its watch.
     */
    static <T> T await(java.util.function.Supplier<T> get, java.util.function.Predicate<T> done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        T value = get.get();
        while (!done.test(value)) {
            assertThat(System.nanoTime()).as("condition reached within 20 s; last value: %s", value).isLessThan(deadline);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            value = get.get();
        }
        return value;
    }
}
