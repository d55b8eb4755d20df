package io.inferscale.api.codec;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.ScaleToZero;
import io.inferscale.api.ScalingBehavior;
import io.inferscale.api.ScalingPolicy;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.ScalingTarget;
import io.inferscale.api.SelectPolicy;
import io.inferscale.api.TargetType;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reading of {@code spec.autoscaling} (replica bounds, targets, behavior, scale to zero) and of a scaling behaviour
 * wherever it appears (also a backend's {@code behavior} override), for {@link EndpointReader}.
 */
final class AutoscalingReader {

    static final List<String> AUTOSCALING;
    static final List<String> BEHAVIOR = List.of("scaleUp", "scaleDown");
    static final List<String> RULES = List.of("stabilizationWindowSeconds", "policies", "selectPolicy");
    static final List<String> POLICY = List.of("type", "value", "periodSeconds");
    static final List<String> SCALE_TO_ZERO = List.of("idleSeconds");

    static {
        List<String> a = new ArrayList<>(List.of("minReplicas", "maxReplicas"));
        for (TargetType t : TargetType.values()) {
            a.add(t.field());
        }
        a.add("behavior");
        a.add("scaleToZero");
        AUTOSCALING = List.copyOf(a);
    }

    private AutoscalingReader() {
    }

    static AutoscalingPolicy autoscaling(Node n, NodeReader r) {
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

    static ScalingBehavior behavior(Node n, String path, NodeReader r) {
        Map<String, Node> bf = r.fields(n, path, BEHAVIOR);
        ScalingRules up = bf.containsKey("scaleUp") ? rules(bf.get("scaleUp"), path + ".scaleUp", r) : null;
        ScalingRules down = bf.containsKey("scaleDown") ? rules(bf.get("scaleDown"), path + ".scaleDown", r) : null;
        return ScalingBehavior.of(up, down);
    }

    /** {@link EndpointCodec#readBehavior}: the tree is written as YAML and read back with the rules above. */
    static ScalingBehavior readBehavior(Object tree, String path) {
        NodeReader r = new NodeReader();
        Node n = SafeYaml.composeWritten(EndpointWriter.writeYaml(tree));
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
}
