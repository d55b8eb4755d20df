package io.inferscale.backend.kubernetes;

import io.inferscale.backend.kubernetes.internal.ManifestYaml;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static io.inferscale.backend.kubernetes.InferenceEndpointOperatorTest.await;
import static io.inferscale.backend.kubernetes.KubernetesTranslatorTest.resource;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two operator instances with leader election over a {@code coordination.k8s.io} Lease on the CRUD mock server: only
 * the Lease holder writes; when it stops, the other takes the Lease over and reconciles, without re-writing children
 * that are up to date. Also the probe endpoints and the Lease RBAC (a namespaced Role).
 */
class InferenceEndpointOperatorLeaderElectionTest {

    private static final String NAME = "my-model-endpoint";
    private static final String LEASE_NS = "inferscale-system";

    private MockCluster cluster;
    private KubernetesClient client;
    private final Map<String, InferenceEndpointOperator> operators = new java.util.LinkedHashMap<>();

    @BeforeEach
    void start() throws IOException {
        cluster = new MockCluster();
        client = cluster.client();
        InferenceEndpointOperatorTest.installCrd(client);
        // the CRUD mock cannot evaluate a SelfSubjectRulesReview (JOSDK posts one at start to check the Lease rights):
        // answer it as the API server would for the shipped Role, with that Role's rules
        List<io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule> granted = leaseRole().getRules().stream()
                .map(r -> new io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule(r.getApiGroups(), r.getResourceNames(), r.getResources(), r.getVerbs()))
                .toList();
        cluster.intercept((request, proceed) -> request.getPath().contains("/selfsubjectrulesreviews")
                ? new io.fabric8.mockwebserver.http.MockResponse().setResponseCode(201).setBody(Serialization.asJson(
                        new io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder().withNewMetadata().endMetadata()
                                .withNewSpec().withNamespace(LEASE_NS).endSpec()
                                .withNewStatus().withResourceRules(granted).withIncomplete(false).endStatus().build()))
                : null);
        for (String id : List.of("operator-a", "operator-b")) {
            InferenceEndpointOperator.LeaderElection election = new InferenceEndpointOperator.LeaderElection(
                    InferenceEndpointOperator.LeaderElection.LEASE_NAME, LEASE_NS, id,
                    Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(250), false);
            InferenceEndpointOperator operator = InferenceEndpointOperator.create(cluster.client(id), KubernetesSettings.defaults(), Set.of("test"),
                    new InferenceEndpointReconciler.OperatorIdentity(LEASE_NS, "inferscale-operator"), election);
            operator.start();
            operators.put(id, operator);
        }
    }

    @AfterEach
    void stop() {
        operators.values().forEach(InferenceEndpointOperator::close);
        cluster.close();
    }

