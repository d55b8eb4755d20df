package io.inferscale.backend.vertex;

import io.inferscale.api.InferenceEndpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The fault-injection harness of {@link VertexFaultInjectionTest} on a scale-to-zero endpoint (v1beta1 Preview): every
 * RPC of its create (UploadModel, CreateEndpoint with a dedicated endpoint, v1beta1 DeployModel, v1beta1 GetEndpoint),
 * update (maxReplicas and the CPU target through v1beta1 MutateDeployedModel) and delete, and every long-running operation,
 * failed in turn. Outcome table: {@code docs/reliability/vertex-scale-to-zero.md}.
 */
class VertexScaleToZeroFaultInjectionTest extends VertexFaultInjectionTest {

    @Override
    protected Path docsFile() {
        return Paths.get("..", "docs", "reliability", "vertex-scale-to-zero.md");
    }

    @Override
    protected InferenceEndpoint endpoint() {
        try {
            return VertexScaleToZeroTest.zero(600);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
