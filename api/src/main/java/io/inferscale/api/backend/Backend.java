package io.inferscale.api.backend;

import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.validation.EndpointValidator;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.Suggestions;
import io.inferscale.api.validation.ValidationReport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One deployment target (a cluster, an account and region, a project and location), created by a
 * {@link BackendProvider}. The guarantees below hold for every backend; a backend's own Javadoc adds only what is
 * specific to its cloud. Backends extend {@link AbstractBackend}, which implements the shared parts once.
 *
 * <h2>Validation</h2>
 * Every operation that takes an endpoint validates it first (the neutral rules, this backend's capabilities, its
 * options under {@code spec.backends.<id>} and its own limits) and throws {@link InvalidEndpointException} naming
 * each field and its fix before any call to the cloud. Every operation that takes a name checks it first the same
 * way. An endpoint is validated and translated once per call.
 *
 * <h2>Idempotency and re-runs</h2>
 * {@link #apply} of an unchanged endpoint makes no write calls, and {@link #delete} of an absent one returns false
 * without writing. When a multi-step {@code apply} or {@code delete} fails part-way, the {@link BackendException}
 * names the step ({@link BackendException#step()}) and re-running the same operation is safe: it continues from the
 * state the failed run left (apply converges to the spec; delete removes whatever is left). Cloud failures surface
 * as {@link BackendException} with a {@link BackendException.Reason}; credentials never appear in messages,
 * {@code toString} or logs.
 *
 * <h2>Concurrency</h2>
 * Implementations are thread-safe: one instance serves any number of threads. Concurrent applies of the same
 * endpoint (threads or processes) work in bounded rounds ({@link ConvergenceBudget}): each round reads the live
 * state, writes what differs and reads back; when another writer changed something meanwhile, another round
 * follows after a random pause. An apply that returns normally saw its own spec complete after its last write, so
 * when the racing applies all return normally the endpoint is exactly the spec of the apply that wrote last, never
 * a mixture. An apply that is outrun in every round throws a retryable {@code CONFLICT} at its step; until an
 * apply is re-run the state may then mix the racing specs. Different endpoints do not interact.
 *
 * <h2>Fleets</h2>
 * {@link #applyAll} and {@link #planAll} take many endpoints at once: every endpoint is validated before the first
 * cloud call (one {@link InvalidEndpointException} names every invalid endpoint and nothing is applied), then they are
 * worked through with bounded concurrency ({@link FleetOptions}) and each endpoint gets its own outcome: one failure
 * does not lose the others' results. Each endpoint has the guarantees of {@link #apply}, including the concurrency
 * guarantee above; a backend may read the live state of the whole fleet with fewer, larger requests (list calls
 * instead of one read per object), as its Javadoc says.
 *
 * <p>Close the backend to release its clients.
 */
public interface Backend extends AutoCloseable {

    /** The backend id, e.g. {@code kubernetes}. */
    String id();

    /** What this backend honours, with this configuration. */
    Capabilities capabilities();

    /** The options this backend reads from {@code spec.backends.<id>}; others are rejected by name. */
    default List<OptionKey> optionKeys() {
        return List.of();
    }

    /**
     * Every problem with an endpoint on this backend: the neutral rules, unsupported or approximated
     * features, and unknown options under {@code spec.backends.<id>}. Pure: no I/O. Implementations
     * add their own rules to this default and keep it. Every backend accepts the per-backend overrides
     * ({@link BackendOverrides}); the capability check sees the endpoint with them applied.
     */
    default ValidationReport validate(InferenceEndpoint endpoint) {
        List<Problem> unknown = new ArrayList<>();
        List<String> names = java.util.stream.Stream.concat(optionKeys().stream(), BackendOverrides.OPTION_KEYS.stream()).map(OptionKey::name).toList();
        for (String key : endpoint.backends().of(id()).keySet()) {
            if (!names.contains(key)) {
                String known = names.isEmpty() ? "this backend reads no options" : "known options: " + String.join(", ", names);
                unknown.add(Problem.error("spec.backends." + id() + "." + key, "unknown option for backend '" + id() + "'"
                        + Suggestions.closest(key, names).map(s -> "; did you mean '" + s + "'? " + known).orElse("; " + known)));
            }
        }
        InferenceEndpoint effective;
        try {
            effective = BackendOverrides.apply(endpoint, id());
        } catch (io.inferscale.api.InvalidEndpointException e) {
            return EndpointValidator.validate(endpoint).and(e.report()).and(ValidationReport.of(unknown));
        }
        // the neutral rules read the document as written (an override's problems are named by its own path); the
        // capabilities see what this backend will run
        return EndpointValidator.validate(endpoint)
                .and(capabilities().check(effective, id()))
                .and(ValidationReport.of(unknown));
    }

    /**
     * Validates and throws when there are errors.
     *
     * @return the report, which may hold warnings
     * @throws InvalidEndpointException when the endpoint has errors on this backend
     */
    default ValidationReport requireValid(InferenceEndpoint endpoint) {
        ValidationReport report = validate(endpoint);
        report.throwIfErrors("endpoint '" + endpoint.name() + "' on backend '" + id() + "'");
        return report;
    }

    /**
     * The native desired state, offline: no credentials or network needed.
     *
     * @throws InvalidEndpointException when the endpoint is invalid on this backend
     */
    Rendering render(InferenceEndpoint endpoint);

    /**
     * The ordered changes that {@link #apply} would make. Only reads.
     *
     * @throws InvalidEndpointException when the endpoint is invalid on this backend
     * @throws BackendException         when the live state cannot be read
     */
    Plan plan(InferenceEndpoint endpoint);

    /**
     * Creates or updates the endpoint. Idempotent: applying an unchanged endpoint makes no write calls.
     * Returns once the changes are accepted, not necessarily ready; see {@link #awaitReady}.
     *
     * @throws InvalidEndpointException when the endpoint is invalid on this backend
     * @throws BackendException         when the backend refuses or fails
     */
    ApplyResult apply(InferenceEndpoint endpoint);

    /**
     * {@link #applyAll(Collection, FleetOptions)} with {@link FleetOptions#DEFAULT} ({@value
     * FleetOptions#DEFAULT_CONCURRENCY} endpoints at a time).
     */
    default FleetResult<ApplyResult> applyAll(Collection<InferenceEndpoint> endpoints) {
        return applyAll(endpoints, FleetOptions.DEFAULT);
    }

    /**
     * Creates or updates every endpoint of a fleet, at most {@code options.concurrency()} at a time. Every endpoint is
     * validated first; then each is applied with the guarantees of {@link #apply} (idempotent, safe to re-run, the
     * concurrency guarantee). A backend may plan the whole fleet from list calls instead of one read per object.
     * The default validates every endpoint with {@link #requireValid} and calls {@link #apply} for each;
     * {@link AbstractBackend} backends validate and translate each endpoint once and may read the fleet in bulk.
     *
     * @param endpoints the endpoints, each name at most once; may be empty
     * @param options   how many endpoints at a time
     * @return one outcome per endpoint in the order given: its {@link ApplyResult} (with its warnings) or the
     *         {@link BackendException} that stopped it, whose message names the endpoint (and its step, when a
     *         multi-step apply stopped part-way: re-running is safe)
     * @throws InvalidEndpointException before any cloud call, when any endpoint is invalid on this backend or a name
     *                                  appears twice; its report holds every endpoint's problems, each message starting
     *                                  with the endpoint's name
     */
    default FleetResult<ApplyResult> applyAll(Collection<InferenceEndpoint> endpoints, FleetOptions options) {
        return eachValidated(endpoints, options, "apply", this::apply);
    }

    /**
     * {@link #planAll(Collection, FleetOptions)} with {@link FleetOptions#DEFAULT} ({@value
     * FleetOptions#DEFAULT_CONCURRENCY} endpoints at a time).
     */
    default FleetResult<Plan> planAll(Collection<InferenceEndpoint> endpoints) {
        return planAll(endpoints, FleetOptions.DEFAULT);
    }

    /**
     * The plans {@link #applyAll} would carry out, at most {@code options.concurrency()} endpoints at a time. Only reads.
     * Validation and outcomes as {@link #applyAll(Collection, FleetOptions)}; the default calls {@link #plan} for each.
     *
     * @param endpoints the endpoints, each name at most once; may be empty
     * @param options   how many endpoints at a time
     * @return one outcome per endpoint in the order given: its {@link Plan} or the {@link BackendException} (naming the
     *         endpoint) when its live state could not be read
     * @throws InvalidEndpointException before any cloud call, as {@link #applyAll(Collection, FleetOptions)}
     */
    default FleetResult<Plan> planAll(Collection<InferenceEndpoint> endpoints, FleetOptions options) {
        return eachValidated(endpoints, options, "plan", this::plan);
    }

    /** The defaults of applyAll and planAll: every endpoint validated, then {@code work} for each on the bounded pool. */
    private <T> FleetResult<T> eachValidated(Collection<InferenceEndpoint> endpoints, FleetOptions options, String operation,
                                             java.util.function.Function<InferenceEndpoint, T> work) {
        List<InferenceEndpoint> fleet = FleetRunner.distinct(endpoints, id());
        Map<String, ValidationReport> reports = new LinkedHashMap<>();
        fleet.forEach(e -> reports.put(e.name(), validate(e)));
        FleetRunner.throwIfAnyInvalid(reports, id());
        return FleetRunner.run(fleet, InferenceEndpoint::name, options, id(), operation, work);
    }

    /** The status of one endpoint, or empty when it does not exist. */
    Optional<EndpointStatus> get(String name);

    /** The status of every endpoint this backend manages (created by InferScale), sorted by name. */
    List<EndpointStatus> list();

    /**
     * The status of one endpoint.
     *
     * @throws BackendException with {@link BackendException.Reason#NOT_FOUND} when it does not exist
     */
    default EndpointStatus status(String name) {
        return get(name).orElseThrow(() -> BackendException.notFound(id(), name));
    }

    /**
     * Waits until the endpoint is ready.
     *
     * @param timeout how long to wait at most
     * @return the ready status
     * @throws BackendException {@link BackendException.Reason#TIMEOUT} when not ready in time,
     *                          {@link BackendException.Reason#FAILED} when the endpoint failed (with the backend's reason),
     *                          {@link BackendException.Reason#NOT_FOUND} when it does not exist
     */
    EndpointStatus awaitReady(String name, Duration timeout);

    /**
     * Waits until the endpoint is ready, reporting each newly observed status to {@code progress} as the backend's
     * own watch, waiter or poll loop sees it. The default reports nothing and calls {@link #awaitReady(String,
     * Duration)}; {@link AbstractBackend} backends report.
     *
     * @throws BackendException as {@link #awaitReady(String, Duration)}
     */
    default EndpointStatus awaitReady(String name, Duration timeout, ProgressListener progress) {
        return awaitReady(name, timeout);
    }

    /**
     * Deletes the endpoint and every resource InferScale created for it. Idempotent.
     *
     * @return true when something was deleted, false when nothing existed
     */
    boolean delete(String name);

    /** Releases clients; the default does nothing. */
    @Override
    default void close() {
    }
}
