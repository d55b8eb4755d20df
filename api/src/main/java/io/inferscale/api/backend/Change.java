package io.inferscale.api.backend;

import java.util.List;
import java.util.Objects;

/**
 * One step of a {@link Plan}: create, update, replace or delete one native resource.
 *
 * @param action what will be done
 * @param kind   the native resource kind, e.g. {@code HorizontalPodAutoscaler}, {@code EndpointConfig}, {@code DeployedModel}
 * @param name   the native resource name
 * @param fields the changed fields (for updates; may be empty for creates and deletes)
 * @param reason why, in words (e.g. "machine type is immutable: deploy a new model, then undeploy the old one")
 */
public record Change(Action action, String kind, String name, List<FieldChange> fields, String reason) {

    /** What a change does. */
    public enum Action {
        /** Create a resource that does not exist. */
        CREATE("+"),
        /** Change a resource in place. */
        UPDATE("~"),
        /** Create a new resource and remove the old one (for immutable resources). */
        REPLACE("-/+"),
        /** Remove a resource. */
        DELETE("-");

        private final String symbol;

        Action(String symbol) {
            this.symbol = symbol;
        }

        /** {@code +}, {@code ~}, {@code -/+} or {@code -}, as in plan output. */
        public String symbol() {
            return symbol;
        }
    }

    /** Rejects nulls and copies the fields. */
    public Change {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        fields = List.copyOf(fields);
        Objects.requireNonNull(reason, "reason");
    }

    /** A create without field details. */
    public static Change create(String kind, String name) {
        return new Change(Action.CREATE, kind, name, List.of(), "");
    }

    /** An update of the given fields. */
    public static Change update(String kind, String name, List<FieldChange> fields) {
        return new Change(Action.UPDATE, kind, name, fields, "");
    }

    /** A delete. */
    public static Change delete(String kind, String name) {
        return new Change(Action.DELETE, kind, name, List.of(), "");
    }

    @Override
    public String toString() {
        return action.symbol() + " " + kind + " " + name + (reason.isEmpty() ? "" : " (" + reason + ")");
    }
}
