package io.inferscale.testkit;

import java.util.List;

/**
 * A local stand-in for a cloud's API that a backend is tested against, published in the backend's test-jar so users
 * can test their own code against it (as fabric8 ships {@code kubernetes-server-mock}):
 * {@code MockCluster} (Kubernetes, {@code inferscale-backend-kubernetes:tests}), {@code FakeAwsServer} (SageMaker
 * and Application Auto Scaling, {@code inferscale-backend-sagemaker:tests}) and {@code FakeVertexServer} (Vertex AI,
 * {@code inferscale-backend-vertex:tests}). A fake is started by its constructor (or its static {@code start()}) and
 * serves until {@link #close()}; {@link #reset()} empties it between tests without the cost of a new server.
 *
 * <p>What the three have in common is what a test asserts on: where the backend reaches the fake, the requests it
 * received in order (each by a stable name, so a test can assert the exact sequence an operation sends) and how many
 * of them were writes. Each fake adds its own controls (failures, delays, the state of its resources); see its Javadoc.
 * Implementations are thread-safe: a backend's worker threads and the test may call them at once.
 */
public interface FakeCloud extends AutoCloseable {

    /**
     * Where a backend reaches this fake: a URL such as {@code http://127.0.0.1:41234} (Kubernetes' master URL, the
     * SageMaker {@code sagemaker.endpointOverride}), or {@code inprocess:<name>} for an in-process gRPC server (the
     * Vertex {@code vertex.endpointOverride}).
     */
    String endpoint();

    /**
     * The requests received since the fake started or was last {@link #reset()}, oldest first, each by a stable name
     * (no generated ids): {@code "PATCH deployments"}, {@code "CreateModel"}, {@code "DeployModel"}. Requests the fake
     * makes to itself (a controller playing the cloud) are not listed.
     */
    List<String> calls();

    /** How many of {@link #calls()} were writes (requests that create, change or delete something), failed ones included. */
    long writeCount();

    /** Empties the fake: its resources, its request log, and any failure or delay a test set. The server keeps running. */
    void reset();

    /** Stops the server and releases its threads and ports. */
    @Override
    void close();
}
