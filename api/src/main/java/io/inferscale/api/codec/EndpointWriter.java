package io.inferscale.api.codec;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.Quantity;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.ScalingPolicy;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.ScalingTarget;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.emitter.Emitter;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;
import org.yaml.snakeyaml.serializer.Serializer;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.inferscale.api.codec.EndpointCodec.API_VERSION;
import static io.inferscale.api.codec.EndpointCodec.KIND;

/**
 * Writing: an endpoint as a document tree in the seed's field order, and any document tree as block YAML
 * (JSON is written by {@link Json}). Quantities are written exactly as they were read, so a loaded document
 * writes back unchanged.
 */
final class EndpointWriter {

    private EndpointWriter() {
    }

    /**
     * The endpoint as a document tree in canonical order: {@code Map}s, {@code List}s, {@link String}s,
     * {@link Integer}s, {@link BigDecimal}s, {@link Boolean}s and {@link Quantity}s. Absent fields are left out.
     */
    static Map<String, Object> toTree(InferenceEndpoint e) {
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
    static String toYaml(InferenceEndpoint e) {
        return writeYaml(toTree(e));
    }

    /** The endpoint as pretty-printed JSON. */
    static String toJson(InferenceEndpoint e) {
        return Json.write(toTree(e));
    }

    /**
     * Any document tree ({@code Map}, {@code List}, text, numbers, booleans, {@link Quantity}) as block YAML;
     * numbers and quantities are written unquoted when YAML reads them back as numbers.
     */
    static String writeYaml(Object tree) {
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
}
