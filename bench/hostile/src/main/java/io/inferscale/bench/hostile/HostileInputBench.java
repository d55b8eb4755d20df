package io.inferscale.bench.hostile;

import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.codec.EndpointDocument;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads and validates every hostile document (as {@code inferscale validate -f FILE} does, without a backend)
 * and reports, per document, the worst-case and median wall time and the bytes allocated by one read, with
 * the seed document and the largest accepted document as baselines measured in the same run.
 *
 * <p>Per document: one first call (the cold case for that document, after the JVM has warmed up on the seed
 * only), then {@link #REPEATS} timed calls. Worst case = the slowest of all of them. Allocated bytes = the
 * calling thread's allocation counter around one call (HotSpot's {@code ThreadMXBean.getThreadAllocatedBytes});
 * the largest of all calls is reported. Usage: {@code HostileInputBench CORPUS_DIR WORK_DIR} writes the table
 * to standard output; {@code HostileInputBench --once FILE} reads one file once in a fresh JVM and prints the time.
 */
public final class HostileInputBench {

    static final int WARMUP = 300;
    static final int REPEATS = 30;
    /** Labels in the generated many-labels document: as many as the node limit allows with the seed's nodes. */
    static final int LABELS = (EndpointCodec.MAX_NODES - 100) / 2;
    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private HostileInputBench() {
    }

    /** One input: a file, or a stream made on demand. */
    interface Input {
        String name();

        Outcome read() throws IOException;
    }

    record Outcome(boolean rejected, String firstError) {
    }

    record Row(String name, boolean rejected, long firstNanos, long worstNanos, long medianNanos, long maxAllocated, String error) {
    }

    static Outcome readAndValidate(Path file) throws IOException {
        try {
            EndpointDocument doc = EndpointCodec.read(file);
            var errors = doc.validate().errors();
            return new Outcome(!errors.isEmpty(), errors.isEmpty() ? "" : errors.get(0).toString());
        } catch (InvalidEndpointException e) {
            return new Outcome(true, e.report().errors().get(0).toString());
        }
    }

    static Input file(Path p, String name) {
        return new Input() {
            public String name() {
                return name;
            }

            public Outcome read() throws IOException {
                return readAndValidate(p);
            }
        };
    }

    /** An endless stream of 'a' bytes, read as standard input is. */
    static Input endless() {
        return new Input() {
            public String name() {
                return "(generated) endless stream";
            }

            public Outcome read() throws IOException {
                InputStream in = new InputStream() {
                    @Override
                    public int read() {
                        return 'a';
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        Arrays.fill(b, off, off + len, (byte) 'a');
                        return len;
                    }
                };
                try {
                    EndpointCodec.read(in, "<stdin>");
                    return new Outcome(false, "");
                } catch (InvalidEndpointException e) {
                    return new Outcome(true, e.report().errors().get(0).toString());
                }
            }
        };
    }

    static Row measure(Input input) throws IOException {
        long[] times = new long[REPEATS + 1];
        long maxAllocated = 0;
        Outcome outcome = null;
        long tid = Thread.currentThread().getId();
        for (int i = 0; i <= REPEATS; i++) {
            long a0 = THREADS.getThreadAllocatedBytes(tid);
            long t0 = System.nanoTime();
            outcome = input.read();
            times[i] = System.nanoTime() - t0;
            maxAllocated = Math.max(maxAllocated, THREADS.getThreadAllocatedBytes(tid) - a0);
        }
        long first = times[0];
        long worst = Arrays.stream(times).max().orElseThrow();
        long[] sorted = times.clone();
        Arrays.sort(sorted);
        return new Row(input.name(), outcome.rejected(), first, worst, sorted[sorted.length / 2], maxAllocated, outcome.firstError());
    }

