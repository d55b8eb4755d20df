package io.inferscale.backend.inmemory;

import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ScalingTarget;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.Condition;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.FieldChange;
import io.inferscale.api.backend.FieldChanges;
import io.inferscale.api.backend.MetricStatus;
import io.inferscale.api.backend.Note;
import io.inferscale.api.backend.Plan;
import io.inferscale.api.backend.Rendering;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.validation.EndpointValidator;
import io.inferscale.api.validation.ValidationReport;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A backend that keeps endpoints in memory: the reference implementation the conformance kit runs
 * against first, and a stand-in cloud for testing platform services without an account (as jclouds'
 * {@code stub} provider serves its users).
 *
 * <p>An applied endpoint is {@code CREATING} (or {@code UPDATING}) for {@link Builder#readyDelay} on
 * its {@link Clock}, then {@code READY}. With a {@link ManualClock}, {@link #awaitReady} advances the
 * clock instead of sleeping. The autoscaler is not simulated: the desired replica count starts at
 * {@code minReplicas}, stays where it is across updates (clamped to the new range) and changes only
 * through {@link #scale}. Every write InferScale makes is recorded in {@link #operations()}. With a
 * {@link Builder#stateFile state file}, endpoints survive the process (the CLI uses this): the file is
 * read once when the backend is built and rewritten atomically after every write, so processes that run
 * one after another share endpoints, but two backends writing the same file at once keep only the last
 * writer's view.
 *
 * <p>Names given to {@link #get}, {@link #status}, {@link #awaitReady}, {@link #delete}, {@link #scale},
 * {@link #observe} and {@link #endpoint} are checked with {@link EndpointValidator#requireValidName} first: a
 * name that is not a DNS-1123 label is an {@link InvalidEndpointException} naming {@code metadata.name}, never
 * a lookup. {@link #render} and {@link #plan} show environment values as {@value #HIDDEN} (they may be secrets)
 * and the artifact URI without user info or query string ({@link ModelSpec#redactedUri});
 * {@link #toString()} shows endpoint names only.
 *
 * <p>Thread-safe, with these guarantees to any number of threads sharing one instance:
 * <ul>
 *   <li>Every operation is atomic: it holds the backend's lock from its first read to its last write (and the
 *       state-file write), so {@link #apply} validates, plans and stores an endpoint as one step. Concurrent
 *       applies of the same name are serialised: the stored endpoint is always exactly one submitted spec, never
 *       a mixture, and it is the spec of the apply that took the lock last; each apply's {@link ApplyResult}
 *       describes the change it made from the state it saw.</li>
 *   <li>{@link #get}, {@link #list}, {@link #operations()} and {@link #endpoint} return snapshots that later
 *       writes do not change; {@link #operations()} lists writes in the order they took effect.</li>
 *   <li>{@link #awaitReady} releases the lock while it waits, so applies and deletes from other threads are seen
 *       (a delete ends the wait with NOT_FOUND).</li>
 *   <li>Between processes there is no such guarantee: two backends sharing one state file each keep their own
 *       view, and the file holds the last writer's.</li>
 * </ul>
 */
public final class InMemoryBackend implements Backend {

    /** The provider id. */
    public static final String ID = "in-memory";

    /** Shown instead of an environment value in a plan. */
    static final String HIDDEN = "(hidden)";
    private static final String ENV_PATH = "spec.model.env.";
    private static final String ARTIFACT_URI_PATH = "spec.model.artifactUri";

    /** What an operation did. */
    public enum OperationType {
        /** An endpoint was created. */
        CREATE,
        /** An endpoint was updated. */
        UPDATE,
        /** An endpoint was deleted. */
        DELETE
    }

    /**
     * One write made through this backend.
     *
     * @param type     what was done
     * @param endpoint the endpoint name
     * @param at       when, on the backend's clock
     */
    public record Operation(OperationType type, String endpoint, Instant at) {
    }

    /** One endpoint as kept in memory (and in the {@link InMemoryStateFile state file}). */
    static final class Stored {
        InferenceEndpoint endpoint;
        Instant createdAt;
        Instant readyAt;
        boolean updating;
        int desired;
        int previouslyReady;
        final Map<TargetType, BigDecimal> metrics = new EnumMap<>(TargetType.class);
    }

    private final Clock clock;
    private final Duration readyDelay;
    private final Capabilities capabilities;
    private final Map<String, Stored> endpoints = new TreeMap<>();
    private final List<Operation> operations = new ArrayList<>();
    private final InMemoryStateFile stateFile;

    private InMemoryBackend(Builder b) {
        this.clock = b.clock;
        this.readyDelay = b.readyDelay;
        this.capabilities = b.capabilities;
        this.stateFile = b.stateFile == null ? null : new InMemoryStateFile(b.stateFile);
        if (stateFile != null) {
            endpoints.putAll(stateFile.load());
        }
    }

    /** A builder: system clock, ready at once, every feature supported. */
    public static Builder builder() {
        return new Builder();
    }

    /** A backend with the defaults. */
    public static InMemoryBackend create() {
        return builder().build();
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    /** The endpoint itself as YAML: the in-memory backend's native form is the neutral document. */
    @Override
    public Rendering render(InferenceEndpoint endpoint) {
        ValidationReport report = requireValid(endpoint);
        // nothing applies this rendering, so environment values and URI credentials (possible secrets) are not printed
        ModelSpec.Builder model = endpoint.model().toBuilder();
        Map<String, String> hidden = new LinkedHashMap<>();
        endpoint.model().env().keySet().forEach(k -> hidden.put(k, HIDDEN));
        endpoint.model().artifactUri().ifPresent(u -> model.artifactUri(ModelSpec.redactedUri(u)));
        InferenceEndpoint shown = endpoint.toBuilder().model(model.env(hidden).build()).build();
        return new Rendering(ID, "yaml", EndpointCodec.toYaml(shown), notes(report));
    }

    @Override
    public synchronized Plan plan(InferenceEndpoint endpoint) {
        ValidationReport report = requireValid(endpoint);
        return planValid(endpoint, report);
    }

    private Plan planValid(InferenceEndpoint endpoint, ValidationReport report) {
        Stored s = endpoints.get(endpoint.name());
        List<Change> changes = new ArrayList<>();
        if (s == null) {
            changes.add(Change.create("InferenceEndpoint", endpoint.name()));
        } else if (!s.endpoint.equals(endpoint)) {
            changes.add(Change.update("InferenceEndpoint", endpoint.name(),
                    FieldChanges.diff(EndpointCodec.toTree(s.endpoint), EndpointCodec.toTree(endpoint)).stream()
                            .map(InMemoryBackend::hideSecrets).toList()));
        }
        return new Plan(endpoint.name(), ID, changes, notes(report));
    }

    /**
     * Environment values may be secrets: a plan names the variable that changes, never its values; an artifact
     * URI is shown without user info and query string.
     */
    private static FieldChange hideSecrets(FieldChange c) {
        if (c.path().equals(ARTIFACT_URI_PATH)) {
            return new FieldChange(c.path(), ModelSpec.redactedUri(c.before()), ModelSpec.redactedUri(c.after()));
        }
        if (!c.path().startsWith(ENV_PATH)) {
            return c;
        }
        return new FieldChange(c.path(), c.before() == null ? null : HIDDEN, c.after() == null ? null : HIDDEN);
    }

    private static List<Note> notes(ValidationReport report) {
        return report.warnings().stream().filter(p -> p.message().contains("approximates"))
                .map(p -> Note.approximated(p.path(), p.message())).toList();
    }

    @Override
    public synchronized ApplyResult apply(InferenceEndpoint endpoint) {
        ValidationReport report = requireValid(endpoint);
        Plan plan = planValid(endpoint, report);
        Instant now = clock.instant();
        if (!plan.isEmpty()) {
            Stored s = endpoints.get(endpoint.name());
            if (s == null) {
                s = new Stored();
                s.createdAt = now;
                s.desired = endpoint.autoscaling().minReplicas();
                s.previouslyReady = 0;
                s.updating = false;
                endpoints.put(endpoint.name(), s);
                operations.add(new Operation(OperationType.CREATE, endpoint.name(), now));
            } else {
                s.previouslyReady = readyReplicas(s, now);
                s.updating = true;
                s.desired = clamp(s.desired, endpoint.autoscaling().minReplicas(), endpoint.autoscaling().maxReplicas());
                operations.add(new Operation(OperationType.UPDATE, endpoint.name(), now));
            }
            s.endpoint = endpoint;
            s.readyAt = now.plus(readyDelay);
            save();
            notifyAll();
        }
        return new ApplyResult(plan, status(endpoints.get(endpoint.name()), now));
    }

    @Override
    public synchronized Optional<EndpointStatus> get(String name) {
        EndpointValidator.requireValidName(name);
        Stored s = endpoints.get(name);
        return s == null ? Optional.empty() : Optional.of(status(s, clock.instant()));
    }

    @Override
    public synchronized List<EndpointStatus> list() {
        Instant now = clock.instant();
        return endpoints.values().stream().map(s -> status(s, now)).toList();
    }

    /**
     * Waits until the endpoint is ready on this backend's clock. With a {@link ManualClock} the clock is
     * advanced instead of sleeping. An apply or delete during the wait is taken into account: a re-apply
     * moves the ready time (waited for when still within the timeout), a delete ends the wait with
     * NOT_FOUND.
     *
     * @throws BackendException NOT_FOUND when the endpoint does not exist (or is deleted while waiting),
     *                          TIMEOUT when it is not ready within {@code timeout}
     */
    @Override
    public synchronized EndpointStatus awaitReady(String name, Duration timeout) {
        EndpointValidator.requireValidName(name);
        Instant deadline;
        try {
            deadline = clock.instant().plus(timeout);
        } catch (java.time.DateTimeException | ArithmeticException tooLong) {
            deadline = Instant.MAX;
        }
        long startNanos = System.nanoTime();
        long timeoutNanos = saturatedNanos(timeout);
        while (true) {
            Stored s = endpoints.get(name);
            if (s == null) {
                throw BackendException.notFound(ID, name);
            }
            Instant now = clock.instant();
            if (!now.isBefore(s.readyAt)) {
                return status(s, now);
            }
            Duration remaining = Duration.between(now, s.readyAt);
            long waitedNanos = System.nanoTime() - startNanos;
            if (s.readyAt.isAfter(deadline) || waitedNanos >= timeoutNanos) {
                throw new BackendException(ID, BackendException.Reason.TIMEOUT, "endpoint '" + name + "' not ready after "
                        + timeout + " (ready in " + remaining + ")");
            }
            if (clock instanceof ManualClock manual) {
                manual.advance(remaining);
                continue;
            }
            try {
                // woken early by apply/delete (notifyAll); a clock that does not move is bounded by the real-time timeout
                wait(Math.max(1, Math.min(remaining.toMillis(), (timeoutNanos - waitedNanos) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackendException(ID, BackendException.Reason.TIMEOUT, "interrupted while waiting for '" + name + "'", e);
            }
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public synchronized boolean delete(String name) {
        EndpointValidator.requireValidName(name);
        Stored s = endpoints.remove(name);
        if (s == null) {
            return false;
        }
        operations.add(new Operation(OperationType.DELETE, name, clock.instant()));
        save();
        notifyAll();
        return true;
    }

    /**
     * Emulates the autoscaler choosing a replica count.
     *
     * @throws BackendException NOT_FOUND when the endpoint does not exist
     * @throws IllegalArgumentException when {@code replicas} is outside the endpoint's range
     */
    public synchronized void scale(String name, int replicas) {
        Stored s = stored(name);
        int min = s.endpoint.autoscaling().minReplicas();
        int max = s.endpoint.autoscaling().maxReplicas();
        if (replicas < min || replicas > max) {
            throw new IllegalArgumentException(replicas + " replicas is outside " + name + "'s range " + min + ".." + max);
        }
        s.desired = replicas;
        save();
    }

    /**
     * Emulates a metric observation, shown as the current value in {@link EndpointStatus#metrics()} in the
     * target's unit ({@code 45} for a percentage target shows as {@code 45%}). Saved to the state file.
     *
     * @throws BackendException NOT_FOUND when the endpoint does not exist
     */
    public synchronized void observe(String name, TargetType type, BigDecimal current) {
        stored(name).metrics.put(type, current);
        save();
    }

    /** Every write made so far, oldest first. */
    public synchronized List<Operation> operations() {
        return List.copyOf(operations);
    }

    /** The endpoint as stored, or empty. */
    public synchronized Optional<InferenceEndpoint> endpoint(String name) {
        EndpointValidator.requireValidName(name);
        Stored s = endpoints.get(name);
        return s == null ? Optional.empty() : Optional.of(s.endpoint);
    }

    private Stored stored(String name) {
        EndpointValidator.requireValidName(name);
        Stored s = endpoints.get(name);
        if (s == null) {
            throw BackendException.notFound(ID, name);
        }
        return s;
    }

    private static int clamp(int v, int min, int max) {
        return Math.max(min, Math.min(max, v));
    }

    private int readyReplicas(Stored s, Instant now) {
        boolean settled = !now.isBefore(s.readyAt);
        return settled ? s.desired : s.previouslyReady;
    }

    private EndpointStatus status(Stored s, Instant now) {
        boolean settled = !now.isBefore(s.readyAt);
        EndpointState state = settled ? EndpointState.READY : s.updating ? EndpointState.UPDATING : EndpointState.CREATING;
        InferenceEndpoint e = s.endpoint;
        EndpointStatus.Builder b = EndpointStatus.builder(e.name(), ID)
                .state(state)
                .model(e.model().reference())
                .replicaRange(e.autoscaling().minReplicas(), e.autoscaling().maxReplicas())
                .replicas(readyReplicas(s, now), s.desired)
                .createdAt(s.createdAt)
                .condition(new Condition("Ready", settled ? "True" : "False", settled ? "Ready" : state.name(), ""));
        for (ScalingTarget t : e.autoscaling().targets()) {
            BigDecimal current = s.metrics.get(t.type());
            b.metric(new MetricStatus(t.type().field(), current == null ? null : display(current, t.type()), display(t.value(), t.type())));
        }
        return b.build();
    }

    private static String display(BigDecimal v, TargetType type) {
        String n = v.stripTrailingZeros().toPlainString();
        return type.isPercentage() ? n + "%" : n;
    }

    private void save() {
        if (stateFile != null) {
            stateFile.save(endpoints);
        }
    }

    @Override
    public synchronized String toString() {
        return "InMemoryBackend{endpoints=" + endpoints.keySet() + ", readyDelay=" + readyDelay + "}";
    }

    /** Builds an {@link InMemoryBackend}. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private Duration readyDelay = Duration.ZERO;
        private Capabilities capabilities = Capabilities.all();
        private Path stateFile;

        private Builder() {
        }

        /**
         * A file to load endpoints from when the backend is built and to save them to after every write,
         * so separate processes (CLI invocations) share state. Default: none (memory only).
         */
        public Builder stateFile(Path stateFile) {
            this.stateFile = stateFile;
            return this;
        }

        /** The clock that decides when endpoints become ready; a {@link ManualClock} makes waiting instant. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long after an apply the endpoint becomes ready (default zero), on the backend's clock.
         *
         * @throws IllegalArgumentException when negative
         */
        public Builder readyDelay(Duration readyDelay) {
            if (readyDelay.isNegative()) {
                throw new IllegalArgumentException("readyDelay must not be negative: " + readyDelay);
            }
            this.readyDelay = readyDelay;
            return this;
        }

        /** What this backend claims to honour (default: everything), to test capability handling. */
        public Builder capabilities(Capabilities capabilities) {
            this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
            return this;
        }

        /**
         * The backend, with the endpoints of the state file when one is set and exists.
         *
         * @throws BackendException CONFIGURATION when the state file cannot be read, naming the file and what is wrong
         */
        public InMemoryBackend build() {
            return new InMemoryBackend(this);
        }
    }
}
