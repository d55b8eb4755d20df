package io.inferscale.backend.kubernetes.internal;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The check after a pass's writes that keeps racing applies from leaving a mixture: re-reads every object except the
 * one written last (its writer's answer is current) and checks each still matches the spec. One endpoint's apply reads
 * with GETs; a fleet's apply ({@link #verify(DesiredObjects, String, Map, KubernetesLiveReader.CachedObjects)}) reads
 * from LISTs made after every endpoint of the fleet has written.
 *
 * <p>Why a read after the writes, and not only the objects server-side apply returned: each write's answer is current
 * when it is written, but another apply may overwrite an object written earlier in the pass before the pass's last
 * write (apply A writes the Deployment; apply B, whose spec agrees with the old HPA, writes its Deployment and checks the
 * HPA; A writes its HPA: both answers look right to A, the endpoint is a mixture). Only a read after the last write sees
 * that.
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
        return verify(desired, lastWritten, live, null);
    }

    /**
     * As {@link #verify(DesiredObjects, String, Map)}, taking each object whose kind {@code listed} covers from it (no
     * request; null: none) and reading the others with a GET. {@code listed} must have been read after the pass's last
     * write.
     */
    public boolean verify(DesiredObjects desired, String lastWritten, Map<String, HasMetadata> live, KubernetesLiveReader.CachedObjects listed) {
        boolean consistent = true;
        for (HasMetadata object : verified(desired, lastWritten)) {
            HasMetadata current = listed != null && listed.covers(object.getClass())
                    ? listed.get(object.getClass(), desired.namespace(), desired.name())
                    : liveState.readLike(object, desired.namespace(), desired.name(), "apply");
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

    /** The objects {@link #verify} reads: every desired object but the one of kind {@code lastWritten}. */
    public static List<HasMetadata> verified(DesiredObjects desired, String lastWritten) {
        return desired.objects().stream().filter(o -> !o.getKind().equals(lastWritten)).toList();
    }

    /** The step a failed verification names. */
    public static String step(DesiredObjects desired) {
        return "verify " + desired.qualifiedName();
    }
}
