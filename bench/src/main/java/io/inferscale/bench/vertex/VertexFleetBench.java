package io.inferscale.bench.vertex;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.longrunning.OperationTimedPollAlgorithm;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.aiplatform.v1.EndpointServiceClient;
import com.google.cloud.aiplatform.v1.EndpointServiceSettings;
import com.google.cloud.aiplatform.v1.ModelServiceClient;
import com.google.cloud.aiplatform.v1.ModelServiceSettings;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.FleetOptions;
import io.inferscale.api.backend.Plan;
import io.inferscale.backend.vertex.VertexBackend;
import io.inferscale.backend.vertex.VertexBackendProvider;
import io.inferscale.backend.vertex.VertexDesiredState;
import io.inferscale.backend.vertex.VertexTranslator;
import io.inferscale.backend.vertex.fake.FakeVertexServer;
import io.inferscale.bench.CountingProxy;
import io.inferscale.bench.FleetApplyPhases;
import io.inferscale.bench.Phase;
import io.inferscale.bench.Seed;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Fleet-scale apply on Vertex AI (issue 9; issue 19: {@code applyAll}, its no-op repeat and {@code planAll} of the applied
 * fleet): {@code n} distinct endpoints applied through ONE {@link VertexBackend}
 * (one EndpointService and one ModelService client) shared by all worker threads, to the backend's test stand-in
 * {@link FakeVertexServer} on loopback gRPC (plaintext), then applied again unchanged. Baseline in the same JVM: the
 * same native requests with plain GAX calls on one shared pair of clients with the same channel and polling settings
 * (plaintext, first poll after 10 ms, x1.5): UploadModel, CreateEndpoint, DeployModel, each awaited. The fake's
 * operation delays are 0, so the figures measure calls and polling, not a simulated wait. Requests are counted at the
 * fake; connections at a {@link CountingProxy} between clients and fake.
 *
 * <pre>java -Xms512m -Xmx512m -cp bench/target/benchmarks.jar io.inferscale.bench.vertex.VertexFleetBench [n=200] [threads=8] [rounds=2] [groups=baseline,apply,applyAll]</pre>
 */
public final class VertexFleetBench {

    static final String IMAGE = "us-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-3:latest";
    static final Duration POLL = Duration.ofMillis(10);

    private VertexFleetBench() {
    }

