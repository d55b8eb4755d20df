package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatusBuilder;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.FieldChange;
import io.inferscale.api.backend.Plan;
import io.inferscale.backend.kubernetes.internal.DesiredObjects;
import io.inferscale.backend.kubernetes.internal.KubernetesPlanner;
import io.inferscale.backend.kubernetes.internal.ManifestYaml;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.inferscale.backend.kubernetes.KubernetesTranslatorTest.endpoint;
import static io.inferscale.backend.kubernetes.KubernetesTranslatorTest.resource;
import static org.assertj.core.api.Assertions.assertThat;

/** The planner alone: desired objects against live objects built in memory, no API server. */
class KubernetesPlannerTest {

    private InferenceEndpoint seed;
    private DesiredObjects desired;

    @BeforeEach
    void translate() throws IOException {
        seed = endpoint("inference_endpoint.yaml");
        desired = desired(seed);
    }

    private static DesiredObjects desired(InferenceEndpoint e) {
        return DesiredObjects.of(new KubernetesTranslator().translate(e), "test", null);
    }

    /**
     * The three objects as an API server returns them after InferScale applied {@code applied}: the Deployment from
     * {@code live/deployment.yaml} (defaults, managedFields, HPA-scaled replicas, status), the Service and HPA with
     * server-populated fields added to what was applied.
     */
    private static Map<String, HasMetadata> live(DesiredObjects applied) throws IOException {
        Deployment d = ManifestYaml.serialization().unmarshal(resource("live/deployment.yaml"), Deployment.class);
        d.getMetadata().getAnnotations().put(DesiredObjects.HASH_ANNOTATION,
                applied.object("Deployment").getMetadata().getAnnotations().get(DesiredObjects.HASH_ANNOTATION));
        Service s = (Service) ManifestYaml.serialization().clone(applied.object("Service"));
        s.getMetadata().setUid("5e1c0b9e-0000-4000-8000-000000000001");
        s.getMetadata().setResourceVersion("42");
        s.getSpec().setClusterIP("10.96.12.34");
        s.getSpec().setSessionAffinity("None");
        HorizontalPodAutoscaler h = (HorizontalPodAutoscaler) ManifestYaml.serialization().clone(applied.object("HorizontalPodAutoscaler"));
        h.getMetadata().setResourceVersion("43");
        h.setStatus(new HorizontalPodAutoscalerStatusBuilder().withCurrentReplicas(4).withDesiredReplicas(4).build());
        Map<String, HasMetadata> live = new LinkedHashMap<>();
        live.put("Deployment", d);
        live.put("Service", s);
        live.put("HorizontalPodAutoscaler", h);
        return live;
    }

    @Test
    @DisplayName("nothing live: a CREATE per object in apply order, named namespace/name, with the translator's notes")
    void createsWhatIsMissing() {
        Plan plan = KubernetesPlanner.plan(desired, Map.of());
        assertThat(plan.changes()).extracting(Change::action, Change::kind, Change::name).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Change.Action.CREATE, "Deployment", "test/my-model-endpoint"),
                org.assertj.core.groups.Tuple.tuple(Change.Action.CREATE, "Service", "test/my-model-endpoint"),
                org.assertj.core.groups.Tuple.tuple(Change.Action.CREATE, "HorizontalPodAutoscaler", "test/my-model-endpoint"));
        assertThat(plan.endpoint()).isEqualTo("my-model-endpoint");
        assertThat(plan.notes()).isEqualTo(desired.manifests().notes());
    }

    @Test
    @DisplayName("live objects with server defaults, status and replicas the HPA scaled: no change")
    void upToDate() throws IOException {
        Map<String, HasMetadata> live = live(desired);
        assertThat(((Deployment) live.get("Deployment")).getSpec().getReplicas()).as("scaled by the HPA").isEqualTo(4);
        assertThat(KubernetesPlanner.plan(desired, live).isEmpty()).isTrue();
    }

    @Test
    @DisplayName("a maxReplicas change: one UPDATE of the HPA naming the field, old and new value")
    void maxReplicasChange() throws IOException {
        Map<String, HasMetadata> live = live(desired);
        DesiredObjects wider = desired(seed.toBuilder().autoscaling(seed.autoscaling().toBuilder().maxReplicas(8).build()).build());
        Plan plan = KubernetesPlanner.plan(wider, live);
        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Change.Action.UPDATE);
            assertThat(c.kind()).isEqualTo("HorizontalPodAutoscaler");
            assertThat(c.fields()).containsExactly(new FieldChange("spec.maxReplicas", "5", "8"));
            assertThat(c.reason()).isEmpty();
        });
    }

    @Test
    @DisplayName("a field removed from the endpoint shows only as the hash annotation, with the reason")
    void removedField() throws IOException {
        InferenceEndpoint withEnv = seed.toBuilder().model(seed.model().toBuilder().env(Map.of("LOG_LEVEL", "debug")).build()).build();
        Map<String, HasMetadata> live = live(desired(withEnv));
        Plan plan = KubernetesPlanner.plan(desired, live);
        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo("Deployment");
            assertThat(c.fields()).singleElement().satisfies(f -> assertThat(f.path())
                    .isEqualTo("metadata.annotations[" + DesiredObjects.HASH_ANNOTATION + "]"));
            assertThat(c.reason()).contains("no longer in the endpoint");
        });
    }

    @Test
    @DisplayName("an object InferScale did not create (no managed-by label) is adopted by an UPDATE that says so")
    void adoptsUnmanaged() throws IOException {
        Map<String, HasMetadata> live = live(desired);
        live.get("Service").getMetadata().setLabels(Map.of("app", "my-model-endpoint"));
        live.get("Service").getMetadata().setAnnotations(null);
        Plan plan = KubernetesPlanner.plan(desired, live);
        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo("Service");
            assertThat(c.action()).isEqualTo(Change.Action.UPDATE);
            assertThat(c.reason()).isEqualTo("adopts an existing Service that InferScale did not create");
            assertThat(c.fields()).extracting(FieldChange::path).contains("metadata.labels[app.kubernetes.io/managed-by]");
        });
        assertThat(KubernetesPlanner.matches(desired, desired.object("Service"), live.get("Service"))).isFalse();
        assertThat(KubernetesPlanner.matches(desired, desired.object("Service"), null)).isFalse();
    }
}
