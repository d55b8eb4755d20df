package io.inferscale.cli;

/** An input file cannot be read or is not what it should be; exit code 1. */
final class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InputException(String message) {
        super(message);
    }

    InputException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code cannot read WHAT: no such file | permission denied | <the I/O message>}: one wording for every input file. */
    static InputException cannotRead(String what, java.io.IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return new InputException("cannot read " + what + ": no such file");
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return new InputException("cannot read " + what + ": permission denied");
        }
        return new InputException("cannot read " + what + ": " + e.getMessage(), e);
    }
}
