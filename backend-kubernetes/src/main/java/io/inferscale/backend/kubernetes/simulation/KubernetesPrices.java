package io.inferscale.backend.kubernetes.simulation;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.Quantity;
import io.inferscale.api.ResourceList;
import io.inferscale.api.simulation.ModelContext;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.PriceCatalogue;
import io.inferscale.api.simulation.ReplicaPrice;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a pod costs: its requests priced per unit of a node, from {@code kubernetes-prices.csv} next to this class
 * (format: {@link PriceCatalogue}): {@code vcpuHour}, {@code gibHour} and {@code gpuHour} in {@code us-central1} (the
 * default region) and {@code europe-west4}. Defaults: Compute Engine N2 on-demand prices per vCPU and per GB
 * (n2-standard machines are billed exactly so) and the NVIDIA T4 GPU price; all assumptions, since your nodes may be
 * other machines, reserved or spot.
 *
 * <p><b>Model:</b> replica cost per hour = requested vCPUs x {@code vcpuHour} + requested GiB x {@code gibHour}
 * + accelerators x {@code gpuHour}. Requests, because they are what the scheduler reserves on a node (a resource without
 * a request is requested at its limit, as Kubernetes defaults it). A sum rather than the larger of the CPU and
 * memory shares of a node: it is how per-resource billing (Compute Engine's own vCPU and GB prices, GKE Autopilot)
 * charges, and it needs no node shape; it leaves out the node capacity that bin packing wastes and the system
 * reserve, so it is a lower bound for a cluster of fixed nodes. A pod with no requests cannot be priced.
 *
 * <p>Region: the model setting {@code kubernetes.region}. Overrides: {@code kubernetes.price.vcpuHour},
 * {@code kubernetes.price.gibHour}, {@code kubernetes.price.gpuHour} (or {@code kubernetes.price.<region>.<unit>}).
 */
public final class KubernetesPrices {

    /** The catalogue resource, next to this class. */
    public static final String RESOURCE = "kubernetes-prices.csv";

    /** The priced units. */
    public static final Set<String> UNITS = Set.of("vcpuHour", "gibHour", "gpuHour");

    private static final PriceCatalogue CATALOGUE = PriceCatalogue.resource("kubernetes", KubernetesPrices.class, RESOURCE);
    private static final BigDecimal GIB = BigDecimal.valueOf(1L << 30);

    private KubernetesPrices() {
    }

    /** The catalogue. */
    public static PriceCatalogue catalogue() {
        return CATALOGUE;
    }

    /**
     * The price of one pod's requests; empty when the endpoint requests no CPU, memory or accelerator.
     *
     * @throws ConfigurationException for a price setting that names no unit or is malformed, or an unknown region
     */
    public static Optional<ReplicaPrice> price(ModelContext context) {
        ModelSettings settings = context.settings();
        checkUnits(settings);
        InferenceEndpoint e = context.endpoint();
        ResourceList requests = e.resources().requests();
        ResourceList limits = e.resources().limits();
        double cpu = requests.cpu().or(limits::cpu).map(Quantity::value).map(BigDecimal::doubleValue).orElse(0.0);
        double gib = requests.memory().or(limits::memory).map(q -> q.value().divide(GIB, java.math.MathContext.DECIMAL64).doubleValue())
                .orElse(0.0);
        int gpus = e.resources().accelerator().map(a -> a.count()).orElse(0);
        if (cpu == 0 && gib == 0 && gpus == 0) {
            return Optional.empty();
        }
        String region = CATALOGUE.region(settings);
        Map<ReplicaPrice, Double> parts = new LinkedHashMap<>();
        parts.put(unit(settings, region, "vcpuHour"), cpu);
        parts.put(unit(settings, region, "gibHour"), gib);
        parts.put(unit(settings, region, "gpuHour"), (double) gpus);
        String machine = PriceCatalogue.quantity(cpu) + " vCPU, " + PriceCatalogue.quantity(gib) + " GiB"
                + e.resources().accelerator().map(a -> ", " + a.count() + " x " + a.type().id()).orElse("") + " of a node";
        return Optional.of(PriceCatalogue.combine(machine, parts));
    }

    private static ReplicaPrice unit(ModelSettings settings, String region, String unit) {
        return CATALOGUE.price(settings, region, unit).orElseThrow(() -> new ConfigurationException("the kubernetes price catalogue has no "
                + unit + " in " + region + "; set --setting " + CATALOGUE.settingPrefix() + unit + "=USD"));
    }

    private static void checkUnits(ModelSettings settings) {
        List<String> bad = new ArrayList<>();
        for (String key : settings.asMap().keySet()) {
            if (key.startsWith(CATALOGUE.settingPrefix())) {
                String rest = key.substring(CATALOGUE.settingPrefix().length());
                String unit = rest.substring(rest.lastIndexOf('.') + 1);
                if (!UNITS.contains(unit)) {
                    bad.add("model setting " + key + settings.origin(key).map(o -> " (" + o + ")").orElse("")
                            + " names no priced unit; use " + CATALOGUE.settingPrefix() + "vcpuHour, gibHour or gpuHour");
                }
            }
        }
        if (!bad.isEmpty()) {
            throw new ConfigurationException(String.join("; ", bad));
        }
    }
}
