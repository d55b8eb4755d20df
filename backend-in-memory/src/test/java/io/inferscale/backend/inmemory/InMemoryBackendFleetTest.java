package io.inferscale.backend.inmemory;

import io.inferscale.api.AutoscalingPolicy;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.EndpointOutcome;
import io.inferscale.api.backend.FleetOptions;
import io.inferscale.api.backend.FleetResult;
import io.inferscale.api.backend.Plan;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The in-memory backend: applyAll and planAll")
class InMemoryBackendFleetTest {

    private static List<InferenceEndpoint> fleet(int n) {
        return IntStream.range(0, n).mapToObj(i -> InMemoryBackendTest.seed().toBuilder().name(String.format("ep-%03d", i))
                .autoscaling(AutoscalingPolicy.builder().minReplicas(1).maxReplicas(5 + i % 10).target(TargetType.CPU_UTILIZATION, 50 + i % 30).build())
                .build()).toList();
    }

    @Test
    @DisplayName("applyAll creates every endpoint, one outcome each in the order given; the re-apply changes nothing")
    void appliesAndReapplies() {
        InMemoryBackend backend = InMemoryBackend.create();
        List<InferenceEndpoint> fleet = fleet(30);

        FleetResult<ApplyResult> first = backend.applyAll(fleet, new FleetOptions(4));

        assertThat(first.allSucceeded()).isTrue();
        assertThat(first.outcomes()).extracting(EndpointOutcome::name).containsExactlyElementsOf(fleet.stream().map(InferenceEndpoint::name).toList());
        assertThat(first.results().values()).allSatisfy(r -> assertThat(r.changed()).isTrue());
        assertThat(backend.list()).hasSize(30);
        assertThat(backend.endpoint("ep-007")).contains(fleet.get(7));

        FleetResult<ApplyResult> again = backend.applyAll(fleet);
        assertThat(again.allSucceeded()).isTrue();
        assertThat(again.results().values()).noneMatch(ApplyResult::changed);
    }

    @Test
    @DisplayName("planAll only reads: a plan per endpoint, CREATE for the new ones, nothing for the applied ones")
    void plansWithoutWriting() {
        InMemoryBackend backend = InMemoryBackend.create();
        List<InferenceEndpoint> fleet = fleet(6);
        backend.apply(fleet.get(0));
        int before = backend.operations().size();

        FleetResult<Plan> plans = backend.planAll(fleet, FleetOptions.sequential());

        assertThat(backend.operations()).hasSize(before);
        assertThat(plans.results().get("ep-000").isEmpty()).isTrue();
        assertThat(plans.results().get("ep-005").changes()).extracting(Change::action).containsOnly(Change.Action.CREATE);
    }

    @Test
    @DisplayName("one invalid endpoint stops the whole fleet before any write, and the error names it and its field")
    void validatesAllFirst() {
        InMemoryBackend backend = InMemoryBackend.create();
        List<InferenceEndpoint> fleet = new ArrayList<>(fleet(5));
        fleet.set(3, fleet.get(3).toBuilder().autoscaling(AutoscalingPolicy.builder().minReplicas(4).maxReplicas(2)
                .target(TargetType.CPU_UTILIZATION, 60).build()).build());

        assertThatThrownBy(() -> backend.applyAll(fleet)).isInstanceOf(InvalidEndpointException.class)
                .hasMessageContaining("1 of 5 endpoints on backend 'in-memory' (ep-003); nothing was applied")
                .hasMessageContaining("endpoint 'ep-003': ")
                .hasMessageContaining("spec.autoscaling");
        assertThat(backend.operations()).isEmpty();
        assertThat(backend.list()).isEmpty();
    }

    @Test
    @DisplayName("a name given twice is an error before any write")
    void rejectsRepeatedNames() {
        InMemoryBackend backend = InMemoryBackend.create();
        List<InferenceEndpoint> fleet = new ArrayList<>(fleet(3));
        fleet.add(fleet.get(1));

        assertThatThrownBy(() -> backend.planAll(fleet)).isInstanceOf(InvalidEndpointException.class)
                .hasMessageContaining("metadata.name").hasMessageContaining("endpoint 'ep-001' appears 2 times in the fleet");
        assertThat(backend.operations()).isEmpty();
    }

    @Test
    @DisplayName("an empty fleet is an empty result")
    void emptyFleet() {
        assertThat(InMemoryBackend.create().applyAll(List.of()).outcomes()).isEmpty();
    }
}
