package io.inferscale.testkit;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.Backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Races applies for concurrency tests: {@code specs.get(i)} is applied on its own thread through
 * {@code backends.get(i % backends.size())} (several backends stand for several processes), all threads released
 * at once.
 */
public final class ConcurrentApplies {

    private ConcurrentApplies() {
    }

    /**
     * Runs the race and returns, per spec in order, what its apply threw, or {@code null} when it returned.
     *
     * @param timeout how long to wait for each apply; one that takes longer fails the race with a {@link java.util.concurrent.TimeoutException}
     */
    public static List<Throwable> race(List<? extends Backend> backends, List<InferenceEndpoint> specs, Duration timeout)
            throws InterruptedException, java.util.concurrent.TimeoutException {
        return race(backends, specs, timeout, Backend::apply);
    }

    /**
     * As {@link #race(List, List, Duration)}, each thread running {@code apply} instead of {@link Backend#apply}: e.g.
     * {@code (backend, spec) -> backend.applyAll(List.of(spec), new FleetOptions(1)).orThrow()} to race fleet applies.
     */
    public static List<Throwable> race(List<? extends Backend> backends, List<InferenceEndpoint> specs, Duration timeout,
                                       BiFunction<Backend, InferenceEndpoint, ?> apply)
            throws InterruptedException, java.util.concurrent.TimeoutException {
        ExecutorService pool = Executors.newFixedThreadPool(specs.size());
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < specs.size(); i++) {
                Backend backend = backends.get(i % backends.size());
                InferenceEndpoint spec = specs.get(i);
                futures.add(pool.submit(() -> {
                    go.await();
                    return apply.apply(backend, spec);
                }));
            }
            go.countDown();
            List<Throwable> thrown = new ArrayList<>();
            for (Future<?> f : futures) {
                try {
                    f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    thrown.add(null);
                } catch (ExecutionException e) {
                    thrown.add(e.getCause());
                }
            }
            return thrown;
        } finally {
            pool.shutdownNow();
        }
    }
}
