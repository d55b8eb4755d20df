package io.inferscale.api.codec;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.simulation.ModelSettings;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a YAML price file into price settings ({@code <backend>.price.[<region>.]<item>}) for the autoscaler models'
 * {@link io.inferscale.api.simulation.AutoscalerModelProvider#price}, each with its origin
 * ({@code --prices FILE line N}) so the output says where a price came from.
 *
 * <pre>
 * sagemaker:
 *   ml.g6.xlarge: 1.2          # US dollars per instance-hour, any region
 *   eu-west-1:
 *     ml.g5.xlarge: 1.55       # only in eu-west-1
 * vertex:
 *   n1-standard-4: 0.25
 *   NVIDIA_TESLA_T4: 0.45      # per accelerator-hour
 * kubernetes: {vcpuHour: 0.04, gibHour: 0.005, gpuHour: 0.5}
 * </pre>
 *
 * <p>Under a backend, a key with a mapping is a region and a key with a number is an item priced in any region.
 * Prices are numbers of 0 or more. The same limits as endpoint documents apply (size, nesting, aliases, nodes).
 */
public final class PriceFile {

    private PriceFile() {
    }

    /**
     * Reads a price file (UTF-8).
     *
     * @param backendIds the backends a price may name (e.g. the discovered models); empty accepts any
     * @throws ConfigurationException listing every problem with its line
     * @throws IOException            when the file cannot be read
     */
    public static ModelSettings read(Path file, Set<String> backendIds) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(EndpointCodec.MAX_DOCUMENT_CHARS + 1);
            if (bytes.length > EndpointCodec.MAX_DOCUMENT_CHARS) {
                throw new ConfigurationException("price file " + file + " is over " + EndpointCodec.MAX_DOCUMENT_CHARS
                        + " bytes; a price file needs a few kilobytes");
            }
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new ConfigurationException("price file " + file + " is not UTF-8 text; save it as UTF-8");
            }
            return read(text, file.toString(), backendIds);
        }
    }

    /**
     * Reads price-file text.
     *
     * @param source the file name, for messages and origins
     * @throws ConfigurationException listing every problem with its line
     */
    public static ModelSettings read(String text, String source, Set<String> backendIds) {
        Node root = compose(text, source);
        List<String> problems = new ArrayList<>();
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        if (root != null && !(root instanceof ScalarNode s && s.getTag().equals(Tag.NULL))) {
            if (!(root instanceof MappingNode top)) {
                problems.add(at(root) + "expected a mapping of backend ids to prices, e.g. sagemaker: {ml.g6.xlarge: 1.2}");
            } else {
                for (Map.Entry<String, NodeTuple> be : entries(top, problems).entrySet()) {
                    String backend = be.getKey();
                    NodeTuple b = be.getValue();
                    if (!backendIds.isEmpty() && !backendIds.contains(backend)) {
                        problems.add(at(b.getKeyNode()) + "'" + backend + "' is not a backend with a model here; use one of "
                                + String.join(", ", new TreeSet<>(backendIds)));
                        continue;
                    }
                    if (!(b.getValueNode() instanceof MappingNode items)) {
                        problems.add(at(b.getValueNode()) + backend + ": expected a mapping of items (or regions) to prices, e.g. "
                                + backend + ": {ITEM: 1.2}");
                        continue;
                    }
                    for (Map.Entry<String, NodeTuple> ie : entries(items, problems).entrySet()) {
                        String item = ie.getKey();
                        NodeTuple i = ie.getValue();
                        if (i.getValueNode() instanceof MappingNode region) {
                            for (Map.Entry<String, NodeTuple> r : entries(region, problems).entrySet()) {
                                price(backend + ".price." + item + "." + r.getKey(), r.getValue().getValueNode(), source, values, origins, problems);
                            }
                        } else {
                            price(backend + ".price." + item, i.getValueNode(), source, values, origins, problems);
                        }
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("price file " + source + " is invalid (" + problems.size()
                    + (problems.size() == 1 ? " problem" : " problems") + "):\n  " + String.join("\n  ", problems));
        }
        return ModelSettings.of(values, origins);
    }

    private static Node compose(String text, String source) {
        BoundedParser parser = new BoundedParser(new ParserImpl(new StreamReader(text), SafeYaml.loaderOptions()),
                EndpointCodec.MAX_NODES);
        try {
            Composer composer = new Composer(parser, new Resolver(), SafeYaml.loaderOptions());
            Node root = composer.checkNode() ? composer.getNode() : null;
            if (composer.checkNode()) {
                throw new ConfigurationException("price file " + source + ": line " + NodeReader.line(composer.getNode())
                        + ": more than one document ('---'); put all prices in one");
            }
            return root;
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw new ConfigurationException("price file " + source + ": line " + (m == null ? 1 : m.getLine() + 1)
                    + ": YAML syntax error: " + (e.getProblem() != null ? e.getProblem() : e.getMessage()));
        } catch (YAMLException e) {
            Mark m = parser.lastMark();
            throw new ConfigurationException("price file " + source + ": line " + (m == null ? 1 : m.getLine() + 1) + ": "
                    + SafeYaml.limitMessage(String.valueOf(e.getMessage())));
        }
    }

    /** A mapping's entries by key; a key that is no name, or repeats an earlier one, is a problem and left out. */
    private static Map<String, NodeTuple> entries(MappingNode m, List<String> problems) {
        Map<String, NodeTuple> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode s) || s.getValue().isBlank() || s.getValue().contains(" ")) {
                problems.add(at(t.getKeyNode()) + "expected a name (a backend id, region or item) as key");
            } else if (out.containsKey(s.getValue())) {
                problems.add(at(s) + "'" + s.getValue() + "' is given twice (first at line " + NodeReader.line(out.get(s.getValue()).getKeyNode())
                        + "); keep one");
            } else {
                out.put(s.getValue(), t);
            }
        }
        return out;
    }

    private static void price(String key, Node value, String source, Map<String, String> values, Map<String, String> origins,
                              List<String> problems) {
        String text = value instanceof ScalarNode s ? s.getValue().strip() : null;
        double usd;
        try {
            usd = text == null || text.length() > NodeReader.MAX_NUMBER_CHARS ? Double.NaN : Double.parseDouble(text);
        } catch (NumberFormatException e) {
            usd = Double.NaN;
        }
        if (!(usd >= 0) || Double.isInfinite(usd)) {
            problems.add(at(value) + key + ": " + (text == null ? "a list or mapping" : "'" + text + "'")
                    + " is not a price; write US dollars per hour as a number of 0 or more, e.g. 1.2");
            return;
        }
        values.put(key, text);
        origins.put(key, "--prices " + source + " line " + NodeReader.line(value));
    }

    private static String at(Node n) {
        return "line " + NodeReader.line(n) + ": ";
    }
}
