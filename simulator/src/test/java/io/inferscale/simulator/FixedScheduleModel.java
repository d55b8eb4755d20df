package io.inferscale.simulator;

import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.Observation;

/** A test model: every {@code period} it asks for ceil(demand / perReplica) replicas, and records when it was called. */
class FixedScheduleModel implements AutoscalerModel {
    final long period;
    final double perReplica;
    long next;
    final java.util.List<Long> decisions = new java.util.ArrayList<>();
    final java.util.List<long[]> observed = new java.util.ArrayList<>();

    FixedScheduleModel(long periodMillis, double perReplica) {
        this.period = periodMillis;
        this.perReplica = perReplica;
    }

    @Override
    public String backendId() {
        return "fixed";
    }

    @Override
    public long nextDecisionMillis() {
        return next;
    }

    @Override
    public void observe(long fromMillis, long toMillis, Observation observation) {
        observed.add(new long[] {fromMillis, toMillis, observation.readyReplicas()});
    }

    @Override
    public int decide(Observation o) {
        decisions.add(o.nowMillis());
        next += period;
        return (int) Math.ceil(o.demandRps() / perReplica);
    }
}
