package io.inferscale.api.codec;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.Quantity;
import io.inferscale.api.ScalingBehavior;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads and writes the InferenceEndpoint document format: the seed's {@code inference_endpoint.yaml}
 * ({@code apiVersion: mlops.example.com/v1}, {@code kind: InferenceEndpoint}) and its extensions, in
 * YAML or JSON.
 *
 * <p>Reading is strict and safe: unknown fields are errors naming the field, its line and the closest
 * known name; wrong types name the field and the expected type; duplicate keys, empty documents and
 * syntax errors report line and column. Only plain YAML values are accepted (no type tags, so no object
 * construction, and no merge keys {@code <<}); documents over {@link #MAX_DOCUMENT_CHARS} characters
 * (files and streams over {@link #MAX_DOCUMENT_BYTES} bytes, rejected after reading at most one byte more),
 * nesting deeper than {@link #MAX_NESTING_DEPTH} (also through an alias used inside the value it names),
 * more than {@link #MAX_ALIASES} aliases and more than {@link #MAX_NODES} nodes fail fast with the line
 * the reader had got to, and backend options may hold at most 10,000 values however aliases repeat them. Numbers must be below 10^18 with at most 18 decimal places (and at
 * most 64 characters), so no later arithmetic or printing can blow up. JSON is read as YAML; tabs between
 * its tokens are accepted. Whole numbers with a leading zero ({@code 010}) are refused, since YAML 1.1
 * readers such as kubectl take them as octal. Files and streams must be UTF-8 (a byte-order mark is
 * skipped); UTF-16 and UTF-32 are named as such, and any other bad byte by its offset and line. Every
 * problem is reported at once in an {@link InvalidEndpointException}.
 *
 * <p>Writing produces the canonical field order (the seed's), quantities exactly as they were written,
 * so a loaded document writes back unchanged.
 *
 * <p>This class is the facade over the stages, each a package-private class: {@code DocumentText} (bytes to text,
 * size limits, UTF-8), {@code SafeYaml} (text to one node tree, safely and within limits), {@code EndpointReader}
 * and {@code AutoscalingReader} (node tree to the model, every problem with its line) and {@code EndpointWriter}
 * (model to tree and YAML; JSON by {@link Json}).
 */
public final class EndpointCodec {

    /** The document's {@code apiVersion}, as the seed writes it. */
    public static final String API_VERSION = "mlops.example.com/v1";
    /** The document's {@code kind}. */
    public static final String KIND = "InferenceEndpoint";
    /** Largest document accepted, in characters (1 MiB). */
    public static final int MAX_DOCUMENT_CHARS = 1 << 20;
    /** Deepest nesting of mappings and lists accepted. */
    public static final int MAX_NESTING_DEPTH = 32;
    /** Most aliases ({@code *name}) to collections accepted. */
    public static final int MAX_ALIASES = 20;
    /** Largest file or stream accepted, in bytes (4 MiB: {@link #MAX_DOCUMENT_CHARS} characters of up to 4 UTF-8 bytes). */
    public static final int MAX_DOCUMENT_BYTES = MAX_DOCUMENT_CHARS * 4;
    /** Most YAML nodes (scalars, lists, mappings and aliases) in a document; bounds the memory of the parsed tree. */
    public static final int MAX_NODES = 5_000;

    private EndpointCodec() {
    }

    /**
     * Reads one endpoint document (YAML or JSON).
     *
     * @param text   the document
     * @param source its name for messages, e.g. the file name
     * @throws InvalidEndpointException with every problem found, each with its line
     */
    public static EndpointDocument read(String text, String source) {
        DocumentText.checkLength(text, source);
        return EndpointReader.read(SafeYaml.composeDocument(text, source), source);
    }

    /**
     * Reads a document from a file (UTF-8, an optional byte-order mark is skipped); the file name is the
     * source in messages.
     *
     * @throws InvalidEndpointException with every problem, also when the file is over the size limit or not UTF-8
     * @throws IOException              when the file cannot be read
     */
    public static EndpointDocument read(Path file) throws IOException {
        return read(DocumentText.read(file), file.toString());
    }

    /**
     * Reads a document from a stream (UTF-8), reading at most {@link #MAX_DOCUMENT_BYTES} + 1 bytes of it
     * whatever its length, so an endless or huge stream is rejected without being read whole.
     *
     * @throws InvalidEndpointException with every problem, also when the stream is over the size limit or not UTF-8
     * @throws IOException              when the stream cannot be read
     */
    public static EndpointDocument read(InputStream in, String source) throws IOException {
        return read(DocumentText.read(in, source), source);
    }

    /** Reads the seed-format document and returns just the endpoint. */
    public static InferenceEndpoint readEndpoint(String text, String source) {
        return read(text, source).endpoint();
    }

    /**
     * A scaling behaviour from a document tree ({@code Map}s, {@code List}s, text and numbers, as backend options hold
     * it), read with the same rules as {@code spec.autoscaling.behavior}; {@code path} names it in messages
     * (e.g. {@code spec.backends.sagemaker.behavior}).
     *
     * @throws InvalidEndpointException with every problem, each naming its field under {@code path}
     */
    public static ScalingBehavior readBehavior(Object tree, String path) {
        return AutoscalingReader.readBehavior(tree, path);
    }

    /**
     * The endpoint as a document tree in canonical order: {@code Map}s, {@code List}s, {@link String}s,
     * {@link Integer}s, {@link BigDecimal}s, {@link Boolean}s and {@link Quantity}s. Absent fields are left out.
     */
    public static Map<String, Object> toTree(InferenceEndpoint e) {
        return EndpointWriter.toTree(e);
    }

    /** The endpoint as a YAML document in the seed's layout (block style, two-space indent). */
    public static String toYaml(InferenceEndpoint e) {
        return EndpointWriter.toYaml(e);
    }

    /** The endpoint as pretty-printed JSON. */
    public static String toJson(InferenceEndpoint e) {
        return EndpointWriter.toJson(e);
    }

    /**
     * Any document tree ({@code Map}, {@code List}, text, numbers, booleans, {@link Quantity}) as block YAML;
     * numbers and quantities are written unquoted when YAML reads them back as numbers.
     */
    public static String writeYaml(Object tree) {
        return EndpointWriter.writeYaml(tree);
    }
}
