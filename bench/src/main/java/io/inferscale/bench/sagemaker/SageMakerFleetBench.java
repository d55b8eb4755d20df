package io.inferscale.bench.sagemaker;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.backend.sagemaker.FakeAwsServer;
import io.inferscale.backend.sagemaker.SageMakerBackend;
import io.inferscale.backend.sagemaker.SageMakerDesiredState;
import io.inferscale.backend.sagemaker.SageMakerTranslator;
import io.inferscale.bench.CountingProxy;
import io.inferscale.bench.FleetApplyPhases;
import io.inferscale.bench.Phase;
import io.inferscale.bench.Seed;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemaker.waiters.SageMakerWaiter;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Fleet-scale apply on SageMaker (issue 9): {@code n} distinct endpoints applied through ONE {@link SageMakerBackend}
 * (one SageMaker and one Application Auto Scaling client, one HTTP client each) shared by all worker threads, to the
 * backend's test stand-in {@link FakeAwsServer}, then applied again unchanged. Baseline in the same JVM against the
 * same kind of fake: the same native requests with plain SDK calls on one shared pair of clients built the same way
 * (UrlConnectionHttpClient, static credentials): CreateModel, CreateEndpointConfig, CreateEndpoint, the SDK waiter
 * until InService, RegisterScalableTarget, PutScalingPolicy per target. The fake's Creating-to-InService delay is set to
 * 0 and both wait with the same 25 ms poll interval, so the figures measure the calls, not a simulated wait. Requests
 * are counted at the fake; connections at a {@link CountingProxy} between clients and fake.
 *
 * <pre>java -Xms512m -Xmx512m -cp bench/target/benchmarks.jar io.inferscale.bench.sagemaker.SageMakerFleetBench [n=200] [threads=8] [rounds=2] [groups=baseline,apply,applyAll]</pre>
 */
public final class SageMakerFleetBench {

    static final String ROLE = "arn:aws:iam::123456789012:role/SageMakerExecutionRole";
    static final String IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-ml-model:v1";
    static final Duration POLL = Duration.ofMillis(25);
    static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIAFAKEFAKEFAKEFAKE", "fake-secret-for-benchmarks"));

    private SageMakerFleetBench() {
    }

