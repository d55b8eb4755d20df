package io.inferscale.examples;

import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.codec.EndpointDocument;
import io.inferscale.api.validation.ValidationReport;
import io.inferscale.simulator.trace.LoadTrace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ExampleFilesTest {

    @Test
    void theSeedIsExactlyTheSeed() throws Exception {
        // the api module's copy is the seed every backend must handle
        assertThat(QuickStart.text("inference_endpoint.yaml"))
                .isEqualTo(Files.readString(Path.of("../api/src/test/resources/inference_endpoint.yaml")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"kubernetes", "sagemaker", "vertex"})
    void thePortableEndpointIsValidEverywhere(String id) throws Exception {
        EndpointDocument doc = QuickStart.bundled("portable_endpoint.yaml");
        try (Backend b = Backends.discover().create(id, BackendConfig.empty())) {
            assertThat(b.validate(doc.endpoint()).errors()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"kubernetes", "sagemaker"})
    void theFullEndpointIsValidOn(String id) throws Exception {
        EndpointDocument doc = QuickStart.bundled("inference_endpoint_full.yaml");
        try (Backend b = Backends.discover().create(id, BackendConfig.empty())) {
            assertThat(b.validate(doc.endpoint()).errors()).isEmpty();
        }
    }

    @Test
    void vertexRejectsTheFullEndpointsMemoryTargetByName() throws Exception {
        EndpointDocument doc = QuickStart.bundled("inference_endpoint_full.yaml");
        try (Backend b = Backends.discover().create("vertex", BackendConfig.empty())) {
            ValidationReport report = doc.locate(b.validate(doc.endpoint()));
            assertThat(report.errors()).hasSize(1);
            assertThat(report.errors().get(0).path()).isEqualTo("spec.autoscaling.targetMemoryUtilizationPercentage");
            assertThat(report.errors().get(0).line()).isEqualTo(23);
            assertThat(report.errors().get(0).message()).startsWith("backend 'vertex' does not support memory utilization targets");
        }
    }

    @Test
    void theTracesParse() throws Exception {
        LoadTrace day = LoadTrace.parseCsv(QuickStart.text("traces/diurnal-day.csv"), "diurnal-day.csv");
        assertThat(day.duration()).hasHours(24);
        assertThat(day.peakRps()).isEqualTo(110.0);
        LoadTrace spike = LoadTrace.parseCsv(QuickStart.text("traces/spike.csv"), "spike.csv");
        assertThat(spike.duration()).hasHours(2);
        assertThat(spike.rpsAt(1_800_000)).isEqualTo(200.0);
        assertThat(spike.rpsAt(2_400_000)).isEqualTo(20.0);
    }
}
