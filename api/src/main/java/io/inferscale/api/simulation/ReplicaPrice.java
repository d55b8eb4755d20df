package io.inferscale.api.simulation;

import java.util.Objects;

/**
 * What one replica costs per hour on a backend, and why.
 *
 * @param machine    what is billed, as the cloud names it: {@code ml.g5.xlarge}, {@code n1-standard-4 + 1 x NVIDIA_TESLA_T4},
 *                   or for Kubernetes the replica's share of a node, e.g. {@code 0.5 vCPU, 1 GiB of a node}
 * @param usdPerHour on-demand price of one replica for one hour, US dollars; 0 or more
 * @param source     where the price comes from: the catalogue entry (page, region, date) or the user's override
 *                   ({@code --setting sagemaker.price.ml.g6.xlarge=1.2}, {@code --prices FILE})
 */
public record ReplicaPrice(String machine, double usdPerHour, String source) {

    /** Rejects nulls, blanks, negative and non-finite prices. */
    public ReplicaPrice {
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(source, "source");
        if (machine.isBlank() || source.isBlank()) {
            throw new IllegalArgumentException("a replica price needs a machine and a source");
        }
        if (!(usdPerHour >= 0) || Double.isInfinite(usdPerHour)) {
            throw new IllegalArgumentException("usdPerHour was " + usdPerHour + " but it must be a finite number, 0 or more");
        }
    }
}
