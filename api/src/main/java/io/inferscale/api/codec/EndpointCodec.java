package io.inferscale.api.codec;

import io.inferscale.api.Accelerator;
import io.inferscale.api.AcceleratorType;
import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.BackendOptions;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.Quantity;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.ScaleToZero;
import io.inferscale.api.SecretKeyRef;
import io.inferscale.api.ScalingBehavior;
import io.inferscale.api.ScalingPolicy;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.ScalingTarget;
import io.inferscale.api.SelectPolicy;
import io.inferscale.api.TargetType;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.Severity;
import io.inferscale.api.validation.ValidationReport;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.emitter.Emitter;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;
import org.yaml.snakeyaml.serializer.Serializer;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

    static final List<String> TOP = List.of("apiVersion", "kind", "metadata", "spec");
    static final List<String> METADATA = List.of("name", "labels", "annotations");
    static final List<String> SPEC = List.of("model", "autoscaling", "resources", "backends");
    static final List<String> MODEL = List.of("name", "version", "image", "artifactUri", "port", "env", "healthPath", "predictPath", "startupSeconds");
    static final List<String> VALUE_FROM = List.of("valueFrom");
    static final List<String> SECRET_SOURCE = List.of("secretKeyRef");
    static final List<String> SECRET_KEY_REF = List.of("name", "key");
    static final List<String> AUTOSCALING;
    static final List<String> BEHAVIOR = List.of("scaleUp", "scaleDown");
    static final List<String> RULES = List.of("stabilizationWindowSeconds", "policies", "selectPolicy");
    static final List<String> POLICY = List.of("type", "value", "periodSeconds");
    static final List<String> SCALE_TO_ZERO = List.of("idleSeconds");
    static final List<String> RESOURCES = List.of("requests", "limits", "accelerator");
    static final List<String> RESOURCE_LIST = List.of("cpu", "memory");
    static final List<String> ACCELERATOR = List.of("type", "count");

    static {
        List<String> a = new ArrayList<>(List.of("minReplicas", "maxReplicas"));
        for (TargetType t : TargetType.values()) {
            a.add(t.field());
        }
        a.add("behavior");
        a.add("scaleToZero");
        AUTOSCALING = List.copyOf(a);
    }

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
        if (text.length() > MAX_DOCUMENT_CHARS) {
            throw invalid(source, new Problem(Severity.ERROR, "", "document is " + text.length()
                    + " characters; the limit is " + MAX_DOCUMENT_CHARS, 1, 1));
        }
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
            throw invalid(source, new Problem(Severity.ERROR, "", String.format(java.util.Locale.ROOT,
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
        NodeReader r = new NodeReader();
        InferenceEndpoint endpoint = endpoint(root, r);
        if (endpoint == null || r.problems.stream().anyMatch(Problem::isError)) {
            throw new InvalidEndpointException(source, ValidationReport.of(r.problems));
        }
        return new EndpointDocument(endpoint, source, r.locations);
    }

    /**
     * Reads a document from a file (UTF-8, an optional byte-order mark is skipped); the file name is the
     * source in messages.
     *
     * @throws InvalidEndpointException with every problem, also when the file is over the size limit or not UTF-8
     * @throws IOException              when the file cannot be read
     */
    public static EndpointDocument read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_DOCUMENT_BYTES) {
            throw invalid(file.toString(), tooLarge(size + " bytes"));
        }
        try (InputStream in = Files.newInputStream(file)) {
            // a file that grows, or a device or pipe whose size reads 0, is still read only up to the limit
            return read(in, file.toString());
        }
    }

    /**
     * Reads a document from a stream (UTF-8), reading at most {@link #MAX_DOCUMENT_BYTES} + 1 bytes of it
     * whatever its length, so an endless or huge stream is rejected without being read whole.
     *
     * @throws InvalidEndpointException with every problem, also when the stream is over the size limit or not UTF-8
     * @throws IOException              when the stream cannot be read
     */
    public static EndpointDocument read(InputStream in, String source) throws IOException {
        byte[] bytes = in.readNBytes(MAX_DOCUMENT_BYTES + 1);
        if (bytes.length > MAX_DOCUMENT_BYTES) {
            throw invalid(source, tooLarge("over " + MAX_DOCUMENT_BYTES + " bytes"));
        }
        return read(bytes, source);
    }

    private static Problem tooLarge(String size) {
        return new Problem(Severity.ERROR, "", "the document is " + size + "; the limit is " + MAX_DOCUMENT_BYTES + " bytes ("
                + MAX_DOCUMENT_CHARS + " characters); an endpoint document needs a few kilobytes", 1, 1);
    }

    /**
     * Decodes strictly: a UTF-16 or UTF-32 file, or a Latin-1 byte, would otherwise become garbage or an
     * opaque IOException. The error names the first bad byte's offset and line.
     */
    private static EndpointDocument read(byte[] bytes, String source) {
        String encoding = otherEncoding(bytes);
        if (encoding != null) {
            throw invalid(source, new Problem(Severity.ERROR, "", "the document is not UTF-8 text (it looks like " + encoding
                    + "); save it as UTF-8", 1, 1));
        }
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
        java.nio.charset.CoderResult result = StandardCharsets.UTF_8.newDecoder().decode(in, out, true);
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
            throw invalid(source, new Problem(Severity.ERROR, "", String.format(java.util.Locale.ROOT,
                    "the document is not UTF-8 text: byte offset %d (line %d) starts %s 0x%02X; save the file as UTF-8",
                    offset, line, result.isMalformed() ? "an invalid byte sequence with" : "an unmappable character at",
                    bytes[offset] & 0xFF), line, offset - lineStart + 1));
        }
        out.flip();
        return read(out.toString(), source);
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

    private static InvalidEndpointException invalid(String source, Problem p) {
        return new InvalidEndpointException(source, ValidationReport.of(p));
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

    // ---------------------------------------------------------------- reading

    private static InferenceEndpoint endpoint(Node root, NodeReader r) {
        if (r.mapping(root, "") == null) {
            return null;
        }
        Map<String, Node> top = r.fields(root, "", TOP);
        constant(top, "apiVersion", API_VERSION, root, r);
        constant(top, "kind", KIND, root, r);
        Node metadataNode = top.get("metadata");
        Node specNode = top.get("spec");
        if (metadataNode == null) {
            r.missing("metadata", root, "required field is missing; add metadata: {name: my-model-endpoint}");
        }
        if (specNode == null) {
            r.missing("spec", root, "required field is missing; add spec with model and autoscaling");
        }
        String name = null;
        Map<String, String> labels = Map.of();
        Map<String, String> annotations = Map.of();
        if (metadataNode != null) {
            Map<String, Node> md = r.fields(metadataNode, "metadata", METADATA);
            Node nameNode = md.get("name");
            if (nameNode == null) {
                r.missing("metadata.name", metadataNode, "required field is missing; add name: my-model-endpoint");
            } else {
                name = r.text(nameNode, "metadata.name");
            }
            if (md.containsKey("labels")) {
                labels = r.stringMap(md.get("labels"), "metadata.labels");
            }
            if (md.containsKey("annotations")) {
                annotations = r.stringMap(md.get("annotations"), "metadata.annotations");
            }
        }
        if (specNode == null) {
            return null;
        }
        Map<String, Node> spec = r.fields(specNode, "spec", SPEC);
        ModelSpec model = null;
        if (!spec.containsKey("model")) {
            r.missing("spec.model", specNode, "required field is missing; add model: {name: my-ml-model, version: v1}");
        } else {
            model = model(spec.get("model"), r);
        }
        AutoscalingPolicy autoscaling = null;
        if (!spec.containsKey("autoscaling")) {
            r.missing("spec.autoscaling", specNode, "required field is missing; add autoscaling: {minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 60}");
        } else {
            autoscaling = autoscaling(spec.get("autoscaling"), r);
        }
        Resources resources = spec.containsKey("resources") ? resources(spec.get("resources"), r) : Resources.none();
        BackendOptions backends = spec.containsKey("backends") ? backends(spec.get("backends"), r) : BackendOptions.none();
        if (name == null || model == null || autoscaling == null || resources == null || backends == null) {
            return null;
        }
        return InferenceEndpoint.builder(name).labels(labels).annotations(annotations).model(model)
                .autoscaling(autoscaling).resources(resources).backends(backends).build();
    }

    private static void constant(Map<String, Node> fields, String key, String expected, Node parent, NodeReader r) {
        Node n = fields.get(key);
        if (n == null) {
            r.error(key, parent, "required field is missing; add " + key + ": " + expected);
            return;
        }
        String v = r.text(n, key);
        if (v != null && !v.equals(expected)) {
            r.error(key, n, NodeReader.shown(v) + " is not supported; use " + expected);
        }
    }

    private static ModelSpec model(Node n, NodeReader r) {
        Map<String, Node> f = r.fields(n, "spec.model", MODEL);
        Node nameNode = f.get("name");
        String name = null;
        if (nameNode == null) {
            r.missing("spec.model.name", n, "required field is missing; add name: my-ml-model");
        } else {
            name = r.text(nameNode, "spec.model.name");
        }
        String version = optText(f, "version", "spec.model", r);
        String image = optText(f, "image", "spec.model", r);
        String artifactUri = optText(f, "artifactUri", "spec.model", r);
        Integer port = f.containsKey("port") ? r.integer(f.get("port"), "spec.model.port") : null;
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, SecretKeyRef> secretEnv = new LinkedHashMap<>();
        if (f.containsKey("env")) {
            r.fields(f.get("env"), "spec.model.env", null).forEach((k, v) -> {
                String path = "spec.model.env." + k;
                if (v instanceof MappingNode) {
                    SecretKeyRef ref = secretKeyRef(v, path, r);
                    if (ref != null) {
                        secretEnv.put(k, ref);
                    }
                } else {
                    String value = r.text(v, path);
                    if (value != null) {
                        env.put(k, value);
                    }
                }
            });
        }
        String health = optText(f, "healthPath", "spec.model", r);
        String predict = optText(f, "predictPath", "spec.model", r);
        Integer startup = f.containsKey("startupSeconds") ? r.integer(f.get("startupSeconds"), "spec.model.startupSeconds") : null;
        if (name == null) {
            return null;
        }
        ModelSpec.Builder b = ModelSpec.builder(name).version(version).image(image).artifactUri(artifactUri).port(port).env(env)
                .healthPath(health).predictPath(predict).startupSeconds(startup);
        secretEnv.forEach(b::secretEnv);
        return b.build();
    }

    /** {@code valueFrom: {secretKeyRef: {name, key}}}, or null after reporting what is wrong. */
    private static SecretKeyRef secretKeyRef(Node n, String path, NodeReader r) {
        String fix = "; write valueFrom: {secretKeyRef: {name: my-secret, key: token}}, or a text value";
        boolean hasValueFrom = ((MappingNode) n).getValue().stream()
                .anyMatch(t -> t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("valueFrom"));
        if (!hasValueFrom) {
            r.error(path, n, "expected text (or a secret reference, valueFrom: {secretKeyRef: {name: my-secret, key: token}}), found a mapping");
            return null;
        }
        Node from = r.fields(n, path, VALUE_FROM).get("valueFrom");
        Node ref = r.fields(from, path + ".valueFrom", SECRET_SOURCE).get("secretKeyRef");
        if (ref == null) {
            r.missing(path + ".valueFrom.secretKeyRef", from, "required field is missing" + fix);
            return null;
        }
        String refPath = path + ".valueFrom.secretKeyRef";
        Map<String, Node> rf = r.fields(ref, refPath, SECRET_KEY_REF);
        String secret = null;
        String key = null;
        for (String field : SECRET_KEY_REF) {
            if (!rf.containsKey(field)) {
                if (r.mapping(ref, refPath) != null) {
                    r.missing(refPath + "." + field, ref, "required field is missing; a secretKeyRef needs name (the secret) and key (the entry in it)");
                }
            } else if (field.equals("name")) {
                secret = r.text(rf.get(field), refPath + ".name");
            } else {
                key = r.text(rf.get(field), refPath + ".key");
            }
        }
        return secret == null || key == null ? null : new SecretKeyRef(secret, key);
    }

    private static String optText(Map<String, Node> f, String key, String parent, NodeReader r) {
        return f.containsKey(key) ? r.text(f.get(key), parent + "." + key) : null;
    }

    private static AutoscalingPolicy autoscaling(Node n, NodeReader r) {
        String path = "spec.autoscaling";
        Map<String, Node> f = r.fields(n, path, AUTOSCALING);
        AutoscalingPolicy.Builder b = AutoscalingPolicy.builder();
        boolean ok = r.mapping(n, path) != null;
        if (f.containsKey("minReplicas")) {
            Integer v = r.integer(f.get("minReplicas"), path + ".minReplicas");
            if (v != null) {
                b.minReplicas(v);
            }
        }
        if (!f.containsKey("maxReplicas")) {
            if (ok) {
                r.missing(path + ".maxReplicas", n, "required field is missing; add maxReplicas: 5 (the most replicas to run)");
            }
            ok = false;
        } else {
            Integer v = r.integer(f.get("maxReplicas"), path + ".maxReplicas");
            if (v == null) {
                ok = false;
            } else {
                b.maxReplicas(v);
            }
        }
        for (TargetType t : TargetType.values()) {
            Node tn = f.get(t.field());
            if (tn == null) {
                continue;
            }
            if (t.isPercentage()) {
                Integer v = r.integer(tn, t.path());
                if (v != null) {
                    b.target(t, v);
                }
            } else {
                BigDecimal v = r.number(tn, t.path());
                if (v != null) {
                    b.target(new ScalingTarget(t, v));
                }
            }
        }
        if (f.containsKey("behavior")) {
            b.behavior(behavior(f.get("behavior"), path + ".behavior", r));
        }
        if (f.containsKey("scaleToZero")) {
            Map<String, Node> z = r.fields(f.get("scaleToZero"), path + ".scaleToZero", SCALE_TO_ZERO);
            if (!z.containsKey("idleSeconds")) {
                r.missing(path + ".scaleToZero.idleSeconds", f.get("scaleToZero"), "required field is missing; add idleSeconds: 600");
            } else {
                Integer idle = r.integer(z.get("idleSeconds"), path + ".scaleToZero.idleSeconds");
                if (idle != null) {
                    b.scaleToZero(new ScaleToZero(idle));
                }
            }
        }
        return ok ? b.build() : null;
    }

    private static ScalingBehavior behavior(Node n, String path, NodeReader r) {
        Map<String, Node> bf = r.fields(n, path, BEHAVIOR);
        ScalingRules up = bf.containsKey("scaleUp") ? rules(bf.get("scaleUp"), path + ".scaleUp", r) : null;
        ScalingRules down = bf.containsKey("scaleDown") ? rules(bf.get("scaleDown"), path + ".scaleDown", r) : null;
        return ScalingBehavior.of(up, down);
    }

    /**
     * A scaling behaviour from a document tree ({@code Map}s, {@code List}s, text and numbers, as backend options hold
     * it), read with the same rules as {@code spec.autoscaling.behavior}; {@code path} names it in messages
     * (e.g. {@code spec.backends.sagemaker.behavior}).
     *
     * @throws InvalidEndpointException with every problem, each naming its field under {@code path}
     */
    public static ScalingBehavior readBehavior(Object tree, String path) {
        NodeReader r = new NodeReader();
        Node n = new Composer(new ParserImpl(new StreamReader(writeYaml(tree)), loaderOptions()), new Resolver(), loaderOptions()).getSingleNode();
        ScalingBehavior b = n == null ? null : behavior(n, path, r);
        if (b == null || r.problems.stream().anyMatch(Problem::isError)) {
            throw new InvalidEndpointException(path, ValidationReport.of(b == null
                    ? List.of(Problem.error(path, "must be a mapping with scaleUp and/or scaleDown, as spec.autoscaling.behavior")) : r.problems));
        }
        return b;
    }

    private static ScalingRules rules(Node n, String path, NodeReader r) {
        Map<String, Node> f = r.fields(n, path, RULES);
        Integer window = f.containsKey("stabilizationWindowSeconds")
                ? r.integer(f.get("stabilizationWindowSeconds"), path + ".stabilizationWindowSeconds") : null;
        List<ScalingPolicy> policies = new ArrayList<>();
        if (f.containsKey("policies")) {
            SequenceNode seq = r.sequence(f.get("policies"), path + ".policies");
            if (seq != null && seq.getValue().isEmpty()) {
                // Kubernetes rejects an empty list ("must specify at least one Policy"); the model cannot tell it from none
                r.error(path + ".policies", seq, "is empty; give at least one policy (type, value, periodSeconds) "
                        + "or leave policies out for the autoscaler's defaults");
            }
            if (seq != null) {
                for (int i = 0; i < seq.getValue().size(); i++) {
                    String pp = path + ".policies[" + i + "]";
                    Node pn = seq.getValue().get(i);
                    r.record(pp, pn);
                    Map<String, Node> pf = r.fields(pn, pp, POLICY);
                    ScalingPolicy.Type type = null;
                    Integer value = null;
                    Integer period = null;
                    for (String req : POLICY) {
                        if (!pf.containsKey(req) && r.mapping(pn, pp) != null) {
                            r.missing(pp + "." + req, pn, "required field is missing; a policy needs type (Pods or Percent), value and periodSeconds");
                        }
                    }
                    if (pf.containsKey("type")) {
                        type = r.choice(pf.get("type"), pp + ".type", ScalingPolicy.Type.values(), ScalingPolicy.Type::id);
                    }
                    if (pf.containsKey("value")) {
                        value = r.integer(pf.get("value"), pp + ".value");
                    }
                    if (pf.containsKey("periodSeconds")) {
                        period = r.integer(pf.get("periodSeconds"), pp + ".periodSeconds");
                    }
                    if (type != null && value != null && period != null) {
                        policies.add(new ScalingPolicy(type, value, period));
                    }
                }
            }
        }
        SelectPolicy select = f.containsKey("selectPolicy")
                ? r.choice(f.get("selectPolicy"), path + ".selectPolicy", SelectPolicy.values(), SelectPolicy::id) : null;
        return ScalingRules.of(window, policies, select);
    }

    private static Resources resources(Node n, NodeReader r) {
        Map<String, Node> f = r.fields(n, "spec.resources", RESOURCES);
        ResourceList requests = f.containsKey("requests") ? resourceList(f.get("requests"), "spec.resources.requests", r) : ResourceList.empty();
        ResourceList limits = f.containsKey("limits") ? resourceList(f.get("limits"), "spec.resources.limits", r) : ResourceList.empty();
        Accelerator accelerator = null;
        if (f.containsKey("accelerator")) {
            String path = "spec.resources.accelerator";
            Map<String, Node> af = r.fields(f.get("accelerator"), path, ACCELERATOR);
            AcceleratorType type = null;
            if (!af.containsKey("type")) {
                if (r.mapping(f.get("accelerator"), path) != null) {
                    r.missing(path + ".type", f.get("accelerator"), "required field is missing; add type: one of " + String.join(", ", AcceleratorType.ids()));
                }
            } else {
                type = r.choice(af.get("type"), path + ".type", AcceleratorType.values(), AcceleratorType::id);
            }
            Integer count = af.containsKey("count") ? r.integer(af.get("count"), path + ".count") : Integer.valueOf(1);
            if (type != null && count != null) {
                accelerator = new Accelerator(type, count);
            }
        }
        return Resources.of(requests, limits, accelerator);
    }

    private static ResourceList resourceList(Node n, String path, NodeReader r) {
        Map<String, Node> f = r.fields(n, path, RESOURCE_LIST);
        Quantity cpu = f.containsKey("cpu") ? quantity(f.get("cpu"), path + ".cpu", r) : null;
        Quantity memory = f.containsKey("memory") ? quantity(f.get("memory"), path + ".memory", r) : null;
        return ResourceList.of(cpu, memory);
    }

    private static Quantity quantity(Node n, String path, NodeReader r) {
        String text = r.text(n, path);
        if (text == null) {
            return null;
        }
        try {
            return Quantity.parse(text);
        } catch (IllegalArgumentException e) {
            r.error(path, n, e.getMessage());
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private static BackendOptions backends(Node n, NodeReader r) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        r.fields(n, "spec.backends", null).forEach((id, v) -> {
            Object options = r.mapping(v, "spec.backends." + id) == null ? null : r.any(v, "spec.backends." + id);
            if (v instanceof MappingNode m) {
                // the per-backend overrides (BackendOverrides) are checked like the fields they replace, with their lines
                for (org.yaml.snakeyaml.nodes.NodeTuple t : m.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(io.inferscale.api.backend.BackendOverrides.BEHAVIOR)) {
                        behavior(t.getValueNode(), "spec.backends." + id + ".behavior", r);
                    } else if (t.getKeyNode() instanceof ScalarNode k && (k.getValue().equals(io.inferscale.api.backend.BackendOverrides.ARTIFACT_URI)
                            || k.getValue().equals(io.inferscale.api.backend.BackendOverrides.IMAGE))) {
                        r.text(t.getValueNode(), "spec.backends." + id + "." + k.getValue());
                    }
                }
            }
            if (options instanceof Map<?, ?> m) {
                out.put(id, (Map<String, Object>) m);
            }
        });
        return BackendOptions.of(out);
    }

    // ---------------------------------------------------------------- writing

    /**
     * The endpoint as a document tree in canonical order: {@code Map}s, {@code List}s, {@link String}s,
     * {@link Integer}s, {@link BigDecimal}s, {@link Boolean}s and {@link Quantity}s. Absent fields are left out.
     */
    public static Map<String, Object> toTree(InferenceEndpoint e) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", API_VERSION);
        doc.put("kind", KIND);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", e.name());
        if (!e.labels().isEmpty()) {
            metadata.put("labels", new LinkedHashMap<>(e.labels()));
        }
        if (!e.annotations().isEmpty()) {
            metadata.put("annotations", new LinkedHashMap<>(e.annotations()));
        }
        doc.put("metadata", metadata);
        Map<String, Object> spec = new LinkedHashMap<>();
        ModelSpec m = e.model();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("name", m.name());
        m.version().ifPresent(v -> model.put("version", v));
        m.image().ifPresent(v -> model.put("image", v));
        m.artifactUri().ifPresent(v -> model.put("artifactUri", v));
        m.port().ifPresent(v -> model.put("port", v));
        if (!m.env().isEmpty() || !m.secretEnv().isEmpty()) {
            Map<String, Object> env = new LinkedHashMap<>(m.env());
            m.secretEnv().forEach((k, ref) -> {
                Map<String, Object> keyRef = new LinkedHashMap<>();
                keyRef.put("name", ref.name());
                keyRef.put("key", ref.key());
                env.put(k, Map.of("valueFrom", Map.of("secretKeyRef", keyRef)));
            });
            model.put("env", env);
        }
        m.healthPath().ifPresent(v -> model.put("healthPath", v));
        m.predictPath().ifPresent(v -> model.put("predictPath", v));
        m.startupSeconds().ifPresent(v -> model.put("startupSeconds", v));
        spec.put("model", model);
        AutoscalingPolicy a = e.autoscaling();
        Map<String, Object> autoscaling = new LinkedHashMap<>();
        autoscaling.put("minReplicas", a.minReplicas());
        autoscaling.put("maxReplicas", a.maxReplicas());
        for (ScalingTarget t : a.targets()) {
            autoscaling.put(t.type().field(), t.value());
        }
        if (!a.behavior().isEmpty()) {
            Map<String, Object> behavior = new LinkedHashMap<>();
            a.behavior().scaleUp().ifPresent(rules -> behavior.put("scaleUp", rulesTree(rules)));
            a.behavior().scaleDown().ifPresent(rules -> behavior.put("scaleDown", rulesTree(rules)));
            autoscaling.put("behavior", behavior);
        }
        a.scaleToZero().ifPresent(z -> autoscaling.put("scaleToZero", new LinkedHashMap<>(Map.of("idleSeconds", z.idleSeconds()))));
        spec.put("autoscaling", autoscaling);
        Resources r = e.resources();
        if (!r.requests().isEmpty() || !r.limits().isEmpty() || r.accelerator().isPresent()) {
            Map<String, Object> resources = new LinkedHashMap<>();
            if (!r.requests().isEmpty()) {
                resources.put("requests", listTree(r.requests()));
            }
            if (!r.limits().isEmpty()) {
                resources.put("limits", listTree(r.limits()));
            }
            r.accelerator().ifPresent(acc -> {
                Map<String, Object> accelerator = new LinkedHashMap<>();
                accelerator.put("type", acc.type().id());
                accelerator.put("count", acc.count());
                resources.put("accelerator", accelerator);
            });
            spec.put("resources", resources);
        }
        if (!e.backends().isEmpty()) {
            spec.put("backends", e.backends().asMap());
        }
        doc.put("spec", spec);
        return doc;
    }

    private static Map<String, Object> rulesTree(ScalingRules rules) {
        Map<String, Object> m = new LinkedHashMap<>();
        rules.stabilizationWindowSeconds().ifPresent(w -> m.put("stabilizationWindowSeconds", w));
        if (!rules.policies().isEmpty()) {
            List<Object> policies = new ArrayList<>();
            for (ScalingPolicy p : rules.policies()) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("type", p.type().id());
                pm.put("value", p.value());
                pm.put("periodSeconds", p.periodSeconds());
                policies.add(pm);
            }
            m.put("policies", policies);
        }
        rules.selectPolicy().ifPresent(s -> m.put("selectPolicy", s.id()));
        return m;
    }

    private static Map<String, Object> listTree(ResourceList list) {
        Map<String, Object> m = new LinkedHashMap<>();
        list.cpu().ifPresent(q -> m.put("cpu", q));
        list.memory().ifPresent(q -> m.put("memory", q));
        return m;
    }

    /** The endpoint as a YAML document in the seed's layout (block style, two-space indent). */
    public static String toYaml(InferenceEndpoint e) {
        return writeYaml(toTree(e));
    }

    /** The endpoint as pretty-printed JSON. */
    public static String toJson(InferenceEndpoint e) {
        return Json.write(toTree(e));
    }

    /**
     * Any document tree ({@code Map}, {@code List}, text, numbers, booleans, {@link Quantity}) as block YAML;
     * numbers and quantities are written unquoted when YAML reads them back as numbers.
     */
    public static String writeYaml(Object tree) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        options.setPrettyFlow(true);
        options.setSplitLines(false);
        // what Yaml.dump does, without a Yaml instance: its Constructor's TypeDescription would start the JDK's
        // System.Logger and with it java.util.logging (about 120 classes) on every render
        PlainRepresenter representer = new PlainRepresenter(options);
        representer.setDefaultFlowStyle(options.getDefaultFlowStyle());
        representer.setDefaultScalarStyle(options.getDefaultScalarStyle());
        representer.setTimeZone(options.getTimeZone());
        StringWriter out = new StringWriter();
        Serializer serializer = new Serializer(new Emitter(out, options), new Resolver(), options, null);
        try {
            serializer.open();
            serializer.serialize(representer.represent(tree));
            serializer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** Writes quantities and decimals as plain scalars with the tag YAML would resolve them to. */
    private static final class PlainRepresenter extends Representer {
        private static final Resolver RESOLVER = new Resolver();

        PlainRepresenter(DumperOptions options) {
            super(options);
            this.representers.put(Quantity.class, data -> plain(((Quantity) data).text()));
            this.representers.put(BigDecimal.class, data -> plain(Json.number((BigDecimal) data)));
            this.representers.put(BigInteger.class, data -> plain(data.toString()));
        }

        private Node plain(String text) {
            Tag tag = RESOLVER.resolve(NodeId.scalar, text, true);
            return representScalar(tag, text);
        }
    }

    /** Reads the seed-format document and returns just the endpoint. */
    public static InferenceEndpoint readEndpoint(String text, String source) {
        return read(text, source).endpoint();
    }
}
