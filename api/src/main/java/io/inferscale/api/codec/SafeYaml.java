package io.inferscale.api.codec;

import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.Severity;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

import java.util.Locale;

import static io.inferscale.api.codec.DocumentText.invalid;
import static io.inferscale.api.codec.EndpointCodec.MAX_ALIASES;
import static io.inferscale.api.codec.EndpointCodec.MAX_DOCUMENT_CHARS;
import static io.inferscale.api.codec.EndpointCodec.MAX_NESTING_DEPTH;
import static io.inferscale.api.codec.EndpointCodec.MAX_NODES;

/**
 * The second stage of reading: text to one composed YAML node tree, safely. Only SnakeYAML's composer runs (no
 * constructor, so no type tag can build an object); duplicate keys, recursive keys, more than
 * {@link EndpointCodec#MAX_ALIASES} aliases, nesting past {@link EndpointCodec#MAX_NESTING_DEPTH} and more than
 * {@link EndpointCodec#MAX_NODES} nodes are refused, every error with the line and column it was found at.
 */
final class SafeYaml {

    private SafeYaml() {
    }

    /**
     * The document's root node: one document, not empty.
     *
     * @throws io.inferscale.api.InvalidEndpointException for a syntax error, a refused character, a limit passed, an
     *                                                    empty document or more than one
     */
    static Node composeDocument(String text, String source) {
        BoundedParser parser = new BoundedParser(new ParserImpl(new StreamReader(jsonTabsToSpaces(text)), loaderOptions()), MAX_NODES);
        Node root;
        try {
            Composer composer = new Composer(parser, new Resolver(), loaderOptions());
            if (!composer.checkNode()) {
                throw invalid(source, new Problem(Severity.ERROR, "", "empty document: expected an InferenceEndpoint (apiVersion, kind, metadata, spec)", 1, 1));
            }
            root = composer.getNode();
            if (composer.checkNode()) {
                Node second = composer.getNode();
                throw invalid(source, new Problem(Severity.ERROR, "", "more than one document ('---'); put one endpoint in each file",
                        NodeReader.line(second), NodeReader.column(second)));
            }
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
            Mark started = e.getContextMark();
            String context = e.getContext() == null ? "" : " (" + e.getContext()
                    + (started != null && m != null && started.getLine() != m.getLine() ? " that starts at line " + (started.getLine() + 1) : "") + ")";
            throw invalid(source, new Problem(Severity.ERROR, "", "YAML syntax error: " + what + context,
                    m == null ? 0 : m.getLine() + 1, m == null ? 0 : m.getColumn() + 1));
        } catch (ReaderException e) {
            // a character YAML does not allow (NUL, other control characters): SnakeYAML gives its index in the text
            int[] at = lineAndColumn(text, e.getPosition());
            throw invalid(source, new Problem(Severity.ERROR, "", String.format(Locale.ROOT,
                    "character U+%04X at line %d, column %d is not allowed in YAML; remove it (or write it escaped in double quotes, e.g. \"\\u%04X\")",
                    e.getCodePoint(), at[0], at[1], e.getCodePoint()), at[0], at[1]));
        } catch (YAMLException e) {
            // limits: SnakeYAML's carry no position, so the error is placed where the parser had got to
            Mark m = parser.lastMark();
            throw invalid(source, new Problem(Severity.ERROR, "", limitMessage(String.valueOf(e.getMessage())),
                    m == null ? 1 : m.getLine() + 1, m == null ? 1 : m.getColumn() + 1));
        }
        if (root == null || root instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
            throw invalid(source, new Problem(Severity.ERROR, "", "empty document: expected an InferenceEndpoint (apiVersion, kind, metadata, spec)",
                    root == null ? 1 : NodeReader.line(root), root == null ? 1 : NodeReader.column(root)));
        }
        return root;
    }

    /** The single node of YAML this library wrote itself ({@link EndpointWriter#writeYaml}), or null for an empty one. */
    static Node composeWritten(String yaml) {
        return new Composer(new ParserImpl(new StreamReader(yaml), loaderOptions()), new Resolver(), loaderOptions()).getSingleNode();
    }

    /** The 1-based line and column of the code point at {@code index} (counted in code points, as SnakeYAML does). */
    private static int[] lineAndColumn(String text, int index) {
        int line = 1;
        int column = 1;
        int[] cps = text.codePoints().limit(Math.max(0, index)).toArray();
        for (int cp : cps) {
            if (cp == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new int[] {line, column};
    }

    /** SnakeYAML's limit errors (they carry no position) in the reader's words, with what to do. */
    static String limitMessage(String snakeYaml) {
        if (snakeYaml.startsWith("Number of aliases")) {
            return "more than " + MAX_ALIASES + " aliases (*name) to lists or mappings; write the repeated values out"
                    + " (the limit stops alias bombs)";
        }
        if (snakeYaml.startsWith(BoundedParser.NODE_LIMIT)) {
            return "more than " + MAX_NODES + " values, lists and mappings; an endpoint needs a few hundred (the limit bounds memory)";
        }
        if (snakeYaml.startsWith("Nesting Depth")) {
            return "nesting depth over " + MAX_NESTING_DEPTH + " levels of lists and mappings; an endpoint needs far fewer, flatten the document";
        }
        return "YAML error: " + snakeYaml;
    }

    /**
     * JSON allows tabs between tokens, YAML does not: in a document that starts with '{' or '[' (JSON, or
     * YAML in flow style), tabs outside quoted strings become spaces, which keeps every line and column.
     */
    static String jsonTabsToSpaces(String text) {
        int first = 0;
        while (first < text.length() && (Character.isWhitespace(text.charAt(first)) || text.charAt(first) == '\uFEFF')) {
            first++;
        }
        if (first == text.length() || text.charAt(first) != '{' && text.charAt(first) != '[' || text.indexOf('\t') < 0) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text);
        char quote = 0;
        for (int i = first; i < sb.length(); i++) {
            char c = sb.charAt(i);
            if (quote == 0) {
                if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '\t') {
                    sb.setCharAt(i, ' ');
                }
            } else if (c == '\\' && quote == '"') {
                i++;
            } else if (c == quote) {
                quote = 0;
            }
        }
        return sb.toString();
    }

    /** SnakeYAML's options for every document this library reads: the limits above, no duplicate or recursive keys. */
    static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING_DEPTH);
        options.setCodePointLimit(MAX_DOCUMENT_CHARS);
        options.setAllowRecursiveKeys(false);
        options.setProcessComments(false);
        return options;
    }
}
