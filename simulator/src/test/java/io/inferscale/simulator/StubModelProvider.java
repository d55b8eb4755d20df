package io.inferscale.simulator;

import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.AutoscalerModelProvider;
import io.inferscale.api.simulation.ModelContext;
import io.inferscale.api.simulation.Observation;
import java.time.Duration;
import java.util.Set;

/** A test provider: a {@link FixedScheduleModel} under any backend id. */
public class StubModelProvider implements AutoscalerModelProvider {
    private final String id;
    private final double perReplica;

    public StubModelProvider(String id, double perReplica) {
        this.id = id;
        this.perReplica = perReplica;
    }

    @Override
    public String backendId() {
        return id;
    }

    @Override
    public String description() {
        return "stub " + id;
    }

    @Override
    public Duration defaultStartup() {
        return Duration.ofSeconds(30);
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of(id + ".period");
    }

    @Override
    public AutoscalerModel create(ModelContext context) {
        long period = context.settings().getDuration(id + ".period", Duration.ofSeconds(15)).toMillis();
        FixedScheduleModel m = new FixedScheduleModel(period, perReplica) {
        };
        return new AutoscalerModel() {
            @Override
            public String backendId() {
                return id;
            }

            @Override
            public long nextDecisionMillis() {
                return m.nextDecisionMillis();
            }

            @Override
            public int decide(Observation o) {
                return m.decide(o);
            }
        };
    }
}
