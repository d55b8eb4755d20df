package io.inferscale.api.backend;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;

import java.util.List;
import java.util.Map;

/**
 * Per-backend overrides of neutral fields, so one document serves several clouds without the lowest common
 * denominator: under {@code spec.backends.<id>}, {@value #BEHAVIOR} replaces {@code spec.autoscaling.behavior}
 * (same shape), {@value #ARTIFACT_URI} replaces {@code spec.model.artifactUri} and {@value #IMAGE} replaces
 * {@code spec.model.image} for that backend only, e.g. an {@code s3://} URI and an Amazon ECR image for SageMaker and a
 * {@code gs://} URI and an Artifact Registry image for Vertex AI in the same spec. {@value #MIN_REPLICAS} and
 * {@value #MAX_REPLICAS} replace the replica bounds, and the target fields ({@code targetCPUUtilizationPercentage},
 * {@code targetRequestsPerSecondPerReplica}, ...) replace {@code spec.autoscaling}'s targets <em>as a set</em>: a backend
 * with any target field of its own scales on exactly those (so {@code inferscale tune --one-file} can give each cloud its
 * own bounds and targets, even another target type). Every backend accepts these options ({@link Backend#validate}) and
 * applies them through {@link #apply} before validating, translating or simulating.
 */
public final class BackendOverrides {

    /** Option: the scaling behaviour on this backend, in the shape of {@code spec.autoscaling.behavior}. */
    public static final String BEHAVIOR = "behavior";
    /** Option: the model artifact URI on this backend. */
    public static final String ARTIFACT_URI = "artifactUri";
    /** Option: the serving container image on this backend (e.g. an Amazon ECR image for SageMaker). */
    public static final String IMAGE = "image";
    /** Option: {@code spec.autoscaling.minReplicas} on this backend. */
    public static final String MIN_REPLICAS = "minReplicas";
    /** Option: {@code spec.autoscaling.maxReplicas} on this backend. */
    public static final String MAX_REPLICAS = "maxReplicas";
    /** The override options, as {@link Backend#optionKeys} describes options. */
    public static final List<OptionKey> OPTION_KEYS = java.util.stream.Stream.concat(java.util.stream.Stream.of(
            new OptionKey(BEHAVIOR, "scaling behaviour on this backend only (scaleUp, scaleDown), replacing spec.autoscaling.behavior"),
            new OptionKey(ARTIFACT_URI, "model artifact URI on this backend only (e.g. s3://... for sagemaker, gs://... for vertex), "
                    + "replacing spec.model.artifactUri"),
            new OptionKey(IMAGE, "serving container image on this backend only (e.g. an Amazon ECR image for sagemaker), replacing spec.model.image"),
            new OptionKey(MIN_REPLICAS, "minimum replicas on this backend only, replacing spec.autoscaling.minReplicas"),
            new OptionKey(MAX_REPLICAS, "maximum replicas on this backend only, replacing spec.autoscaling.maxReplicas")),
            java.util.Arrays.stream(io.inferscale.api.TargetType.values()).map(t -> new OptionKey(t.field(), t.description()
                    + " target on this backend only; the target fields of a backend replace spec.autoscaling's targets as a set")))
            .toList();

    /** The keys of {@link #OPTION_KEYS}. */
    private static final java.util.Set<String> KEYS = OPTION_KEYS.stream().map(OptionKey::name).collect(java.util.stream.Collectors.toUnmodifiableSet());

    private BackendOverrides() {
    }

    /**
     * {@link #apply}, or {@code endpoint} itself when an override is malformed: for a backend's own checks, after
     * {@link Backend#validate}'s default has reported the malformed override.
     */
    public static InferenceEndpoint applyIfWellFormed(InferenceEndpoint endpoint, String backendId) {
        try {
            return apply(endpoint, backendId);
        } catch (InvalidEndpointException e) {
            return endpoint;
        }
    }

