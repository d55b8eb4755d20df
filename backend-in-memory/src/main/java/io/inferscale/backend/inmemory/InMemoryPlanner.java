package io.inferscale.backend.inmemory;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.Secrets;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.FieldChange;
import io.inferscale.api.backend.FieldChanges;
import io.inferscale.api.backend.Note;
import io.inferscale.api.backend.Plan;
import io.inferscale.api.codec.EndpointCodec;

import java.util.List;

/**
 * The planner, the part every backend has: pure, desired × live → {@link Plan}. The in-memory backend's native object
 * is the endpoint document itself, so the plan is one change of kind {@code InferenceEndpoint}: a create when nothing
 * is stored, an update listing the changed fields of the two documents, nothing when they are equal.
 *
 * <p>Environment values may be secrets: a plan names the variable that changes and shows its values as
 * {@link Secrets#HIDDEN}; an artifact URI is shown without user info and query string ({@link ModelSpec#redactedUri}).
 */
final class InMemoryPlanner {

    private static final String KIND = "InferenceEndpoint";
    private static final String ENV_PATH = "spec.model.env.";
    private static final String ARTIFACT_URI_PATH = "spec.model.artifactUri";

    private InMemoryPlanner() {
    }

    /**
     * @param desired the endpoint to apply
     * @param live    the endpoint stored under its name, or null
     * @param notes   the notes the plan carries
     */
    static Plan plan(InferenceEndpoint desired, InferenceEndpoint live, List<Note> notes) {
        List<Change> changes;
        if (live == null) {
            changes = List.of(Change.create(KIND, desired.name()));
        } else if (live.equals(desired)) {
            changes = List.of();
        } else {
            changes = List.of(Change.update(KIND, desired.name(),
                    FieldChanges.diff(EndpointCodec.toTree(live), EndpointCodec.toTree(desired)).stream()
                            .map(InMemoryPlanner::hideSecrets).toList()));
        }
        return new Plan(desired.name(), InMemorySettings.ID, changes, notes);
    }

    private static FieldChange hideSecrets(FieldChange c) {
        if (c.path().equals(ARTIFACT_URI_PATH)) {
            return new FieldChange(c.path(), ModelSpec.redactedUri(c.before()), ModelSpec.redactedUri(c.after()));
        }
        if (!c.path().startsWith(ENV_PATH)) {
            return c;
        }
        return new FieldChange(c.path(), c.before() == null ? null : Secrets.HIDDEN, c.after() == null ? null : Secrets.HIDDEN);
    }
}
