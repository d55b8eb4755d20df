package io.inferscale.cli;

import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Backends;

import java.io.InputStream;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Everything the {@code inferscale} command takes from its surroundings: standard input, environment
 * variables, the backends on the class path, the clock and whether output goes to a terminal
 * ({@code apply --wait} waits through the backend's own {@code awaitReady}). {@link #system()} is the real process; tests build their own with {@link #builder()}.
 */
public final class CliContext {

    private final InputStream in;
    private final UnaryOperator<String> environment;
    private final UnaryOperator<String> systemProperties;
    private final Supplier<Backends> backends;
    private final Clock clock;
    private final boolean terminal;

    private CliContext(Builder b) {
        this.in = b.in;
        this.environment = b.environment;
        this.systemProperties = b.systemProperties;
        this.backends = b.backends;
        this.clock = b.clock;
        this.terminal = b.terminal;
    }

    /** The real process: {@code System.in}, {@code System.getenv}, ServiceLoader discovery, the system clock. */
    public static CliContext system() {
        return builder().build();
    }

    /** A builder starting from the real process. */
    public static Builder builder() {
        return new Builder();
    }

    /** Standard input, for {@code -f -}. */
    public InputStream in() {
        return in;
    }

    /** An environment variable, or {@code null}. */
    public String env(String name) {
        return environment.apply(name);
    }

    /** The backends available (discovered once per call). */
    public Backends backends() {
        return backends.get();
    }

    /** Backend configuration: the {@code --set} values, then system properties, then environment variables. */
    public BackendConfig config(Map<String, String> explicitValues) {
        return BackendConfig.of(explicitValues, systemProperties, environment);
    }

    /** The clock for elapsed times, ages and timestamps. */
    public Clock clock() {
        return clock;
    }

    /** True when standard output is an interactive terminal (progress is redrawn in place). */
    public boolean terminal() {
        return terminal;
    }

    /** Builds a {@link CliContext}; every value defaults to the real process. */
    public static final class Builder {
        private InputStream in = System.in;
        private UnaryOperator<String> environment = System::getenv;
        private UnaryOperator<String> systemProperties = System::getProperty;
        private Supplier<Backends> backends = Backends::discover;
        private Clock clock = Clock.systemUTC();
        private boolean terminal = System.console() != null;

        private Builder() {
        }

        /** Standard input. */
        public Builder in(InputStream in) {
            this.in = Objects.requireNonNull(in, "in");
            return this;
        }

        /** Environment variables (also used for backend configuration); system properties are not read. */
        public Builder environment(Map<String, String> environment) {
            Map<String, String> copy = Map.copyOf(environment);
            this.environment = copy::get;
            this.systemProperties = k -> null;
            return this;
        }

        /** The backends to offer instead of discovering them. */
        public Builder backends(Backends backends) {
            Objects.requireNonNull(backends, "backends");
            this.backends = () -> backends;
            return this;
        }

        /** The clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Whether output goes to an interactive terminal. */
        public Builder terminal(boolean terminal) {
            this.terminal = terminal;
            return this;
        }

        /** The context. */
        public CliContext build() {
            return new CliContext(this);
        }
    }
}
