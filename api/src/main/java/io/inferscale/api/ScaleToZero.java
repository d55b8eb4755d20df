package io.inferscale.api;

/**
 * Scale to zero replicas after a quiet period. Allowed only with {@code minReplicas: 0}, and only on
 * backends that declare {@code SCALE_TO_ZERO}.
 *
 * @param idleSeconds how long without requests before the last replica is removed (at least 1)
 */
public record ScaleToZero(int idleSeconds) {
}
