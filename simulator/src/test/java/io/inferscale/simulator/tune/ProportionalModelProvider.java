package io.inferscale.simulator.tune;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.TargetType;
import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.AutoscalerModelProvider;
import io.inferscale.api.simulation.ModelContext;
import io.inferscale.api.simulation.Observation;
import io.inferscale.api.simulation.ReplicaPrice;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.api.simulation.TuningKnob;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A test autoscaler: every 15 s, the highest {@code ceil(ready x metric / target)} over the spec's targets, clamped to
 * min..max, acting at once. Knobs: min, max, the CPU target with coarse candidates 40, 60, 80, and the generic knob of any
 * other target. Priced at {@code usdPerHour} when given, or per machine ({@code spec.backends.proportional.machine}).
 * Optionally the CPU it sees is a share of what the profile gives (as Vertex measures a request against a bigger
 * machine), and it offers target types to switch to.
 */
final class ProportionalModelProvider implements AutoscalerModelProvider {

    static final List<BigDecimal> TARGETS = List.of(BigDecimal.valueOf(40), BigDecimal.valueOf(60), BigDecimal.valueOf(80));

    /** The option naming the machine, under {@code spec.backends.proportional}. */
    static final String MACHINE = "machine";

    private final Double usdPerHour;
    private final double cpuSeen;
    private final List<TuningKnob.TargetTypeCandidate> candidates;
    private final java.util.Map<String, Double> machinePrices;

    ProportionalModelProvider(Double usdPerHour) {
        this(usdPerHour, 1.0, List.of(), java.util.Map.of());
    }

    /**
     * @param cpuSeen       the share of the profile's CPU the model sees (1: all of it)
     * @param candidates    the target types it offers to switch to
     * @param machinePrices machine to USD per hour; a spec naming no machine costs {@code usdPerHour}
     */
    ProportionalModelProvider(Double usdPerHour, double cpuSeen, List<TuningKnob.TargetTypeCandidate> candidates,
                              java.util.Map<String, Double> machinePrices) {
        this.usdPerHour = usdPerHour;
        this.cpuSeen = cpuSeen;
        this.candidates = candidates;
        this.machinePrices = machinePrices;
    }

    @Override
    public List<TuningKnob.TargetTypeCandidate> targetTypeCandidates(InferenceEndpoint endpoint) {
        return candidates;
    }

    @Override
    public Optional<TuningKnob.InstanceTypes> instanceTypes(io.inferscale.api.simulation.ModelSettings settings) {
        return machinePrices.isEmpty() ? Optional.empty()
                : Optional.of(new TuningKnob.InstanceTypes(backendId(), MACHINE, machinePrices.keySet()));
    }

    @Override
    public String backendId() {
        return "proportional";
    }

    @Override
    public String description() {
        return "test: proportional to CPU, every 15 s";
    }

    @Override
    public Duration defaultStartup() {
        return Duration.ofSeconds(60);
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of();
    }

    @Override
    public Optional<ReplicaPrice> price(ModelContext context) {
        Optional<String> machine = context.endpoint().backends().string(backendId(), MACHINE);
        if (machine.isPresent()) {
            return Optional.ofNullable(machinePrices.get(machine.get())).map(p -> new ReplicaPrice(machine.get(), p, "the test"));
        }
        return Optional.ofNullable(usdPerHour).map(p -> new ReplicaPrice("test-machine", p, "the test"));
    }

    @Override
    public List<TuningKnob> tuningKnobs(InferenceEndpoint endpoint, ReplicaProfile profile) {
        List<TuningKnob> knobs = new java.util.ArrayList<>(List.of(TuningKnob.minReplicas(), TuningKnob.maxReplicas()));
        for (io.inferscale.api.ScalingTarget t : endpoint.autoscaling().targets()) {
            TuningKnob k = TuningKnob.target(t.type(), profile);
            knobs.add(t.type() == TargetType.CPU_UTILIZATION ? new TuningKnob(k.name(), k.path(), k.kind(), TARGETS, 0, k::read, k::apply) : k);
        }
        return knobs;
    }

    @Override
    public AutoscalerModel create(ModelContext context) {
        int min = context.endpoint().autoscaling().minReplicas();
        int max = context.endpoint().autoscaling().maxReplicas();
        List<io.inferscale.api.ScalingTarget> targets = context.endpoint().autoscaling().targets();
        return new AutoscalerModel() {
            private long next = 15_000;

            @Override
            public String backendId() {
                return "proportional";
            }

            @Override
            public long nextDecisionMillis() {
                return next;
            }

            @Override
            public int decide(Observation o) {
                next += 15_000;
                int want = 0;
                for (io.inferscale.api.ScalingTarget t : targets) {
                    double seen = t.type() == TargetType.CPU_UTILIZATION ? o.cpuPercent() * cpuSeen : o.value(t.type());
                    want = Math.max(want, (int) Math.ceil(o.readyReplicas() * seen / t.value().doubleValue() - 1e-9));
                }
                want = o.readyReplicas() == 0 ? min : want;
                return Math.max(min, Math.min(max, Math.max(want, o.readyReplicas() < o.podCount() ? o.podCount() : 0)));
            }
        };
    }
}
