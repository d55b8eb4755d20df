package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.FleetOptions;
import io.inferscale.api.backend.FleetResult;
import io.inferscale.api.backend.Plan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static io.inferscale.backend.kubernetes.KubernetesTranslatorTest.endpoint;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * applyAll and planAll on the mock API server: the fleet's live state comes from one LIST per kind (the managed-by label
 * selector) instead of 3 GETs per endpoint, and the check after the writes from one LIST per verified kind; an endpoint
 * whose objects another writer changed continues alone with GET rounds. Asserted on the request log.
 */
class KubernetesFleetApplyTest {

    private MockCluster cluster;
    private KubernetesBackend backend;
    private List<InferenceEndpoint> fleet;

    @BeforeEach
    void start() throws java.io.IOException {
        cluster = new MockCluster();
        backend = new KubernetesBackend(cluster.client(), KubernetesSettings.defaults());
        InferenceEndpoint seed = endpoint("inference_endpoint.yaml");
        fleet = IntStream.range(0, 5).mapToObj(i -> seed.toBuilder().name(String.format("ep-%03d", i))
                .autoscaling(seed.autoscaling().toBuilder().maxReplicas(5 + i).build()).build()).toList();
    }

    @AfterEach
    void stop() {
        backend.close();
        cluster.close();
    }

    /** The requests since {@code from}, as {@code "GET deployments"}, a label-selector collection GET as {@code "LIST deployments"}. */
    private List<String> callsSince(int from) {
        List<RecordedRequest> all = cluster.requests();
        return all.subList(from, all.size()).stream()
                .map(r -> r.getPath().contains("labelSelector=") ? MockCluster.call(r).replaceFirst("^GET ", "LIST ") : MockCluster.call(r))
                .toList();
    }

    private static List<String> times(int n, String call) {
        return Collections.nCopies(n, call);
    }

    @Test
    @DisplayName("fresh fleet: 3 LISTs, 3 server-side applies per endpoint, 2 LISTs to verify; no GET of one object")
    void freshFleet() {
        FleetResult<ApplyResult> result = backend.applyAll(fleet, new FleetOptions(3));

        assertThat(result.allSucceeded()).isTrue();
        assertThat(result.results().values()).allSatisfy(r -> assertThat(r.plan().changes()).extracting(Change::action)
                .containsExactly(Change.Action.CREATE, Change.Action.CREATE, Change.Action.CREATE));
        List<String> calls = callsSince(0);
        assertThat(calls.subList(0, 3)).containsExactly("LIST deployments", "LIST services", "LIST horizontalpodautoscalers");
        assertThat(calls.subList(3, 18)).containsExactlyInAnyOrderElementsOf(
                List.of(times(5, "PATCH deployments"), times(5, "PATCH services"), times(5, "PATCH horizontalpodautoscalers"))
                        .stream().flatMap(List::stream).toList());
        assertThat(calls.subList(18, calls.size())).containsExactly("LIST deployments", "LIST services");
        assertThat(backend.list()).hasSize(5);
        assertThat(result.outcome("ep-004").result().status().maxReplicas()).isEqualTo(9);
    }

    @Test
    @DisplayName("no-op re-apply of the fleet: the 3 LISTs, no write, no other read")
    void noOpReapply() {
        backend.applyAll(fleet);
        int before = cluster.requests().size();

        FleetResult<ApplyResult> again = backend.applyAll(fleet);

        assertThat(again.allSucceeded()).isTrue();
        assertThat(again.results().values()).noneMatch(ApplyResult::changed);
        assertThat(callsSince(before)).containsExactly("LIST deployments", "LIST services", "LIST horizontalpodautoscalers");
    }

    @Test
    @DisplayName("the fleet's apply and the single apply agree: applyAll after apply of each is a no-op, and the other way round")
    void agreesWithApply() {
        fleet.forEach(backend::apply);
        assertThat(backend.applyAll(fleet).results().values()).noneMatch(ApplyResult::changed);
        assertThat(fleet).allSatisfy(e -> assertThat(backend.apply(e).changed()).isFalse());
    }

