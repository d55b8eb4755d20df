package io.inferscale.simulator;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.TargetType;

public final class SimulationFixtures {
    private SimulationFixtures() {
    }

    public static InferenceEndpoint endpoint(String requestCpu, String limitCpu) {
        return InferenceEndpoint.builder("sim-test")
                .model(ModelSpec.builder("m").version("v1").build())
                .resources(Resources.of(ResourceList.of(requestCpu, "1Gi"), ResourceList.of(limitCpu, "2Gi")))
                .autoscaling(AutoscalingPolicy.builder().minReplicas(1).maxReplicas(10).target(TargetType.CPU_UTILIZATION, 60).build())
                .build();
    }
}
