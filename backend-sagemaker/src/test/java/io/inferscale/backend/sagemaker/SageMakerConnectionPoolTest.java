package io.inferscale.backend.sagemaker;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.FleetOptions;
import io.inferscale.backend.sagemaker.internal.SageMakerClients;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code sagemaker.maxConnections}: the one HTTP connection pool {@link SageMakerClients} builds for its SDK clients.
 * Connections are counted at {@link FakeAwsServer} (distinct client ports); the fake holds every {@code ListModels}
 * answer {@value #HOLD_MILLIS} ms, so calls started together are all in flight at once and each needs a connection of
 * its own unless the pool makes it wait.
 */
class SageMakerConnectionPoolTest {

    private static final long HOLD_MILLIS = 300;
    private static final int THREADS = 8;
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAFAKEFAKEFAKEFAKE", "fake-secret-for-tests"));

    @Test
    @DisplayName("8 calls at once with sagemaker.maxConnections=2 open at most 2 connections, and all 8 succeed")
    void poolCapsConnections() throws Exception {
        try (FakeAwsServer fake = FakeAwsServer.start(); SageMakerClients clients = clients(fake, Map.of(SageMakerSettings.MAX_CONNECTIONS, "2"))) {
            fake.arm(FakeAwsServer.Armed.slow("ListModels", true, HOLD_MILLIS));
            List<String> answered = atOnce(THREADS, i -> clients.sageMaker().listModels(b -> b.maxResults(10)).toString());
            assertThat(answered).hasSize(THREADS);
            assertThat(fake.armedFired()).as("held ListModels answers").isEqualTo(THREADS);
            assertThat(fake.connections()).as("connections opened").isBetween(1, 2);
        }
    }

    @Test
    @DisplayName("the same 8 calls with a pool of 8 open more than 2 connections (so the cap above is what kept them at 2), never more than 8")
    void poolLargeEnoughOpensOnePerCall() throws Exception {
        try (FakeAwsServer fake = FakeAwsServer.start(); SageMakerClients clients = clients(fake, Map.of(SageMakerSettings.MAX_CONNECTIONS, "8"))) {
            fake.arm(FakeAwsServer.Armed.slow("ListModels", true, HOLD_MILLIS));
            atOnce(THREADS, i -> clients.sageMaker().listModels(b -> b.maxResults(10)).toString());
            // 8 when all 8 overlap, as they do unless a thread starts 300 ms late on a loaded machine
            assertThat(fake.connections()).as("connections opened by 8 calls held at the same time").isBetween(3, THREADS);
            fake.disarm();
            atOnce(THREADS, i -> clients.sageMaker().listModels(b -> b.maxResults(10)).toString());
            assertThat(fake.connections()).as("connections after 8 more calls: at most one per thread").isLessThanOrEqualTo(THREADS);
        }
    }

    @Test
    @DisplayName("SageMaker and Application Auto Scaling calls share the one pool: 4 + 4 calls at once with a pool of 2 open at most 2")
    void servicesShareThePool() throws Exception {
        try (FakeAwsServer fake = FakeAwsServer.start(); SageMakerClients clients = clients(fake, Map.of(SageMakerSettings.MAX_CONNECTIONS, "2"))) {
            fake.arm(FakeAwsServer.Armed.slow("ListModels", true, HOLD_MILLIS));
            List<String> answered = atOnce(THREADS, i -> i % 2 == 0
                    ? clients.sageMaker().listModels(b -> b.maxResults(10)).toString()
                    : clients.autoScaling().describeScalableTargets(b -> b.serviceNamespace("sagemaker")).toString());
            assertThat(answered).hasSize(THREADS);
            assertThat(fake.connections()).as("connections opened by both services' clients").isBetween(1, 2);
            assertThat(clients.clientsBuilt()).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("8 threads applying 24 endpoints through one backend open at most 8 connections: one per thread, for both services")
    void applyFromEightThreadsOpensAtMostEight() throws Exception {
        try (FakeAwsServer fake = FakeAwsServer.start(); SageMakerBackend backend = SageMakerTestSupport.backend(fake)) {
            fake.transitionDelay(Duration.ZERO);
            List<String> applied = atOnce(THREADS, t -> {
                for (int i = t; i < 24; i += THREADS) {
                    backend.apply(SageMakerTestSupport.seed().toBuilder().name("pooled-" + i).build());
                }
                return "thread " + t;
            });
            assertThat(applied).hasSize(THREADS);
            int requests = fake.operations().size();
            assertThat(requests).as("requests of 24 applies").isGreaterThan(24 * 10);
            assertThat(fake.connections()).as("connections for %d requests from %d threads", requests, THREADS).isBetween(1, THREADS);
        }
    }

    @Test
    @DisplayName("a request goes out whole (no 'Expect: 100-continue' wait): when its attempt times out before any answer, the server still got its body")
    void timedOutAttemptStillDeliversItsBody() throws Exception {
        warmUp();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> readOneRequestNeverAnswer(server));
            Map<String, String> config = Map.of("sagemaker.region", "us-east-1", "sagemaker.endpointOverride", "http://127.0.0.1:" + server.getLocalPort(),
                    "sagemaker.maxAttempts", "1", "sagemaker.attemptTimeout", "1s");
            try (SageMakerClients clients = new SageMakerClients(SageMakerSettings.of(BackendConfig.of(config)), CREDENTIALS, List.of(), null)) {
                assertThatThrownBy(() -> clients.sageMaker().listModels(b -> b.nameContains("held")))
                        .isInstanceOf(ApiCallAttemptTimeoutException.class);
            }
            assertThat(received.get(10, TimeUnit.SECONDS)).as("what the server read of the timed-out request")
                    .doesNotContainIgnoringCase("expect:").endsWith("{\"NameContains\":\"held\"}");
        }
    }

    @Test
    @DisplayName("with a pool of 1, a timed-out attempt's connection is closed, not reused: the next call gets its own answer, not the held one, at once")
    void timedOutAttemptDoesNotPoisonOrLeakThePool() throws Exception {
        warmUp();
        try (FakeAwsServer fake = FakeAwsServer.start(); SageMakerClients clients = clients(fake, Map.of(SageMakerSettings.MAX_CONNECTIONS, "1",
                "sagemaker.maxAttempts", "1", "sagemaker.attemptTimeout", "300ms"))) {
            fake.arm(FakeAwsServer.Armed.slow("ListModels", true, 3000));
            for (int i = 0; i < 4; i++) {
                assertThatThrownBy(() -> clients.sageMaker().listModels(b -> b.maxResults(10))).isInstanceOf(ApiCallAttemptTimeoutException.class);
            }
            fake.disarm();
            long started = System.nanoTime();
            assertThat(clients.sageMaker().listEndpoints(b -> b.maxResults(10)).endpoints()).as("ListEndpoints answered by its own answer").isEmpty();
            assertThat(clients.autoScaling().describeScalableTargets(b -> b.serviceNamespace("sagemaker")).scalableTargets()).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no wait for a lease the timed-out attempts kept (the acquisition timeout is 10 s)")
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(fake.operations()).containsExactly("ListModels", "ListModels", "ListModels", "ListModels", "ListEndpoints", "DescribeScalableTargets");
            assertThat(fake.connections()).as("one connection per aborted attempt, then one for both later calls").isEqualTo(5);
        }
    }

    /**
     * A server that reads one request and never answers, not even {@code 100 Continue}, as a busy server that has not
     * yet read the headers: the request's headers and as much of its body as arrives within 5 s.
     */
    private static String readOneRequestNeverAnswer(ServerSocket server) {
        try (Socket socket = server.accept()) {
            socket.setSoTimeout(5000);
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            try {
                for (int b = in.read(); b >= 0; b = in.read()) {
                    read.write(b);
                }
            } catch (SocketTimeoutException | SocketException stopped) {
                // 5 s without a byte, or the client closed the connection (its attempt timed out)
            }
            return read.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @DisplayName("the default pool is FleetOptions.MAX_CONCURRENCY (256) connections, so applyAll at any concurrency never waits for one")
    void defaultPool() {
        SageMakerSettings settings = SageMakerSettings.of(BackendConfig.of(Map.of()));
        assertThat(settings.maxConnections()).isEqualTo(SageMakerSettings.DEFAULT_MAX_CONNECTIONS)
                .isEqualTo(FleetOptions.MAX_CONCURRENCY);
        assertThat(SageMakerSettings.of(BackendConfig.of(Map.of(SageMakerSettings.MAX_CONNECTIONS, "16"))).toString())
                .contains("sagemaker.maxConnections=16");
    }

    @Test
    @DisplayName("a value that is not a whole number of at least 1 is refused, naming sagemaker.maxConnections and what it takes")
    void badValuesRefusedByKey() {
        for (String bad : List.of("0", "-4", " -1 ")) {
            assertThatThrownBy(() -> SageMakerSettings.of(BackendConfig.of(Map.of(SageMakerSettings.MAX_CONNECTIONS, bad))))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("'sagemaker.maxConnections' must be at least 1")
                    .hasMessageContaining("default 256");
        }
        for (String bad : List.of("many", "8.5", "1e3")) {
            assertThatThrownBy(() -> SageMakerSettings.of(BackendConfig.of(Map.of(SageMakerSettings.MAX_CONNECTIONS, bad))))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("'sagemaker.maxConnections' must be a whole number");
        }
    }

    /**
     * One call through clients of the same kind, so that the SDK's classes are loaded before a test whose attempt timeout
     * must expire waiting for the server (a cold JVM can spend longer than that before the request is even sent).
     */
    private static void warmUp() {
        try (FakeAwsServer fake = FakeAwsServer.start(); SageMakerClients clients = clients(fake, Map.of())) {
            clients.sageMaker().listModels(b -> b.maxResults(10));
            clients.autoScaling().describeScalableTargets(b -> b.serviceNamespace("sagemaker"));
        }
    }

    private static SageMakerClients clients(FakeAwsServer fake, Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(Map.of("sagemaker.region", "us-east-1", "sagemaker.endpointOverride", fake.uri().toString()));
        config.putAll(extra);
        return new SageMakerClients(SageMakerSettings.of(BackendConfig.of(config)), CREDENTIALS, List.of(), null);
    }

    private interface Call {
        String run(int i) throws Exception;
    }

    /** Runs {@code n} calls on {@code n} threads released together; their answers, or the first failure. */
    private static List<String> atOnce(int n, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CyclicBarrier start = new CyclicBarrier(n);
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return call.run(index);
                }));
            }
            List<String> answers = new ArrayList<>();
            for (Future<String> f : futures) {
                answers.add(f.get(30, TimeUnit.SECONDS));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }
}
