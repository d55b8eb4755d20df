package io.inferscale.testkit.faults;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ScalingTarget;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.Backend;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/** The harness over a toy backend that keeps every promise: all cases pass and the table matches its golden. */
class ToyFaultInjectionTest extends FaultInjectionHarness {

    ToyCloud cloud;

    ToyCloud.Flaw flaw() {
        return ToyCloud.Flaw.NONE;
    }

    @Override
    protected String backendId() {
        return "toy";
    }

    @Override
    protected void startFake() {
        cloud = new ToyCloud();
        cloud.armMisses = flaw() == ToyCloud.Flaw.ARM_MISSES;
    }

    @Override
    protected long faultsInjected() {
        return cloud.injected;
    }

    @Override
    protected void stopFake() {
        cloud = null;
    }

    @Override
    protected Backend newBackend() {
        return cloud.backend(flaw());
    }

    @Override
    protected List<String> calls() {
        return cloud.calls;
    }

    @Override
    protected void arm(String call, Fault fault, FaultMode mode) {
        cloud.arm(call, fault, mode);
    }

    @Override
    protected void disarm() {
        cloud.disarm();
    }

    @Override
    protected String injectedAs(Fault fault) {
        return "toy " + fault.name();
    }

    @Override
    protected String state() {
        return cloud.objects.toString();
    }

    @Override
    protected InferenceEndpoint endpoint() {
        return endpoint(5);
    }

    @Override
    protected InferenceEndpoint updatedEndpoint() {
        return endpoint(7);
    }

    private static InferenceEndpoint endpoint(int max) {
        return InferenceEndpoint.builder("toy-endpoint")
                .model(ModelSpec.builder("toy-model").version("1").build())
                .autoscaling(AutoscalingPolicy.builder().minReplicas(1).maxReplicas(max)
                        .target(new ScalingTarget(TargetType.CPU_UTILIZATION, BigDecimal.valueOf(60))).build())
                .build();
    }

    @Override
    protected Path docsFile() {
        return Paths.get("src", "test", "resources", "toy-fault-outcomes.md");
    }
}
