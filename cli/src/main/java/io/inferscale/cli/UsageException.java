package io.inferscale.cli;

/** The command line is wrong in a way picocli cannot see (e.g. no backend given); exit code 64. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