    /**
     * {@code endpoint} as backend {@code backendId} sees it: its overrides applied; the same instance when it has none.
     *
     * @throws InvalidEndpointException naming {@code spec.backends.<id>.<option>} when an override is malformed
     */
    public static InferenceEndpoint apply(InferenceEndpoint endpoint, String backendId) {
        Map<String, Object> options = endpoint.backends().of(backendId);
        Object behavior = options.get(BEHAVIOR);
        Object uri = options.get(ARTIFACT_URI);
        Object image = options.get(IMAGE);
        Object min = options.get(MIN_REPLICAS);
        Object max = options.get(MAX_REPLICAS);
        List<io.inferscale.api.TargetType> targets = java.util.Arrays.stream(io.inferscale.api.TargetType.values())
                .filter(t -> options.containsKey(t.field())).toList();
        if (behavior == null && uri == null && image == null && min == null && max == null && targets.isEmpty()) {
            return endpoint;
        }
        String base = "spec.backends." + backendId + ".";
        InferenceEndpoint.Builder b = endpoint.toBuilder();
        if (uri != null || image != null) {
            b.model(endpoint.model().toBuilder()
                    .artifactUri(uri == null ? endpoint.model().artifactUri().orElse(null) : text(uri, base + ARTIFACT_URI, "s3://bucket/model.tar.gz or gs://bucket/model/"))
                    .image(image == null ? endpoint.model().image().orElse(null) : text(image, base + IMAGE, "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-model:v1"))
                    .build());
        }
        io.inferscale.api.AutoscalingPolicy.Builder policy = endpoint.autoscaling().toBuilder();
        if (behavior != null) {
            policy.behavior(EndpointCodec.readBehavior(behavior, base + BEHAVIOR));
        }
        if (min != null) {
            policy.minReplicas(count(min, base + MIN_REPLICAS));
        }
        if (max != null) {
            policy.maxReplicas(count(max, base + MAX_REPLICAS));
        }
        if (!targets.isEmpty()) {
            List<io.inferscale.api.ScalingTarget> own = new java.util.ArrayList<>();
            for (io.inferscale.api.TargetType t : targets) {
                own.add(new io.inferscale.api.ScalingTarget(t, number(options.get(t.field()), base + t.field())));
            }
            policy.targets(own);
        }
        return b.autoscaling(policy.build()).build();
    }

    /**
     * {@code endpoint} as backend {@code backendId} sees it, with those overrides then removed from its options: the spec
     * to change when tuning that backend (a field set on it is not hidden by an override any more). Other backends'
     * options stay.
     *
     * @throws InvalidEndpointException as {@link #apply}
     */
    public static InferenceEndpoint resolve(InferenceEndpoint endpoint, String backendId) {
        InferenceEndpoint applied = apply(endpoint, backendId);
        if (applied == endpoint) {
            return endpoint;
        }
        Map<String, Map<String, Object>> options = new java.util.LinkedHashMap<>();
        applied.backends().asMap().forEach((id, o) -> {
            Map<String, Object> kept = new java.util.LinkedHashMap<>(o);
            if (id.equals(backendId)) {
                kept.keySet().removeAll(KEYS);
            }
            if (!kept.isEmpty()) {
                options.put(id, kept);
            }
        });
        return applied.toBuilder().backends(io.inferscale.api.BackendOptions.of(options)).build();
    }

    private static int count(Object value, String path) {
        if (value instanceof Number n) {
            try {
                int v = new java.math.BigDecimal(n.toString()).intValueExact();
                if (v >= 0) {
                    return v;
                }
            } catch (ArithmeticException | NumberFormatException ignored) {
                // reported below
            }
        }
        throw new InvalidEndpointException(path, ValidationReport.of(Problem.error(path, "must be a whole number of replicas, 0 or more, e.g. 2")));
    }

    private static java.math.BigDecimal number(Object value, String path) {
        if (value instanceof Number n) {
            try {
                java.math.BigDecimal v = new java.math.BigDecimal(n.toString());
                if (v.signum() > 0) {
                    return v;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw new InvalidEndpointException(path, ValidationReport.of(Problem.error(path, "must be a positive number, e.g. 60")));
    }

    private static String text(Object value, String path, String example) {
        if (!(value instanceof String s) || s.isBlank()) {
            throw new InvalidEndpointException(path, ValidationReport.of(Problem.error(path, "must be text such as " + example)));
        }
        return s;
    }
}
