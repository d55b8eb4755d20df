package io.inferscale.api.backend;

import java.util.List;
import java.util.Objects;

/**
 * The ordered changes that would bring a backend's live state to an endpoint's desired state. Empty
 * when there is nothing to do. Computed by {@link Backend#plan}, which only reads.
 *
 * @param endpoint  the endpoint name
 * @param backendId the backend
 * @param changes   the changes, in the order they will be made
 * @param notes     derived values and approximations
 */
public record Plan(String endpoint, String backendId, List<Change> changes, List<Note> notes) {

    /** Rejects nulls and copies the lists. */
    public Plan {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(backendId, "backendId");
        changes = List.copyOf(changes);
        notes = List.copyOf(notes);
    }

    /** True when nothing would change. */
    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** The plan as text, one change a line with its fields indented, then the notes. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (changes.isEmpty()) {
            sb.append("No changes: ").append(endpoint).append(" on ").append(backendId).append(" is up to date.\n");
        } else {
            sb.append("Plan for ").append(endpoint).append(" on ").append(backendId).append(": ")
                    .append(changes.size()).append(changes.size() == 1 ? " change" : " changes").append('\n');
            for (Change c : changes) {
                sb.append("  ").append(c).append('\n');
                for (FieldChange f : c.fields()) {
                    sb.append("      ").append(f).append('\n');
                }
            }
        }
        for (Note n : notes) {
            sb.append("  note: ").append(n.path()).append(": ").append(n.message()).append('\n');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
