package io.inferscale.backend.kubernetes.keda;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.inferscale.api.backend.Note;
import io.inferscale.backend.kubernetes.internal.ManifestYaml;

import java.util.List;
import java.util.Objects;

/**
 * A rendered {@code keda.sh/v1alpha1} ScaledObject and what the rendering derived or approximated.
 *
 * @param scaledObject the ScaledObject; its {@code spec} is a tree of maps, lists and scalars in the CRD's field names
 * @param notes        derived values (queries, cooldown from the idle period) and warnings for the user
 */
public record ScaledObjectManifest(GenericKubernetesResource scaledObject, List<Note> notes) {

    /** Rejects nulls and copies the notes. */
    public ScaledObjectManifest {
        Objects.requireNonNull(scaledObject, "scaledObject");
        notes = List.copyOf(notes);
    }

    /** The ScaledObject as one YAML document starting with {@code ---}, as {@code kubectl apply -f} reads it. */
    public String toYaml() {
        return ManifestYaml.write(List.of(scaledObject));
    }
}
