package io.inferscale.api.codec;

import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.Severity;
import io.inferscale.api.validation.ValidationReport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static io.inferscale.api.codec.EndpointCodec.MAX_DOCUMENT_BYTES;
import static io.inferscale.api.codec.EndpointCodec.MAX_DOCUMENT_CHARS;

/**
 * The first stage of reading an endpoint document: bytes to text, within the size limits. Files and streams are
 * read up to {@link EndpointCodec#MAX_DOCUMENT_BYTES} + 1 bytes and decoded strictly as UTF-8 (UTF-16 and UTF-32
 * are named, any other bad byte by its offset and line); text is held to {@link EndpointCodec#MAX_DOCUMENT_CHARS}.
 */
final class DocumentText {

    private DocumentText() {
    }

    /** The file's text; over the size limit or not UTF-8 is an {@link InvalidEndpointException} naming the file. */
    static String read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_DOCUMENT_BYTES) {
            throw invalid(file.toString(), tooLarge(size + " bytes"));
        }
        try (InputStream in = Files.newInputStream(file)) {
            // a file that grows, or a device or pipe whose size reads 0, is still read only up to the limit
            return read(in, file.toString());
        }
    }

    /** The stream's text, reading at most {@link EndpointCodec#MAX_DOCUMENT_BYTES} + 1 bytes of it. */
    static String read(InputStream in, String source) throws IOException {
        byte[] bytes = in.readNBytes(MAX_DOCUMENT_BYTES + 1);
        if (bytes.length > MAX_DOCUMENT_BYTES) {
            throw invalid(source, tooLarge("over " + MAX_DOCUMENT_BYTES + " bytes"));
        }
        return decode(bytes, source);
    }

    /** Refuses text over {@link EndpointCodec#MAX_DOCUMENT_CHARS} characters before any parsing. */
    static void checkLength(String text, String source) {
        if (text.length() > MAX_DOCUMENT_CHARS) {
            throw invalid(source, new Problem(Severity.ERROR, "", "document is " + text.length()
                    + " characters; the limit is " + MAX_DOCUMENT_CHARS, 1, 1));
        }
    }

    private static Problem tooLarge(String size) {
        return new Problem(Severity.ERROR, "", "the document is " + size + "; the limit is " + MAX_DOCUMENT_BYTES + " bytes ("
                + MAX_DOCUMENT_CHARS + " characters); an endpoint document needs a few kilobytes", 1, 1);
    }

    /**
     * Decodes strictly: a UTF-16 or UTF-32 file, or a Latin-1 byte, would otherwise become garbage or an
     * opaque IOException. The error names the first bad byte's offset and line.
     */
    private static String decode(byte[] bytes, String source) {
        String encoding = otherEncoding(bytes);
        if (encoding != null) {
            throw invalid(source, new Problem(Severity.ERROR, "", "the document is not UTF-8 text (it looks like " + encoding
                    + "); save it as UTF-8", 1, 1));
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = StandardCharsets.UTF_8.newDecoder().decode(in, out, true);
        if (result.isError()) {
            int offset = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < offset; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            throw invalid(source, new Problem(Severity.ERROR, "", String.format(Locale.ROOT,
                    "the document is not UTF-8 text: byte offset %d (line %d) starts %s 0x%02X; save the file as UTF-8",
                    offset, line, result.isMalformed() ? "an invalid byte sequence with" : "an unmappable character at",
                    bytes[offset] & 0xFF), line, offset - lineStart + 1));
        }
        out.flip();
        return out.toString();
    }

    /** UTF-16 or UTF-32 by byte-order mark, or UTF-16 without one (a NUL in every other of the first bytes); else null. */
    private static String otherEncoding(byte[] b) {
        if (b.length >= 4 && (b[0] == 0 && b[1] == 0 && b[2] == (byte) 0xFE && b[3] == (byte) 0xFF
                || b[0] == (byte) 0xFF && b[1] == (byte) 0xFE && b[2] == 0 && b[3] == 0)) {
            return "UTF-32";
        }
        if (b.length >= 2 && (b[0] == (byte) 0xFE && b[1] == (byte) 0xFF || b[0] == (byte) 0xFF && b[1] == (byte) 0xFE)) {
            return "UTF-16";
        }
        if (b.length >= 4 && (b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0 || b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0)) {
            return "UTF-16 without a byte-order mark";
        }
        return null;
    }

    /** One problem as the exception every stage throws, naming the document. */
    static InvalidEndpointException invalid(String source, Problem p) {
        return new InvalidEndpointException(source, ValidationReport.of(p));
    }
}
