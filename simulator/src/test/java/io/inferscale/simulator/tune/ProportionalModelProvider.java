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
 * A test autoscaler: every 15 s, {@code ceil(ready x cpu% / target)} clamped to min..max, acting at once. Knobs: min, max
 * and the CPU target with coarse candidates 40, 60, 80. Priced at {@code usdPerHour} when given.
 */
final class ProportionalModelProvider implements AutoscalerModelProvider {

    static final List<BigDecimal> TARGETS = List.of(BigDecimal.valueOf(40), BigDecimal.valueOf(60), BigDecimal.valueOf(80));

    private final Double usdPerHour;

    ProportionalModelProvider(Double usdPerHour) {
        this.usdPerHour = usdPerHour;
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
        return Optional.ofNullable(usdPerHour).map(p -> new ReplicaPrice("test-machine", p, "the test"));
    }

    @Override
    public List<TuningKnob> tuningKnobs(InferenceEndpoint endpoint, ReplicaProfile profile) {
        TuningKnob cpu = TuningKnob.target(TargetType.CPU_UTILIZATION, profile);
        return List.of(TuningKnob.minReplicas(), TuningKnob.maxReplicas(),
                new TuningKnob(cpu.name(), cpu.path(), cpu.kind(), TARGETS, 0, cpu::read, cpu::apply));
    }

    @Override
    public AutoscalerModel create(ModelContext context) {
        int min = context.endpoint().autoscaling().minReplicas();
        int max = context.endpoint().autoscaling().maxReplicas();
        double target = context.endpoint().autoscaling().target(TargetType.CPU_UTILIZATION).orElseThrow().doubleValue();
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
                int want = o.readyReplicas() == 0 ? min : (int) Math.ceil(o.readyReplicas() * o.cpuPercent() / target - 1e-9);
                return Math.max(min, Math.min(max, Math.max(want, o.readyReplicas() < o.podCount() ? o.podCount() : 0)));
            }
        };
    }
}
