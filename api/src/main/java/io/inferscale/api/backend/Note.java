package io.inferscale.api.backend;

import java.util.Objects;

/**
 * Something {@code render} or {@code plan} wants the reader to know: a value the backend derived
 * (an instance type chosen from the requests, an image from a template) or a mapping that is only
 * approximate.
 *
 * @param kind    what sort of note
 * @param path    the field path it concerns, e.g. {@code spec.resources.requests}
 * @param message the note itself
 */
public record Note(Kind kind, String path, String message) {

    /** Kinds of note. */
    public enum Kind {
        /** A value the backend derived or defaulted. */
        DERIVED,
        /** A mapping that is close but not exact. */
        APPROXIMATED,
        /** Anything else worth knowing. */
        INFO
    }

    /** Rejects nulls. */
    public Note {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** A derived-value note. */
    public static Note derived(String path, String message) {
        return new Note(Kind.DERIVED, path, message);
    }

    /** An approximation note. */
    public static Note approximated(String path, String message) {
        return new Note(Kind.APPROXIMATED, path, message);
    }

    /** An informational note. */
    public static Note info(String path, String message) {
        return new Note(Kind.INFO, path, message);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + ": " + path + ": " + message;
    }
}
