package io.inferscale.cli;

import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.BackendProvider;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.ConfigKey;
import io.inferscale.api.backend.OptionKey;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The api module's hostile-input corpus ({@code api/src/test/resources/hostile}, read in place) through the
 * command: {@code validate} and {@code apply} end with exit code 1, a message naming the field or line, no stack
 * trace, and no backend call.
 */
@DisplayName("inferscale validate/apply on hostile documents: exit 1, the field or line, no stack trace, no backend call")
class HostileInputCliTest {

    static final Path CORPUS = Path.of(System.getProperty("basedir", "."), "..", "api", "src", "test", "resources", "hostile").normalize();

    /** Backend methods that reach no cloud. */
    private static final Set<String> LOCAL = Set.of("id", "capabilities", "optionKeys", "validate", "requireValid", "close",
            "toString", "hashCode", "equals");

    /** One row of the corpus' expectations.tsv. */
    record Entry(String file, String backend, String where, String phrase) {
        boolean neutral() {
            return backend.equals("-");
        }

        Path path() {
            return CORPUS.resolve(file);
        }

        @Override
        public String toString() {
            return file + (neutral() ? "" : " --backend " + backend);
        }
    }

    static List<Entry> corpus() {
        try {
            List<Entry> out = new ArrayList<>();
            for (String line : Files.readAllLines(CORPUS.resolve("expectations.tsv"))) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] f = line.split("\t", -1);
                    out.add(new Entry(f[0], f[1], f[2], f[3]));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Entry> neutral() {
        return corpus().stream().filter(Entry::neutral);
    }

    /** Wraps each provider so every backend call that would reach a cloud is counted (and not made). */
    static final class Counting implements BackendProvider {
        final BackendProvider delegate;
        final AtomicInteger remoteCalls;

        Counting(BackendProvider delegate, AtomicInteger remoteCalls) {
            this.delegate = delegate;
            this.remoteCalls = remoteCalls;
        }

        @Override
        public String id() {
            return delegate.id();
        }

        @Override
        public Capabilities capabilities() {
            return delegate.capabilities();
        }

        @Override
        public List<ConfigKey> configKeys() {
            return delegate.configKeys();
        }

        @Override
        public List<OptionKey> optionKeys() {
            return delegate.optionKeys();
        }

        @Override
        public Backend create(BackendConfig config) {
            Backend real = delegate.create(config);
            return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, (proxy, m, args) -> {
                if (!LOCAL.contains(m.getName())) {
                    remoteCalls.incrementAndGet();
                }
                try {
                    return m.invoke(real, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
        }
    }

    /** Discovered once: providers are cheap and hold no state. */
    private static final List<BackendProvider> DISCOVERED = Backends.discover().providers();

    private final AtomicInteger remoteCalls = new AtomicInteger();

    /** Every discovered backend (in-memory, kubernetes, sagemaker, vertex), counted. */
    private CliHarness cli() {
        List<BackendProvider> providers = new ArrayList<>();
        DISCOVERED.forEach(p -> providers.add(new Counting(p, remoteCalls)));
        return new CliHarness().backends(Backends.of(providers.toArray(BackendProvider[]::new)))
                .env("INFERSCALE_SAGEMAKER_REGION", "us-east-1").env("INFERSCALE_VERTEX_PROJECT", "p")
                .env("INFERSCALE_VERTEX_LOCATION", "us-central1");
    }

    static void assertRejected(Entry e, String file, CliHarness.Result r) {
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(ExitCode.INVALID);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).doesNotContain("Exception", "\tat ", "org.yaml", "Caused by");
        if (e.where().startsWith("line ")) {
            assertThat(r.err()).contains(file + ":" + e.where().substring(5) + ":");
        } else {
            assertThat(r.err()).contains(": error: " + e.where());
        }
        assertThat(r.err().toLowerCase(java.util.Locale.ROOT)).contains(e.phrase().toLowerCase(java.util.Locale.ROOT));
        assertThat(r.err().lines()).allMatch(l -> l.startsWith(file + ":") || l.startsWith("error: ") || l.startsWith("warning: "));
    }

    @Test
    @DisplayName("the corpus is there, with at least 50 documents")
    void corpusFound() {
        assertThat(corpus()).hasSizeGreaterThanOrEqualTo(50);
        assertThat(corpus()).allSatisfy(e -> assertThat(e.path()).exists());
    }

    @ParameterizedTest(name = "validate {0}")
    @MethodSource("corpus")
    void validate(Entry e) {
        String file = e.path().toString();
        CliHarness.Result r = e.neutral() ? cli().run("validate", "-f", file) : cli().run("validate", "-f", file, "--backend", e.backend());
        assertRejected(e, file, r);
        assertThat(remoteCalls).hasValue(0);
    }

    /**
     * The corpus' documents for {@code apply}: all neutral ones but the two that hold several documents, which
     * {@code apply -f} reads one by one (its own cases are below and in {@link KubectlHabitsTest}).
     */
    static Stream<Entry> neutralSingleDocuments() {
        return neutral().filter(e -> !Set.of("two-documents.yaml", "empty-second-document.yaml").contains(e.file()));
    }

    @Test
    @DisplayName("apply of the corpus' two-document files: the same name twice is refused at the second name; an empty second document is skipped")
    void applySeveralDocuments() {
        CliHarness cli = cli();
        String two = CORPUS.resolve("two-documents.yaml").toString();
        CliHarness.Result r = cli.run("apply", "-f", two, "--backend", "in-memory");
        assertThat(r.code()).isEqualTo(ExitCode.INVALID);
        assertThat(r.err()).isEqualTo(two + ":24: error: metadata.name: more than one document names endpoint 'my-model-endpoint' "
                + "(the first in " + two + " at line 4); give each endpoint its own name\n");
        assertThat(cli.backend.operations()).isEmpty();
        assertThat(remoteCalls).hasValue(0);
        CliHarness.Result empty = cli.run("apply", "-f", CORPUS.resolve("empty-second-document.yaml").toString(), "--backend", "in-memory");
        assertThat(empty.code()).as(empty.err()).isEqualTo(ExitCode.OK);
        assertThat(empty.out()).contains("applied: my-model-endpoint on in-memory");
    }

    @ParameterizedTest(name = "apply {0}")
    @MethodSource("neutralSingleDocuments")
    void apply(Entry e) {
        CliHarness cli = cli();
        String file = e.path().toString();
        CliHarness.Result r = cli.run("apply", "-f", file, "--backend", "in-memory");
        assertRejected(e, file, r);
        assertThat(remoteCalls).hasValue(0);
        assertThat(cli.backend.operations()).isEmpty();
    }

    @Test
    @DisplayName("a 50 MB file: validate and apply say it is too large at line 1, exit 1, no backend call")
    void fiftyMegabytes() throws IOException {
        Path big = Path.of("target", "hostile", "fifty-megabytes.yaml");
        Files.createDirectories(big.getParent());
        if (!Files.exists(big) || Files.size(big) != 50L * 1024 * 1024) {
            long size = 50L * 1024 * 1024;
            byte[] line = ("# " + "x".repeat(1021) + "\n").getBytes(StandardCharsets.UTF_8);
            try (OutputStream out = Files.newOutputStream(big)) {
                byte[] seed = Files.readAllBytes(Path.of(CliHarness.seed()));
                out.write(seed);
                long written = seed.length;
                for (; written + line.length <= size; written += line.length) {
                    out.write(line);
                }
                out.write(("#".repeat((int) (size - written - 1)) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThat(Files.size(big)).isEqualTo(50L * 1024 * 1024);
        for (String command : List.of("validate", "apply")) {
            CliHarness cli = cli();
            CliHarness.Result r = cli.run(command, "-f", big.toString(), "--backend", "in-memory");
            assertThat(r.code()).isEqualTo(ExitCode.INVALID);
            assertThat(r.err()).startsWith(big + ":1:").contains("52428800 bytes; the limit is 4194304 bytes").doesNotContain("Exception");
            assertThat(remoteCalls).hasValue(0);
            assertThat(cli.backend.operations()).isEmpty();
        }
    }
}
