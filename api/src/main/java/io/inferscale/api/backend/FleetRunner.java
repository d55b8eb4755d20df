package io.inferscale.api.backend;

import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The shared work of {@link Backend#applyAll} and {@link Backend#planAll}: the fleet's checks before any call, and one
 * task per endpoint on a pool of at most {@link FleetOptions#concurrency()} threads, each failure kept as that endpoint's
 * outcome.
 */
final class FleetRunner {

    private static final AtomicInteger POOLS = new AtomicInteger();

    private FleetRunner() {
    }

    /**
     * The endpoints as a list, after checking that none is null and no name appears twice (two documents of one endpoint
     * would race each other).
     *
     * @throws io.inferscale.api.InvalidEndpointException naming every repeated name
     */
    static List<InferenceEndpoint> distinct(Collection<InferenceEndpoint> endpoints, String backendId) {
        Objects.requireNonNull(endpoints, "endpoints");
        List<InferenceEndpoint> list = new ArrayList<>(endpoints.size());
        Map<String, Integer> counts = new HashMap<>();
        for (InferenceEndpoint e : endpoints) {
            list.add(Objects.requireNonNull(e, "endpoints must not contain null"));
            counts.merge(e.name(), 1, Integer::sum);
        }
        List<Problem> repeated = list.stream().map(InferenceEndpoint::name).distinct().filter(n -> counts.get(n) > 1)
                .map(n -> Problem.error("metadata.name", "endpoint '" + n + "' appears " + counts.get(n)
                        + " times in the fleet; give each endpoint once (or rename the copies)"))
                .toList();
        ValidationReport.of(repeated).throwIfErrors("fleet of " + list.size() + " endpoints on backend '" + backendId + "'");
        return list;
    }

    /**
     * Every endpoint's problems in one report, each message prefixed with the endpoint's name, thrown once when any has
     * errors.
     *
     * @throws io.inferscale.api.InvalidEndpointException naming every invalid endpoint and its fields
     */
    static void throwIfAnyInvalid(Map<String, ValidationReport> reports, String backendId) {
        List<String> invalid = reports.entrySet().stream().filter(e -> e.getValue().hasErrors()).map(Map.Entry::getKey).toList();
        if (invalid.isEmpty()) {
            return;
        }
        List<Problem> all = new ArrayList<>();
        reports.forEach((name, report) -> report.problems().forEach(p -> all.add(new Problem(p.severity(), p.path(),
                "endpoint '" + name + "': " + p.message(), p.line(), p.column()))));
        ValidationReport.of(all).throwIfErrors(invalid.size() + " of " + reports.size() + " endpoints on backend '" + backendId
                + "' (" + String.join(", ", invalid) + "); nothing was applied");
    }

    /**
     * Runs {@code work} for every item on at most {@code options.concurrency()} threads (the calling thread alone for 1)
     * and returns each outcome in the items' order. A {@link BackendException} or other runtime exception of one item is
     * that item's failure, named after it ({@link #named}); the other items go on.
     */
    static <P, T> FleetResult<T> run(List<P> items, Function<P, String> name, FleetOptions options, String backendId,
                                     String operation, Function<P, T> work) {
        Objects.requireNonNull(options, "options");
        List<EndpointOutcome<T>> outcomes = new ArrayList<>(items.size());
        int threads = Math.min(options.concurrency(), items.size());
        if (threads <= 1) {
            items.forEach(item -> outcomes.add(attempt(item, name, backendId, operation, work)));
            return new FleetResult<>(outcomes);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads(backendId));
        try {
            List<Future<EndpointOutcome<T>>> futures = new ArrayList<>(items.size());
            items.forEach(item -> futures.add(pool.submit(() -> attempt(item, name, backendId, operation, work))));
            for (int i = 0; i < items.size(); i++) {
                outcomes.add(await(futures.get(i), name.apply(items.get(i)), backendId, operation));
            }
            return new FleetResult<>(outcomes);
        } finally {
            pool.shutdownNow();
        }
    }

    private static <T> EndpointOutcome<T> await(Future<EndpointOutcome<T>> future, String name, String backendId, String operation) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            return EndpointOutcome.failed(name, new BackendException(backendId, BackendException.Reason.UNAVAILABLE,
                    operation + " of endpoint '" + name + "' did not finish: the calling thread was interrupted", e));
        } catch (ExecutionException e) {
            // attempt() catches every runtime exception; an Error ends the whole call
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static <P, T> EndpointOutcome<T> attempt(P item, Function<P, String> name, String backendId, String operation,
                                                     Function<P, T> work) {
        String endpoint = name.apply(item);
        try {
            return EndpointOutcome.succeeded(endpoint, Objects.requireNonNull(work.apply(item), operation + " returned null"));
        } catch (RuntimeException e) {
            return EndpointOutcome.failed(endpoint, named(e, backendId, operation, endpoint));
        }
    }

    /**
     * {@code e} as a {@link BackendException} whose message names the endpoint: a backend failure that names it (every
     * {@link BackendException#atStep} does) unchanged, any other wrapped with its reason and a message starting
     * {@code "<operation> of endpoint '<name>' failed: "}; an unexpected runtime exception (a bug) becomes
     * {@link BackendException.Reason#FAILED} with it as the cause.
     */
    static BackendException named(RuntimeException e, String backendId, String operation, String endpoint) {
        if (e instanceof BackendException b && b.getMessage() != null && b.getMessage().contains("'" + endpoint + "'")) {
            return b;
        }
        if (e instanceof BackendException b) {
            return new BackendException(b.backendId(), b.reason(), operation + " of endpoint '" + endpoint + "' failed: " + b.getMessage(), b);
        }
        return new BackendException(backendId, BackendException.Reason.FAILED, operation + " of endpoint '" + endpoint
                + "' failed unexpectedly: " + e, e);
    }

    private static ThreadFactory daemonThreads(String backendId) {
        int pool = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "inferscale-" + backendId + "-fleet-" + pool + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
