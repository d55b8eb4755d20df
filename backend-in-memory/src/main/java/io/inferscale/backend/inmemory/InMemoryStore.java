package io.inferscale.backend.inmemory;

import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.TargetType;
import io.inferscale.backend.inmemory.InMemoryBackend.Operation;
import io.inferscale.backend.inmemory.InMemoryBackend.OperationType;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the in-memory backend has instead of a cloud: the endpoints by name, the log of writes and the optional
 * {@link InMemoryStateFile}. It plays two of the parts every backend has: the live reader ({@link #get},
 * {@link #all}) and the executor ({@link #create}, {@link #update}, {@link #delete}: each write is logged as an
 * {@link Operation} and saved to the state file; {@link #scale} and {@link #save} serve the autoscaler and metrics a
 * test plays). There are no clients (nothing is remote).
 *
 * <p>Not thread-safe on its own: its monitor is the backend's lock, and every caller holds it
 * ({@code synchronized (store)}), so an operation is atomic from its first read to its last write;
 * {@link InMemoryWaits} waits on it and the writes {@code notifyAll} waiters.
 */
final class InMemoryStore {

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

    private final Map<String, Stored> endpoints = new TreeMap<>();
    private final List<Operation> operations = new ArrayList<>();
    private final InMemoryStateFile stateFile;

    /**
     * A store with the endpoints of {@code stateFile} when it is set and exists.
     *
     * @throws BackendException CONFIGURATION when the state file cannot be read (see {@link InMemoryStateFile#load})
     */
    InMemoryStore(InMemoryStateFile stateFile) {
        this.stateFile = stateFile;
        if (stateFile != null) {
            endpoints.putAll(stateFile.load());
        }
    }

    /** The endpoint named {@code name}, or empty. */
    Optional<Stored> get(String name) {
        return Optional.ofNullable(endpoints.get(name));
    }

    /**
     * The endpoint named {@code name}.
     *
     * @throws BackendException NOT_FOUND when it does not exist
     */
    Stored require(String name) {
        return get(name).orElseThrow(() -> BackendException.notFound(InMemorySettings.ID, name));
    }

    /** Every endpoint, by name. */
    List<Stored> all() {
        return List.copyOf(endpoints.values());
    }

    /** The names, for {@code toString}. */
    String names() {
        return endpoints.keySet().toString();
    }

    /** Every write so far, oldest first. */
    List<Operation> operations() {
        return List.copyOf(operations);
    }

    /** Creates {@code endpoint}: {@code minReplicas} desired, none ready, ready at {@code readyAt}. */
    Stored create(InferenceEndpoint endpoint, Instant now, Instant readyAt) {
        Stored s = new Stored();
        s.endpoint = endpoint;
        s.createdAt = now;
        s.readyAt = readyAt;
        s.desired = endpoint.autoscaling().minReplicas();
        endpoints.put(endpoint.name(), s);
        return written(s, OperationType.CREATE, now);
    }

    /**
     * Replaces an endpoint's spec: {@code UPDATING} until {@code readyAt} with the replicas that were ready before; the
     * desired count stays where the autoscaler put it, clamped to the new range.
     */
    Stored update(Stored s, InferenceEndpoint endpoint, Instant now, Instant readyAt) {
        s.previouslyReady = InMemoryStatusMapper.readyReplicas(s, now);
        s.updating = true;
        s.desired = Math.max(endpoint.autoscaling().minReplicas(), Math.min(endpoint.autoscaling().maxReplicas(), s.desired));
        s.endpoint = endpoint;
        s.readyAt = readyAt;
        return written(s, OperationType.UPDATE, now);
    }

    /** Deletes the endpoint named {@code name}; false when there is none. */
    boolean delete(String name, Instant now) {
        Stored s = endpoints.remove(name);
        if (s != null) {
            written(s, OperationType.DELETE, now);
        }
        return s != null;
    }

    /**
     * Sets the desired replica count, as the autoscaler would (not logged as an operation: InferScale did not write it).
     *
     * @throws BackendException NOT_FOUND when the endpoint does not exist
     * @throws IllegalArgumentException when {@code replicas} is outside the endpoint's range
     */
    void scale(String name, int replicas) {
        Stored s = require(name);
        int min = s.endpoint.autoscaling().minReplicas();
        int max = s.endpoint.autoscaling().maxReplicas();
        if (replicas < min || replicas > max) {
            throw new IllegalArgumentException(replicas + " replicas is outside " + name + "'s range " + min + ".." + max);
        }
        s.desired = replicas;
        save();
    }

    private Stored written(Stored s, OperationType type, Instant now) {
        operations.add(new Operation(type, s.endpoint.name(), now));
        save();
        notifyAll();
        return s;
    }

    /** Rewrites the state file, if any, after a change made outside {@link #create}/{@link #update}/{@link #delete}. */
    void save() {
        if (stateFile != null) {
            stateFile.save(endpoints);
        }
    }
}
