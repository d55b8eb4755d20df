package io.inferscale.simulator;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.AutoscalerModelProvider;
import io.inferscale.api.simulation.ModelContext;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.ReplicaPrice;
import io.inferscale.api.simulation.ReplicaProfile;
import io.inferscale.simulator.trace.LoadTrace;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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
        assertThat(given.assumptions().get(0)).isEqualTo(new Assumption("startup", "5m", "set for every backend (--startup DURATION)"));
    }

    /** A step from 10 to 40 rps at 100 s; the stub model decides every 15 s, so it scales out at 105 s. */
    private static final LoadTrace STEP = LoadTrace.step(10, 40, Duration.ofSeconds(100), Duration.ofMinutes(20));

    private static SimulationResult runStep(ReplicaProfile profile, Map<String, String> settings) {
        return Simulation.of(SimulationFixtures.endpoint("1", "1")).trace(STEP).profile(profile)
                .settings(ModelSettings.of(settings)).run(priced(null));
    }

    /** Seconds from the step to enough ready capacity: 5 s to the decision, then the start-up that applied. */
    private static double catchUpSeconds(SimulationResult r) {
        return r.summary().stepResponses().get(0).secondsToCapacity();
    }

    @Nested
    @DisplayName("start-up precedence: <id>.startup setting > the profile's startup for every backend > provider default")
    class StartupPrecedence {

        @Test
        @DisplayName("nothing given: the provider's default with its source")
        void providerDefault() {
            SimulationResult r = runStep(ReplicaProfile.of(10), Map.of());
            assertThat(r.assumptions().get(0)).isEqualTo(new Assumption("startup", "1m30s",
                    "assumption; override with --startup stub=DURATION"));
            assertThat(catchUpSeconds(r)).isEqualTo(5 + 90);
        }

        @Test
        @DisplayName("the profile's startup applies to every backend")
        void globalStartup() {
            SimulationResult r = runStep(ReplicaProfile.builder(10).startup(Duration.ofMinutes(2)).build(), Map.of());
            assertThat(r.assumptions().get(0)).isEqualTo(new Assumption("startup", "2m", "set for every backend (--startup DURATION)"));
            assertThat(catchUpSeconds(r)).isEqualTo(5 + 120);
        }

        @Test
        @DisplayName("the backend's own setting beats the profile's startup; another backend's is not applied")
        void perBackendSetting() {
            ReplicaProfile twoMinutes = ReplicaProfile.builder(10).startup(Duration.ofMinutes(2)).build();
            SimulationResult r = runStep(twoMinutes, Map.of("stub.startup", "6m", "other.startup", "1s"));
            assertThat(r.assumptions().get(0)).isEqualTo(new Assumption("startup", "6m",
                    "set for stub (--startup stub=DURATION or --setting stub.startup=DURATION)"));
            assertThat(catchUpSeconds(r)).isEqualTo(5 + 360);
            SimulationResult plain = runStep(ReplicaProfile.of(10), Map.of("stub.startup", "250ms"));
            assertThat(plain.assumptions().get(0).value()).isEqualTo("250ms");
            assertThat(catchUpSeconds(plain)).isEqualTo(5.25);
        }

        @Test
        @DisplayName("the setting is the simulator's: the model's own settings do not see it")
        void modelDoesNotSeeStartupSetting() {
            List<ModelSettings> seen = new java.util.ArrayList<>();
            AutoscalerModelProvider recording = new StubModelProvider("stub", 10) {
                @Override
                public AutoscalerModel create(ModelContext context) {
                    seen.add(context.settings());
                    return super.create(context);
                }
            };
            Simulation.of(SimulationFixtures.endpoint("1", "1")).trace(STEP).profile(ReplicaProfile.of(10))
                    .settings(ModelSettings.of(Map.of("stub.startup", "6m", "stub.period", "30s"))).run(recording);
            assertThat(seen).containsExactly(ModelSettings.of(Map.of("stub.period", "30s")));
        }

        @Test
        @DisplayName("a start-up setting that is not a duration, or is negative, is refused by name")
        void badStartupSetting() {
            for (String bad : List.of("soon", "-5s", "PT-1M", "-250ms", "")) {
                assertThatThrownBy(() -> runStep(ReplicaProfile.of(10), Map.of("stub.startup", bad)))
                        .isInstanceOf(ConfigurationException.class)
                        .hasMessage("model setting stub.startup was '" + bad + "' but it must be a duration such as 15s, 5m, 1h or 250ms");
            }
        }
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
