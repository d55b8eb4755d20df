package io.inferscale.api.codec;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.validation.EndpointValidator;
import io.inferscale.api.validation.ValidationReport;

import java.util.Map;
import java.util.Objects;

/**
 * An endpoint loaded from a document, with where each field was written, so problems found later
 * (by the validator or a backend) can name the source line.
 *
 * @param endpoint  the endpoint
 * @param source    the document's name (a file name, or {@code <stdin>})
 * @param locations field path → {line, column}, both 1-based, of the field's key
 */
public record EndpointDocument(InferenceEndpoint endpoint, String source, Map<String, int[]> locations) {

    /** Rejects nulls and copies the locations. */
    public EndpointDocument {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(source, "source");
        Map<String, int[]> copy = new java.util.HashMap<>();
        locations.forEach((k, v) -> copy.put(k, v.clone()));
        locations = Map.copyOf(copy);
    }

    /** Field path → {line, column}; the arrays are copies, so changing them changes nothing here. */
    @Override
    public Map<String, int[]> locations() {
        Map<String, int[]> copy = new java.util.HashMap<>();
        locations.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /**
     * Where a field path was written: the path itself, or its closest written parent (a missing
     * {@code spec.resources.requests.cpu} is located at {@code spec.resources.requests}).
     *
     * @return {line, column}, or {@code null} when nothing on the path was written
     */
    public int[] locate(String path) {
        String p = path;
        while (true) {
            int[] at = locations.get(p);
            if (at != null) {
                return at.clone();
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            if (cut <= 0) {
                return null;
            }
            p = p.substring(0, cut);
        }
    }

    /** Gives each problem of {@code report} the source line of its path, where known. */
    public ValidationReport locate(ValidationReport report) {
        return report.locate(this::locate);
    }

    /** The neutral validation of the endpoint, with source lines. */
    public ValidationReport validate() {
        return locate(EndpointValidator.validate(endpoint));
    }
}
