package io.inferscale.bench;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.codec.EndpointCodec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** The seed document (api/src/test/resources/inference_endpoint.yaml, copied at build time) and fleets made from it. */
public final class Seed {

    private Seed() {
    }

    /** The seed endpoint, read with the strict codec. */
    public static InferenceEndpoint endpoint() {
        try (InputStream in = Seed.class.getResourceAsStream("/seed/inference_endpoint.yaml")) {
            if (in == null) {
                throw new IllegalStateException("seed/inference_endpoint.yaml missing from the class path: build with mvn -f bench/pom.xml package");
            }
            return EndpointCodec.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), "inference_endpoint.yaml").endpoint();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code n} distinct endpoints: the seed named {@code ep-00000}, {@code ep-00001}... with maxReplicas 5..14 and the
     * CPU target 50..79 %, then {@code customize} (e.g. adding the container image a cloud backend needs).
     */
    public static List<InferenceEndpoint> fleet(int n, UnaryOperator<InferenceEndpoint> customize) {
        InferenceEndpoint seed = endpoint();
        List<InferenceEndpoint> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(customize.apply(variant(seed, i)));
        }
        return out;
    }

    /** Endpoint {@code i} of a fleet made from {@code seed}. */
    public static InferenceEndpoint variant(InferenceEndpoint seed, int i) {
        var policy = seed.autoscaling().toBuilder().maxReplicas(5 + i % 10)
                .target(io.inferscale.api.TargetType.CPU_UTILIZATION, 50 + i % 30).build();
        return seed.toBuilder().name(String.format("ep-%05d", i)).autoscaling(policy).build();
    }
}
