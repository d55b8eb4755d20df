package io.inferscale.backend.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** The test cluster's server-side apply follows the API server's field management, so replica tests can fail. */
class FieldOwnershipTest {

    private static final String PATH = "/apis/apps/v1/namespaces/test/deployments/d";

    private static JsonNode json(String yaml) throws IOException {
        return MockCluster.YAML.readTree(yaml);
    }

    private static JsonNode deployment(String spec) throws IOException {
        return json("{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}, spec: " + spec + "}");
    }

    @Test
    @DisplayName("a field the only owner stops applying is reset to its default: replicas become 1")
    void droppedFieldIsReset() throws IOException {
        FieldOwnership o = new FieldOwnership();
        JsonNode live = (JsonNode) o.apply(PATH, null, deployment("{replicas: 3, paused: true}"), "inferscale", true);
        JsonNode after = (JsonNode) o.apply(PATH, live, deployment("{minReadySeconds: 5}"), "inferscale", true);
        assertThat(after.at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(after.at("/spec/paused").isMissingNode()).isTrue();
        assertThat(after.at("/spec/minReadySeconds").asInt()).isEqualTo(5);
    }

    @Test
    @DisplayName("two appliers of the same value share the field; when one stops applying it, the value stays")
    void sharedFieldSurvives() throws IOException {
        FieldOwnership o = new FieldOwnership();
        JsonNode live = (JsonNode) o.apply(PATH, null, deployment("{replicas: 3}"), "inferscale", true);
        live = (JsonNode) o.apply(PATH, live, deployment("{replicas: 3}"), "handover", false);
        assertThat(o.ownersOf(PATH, "/spec/replicas")).containsExactly("inferscale", "handover");
        JsonNode after = (JsonNode) o.apply(PATH, live, deployment("{minReadySeconds: 5}"), "inferscale", true);
        assertThat(after.at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(o.ownersOf(PATH, "/spec/replicas")).containsExactly("handover");
    }

    @Test
    @DisplayName("a non-apply write takes the fields it changes; an unforced apply of another value conflicts")
    void updateTakesOwnership() throws IOException {
        FieldOwnership o = new FieldOwnership();
        JsonNode live = (JsonNode) o.apply(PATH, null, deployment("{replicas: 1}"), "inferscale", true);
        JsonNode scaled = deployment("{replicas: 4}");
        o.update(PATH, live, scaled, "kube-controller-manager");
        assertThat(o.ownersOf(PATH, "/spec/replicas")).containsExactly("kube-controller-manager");
        assertThat(o.apply(PATH, scaled, deployment("{replicas: 1}"), "handover", false))
                .isInstanceOfSatisfying(FieldOwnership.Conflict.class, c -> assertThat(c.message())
                        .isEqualTo("Apply failed with 1 conflict: conflict with \"kube-controller-manager\": .spec.replicas"));
        assertThat(o.withManagedFields(PATH, scaled).at("/metadata/managedFields/0/fieldsV1/f:spec/f:replicas").isObject()).isTrue();
    }
}
