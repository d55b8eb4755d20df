package io.inferscale.api.validation;

import io.inferscale.api.Accelerator;
import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.Quantity;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.ScalingPolicy;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.ScalingTarget;
import io.inferscale.api.TargetType;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The neutral rules every endpoint must satisfy, whatever the backend. {@link #validate} returns every
 * problem at once, each with its field path and a message that says how to fix it. Backends add their
 * own rules on top ({@link io.inferscale.api.backend.Backend#validate}).
 *
 * <p>Ranges follow Kubernetes where the neutral model borrows its shape: behaviour windows 0..3600 s
 * and policy periods 1..1800 s as the autoscaling/v2 API validates them. Where Kubernetes would round
 * or cap a quantity silently, the validator rejects it instead: CPU finer than {@code 1m}, memory that
 * is not a whole number of bytes, and CPU or memory beyond a 64-bit count of millicores or bytes.
 * Targets must be below 10^18 with at most 18 decimal places, as the codec reads numbers.
 */
public final class EndpointValidator {

    /**
     * DNS-1123 label: the neutral rule every backend can derive names from. Kubernetes is stricter for the
     * Service it renders: Service names are DNS-1035 labels (they start with a letter), which the Kubernetes
     * backend checks on top.
     */
    static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern DNS_1123_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern SECRET_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

    /** Below this utilization target the seed's third common mistake warns: replicas mostly idle. */
    public static final int BALANCED_UTILIZATION_LOW = 30;
    /** Above this utilization target the seed's third common mistake warns: scaling too late. */
    public static final int BALANCED_UTILIZATION_HIGH = 90;
    /** Longest stabilization window Kubernetes accepts, in seconds. */
    public static final int MAX_STABILIZATION_WINDOW_SECONDS = 3600;
    /** Longest scaling-policy period Kubernetes accepts, in seconds. */
    public static final int MAX_POLICY_PERIOD_SECONDS = 1800;

    /** Longest start-up allowance ({@code spec.model.startupSeconds}) accepted: one hour, SageMaker's limit for its start-up timeouts. */
    public static final int MAX_STARTUP_SECONDS = 3600;

    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    /** Targets must be below 10^this and have at most this many decimal places (as the codec reads numbers). */
    private static final int MAX_TARGET_DIGITS = 18;

    private EndpointValidator() {
    }

    /** Every neutral problem of {@code endpoint}, errors and warnings. */
    public static ValidationReport validate(InferenceEndpoint endpoint) {
        List<Problem> p = new ArrayList<>();
        name(endpoint, p);
        model(endpoint.model(), p);
        resources(endpoint.resources(), p);
        autoscaling(endpoint.autoscaling(), endpoint.resources(), p);
        backendIds(endpoint, p);
        overrides(endpoint, p);
        return ValidationReport.of(p);
    }

    /**
     * Options under an id that no backend has are ignored by every backend; when the id is a likely typo
     * of a published one ({@code kubernets}), that silent loss gets a warning.
     */
    private static void backendIds(InferenceEndpoint e, List<Problem> p) {
        var known = io.inferscale.api.backend.Backends.KNOWN_ARTIFACTS.keySet();
        for (String id : e.backends().backendIds()) {
            if (!known.contains(id)) {
                Suggestions.closest(id, known).ifPresent(s -> p.add(Problem.warning("spec.backends." + id, "no InferScale backend has the id '"
                        + id + "', so every backend ignores these options; did you mean '" + s + "'?")));
            }
        }
    }

    /** Per-backend overrides ({@link io.inferscale.api.backend.BackendOverrides}) by the rules of the fields they replace. */
    private static void overrides(InferenceEndpoint e, List<Problem> p) {
        for (String id : e.backends().backendIds()) {
            Object behavior = e.backends().of(id).get(io.inferscale.api.backend.BackendOverrides.BEHAVIOR);
            String path = "spec.backends." + id + ".behavior";
            try {
                if (behavior != null) {
                    io.inferscale.api.ScalingBehavior b = io.inferscale.api.codec.EndpointCodec.readBehavior(behavior, path);
                    b.scaleUp().ifPresent(rules -> rules(rules, path + ".scaleUp", p));
                    b.scaleDown().ifPresent(rules -> rules(rules, path + ".scaleDown", p));
                }
                InferenceEndpoint applied = io.inferscale.api.backend.BackendOverrides.apply(e, id);
                if (applied.autoscaling() != e.autoscaling() && !applied.autoscaling().equals(e.autoscaling())) {
                    overriddenAutoscaling(e, applied, id, p);
                }
            } catch (io.inferscale.api.InvalidEndpointException x) {
                x.report().problems().stream().filter(q -> p.stream().noneMatch(q::equals)).forEach(p::add);
            }
        }
    }

    /**
     * The neutral autoscaling rules on what backend {@code id} runs (replica bounds and targets overridden under
     * {@code spec.backends.<id>}): each problem the overrides introduce, at the override's path when it names the field.
     */
    private static void overriddenAutoscaling(InferenceEndpoint e, InferenceEndpoint applied, String id, List<Problem> p) {
        List<Problem> own = new ArrayList<>();
        autoscaling(e.autoscaling(), e.resources(), own);
        List<Problem> overridden = new ArrayList<>();
        autoscaling(applied.autoscaling(), applied.resources(), overridden);
        java.util.Set<String> keys = e.backends().of(id).keySet();
        for (Problem q : overridden) {
            if (own.contains(q)) {
                continue;
            }
            String field = q.path().startsWith("spec.autoscaling.") ? q.path().substring("spec.autoscaling.".length()) : "";
            String top = field.contains(".") ? field.substring(0, field.indexOf('.')) : field;
            String path = keys.contains(top) ? "spec.backends." + id + "." + field : "spec.backends." + id;
            String message = keys.contains(top) ? q.message() : "with the overrides of backend '" + id + "', " + q.path() + ": " + q.message();
            Problem moved = q.isError() ? Problem.error(path, message) : Problem.warning(path, message);
            if (!p.contains(moved)) {
                p.add(moved);
            }
        }
    }

    /**
     * Checks an endpoint name given to {@code get}, {@code status}, {@code awaitReady} or {@code delete}
     * before a backend puts it into a resource path, a label selector or a filter: the same DNS-1123 rule
     * ({@code metadata.name}, at most 63 characters) that {@link #validate} applies to a document.
     *
     * @throws io.inferscale.api.InvalidEndpointException naming the field and the fix when {@code name} breaks it
     */
    public static String requireValidName(String name) {
        List<Problem> p = new ArrayList<>();
        checkName(name == null ? "" : name, p);
        if (!p.isEmpty()) {
            throw new io.inferscale.api.InvalidEndpointException("endpoint name", ValidationReport.of(p));
        }
        return name;
    }

    private static void name(InferenceEndpoint e, List<Problem> p) {
        checkName(e.name(), p);
        labels(e, p);
    }

    private static void checkName(String name, List<Problem> p) {
        if (name.isEmpty()) {
            p.add(Problem.error("metadata.name", "must not be empty; use lower-case letters, digits and '-', e.g. my-model-endpoint"));
        } else if (name.length() > 63) {
            p.add(Problem.error("metadata.name", quoted(name) + " is " + name.length() + " characters; use at most 63"));
        } else if (!DNS_1123_LABEL.matcher(name).matches()) {
            p.add(Problem.error("metadata.name", quoted(name) + " is not a DNS-1123 label; use lower-case letters, digits and '-', starting and ending with a letter or digit (e.g. "
                    + suggestName(name) + ")"));
        }
    }

    private static void labels(InferenceEndpoint e, List<Problem> p) {
        e.labels().forEach((k, v) -> {
            String path = "metadata.labels." + k;
            String key = k;
            int slash = k.indexOf('/');
            if (slash >= 0) {
                String prefix = k.substring(0, slash);
                key = k.substring(slash + 1);
                if (prefix.length() > 253 || !DNS_1123_SUBDOMAIN.matcher(prefix).matches()) {
                    p.add(Problem.error(path, "label key prefix " + quoted(prefix) + " must be a DNS subdomain (lower-case, digits, '-' and '.')"));
                }
            }
            if (key.isEmpty() || key.length() > 63 || !LABEL_NAME.matcher(key).matches()) {
                p.add(Problem.error(path, "label key " + quoted(k) + " must be at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit"));
            }
            if (!v.isEmpty() && (v.length() > 63 || !LABEL_NAME.matcher(v).matches())) {
                p.add(Problem.error(path, "label value " + quoted(v) + " must be at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit"));
            }
        });
    }

    /** A user's value quoted for a message, cut after 60 characters so a huge value cannot flood the report. */
    private static String quoted(String value) {
        return value.length() <= 80 ? "'" + value + "'" : "'" + value.substring(0, 60) + "...' (" + value.length() + " characters)";
    }

    private static String suggestName(String name) {
        String s = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        return s.isEmpty() ? "my-model-endpoint" : s.length() > 63 ? s.substring(0, 63).replaceAll("-+$", "") : s;
    }

    private static void model(ModelSpec m, List<Problem> p) {
        if (m.name().isBlank()) {
            p.add(Problem.error("spec.model.name", "must not be empty; give the model's name, e.g. my-ml-model"));
        }
        m.version().filter(String::isBlank).ifPresent(v -> p.add(Problem.error("spec.model.version", "must not be empty; remove it or give a version such as v1")));
        m.image().filter(String::isBlank).ifPresent(v -> p.add(Problem.error("spec.model.image", "must not be empty; remove it or give an image such as registry.example.com/my-ml-model:v1")));
        m.port().filter(port -> port < 1 || port > 65535).ifPresent(port -> p.add(Problem.error("spec.model.port", port + " is not a port; use 1..65535 (most servers use 8080)")));
        java.util.stream.Stream.concat(m.env().keySet().stream(), m.secretEnv().keySet().stream()).filter(k -> !ENV_NAME.matcher(k).matches())
                .forEach(k -> p.add(Problem.error("spec.model.env." + k,
                        quoted(k) + " is not a valid environment variable name; use letters, digits, '_', '-' and '.', not starting with a digit")));
        m.env().keySet().stream().filter(EndpointValidator::looksSecret).forEach(k -> p.add(Problem.warning("spec.model.env." + k,
                quoted(k) + " looks like a secret, but its value is written in the document, and render, plan and the cloud's console show it; "
                        + "reference a secret instead: valueFrom: {secretKeyRef: {name: my-secret, key: " + k.toLowerCase(java.util.Locale.ROOT)
                        + "}} (Kubernetes; on SageMaker and Vertex AI read it from the cloud's secret manager in the container)")));
        m.secretEnv().forEach((k, ref) -> {
            String path = "spec.model.env." + k + ".valueFrom.secretKeyRef";
            if (ref.name().isEmpty() || ref.name().length() > 253 || !DNS_1123_SUBDOMAIN.matcher(ref.name()).matches()) {
                p.add(Problem.error(path + ".name", quoted(ref.name()) + " is not a secret name; use lower-case letters, digits, '-' and '.' "
                        + "(a DNS subdomain, at most 253 characters), e.g. hf-credentials"));
            }
            if (ref.key().isEmpty() || ref.key().length() > 253 || !SECRET_KEY.matcher(ref.key()).matches()) {
                p.add(Problem.error(path + ".key", quoted(ref.key()) + " is not a secret key; use at most 253 letters, digits, '-', '_' and '.', e.g. token"));
            }
        });
        m.startupSeconds().filter(sec -> sec < 1 || sec > MAX_STARTUP_SECONDS).ifPresent(sec -> p.add(Problem.error("spec.model.startupSeconds",
                sec + " is outside 1.." + MAX_STARTUP_SECONDS + " seconds; give the longest the server takes to load the model and answer, e.g. 600")));
        path(m.healthPath(), "spec.model.healthPath", p);
        path(m.predictPath(), "spec.model.predictPath", p);
    }

    /**
     * True for an environment variable name that looks like it holds a secret, by the configuration layer's rule
     * ({@link io.inferscale.api.backend.BackendConfig#isSecret}), also with '_' taken out ({@code AWS_SECRET_ACCESS_KEY},
     * {@code HF_TOKEN}, {@code OPENAI_API_KEY}).
     */
    static boolean looksSecret(String envName) {
        return io.inferscale.api.backend.BackendConfig.isSecret(envName) || io.inferscale.api.backend.BackendConfig.isSecret(envName.replace("_", ""));
    }

    private static void path(Optional<String> value, String field, List<Problem> p) {
        value.filter(v -> !v.startsWith("/")).ifPresent(v -> p.add(Problem.error(field, quoted(v) + " must be an absolute HTTP path starting with '/', e.g. /"
                + (v.length() <= 60 ? v : "predict"))));
    }

    private static void resources(Resources r, List<Problem> p) {
        quantities(r.requests(), "spec.resources.requests", p);
        quantities(r.limits(), "spec.resources.limits", p);
        below(r.requests().cpu(), r.limits().cpu(), "cpu", p);
        below(r.requests().memory(), r.limits().memory(), "memory", p);
        if (r.requests().isEmpty()) {
            p.add(Problem.warning("spec.resources.requests", "no resource requests: the autoscaler cannot measure utilization without them, and replicas get no guaranteed CPU or memory; set requests.cpu and requests.memory (e.g. 500m and 1Gi)"));
        }
        if (r.limits().isEmpty()) {
            p.add(Problem.warning("spec.resources.limits", "no resource limits: one replica can starve its neighbours; set limits.cpu and limits.memory (e.g. 1 and 2Gi)"));
        }
        r.accelerator().map(Accelerator::count).filter(c -> c < 1)
                .ifPresent(c -> p.add(Problem.error("spec.resources.accelerator.count", c + " accelerators per replica; use at least 1, or remove the accelerator")));
    }

    private static void quantities(ResourceList list, String path, List<Problem> p) {
        list.cpu().ifPresent(q -> {
            if (q.value().signum() <= 0) {
                p.add(Problem.error(path + ".cpu", "'" + q.text() + "' must be greater than 0, e.g. 500m"));
            } else if (q.value().movePointRight(3).compareTo(LONG_MAX) > 0) {
                p.add(Problem.error(path + ".cpu", "'" + q.text() + "' is too large: Kubernetes and every backend count CPU in 64-bit"
                        + " millicores, at most " + Long.MAX_VALUE + "m; give the CPU of one replica, e.g. 2"));
            } else if (q.value().movePointRight(3).stripTrailingZeros().scale() > 0) {
                p.add(Problem.error(path + ".cpu", "'" + q.text() + "' is finer than 1m (a thousandth of a core), the smallest CPU amount; round it, e.g. "
                        + Quantity.ofMillicores(Math.max(1, q.value().movePointRight(3).setScale(0, java.math.RoundingMode.CEILING).longValue()))));
            }
        });
        list.memory().ifPresent(q -> {
            if (q.value().signum() <= 0) {
                p.add(Problem.error(path + ".memory", "'" + q.text() + "' must be greater than 0, e.g. 1Gi"));
            } else if (q.value().compareTo(LONG_MAX) > 0) {
                p.add(Problem.error(path + ".memory", "'" + q.text() + "' is too large: Kubernetes and every backend count memory in"
                        + " 64-bit bytes, at most " + Long.MAX_VALUE + " (just under 8Ei); give the memory of one replica, e.g. 4Gi"));
            } else if (q.value().stripTrailingZeros().scale() > 0) {
                p.add(Problem.error(path + ".memory", "'" + q.text() + "' is not a whole number of bytes; use a unit such as Mi or Gi, e.g. 512Mi"));
            }
        });
    }

    private static void below(Optional<Quantity> request, Optional<Quantity> limit, String what, List<Problem> p) {
        if (request.isPresent() && limit.isPresent() && request.get().value().signum() > 0 && limit.get().value().signum() > 0
                && limit.get().compareTo(request.get()) < 0) {
            p.add(Problem.error("spec.resources.limits." + what, "limit " + limit.get().text() + " is below the request "
                    + request.get().text() + "; raise the limit to at least " + request.get().text() + " or lower the request"));
        }
    }

    private static void autoscaling(AutoscalingPolicy a, Resources r, List<Problem> p) {
        int min = a.minReplicas();
        int max = a.maxReplicas();
        if (min < 0) {
            p.add(Problem.error("spec.autoscaling.minReplicas", min + " is negative; use 1 or more (or 0 with scaleToZero)"));
        } else if (min == 0 && a.scaleToZero().isEmpty()) {
            p.add(Problem.error("spec.autoscaling.minReplicas", "0 needs scaleToZero: add scaleToZero: {idleSeconds: 600} to scale to zero when idle, or set minReplicas to 1 or more"));
        }
        a.scaleToZero().ifPresent(z -> {
            if (min != 0) {
                p.add(Problem.error("spec.autoscaling.scaleToZero", "scaleToZero needs minReplicas: 0 (it is " + min + "); set minReplicas to 0 or remove scaleToZero"));
            }
            if (z.idleSeconds() < 1) {
                p.add(Problem.error("spec.autoscaling.scaleToZero.idleSeconds", z.idleSeconds() + " must be at least 1 second, e.g. 600"));
            }
        });
        if (max < 1) {
            p.add(Problem.error("spec.autoscaling.maxReplicas", max + " must be at least 1"));
        } else if (max < min) {
            p.add(Problem.error("spec.autoscaling.maxReplicas", max + " is below minReplicas " + min + "; set maxReplicas to at least " + min));
        } else if (max == min) {
            p.add(Problem.warning("spec.autoscaling.maxReplicas", "minReplicas and maxReplicas are both " + min
                    + ": the replica count cannot change, so autoscaling is disabled; set minReplicas lower than maxReplicas"));
        }
        if (a.targets().isEmpty() && max > Math.max(min, 0)) {
            p.add(Problem.error("spec.autoscaling", "no scaling target: the autoscaler has nothing to track; add one, e.g. targetCPUUtilizationPercentage: 60"));
        }
        for (ScalingTarget t : a.targets()) {
            target(t, r, p);
        }
        a.behavior().scaleUp().ifPresent(rules -> rules(rules, "spec.autoscaling.behavior.scaleUp", p));
        a.behavior().scaleDown().ifPresent(rules -> rules(rules, "spec.autoscaling.behavior.scaleDown", p));
    }

    private static void target(ScalingTarget t, Resources r, List<Problem> p) {
        TargetType type = t.type();
        BigDecimal v = t.value();
        String path = type.path();
        BigDecimal stripped = v.stripTrailingZeros();
        if (v.signum() != 0 && ((long) stripped.precision() - stripped.scale() > MAX_TARGET_DIGITS || stripped.scale() > MAX_TARGET_DIGITS)) {
            // not printed in full: the plain form of 1e999999999 has a billion digits
            p.add(Problem.error(path, v + " is out of range: targets must be below 10^" + MAX_TARGET_DIGITS + " with at most "
                    + MAX_TARGET_DIGITS + " decimal places"));
            return;
        }
        if (type.isPercentage()) {
            if (v.stripTrailingZeros().scale() > 0 || v.compareTo(BigDecimal.ONE) < 0 || v.compareTo(BigDecimal.valueOf(100)) > 0) {
                p.add(Problem.error(path, v.toPlainString() + " must be a whole percentage from 1 to 100, e.g. 60"));
                return;
            }
            int percent = v.intValue();
            if ((type == TargetType.CPU_UTILIZATION || type == TargetType.MEMORY_UTILIZATION)
                    && (percent < BALANCED_UTILIZATION_LOW || percent > BALANCED_UTILIZATION_HIGH)) {
                p.add(Problem.warning(path, percent + "% is far from the balanced range (" + BALANCED_UTILIZATION_LOW + "-"
                        + BALANCED_UTILIZATION_HIGH + "%): " + (percent < BALANCED_UTILIZATION_LOW
                        ? "replicas are added while mostly idle, so you pay for capacity you do not use"
                        : "replicas saturate before new ones are ready, so requests slow down or fail during spikes")
                        + "; a value around 60 is a good start (try `inferscale simulate` to compare)"));
            }
        } else if (v.signum() <= 0) {
            p.add(Problem.error(path, v.toPlainString() + " must be greater than 0"));
        }
        if (type == TargetType.CPU_UTILIZATION && r.requests().cpu().isEmpty()) {
            p.add(Problem.error("spec.resources.requests.cpu", "targetCPUUtilizationPercentage needs a CPU request: utilization is measured against it; add spec.resources.requests.cpu (e.g. 500m)"));
        }
        if (type == TargetType.MEMORY_UTILIZATION && r.requests().memory().isEmpty()) {
            p.add(Problem.error("spec.resources.requests.memory", "targetMemoryUtilizationPercentage needs a memory request: utilization is measured against it; add spec.resources.requests.memory (e.g. 1Gi)"));
        }
        if (type == TargetType.ACCELERATOR_UTILIZATION && r.accelerator().isEmpty()) {
            p.add(Problem.error(path, "needs an accelerator: add spec.resources.accelerator (e.g. {type: nvidia-t4, count: 1}) or remove this target"));
        }
    }

    private static void rules(ScalingRules rules, String path, List<Problem> p) {
        rules.stabilizationWindowSeconds().filter(w -> w < 0 || w > MAX_STABILIZATION_WINDOW_SECONDS).ifPresent(w -> p.add(Problem.error(
                path + ".stabilizationWindowSeconds", w + " is outside 0.." + MAX_STABILIZATION_WINDOW_SECONDS + " seconds (one hour)")));
        for (int i = 0; i < rules.policies().size(); i++) {
            ScalingPolicy policy = rules.policies().get(i);
            String pp = path + ".policies[" + i + "]";
            if (policy.value() < 1) {
                p.add(Problem.error(pp + ".value", policy.value() + " must be at least 1"));
            }
            if (policy.periodSeconds() < 1 || policy.periodSeconds() > MAX_POLICY_PERIOD_SECONDS) {
                p.add(Problem.error(pp + ".periodSeconds", policy.periodSeconds() + " is outside 1.." + MAX_POLICY_PERIOD_SECONDS + " seconds (30 minutes)"));
            }
        }
    }
}
