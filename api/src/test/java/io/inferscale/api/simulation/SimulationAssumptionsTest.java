package io.inferscale.api.simulation;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

class SimulationAssumptionsTest {

    private static final LoadTrace TRACE = LoadTrace.constant(20, Duration.ofHours(1));

    /** The stub provider with a fixed price. */
    private static AutoscalerModelProvider priced(ReplicaPrice price) {
        StubModelProvider stub = new StubModelProvider("stub", 10);
        return new AutoscalerModelProvider() {
            public String backendId() {
                return "stub";
            }

            public String description() {
                return "stub";
            }

            public Duration defaultStartup() {
                return Duration.ofSeconds(90);
            }

            public Set<String> settingKeys() {
                return Set.of();
            }

            public Optional<ReplicaPrice> price(ModelContext context) {
                return Optional.ofNullable(price);
            }

            public AutoscalerModel create(ModelContext context) {
                return stub.create(context);
            }
        };
    }

    @Test
    @DisplayName("every result names its startup and its source, and the replica capacity")
    void startupAndCapacity() {
        SimulationResult r = Simulation.of(SimulationFixtures.endpoint("1", "1")).trace(TRACE).profile(ReplicaProfile.of(10))
                .run(priced(null));
        assertThat(r.assumptions()).extracting(Assumption::subject).startsWith("startup", "replica capacity");
        Assumption startup = r.assumptions().get(0);
        assertThat(startup.value()).isEqualTo("1m30s");
        assertThat(startup.isAssumption()).isTrue();
        assertThat(startup.source()).contains("--startup stub=DURATION");
        assertThat(r.cost()).isEmpty();

        SimulationResult given = Simulation.of(SimulationFixtures.endpoint("1", "1")).trace(TRACE)
                .profile(ReplicaProfile.builder(10).startup(Duration.ofMinutes(5)).build()).run(priced(null));
        assertThat(given.assumptions().get(0)).isEqualTo(new Assumption("startup", "5m", "the replica profile (--startup)"));
    }

    @Test
    @DisplayName("a priced run costs replica-hours x price, per million served requests too, and lists the price's source")
    void cost() {
        ReplicaPrice price = new ReplicaPrice("ml.m5.xlarge", 0.23, "catalogue");
        SimulationResult r = Simulation.of(SimulationFixtures.endpoint("1", "1")).trace(TRACE).profile(ReplicaProfile.of(10))
                .run(priced(price));
        CostEstimate c = r.cost().orElseThrow();
        assertThat(c.totalUsd()).isCloseTo(r.summary().replicaHours() * 0.23, offset(1e-12));
        double served = r.summary().totalRequests() - r.summary().requestsOverCapacity();
        assertThat(c.usdPerMillionRequestsServed()).isCloseTo(c.totalUsd() / served * 1e6, offset(1e-9));
        assertThat(r.assumptions()).contains(new Assumption("price per replica-hour", "$0.2300 (ml.m5.xlarge)", "catalogue"));
    }

    @Test
    @DisplayName("durations print in their shortest exact form")
    void durations() {
        assertThat(List.of(Duration.ofSeconds(90), Duration.ofMinutes(5), Duration.ofSeconds(45), Duration.ofMillis(250)))
                .extracting(Simulation::formatDuration).containsExactly("1m30s", "5m", "45s", "250ms");
    }

    @Test
    @DisplayName("a price or an assumption without a source is refused")
    void sourcesRequired() {
        assertThatThrownBy(() -> new ReplicaPrice("x", 1, " ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplicaPrice("x", -1, "s")).hasMessageContaining("usdPerHour was -1.0");
        assertThatThrownBy(() -> new Assumption("startup", "5m", "")).isInstanceOf(IllegalArgumentException.class);
    }
}
