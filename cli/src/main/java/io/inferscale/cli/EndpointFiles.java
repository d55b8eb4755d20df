package io.inferscale.cli;

import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.codec.EndpointDocument;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.Severity;
import io.inferscale.api.validation.ValidationReport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What {@code apply -f} and {@code delete -f} accept, like kubectl: one file, a file of several YAML documents
 * separated by {@code ---} lines, standard input ({@code -}), or a directory (its {@code *.yaml}, {@code *.yml} and
 * {@code *.json} files, not recursive, in name order). Each document is read by {@link EndpointCodec} with its own
 * limits, and keeps its file's line numbers in messages. Two documents naming the same endpoint are an error.
 */
final class EndpointFiles {

    /** A document start or end marker: {@code ---} or {@code ...} at the start of a line, alone or before a space/comment. */
    private static final Pattern MARKER = Pattern.compile("^(---|\\.\\.\\.)(\\s.*)?$");

    /** Most files a directory may hold for one command: a mistyped path (a home directory) fails fast. */
    static final int MAX_FILES = 1_000;

    private EndpointFiles() {
    }

    /**
     * The documents named by {@code file}, every one read before anything is done with any.
     *
     * @throws InputException          for a missing or unreadable file, an empty directory
     * @throws InvalidEndpointException for the first document with problems (each with its line), or a repeated name
     */
    static List<EndpointDocument> read(String file, InputStream stdin) {
        List<EndpointDocument> docs = new ArrayList<>();
        try {
            if ("-".equals(file)) {
                docs.addAll(split(stdin.readNBytes(EndpointCodec.MAX_DOCUMENT_BYTES + 1), EndpointCommand.STDIN));
            } else {
                Path path = Path.of(file);
                if (Files.isDirectory(path)) {
                    List<Path> files;
                    try (Stream<Path> listing = Files.list(path)) {
                        files = listing.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().matches("(?i).*\\.(ya?ml|json)"))
                                .sorted().limit(MAX_FILES + 1L).toList();
                    }
                    if (files.isEmpty()) {
                        throw new InputException("cannot read " + file + ": the directory has no .yaml, .yml or .json file");
                    }
                    if (files.size() > MAX_FILES) {
                        throw new InputException("cannot read " + file + ": the directory has more than " + MAX_FILES
                                + " endpoint files; give a smaller directory");
                    }
                    for (Path f : files) {
                        docs.addAll(readFile(f));
                    }
                } else {
                    docs.addAll(readFile(path));
                }
            }
        } catch (IOException e) {
            throw InputException.cannotRead(file, e);
        }
        requireDistinctNames(docs);
        return docs;
    }

    private static List<EndpointDocument> readFile(Path file) throws IOException {
        if (Files.size(file) > EndpointCodec.MAX_DOCUMENT_BYTES) {
            return List.of(EndpointCodec.read(file)); // the codec's own size error
        }
        return split(Files.readAllBytes(file), file.toString());
    }

    /**
     * The documents of one file. Text that is not plain UTF-8, or has no document with content, goes to the codec
     * whole, so its messages (encoding, size, empty document) are exactly those of {@code validate}. Documents with
     * nothing but comments between markers are skipped, as kubectl does.
     */
    static List<EndpointDocument> split(byte[] bytes, String source) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            text = null;
        }
        if (text == null || bytes.length > EndpointCodec.MAX_DOCUMENT_BYTES || text.startsWith("\uFEFF") || text.indexOf('\0') >= 0) {
            return List.of(EndpointCodec.read(new java.io.ByteArrayInputStream(bytes), source));
        }
        String[] lines = text.split("\n", -1);
        int[] offsets = new int[lines.length + 1]; // where each line starts in text; offsets[lines.length] = text.length() + 1
        for (int i = 0; i < lines.length; i++) {
            offsets[i + 1] = offsets[i] + lines[i].length() + 1;
        }
        List<int[]> parts = new ArrayList<>(); // {first line, end line exclusive} of each document with content, 0-based
        int first = 0;
        boolean content = false;
        for (int i = 0; i <= lines.length; i++) {
            String line = i < lines.length ? stripCr(lines[i]) : null;
            if (line == null || MARKER.matcher(line).matches()) {
                if (content) {
                    parts.add(new int[] {first, i});
                }
                first = i + 1;
                content = false;
            } else {
                String t = line.trim();
                content |= !t.isEmpty() && !t.startsWith("#") && !t.startsWith("%");
            }
        }
        if (parts.isEmpty()) {
            return List.of(EndpointCodec.read(text, source)); // the codec's own "empty document"
        }
        List<EndpointDocument> docs = new ArrayList<>();
        for (int[] part : parts) {
            // blank lines stand in for what comes before, so every message keeps the file's line numbers
            String doc = text.substring(offsets[part[0]], Math.min(text.length(), offsets[part[1]]));
            docs.add(EndpointCodec.read("\n".repeat(part[0]) + doc, source));
        }
        return docs;
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static void requireDistinctNames(List<EndpointDocument> docs) {
        Map<String, EndpointDocument> seen = new HashMap<>();
        for (EndpointDocument d : docs) {
            EndpointDocument first = seen.putIfAbsent(d.endpoint().name(), d);
            if (first != null) {
                int[] at = d.locate("metadata.name");
                int[] firstAt = first.locate("metadata.name");
                throw new InvalidEndpointException(d.source(), ValidationReport.of(List.of(new Problem(Severity.ERROR, "metadata.name",
                        "more than one document names endpoint '" + d.endpoint().name() + "' (the first in " + first.source()
                                + (firstAt != null ? " at line " + firstAt[0] : "") + "); give each endpoint its own name",
                        at == null ? 0 : at[0], at == null ? 0 : at[1]))));
            }
        }
    }
}
