package io.inferscale.examples;

// README:start
import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.backend.EndpointStatus;

import java.time.Duration;

public final class DeployModel {
    /** Deploys my-ml-model:v1 with 1..5 replicas at 60% CPU on the backend named by the argument. */
    public static void main(String[] args) {
        InferenceEndpoint endpoint = InferenceEndpoint.builder("my-model-endpoint")
                .model(ModelSpec.builder("my-ml-model").version("v1").build())
                .resources(Resources.of(ResourceList.of("500m", "1Gi"), ResourceList.of("1", "2Gi")))
                .autoscaling(AutoscalingPolicy.builder().minReplicas(1).maxReplicas(5)
                        .target(TargetType.CPU_UTILIZATION, 60).build())
                .build();
        try (Backend backend = Backends.discover().create(args[0], BackendConfig.fromEnvironment())) {
            backend.requireValid(endpoint);                 // every problem at once, before any call
            System.out.print(backend.plan(endpoint).describe());
            backend.apply(endpoint);                        // idempotent create-or-update
            EndpointStatus status = backend.awaitReady(endpoint.name(), Duration.ofMinutes(15));
            System.out.println(status.name() + ": " + status.replicasDisplay() + " replicas ready");
        }
    }
}
// README:end
