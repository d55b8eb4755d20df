package io.inferscale.backend.kubernetes.internal;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.FieldChange;
import io.inferscale.api.backend.Plan;
import io.inferscale.backend.kubernetes.KubernetesTranslator;
import io.inferscale.backend.kubernetes.keda.ScaledObjectTranslator;

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
     * @param live the live objects by kind ({@code Deployment}, {@code Service}, {@code HorizontalPodAutoscaler} or
     *             {@code ScaledObject}); an absent kind is an absent object. A {@code ScaledObject} there while the desired
     *             autoscaler is the HPA (switching keda to hpa, see {@link KubernetesLiveReader#readAll}) is planned as a
     *             DELETE before the other changes
     */
    public static Plan plan(DesiredObjects desired, Map<String, HasMetadata> live) {
        List<Change> changes = new ArrayList<>();
        if (!desired.manifests().usesKeda() && live.containsKey(ScaledObjectTranslator.KIND)) {
            // keda -> hpa: the ScaledObject goes first, so that KEDA stops writing the HPA before InferScale applies it
            changes.add(new Change(Change.Action.DELETE, ScaledObjectTranslator.KIND, desired.qualifiedName(), List.of(),
                    "spec.backends.kubernetes.autoscaler is hpa: the KEDA ScaledObject is deleted, orphaning the HPA it "
                            + "controls, which InferScale then takes over with server-side apply"));
        }
        for (HasMetadata object : desired.objects()) {
            change(desired, object, live.get(object.getKind())).ifPresent(changes::add);
        }
        return new Plan(desired.name(), KubernetesTranslator.BACKEND_ID, changes, desired.manifests().notes());
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
