package io.inferscale.backend.sagemaker;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.TargetType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.inferscale.backend.sagemaker.SageMakerTestSupport.seed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9's call economy, asserted exactly: the requests a fresh apply, a no-op re-apply, a maxReplicas-only change,
 * a delete and an awaitReady send to the fake, split into writes, the operation's own reads and the waiter's DescribeEndpoint polls.
 * The fake finishes every Creating/Updating/Deleting on the {@value #POLLS}rd DescribeEndpoint after the write, so the
 * waiter makes exactly {@value #POLLS} polls (on AWS their number is the change's duration / {@code sagemaker.pollInterval}).
 * The table of the counts is written to {@code target/call-counts-sagemaker.md}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SageMakerCallCountTest {

    private static final int POLLS = 3;
    private static final String NAME = "my-model-endpoint";

    private final Map<String, String> table = new java.util.LinkedHashMap<>();
    private FakeAwsServer fake;
    private SageMakerBackend backend;

    @BeforeEach
    void start() {
        fake = FakeAwsServer.start();
        fake.transitionAfterPolls(POLLS);
        backend = SageMakerTestSupport.backend(fake);
    }

    @AfterEach
    void stop() {
        backend.close();
        fake.close();
    }

    /** The requests since {@code from}: writes in order, own reads counted by operation, the waiter's polls. */
    private record Calls(List<String> writes, Map<String, Integer> reads, long waitPolls) {
        int readCount() {
            return reads.values().stream().mapToInt(Integer::intValue).sum();
        }

        String row() {
            return "writes " + writes.size() + " (" + String.join(", ", writes) + "); own reads " + readCount() + " " + reads
                    + "; waiter polls " + waitPolls;
        }
    }

    private Calls measure(Runnable operation) {
        int from = fake.operations().size();
        long polls = fake.waitPolls();
        operation.run();
        List<String> ops = fake.operations().subList(from, fake.operations().size());
        long waited = fake.waitPolls() - polls;
        List<String> writes = ops.stream().filter(op -> !op.startsWith("Describe") && !op.startsWith("List")).toList();
        Map<String, Integer> reads = new TreeMap<>();
        ops.stream().filter(op -> op.startsWith("Describe") || op.startsWith("List")).forEach(op -> reads.merge(op, 1, Integer::sum));
        // the waiter's polls are DescribeEndpoint calls that found the endpoint changing: not the operation's own reads
        reads.computeIfPresent("DescribeEndpoint", (k, n) -> n - (int) waited == 0 ? null : n - (int) waited);
        return new Calls(writes, reads, waited);
    }

    private static InferenceEndpoint withTwoTargets() {
        return seed().toBuilder().autoscaling(seed().autoscaling().toBuilder().target(TargetType.REQUESTS_PER_SECOND, 20).build()).build();
    }

    /** The five reads of a verification round or a no-op apply: one per native object (the policies in one call). */
    private static final Map<String, Integer> ROUND = Map.of("DescribeEndpoint", 1, "DescribeScalableTargets", 1,
            "DescribeScalingPolicies", 1, "ListEndpointConfigs", 1, "ListModels", 1);

    /** The bulk reads of a fleet, besides DescribeEndpoint: one call per kind (fleets of at most 10 endpoints, 50 targets, 100 names). */
    private static final Map<String, Integer> BULK = Map.of("DescribeScalableTargets", 1, "DescribeScalingPolicies", 1,
            "ListEndpointConfigs", 1, "ListModels", 1);

    private static Map<String, Integer> times(Map<String, Integer> reads, int n, Map<String, Integer> plus) {
        Map<String, Integer> m = new TreeMap<>();
        reads.forEach((k, v) -> m.put(k, v * n));
        plus.forEach((k, v) -> m.merge(k, v, Integer::sum));
        return m;
    }

    @Test
    @DisplayName("fresh apply: one write per native object, one DescribeEndpoint before, the waiter's polls, one verification round")
    void freshApply() {
        Calls c = measure(() -> backend.apply(seed()));
        assertThat(c.writes()).containsExactly("CreateModel", "CreateEndpointConfig", "CreateEndpoint", "RegisterScalableTarget", "PutScalingPolicy");
        assertThat(c.waitPolls()).isEqualTo(POLLS);
        assertThat(c.reads()).isEqualTo(times(ROUND, 1, Map.of("DescribeEndpoint", 1)));
        table.put("fresh apply (seed: 1 target)", c.row());

        Calls two = measure(() -> backend.apply(withTwoTargets().toBuilder().name("two-targets").build()));
        assertThat(two.writes()).containsExactly("CreateModel", "CreateEndpointConfig", "CreateEndpoint", "RegisterScalableTarget",
                "PutScalingPolicy", "PutScalingPolicy");
        assertThat(two.waitPolls()).isEqualTo(POLLS);
        assertThat(two.reads()).isEqualTo(times(ROUND, 1, Map.of("DescribeEndpoint", 1)));
        table.put("fresh apply (2 targets)", two.row());
    }

    private static List<InferenceEndpoint> fleet(String... names) {
        List<InferenceEndpoint> out = new ArrayList<>();
        for (String n : names) {
            out.add(seed().toBuilder().name(n).build());
        }
        return out;
    }

    private static Map<String, Long> counted(List<String> ops) {
        Map<String, Long> m = new TreeMap<>();
        ops.forEach(op -> m.merge(op, 1L, Long::sum));
        return m;
    }

    @Test
    @DisplayName("applyAll of a fresh fleet (issue 19): one ListEndpoints, no read before the creates, each endpoint's writes as apply's, then one bulk read-back: a DescribeEndpoint each and one call per other kind")
    void applyAllFresh() {
        Calls c = measure(() -> assertThat(backend.applyAll(fleet("fleet-a", "fleet-b", "fleet-c"),
                new io.inferscale.api.backend.FleetOptions(2)).orThrow().values()).allSatisfy(r -> assertThat(r.changed()).isTrue()));
        assertThat(counted(c.writes())).isEqualTo(Map.of("CreateModel", 3L, "CreateEndpointConfig", 3L, "CreateEndpoint", 3L,
                "RegisterScalableTarget", 3L, "PutScalingPolicy", 3L));
        assertThat(c.waitPolls()).isEqualTo(3 * POLLS);
        assertThat(c.reads()).isEqualTo(times(BULK, 1, Map.of("ListEndpoints", 1, "DescribeEndpoint", 3)));
        table.put("applyAll, 3 fresh endpoints", c.row());
    }

    @Test
    @DisplayName("applyAll with one endpoint already there: it is read from the bulk reads and its DescribeEndpoint (no write), the new one reads nothing before its creates; the read-back reads only the one that wrote")
    void applyAllMixed() {
        backend.apply(seed().toBuilder().name("fleet-a").build());
        Calls c = measure(() -> {
            var results = backend.applyAll(fleet("fleet-a", "fleet-b"), new io.inferscale.api.backend.FleetOptions(2)).orThrow();
            assertThat(results.get("fleet-a").changed()).isFalse();
            assertThat(results.get("fleet-b").changed()).isTrue();
        });
        assertThat(c.writes()).hasSize(5);
        assertThat(c.reads()).isEqualTo(times(BULK, 2, Map.of("ListEndpoints", 1, "DescribeEndpoint", 2)));
    }

    @Test
    @DisplayName("applyAll with a stale list: another backend creates the endpoint after ListEndpoints answered; the create meets it, finds it is this spec's, and the apply completes")
    void applyAllStaleList() throws Exception {
        fake.arm(FakeAwsServer.Armed.slow("ListEndpoints", false, 3000));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (SageMakerBackend other = SageMakerTestSupport.backend(fake)) {
            Future<?> fleet = pool.submit(() -> backend.applyAll(fleet("fleet-a"), new io.inferscale.api.backend.FleetOptions(1)).orThrow());
            while (!fake.operations().contains("ListEndpoints")) {
                Thread.sleep(5);
            }
            other.apply(seed().toBuilder().name("fleet-a").build());
            assertThat(fleet.isDone()).as("the list's answer is still held").isFalse();
            int created = fake.operations().size();
            fleet.get();
            List<String> after = fake.operations().subList(created, fake.operations().size());
            // the fleet apply planned from the stale list (no DescribeEndpoint first): its CreateEndpoint met the other's endpoint
            assertThat(after.get(0)).isEqualTo("CreateModel");
            assertThat(after).contains("CreateEndpoint");
            assertThat(backend.apply(seed().toBuilder().name("fleet-a").build()).changed()).isFalse();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("applyAll when ListEndpoints is refused: every endpoint reads its DescribeEndpoint before writing, and the fleet is applied")
    void applyAllListRefused() {
        fake.inject("ListEndpoints", 400, "AccessDeniedException", "User is not authorized to perform: sagemaker:ListEndpoints", 1);
        Calls c = measure(() -> assertThat(backend.applyAll(fleet("fleet-a", "fleet-b"), new io.inferscale.api.backend.FleetOptions(2))
                .allSucceeded()).isTrue());
        assertThat(c.writes()).hasSize(10);
        assertThat(c.reads()).isEqualTo(times(BULK, 1, Map.of("ListEndpoints", 1, "DescribeEndpoint", 4)));
    }

    @Test
    @DisplayName("applyAll when a bulk read of the read-back is refused: the endpoints that wrote read back for themselves, as apply does, and the fleet is applied")
    void applyAllBulkReadRefused() {
        fake.inject("DescribeScalableTargets", 400, "AccessDeniedException", "User is not authorized to perform: application-autoscaling:DescribeScalableTargets", 1);
        Calls c = measure(() -> assertThat(backend.applyAll(fleet("fleet-a", "fleet-b"), new io.inferscale.api.backend.FleetOptions(2))
                .orThrow().values()).allSatisfy(r -> assertThat(r.changed()).isTrue()));
        assertThat(c.writes()).hasSize(10);
        // the refused bulk call, then per endpoint DescribeEndpoint and the four other reads of apply's read-back
        assertThat(c.reads()).isEqualTo(times(ROUND, 2, Map.of("ListEndpoints", 1, "DescribeScalableTargets", 1)));
        assertThat(backend.applyAll(fleet("fleet-a", "fleet-b"), new io.inferscale.api.backend.FleetOptions(2)).orThrow().values())
                .allSatisfy(r -> assertThat(r.changed()).isFalse());
    }

    @Test
    @DisplayName("applyAll again, nothing changed: no write, one DescribeEndpoint per endpoint and one call per other kind for the fleet")
    void applyAllNoOp() {
        backend.applyAll(fleet("fleet-a", "fleet-b", "fleet-c"), new io.inferscale.api.backend.FleetOptions(2)).orThrow();
        Calls c = measure(() -> assertThat(backend.applyAll(fleet("fleet-a", "fleet-b", "fleet-c"), new io.inferscale.api.backend.FleetOptions(2))
                .orThrow().values()).allSatisfy(r -> assertThat(r.changed()).isFalse()));
        assertThat(c.writes()).isEmpty();
        assertThat(c.waitPolls()).isZero();
        assertThat(c.reads()).isEqualTo(times(BULK, 1, Map.of("ListEndpoints", 1, "DescribeEndpoint", 3)));
        table.put("applyAll again, 3 endpoints (no-op)", c.row());
    }

    @Test
    @DisplayName("planAll: ListEndpoints, the configs and models listed once for the fleet, and for the endpoints that exist a DescribeEndpoint each plus one call per autoscaling kind")
    void planAll() {
        Calls fresh = measure(() -> assertThat(backend.planAll(fleet("fleet-a", "fleet-b", "fleet-c"), new io.inferscale.api.backend.FleetOptions(2))
                .orThrow().values()).allSatisfy(p -> assertThat(p.isEmpty()).isFalse()));
        assertThat(fresh.writes()).isEmpty();
        assertThat(fresh.reads()).isEqualTo(Map.of("ListEndpoints", 1, "ListEndpointConfigs", 1, "ListModels", 1));
        table.put("planAll, 3 fresh endpoints", fresh.row());

        backend.apply(seed().toBuilder().name("fleet-a").build());
        Calls mixed = measure(() -> {
            var plans = backend.planAll(fleet("fleet-a", "fleet-b"), new io.inferscale.api.backend.FleetOptions(2)).orThrow();
            assertThat(plans.get("fleet-a").isEmpty()).isTrue();
            assertThat(plans.get("fleet-b").isEmpty()).isFalse();
        });
        assertThat(mixed.reads()).isEqualTo(times(BULK, 1, Map.of("ListEndpoints", 1, "DescribeEndpoint", 1)));
    }

    @Test
    @DisplayName("the bulk reads page as AWS does (policies 10 a page, lists 100 a page): 25 endpoints read their 25 policies in 3 pages")
    void applyAllPages() {
        String[] names = new String[25];
        for (int i = 0; i < names.length; i++) {
            names[i] = String.format("page-%02d", i);
        }
        backend.applyAll(fleet(names), new io.inferscale.api.backend.FleetOptions(4)).orThrow();
        Calls c = measure(() -> assertThat(backend.applyAll(fleet(names), new io.inferscale.api.backend.FleetOptions(4)).allSucceeded()).isTrue());
        assertThat(c.writes()).isEmpty();
        assertThat(c.reads()).isEqualTo(Map.of("ListEndpoints", 1, "DescribeEndpoint", 25, "DescribeScalableTargets", 1,
                "DescribeScalingPolicies", 3, "ListEndpointConfigs", 1, "ListModels", 1));
    }

    @Test
    @DisplayName("a listing longer than per-endpoint reads (an account with many other scaling policies) stops at the fleet's size and those endpoints read their policies themselves")
    void applyAllPolicyListingBounded() {
        // another team's 15 endpoints with a policy each: 16 policies in the namespace, 2 pages for a fleet of 1
        for (int i = 0; i < 15; i++) {
            backend.apply(seed().toBuilder().name(String.format("other-%02d", i)).build());
        }
        backend.apply(seed().toBuilder().name("fleet-a").build());
        Calls c = measure(() -> assertThat(backend.applyAll(fleet("fleet-a"), new io.inferscale.api.backend.FleetOptions(1))
                .orThrow().get("fleet-a").changed()).isFalse());
        assertThat(c.reads()).isEqualTo(Map.of("ListEndpoints", 1, "DescribeEndpoint", 1, "DescribeScalableTargets", 1,
                "DescribeScalingPolicies", 2, "ListEndpointConfigs", 1, "ListModels", 1));
    }

    @Test
    @DisplayName("applyAll repairs a fleet member changed by hand since the last applyAll (its scaling policy deleted), and leaves the others unwritten")
    void applyAllRepairsDrift() {
        backend.applyAll(fleet("fleet-a", "fleet-b"), new io.inferscale.api.backend.FleetOptions(2)).orThrow();
        String before = fake.state();
        assertThat(fake.removeScalingPolicies("endpoint/fleet-b/variant/AllTraffic")).isEqualTo(1);
        assertThat(fake.state()).isNotEqualTo(before);
        Calls c = measure(() -> {
            var results = backend.applyAll(fleet("fleet-a", "fleet-b"), new io.inferscale.api.backend.FleetOptions(2)).orThrow();
            assertThat(results.get("fleet-a").changed()).isFalse();
            assertThat(results.get("fleet-b").changed()).isTrue();
        });
        assertThat(c.writes()).containsExactly("PutScalingPolicy");
        assertThat(fake.state()).isEqualTo(before);
    }

    @Test
    @DisplayName("no-op re-apply: zero writes and one read per native object (5 reads for 5 objects, policies in one read)")
    void noOp() {
        backend.apply(seed());
        Calls c = measure(() -> assertThat(backend.apply(seed()).changed()).isFalse());
        assertThat(c.writes()).isEmpty();
        assertThat(c.waitPolls()).isZero();
        assertThat(c.reads()).isEqualTo(ROUND);
        assertThat(c.readCount()).as("at most one read per native object: model, config, endpoint, target, 1 policy").isLessThanOrEqualTo(5);
        table.put("no-op re-apply", c.row());
    }

    @Test
    @DisplayName("maxReplicas alone: exactly one RegisterScalableTarget, nothing else written")
    void maxReplicasOnly() {
        backend.apply(seed());
        InferenceEndpoint more = seed().toBuilder().autoscaling(seed().autoscaling().toBuilder().maxReplicas(9).build()).build();
        Calls c = measure(() -> backend.apply(more));
        assertThat(c.writes()).containsExactly("RegisterScalableTarget");
        assertThat(c.waitPolls()).isZero();
        assertThat(c.reads()).as("observation + verification round").isEqualTo(times(ROUND, 2, Map.of()));
        assertThat(backend.status(NAME).maxReplicas()).isEqualTo(9);
        table.put("maxReplicas change", c.row());
    }

    @Test
    @DisplayName("delete: DescribeEndpoint, DeleteEndpoint, the waiter's polls, one list and one delete each for configs and models")
    void delete() {
        backend.apply(seed());
        Calls c = measure(() -> assertThat(backend.delete(NAME)).isTrue());
        assertThat(c.writes()).containsExactly("DeleteEndpoint", "DeleteEndpointConfig", "DeleteModel");
        assertThat(c.waitPolls()).isEqualTo(POLLS);
        assertThat(c.reads()).isEqualTo(Map.of("DescribeEndpoint", 1, "ListEndpointConfigs", 1, "ListModels", 1));
        assertThat(fake.state()).isEqualTo(emptyState());
        table.put("delete", c.row());

        Calls again = measure(() -> assertThat(backend.delete(NAME)).isFalse());
        assertThat(again.writes()).isEmpty();
        assertThat(again.reads()).isEqualTo(Map.of("DescribeEndpoint", 1, "ListEndpointConfigs", 1, "ListModels", 1));
        table.put("delete of a missing endpoint", again.row());
    }

    @Test
    @DisplayName("awaitReady of a ready endpoint: the waiter's one DescribeEndpoint, then the six reads of status (no read before the waiter)")
    void awaitReady() {
        backend.apply(seed());
        Calls c = measure(() -> assertThat(backend.awaitReady(NAME, java.time.Duration.ofSeconds(10)).isReady()).isTrue());
        assertThat(c.writes()).isEmpty();
        assertThat(c.waitPolls()).as("the endpoint was not changing").isZero();
        assertThat(c.reads()).isEqualTo(Map.of("DescribeEndpoint", 2, "DescribeEndpointConfig", 1, "ListTags", 1,
                "DescribeScalableTargets", 1, "DescribeScalingPolicies", 1, "DescribeScalingActivities", 1));
        table.put("awaitReady of a ready endpoint", c.row());
    }

    private static String emptyState() {
        try (FakeAwsServer empty = FakeAwsServer.start()) {
            return empty.state();
        }
    }

    @Test
    @DisplayName("one backend shared by 8 threads applying 40 endpoints builds 2 SDK clients in all, and reuses connections")
    void sharedClients() throws Exception {
        int endpoints = 40;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < endpoints; i++) {
                String name = "shared-" + i;
                futures.add(pool.submit(() -> backend.apply(seed().toBuilder().name(name).build())));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(backend.clientsBuilt()).as("one SageMakerClient and one ApplicationAutoScalingClient").isEqualTo(2);
        assertThat(backend.list()).hasSize(endpoints);
        assertThat(backend.clientsBuilt()).isEqualTo(2);
        int requests = fake.operations().size();
        assertThat(requests).isGreaterThan(endpoints * 10);
        assertThat(fake.connections()).as("keep-alive connections reused across endpoints and calls (%d requests)", requests)
                .isLessThan(requests / 10);
        table.put("40 endpoints, 8 threads, one backend", "SDK clients built: " + backend.clientsBuilt() + "; requests " + requests
                + "; TCP connections " + fake.connections());
    }

    @AfterAll
    void writeTable() throws IOException {
        StringBuilder out = new StringBuilder("| operation | requests |\n|---|---|\n");
        table.forEach((k, v) -> out.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        Path file = Path.of("target", "call-counts-sagemaker.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
    }
}