    /** Runs the benchmark and prints a Markdown table. */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        List<InferenceEndpoint> fleet = Seed.fleet(n, e -> e.toBuilder().model(e.model().toBuilder().image(IMAGE)
                .artifactUri("gs://my-bucket/" + e.name() + "/v1/").build()).build());
        List<InferenceEndpoint> warm = fleet.subList(0, Math.min(n, 50));
        sequences(fleet.get(0));
        FleetApplyPhases.Pair baseline = (f, t, applyAll) -> baseline(f, t);
        Phase.rounds(warm.size() + " endpoints", rounds, FleetApplyPhases.groups(args, warm, threads, baseline, VertexFleetBench::inferscale),
                FleetApplyPhases.groups(args, fleet, threads, baseline, VertexFleetBench::inferscale));
    }

    private static FakeVertexServer fake() {
        return new FakeVertexServer(true).deployDelay(Duration.ZERO).operationDelay(Duration.ZERO);
    }

    private static int port(FakeVertexServer fake) {
        String a = fake.loopbackAddress();
        return Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
    }

    /** Prints the methods one apply and one unchanged re-apply of {@code e} call, as the fake receives them. */
    static void sequences(InferenceEndpoint e) throws Exception {
        try (FakeVertexServer fake = fake()) {
            BackendConfig config = BackendConfig.of(Map.of("vertex.project", "test-project", "vertex.location", "us-central1",
                    "vertex.endpointOverride", fake.loopbackAddress(), "vertex.plaintext", "true",
                    "vertex.pollInterval", POLL.toMillis() + "ms", "vertex.operationTimeout", "60s"));
            try (Backend backend = new VertexBackendProvider().create(config)) {
                for (String phase : List.of("apply", "re-apply")) {
                    int from = fake.calls().size();
                    backend.apply(e);
                    List<String> calls = fake.calls().subList(from, fake.calls().size());
                    System.out.println("InferScale " + phase + " of one endpoint, " + calls.size() + " requests: " + calls);
                }
            }
        }
    }

    static List<Phase.Result> baseline(List<InferenceEndpoint> fleet, int threads) throws Exception {
        VertexTranslator translator = new VertexTranslator("test-project", "us-central1");
        List<VertexDesiredState> states = fleet.stream().map(translator::translate).toList();
        try (FakeVertexServer fake = fake(); CountingProxy proxy = new CountingProxy(port(fake))) {
            String target = "127.0.0.1:" + proxy.port();
            InstantiatingGrpcChannelProvider channel = InstantiatingGrpcChannelProvider.newBuilder().setEndpoint(target)
                    .setChannelConfigurator(b -> b.usePlaintext()).build();
            OperationTimedPollAlgorithm polling = OperationTimedPollAlgorithm.create(RetrySettings.newBuilder()
                    .setInitialRetryDelayDuration(POLL).setRetryDelayMultiplier(1.5).setMaxRetryDelayDuration(Duration.ofMinutes(1))
                    .setInitialRpcTimeoutDuration(Duration.ZERO).setRpcTimeoutMultiplier(1.0).setMaxRpcTimeoutDuration(Duration.ZERO)
                    .setTotalTimeoutDuration(Duration.ofMinutes(1)).build());
            EndpointServiceSettings.Builder eb = EndpointServiceSettings.newBuilder().setEndpoint(target)
                    .setTransportChannelProvider(channel).setCredentialsProvider(NoCredentialsProvider.create());
            ModelServiceSettings.Builder mb = ModelServiceSettings.newBuilder().setEndpoint(target)
                    .setTransportChannelProvider(channel).setCredentialsProvider(NoCredentialsProvider.create());
            eb.createEndpointOperationSettings().setPollingAlgorithm(polling);
            eb.deployModelOperationSettings().setPollingAlgorithm(polling);
            mb.uploadModelOperationSettings().setPollingAlgorithm(polling);
            try (EndpointServiceClient endpoints = EndpointServiceClient.create(eb.build());
                 ModelServiceClient models = ModelServiceClient.create(mb.build())) {
                Phase.Result r = Phase.run("baseline: plain GAX calls", fleet.size(), threads, i -> {
                    VertexDesiredState s = states.get(i);
                    try {
                        if (s.uploadModelRequest().isPresent()) {
                            models.uploadModelAsync(s.uploadModelRequest().get()).get();
                        }
                        endpoints.createEndpointAsync(s.createEndpointRequest()).get();
                        endpoints.deployModelAsync(s.deployModelRequest()).get();
                    } catch (InterruptedException | ExecutionException e) {
                        throw new IllegalStateException(e);
                    }
                }, () -> fake.calls().size(), fake::writeCount, proxy::connections);
                return List.of(r);
            }
        }
    }

    static List<Phase.Result> inferscale(List<InferenceEndpoint> fleet, int threads) throws Exception {
        return inferscale(fleet, threads, false);
    }

    /** As {@link #inferscale(List, int)}; with {@code applyAll}, one {@code Backend.applyAll} of the fleet and again ({@link FleetApplyPhases}). */
    static List<Phase.Result> inferscale(List<InferenceEndpoint> fleet, int threads, boolean applyAll) throws Exception {
        try (FakeVertexServer fake = fake(); CountingProxy proxy = new CountingProxy(port(fake))) {
            BackendConfig config = BackendConfig.of(Map.of("vertex.project", "test-project", "vertex.location", "us-central1",
                    "vertex.endpointOverride", "127.0.0.1:" + proxy.port(), "vertex.plaintext", "true",
                    "vertex.pollInterval", POLL.toMillis() + "ms", "vertex.operationTimeout", "60s"));
            try (Backend backend = new VertexBackendProvider().create(config)) {
                if (applyAll) {
                    List<Phase.Result> out = new java.util.ArrayList<>(FleetApplyPhases.applyAllTwice(backend, fleet, threads,
                            () -> fake.calls().size(), fake::writeCount, proxy::connections));
                    FleetOptions options = new FleetOptions(threads);
                    out.add(Phase.run("InferScale planAll (unchanged)", 1, 1, i -> {
                        if (!backend.planAll(fleet, options).orThrow().values().stream().allMatch(Plan::isEmpty)) {
                            throw new AssertionError("planAll of the applied fleet planned changes");
                        }
                    }, () -> fake.calls().size(), fake::writeCount, proxy::connections));
                    out.add(Phase.run("InferScale plan per endpoint (planAll before its lists)", fleet.size(), threads,
                            i -> backend.plan(fleet.get(i)), () -> fake.calls().size(), fake::writeCount, proxy::connections));
                    return out;
                }
                Phase.Result first = Phase.run("InferScale apply (one backend)", fleet.size(), threads, i -> backend.apply(fleet.get(i)),
                        () -> fake.calls().size(), fake::writeCount, proxy::connections);
                Phase.Result again = Phase.run("InferScale re-apply (no-op)", fleet.size(), threads, i -> {
                    ApplyResult r = backend.apply(fleet.get(i));
                    if (!r.plan().changes().isEmpty()) {
                        throw new AssertionError("re-apply of " + fleet.get(i).name() + " planned " + r.plan().changes());
                    }
                }, () -> fake.calls().size(), fake::writeCount, proxy::connections);
                return List.of(first, again);
            }
        }
    }
}
