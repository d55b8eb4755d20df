package io.inferscale.backend.inmemory;

import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.Secrets;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.AbstractBackend;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.Note;
import io.inferscale.api.backend.OptionKey;
import io.inferscale.api.backend.Plan;
import io.inferscale.api.backend.PreparedEndpoint;
import io.inferscale.api.backend.ProgressListener;
import io.inferscale.api.backend.Rendering;
import io.inferscale.api.backend.Translation;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.validation.EndpointValidator;
import io.inferscale.backend.inmemory.InMemoryStore.Stored;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
 * a lookup. {@link #render} and {@link #plan} show environment values as {@link Secrets#HIDDEN} (they may be
 * secrets) and the artifact URI without user info or query string ({@link ModelSpec#redactedUri});
 * {@link #toString()} shows endpoint names only. {@link #awaitReady(String, Duration, ProgressListener)} reports
 * each newly observed status (e.g. {@code CREATING 0/1}, then {@code READY 1/1}).
 *
 * <h2>Parts</h2>
 * The smallest backend built from the parts every backend has (see {@code docs/architecture.md}), a facade over:
 * {@link InMemorySettings} (id, configuration keys, capabilities, parsed configuration); {@code InMemoryStore} (what
 * this backend has instead of a cloud and its clients: the endpoints, the write log and the state file, playing the
 * live reader and the executor); {@code InMemoryPlanner} (the pure diff of the desired and the stored document);
 * {@code InMemoryWaits} (waiting on the store's monitor, or advancing a {@link ManualClock}); and
 * {@code InMemoryStatusMapper} (stored endpoint to {@link EndpointStatus}). The translator is one line of
 * {@link #translate} (the native form of this backend is the neutral document, overrides applied), so it stays a
 * method; there are no clients, no error mapping (the store throws only NOT_FOUND and the waits TIMEOUT) and no
 * convergence rounds (one lock makes each operation atomic).
 *
 * <h2>Concurrency</h2>
 * Thread-safe, with these guarantees to any number of threads sharing one instance:
 * <ul>
 *   <li>Every operation is atomic: it holds the backend's lock (the store's monitor) from its first read to its last
 *       write (and the state-file write), so {@link #apply} plans and stores an endpoint as one step (validation,
 *       which reads no state, comes before). Concurrent applies of the same name are serialised: the stored endpoint
 *       is always exactly one submitted spec, never a mixture, and it is the spec of the apply that took the lock
 *       last; each apply's {@link ApplyResult} describes the change it made from the state it saw.</li>
 *   <li>{@link #get}, {@link #list}, {@link #operations()} and {@link #endpoint} return snapshots that later
 *       writes do not change; {@link #operations()} lists writes in the order they took effect.</li>
 *   <li>{@link #awaitReady} releases the lock while it waits, so applies and deletes from other threads are seen
 *       (a delete ends the wait with NOT_FOUND).</li>
 *   <li>Between processes there is no such guarantee: two backends sharing one state file each keep their own
 *       view, and the file holds the last writer's.</li>
 * </ul>
 */
public final class InMemoryBackend extends AbstractBackend<InferenceEndpoint> {

    /** The provider id. */
    public static final String ID = InMemorySettings.ID;

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

    private final InMemorySettings settings;
    private final Clock clock;
    private final InMemoryStore store;
    private final InMemoryWaits waits;

    InMemoryBackend(InMemorySettings settings, Clock clock) {
        super(ID, settings.capabilities(), List.<OptionKey>of());
        this.settings = settings;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.store = new InMemoryStore(settings.stateFileIfSet().map(InMemoryStateFile::new).orElse(null));
        this.waits = new InMemoryWaits(store, clock);
    }

    /** A builder: system clock, ready at once, every feature supported. */
    public static Builder builder() {
        return new Builder();
    }

    /** A backend with the defaults. */
    public static InMemoryBackend create() {
        return builder().build();
    }

    /** The translator: the native desired state is the endpoint itself, with its overrides applied. */
    @Override
    protected Translation<InferenceEndpoint> translate(InferenceEndpoint effective) {
        return Translation.of(effective, List.of());
    }

    /** The endpoint as YAML, environment values and URI credentials hidden (nothing applies a rendering). */
    @Override
    protected Rendering render(PreparedEndpoint<InferenceEndpoint> endpoint) {
        InferenceEndpoint desired = endpoint.desired();
        ModelSpec.Builder model = desired.model().toBuilder();
        Map<String, String> hidden = new LinkedHashMap<>();
        desired.model().env().keySet().forEach(k -> hidden.put(k, Secrets.HIDDEN));
        desired.model().artifactUri().ifPresent(u -> model.artifactUri(ModelSpec.redactedUri(u)));
        InferenceEndpoint shown = desired.toBuilder().model(model.env(hidden).build()).build();
        return new Rendering(ID, "yaml", EndpointCodec.toYaml(shown), notes(endpoint));
    }

    @Override
    protected Plan plan(PreparedEndpoint<InferenceEndpoint> endpoint) {
        synchronized (store) {
            return InMemoryPlanner.plan(endpoint.desired(), store.get(endpoint.name()).map(s -> s.endpoint).orElse(null), notes(endpoint));
        }
    }

    /** The capability approximations among the validation warnings, as the notes of a plan or rendering. */
    private static List<Note> notes(PreparedEndpoint<InferenceEndpoint> endpoint) {
        return endpoint.warnings().stream().filter(p -> p.message().contains("approximates"))
                .map(p -> Note.approximated(p.path(), p.message())).toList();
    }

    @Override
    protected ApplyResult apply(PreparedEndpoint<InferenceEndpoint> endpoint) {
        synchronized (store) {
            Optional<Stored> live = store.get(endpoint.name());
            InferenceEndpoint desired = endpoint.desired();
            Plan plan = InMemoryPlanner.plan(desired, live.map(s -> s.endpoint).orElse(null), notes(endpoint));
            Instant now = clock.instant();
            Stored s = live.orElse(null);
            if (!plan.isEmpty()) {
                Instant readyAt = now.plus(settings.readyDelay());
                s = s == null ? store.create(desired, now, readyAt) : store.update(s, desired, now, readyAt);
            }
            return new ApplyResult(plan, InMemoryStatusMapper.status(s, now));
        }
    }

    @Override
    protected Optional<EndpointStatus> read(String name) {
        synchronized (store) {
            Instant now = clock.instant();
            return store.get(name).map(s -> InMemoryStatusMapper.status(s, now));
        }
    }

    @Override
    public List<EndpointStatus> list() {
        synchronized (store) {
            Instant now = clock.instant();
            return store.all().stream().map(s -> InMemoryStatusMapper.status(s, now)).toList();
        }
    }

    /**
     * Waits until the endpoint is ready on this backend's clock, reporting each newly observed status. With a
     * {@link ManualClock} the clock is advanced instead of sleeping (to the deadline when the endpoint would be ready
     * only after it). An apply or delete during the wait is taken into account: a re-apply moves the ready time
     * (waited for when still within the timeout), a delete ends the wait with NOT_FOUND.
     *
     * @throws BackendException NOT_FOUND when the endpoint does not exist (or is deleted while waiting),
     *                          TIMEOUT when it is not ready within {@code timeout}, with the last observed state
     */
    @Override
    protected EndpointStatus waitUntilReady(String name, Duration timeout, ProgressListener progress) {
        return waits.awaitReady(name, timeout, progress);
    }

    @Override
    protected boolean remove(String name) {
        synchronized (store) {
            return store.delete(name, clock.instant());
        }
    }

    /**
     * Emulates the autoscaler choosing a replica count.
     *
     * @throws BackendException NOT_FOUND when the endpoint does not exist
     * @throws IllegalArgumentException when {@code replicas} is outside the endpoint's range
     */
    public void scale(String name, int replicas) {
        EndpointValidator.requireValidName(name);
        synchronized (store) {
            store.scale(name, replicas);
        }
    }

    /**
     * Emulates a metric observation, shown as the current value in {@link EndpointStatus#metrics()} in the
     * target's unit ({@code 45} for a percentage target shows as {@code 45%}). Saved to the state file.
     *
     * @throws BackendException NOT_FOUND when the endpoint does not exist
     */
    public void observe(String name, TargetType type, BigDecimal current) {
        EndpointValidator.requireValidName(name);
        synchronized (store) {
            store.require(name).metrics.put(type, current);
            store.save();
        }
    }

    /** Every write made so far, oldest first. */
    public List<Operation> operations() {
        synchronized (store) {
            return store.operations();
        }
    }

    /** The endpoint as stored (its {@code spec.backends.in-memory} overrides applied), or empty. */
    public Optional<InferenceEndpoint> endpoint(String name) {
        EndpointValidator.requireValidName(name);
        synchronized (store) {
            return store.get(name).map(s -> s.endpoint);
        }
    }

    @Override
    public String toString() {
        synchronized (store) {
            return "InMemoryBackend{endpoints=" + store.names() + ", readyDelay=" + settings.readyDelay() + "}";
        }
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
            this.readyDelay = InMemorySettings.requireNotNegative(readyDelay);
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
            return new InMemoryBackend(new InMemorySettings(readyDelay, capabilities, stateFile), clock);
        }
    }
}