    private String holder() {
        Lease lease = client.leases().inNamespace(LEASE_NS).withName(InferenceEndpointOperator.LeaderElection.LEASE_NAME).get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    /** Writes (POST, PUT, PATCH, DELETE) by {@code agent} to anything but the Lease, after the first {@code from} requests. */
    private List<String> writesBy(String agent, int from) {
        return cluster.writesSince(from).stream().filter(r -> agent.equals(r.getHeader("User-Agent")))
                .filter(r -> !r.getPath().contains("/leases") && !r.getPath().contains("/selfsubjectrulesreviews")).map(r -> MockCluster.call(r) + (r.getPath().contains("/status") ? "/status" : "")).toList();
    }

    @Test
    @DisplayName("only the Lease holder reconciles; when it stops, the other takes over and reconciles without duplicate writes")
    void leaderFailover() {
        String leader = await(this::holder, Objects::nonNull);
        String follower = leader.equals("operator-a") ? "operator-b" : "operator-a";
        client.resource(Serialization.unmarshal(resourceYaml(), InferenceEndpointResource.class)).inNamespace("test").create();
        await(() -> client.resources(InferenceEndpointResource.class).inNamespace("test").withName(NAME).get(),
                r -> r.getStatus() != null && r.getStatus().state != null);
        assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("test").withName(NAME).get()).isNotNull();
        // the status is written at the end of the first reconcile: wait for what it triggers to finish before stopping it
        awaitQuiet(leader);
        assertThat(writesBy(leader, 0).stream().filter(w -> !w.endsWith("/status")).toList()).as("the leader applied each child once")
                .containsExactly("PATCH deployments", "PATCH services", "PATCH horizontalpodautoscalers");
        assertThat(writesBy(leader, 0)).as("and wrote the status").contains("PATCH inferenceendpoints/status");
        assertThat(writesBy(follower, 0)).as("the follower wrote nothing").isEmpty();
        assertThat(cluster.requests().stream().filter(r -> leader.equals(r.getHeader("User-Agent")))
                .anyMatch(r -> r.getPath().contains("/leases"))).isTrue();

        int before = cluster.requests().size();
        operators.remove(leader).close();
        await(this::holder, follower::equals);
        // the new leader reconciles the existing endpoint from its warm caches: nothing to write
        client.resources(InferenceEndpointResource.class).inNamespace("test").withName(NAME).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"autoscaling\":{\"maxReplicas\":9}}}");
        HorizontalPodAutoscaler hpa = await(() -> client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("test").withName(NAME).get(),
                h -> h.getSpec().getMaxReplicas() == 9);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(9);
        await(() -> client.resources(InferenceEndpointResource.class).inNamespace("test").withName(NAME).get(),
                r -> r.getStatus() != null && Long.valueOf(2).equals(r.getStatus().observedGeneration));
        List<String> childWrites = writesBy(follower, before).stream().filter(w -> !w.endsWith("/status")).toList();
        assertThat(childWrites).as("after the takeover: one apply, of the changed HPA; the Deployment and Service are not re-written")
                .containsExactly("PATCH horizontalpodautoscalers");
        assertThat(writesBy(leader, before)).as("the stopped leader wrote nothing more").isEmpty();
    }

    @Test
    @DisplayName("a killed leader (no Lease release, no more requests) is replaced after the Lease expires; the change made meanwhile is applied once")
    void killedLeaderIsReplacedWithoutDuplicateWrites() {
        String leader = await(this::holder, Objects::nonNull);
        String follower = leader.equals("operator-a") ? "operator-b" : "operator-a";
        client.resource(Serialization.unmarshal(resourceYaml(), InferenceEndpointResource.class)).inNamespace("test").create();
        await(() -> client.resources(InferenceEndpointResource.class).inNamespace("test").withName(NAME).get(),
                r -> r.getStatus() != null && r.getStatus().state != null);
        await(() -> writesBy(leader, 0), w -> w.contains("PATCH inferenceendpoints/status"));

        // the kill: from now on nothing the leader sends reaches the API server (its Lease is not released), then it stops
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        cluster.intercept((request, proceed) -> {
            if (leader.equals(request.getHeader("User-Agent"))) {
                refused.incrementAndGet();
                return MockCluster.droppedConnection();
            }
            return null;
        });
        int killMark = cluster.requests().size();
        operators.remove(leader).close();
        int before = cluster.requests().size();
        long killed = System.nanoTime();
        client.resources(InferenceEndpointResource.class).inNamespace("test").withName(NAME).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"autoscaling\":{\"maxReplicas\":9}}}");
        await(this::holder, follower::equals);
        assertThat(Duration.ofNanos(System.nanoTime() - killed)).as("the follower waited for the unreleased Lease to expire")
                .isGreaterThanOrEqualTo(Duration.ofMillis(500));
        await(() -> client.resources(InferenceEndpointResource.class).inNamespace("test").withName(NAME).get(),
                r -> r.getStatus() != null && Long.valueOf(2).equals(r.getStatus().observedGeneration));
        assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("test").withName(NAME).get().getSpec().getMaxReplicas())
                .isEqualTo(9);
        awaitQuiet(follower);
        assertThat(writesBy(follower, before)).as("the new leader applied the change once: the HPA, then the status; nothing else re-written")
                .containsExactly("PATCH horizontalpodautoscalers", "PATCH inferenceendpoints/status");
        List<RecordedRequest> afterKill = cluster.requests().subList(killMark, cluster.requests().size());
        assertThat(afterKill.stream().filter(r -> leader.equals(r.getHeader("User-Agent"))).count())
                .as("every request the killed leader sent after the kill was refused (a reconcile in flight at the kill may still try one)")
                .isEqualTo(refused.get());
        assertThat(writesBy(leader, before).stream().filter(w -> !w.endsWith("/status")).toList())
                .as("the killed leader tried no child write after it stopped").isEmpty();
    }

    /** Waits until 1.5 s pass without a request (other than the Lease's) from {@code agent}. */
    private void awaitQuiet(String agent) {
        InferenceEndpointOperatorTest.awaitQuiet(cluster, r -> agent.equals(r.getHeader("User-Agent")) && !r.getPath().contains("/leases"), 1_500);
    }

    @Test
    @DisplayName("the probes: /healthz and /readyz answer 200 on a started operator (leader or not), 404 elsewhere; 503 after close")
    void probes() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        InferenceEndpointOperator operator = operators.get("operator-b");
        try (OperatorHealthServer health = OperatorHealthServer.start(0, operator)) {
            for (String path : List.of("/healthz", "/readyz")) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(path).isEqualTo(200);
                assertThat(r.body()).isEqualTo("ok");
            }
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + "/other")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
            operators.remove("operator-b").close();
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);
        }
    }

    @Test
    @DisplayName("the library's run with RunOptions: leader election and probes as the CLI's, told once started, stopped cleanly")
    void runWithOptions() throws Exception {
        java.util.concurrent.BlockingQueue<InferenceEndpointOperator.Started> started = new java.util.concurrent.LinkedBlockingQueue<>();
        InferenceEndpointOperator.RunOptions options = InferenceEndpointOperator.RunOptions.builder().namespaces(List.of("test"))
                .leaderElection(new InferenceEndpointOperator.LeaderElection(InferenceEndpointOperator.LeaderElection.LEASE_NAME, LEASE_NS,
                        "operator-c", Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(250), false))
                .healthPort(0).onStarted(started::add).build();
        java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<Void> running = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                InferenceEndpointOperator.runUntil(cluster.client("operator-c"), KubernetesSettings.defaults(), options,
                        new InferenceEndpointReconciler.OperatorIdentity(LEASE_NS, "inferscale-operator"), stop);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        InferenceEndpointOperator.Started s = started.poll(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(s).as("onStarted called within 20 s").isNotNull();
        assertThat(s.leaderElection()).isTrue();
        assertThat(s.namespaces()).containsExactly("test");
        assertThat(s.describe()).startsWith("reconciling InferenceEndpoint resources in test on " + cluster.endpoint())
                .contains(" while holding the leader Lease; probes on port " + s.healthPort().getAsInt());
        HttpClient http = HttpClient.newHttpClient();
        URI readyz = URI.create("http://127.0.0.1:" + s.healthPort().getAsInt() + "/readyz");
        assertThat(http.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .as("a follower of the Lease (operator-a or -b leads) is ready").isEqualTo(200);
        assertThat(running).isNotDone();
        stop.countDown();
        running.get(20, java.util.concurrent.TimeUnit.SECONDS);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString()))
                .as("the probes stop with the operator").isInstanceOf(IOException.class);
    }

    @Test
    @DisplayName("RunOptions: defaults are all namespaces, no election, no probes; a port outside 0-65535 is refused naming the fix")
    void runOptionsDefaultsAndBadPort() {
        InferenceEndpointOperator.RunOptions d = InferenceEndpointOperator.RunOptions.defaults();
        assertThat(d.namespaces()).isEmpty();
        assertThat(d.leaderElection()).isEmpty();
        assertThat(d.healthPort()).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> InferenceEndpointOperator.RunOptions.builder().healthPort(70000).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("healthPort 70000 is not a port number; use 0-65535 (0 picks a free one)");
    }

    @Test
    @DisplayName("the Lease requests the operators made are exactly the Role's verbs (get, create, patch; plus update, which JOSDK's start check demands) in the operator's namespace")
    void leaseRbacIsExact() throws IOException {
        await(this::holder, Objects::nonNull);
        await(() -> cluster.requests().stream().filter(r -> r.getPath().contains("/leases") && "PATCH".equals(r.getMethod())).count(), n -> n > 0);
        Set<String> used = new java.util.TreeSet<>();
        for (RecordedRequest r : cluster.requests()) {
            if (r.getPath().contains("/leases") && r.getHeader("User-Agent").startsWith("operator-")) {
                assertThat(r.getPath()).contains("/namespaces/" + LEASE_NS + "/leases");
                used.add(switch (r.getMethod()) {
                    case "GET" -> "get";
                    case "POST" -> "create";
                    case "PUT" -> "update";
                    case "PATCH" -> "patch";
                    default -> r.getMethod();
                });
            }
        }
        io.fabric8.kubernetes.api.model.rbac.Role role = leaseRole();
        assertThat(role.getMetadata().getNamespace()).isEqualTo(LEASE_NS);
        Set<String> granted = new java.util.TreeSet<>();
        for (var rule : role.getRules()) {
            assertThat(rule.getApiGroups()).containsExactly("coordination.k8s.io");
            assertThat(rule.getResources()).containsExactly("leases");
            if (!rule.getVerbs().equals(List.of("create"))) {
                assertThat(rule.getResourceNames()).as("get and update only on the operator's Lease")
                        .containsExactly(InferenceEndpointOperator.LeaderElection.LEASE_NAME);
            }
            granted.addAll(rule.getVerbs());
        }
        // fabric8's LeaseLock renews with a PATCH; update is never requested but JOSDK's start-time SelfSubjectRulesReview
        // check demands create, update and get on leases, so the Role grants it too
        assertThat(used).containsExactlyInAnyOrder("get", "create", "patch");
        Set<String> expected = new java.util.TreeSet<>(used);
        expected.add("update");
        assertThat(granted).isEqualTo(expected);
    }

    /** The Role for leader election in manifests/rbac.yaml. */
    private static io.fabric8.kubernetes.api.model.rbac.Role leaseRole() throws IOException {
        try (InputStream in = InferenceEndpointOperator.class.getResourceAsStream("/manifests/rbac.yaml")) {
            return ManifestYaml.serialization().<List<io.fabric8.kubernetes.api.model.HasMetadata>>unmarshal(in).stream()
                    .filter(io.fabric8.kubernetes.api.model.rbac.Role.class::isInstance).map(io.fabric8.kubernetes.api.model.rbac.Role.class::cast)
                    .findFirst().orElseThrow();
        }
    }

    private static String resourceYaml() {
        try {
            return resource("inference_endpoint.yaml");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
