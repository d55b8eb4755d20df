package io.inferscale.api.backend;

/** The lifecycle state of a deployed endpoint, mapped from each backend's own states. */
public enum EndpointState {
    /** Being created; not serving yet. */
    CREATING,
    /** Being changed; still serving the previous version. */
    UPDATING,
    /** Serving, with at least the minimum replicas ready. */
    READY,
    /** Serving fewer replicas than wanted (e.g. pods not ready), or scaling. */
    DEGRADED,
    /** Failed; {@link EndpointStatus#message()} has the backend's reason. */
    FAILED,
    /** Being deleted. */
    DELETING,
    /** The backend reported a state InferScale does not know. */
    UNKNOWN
}