    /** Writes the generated extremes under {@code work}: 50 MB, the largest accepted document, the node limit. */
    static List<Input> generated(Path corpus, Path work) throws IOException {
        Files.createDirectories(work);
        byte[] seed = Files.readAllBytes(corpus.resolve("../inference_endpoint.yaml").normalize());
        List<Input> out = new ArrayList<>();
        Path fifty = work.resolve("fifty-megabytes.yaml");
        padded(fifty, seed, 50L * 1024 * 1024);
        out.add(file(fifty, "(generated) fifty-megabytes.yaml, 50 MiB"));
        Path largest = work.resolve("largest-accepted.yaml");
        padded(largest, seed, EndpointCodec.MAX_DOCUMENT_CHARS);
        out.add(file(largest, "(baseline) largest accepted: seed + comments, 1 MiB"));
        Path nodes = work.resolve("node-limit.yaml");
        StringBuilder sb = new StringBuilder(new String(seed, StandardCharsets.UTF_8)).append("  backends:\n    kubernetes:\n      many: [");
        for (int i = 0; i <= EndpointCodec.MAX_NODES; i++) {
            sb.append(i == 0 ? "" : ",").append(i % 10);
        }
        Files.writeString(nodes, sb.append("]\n"));
        out.add(file(nodes, "(generated) node-limit.yaml, " + (EndpointCodec.MAX_NODES + 1) + " list items"));
        Path wide = work.resolve("many-labels.yaml");
        StringBuilder labels = new StringBuilder(new String(seed, StandardCharsets.UTF_8).replace("  name: my-model-endpoint\n", "  name: my-model-endpoint\n  labels:\n"));
        int at = labels.indexOf("  labels:\n") + "  labels:\n".length();
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < LABELS; i++) {
            l.append("    l").append(i).append(": v").append(i).append('\n');
        }
        labels.insert(at, l);
        Files.writeString(wide, labels);
        out.add(file(wide, "(baseline) largest accepted by node count: " + LABELS + " labels"));
        out.add(endless());
        return out;
    }

    private static void padded(Path file, byte[] seed, long size) throws IOException {
        if (Files.exists(file) && Files.size(file) == size) {
            return;
        }
        byte[] line = ("# " + "x".repeat(1021) + "\n").getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(seed);
            long written = seed.length;
            for (; written + line.length <= size; written += line.length) {
                out.write(line);
            }
            out.write(("#".repeat((int) (size - written - 1)) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 2 && args[0].equals("--once")) {
            long t0 = System.nanoTime();
            Outcome o = readAndValidate(Path.of(args[1]));
            long ns = System.nanoTime() - t0;
            System.out.printf(Locale.ROOT, "%s: %.1f ms in a fresh JVM (rejected=%s)%n", args[1], ns / 1e6, o.rejected());
            return;
        }
        Path corpus = Path.of(args[0]);
        Path work = Path.of(args.length > 1 ? args[1] : "target");
        Path seed = corpus.resolve("../inference_endpoint.yaml").normalize();
        for (int i = 0; i < WARMUP; i++) {
            readAndValidate(seed);
        }
        List<Row> rows = new ArrayList<>();
        rows.add(measure(file(seed, "(baseline) seed inference_endpoint.yaml")));
        for (Input g : generated(corpus, work)) {
            rows.add(measure(g));
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(corpus)) {
            files = s.filter(p -> !p.getFileName().toString().equals("expectations.tsv")).sorted().toList();
        }
        for (Path f : files) {
            rows.add(measure(file(f, f.getFileName().toString())));
        }
        rows.sort(Comparator.comparingLong(Row::worstNanos).reversed());
        System.out.println("| document | rejected | first call (ms) | worst (ms) | median (ms) | max allocated per read (KiB) |");
        System.out.println("|---|---|---:|---:|---:|---:|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.3f | %,d |%n", r.name(), r.rejected() ? "yes" : "**no**",
                    r.firstNanos() / 1e6, r.worstNanos() / 1e6, r.medianNanos() / 1e6, r.maxAllocated() / 1024);
        }
        Row worst = rows.get(0);
        Row mostAllocated = rows.stream().max(Comparator.comparingLong(Row::maxAllocated)).orElseThrow();
        long accepted = rows.stream().filter(r -> !r.rejected() && !r.name().startsWith("(")).count();
        System.out.printf(Locale.ROOT, "%nworst time: %s, %.1f ms; most allocated: %s, %,d KiB; corpus documents accepted: %d of %d%n",
                worst.name(), worst.worstNanos() / 1e6, mostAllocated.name(), mostAllocated.maxAllocated() / 1024, accepted, files.size());
    }
}
