package io.inferscale.simulator;

import io.inferscale.api.simulation.Observation;

/**
 * The engine's {@link Observation}: one instance per run whose fields {@link Simulation} updates in place before
 * each call to the model (the model sees only the read-only interface).
 */
final class MutableObservation implements Observation {

    long nowMillis;
    double demandRps;
    double servedRps;
    int readyReplicas;
    int podCount;
    long[] podReadyAtMillis = new long[0];
    long startupMillis;
    double cpuPercent;
    double memoryPercent;
    double rpsPerReplica;
    double concurrencyPerReplica;
    double acceleratorPercent;
    double queueDepthPerReplica;
    /** Generated tokens per second per ready replica; NaN when the trace has no output tokens. */
    double tokensPerSecondPerReplica = Double.NaN;

    @Override
    public long nowMillis() {
        return nowMillis;
    }

    @Override
    public double demandRps() {
        return demandRps;
    }

    @Override
    public double servedRps() {
        return servedRps;
    }

    @Override
    public int readyReplicas() {
        return readyReplicas;
    }

    @Override
    public int podCount() {
        return podCount;
    }

    @Override
    public long podReadyAtMillis(int i) {
        if (i < 0 || i >= podCount) {
            throw new IndexOutOfBoundsException("pod " + i + " of " + podCount);
        }
        return podReadyAtMillis[i];
    }

    @Override
    public long startupMillis() {
        return startupMillis;
    }

    @Override
    public double cpuPercent() {
        return cpuPercent;
    }

    @Override
    public double memoryPercent() {
        return memoryPercent;
    }

    @Override
    public double rpsPerReplica() {
        return rpsPerReplica;
    }

    @Override
    public double concurrencyPerReplica() {
        return concurrencyPerReplica;
    }

    @Override
    public double acceleratorPercent() {
        return acceleratorPercent;
    }

    @Override
    public double queueDepthPerReplica() {
        return queueDepthPerReplica;
    }

    @Override
    public double tokensPerSecondPerReplica() {
        if (Double.isNaN(tokensPerSecondPerReplica)) {
            throw new IllegalStateException("the trace has no output tokens per request (a column such as GeneratedTokens or "
                    + "tokens_out): tokens per second are not known");
        }
        return tokensPerSecondPerReplica;
    }

    @Override
    public String toString() {
        return "Observation{t=" + nowMillis + "ms, demand=" + demandRps + ", served=" + servedRps + ", ready=" + readyReplicas
                + ", pods=" + podCount + ", cpu=" + cpuPercent + "%}";
    }
}
