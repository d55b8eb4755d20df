package io.inferscale.cli;

/** The exit codes of the {@code inferscale} command. */
public final class ExitCode {
    /** Success; for {@code plan}, nothing to change. */
    public static final int OK = 0;
    /**
     * Invalid input (a malformed or invalid document or trace, a missing endpoint, a missing or malformed configuration
     * value such as {@code vertex.project}) or a capability the backend rejects.
     */
    public static final int INVALID = 1;
    /** {@code plan} found changes to make (like {@code terraform plan -detailed-exitcode}). */
    public static final int CHANGES = 2;
    /** The backend failed: network, cloud API, cloud credentials (missing from the default chain or refused), timeout. */
    public static final int BACKEND = 3;
    /** The command line itself is wrong (unknown option, missing argument, unknown backend id); {@code EX_USAGE}. */
    public static final int USAGE = 64;

    private ExitCode() {
    }
}
