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
import io.inferscale.api.SecretKeyRef;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.inferscale.api.codec.EndpointCodec.API_VERSION;
import static io.inferscale.api.codec.EndpointCodec.KIND;

/**
 * The third stage of reading: a composed node tree to an {@link InferenceEndpoint}, field by field against the
 * document's schema (the field lists below, in the seed's order). Every problem is collected by a {@link NodeReader}
 * with its field path and line, and thrown at once; the autoscaling fields are read by {@link AutoscalingReader}.
 */
final class EndpointReader {

    static final List<String> TOP = List.of("apiVersion", "kind", "metadata", "spec");
    static final List<String> METADATA = List.of("name", "labels", "annotations");
    static final List<String> SPEC = List.of("model", "autoscaling", "resources", "backends");
    static final List<String> MODEL = List.of("name", "version", "image", "artifactUri", "port", "env", "healthPath", "predictPath", "startupSeconds");
    static final List<String> VALUE_FROM = List.of("valueFrom");
    static final List<String> SECRET_SOURCE = List.of("secretKeyRef");
    static final List<String> SECRET_KEY_REF = List.of("name", "key");
    static final List<String> RESOURCES = List.of("requests", "limits", "accelerator");
    static final List<String> RESOURCE_LIST = List.of("cpu", "memory");
    static final List<String> ACCELERATOR = List.of("type", "count");

    private EndpointReader() {
    }

    /**
     * The endpoint in the document whose root is {@code root}, with the line of every field.
     *
     * @throws InvalidEndpointException with every problem found, each with its line
     */
    static EndpointDocument read(Node root, String source) {
        NodeReader r = new NodeReader();
        InferenceEndpoint endpoint = endpoint(root, r);
        if (endpoint == null || r.problems.stream().anyMatch(Problem::isError)) {
            throw new InvalidEndpointException(source, ValidationReport.of(r.problems));
        }
        return new EndpointDocument(endpoint, source, r.locations);
    }

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
            autoscaling = AutoscalingReader.autoscaling(spec.get("autoscaling"), r);
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
                        AutoscalingReader.behavior(t.getValueNode(), "spec.backends." + id + ".behavior", r);
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
}