    /** Runs the benchmark and prints a Markdown table. */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        List<InferenceEndpoint> fleet = Seed.fleet(n, e -> e.toBuilder().model(e.model().toBuilder().image(IMAGE).build()).build());
        List<InferenceEndpoint> warm = fleet.subList(0, Math.min(n, 50));
        sequences(fleet.get(0));
        FleetApplyPhases.Pair baseline = (f, t, applyAll) -> baseline(f, t);
        Phase.rounds(warm.size() + " endpoints", rounds, FleetApplyPhases.groups(args, warm, threads, baseline, SageMakerFleetBench::inferscale),
                FleetApplyPhases.groups(args, fleet, threads, baseline, SageMakerFleetBench::inferscale));
    }

    /** Prints the operations one apply and one unchanged re-apply of {@code e} send, as the fake receives them. */
    static void sequences(InferenceEndpoint e) throws Exception {
        try (FakeAwsServer fake = FakeAwsServer.start()) {
            fake.transitionDelay(Duration.ZERO);
            BackendConfig config = BackendConfig.of(Map.of("sagemaker.region", "us-east-1", "sagemaker.endpointOverride", fake.uri().toString(),
                    "sagemaker.executionRoleArn", ROLE, "sagemaker.pollInterval", POLL.toMillis() + "ms", "sagemaker.timeout", "60s"));
            try (SageMakerBackend backend = SageMakerBackend.create(config, CREDENTIALS)) {
                for (String phase : List.of("apply", "re-apply")) {
                    fake.clearOperations();
                    backend.apply(e);
                    System.out.println("InferScale " + phase + " of one endpoint, " + fake.operations().size() + " requests: " + fake.operations());
                }
            }
        }
    }

    static List<Phase.Result> baseline(List<InferenceEndpoint> fleet, int threads) throws Exception {
        SageMakerTranslator translator = new SageMakerTranslator();
        List<SageMakerDesiredState> calls = fleet.stream().map(e -> translator.translate(e, ROLE).desired()).toList();
        try (FakeAwsServer fake = FakeAwsServer.start(); CountingProxy proxy = new CountingProxy(fake.uri().getPort())) {
            fake.transitionDelay(Duration.ZERO);
            URI uri = URI.create("http://127.0.0.1:" + proxy.port());
            try (SageMakerClient sm = SageMakerClient.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                    .httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(uri).build();
                 ApplicationAutoScalingClient aas = ApplicationAutoScalingClient.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                         .httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(uri).build();
                 SageMakerWaiter waiter = SageMakerWaiter.builder().client(sm).overrideConfiguration(w -> w.maxAttempts(2000)
                         .backoffStrategyV2(software.amazon.awssdk.retries.api.BackoffStrategy.fixedDelayWithoutJitter(POLL))).build()) {
                Phase.Result r = Phase.run("baseline: plain SDK calls", fleet.size(), threads, i -> {
                    SageMakerDesiredState t = calls.get(i);
                    sm.createModel(t.createModel());
                    sm.createEndpointConfig(t.createEndpointConfig());
                    sm.createEndpoint(t.createEndpoint());
                    var ready = waiter.waitUntilEndpointInService(b -> b.endpointName(t.endpointName())).matched().response();
                    if (ready.isEmpty() || ready.get().endpointStatus() != EndpointStatus.IN_SERVICE) {
                        throw new AssertionError(t.endpointName() + " not InService");
                    }
                    aas.registerScalableTarget(t.registerScalableTarget());
                    for (PutScalingPolicyRequest p : t.scalingPolicies()) {
                        aas.putScalingPolicy(p);
                    }
                }, () -> fake.operations().size(), fake::writeCount, proxy::connections);
                return List.of(r);
            }
        }
    }

    static List<Phase.Result> inferscale(List<InferenceEndpoint> fleet, int threads) throws Exception {
        return inferscale(fleet, threads, false);
    }

    /** As {@link #inferscale(List, int)}; with {@code applyAll}, one {@code Backend.applyAll} of the fleet and again ({@link FleetApplyPhases}). */
    static List<Phase.Result> inferscale(List<InferenceEndpoint> fleet, int threads, boolean applyAll) throws Exception {
        try (FakeAwsServer fake = FakeAwsServer.start(); CountingProxy proxy = new CountingProxy(fake.uri().getPort())) {
            fake.transitionDelay(Duration.ZERO);
            BackendConfig config = BackendConfig.of(Map.of("sagemaker.region", "us-east-1",
                    "sagemaker.endpointOverride", "http://127.0.0.1:" + proxy.port(), "sagemaker.executionRoleArn", ROLE,
                    "sagemaker.pollInterval", POLL.toMillis() + "ms", "sagemaker.timeout", "60s"));
            try (SageMakerBackend backend = SageMakerBackend.create(config, CREDENTIALS)) {
                if (applyAll) {
                    return FleetApplyPhases.applyAllTwice(backend, fleet, threads, () -> fake.operations().size(), fake::writeCount, proxy::connections);
                }
                Phase.Result first = Phase.run("InferScale apply (one backend)", fleet.size(), threads, i -> backend.apply(fleet.get(i)),
                        () -> fake.operations().size(), fake::writeCount, proxy::connections);
                Phase.Result again = Phase.run("InferScale re-apply (no-op)", fleet.size(), threads, i -> {
                    ApplyResult r = backend.apply(fleet.get(i));
                    if (!r.plan().changes().isEmpty()) {
                        throw new AssertionError("re-apply of " + fleet.get(i).name() + " planned " + r.plan().changes());
                    }
                }, () -> fake.operations().size(), fake::writeCount, proxy::connections);
                return List.of(first, again);
            }
        }
    }
}
