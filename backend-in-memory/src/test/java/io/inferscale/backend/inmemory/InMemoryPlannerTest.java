package io.inferscale.backend.inmemory;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.Secrets;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.FieldChange;
import io.inferscale.api.backend.Plan;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.inferscale.backend.inmemory.InMemoryBackendTest.seed;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The in-memory planner (pure, no backend)")
class InMemoryPlannerTest {

    @Test
    @DisplayName("nothing stored: one create")
    void create() {
        Plan plan = InMemoryPlanner.plan(seed(), null, List.of());
        assertThat(plan.changes()).containsExactly(Change.create("InferenceEndpoint", "my-model-endpoint"));
        assertThat(plan.backendId()).isEqualTo(InMemoryBackend.ID);
    }

    @Test
    @DisplayName("the same document stored: no change")
    void upToDate() {
        assertThat(InMemoryPlanner.plan(seed(), seed(), List.of()).isEmpty()).isTrue();
    }

    @Test
    @DisplayName("a changed document: an update listing the fields, environment values hidden, URI credentials removed")
    void update() {
        InferenceEndpoint live = seed().toBuilder().model(seed().model().toBuilder().env("API_TOKEN", "old-s3cret").build()).build();
        InferenceEndpoint desired = live.toBuilder().model(live.model().toBuilder().env("API_TOKEN", "new-s3cret")
                .artifactUri("https://bob:p4ssw0rd@host/m.tar.gz?sig=s1gnature").build()).build();
        Plan plan = InMemoryPlanner.plan(desired, live, List.of());
        assertThat(plan.changes()).singleElement().satisfies(c -> assertThat(c.fields()).containsExactlyInAnyOrder(
                new FieldChange("spec.model.env.API_TOKEN", Secrets.HIDDEN, Secrets.HIDDEN),
                new FieldChange("spec.model.artifactUri", null, ModelSpec.redactedUri("https://bob:p4ssw0rd@host/m.tar.gz?sig=s1gnature"))));
        assertThat(plan.toString()).doesNotContain("old-s3cret", "new-s3cret", "p4ssw0rd", "s1gnature");
    }
}
