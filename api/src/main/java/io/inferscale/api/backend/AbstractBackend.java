package io.inferscale.api.backend;

import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.validation.EndpointValidator;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The template every backend extends: it implements the shared contract of {@link Backend} once, and a backend
 * supplies only what is specific to its cloud through the protected hooks.
 *
 * <ul>
 *   <li>{@link #validate} = the {@link Backend#validate neutral rules, capabilities and option keys} plus the
 *       backend's own rules ({@link #validateNative}) on the endpoint with its overrides applied.</li>
 *   <li>{@link #render}, {@link #plan} and {@link #apply} prepare the endpoint once: validate (throwing
 *       {@link InvalidEndpointException} before any cloud call), apply the {@code spec.backends.<id>} overrides,
 *       {@link #translate} once, and hand the {@link PreparedEndpoint} to {@link #render(PreparedEndpoint)},
 *       {@link #plan(PreparedEndpoint)} or {@link #apply(PreparedEndpoint)}. {@code apply} adds the validation
 *       warnings to its {@link ApplyResult}.</li>
 *   <li>{@link #applyAll(Collection, FleetOptions)} and {@link #planAll(Collection, FleetOptions)} prepare every
 *       endpoint first (one {@link InvalidEndpointException} for the whole fleet, before any cloud call) and hand the
 *       list to {@link #applyFleet} or {@link #planFleet}, which by default call {@link #apply(PreparedEndpoint)} or
 *       {@link #plan(PreparedEndpoint)} per endpoint on a bounded pool ({@link #forEachEndpoint}); a backend overrides
 *       them to read the fleet's live state in bulk.</li>
 *   <li>{@link #get}, {@link #awaitReady} and {@link #delete} check the name once
 *       ({@link EndpointValidator#requireValidName}) and call {@link #read}, {@link #waitUntilReady} and
 *       {@link #remove}.</li>
 * </ul>
 *
 * <p>The parts behind the hooks have the same names in every backend: {@code <Cloud>Settings} (configuration,
 * capabilities, option keys), {@code <Cloud>Clients} (the cloud's SDK clients, created lazily),
 * {@code <Cloud>Translator} (pure: endpoint to {@link Translation}), a live-state reader, a planner (pure: desired
 * x live to the steps of a {@link Plan}), an executor (the writes, each failure wrapped with its step by
 * {@link BackendException#atStep}), waits, and status mapping. Apply and delete loops spend one
 * {@link ConvergenceBudget}. See {@code docs/architecture.md}.
 *
 * @param <D> the backend's native desired-state type
 */
public abstract class AbstractBackend<D> implements Backend {

    private final String id;
    private final Capabilities capabilities;
    private final List<OptionKey> optionKeys;

    /**
     * @param id           the backend id ({@link BackendProvider#id()})
     * @param capabilities what the backend honours with its configuration
     * @param optionKeys   the options it reads from {@code spec.backends.<id>}
     */
    protected AbstractBackend(String id, Capabilities capabilities, List<OptionKey> optionKeys) {
        this.id = Objects.requireNonNull(id, "id");
        this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
        this.optionKeys = List.copyOf(optionKeys);
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public final List<OptionKey> optionKeys() {
        return optionKeys;
    }

    // ---- the shared contract -------------------------------------------------------------------------------------

    /** Every problem: the neutral rules, capabilities and option keys, then {@link #validateNative}. Pure. */
    @Override
    public final ValidationReport validate(InferenceEndpoint endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        return validate(endpoint, BackendOverrides.applyIfWellFormed(endpoint, id));
    }

    /** {@link #validate(InferenceEndpoint)} with the overrides already applied ({@code effective}). */
    private ValidationReport validate(InferenceEndpoint endpoint, InferenceEndpoint effective) {
        ValidationReport base = Backend.super.validate(endpoint);
        return ValidationReport.of(base.problems().stream().filter(p -> p.isError() || !honoursExactly(p, effective)).toList())
                .and(validateNative(effective));
    }

    /**
     * True when a warning of the default rules (an approximated capability) does not apply to this endpoint because the
     * backend honours its value exactly (e.g. a stabilization window equal to the backend's fixed one); such a warning
     * is dropped. Errors are never dropped. Default: false.
     */
    protected boolean honoursExactly(Problem warning, InferenceEndpoint effective) {
        return false;
    }

    /**
     * Validates once (throwing on errors), applies the overrides once and translates once.
     *
     * @throws InvalidEndpointException when the endpoint or its translation has errors on this backend
     */
    protected final PreparedEndpoint<D> prepare(InferenceEndpoint endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        // without errors the overrides are well formed, so this is the endpoint the backend runs
        InferenceEndpoint effective = BackendOverrides.applyIfWellFormed(endpoint, id);
        ValidationReport report = validate(endpoint, effective);
        report.throwIfErrors("endpoint '" + endpoint.name() + "' on backend '" + id + "'");
        Translation<D> translation = Objects.requireNonNull(translate(effective), "translate returned null");
        report = report.and(translation.problems());
        report.throwIfErrors("endpoint '" + endpoint.name() + "' on backend '" + id + "'");
        return new PreparedEndpoint<>(endpoint, effective, translation, report);
    }

    @Override
    public final Rendering render(InferenceEndpoint endpoint) {
        return render(prepare(endpoint));
    }

    @Override
    public final Plan plan(InferenceEndpoint endpoint) {
        return plan(prepare(endpoint));
    }

    @Override
    public final ApplyResult apply(InferenceEndpoint endpoint) {
        PreparedEndpoint<D> prepared = prepare(endpoint);
        return apply(prepared).withWarnings(prepared.warnings());
    }

    /**
     * Prepares every endpoint (validation, overrides, translation: once each), then {@link #applyFleet}; each result
     * carries its endpoint's warnings. See {@link Backend#applyAll(Collection, FleetOptions)}.
     */
    @Override
    public final FleetResult<ApplyResult> applyAll(Collection<InferenceEndpoint> endpoints, FleetOptions options) {
        Objects.requireNonNull(options, "options");
        List<PreparedEndpoint<D>> prepared = prepareAll(endpoints);
        FleetResult<ApplyResult> applied = applyFleet(prepared, options);
        List<EndpointOutcome<ApplyResult>> outcomes = new ArrayList<>();
        if (applied.outcomes().size() != prepared.size()) {
            throw new IllegalStateException("applyFleet returned " + applied.outcomes().size() + " outcomes for " + prepared.size() + " endpoints");
        }
        for (int i = 0; i < prepared.size(); i++) {
            EndpointOutcome<ApplyResult> o = applied.outcomes().get(i);
            if (!o.name().equals(prepared.get(i).name())) {
                throw new IllegalStateException("applyFleet returned the outcomes out of order: '" + o.name() + "' at " + i);
            }
            outcomes.add(o.succeeded() ? EndpointOutcome.succeeded(o.name(), o.result().withWarnings(prepared.get(i).warnings())) : o);
        }
        return new FleetResult<>(outcomes);
    }

    /** Prepares every endpoint, then {@link #planFleet}. See {@link Backend#planAll(Collection, FleetOptions)}. */
    @Override
    public final FleetResult<Plan> planAll(Collection<InferenceEndpoint> endpoints, FleetOptions options) {
        Objects.requireNonNull(options, "options");
        return planFleet(prepareAll(endpoints), options);
    }

    /**
     * Every endpoint prepared ({@link #prepare}), or one {@link InvalidEndpointException} naming every invalid one.
     *
     * @throws InvalidEndpointException when any endpoint is invalid or a name appears twice
     */
    private List<PreparedEndpoint<D>> prepareAll(Collection<InferenceEndpoint> endpoints) {
        List<InferenceEndpoint> fleet = FleetRunner.distinct(endpoints, id);
        List<PreparedEndpoint<D>> prepared = new ArrayList<>(fleet.size());
        Map<String, ValidationReport> reports = new LinkedHashMap<>();
        for (InferenceEndpoint endpoint : fleet) {
            try {
                PreparedEndpoint<D> p = prepare(endpoint);
                prepared.add(p);
                reports.put(endpoint.name(), p.report());
            } catch (InvalidEndpointException e) {
                reports.put(endpoint.name(), e.report());
            }
        }
        FleetRunner.throwIfAnyInvalid(reports, id);
        return prepared;
    }

    @Override
    public final Optional<EndpointStatus> get(String name) {
        return read(EndpointValidator.requireValidName(name));
    }

    @Override
    public final EndpointStatus awaitReady(String name, Duration timeout) {
        return awaitReady(name, timeout, ProgressListener.NONE);
    }

    /**
     * Checks the name and the timeout, then {@link #waitUntilReady}.
     *
     * @throws IllegalArgumentException when {@code timeout} is not positive
     */
    @Override
    public final EndpointStatus awaitReady(String name, Duration timeout, ProgressListener progress) {
        EndpointValidator.requireValidName(name);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(progress, "progress");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        return waitUntilReady(name, timeout, progress);
    }

    @Override
    public final boolean delete(String name) {
        return remove(EndpointValidator.requireValidName(name));
    }

    // ---- hooks ---------------------------------------------------------------------------------------------------

    /**
     * This backend's own rules (its limits, its names, its options' values) on the endpoint with its overrides
     * applied (as written when the overrides themselves are malformed). Pure, and robust to an endpoint that breaks
     * the neutral rules (those are reported separately). Default: none.
     */
    protected ValidationReport validateNative(InferenceEndpoint effective) {
        return ValidationReport.empty();
    }

    /**
     * The native desired state of a valid endpoint (overrides applied). Pure: no I/O. Called once per
     * {@code render}, {@code plan} and {@code apply}; problems found only while translating go in
     * {@link Translation#problems()}.
     */
    protected abstract Translation<D> translate(InferenceEndpoint effective);

    /** The rendering of a prepared endpoint, offline. */
    protected abstract Rendering render(PreparedEndpoint<D> endpoint);

    /** The plan of a prepared endpoint: reads the live state, writes nothing. */
    protected abstract Plan plan(PreparedEndpoint<D> endpoint);

    /** Creates or updates a prepared endpoint (see {@link Backend#apply} and the class comment of {@link Backend}). */
    protected abstract ApplyResult apply(PreparedEndpoint<D> endpoint);

    /** The status of the endpoint with a valid {@code name}, or empty when it does not exist. */
    protected abstract Optional<EndpointStatus> read(String name);

    /** Waits for the endpoint with a valid {@code name} (see {@link Backend#awaitReady(String, Duration, ProgressListener)}). */
    protected abstract EndpointStatus waitUntilReady(String name, Duration timeout, ProgressListener progress);

    /** Deletes the endpoint with a valid {@code name} (see {@link Backend#delete}). */
    protected abstract boolean remove(String name);

    /**
     * Applies a prepared fleet (names distinct, all valid). Default: {@link #apply(PreparedEndpoint)} for each on
     * {@link #forEachEndpoint}. A backend overrides it to read the fleet's live state in bulk; it keeps the guarantees
     * of {@link Backend#apply} for every endpoint and returns one outcome per endpoint in the order given (warnings are
     * added by the caller).
     */
    protected FleetResult<ApplyResult> applyFleet(List<PreparedEndpoint<D>> endpoints, FleetOptions options) {
        return forEachEndpoint(endpoints, options, "apply", this::apply);
    }

    /** Plans a prepared fleet; only reads. Default: {@link #plan(PreparedEndpoint)} for each on {@link #forEachEndpoint}. */
    protected FleetResult<Plan> planFleet(List<PreparedEndpoint<D>> endpoints, FleetOptions options) {
        return forEachEndpoint(endpoints, options, "plan", this::plan);
    }

    // ---- helpers for the parts -----------------------------------------------------------------------------------

    /**
     * Runs {@code work} for every endpoint, at most {@code options.concurrency()} at a time (on a pool created for this
     * call; the calling thread alone for 1), and returns each endpoint's outcome in the order given. A runtime exception
     * of one endpoint becomes its failure, a {@link BackendException} whose message names the endpoint (one that does
     * not already is wrapped with its reason; any other exception, a bug, becomes {@link BackendException.Reason#FAILED});
     * the other endpoints go on.
     *
     * @param operation what the work is ({@code "apply"}, {@code "plan"}), for the failures' messages
     */
    protected final <P, T> FleetResult<T> forEachEndpoint(List<P> endpoints, Function<P, String> name, FleetOptions options,
                                                          String operation, Function<P, T> work) {
        return FleetRunner.run(endpoints, name, options, id, operation, work);
    }

    /** {@link #forEachEndpoint(List, Function, FleetOptions, String, Function)} over prepared endpoints. */
    protected final <T> FleetResult<T> forEachEndpoint(List<PreparedEndpoint<D>> endpoints, FleetOptions options, String operation,
                                                       Function<PreparedEndpoint<D>, T> work) {
        return FleetRunner.run(endpoints, PreparedEndpoint::name, options, id, operation, work);
    }

    /**
     * Runs one remote call of a multi-step operation: a {@link BackendException} that does not name its step yet is
     * rethrown through {@link BackendException#atStep} naming {@code step}.
     */
    protected static <T> T atStep(String operation, String endpoint, String step, Supplier<T> call) {
        try {
            return call.get();
        } catch (BackendException e) {
            if (e.step().isPresent()) {
                throw e;
            }
            throw BackendException.atStep(operation, endpoint, step, e);
        }
    }
}
