package io.inferscale.bench;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.simulator.trace.LoadTrace;
import io.inferscale.simulator.tune.TuneResult;
import io.inferscale.simulator.tune.Tuner;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Issue 15's speed goal: tuning a 7-day trace at 15 s steps for three backends (the seed spec, kubernetes, sagemaker and
 * vertex, default SLO and 20 % holdout) within 20 s of wall time on the 2-core machine, using every core. The trace is a
 * daily sine (10 to 110 rps, peak at 14:00) with a new rate every 15 s and +-10 % seeded noise: 40,320 rows. Prints, per
 * round, the wall time of the three tunings, the simulations run and simulations per second, the JVM's CPU time, and the
 * load average before and after. The first round includes JIT warm-up; it is reported, not hidden.
 *
 * <pre>java -Xmx1g -cp bench/target/benchmarks.jar io.inferscale.bench.TuneWallTime [rounds=3] [seed.yaml]</pre>
 */
public final class TuneWallTime {

    private TuneWallTime() {
    }

    /** Runs the rounds and prints a Markdown table. */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        InferenceEndpoint seed = args.length > 1 ? EndpointCodec.read(Path.of(args[1])).endpoint()
                : EndpointCodec.read(seedYaml(), "inference_endpoint.yaml").endpoint();
        LoadTrace week = week();
        List<String> backends = List.of("kubernetes", "sagemaker", "vertex");
        System.out.printf(Locale.ROOT, "trace: %d rows, %s, peak %.1f rps; processors %d%n", week.points(), week.duration(), week.peakRps(),
                Runtime.getRuntime().availableProcessors());
        System.out.println("| round | wall s | simulations | simulations/s | JVM CPU s | load before | load after | per backend (wall s, simulations) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        Tuner tuner = Tuner.of(seed).trace(week).profile(ReplicaProfile.of(40));
        for (int round = 1; round <= rounds; round++) {
            String loadBefore = load();
            long cpuBefore = cpuNanos();
            long start = System.nanoTime();
            StringBuilder per = new StringBuilder();
            int simulations = 0;
            for (String id : backends) {
                long t0 = System.nanoTime();
                TuneResult r = tuner.tune(id);
                simulations += r.simulations();
                per.append(String.format(Locale.ROOT, "%s %.1f s, %d; ", id, (System.nanoTime() - t0) / 1e9, r.simulations()));
            }
            double wall = (System.nanoTime() - start) / 1e9;
            double cpu = (cpuNanos() - cpuBefore) / 1e9;
            System.out.printf(Locale.ROOT, "| %d | %.1f | %d | %.0f | %.1f | %s | %s | %s |%n", round, wall, simulations, simulations / wall,
                    cpu, loadBefore, load(), per.toString().strip());
        }
    }

    static LoadTrace week() {
        int step = 15;
        int n = 7 * 86_400 / step;
        double[] t = new double[n + 1];
        double[] r = new double[n + 1];
        Random noise = new Random(15);
        for (int i = 0; i < n; i++) {
            t[i] = (double) i * step;
            double phase = 2 * Math.PI * (t[i] - 14 * 3600) / 86_400 + Math.PI / 2;
            r[i] = Math.max(0, (60 + 50 * Math.sin(phase)) * (1 + 0.1 * (2 * noise.nextDouble() - 1)));
        }
        t[n] = (double) n * step;
        r[n] = r[n - 1];
        return LoadTrace.of(t, r);
    }

    private static String seedYaml() throws Exception {
        Path file = Path.of("examples/src/main/resources/inference_endpoint.yaml");
        if (Files.isRegularFile(file)) {
            return Files.readString(file);
        }
        try (InputStream in = TuneWallTime.class.getResourceAsStream("/inference_endpoint.yaml")) {
            if (in == null) {
                throw new IllegalStateException("run from the repository root, or give the seed's path as the second argument");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String load() throws Exception {
        String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return parts[0] + " " + parts[1] + " " + parts[2];
    }
}
