package io.inferscale.backend.vertex.simulation;

import com.google.cloud.aiplatform.v1.AutoscalingMetricSpec;
import com.google.cloud.aiplatform.v1.DedicatedResources;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.Quantity;
import io.inferscale.api.ScalingTarget;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.Observation;
import io.inferscale.backend.vertex.VertexTranslator;
import io.inferscale.backend.vertex.internal.MachineCatalogue;
import io.inferscale.backend.vertex.internal.MachineCatalogue.Machine;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Vertex AI online prediction autoscaling of a DeployedModel's replicas, on exactly the metrics the vertex backend
 * renders ({@link VertexTranslator#dedicatedResources}: {@code DedicatedResources.autoscaling_metric_specs}, which
 * always list CPU utilization and, with accelerators, duty cycle, so nothing is implicit):
 * <ol>
 *   <li>every {@code evaluationPeriod} (15 s), each rendered metric recommends {@code ceil(current replicas × usage /
 *       target)}, where the current replicas are the serving (ready) ones and usage is their average in the
 *       metric's own unit:
 *       <ul>
 *         <li>CPU utilization: % of the <em>machine's</em> vCPUs. The observation's CPU is % of
 *             {@code requests.cpu}, so usage = {@code cpuPercent × requests.cpu / machine vCPUs} (the machine the
 *             translator picks; without {@code requests.cpu}, or on a machine outside the catalogue, the request is
 *             taken as the whole machine, an assumption the result lists);</li>
 *         <li>accelerator duty cycle: %;</li>
 *         <li>request count: requests per minute per replica, the rendered unit: {@code 60 × offered rps / ready
 *             replicas} (a request metric counts what arrives);</li>
 *       </ul></li>
 *   <li>the recommendation is the highest over metrics: "scale up when either metrics exceeds its target value while
 *       scale down if both metrics are under their target value" ({@code machine_resources.proto});</li>
 *   <li>the replica count is the highest recommendation of the previous {@code stabilizationWindow} (5 minutes), so
 *       it scales up at the first evaluation after a rise and down only once five minutes of lower recommendations
 *       have passed;</li>
 *   <li>clamped to {@code minReplicaCount}/{@code maxReplicaCount}.</li>
 * </ol>
 * With no serving replica a metric has no value and recommends the current count. The {@code behavior} section is not
 * used: Vertex has no such knobs (the backend reports that). Constants: {@link VertexAutoscalingSettings}; every fact
 * the run depends on, with its source: {@link #assumptions()}.
 */
public final class VertexAutoscalerModel implements AutoscalerModel {

    /** Vertex v1's floor: "This value must be greater than or equal to 1" ({@code DedicatedResources.min_replica_count}). */
    private static final String MIN_REPLICA_SOURCE = "machine_resources.proto, DedicatedResources.min_replica_count: "
            + "\"This value must be greater than or equal to 1\"";

    private final int minReplicas;
    private final int maxReplicas;
    private final TargetType[] types;
    /** Per metric: observation value (neutral unit) → Vertex usage / target. */
    private final double[] factors;
    private final double tolerance;
    private final long periodMillis;
    private final long windowMillis;
    private final long[] recTime;
    private final int[] recValue;
    private final List<Assumption> assumptions;
    private int head;
    private int size;
    private long next;

    /**
     * A model of the endpoint as the vertex backend would deploy it.
     *
     * @throws ConfigurationException when the endpoint has a target Vertex cannot scale on (memory, concurrency, a
     *                                request rate above Vertex's largest target): the vertex backend rejects it
     */
    public VertexAutoscalerModel(InferenceEndpoint endpoint, VertexAutoscalingSettings settings) {
        this(endpoint, settings, ModelSettings.empty());
    }

    VertexAutoscalerModel(InferenceEndpoint endpoint, VertexAutoscalingSettings settings, ModelSettings given) {
        DedicatedResources resources = new VertexTranslator(VertexTranslator.PLACEHOLDER_PROJECT, "us-central1").dedicatedResources(endpoint);
        List<AutoscalingMetricSpec> specs = resources.getAutoscalingMetricSpecsList();
        for (ScalingTarget t : endpoint.autoscaling().targets()) {
            if (specs.stream().noneMatch(s -> s.getMetricName().equals(metricOf(t.type())))) {
                throw new ConfigurationException("endpoint '" + endpoint.name() + "': Vertex AI cannot scale on " + t.type().path()
                        + " (the vertex backend rejects it); remove it to simulate on vertex");
            }
        }
        List<Assumption> facts = new ArrayList<>();
        minReplicas = Math.max(1, resources.getMinReplicaCount());
        if (resources.getMinReplicaCount() < 1) {
            facts.add(new Assumption("min replicas", "1 (the spec asks for " + resources.getMinReplicaCount() + ")", MIN_REPLICA_SOURCE));
        }
        maxReplicas = resources.getMaxReplicaCount();
        double cpuScale = cpuScale(endpoint, resources.getMachineSpec().getMachineType(), facts);
        types = new TargetType[specs.size()];
        factors = new double[specs.size()];
        List<Assumption> scalesOn = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            AutoscalingMetricSpec s = specs.get(i);
            int target = s.getTarget() > 0 ? s.getTarget() : VertexTranslator.DEFAULT_RESOURCE_TARGET;
            String metric = s.getMetricName();
            double perUnit;
            String unit;
            if (metric.equals(VertexTranslator.CPU_METRIC)) {
                types[i] = TargetType.CPU_UTILIZATION;
                perUnit = cpuScale;
                unit = "% of the machine's vCPUs";
            } else if (metric.equals(VertexTranslator.ACCELERATOR_METRIC)) {
                types[i] = TargetType.ACCELERATOR_UTILIZATION;
                perUnit = 1;
                unit = "% duty cycle";
            } else if (metric.equals(VertexTranslator.REQUEST_COUNT_METRIC)) {
                types[i] = TargetType.REQUESTS_PER_SECOND;
                perUnit = 60; // requests per second → per minute, the rendered unit
                unit = " requests/min per replica (offered)";
            } else if (metric.equals(VertexTranslator.QUEUE_DEPTH_METRIC)) {
                types[i] = TargetType.QUEUE_DEPTH;
                perUnit = 1;
                unit = " requests waiting per replica";
            } else {
                throw new IllegalStateException("the vertex translator rendered metric " + metric + ", which this model does not know");
            }
            factors[i] = perUnit / target;
            boolean implied = endpoint.autoscaling().target(types[i]).isEmpty();
            scalesOn.add(new Assumption("scales on", metric + " " + target + unit, "rendered by the vertex backend, "
                    + "DedicatedResources.autoscaling_metric_specs[" + i + "]" + (implied ? "; not in the spec: Vertex AI's default "
                    + "resource metric at its default target, which the backend lists explicitly (machine_resources.proto)" : "")));
        }
        tolerance = settings.tolerance();
        periodMillis = settings.evaluationPeriod().toMillis();
        windowMillis = settings.stabilizationWindow().toMillis();
        int capacity = (int) (windowMillis / periodMillis) + 2;
        recTime = new long[capacity];
        recValue = new int[capacity];
        scalesOn.addAll(facts);
        scalesOn.add(constant("evaluation period", settings.evaluationPeriod().toSeconds() + "s", VertexAutoscalingSettings.EVALUATION_PERIOD,
                given, VertexAutoscalingSettings.AUTOSCALING_PAGE));
        scalesOn.add(constant("scale-down window", settings.stabilizationWindow().toSeconds() + "s (highest recommendation of the window)",
                VertexAutoscalingSettings.STABILIZATION_WINDOW, given, VertexAutoscalingSettings.AUTOSCALING_PAGE));
        scalesOn.add(given.get(VertexAutoscalingSettings.TOLERANCE).isPresent()
                ? new Assumption("tolerance", String.valueOf(tolerance), "set by --setting " + VertexAutoscalingSettings.TOLERANCE)
                : Assumption.assumed("tolerance", String.valueOf(tolerance) + " (Google: replicas change \"once the real usage deviates "
                + "from the target by a certain percentage\", figure not published)", "--setting " + VertexAutoscalingSettings.TOLERANCE + "=0.1"));
        assumptions = List.copyOf(scalesOn);
    }

    /** The neutral target type's Vertex metric, or "" for one Vertex has none of. */
    private static String metricOf(TargetType type) {
        return switch (type) {
            case CPU_UTILIZATION -> VertexTranslator.CPU_METRIC;
            case ACCELERATOR_UTILIZATION -> VertexTranslator.ACCELERATOR_METRIC;
            case REQUESTS_PER_SECOND -> VertexTranslator.REQUEST_COUNT_METRIC;
            case QUEUE_DEPTH -> VertexTranslator.QUEUE_DEPTH_METRIC;
            default -> "";
        };
    }

    /**
     * Machine-vCPU utilization per % of the CPU request: {@code requests.cpu / vCPUs}. Vertex measures CPU utilization
     * of the replica's machine; the observation measures it against the request.
     */
    private static double cpuScale(InferenceEndpoint endpoint, String machineType, List<Assumption> facts) {
        Optional<Machine> machine = MachineCatalogue.byName(machineType);
        Optional<BigDecimal> request = endpoint.resources().requests().cpu().map(Quantity::value).filter(v -> v.signum() > 0);
        String how = "spec.resources.requests.cpu and spec.backends.vertex.machineType (a machine of the catalogue)";
        if (machine.isEmpty() || request.isEmpty()) {
            facts.add(Assumption.assumed("CPU utilization measured against", (machine.isEmpty() ? "machine '" + machineType
                    + "' (vCPUs unknown)" : machine.get().describe()) + ": taken as the CPU request, so % of the request = % of the machine", how));
            return 1;
        }
        BigDecimal share = request.get().divide(BigDecimal.valueOf(machine.get().vcpus()), MathContext.DECIMAL64);
        String percent = share.multiply(BigDecimal.valueOf(100)).round(new MathContext(4)).stripTrailingZeros().toPlainString() + "%";
        facts.add(Assumption.assumed("CPU utilization measured against", "all " + machine.get().vcpus() + " vCPUs of "
                + machine.get().name() + ": requests.cpu " + request.get().stripTrailingZeros().toPlainString() + " = " + percent
                + " of the machine, so a replica at 100% of its request shows " + percent, how
                + "; the backend's reading: a Vertex replica is its whole machine"));
        return share.doubleValue();
    }

    private static Assumption constant(String subject, String value, String key, ModelSettings given, String source) {
        return given.get(key).isPresent() ? new Assumption(subject, value, "set by --setting " + key) : new Assumption(subject, value, source);
    }

    @Override
    public String backendId() {
        return "vertex";
    }

    @Override
    public List<Assumption> assumptions() {
        return assumptions;
    }

    @Override
    public long nextDecisionMillis() {
        return next;
    }

    @Override
    public int decide(Observation o) {
        long now = o.nowMillis();
        next = now + periodMillis;
        int current = o.readyReplicas();
        int recommendation = 0;
        for (int i = 0; i < types.length; i++) {
            int r;
            if (current == 0) {
                r = o.desiredReplicas();
            } else {
                double ratio = o.value(types[i]) * factors[i];
                r = Math.abs(ratio - 1) <= tolerance ? current : (int) Math.ceil(current * ratio - 1e-9);
            }
            recommendation = Math.max(recommendation, r);
        }
        // drop recommendations older than the window, then record this one (a ring buffer, wrapped without division)
        int length = recTime.length;
        while (size > 0 && recTime[head] <= now - windowMillis) {
            head = head + 1 == length ? 0 : head + 1;
            size--;
        }
        if (size == length) {
            head = head + 1 == length ? 0 : head + 1;
            size--;
        }
        int slot = head + size;
        if (slot >= length) {
            slot -= length;
        }
        recTime[slot] = now;
        recValue[slot] = recommendation;
        size++;
        int highest = 0;
        for (int k = 0, i = head; k < size; k++) {
            highest = Math.max(highest, recValue[i]);
            i = i + 1 == length ? 0 : i + 1;
        }
        return Math.max(minReplicas, Math.min(maxReplicas, highest));
    }
}
