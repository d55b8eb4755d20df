package io.inferscale.backend.vertex.internal;

import com.google.cloud.aiplatform.v1.AutoscalingMetricSpec;
import com.google.cloud.aiplatform.v1.DedicatedResources;
import com.google.cloud.aiplatform.v1.DeployedModel;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.longrunning.Operation;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.MetricStatus;
import io.inferscale.backend.vertex.VertexScaleToZero;
import io.inferscale.backend.vertex.VertexTranslator;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Status mapping: a Vertex endpoint and the operations on it to an {@link EndpointStatus}. The deployed model with the
 * most traffic is the one reported. READY: it has traffic and at least max(1, minReplicas) available replicas (or, scaling
 * to zero, none while idle), and no
 * operation runs; UPDATING / CREATING while one runs (serving or not); FAILED when nothing is deployed and the last
 * operation failed; DEGRADED otherwise. Pure.
 */
public final class VertexStatusMapper {

    /** Operations on one endpoint: those still running and the last that failed (null when none). */
    public record Operations(List<Operation> running, Operation lastFailed) {
        /** No operations. */
        public static final Operations NONE = new Operations(List.of(), null);
    }

    private VertexStatusMapper() {
    }

    /** The status of the endpoint InferScale calls {@code name}. */
    public static EndpointStatus status(String name, Endpoint e, Operations ops) {
        Map<String, Integer> traffic = e.getTrafficSplitMap();
        List<DeployedModel> deployed = e.getDeployedModelsList();
        Optional<DeployedModel> main = deployed.stream().max(Comparator.comparing(dm -> traffic.getOrDefault(dm.getId(), 0)));
        List<Operation> running = ops.running();
        Operation lastFailed = ops.lastFailed();
        EndpointStatus.Builder b = EndpointStatus.builder(name, VertexSettings.ID).detail("endpoint", e.getName());
        if (e.hasCreateTime()) {
            b.createdAt(Instant.ofEpochSecond(e.getCreateTime().getSeconds(), e.getCreateTime().getNanos()));
        }
        b.detail("trafficSplit", new TreeMap<>(traffic).toString());
        b.detail("deployedModels", deployed.stream().map(dm -> dm.getId() + "=" + dm.getDisplayName()).collect(Collectors.joining(",")));
        if (!running.isEmpty()) {
            b.detail("operation", running.stream().map(Operation::getName).collect(Collectors.joining(",")));
        }
        if (main.isEmpty()) {
            if (!running.isEmpty()) {
                return b.state(EndpointState.CREATING).message("operation in progress: " + running.get(0).getName()).build();
            }
            if (lastFailed != null) {
                return b.state(EndpointState.FAILED).message(lastFailed.getError().getMessage()).build();
            }
            return b.state(EndpointState.DEGRADED).message("no model is deployed").build();
        }
        DeployedModel dm = main.get();
        DedicatedResources r = dm.getDedicatedResources();
        int available = dm.getStatus().getAvailableReplicaCount();
        int min = r.getMinReplicaCount();
        b.model(dm.getDisplayName()).replicaRange(min, VertexPlanner.effectiveMax(r)).replicas(available, Math.max(available, min))
                .detail("deployedModelId", dm.getId()).detail("model", dm.getModel())
                .detail("machineType", VertexPlanner.machine(r.getMachineSpec()));
        for (AutoscalingMetricSpec m : r.getAutoscalingMetricSpecsList()) {
            String shortName = m.getMetricName().replace("aiplatform.googleapis.com/prediction/online/", "");
            // CPU: Vertex's target is a share of the machine's vCPUs, not of a CPU request as in an HPA (VertexTranslator.cpuTarget)
            b.metric(new MetricStatus(shortName, null, m.getMetricName().equals(VertexTranslator.REQUEST_COUNT_METRIC) ? m.getTarget() + "/min"
                    : m.getMetricName().equals(VertexTranslator.CPU_METRIC) ? m.getTarget() + "% of the machine" : m.getTarget() + "%"));
        }
        if (!dm.getStatus().getMessage().isEmpty()) {
            b.message(dm.getStatus().getMessage());
        }
        Optional<VertexScaleToZero> zero = VertexScaleToZero.of(r);
        zero.ifPresent(z -> b.detail("scaleToZero", z.describe()));
        if (e.getDedicatedEndpointEnabled() && !e.getDedicatedEndpointDns().isEmpty()) {
            b.detail("dedicatedEndpointDns", e.getDedicatedEndpointDns());
        }
        // a scale-to-zero deployment at zero replicas is where it should be when idle: Vertex starts replicas on traffic
        boolean idleAtZero = min == 0 && available == 0;
        if (idleAtZero && dm.getStatus().getMessage().isEmpty()) {
            b.message("scaled to zero: Vertex answers 429 and drops requests until replicas are up again");
        }
        boolean serving = traffic.getOrDefault(dm.getId(), 0) > 0 && (available >= Math.max(1, min) || idleAtZero);
        if (!running.isEmpty()) {
            b.state(serving ? EndpointState.UPDATING : EndpointState.CREATING);
        } else {
            b.state(serving ? EndpointState.READY : EndpointState.DEGRADED);
        }
        return b.build();
    }
}
