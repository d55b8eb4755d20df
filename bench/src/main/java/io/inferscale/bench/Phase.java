package io.inferscale.bench;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * One measured phase of a fleet harness: {@code n} tasks run on {@code threads} worker threads (each takes the next
 * index until none is left), timed by wall clock, with the JVM's heap watched while they run.
 *
 * <p>{@code cpuNanos} is the whole JVM's CPU time over the phase (client, local server and the JVM's own threads):
 * on a shared, oversubscribed machine it varies far less than wall time.
 *
 * <p>Heap figures (bytes), for the whole JVM, which also holds the local stand-in server:
 * <ul>
 *   <li>{@code peakHeap}: the largest heap use seen, the maximum of a 5 ms sampler of
 *       {@code MemoryMXBean.getHeapMemoryUsage().getUsed()} and of every GC's "before" usage (GC notifications);</li>
 *   <li>{@code maxAfterGc}: the largest heap use right after a GC during the phase (what was live), 0 when no GC ran;</li>
 *   <li>{@code allocated}: bytes allocated by the worker threads themselves (the client side's work on the calling
 *       threads; I/O threads of the HTTP client and the server are not included).</li>
 * </ul>
 * Not thread-safe: one phase at a time.
 */
public final class Phase {

    /** The figures of one phase. */
    public record Result(String name, int tasks, int threads, long wallNanos, long cpuNanos, long requests, long writes, long connections,
                         long peakHeap, long maxAfterGc, long allocated, int failures, String firstFailure) {

        /** Milliseconds of wall time. */
        public double wallMillis() {
            return wallNanos / 1e6;
        }

        /** One table row: name, tasks, threads, wall ms, CPU ms, requests, writes, connections, peak MiB, max after GC MiB, alloc MiB. */
        public String row() {
            return String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %.0f | %d | %d | %s | %.1f | %.1f | %.1f |%s", name, tasks, threads,
                    wallMillis(), cpuNanos / 1e6, requests, writes, connections < 0 ? "-" : Long.toString(connections), peakHeap / 1048576.0,
                    maxAfterGc / 1048576.0, allocated / 1048576.0,
                    failures == 0 ? "" : " FAILURES: " + failures + " (first: " + firstFailure + ")");
        }
    }

    /** Column headers for {@link Result#row()}. */
    public static final String HEADER = "| phase | tasks | threads | wall ms | JVM CPU ms | requests | writes | connections | peak heap MiB | max heap after GC MiB | allocated by workers MiB |\n"
            + "|---|---|---|---|---|---|---|---|---|---|---|";

    private Phase() {
    }

    /** A group of phases that belong together (e.g. a first apply and its re-apply on one stand-in). */
    @FunctionalInterface
    public interface Group {
        /** Runs the phases and returns their results. */
        List<Result> run() throws Exception;
    }

    /**
     * Runs every group once as a warm-up (printing only failures), then {@code rounds} rounds of them, the groups in
     * the given order in odd rounds and reversed in even rounds, and prints the results as a Markdown table whose
     * phase names start with the round ({@code r1 ...}).
     */
    public static void rounds(String warmUp, int rounds, List<Group> warmUpGroups, List<Group> groups) throws Exception {
        System.out.println("warm-up (" + warmUp + ", not reported)...");
        for (Group g : warmUpGroups) {
            g.run().stream().filter(r -> r.failures() > 0).forEach(r -> System.out.println("warm-up failure: " + r.row()));
        }
        System.out.println(HEADER);
        for (int round = 1; round <= rounds; round++) {
            List<Group> order = new ArrayList<>(groups);
            if (round % 2 == 0) {
                java.util.Collections.reverse(order);
            }
            for (Group g : order) {
                for (Result r : g.run()) {
                    System.out.println(r.row().replaceFirst("\\| ", "| r" + round + " "));
                }
            }
        }
    }

    /** Two full GCs and a short pause, so a phase starts from a settled heap. */
    public static void settle() {
        for (int i = 0; i < 2; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Runs {@code task} for indexes 0..n-1 on {@code threads} new threads and measures it.
     *
     * @param requests    read before and after: requests counted at the server
     * @param writes      read before and after: write requests counted at the server
     * @param connections read before and after: connections the server side accepted (null: not counted)
     */
    public static Result run(String name, int n, int threads, IntConsumer task, LongSupplier requests, LongSupplier writes,
                             LongSupplier connections) {
        settle();
        AtomicLong peak = new AtomicLong(heapUsed());
        AtomicLong afterGc = new AtomicLong();
        List<Runnable> unsubscribe = watchGc(peak, afterGc);
        AtomicInteger running = new AtomicInteger(1);
        Thread sampler = new Thread(() -> {
            while (running.get() == 1) {
                peak.accumulateAndGet(heapUsed(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        long r0 = requests.getAsLong();
        long w0 = writes.getAsLong();
        long c0 = connections == null ? 0 : connections.getAsLong();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<String> first = new AtomicReference<>();
        LongAdder allocated = new LongAdder();
        com.sun.management.ThreadMXBean threadBean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(new Thread(() -> {
                long a0 = threadBean.getCurrentThreadAllocatedBytes();
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    try {
                        task.accept(i);
                    } catch (RuntimeException | AssertionError e) {
                        failures.incrementAndGet();
                        first.compareAndSet(null, i + ": " + e);
                    }
                }
                allocated.add(threadBean.getCurrentThreadAllocatedBytes() - a0);
            }, name + "-worker-" + t));
        }
        sampler.start();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long start = System.nanoTime();
        workers.forEach(Thread::start);
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        long wall = System.nanoTime() - start;
        long cpu = os.getProcessCpuTime() - cpu0;
        running.set(0);
        peak.accumulateAndGet(heapUsed(), Math::max);
        unsubscribe.forEach(Runnable::run);
        return new Result(name, n, threads, wall, cpu, requests.getAsLong() - r0, writes.getAsLong() - w0,
                connections == null ? -1 : connections.getAsLong() - c0, peak.get(), afterGc.get(), allocated.sum(),
                failures.get(), first.get());
    }

    static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static List<Runnable> watchGc(AtomicLong peak, AtomicLong afterGc) {
        List<Runnable> out = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!(gc instanceof NotificationEmitter emitter)) {
                continue;
            }
            NotificationListener listener = (notification, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    return;
                }
                var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()).getGcInfo();
                peak.accumulateAndGet(heap(info.getMemoryUsageBeforeGc()), Math::max);
                afterGc.accumulateAndGet(heap(info.getMemoryUsageAfterGc()), Math::max);
            };
            emitter.addNotificationListener(listener, null, null);
            out.add(() -> {
                try {
                    emitter.removeNotificationListener(listener);
                } catch (javax.management.ListenerNotFoundException e) {
                    // already gone
                }
            });
        }
        return out;
    }

    /** Heap pools only (G1 Eden/Survivor/Old Gen; not Metaspace, code cache or compressed class space). */
    private static long heap(Map<String, MemoryUsage> pools) {
        long sum = 0;
        for (var e : pools.entrySet()) {
            String n = e.getKey();
            if (n.contains("Eden") || n.contains("Survivor") || n.contains("Old") || n.contains("Tenured") || n.contains("Heap")) {
                sum += e.getValue().getUsed();
            }
        }
        return sum;
    }
}
