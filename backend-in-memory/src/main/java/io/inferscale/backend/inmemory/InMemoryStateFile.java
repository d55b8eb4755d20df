package io.inferscale.backend.inmemory;

import io.inferscale.api.BackendException;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.TargetType;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.backend.inmemory.InMemoryStore.Stored;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link InMemoryBackend}'s state file: a YAML document with an {@code endpoints} list, each entry holding the
 * endpoint document and what the backend tracks about it (created/ready times, whether it is updating, the desired
 * and previously ready replica counts, the observed metrics). Loaded once when the backend is built, rewritten
 * atomically (a temporary file moved over it) after every write. Not thread-safe on its own: the backend calls it
 * under its lock. The file holds environment values, so it should be kept private.
 */
final class InMemoryStateFile {

    private static final String ID = InMemoryBackend.ID;

    private final Path stateFile;

    InMemoryStateFile(Path stateFile) {
        this.stateFile = stateFile;
    }

    /**
     * The endpoints the file holds, by name in file order; empty when the file does not exist or is empty.
     *
     * @throws BackendException CONFIGURATION when the file cannot be read or is not a state file, naming the file,
     *                          the entry and what is wrong
     */
    Map<String, Stored> load() {
        Map<String, Stored> endpoints = new LinkedHashMap<>();
        if (!Files.exists(stateFile)) {
            return endpoints;
        }
        String text;
        try {
            text = Files.readString(stateFile);
        } catch (IOException e) {
            throw corruptStateFile("it cannot be read: " + e.getMessage(), e);
        }
        Object root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(new SafeConstructor(options)).load(text);
        } catch (MarkedYAMLException e) {
            // problem and line only, and not SnakeYAML's exception as the cause (a --verbose stack trace prints it):
            // the snippet it quotes could hold a model's environment values
            throw corruptStateFile("it is not valid YAML: " + e.getProblem()
                    + (e.getProblemMark() == null ? "" : " at line " + (e.getProblemMark().getLine() + 1)), null);
        } catch (YAMLException e) {
            throw corruptStateFile("it is not valid YAML: " + e.getMessage(), null);
        }
        if (root == null) {
            return endpoints;
        }
        if (!(root instanceof Map<?, ?> top) || !(top.get("endpoints") instanceof List<?> entries)) {
            throw corruptStateFile("expected a mapping with an 'endpoints' list", null);
        }
        for (int i = 0; i < entries.size(); i++) {
            String where = "endpoints[" + i + "]";
            if (!(entries.get(i) instanceof Map<?, ?> m)) {
                throw corruptStateFile(where + " is not a mapping", null);
            }
            Stored st = new Stored();
            try {
                st.endpoint = EndpointCodec.read(field(m, "document", String.class), stateFile + " " + where + ".document").endpoint();
                st.createdAt = Instant.parse(field(m, "createdAt", String.class));
                st.readyAt = Instant.parse(field(m, "readyAt", String.class));
                st.updating = field(m, "updating", Boolean.class);
                st.desired = field(m, "desired", Number.class).intValue();
                st.previouslyReady = field(m, "previouslyReady", Number.class).intValue();
                Object metrics = m.get("metrics");
                if (metrics != null && !(metrics instanceof Map<?, ?>)) {
                    throw new IllegalArgumentException("metrics must be a mapping");
                }
                if (metrics instanceof Map<?, ?> mm) {
                    mm.forEach((k, v) -> st.metrics.put(TargetType.valueOf(String.valueOf(k)), new BigDecimal(String.valueOf(v))));
                }
            } catch (InvalidEndpointException | DateTimeParseException | IllegalArgumentException e) {
                throw corruptStateFile(e instanceof InvalidEndpointException ? e.getMessage() : where + ": " + e.getMessage(), e);
            }
            endpoints.put(st.endpoint.name(), st);
        }
        return endpoints;
    }

    /**
     * Replaces the file's content with {@code endpoints}, atomically, creating its directory when missing.
     *
     * @throws BackendException UNAVAILABLE when the file cannot be written, naming it
     */
    void save(Map<String, Stored> endpoints) {
        List<Object> list = new ArrayList<>();
        endpoints.forEach((name, st) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("createdAt", st.createdAt.toString());
            m.put("readyAt", st.readyAt.toString());
            m.put("updating", st.updating);
            m.put("desired", st.desired);
            m.put("previouslyReady", st.previouslyReady);
            Map<String, Object> metrics = new LinkedHashMap<>();
            st.metrics.forEach((k, v) -> metrics.put(k.name(), v.toPlainString()));
            m.put("metrics", metrics);
            m.put("document", EndpointCodec.toYaml(st.endpoint));
            list.add(m);
        });
        try {
            Path parent = stateFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Path tmp = Files.createTempFile(parent, ".inferscale-state", ".tmp");
            Files.writeString(tmp, EndpointCodec.writeYaml(Map.of("endpoints", list)));
            Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BackendException(ID, BackendException.Reason.UNAVAILABLE, "cannot write state file " + stateFile + ": " + e.getMessage(), e);
        }
    }

    private static <T> T field(Map<?, ?> m, String key, Class<T> type) {
        Object v = m.get(key);
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException(key + " must be " + (type == String.class ? "text"
                    : type == Boolean.class ? "true or false" : "a number") + (v == null ? ", but it is missing" : ""));
        }
        return type.cast(v);
    }

    private BackendException corruptStateFile(String why, Throwable cause) {
        return new BackendException(ID, BackendException.Reason.CONFIGURATION, "cannot read state file " + stateFile
                + " (" + why + "); fix it or delete it to start empty", cause);
    }
}