    @Test
    @DisplayName("a maxReplicas change of two endpoints: 3 LISTs, their 2 HPA applies, 2 LISTs to verify")
    void partialChange() {
        backend.applyAll(fleet);
        List<InferenceEndpoint> changed = fleet.stream().map(e -> e.name().equals("ep-001") || e.name().equals("ep-003")
                ? e.toBuilder().autoscaling(e.autoscaling().toBuilder().maxReplicas(20).build()).build() : e).toList();
        int before = cluster.requests().size();

        FleetResult<ApplyResult> result = backend.applyAll(changed);

        assertThat(result.results().values().stream().filter(ApplyResult::changed).map(r -> r.plan().endpoint())).containsExactly("ep-001", "ep-003");
        assertThat(callsSince(before)).containsExactly("LIST deployments", "LIST services", "LIST horizontalpodautoscalers",
                "PATCH horizontalpodautoscalers", "PATCH horizontalpodautoscalers", "LIST deployments", "LIST services");
        assertThat(backend.status("ep-003").maxReplicas()).isEqualTo(20);
    }

    @Test
    @DisplayName("planAll: the 3 LISTs and a plan per endpoint, no write")
    void planAll() {
        backend.apply(fleet.get(0));
        int before = cluster.requests().size();

        FleetResult<Plan> plans = backend.planAll(fleet);

        assertThat(callsSince(before)).containsExactly("LIST deployments", "LIST services", "LIST horizontalpodautoscalers");
        assertThat(plans.results().get("ep-000").isEmpty()).isTrue();
        assertThat(plans.results().get("ep-002").changes()).hasSize(3);
    }

    @Test
    @DisplayName("one endpoint's rejected write fails that endpoint, naming it and the step; the others are applied")
    void partialFailure() {
        cluster.fail(r -> r.getMethod().equals("PATCH") && r.getPath().contains("/horizontalpodautoscalers/ep-002"), 403,
                "horizontalpodautoscalers \"ep-002\" is forbidden");

        FleetResult<ApplyResult> result = backend.applyAll(fleet);

        assertThat(result.failures()).containsOnlyKeys("ep-002");
        BackendException e = result.outcome("ep-002").failure();
        assertThat(e.reason()).isEqualTo(BackendException.Reason.PERMISSION_DENIED);
        assertThat(e.step()).contains("apply HorizontalPodAutoscaler test/ep-002");
        assertThat(e.getMessage()).contains("apply of endpoint 'ep-002' stopped at step");
        assertThat(result.results()).containsOnlyKeys("ep-000", "ep-001", "ep-003", "ep-004");
        cluster.clearFailures();
        assertThat(backend.applyAll(fleet).outcome("ep-002").result().plan().changes()).extracting(Change::kind)
                .as("re-running continues from what the failed run left").containsExactly("HorizontalPodAutoscaler");
    }

    @Test
    @DisplayName("another writer changes an endpoint's Deployment during the fleet's writes: the check sees it and that endpoint "
            + "alone continues with GET rounds until its objects are its spec again")
    void concurrentWriter() throws Exception {
        AtomicBoolean started = new AtomicBoolean();
        io.fabric8.kubernetes.client.KubernetesClient other = cluster.controllerClient();
        other.apps().deployments().inNamespace("test").list(); // connected before the race
        java.util.concurrent.CompletableFuture<Void> foreignWrite = new java.util.concurrent.CompletableFuture<>();
        cluster.intercept((request, proceed) -> {
            if (request.getMethod().equals("PATCH") && request.getPath().contains("/horizontalpodautoscalers/ep-001") && !started.getAndSet(true)) {
                // another writer edits ep-001's Deployment after inferscale wrote it, before the HPA (its last write); from
                // another thread: the mock server answers on one event loop
                new Thread(() -> {
                    other.apps().deployments().inNamespace("test").withName("ep-001")
                            .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
                                    "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"someone/else:1\"}]");
                    foreignWrite.complete(null);
                }).start();
            }
            if (started.get() && !foreignWrite.isDone() && request.getPath().contains("labelSelector=")) {
                // the check's LIST waits for the other writer (503: the client retries after its backoff)
                return new io.fabric8.mockwebserver.http.MockResponse().setResponseCode(503).setBody("{}");
            }
            return null;
        });

        FleetResult<ApplyResult> result = backend.applyAll(fleet, FleetOptions.sequential());

