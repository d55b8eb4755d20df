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
 * {@code gs://} URI and an Artifact Registry image for Vertex AI in the same spec. Every backend accepts
 * both options ({@link Backend#validate}) and applies them through {@link #apply} before validating or translating.
 */
public final class BackendOverrides {

    /** Option: the scaling behaviour on this backend, in the shape of {@code spec.autoscaling.behavior}. */
    public static final String BEHAVIOR = "behavior";
    /** Option: the model artifact URI on this backend. */
    public static final String ARTIFACT_URI = "artifactUri";
    /** Option: the serving container image on this backend (e.g. an Amazon ECR image for SageMaker). */
    public static final String IMAGE = "image";
    /** The override options, as {@link Backend#optionKeys} describes options. */
    public static final List<OptionKey> OPTION_KEYS = List.of(
            new OptionKey(BEHAVIOR, "scaling behaviour on this backend only (scaleUp, scaleDown), replacing spec.autoscaling.behavior"),
            new OptionKey(ARTIFACT_URI, "model artifact URI on this backend only (e.g. s3://... for sagemaker, gs://... for vertex), "
                    + "replacing spec.model.artifactUri"),
            new OptionKey(IMAGE, "serving container image on this backend only (e.g. an Amazon ECR image for sagemaker), replacing spec.model.image"));

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
        if (behavior == null && uri == null && image == null) {
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
        if (behavior != null) {
            b.autoscaling(endpoint.autoscaling().toBuilder().behavior(EndpointCodec.readBehavior(behavior, base + BEHAVIOR)).build());
        }
        return b.build();
    }

    private static String text(Object value, String path, String example) {
        if (!(value instanceof String s) || s.isBlank()) {
            throw new InvalidEndpointException(path, ValidationReport.of(Problem.error(path, "must be text such as " + example)));
        }
        return s;
    }
}
