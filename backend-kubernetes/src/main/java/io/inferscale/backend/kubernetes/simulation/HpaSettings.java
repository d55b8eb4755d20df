package io.inferscale.backend.kubernetes.simulation;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.simulation.ModelSettings;

import java.time.Duration;
import java.util.Set;

/**
 * The HPA model's constants, each overridable through {@link ModelSettings} with the key shown. Defaults are
 * upstream's kube-controller-manager defaults unless said otherwise.
 *
 * <table>
 *   <caption>HPA model settings</caption>
 *   <tr><th>key</th><th>default</th><th>source</th></tr>
 *   <tr><td>{@code kubernetes.syncPeriod}</td><td>15s</td><td>{@code --horizontal-pod-autoscaler-sync-period}</td></tr>
 *   <tr><td>{@code kubernetes.tolerance}</td><td>0.1</td><td>{@code --horizontal-pod-autoscaler-tolerance}</td></tr>
 *   <tr><td>{@code kubernetes.downscaleStabilization}</td><td>5m</td><td>{@code --horizontal-pod-autoscaler-downscale-stabilization}</td></tr>
 *   <tr><td>{@code kubernetes.cpuInitializationPeriod}</td><td>5m</td><td>{@code --horizontal-pod-autoscaler-cpu-initialization-period}</td></tr>
 *   <tr><td>{@code kubernetes.metricWindow}</td><td>15s</td><td>metrics-server {@code --metric-resolution} (the window of a CPU sample;
 *       a pod's CPU counts once one full window has passed since it became ready)</td></tr>
 *   <tr><td>{@code kubernetes.scaleUpLimitFactor}</td><td>2.0</td><td>{@code scaleUpLimitFactor} in {@code horizontal.go} (legacy path)</td></tr>
 *   <tr><td>{@code kubernetes.scaleUpLimitMinimum}</td><td>4</td><td>{@code scaleUpLimitMinimum} in {@code horizontal.go} (legacy path)</td></tr>
 *   <tr><td>{@code kubernetes.defaultCpuUtilization}</td><td>80</td><td>autoscaling/v2 defaulting when an HPA has no metrics</td></tr>
 *   <tr><td>{@code kubernetes.requestsPerSecondMetric}, {@code ...MetricType} (and the concurrency and accelerator
 *       pairs)</td><td>as {@code KubernetesSettings}</td><td>translator settings ({@link #TRANSLATOR_KEYS}): the model simulates
 *       the HPA rendered with them</td></tr>
 * </table>
 *
 * <p>Every default but {@code metricWindow} is upstream's (kube-controller-manager flags,
 * https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/); {@code metricWindow} is an
 * assumption (metrics-server's default resolution).
 *
 * @param syncPeriod             how often the controller reconciles each HPA
 * @param tolerance              no scaling while {@code |1 - ratio| <= tolerance}
 * @param downscaleStabilization the legacy scale-down window, and the behaviour scale-down window's default
 * @param cpuInitializationPeriod after a pod starts, CPU samples count only once a full window was collected since readiness
 * @param metricWindow           the CPU sample window
 * @param scaleUpLimitFactor     legacy scale-up limit factor
 * @param scaleUpLimitMinimum    legacy scale-up limit minimum
 * @param defaultCpuUtilization  the CPU target used when the endpoint has no target
 */
