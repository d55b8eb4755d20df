package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.ScalingBehavior;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.FieldChange;
import io.inferscale.backend.kubernetes.internal.KubernetesExecutor;
import io.inferscale.backend.kubernetes.internal.ManifestDiff;
import io.inferscale.backend.kubernetes.internal.ManifestYaml;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Map;

import static io.inferscale.backend.kubernetes.KubernetesTranslatorTest.endpoint;
import static io.inferscale.backend.kubernetes.KubernetesTranslatorTest.resource;
import static org.assertj.core.api.Assertions.assertThat;

/** The plan's comparison against objects as a real API server returns them (defaults, status, canonical quantities). */
class ManifestDiffTest {

    private static <T extends HasMetadata> T live(String name, Class<T> type) throws IOException {
        return ManifestYaml.serialization().unmarshal(resource("live/" + name), type);
    }

    private static Map<String, Object> tree(Object o) {
        return ManifestYaml.tree(o);
    }

    private static Deployment withoutReplicas(Deployment d) {
        Deployment copy = ManifestYaml.serialization().clone(d);
        copy.getSpec().setReplicas(null);
        return copy;
    }

    @Test
    @DisplayName("a live Deployment with server defaults, status and HPA-owned replicas shows no change")
    void deploymentDefaultsIgnored() throws IOException {
        KubernetesManifests m = new KubernetesTranslator().translate(endpoint("inference_endpoint.yaml"));
        Deployment desired = withoutReplicas(m.deployment());
        assertThat(ManifestDiff.diff(tree(desired), tree(live("deployment.yaml", Deployment.class)))).isEmpty();
    }

    @Test
    @DisplayName("replicas the HPA scaled (manager kube-controller-manager, subresource scale) need no handover; "
            + "replicas only InferScale's apply owns do")
    void replicasOwnership() throws IOException {
        Deployment scaled = live("deployment.yaml", Deployment.class);
        assertThat(KubernetesExecutor.ownsReplicasAlone(scaled, "inferscale")).isFalse();
        Deployment created = ManifestYaml.serialization().clone(scaled);
        created.getMetadata().setManagedFields(new java.util.ArrayList<>(created.getMetadata().getManagedFields()));
        created.getMetadata().getManagedFields().remove(1);
        created.getMetadata().getManagedFields().get(0).getFieldsV1().setAdditionalProperty("f:spec", Map.of("f:replicas", Map.of(), "f:template", Map.of()));
        assertThat(KubernetesExecutor.ownsReplicasAlone(created, "inferscale")).isTrue();
        assertThat(KubernetesExecutor.ownsReplicasAlone(created, "someone-else")).isFalse();
    }

    @Test
    @DisplayName("a live HPA with defaulted behaviour and canonical quantities shows no change")
    void hpaDefaultsIgnored() throws IOException {
        InferenceEndpoint seed = endpoint("inference_endpoint.yaml");
        InferenceEndpoint e = seed.toBuilder().autoscaling(seed.autoscaling().toBuilder()
                .target(TargetType.REQUESTS_PER_SECOND, new BigDecimal("2.50"))
                .behavior(ScalingBehavior.of(ScalingRules.stabilization(30), null)).build()).build();
        HorizontalPodAutoscaler desired = new KubernetesTranslator().translate(e).hpa();
        assertThat(ManifestDiff.diff(tree(desired), tree(live("hpa.yaml", HorizontalPodAutoscaler.class)))).isEmpty();
    }

    @Test
    @DisplayName("quantities compare by value: 1 equals 1000m, 0.5 equals 500m, 1Gi is not 1G")
    void quantities() throws IOException {
        InferenceEndpoint seed = endpoint("inference_endpoint.yaml");
        Deployment live = live("deployment.yaml", Deployment.class);
        live.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits()
                .put("cpu", new io.fabric8.kubernetes.api.model.Quantity("1000m"));
        Deployment desired = withoutReplicas(new KubernetesTranslator().translate(seed).deployment());
        desired.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getRequests()
                .put("cpu", new io.fabric8.kubernetes.api.model.Quantity("0.5"));
        assertThat(ManifestDiff.diff(tree(desired), tree(live))).isEmpty();
        desired.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits()
                .put("memory", new io.fabric8.kubernetes.api.model.Quantity("2G"));
        assertThat(ManifestDiff.diff(tree(desired), tree(live))).containsExactly(
                new FieldChange("spec.template.spec.containers[0].resources.limits.memory", "2Gi", "2G"));
    }

    @Test
    @DisplayName("a field someone changed with kubectl is planned back, with its path")
    void drift() throws IOException {
        Deployment live = live("deployment.yaml", Deployment.class);
        live.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("my-ml-model:hotfix");
        live.getMetadata().getLabels().remove("inferscale.io/model-version");
        Deployment desired = withoutReplicas(new KubernetesTranslator().translate(endpoint("inference_endpoint.yaml")).deployment());
        assertThat(ManifestDiff.diff(tree(desired), tree(live))).containsExactly(
                new FieldChange("metadata.labels[inferscale.io/model-version]", null, "v1"),
                new FieldChange("spec.template.spec.containers[0].image", "my-ml-model:hotfix", "my-ml-model:v1"));
    }
}
