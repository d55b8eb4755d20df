package io.inferscale.simulator;

import io.inferscale.api.simulation.ReplicaPrice;
import java.util.Objects;

/**
 * What a run costs: provisioned replica-hours (ready and starting, as clouds bill) at the replica's price.
 *
 * @param price                        the price of one replica-hour and its source
 * @param totalUsd                     {@code replicaHours x price}, US dollars
 * @param usdPerMillionRequestsServed  {@code totalUsd / (requests served / 1,000,000)}; NaN when no request was served
 * @param idleUsdSaved                 what scaling to zero saved against the same policy with a floor of 1 replica:
 *                                     {@link SimulationSummary#idleReplicaHoursSaved()} x price, US dollars; NaN when the
 *                                     run has no floor baseline
 */
public record CostEstimate(ReplicaPrice price, double totalUsd, double usdPerMillionRequestsServed, double idleUsdSaved) {

    /** Rejects a null price. */
    public CostEstimate {
        Objects.requireNonNull(price, "price");
    }

    /** A cost without a floor baseline ({@code idleUsdSaved} NaN). */
    public CostEstimate(ReplicaPrice price, double totalUsd, double usdPerMillionRequestsServed) {
        this(price, totalUsd, usdPerMillionRequestsServed, Double.NaN);
    }

    /** The cost of a run summarised by {@code summary} at {@code price}. */
    public static CostEstimate of(ReplicaPrice price, SimulationSummary summary) {
        double total = summary.replicaHours() * price.usdPerHour();
        double served = summary.totalRequests() - summary.requestsOverCapacity();
        return new CostEstimate(price, total, served > 0 ? total / (served / 1_000_000.0) : Double.NaN,
                summary.idleReplicaHoursSaved() * price.usdPerHour());
    }
}
