package io.inferscale.api.backend;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.validation.EndpointValidator;
import io.inferscale.api.validation.Problem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class BackendOverridesTest {

    static final String SPEC = """
            apiVersion: mlops.example.com/v1
            kind: InferenceEndpoint
            metadata:
              name: scorer
            spec:
              model:
                name: scorer
                version: v1
              autoscaling:
                minReplicas: 1
                maxReplicas: 5
                targetRequestsPerSecondPerReplica: 10
                behavior:
                  scaleDown:
                    stabilizationWindowSeconds: 300
              backends:
                sagemaker:
                  artifactUri: s3://models/scorer/model.tar.gz
                  behavior:
                    scaleDown: {stabilizationWindowSeconds: 600}
                vertex:
                  artifactUri: gs://models/scorer/
            """;

    @Test
    @DisplayName("one spec holds an s3:// artifact for sagemaker, a gs:// one for vertex, and a sagemaker-only behaviour")
    void perBackend() {
        InferenceEndpoint e = EndpointCodec.readEndpoint(SPEC, "spec.yaml");
        InferenceEndpoint sagemaker = BackendOverrides.apply(e, "sagemaker");
        InferenceEndpoint vertex = BackendOverrides.apply(e, "vertex");
        assertThat(sagemaker.model().artifactUri()).contains("s3://models/scorer/model.tar.gz");
        assertThat(sagemaker.autoscaling().behavior().scaleDown().flatMap(ScalingRules::stabilizationWindowSeconds)).contains(600);
        assertThat(sagemaker.autoscaling().behavior().scaleUp()).isEmpty();
        assertThat(vertex.model().artifactUri()).contains("gs://models/scorer/");
        assertThat(vertex.autoscaling().behavior().scaleDown().flatMap(ScalingRules::stabilizationWindowSeconds)).contains(300);
        assertThat(BackendOverrides.apply(e, "kubernetes")).isSameAs(e);
        InferenceEndpoint image = BackendOverrides.apply(e.toBuilder().option("sagemaker", "image", "123456789012.dkr.ecr.us-east-1.amazonaws.com/s:v1").build(), "sagemaker");
        assertThat(image.model().image()).contains("123456789012.dkr.ecr.us-east-1.amazonaws.com/s:v1");
        assertThat(image.model().artifactUri()).contains("s3://models/scorer/model.tar.gz");
        assertThat(EndpointValidator.validate(e).errors()).isEmpty();
    }

    @Test
    @DisplayName("a malformed override is an error at its own path and line, when read and when validated")
    void malformed() {
        InvalidEndpointException read = catchThrowableOfType(InvalidEndpointException.class, () -> EndpointCodec.readEndpoint(
                SPEC.replace("scaleDown: {stabilizationWindowSeconds: 600}", "scaleDown: {stabilisationWindowSeconds: 600}"), "spec.yaml"));
        assertThat(read.report().errors()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("spec.backends.sagemaker.behavior.scaleDown.stabilisationWindowSeconds");
            assertThat(p.line()).isEqualTo(20);
            assertThat(p.message()).contains("did you mean 'stabilizationWindowSeconds'?");
        });
        InferenceEndpoint tooLong = EndpointCodec.readEndpoint(SPEC.replace("stabilizationWindowSeconds: 600}", "stabilizationWindowSeconds: 4000}"), "spec.yaml");
        assertThat(EndpointValidator.validate(tooLong).errors()).extracting(Problem::path)
                .containsExactly("spec.backends.sagemaker.behavior.scaleDown.stabilizationWindowSeconds");
    }

    @Test
    @DisplayName("replica bounds and targets per backend: the target fields of a backend replace the spec's targets as a set")
    void replicasAndTargets() {
        InferenceEndpoint e = EndpointCodec.readEndpoint(SPEC.replace("""
                    vertex:
                      artifactUri: gs://models/scorer/
                """, """
                    vertex:
                      artifactUri: gs://models/scorer/
                      minReplicas: 2
                      maxReplicas: 8
                      targetConcurrentRequestsPerReplica: 4
                """), "spec.yaml");
        assertThat(EndpointValidator.validate(e).errors()).isEmpty();
        InferenceEndpoint vertex = BackendOverrides.apply(e, "vertex");
        assertThat(vertex.autoscaling().minReplicas()).isEqualTo(2);
        assertThat(vertex.autoscaling().maxReplicas()).isEqualTo(8);
        assertThat(vertex.autoscaling().targets()).singleElement().satisfies(t -> {
            assertThat(t.type()).isEqualTo(io.inferscale.api.TargetType.CONCURRENT_REQUESTS);
            assertThat(t.value()).isEqualByComparingTo("4");
        });
        InferenceEndpoint sagemaker = BackendOverrides.apply(e, "sagemaker");
        assertThat(sagemaker.autoscaling().maxReplicas()).isEqualTo(5);
        assertThat(sagemaker.autoscaling().target(io.inferscale.api.TargetType.REQUESTS_PER_SECOND)).isPresent();
        // resolve: applied, and the backend's overrides gone from its options (others' stay)
        InferenceEndpoint resolved = BackendOverrides.resolve(e, "vertex");
        assertThat(resolved.autoscaling()).isEqualTo(vertex.autoscaling());
        assertThat(resolved.backends().of("vertex")).isEmpty();
        assertThat(resolved.backends().of("sagemaker")).containsKey("behavior");
        assertThat(BackendOverrides.apply(resolved, "vertex")).isSameAs(resolved);
        assertThat(BackendOverrides.OPTION_KEYS).extracting(OptionKey::name)
                .contains("minReplicas", "maxReplicas", "targetCPUUtilizationPercentage", "targetRequestsPerSecondPerReplica");
    }

    @Test
    @DisplayName("an override of the bounds or a target breaks the neutral rules at its own path")
    void badReplicaAndTargetOverrides() {
        InferenceEndpoint e = EndpointCodec.readEndpoint(SPEC, "spec.yaml");
        assertThat(EndpointValidator.validate(e.toBuilder().option("vertex", "minReplicas", 7).build()).errors())
                .extracting(Problem::path, Problem::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("spec.backends.vertex",
                        "with the overrides of backend 'vertex', spec.autoscaling.maxReplicas: 5 is below minReplicas 7; set maxReplicas to at least 7"));
        assertThat(EndpointValidator.validate(e.toBuilder().option("vertex", "targetMemoryUtilizationPercentage", new java.math.BigDecimal("150")).build())
                .errors()).extracting(Problem::path).contains("spec.backends.vertex.targetMemoryUtilizationPercentage");
        assertThat(EndpointValidator.validate(e.toBuilder().option("vertex", "maxReplicas", "eight").build()).errors())
                .extracting(Problem::path, Problem::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("spec.backends.vertex.maxReplicas",
                        "must be a whole number of replicas, 0 or more, e.g. 2"));
    }
}
