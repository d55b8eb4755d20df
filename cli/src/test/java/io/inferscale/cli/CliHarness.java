package io.inferscale.cli;

import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.BackendProvider;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.backend.inmemory.InMemoryBackend;
import io.inferscale.backend.inmemory.ManualClock;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/** Runs {@code inferscale} in-process against one in-memory backend shared by every invocation. */
final class CliHarness {

    /** What one invocation printed and returned. */
    record Result(int code, String out, String err) {
    }

    final ManualClock clock = ManualClock.atEpochOf2026();
    final InMemoryBackend backend;
    private Backends backends;
    private final Map<String, String> environment = new HashMap<>();
    private boolean terminal;
    private InputStream stdin = InputStream.nullInputStream();

    CliHarness() {
        this(Duration.ZERO);
    }

    CliHarness(Duration readyDelay) {
        backend = InMemoryBackend.builder().clock(clock).readyDelay(readyDelay).build();
        backends = Backends.of(new SharedProvider(backend));
    }

    CliHarness backends(Backends backends) {
        this.backends = backends;
        return this;
    }

    CliHarness env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    CliHarness terminal(boolean terminal) {
        this.terminal = terminal;
        return this;
    }

    CliHarness stdin(String text) {
        this.stdin = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext context = CliContext.builder()
                .backends(backends)
                .environment(environment)
                .clock(clock)
                .terminal(terminal)
                .in(stdin)
                .build();
        int code = Main.execute(context, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** The seed document, from the test resources. */
    static String seed() {
        return resource("inference_endpoint.yaml").toString();
    }

    static Path resource(String name) {
        try {
            return Path.of(Objects.requireNonNull(CliHarness.class.getResource("/" + name), name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String read(String name) {
        try {
            return java.nio.file.Files.readString(resource(name));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Hands out the same in-memory backend to every invocation, so apply and get see one state. */
    static final class SharedProvider implements BackendProvider {
        private final InMemoryBackend backend;

        SharedProvider(InMemoryBackend backend) {
            this.backend = backend;
        }

        @Override
        public String id() {
            return InMemoryBackend.ID;
        }

        @Override
        public Capabilities capabilities() {
            return backend.capabilities();
        }

        @Override
        public Backend create(BackendConfig config) {
            return backend;
        }
    }
}
