package io.inferscale.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The simulator's throughput per CPU-second: the same operations as {@link SimulatorBenchmark} (one endpoint, 30 days,
 * 172,800 ticks) and {@link FleetSimulationBenchmark} (1,000 endpoints x 30 days), timed with the calling thread's CPU
 * time ({@code ThreadMXBean.getCurrentThreadCpuTime}) as well as wall time. On a shared machine where the benchmark
 * thread waits for a core, wall time (what JMH reports) measures the queue; thread CPU time measures the work, which
 * is what "endpoint-ticks per second per core" asks. Single thread; warm-up first ({@code warmup} single-endpoint runs
 * per model), then {@code reps} measured single-endpoint runs per model, then one measured fleet run per model.
 *
 * <pre>java -Xms512m -Xmx512m -cp bench/target/benchmarks.jar io.inferscale.bench.SimulationCpuTime [warmup=200] [reps=50] [fleet=true]</pre>
 */
public final class SimulationCpuTime {

    private SimulationCpuTime() {
    }

    /** Runs the measurement and prints Markdown tables. */
    public static void main(String[] args) {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        boolean fleet = args.length <= 2 || Boolean.parseBoolean(args[2]);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        SimulatorBenchmark single = new SimulatorBenchmark();
        single.setUp();
        String[] names = {"hpa30Days", "sagemaker30Days", "vertex30Days", "baselineEngineNoopModel", "baselineArrayLoop"};
        List<Supplier<Object>> ops = List.of(single::hpa30Days, single::sagemaker30Days, single::vertex30Days,
                single::baselineEngineNoopModel, single::baselineArrayLoop);
        long sink = 0;
        for (int w = 0; w < warmup; w++) {
            for (Supplier<Object> op : ops) {
                sink += System.identityHashCode(op.get());
            }
        }
        System.out.println("| benchmark (1 endpoint, 172,800 ticks) | runs | CPU ms median | CPU ms best | wall ms median | endpoint-ticks per CPU-second (median) | (best) |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int b = 0; b < ops.size(); b++) {
            long[] cpu = new long[reps];
            long[] wall = new long[reps];
            for (int r = 0; r < reps; r++) {
                long c0 = threads.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                sink += System.identityHashCode(ops.get(b).get());
                wall[r] = System.nanoTime() - w0;
                cpu[r] = threads.getCurrentThreadCpuTime() - c0;
            }
            Arrays.sort(cpu);
            Arrays.sort(wall);
            double median = cpu[reps / 2] / 1e6;
            double best = cpu[0] / 1e6;
            System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %.1f M | %.1f M |%n", names[b], reps, median, best, wall[reps / 2] / 1e6,
                    SimulatorBenchmark.TICKS / median / 1e3, SimulatorBenchmark.TICKS / best / 1e3);
        }
        if (fleet) {
            FleetSimulationBenchmark f = new FleetSimulationBenchmark();
            f.setUp();
            String[] fleetNames = {"hpaFleet30Days", "sagemakerFleet30Days", "vertexFleet30Days", "baselineEngineFleet30Days"};
            LongSupplier[] fleetOps = {f::hpaFleet30Days, f::sagemakerFleet30Days, f::vertexFleet30Days, f::baselineEngineFleet30Days};
            System.out.println();
            System.out.println("| benchmark (1,000 endpoints x 172,800 ticks) | CPU s | wall s | endpoint-ticks per CPU-second |");
            System.out.println("|---|---|---|---|");
            for (int b = 0; b < fleetOps.length; b++) {
                long c0 = threads.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                sink += fleetOps[b].getAsLong();
                double wall = (System.nanoTime() - w0) / 1e9;
                double cpu = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
                System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.1f M |%n", fleetNames[b], cpu, wall,
                        (double) FleetSimulationBenchmark.ENDPOINTS * FleetSimulationBenchmark.TICKS / cpu / 1e6);
            }
        }
        System.out.println("(checksum " + sink + ")");
    }
}
