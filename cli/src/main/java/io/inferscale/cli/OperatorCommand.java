package io.inferscale.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.inferscale.api.BackendException;
import io.inferscale.backend.kubernetes.InferenceEndpointOperator;
import io.inferscale.backend.kubernetes.KubernetesSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code inferscale operator [--namespace NS,...] [--set kubernetes.KEY=VALUE...]}. */
@Command(name = "operator", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Run the Kubernetes operator for InferenceEndpoint resources.",
        description = "Run the Kubernetes operator: reconcile InferenceEndpoint resources (inferenceendpoints.mlops.example.com) into a Deployment, Service and HorizontalPodAutoscaler each, and keep their status current, until stopped (SIGTERM or Ctrl-C). Install the CRD and RBAC first: see backend-kubernetes/README.md.")
final class OperatorCommand extends BaseCommand {

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", split = ",",
            description = "namespaces to watch, comma-separated or repeated (default: all, which needs the ClusterRole)")
    List<String> namespaces = new ArrayList<>();

    @Option(names = "--leader-election",
            description = "reconcile only while holding the Lease inferscale-operator-leader in the operator's namespace (INFERSCALE_OPERATOR_NAMESPACE, default inferscale-system), so several replicas can run; identity: POD_NAME, else HOSTNAME")
    boolean leaderElection;

    @Option(names = "--health-port", paramLabel = "PORT",
            description = "serve the probes GET /healthz (liveness) and GET /readyz (readiness) on this port (0-65535; default: none)")
    Integer healthPort;

    @Option(names = "--set", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "kubernetes backend configuration, repeatable, e.g. --set kubernetes.imageTemplate=registry/{name}:{version}")
    Map<String, String> values = new LinkedHashMap<>();

    @Override
    public Integer call() throws InterruptedException {
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!e.getKey().startsWith("kubernetes.")) {
                throw new UsageException("--set " + e.getKey() + ": the operator reads only kubernetes.* keys; see 'inferscale backends kubernetes'");
            }
            if (e.getValue().isEmpty()) {
                throw new UsageException("--set " + e.getKey() + ": no value; write --set " + e.getKey() + "=VALUE");
            }
        }
        if (healthPort != null && (healthPort < 0 || healthPort > 65535)) {
            throw new UsageException("--health-port " + healthPort + ": not a port number; use 0-65535 (e.g. 8080)");
        }
        KubernetesSettings settings = KubernetesSettings.from(context().config(values));
        KubernetesClient client;
        try {
            Config config = Config.autoConfigure(settings.context().orElse(null));
            client = new KubernetesClientBuilder().withConfig(config).build();
        } catch (KubernetesClientException e) {
            throw new BackendException("kubernetes", BackendException.Reason.CONFIGURATION,
                    "cannot configure the Kubernetes client from the kubeconfig or service account: " + e.getMessage(), e);
        }
        InferenceEndpointOperator.RunOptions.Builder options = InferenceEndpointOperator.RunOptions.builder()
                .namespaces(namespaces).onStarted(started -> {
                    out().println("operator: " + started.describe());
                    out().flush();
                });
        if (leaderElection) {
            options.leaderElection(InferenceEndpointOperator.LeaderElection.fromEnvironment());
        }
        if (healthPort != null) {
            options.healthPort(healthPort);
        }
        // the library's run: the same start, probes, shutdown hook and clean stop as any embedding application
        try (client) {
            InferenceEndpointOperator.run(client, settings, options.build());
        } catch (BackendException e) {
            throw new BackendException("kubernetes", e.reason(), "the operator could not start against " + client.getMasterUrl() + ": "
                    + e.getMessage() + rootCause(e) + "; check the kubeconfig (or the pod's service account), the CRD and the RBAC", e);
        }
        return ExitCode.OK;
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e || root.getMessage() == null ? "" : " (" + root.getMessage() + ")";
    }
}
