package io.inferscale.backend.kubernetes.internal;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.Map;
import java.util.Objects;

/**
 * The check after a pass's writes that keeps racing applies from leaving a mixture: re-reads every object except the
 * one written last (its writer's answer is current) and checks each still matches the spec.
 */
public final class KubernetesVerifier {

    private final KubernetesLiveReader liveState;

    /** A verifier reading through {@code liveState}. */
    public KubernetesVerifier(KubernetesLiveReader liveState) {
        this.liveState = Objects.requireNonNull(liveState, "liveState");
    }

    /**
     * True when the endpoint is entirely this spec. {@code live} receives what was read (an absent object is removed).
     * Reads every object but {@code lastWritten}, also after a mismatch.
     */
    public boolean verify(DesiredObjects desired, String lastWritten, Map<String, HasMetadata> live) {
        boolean consistent = true;
        for (HasMetadata object : desired.objects()) {
            if (object.getKind().equals(lastWritten)) {
                continue;
            }
            HasMetadata current = liveState.readLike(object, desired.namespace(), desired.name(), "apply");
            if (current == null) {
                live.remove(object.getKind());
                consistent = false;
            } else {
                live.put(object.getKind(), current);
                consistent &= KubernetesPlanner.matches(desired, object, current);
            }
        }
        return consistent;
    }

    /** The step a failed verification names. */
    public static String step(DesiredObjects desired) {
        return "verify " + desired.qualifiedName();
    }
}
