package io.inferscale.api.codec;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.Constructor;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("hostile input: every corpus document ends in one clear error naming its field or line, before any backend call")
class HostileInputTest {

    /** Backend methods that are not calls to a cloud: identity, capabilities and the pure validation. */
    private static final Set<String> LOCAL = Set.of("id", "capabilities", "optionKeys", "validate", "requireValid", "close",
            "toString", "hashCode", "equals");

    static Stream<HostileCorpus.Entry> neutral() {
        return HostileCorpus.entries().stream().filter(HostileCorpus.Entry::neutral);
    }

    /** A backend that counts every call that would reach a cloud and otherwise does nothing. */
    static Backend countingBackend(AtomicInteger remoteCalls) {
        Backend validating = new Backend() {
            @Override public String id() { return "counting"; }
            @Override public Capabilities capabilities() { return Capabilities.all(); }
            @Override public io.inferscale.api.backend.Rendering render(InferenceEndpoint e) { throw new AssertionError(); }
            @Override public io.inferscale.api.backend.Plan plan(InferenceEndpoint e) { throw new AssertionError(); }
            @Override public io.inferscale.api.backend.ApplyResult apply(InferenceEndpoint e) { throw new AssertionError(); }
            @Override public java.util.Optional<io.inferscale.api.backend.EndpointStatus> get(String name) { throw new AssertionError(); }
            @Override public List<io.inferscale.api.backend.EndpointStatus> list() { throw new AssertionError(); }
            @Override public io.inferscale.api.backend.EndpointStatus awaitReady(String n, java.time.Duration t) { throw new AssertionError(); }
            @Override public boolean delete(String name) { throw new AssertionError(); }
        };
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, (proxy, method, args) -> {
            if (!LOCAL.contains(method.getName())) {
                remoteCalls.incrementAndGet();
                return null;
            }
            try {
                return method.invoke(validating, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    /**
     * What a program does with a file: read it, validate it with the backend, and only if that passes, apply.
     * Returns the errors found (the codec's or the validator's) and the message the user would see.
     */
    static Outcome load(Path file, Backend backend) throws IOException {
        try {
            EndpointDocument doc = EndpointCodec.read(file);
            ValidationReport report = doc.locate(backend.validate(doc.endpoint()));
            if (!report.hasErrors()) {
                backend.apply(doc.endpoint());
                return new Outcome(List.of(), "");
            }
            return new Outcome(report.errors(), new InvalidEndpointException(file.toString(), report).getMessage());
        } catch (InvalidEndpointException e) {
            return new Outcome(e.report().errors(), e.getMessage());
        }
    }

    record Outcome(List<Problem> errors, String message) {
    }

    static void assertNamesFieldOrLine(HostileCorpus.Entry entry, Outcome outcome) {
        assertThat(outcome.errors()).as("errors of %s", entry.file()).isNotEmpty();
        assertThat(outcome.errors()).as("%s: an error %s containing '%s' in %s", entry.file(), entry.where(), entry.phrase(), outcome.errors())
                .anySatisfy(p -> {
                    if (entry.line() > 0) {
                        assertThat(p.line()).isEqualTo(entry.line());
                        assertThat(outcome.message()).contains("line " + entry.line() + ": ");
                    } else {
                        assertThat(p.path()).startsWith(entry.where());
                        assertThat(outcome.message()).contains(p.path() + ": ");
                    }
                    assertThat(p.message().toLowerCase(Locale.ROOT)).contains(entry.phrase().toLowerCase(Locale.ROOT));
                });
        assertThat(outcome.message()).doesNotContain("Exception", "\tat ", "org.yaml");
    }

    @Test
    @DisplayName("the corpus has at least 50 documents, each listed once in expectations.tsv with a field or line")
    void corpusIsComplete() throws IOException {
        List<HostileCorpus.Entry> entries = HostileCorpus.entries();
        assertThat(entries).hasSizeGreaterThanOrEqualTo(50);
        assertThat(entries).extracting(HostileCorpus.Entry::file).doesNotHaveDuplicates();
        assertThat(entries).allSatisfy(e -> assertThat(e.where()).as(e.file()).isNotBlank());
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(HostileCorpus.directory())) {
            s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("expectations.tsv")).forEach(files::add);
        }
        assertThat(entries).extracting(HostileCorpus.Entry::file).containsExactlyInAnyOrderElementsOf(files);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("neutral")
    @DisplayName("rejected with its field or line, zero backend calls")
    void rejected(HostileCorpus.Entry entry) throws IOException {
        AtomicInteger remote = new AtomicInteger();
        Outcome outcome = load(HostileCorpus.directory().resolve(entry.file()), countingBackend(remote));
        assertNamesFieldOrLine(entry, outcome);
        assertThat(remote).as("backend calls").hasValue(0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("neutral")
    @DisplayName("read from a stream: the same errors, and never more bytes than the file has")
    void sameFromAStream(HostileCorpus.Entry entry) throws IOException {
        Path file = HostileCorpus.directory().resolve(entry.file());
        Outcome fromFile = load(file, countingBackend(new AtomicInteger()));
        try (CountingInputStream in = new CountingInputStream(Files.newInputStream(file))) {
            List<Problem> fromStream;
            try {
                EndpointDocument doc = EndpointCodec.read(in, file.toString());
                fromStream = doc.validate().errors();
            } catch (InvalidEndpointException e) {
                fromStream = e.report().errors();
            }
            assertThat(fromStream).isEqualTo(fromFile.errors());
            assertThat(in.count()).isLessThanOrEqualTo(Files.size(file));
        }
    }

    /** Counts the bytes handed out. */
    static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }

        long count() {
            return count;
        }
    }

    /** The 50 MB document: the seed, then one long comment, written under target/ at test time. */
    static Path fiftyMegabytes() throws IOException {
        Path dir = Path.of("target", "hostile");
        Files.createDirectories(dir);
        Path file = dir.resolve("fifty-megabytes.yaml");
        long size = 50L * 1024 * 1024;
        if (!Files.exists(file) || Files.size(file) != size) {
            byte[] seed = Files.readAllBytes(HostileCorpus.directory().resolve("../inference_endpoint.yaml").normalize());
            byte[] line = ("# " + "x".repeat(1021) + "\n").getBytes(StandardCharsets.UTF_8);
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write(seed);
                long written = seed.length;
                while (written + line.length <= size) {
                    out.write(line);
                    written += line.length;
                }
                out.write("#".repeat((int) (size - written - 1)).getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        }
        return file;
    }

    @Test
    @DisplayName("a 50 MB file is rejected by its size at line 1; from a stream after reading at most the limit + 1 byte")
    void fiftyMegabyteFile() throws IOException {
        Path file = fiftyMegabytes();
        AtomicInteger remote = new AtomicInteger();
        Outcome outcome = load(file, countingBackend(remote));
        assertThat(outcome.errors()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.message()).isEqualTo("the document is 52428800 bytes; the limit is 4194304 bytes (1048576 characters);"
                    + " an endpoint document needs a few kilobytes");
        });
        assertThat(remote).hasValue(0);
        try (CountingInputStream in = new CountingInputStream(Files.newInputStream(file))) {
            InvalidEndpointException e = catchThrowableOfType(InvalidEndpointException.class, () -> EndpointCodec.read(in, "<stdin>"));
            assertThat(e.report().errors()).singleElement().extracting(Problem::message)
                    .isEqualTo("the document is over 4194304 bytes; the limit is 4194304 bytes (1048576 characters); an endpoint document needs a few kilobytes");
            assertThat(in.count()).isEqualTo(EndpointCodec.MAX_DOCUMENT_BYTES + 1L);
        }
    }

    @Test
    @DisplayName("an endless stream (as /dev/zero or a pipe) stops at the limit + 1 byte")
    void endlessStream() {
        CountingInputStream endless = new CountingInputStream(new InputStream() {
            @Override
            public int read() {
                return 'a';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'a');
                return len;
            }
        });
        InvalidEndpointException e = catchThrowableOfType(InvalidEndpointException.class, () -> EndpointCodec.read(endless, "<stdin>"));
        assertThat(e).isNotNull();
        assertThat(endless.count()).isEqualTo(EndpointCodec.MAX_DOCUMENT_BYTES + 1L);
    }

    @Test
    @DisplayName("the parsed tree is bounded: node " + EndpointCodec.MAX_NODES + " + 1 is an error at its line, whatever the document's size")
    void nodeLimit() {
        StringBuilder sb = new StringBuilder(CorpusSeed.text()).append("  backends:\n    kubernetes:\n      many:\n");
        for (int i = 0; i < EndpointCodec.MAX_NODES; i++) {
            sb.append("      - ").append(i % 10).append('\n');
        }
        InvalidEndpointException e = catchThrowableOfType(InvalidEndpointException.class, () -> EndpointCodec.read(sb.toString(), "many.yaml"));
        Problem p = e.report().errors().get(0);
        assertThat(p.message()).isEqualTo("more than 5000 values, lists and mappings; an endpoint needs a few hundred (the limit bounds memory)");
        // the limit hits inside the list, on the line of node 5001 counting the seed's nodes before it
        int seedNodes = countNodes(CorpusSeed.text() + "  backends:\n    kubernetes:\n      many: []\n");
        assertThat(p.line()).isEqualTo(22 + (EndpointCodec.MAX_NODES + 1 - seedNodes));
    }

    private static int countNodes(String yaml) {
        BoundedParser parser = new BoundedParser(new org.yaml.snakeyaml.parser.ParserImpl(
                new org.yaml.snakeyaml.reader.StreamReader(yaml), new LoaderOptions()), Integer.MAX_VALUE);
        while (parser.getEvent() != null && !parser.checkEvent(org.yaml.snakeyaml.events.Event.ID.StreamEnd)) {
            // count
        }
        return parser.nodes();
    }

    @Test
    @DisplayName("type tags construct nothing: the canary class named in a tag is never loaded, though an unsafe loader would")
    void tagsConstructNothing() throws IOException {
        for (String name : List.of("tag-canary-class.yaml", "tag-script-engine.yaml", "tag-java-url.yaml", "tag-python-object.yaml",
                "tag-custom-local.yaml", "tag-on-root.yaml", "tag-binary.yaml")) {
            Outcome o = load(HostileCorpus.directory().resolve(name), countingBackend(new AtomicInteger()));
            assertThat(o.errors()).as(name).isNotEmpty().allSatisfy(p -> assertThat(p.hasLocation()).isTrue());
            assertThat(o.errors()).as(name).anySatisfy(p -> assertThat(p.message()).contains("is not allowed"));
        }
        assertThat(HostileCanary.Flag.INITIALIZED).hasValue(0);
        assertThat(HostileCanary.Flag.CONSTRUCTED).hasValue(0);
        // control: a loader that trusts global tags does instantiate it, so the canary would have caught construction
        LoaderOptions trusting = new LoaderOptions();
        trusting.setTagInspector(tag -> true);
        Object loaded = new Yaml(new Constructor(trusting)).load("!!io.inferscale.api.codec.HostileCanary {}");
        assertThat(loaded).isInstanceOf(HostileCanary.class);
        assertThat(HostileCanary.Flag.CONSTRUCTED).hasValue(1);
    }

    /** The seed document's text. */
    static final class CorpusSeed {
        private CorpusSeed() {
        }

        static String text() {
            try {
                return Files.readString(HostileCorpus.directory().resolve("../inference_endpoint.yaml").normalize());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
