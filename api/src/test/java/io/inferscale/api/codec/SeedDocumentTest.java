package io.inferscale.api.codec;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.Quantity;
import io.inferscale.api.TargetType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The seed's inference_endpoint.yaml")
class SeedDocumentTest {

    static String seed() throws IOException {
        try (InputStream in = SeedDocumentTest.class.getResourceAsStream("/inference_endpoint.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    @DisplayName("loads exactly as written")
    void loads() throws IOException {
        InferenceEndpoint e = EndpointCodec.read(seed(), "inference_endpoint.yaml").endpoint();
        assertThat(e.name()).isEqualTo("my-model-endpoint");
        assertThat(e.model().name()).isEqualTo("my-ml-model");
        assertThat(e.model().version()).contains("v1");
        assertThat(e.model().image()).isEmpty();
        assertThat(e.autoscaling().minReplicas()).isEqualTo(1);
        assertThat(e.autoscaling().maxReplicas()).isEqualTo(5);
        assertThat(e.autoscaling().target(TargetType.CPU_UTILIZATION)).get()
                .satisfies(t -> assertThat(t.value()).isEqualByComparingTo("60"));
        assertThat(e.autoscaling().targets()).hasSize(1);
        assertThat(e.resources().requests().cpu()).contains(Quantity.parse("500m"));
        assertThat(e.resources().requests().cpu().get().millis()).isEqualTo(500);
        assertThat(e.resources().requests().memory().get().whole()).isEqualTo(1L << 30);
        assertThat(e.resources().limits().cpu().get().millis()).isEqualTo(1000);
        assertThat(e.resources().limits().memory().get().whole()).isEqualTo(2L << 30);
        assertThat(e.resources().accelerator()).isEmpty();
        assertThat(e.backends().isEmpty()).isTrue();
    }

    @Test
    @DisplayName("writes back byte for byte")
    void roundTripsExactly() throws IOException {
        String seed = seed();
        InferenceEndpoint e = EndpointCodec.read(seed, "seed").endpoint();
        assertThat(EndpointCodec.toYaml(e)).isEqualTo(seed);
    }

    @Test
    @DisplayName("round-trips through JSON to an equal endpoint")
    void roundTripsThroughJson() throws IOException {
        InferenceEndpoint e = EndpointCodec.read(seed(), "seed").endpoint();
        String json = EndpointCodec.toJson(e);
        assertThat(json).contains("\"cpu\": \"500m\"");
        assertThat(EndpointCodec.read(json, "json").endpoint()).isEqualTo(e);
    }

    @Test
    @DisplayName("is valid, with no warnings")
    void validNoWarnings() throws IOException {
        EndpointDocument doc = EndpointCodec.read(seed(), "seed");
        assertThat(doc.validate().problems()).isEmpty();
    }
}
