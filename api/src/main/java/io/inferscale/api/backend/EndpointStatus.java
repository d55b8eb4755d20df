package io.inferscale.api.backend;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a backend reports about a deployed endpoint: its state, replicas ready and desired, the replica
 * range, current metric values against their targets, conditions and backend-specific details.
 */
public final class EndpointStatus {

    private final String name;
    private final String backendId;
    private final EndpointState state;
    private final String model;
    private final int minReplicas;
    private final int maxReplicas;
    private final int readyReplicas;
    private final int desiredReplicas;
    private final List<MetricStatus> metrics;
    private final List<Condition> conditions;
    private final String message;
    private final Instant createdAt;
    private final Map<String, String> details;

    private EndpointStatus(Builder b) {
        this.name = Objects.requireNonNull(b.name, "name");
        this.backendId = Objects.requireNonNull(b.backendId, "backendId");
        this.state = Objects.requireNonNull(b.state, "state");
        this.model = b.model;
        this.minReplicas = b.minReplicas;
        this.maxReplicas = b.maxReplicas;
        this.readyReplicas = b.readyReplicas;
        this.desiredReplicas = b.desiredReplicas;
        this.metrics = List.copyOf(b.metrics);
        this.conditions = List.copyOf(b.conditions);
        this.message = b.message;
        this.createdAt = b.createdAt;
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(b.details));
    }

    /** A builder for the status of endpoint {@code name} on backend {@code backendId}. */
    public static Builder builder(String name, String backendId) {
        return new Builder(name, backendId);
    }

    /** A builder starting from this status. */
    public Builder toBuilder() {
        Builder b = new Builder(name, backendId);
        b.state = state;
        b.model = model;
        b.minReplicas = minReplicas;
        b.maxReplicas = maxReplicas;
        b.readyReplicas = readyReplicas;
        b.desiredReplicas = desiredReplicas;
        b.metrics.addAll(metrics);
        b.conditions.addAll(conditions);
        b.message = message;
        b.createdAt = createdAt;
        b.details.putAll(details);
        return b;
    }

    /** The endpoint name. */
    public String name() {
        return name;
    }

    /** The backend reporting. */
    public String backendId() {
        return backendId;
    }

    /** The lifecycle state. */
    public EndpointState state() {
        return state;
    }

    /** True when the endpoint is serving with at least its minimum replicas ready. */
    public boolean isReady() {
        return state == EndpointState.READY;
    }

    /** The model served, {@code name:version}, when the backend knows it. */
    public Optional<String> model() {
        return Optional.ofNullable(model);
    }

    /** The fewest replicas the autoscaler keeps. */
    public int minReplicas() {
        return minReplicas;
    }

    /** The most replicas the autoscaler allows. */
    public int maxReplicas() {
        return maxReplicas;
    }

    /** Replicas serving now. */
    public int readyReplicas() {
        return readyReplicas;
    }

    /** Replicas the autoscaler currently wants. */
    public int desiredReplicas() {
        return desiredReplicas;
    }

    /** Scaling metrics with current and target values. */
    public List<MetricStatus> metrics() {
        return metrics;
    }

    /** Conditions reported by the backend. */
    public List<Condition> conditions() {
        return conditions;
    }

    /** A condition by type. */
    public Optional<Condition> condition(String type) {
        return conditions.stream().filter(c -> c.type().equals(type)).findFirst();
    }

    /** The backend's message (e.g. a failure reason). */
    public Optional<String> message() {
        return Optional.ofNullable(message);
    }

    /** When the endpoint was created, when known. */
    public Optional<Instant> createdAt() {
        return Optional.ofNullable(createdAt);
    }

    /** Backend-specific facts, e.g. {@code instanceType} or {@code deployedModelId}. */
    public Map<String, String> details() {
        return details;
    }

    /**
     * The status as a document tree for JSON or YAML output ({@code inferscale get -o json}, HTTP APIs):
     * name, backend, state, model, replica range and counts, metrics, conditions, message, creation time
     * (ISO-8601) and details; absent values are left out.
     */
    public Map<String, Object> toTree() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("backend", backendId);
        m.put("state", state.name());
        if (model != null) {
            m.put("model", model);
        }
        m.put("minReplicas", minReplicas);
        m.put("maxReplicas", maxReplicas);
        m.put("readyReplicas", readyReplicas);
        m.put("desiredReplicas", desiredReplicas);
        List<Object> metricList = new ArrayList<>();
        for (MetricStatus ms : metrics) {
            Map<String, Object> mm = new LinkedHashMap<>();
            mm.put("name", ms.name());
            mm.put("current", ms.current());
            mm.put("target", ms.target());
            metricList.add(mm);
        }
        m.put("metrics", metricList);
        List<Object> conditionList = new ArrayList<>();
        for (Condition c : conditions) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("type", c.type());
            cm.put("status", c.status());
            cm.put("reason", c.reason());
            cm.put("message", c.message());
            conditionList.add(cm);
        }
        m.put("conditions", conditionList);
        if (message != null) {
            m.put("message", message);
        }
        if (createdAt != null) {
            m.put("createdAt", createdAt.toString());
        }
        if (!details.isEmpty()) {
            m.put("details", new LinkedHashMap<>(details));
        }
        return m;
    }

    /** {@code ready/desired}, as in the CLI's REPLICAS column. */
    public String replicasDisplay() {
        return readyReplicas + "/" + desiredReplicas;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EndpointStatus s && name.equals(s.name) && backendId.equals(s.backendId) && state == s.state
                && Objects.equals(model, s.model) && minReplicas == s.minReplicas && maxReplicas == s.maxReplicas
                && readyReplicas == s.readyReplicas && desiredReplicas == s.desiredReplicas && metrics.equals(s.metrics)
                && conditions.equals(s.conditions) && Objects.equals(message, s.message)
                && Objects.equals(createdAt, s.createdAt) && details.equals(s.details);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, backendId, state, model, readyReplicas, desiredReplicas);
    }

    @Override
    public String toString() {
        return "EndpointStatus{name=" + name + ", backend=" + backendId + ", state=" + state + ", model=" + model
                + ", replicas=" + replicasDisplay() + ", min=" + minReplicas + ", max=" + maxReplicas + ", metrics="
                + metrics + ", conditions=" + conditions + (message == null ? "" : ", message=" + message) + "}";
    }

    /** Builds an {@link EndpointStatus}. */
    public static final class Builder {
        private final String name;
        private final String backendId;
        private EndpointState state = EndpointState.UNKNOWN;
        private String model;
        private int minReplicas;
        private int maxReplicas;
        private int readyReplicas;
        private int desiredReplicas;
        private final List<MetricStatus> metrics = new ArrayList<>();
        private final List<Condition> conditions = new ArrayList<>();
        private String message;
        private Instant createdAt;
        private final Map<String, String> details = new LinkedHashMap<>();

        private Builder(String name, String backendId) {
            this.name = Objects.requireNonNull(name, "name");
            this.backendId = Objects.requireNonNull(backendId, "backendId");
        }

        /** The state (default UNKNOWN). */
        public Builder state(EndpointState state) {
            this.state = Objects.requireNonNull(state, "state");
            return this;
        }

        /** The model served, {@code name:version}. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** The replica range. */
        public Builder replicaRange(int min, int max) {
            this.minReplicas = min;
            this.maxReplicas = max;
            return this;
        }

        /** Ready and desired replicas. */
        public Builder replicas(int ready, int desired) {
            this.readyReplicas = ready;
            this.desiredReplicas = desired;
            return this;
        }

        /** Adds a metric. */
        public Builder metric(MetricStatus metric) {
            metrics.add(Objects.requireNonNull(metric, "metric"));
            return this;
        }

        /** Replaces the metrics. */
        public Builder metrics(List<MetricStatus> metrics) {
            this.metrics.clear();
            this.metrics.addAll(metrics);
            return this;
        }

        /** Adds a condition. */
        public Builder condition(Condition condition) {
            conditions.add(Objects.requireNonNull(condition, "condition"));
            return this;
        }

        /** Replaces the conditions. */
        public Builder conditions(List<Condition> conditions) {
            this.conditions.clear();
            this.conditions.addAll(conditions);
            return this;
        }

        /** The backend's message, or {@code null}. */
        public Builder message(String message) {
            this.message = message;
            return this;
        }

        /** Creation time, or {@code null}. */
        public Builder createdAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        /** Adds a backend-specific detail. */
        public Builder detail(String key, String value) {
            details.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value of " + key));
            return this;
        }

        /** The status. */
        public EndpointStatus build() {
            return new EndpointStatus(this);
        }
    }
}