public record HpaSettings(Duration syncPeriod, double tolerance, Duration downscaleStabilization, Duration cpuInitializationPeriod,
                          Duration metricWindow, double scaleUpLimitFactor, double scaleUpLimitMinimum, int defaultCpuUtilization) {

    /**
     * The upstream source the model is ported from: {@code kubernetes/kubernetes} {@code pkg/controller/podautoscaler}
     * ({@code horizontal.go}, {@code replica_calculator.go}) and its tests, as of the master branch after v1.34 (the
     * revision with {@code Tolerances.isWithin}, inclusive since v1.33's KEP-4951, {@code scaleUpWithUnready}, the
     * {@code max(100, target)} missing-pod fallback and pod-level requests). The index it was read from keeps no
     * commit id for it.
     */
    public static final String UPSTREAM_REVISION = "kubernetes/kubernetes master after v1.34 (Tolerances.isWithin, KEP-4951)";

    /** The model's own constants. */
    private static final Set<String> MODEL_KEYS = Set.of("kubernetes.syncPeriod", "kubernetes.tolerance", "kubernetes.downscaleStabilization",
            "kubernetes.cpuInitializationPeriod", "kubernetes.metricWindow", "kubernetes.scaleUpLimitFactor",
            "kubernetes.scaleUpLimitMinimum", "kubernetes.defaultCpuUtilization");

    /**
     * The backend configuration keys that change what the translator renders, and so what the model simulates:
     * each custom metric's name and {@code Pods}/{@code External} type (see {@code KubernetesSettings}), and for endpoints with
     * {@code autoscaler: keda} the ScaledObject's activation threshold, polling interval and queries ({@code KedaSettings}).
     */
    public static final Set<String> TRANSLATOR_KEYS = Set.of("kubernetes.requestsPerSecondMetric", "kubernetes.requestsPerSecondMetricType",
            "kubernetes.concurrencyMetric", "kubernetes.concurrencyMetricType", "kubernetes.acceleratorMetric",
            "kubernetes.acceleratorMetricType", "kubernetes.keda.activationThreshold", "kubernetes.keda.pollingIntervalSeconds",
            "kubernetes.keda.requestsPerSecondQuery", "kubernetes.keda.concurrencyQuery", "kubernetes.keda.acceleratorQuery");

    /** The keys, for {@link io.inferscale.api.simulation.AutoscalerModelProvider#settingKeys()}. */
    public static final Set<String> KEYS = union(MODEL_KEYS, TRANSLATOR_KEYS);

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.Set<String> u = new java.util.TreeSet<>(a);
        u.addAll(b);
        return java.util.Collections.unmodifiableSet(u);
    }

    /**
     * The translator settings a simulation renders the endpoint with: the {@link #TRANSLATOR_KEYS} given in
     * {@code settings}, defaults otherwise.
     *
     * @throws ConfigurationException naming the key when a value is malformed
     */
    public static io.inferscale.backend.kubernetes.KubernetesSettings translatorSettings(ModelSettings settings) {
        java.util.Map<String, String> given = new java.util.TreeMap<>();
        settings.asMap().forEach((k, v) -> {
            if (TRANSLATOR_KEYS.contains(k)) {
                given.put(k, v);
            }
        });
        return io.inferscale.backend.kubernetes.KubernetesSettings.from(io.inferscale.api.backend.BackendConfig.of(given));
    }

    /** Upstream's defaults. */
    public static HpaSettings defaults() {
        return from(ModelSettings.empty());
    }

    /**
     * Defaults overridden by {@code settings}.
     *
     * @throws ConfigurationException naming the key of a value out of range
     */
    public static HpaSettings from(ModelSettings s) {
        HpaSettings h = new HpaSettings(
                s.getDuration("kubernetes.syncPeriod", Duration.ofSeconds(15)),
                s.getDouble("kubernetes.tolerance", 0.1),
                s.getDuration("kubernetes.downscaleStabilization", Duration.ofMinutes(5)),
                s.getDuration("kubernetes.cpuInitializationPeriod", Duration.ofMinutes(5)),
                s.getDuration("kubernetes.metricWindow", Duration.ofSeconds(15)),
                s.getDouble("kubernetes.scaleUpLimitFactor", 2.0),
                s.getDouble("kubernetes.scaleUpLimitMinimum", 4.0),
                s.getInt("kubernetes.defaultCpuUtilization", 80));
        if (h.syncPeriod.toMillis() < 1) {
            throw new ConfigurationException("model setting kubernetes.syncPeriod was " + h.syncPeriod + " but it must be at least 1ms");
        }
        if (!(h.tolerance >= 0 && h.tolerance < 1)) {
            throw new ConfigurationException("model setting kubernetes.tolerance was " + h.tolerance + " but it must be >= 0 and < 1");
        }
        if (h.scaleUpLimitFactor < 1 || h.scaleUpLimitMinimum < 1) {
            throw new ConfigurationException("model settings kubernetes.scaleUpLimitFactor and kubernetes.scaleUpLimitMinimum must be >= 1");
        }
        if (h.defaultCpuUtilization < 1) {
            throw new ConfigurationException("model setting kubernetes.defaultCpuUtilization must be >= 1");
        }
        return h;
    }
}
