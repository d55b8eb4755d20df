package io.inferscale.backend.kubernetes.internal;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.inferscale.api.BackendException;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.FieldChange;
import io.inferscale.api.backend.Plan;
import io.inferscale.backend.kubernetes.KubernetesTranslator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pure diff of desired and live objects: a CREATE for each absent object, an UPDATE listing the fields InferScale
 * sets whose live values differ ({@link ManifestDiff}: server-populated fields and other managers' fields are ignored),
 * nothing for an object that matches. No I/O: the live objects come from {@link KubernetesLiveReader}.
 */
public final class KubernetesPlanner {

    private static final String HASH_PATH = "metadata.annotations[" + DesiredObjects.HASH_ANNOTATION + "]";

    private KubernetesPlanner() {
    }

    /**
     * The plan that makes {@code live} match {@code desired}.
     *
     * @param live the live objects by kind ({@code Deployment}, {@code Service}, {@code HorizontalPodAutoscaler}); an
     *             absent kind is an absent object
     */
    public static Plan plan(DesiredObjects desired, Map<String, HasMetadata> live) {
        List<Change> changes = new ArrayList<>();
        for (HasMetadata object : desired.objects()) {
            change(desired, object, live.get(object.getKind())).ifPresent(changes::add);
        }
        return new Plan(desired.name(), KubernetesTranslator.BACKEND_ID, changes, desired.manifests().notes());
    }

    /**
     * Refuses to switch an endpoint from {@code autoscaler: keda} back to {@code hpa} while KEDA owns its HPA: applying the
     * HPA over KEDA's would fight the KEDA operator, which rewrites it from the ScaledObject. (The other way, hpa to keda,
     * needs nothing here: the desired state holds no HPA, and the ScaledObject adopts the existing one through
     * {@code scaledobject.keda.sh/transfer-hpa-ownership}.)
     *
     * @throws BackendException INVALID_REQUEST naming the option and the manual step
     */
    public static void requireAutoscalerSwitchable(DesiredObjects desired, Map<String, HasMetadata> live) {
        HasMetadata hpa = live.get("HorizontalPodAutoscaler");
        if (!desired.manifests().usesKeda() && ScaledObjects.ownedByKeda(hpa)) {
            throw new BackendException(KubernetesTranslator.BACKEND_ID, BackendException.Reason.INVALID_REQUEST, "endpoint '"
                    + desired.name() + "' is scaled by the KEDA ScaledObject " + desired.qualifiedName() + ", which owns its "
                    + "HorizontalPodAutoscaler; switching spec.backends.kubernetes.autoscaler from keda to hpa is not automatic: delete "
                    + "the ScaledObject first (kubectl delete scaledobject " + desired.name() + " -n " + desired.namespace()
                    + "; its HPA goes with it), then apply again, or keep autoscaler: keda");
        }
    }

    /** True when the live object exists and matches the desired one: no change needed. */
    public static boolean matches(DesiredObjects desired, HasMetadata object, HasMetadata live) {
        return live != null && change(desired, object, live).isEmpty();
    }

    /** The change that makes {@code live} (null: absent) match {@code object}; empty when they already match. */
    static Optional<Change> change(DesiredObjects desired, HasMetadata object, HasMetadata live) {
        String kind = object.getKind();
        String name = desired.qualifiedName();
        if (live == null) {
            return Optional.of(new Change(Change.Action.CREATE, kind, name, List.of(), ""));
        }
        List<FieldChange> fields = ManifestDiff.diff(ManifestYaml.tree(DesiredObjects.forUpdate(object)), ManifestYaml.tree(live));
        String reason = "";
        if (fields.size() > 1) {
            fields = fields.stream().filter(f -> !f.path().equals(HASH_PATH)).toList();
        } else if (fields.size() == 1 && fields.get(0).path().equals(HASH_PATH)) {
            reason = "fields InferScale set before are no longer in the endpoint; server-side apply removes them";
        }
        if (!KubernetesLiveReader.managed(live)) {
            reason = "adopts an existing " + kind + " that InferScale did not create";
        }
        return fields.isEmpty() ? Optional.empty() : Optional.of(new Change(Change.Action.UPDATE, kind, name, fields, reason));
    }
}