        assertThat(foreignWrite).isDone();
        assertThat(result.allSucceeded()).isTrue();
        Deployment d = cluster.controllerClient().apps().deployments().inNamespace("test").withName("ep-001").get();
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isNotEqualTo("someone/else:1");
        List<RecordedRequest> all = cluster.requests();
        List<String> calls = all.subList(18, all.size()).stream().filter(r -> !r.getPath().contains("labelSelector="))
                .map(r -> MockCluster.call(r) + " " + r.getPath().replaceAll("[?].*", "").replaceAll(".*/", "")).toList();
        assertThat(calls).as("ep-001's next round, with GETs, after the check's LISTs (the Deployment's update hands replicas over first)")
                .containsExactly("GET deployments ep-001", "GET services ep-001", "GET horizontalpodautoscalers ep-001",
                        "PATCH deployments ep-001", "PATCH deployments ep-001", "GET services ep-001", "GET horizontalpodautoscalers ep-001");
        assertThat(backend.apply(fleet.get(1)).changed()).isFalse();
    }

    @Test
    @DisplayName("4 threads on 2 backends race applyAll of the same 3 endpoints with 4 different specs: every endpoint ends "
            + "entirely one spec, and a failure is only a CONFLICT naming its step")
    void racingFleets() throws Exception {
        KubernetesBackend other = new KubernetesBackend(cluster.client("process-2", b -> b.withRequestTimeout(30_000)), KubernetesSettings.defaults());
        InferenceEndpoint seed = endpoint("inference_endpoint.yaml");
        List<String> names = List.of("race-a", "race-b", "race-c");
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.CompletableFuture<FleetResult<ApplyResult>>> runs = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int spec = t;
            List<InferenceEndpoint> specs = names.stream().map(n -> seed.toBuilder().name(n)
                    .model(seed.model().toBuilder().image("registry.example.com/my-ml-model:v" + spec).build())
                    .autoscaling(seed.autoscaling().toBuilder().maxReplicas(10 + spec).build())
                    .backends(seed.backends().with(KubernetesBackend.ID, "servicePort", java.math.BigDecimal.valueOf(8000 + spec)))
                    .build()).toList();
            KubernetesBackend process = t % 2 == 0 ? backend : other;
            runs.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return process.applyAll(specs, new FleetOptions(3));
            }));
        }
        go.countDown();
        for (var run : runs) {
            FleetResult<ApplyResult> r = run.get(120, java.util.concurrent.TimeUnit.SECONDS);
            r.failures().values().forEach(e -> {
                assertThat(e.reason()).isEqualTo(BackendException.Reason.CONFLICT);
                assertThat(e.step()).isPresent();
            });
        }
        other.close();
        var observer = cluster.controllerClient();
        for (String name : names) {
            String image = observer.apps().deployments().inNamespace("test").withName(name).get().getSpec().getTemplate().getSpec()
                    .getContainers().get(0).getImage();
            int port = observer.services().inNamespace("test").withName(name).get().getSpec().getPorts().get(0).getPort();
            int max = observer.autoscaling().v2().horizontalPodAutoscalers().inNamespace("test").withName(name).get().getSpec().getMaxReplicas();
            int spec = Integer.parseInt(image.substring(image.lastIndexOf(":v") + 2));
            assertThat(List.of(port - 8000, max - 10)).as("%s is entirely spec %d", name, spec).containsOnly(spec);
        }
    }

    @Test
    @DisplayName("KEDA endpoints: the ScaledObjects are listed instead of the HPAs, and the no-op re-apply is those 3 LISTs")
    void kedaFleet() throws java.io.IOException {
        KubernetesBackend keda = new KubernetesBackend(cluster.client(), KubernetesSettings.from(io.inferscale.api.backend.BackendConfig.of(java.util.Map.of(
                "kubernetes.keda.requestsPerSecondQuery", "sum(rate(nginx_ingress_controller_requests{service=\"{name}\"}[1m]))",
                "kubernetes.keda.concurrencyQuery", "sum(nginx_ingress_controller_requests_in_flight{service=\"{name}\"})"))));
        List<InferenceEndpoint> scaleToZero = IntStream.range(0, 3).mapToObj(i -> {
            try {
                return KubernetesKedaTest.keda(endpoint("scale_to_zero_endpoint.yaml")).toBuilder().name("zero-" + i).build();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();

        assertThat(keda.applyAll(scaleToZero).allSucceeded()).isTrue();
        List<String> fresh = callsSince(0);
        assertThat(fresh.subList(0, 3)).as("no HPA is desired for a KEDA endpoint: none is listed")
                .containsExactly("LIST deployments", "LIST services", "LIST scaledobjects");
        assertThat(fresh.subList(3, 12)).allMatch(c -> c.startsWith("PATCH "));
        assertThat(fresh.subList(12, fresh.size())).containsExactly("LIST deployments", "LIST services");
        int before = cluster.requests().size();

        FleetResult<ApplyResult> again = keda.applyAll(scaleToZero);

        assertThat(again.results().values()).noneMatch(ApplyResult::changed);
        assertThat(callsSince(before)).containsExactly("LIST deployments", "LIST services", "LIST scaledobjects");
        keda.close();
    }
}
