package io.inferscale.backend.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRulesBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricTarget;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricTargetBuilder;
import io.inferscale.api.Accelerator;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.ResourceList;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.ScalingTarget;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.Feature;
import io.inferscale.api.backend.Note;
import io.inferscale.api.backend.OptionKey;
import io.inferscale.api.backend.Translation;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import io.inferscale.backend.kubernetes.keda.ScaledObjectManifest;
import io.inferscale.backend.kubernetes.keda.ScaledObjectTranslator;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Pure translation of a neutral {@link InferenceEndpoint} into a Deployment, a Service and an
 * {@code autoscaling/v2} HorizontalPodAutoscaler ({@link KubernetesManifests}). No I/O: {@code render},
 * {@code plan}, the operator and golden tests all use it.
 *
 * <p>The mapping (see the module README for the full table):
 * <ul>
 *   <li>{@code metadata.name} names all three objects; pods are labelled {@code app: <name>} plus the
 *       recommended {@code app.kubernetes.io/*} labels and the model's name and version.</li>
 *   <li>{@code spec.resources} become the container's requests and limits unchanged; an accelerator adds
 *       {@code nvidia.com/gpu} limits, a node selector ({@link KubernetesSettings#gpuNodeSelector}) and a
 *       toleration of the {@code nvidia.com/gpu} taint.</li>
 *   <li>CPU and memory utilization become {@code Resource} metrics with {@code Utilization} targets;
 *       requests per second, concurrency and accelerator utilization become {@code Pods} (or
 *       {@code External}) metrics with {@code AverageValue} targets, served by a custom metrics adapter.</li>
 *   <li>{@code behavior} maps one to one onto the HPA's {@code behavior}.</li>
 * </ul>
 *
 * <p>The translator assumes the endpoint passed {@link #validate}; call that (or
 * {@link io.inferscale.api.backend.Backend#requireValid}) first.
 */
public final class KubernetesTranslator {

    /** The backend id, also the key under {@code spec.backends}. */
    public static final String BACKEND_ID = "kubernetes";
    /** The label every object carries; {@code list()} selects on it. */
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    /** The value of {@link #MANAGED_BY_LABEL}. */
    public static final String MANAGED_BY = "inferscale";
    /** The label the seed's users select pods with ({@code kubectl get pods -l app=<name>}); the Deployment's selector. */
    public static final String APP_LABEL = "app";
    /** Label with the model's name. */
    public static final String MODEL_NAME_LABEL = "inferscale.io/model-name";
    /** Label with the model's version. */
    public static final String MODEL_VERSION_LABEL = "inferscale.io/model-version";
    /** The serving container's name. */
    public static final String CONTAINER_NAME = "model";
    /** The extended resource NVIDIA's device plugin advertises. */
    public static final String GPU_RESOURCE = "nvidia.com/gpu";
    /**
     * Seconds between probes: the kubelet's default periodSeconds, written out so that {@code startupSeconds} is
     * failureThreshold × this ("Configure Liveness, Readiness and Startup Probes",
     * https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/).
     */
    public static final int PROBE_PERIOD_SECONDS = 10;
    /** The Service port when the {@code servicePort} option is absent. */
    public static final int DEFAULT_SERVICE_PORT = 80;

    /** The option choosing the autoscaler: {@value #AUTOSCALER_HPA} (default) or {@value #AUTOSCALER_KEDA}. */
    public static final String AUTOSCALER_OPTION = "autoscaler";
    /** {@code autoscaler: hpa}: an {@code autoscaling/v2} HorizontalPodAutoscaler scales the Deployment (the default). */
    public static final String AUTOSCALER_HPA = "hpa";
    /** {@code autoscaler: keda}: a KEDA ScaledObject scales the Deployment. */
    public static final String AUTOSCALER_KEDA = "keda";

    /** The options read from {@code spec.backends.kubernetes}. */
    public static final List<OptionKey> OPTION_KEYS = List.of(
            new OptionKey("namespace", "namespace for this endpoint's objects (DNS-1123 label); default: configuration kubernetes.namespace, then the kubeconfig's namespace"),
            new OptionKey("nodeSelector", "extra node selector labels for the pods (a map of label: value), merged over any accelerator selector"),
            new OptionKey("serviceType", "Service type: ClusterIP (default), NodePort or LoadBalancer"),
            new OptionKey("servicePort", "port the Service listens on (1..65535, default 80); it forwards to the container port"),
            new OptionKey("serviceAccountName", "service account the pods run as; default: the namespace's default"),
            new OptionKey(AUTOSCALER_OPTION, "hpa (default): an autoscaling/v2 HorizontalPodAutoscaler; keda: a KEDA ScaledObject "
                    + "(keda.sh/v1alpha1; KEDA must be installed), which can scale to zero"));

    private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    private static final Pattern DNS_1123_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /**
     * A container image reference as the distribution library's grammar (reference/regexp.go) defines it: an optional
     * registry host, lower-case path components, an optional tag and an optional digest.
     */
    static final Pattern IMAGE_REFERENCE = Pattern.compile(
            "(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?/)?"
                    + "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
                    + "(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?");
    private static final List<String> SERVICE_TYPES = List.of("ClusterIP", "NodePort", "LoadBalancer");

    /** Why the plain HPA scales to zero only approximately (with {@code kubernetes.allowScaleToZero=true}). */
    private static final String HPA_SCALE_TO_ZERO_APPROXIMATION = "HPA minReplicas: 0 needs the HPAScaleToZero feature gate (alpha and off "
            + "by default before Kubernetes 1.37, beta and on by default from 1.37, KEP-2021) and at least one Object or External metric; "
            + "idleSeconds becomes behavior.scaleDown.stabilizationWindowSeconds (at most 3600)";
    /** Why the plain HPA refuses scale to zero without {@code kubernetes.allowScaleToZero=true}. */
    private static final String HPA_SCALE_TO_ZERO_REJECTION = "the HorizontalPodAutoscaler keeps at least 1 replica unless the cluster enables "
            + "the HPAScaleToZero feature gate (alpha and off by default before Kubernetes 1.37, beta and on by default from 1.37, KEP-2021) "
            + "and the HPA has an Object or External metric; set spec.backends.kubernetes.autoscaler: keda, or kubernetes.allowScaleToZero=true "
            + "if your cluster has the gate, or use minReplicas: 1";

    private final KubernetesSettings settings;

    /** A translator with the given settings. */
    public KubernetesTranslator(KubernetesSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** A translator with default settings. */
    public KubernetesTranslator() {
        this(KubernetesSettings.defaults());
    }

    /** The settings in use. */
    public KubernetesSettings settings() {
        return settings;
    }

    /**
     * What the backend honours with these settings: every target and behaviour feature natively, accelerators, and
     * scale-to-zero, which depends on the endpoint's autoscaler: native with {@code autoscaler: keda}; with the HPA,
     * {@link #validate} rejects it unless {@code kubernetes.allowScaleToZero=true} and warns that it is approximated then.
     */
    public Capabilities capabilities() {
        return capabilities(settings);
    }

    static Capabilities capabilities(KubernetesSettings s) {
        Capabilities.Builder b = Capabilities.builder()
                .supports(Feature.CPU_UTILIZATION_TARGET, "Resource metric cpu, target type Utilization")
                .supports(Feature.MEMORY_UTILIZATION_TARGET, "Resource metric memory, target type Utilization")
                .supports(Feature.REQUESTS_PER_SECOND_TARGET, s.requestsPerSecondMetricSource().id() + " metric '"
                        + s.requestsPerSecondMetric() + "', target type AverageValue; needs a custom metrics adapter")
                .supports(Feature.CONCURRENT_REQUESTS_TARGET, s.concurrencyMetricSource().id() + " metric '"
                        + s.concurrencyMetric() + "', target type AverageValue; needs a custom metrics adapter")
                .supports(Feature.ACCELERATOR_UTILIZATION_TARGET, s.acceleratorMetricSource().id() + " metric '"
                        + s.acceleratorMetric() + "', target type AverageValue; needs a custom metrics adapter")
                .supports(Feature.QUEUE_DEPTH_TARGET, s.queueDepthMetricSource().id() + " metric '"
                        + s.queueDepthMetric() + "', target type AverageValue; needs a custom metrics adapter")
                .supports(Feature.TOKENS_PER_SECOND_TARGET, s.tokensPerSecondMetricSource().id() + " metric '"
                        + s.tokensPerSecondMetric() + "', target type AverageValue; needs a custom metrics adapter")
                .supports(Feature.MULTIPLE_TARGETS, "one HPA metric per target; the HPA takes the highest replica proposal")
                .supports(Feature.SCALE_UP_STABILIZATION, "behavior.scaleUp.stabilizationWindowSeconds")
                .supports(Feature.SCALE_DOWN_STABILIZATION, "behavior.scaleDown.stabilizationWindowSeconds")
                .supports(Feature.SCALE_UP_RATE_POLICIES, "behavior.scaleUp.policies")
                .supports(Feature.SCALE_DOWN_RATE_POLICIES, "behavior.scaleDown.policies")
                .supports(Feature.SCALE_UP_DISABLED, "behavior.scaleUp.selectPolicy: Disabled")
                .supports(Feature.SCALE_DOWN_DISABLED, "behavior.scaleDown.selectPolicy: Disabled")
                .supports(Feature.ACCELERATORS, "nvidia.com/gpu limits and a GPU node selector");
        // scale to zero is decided per endpoint (the autoscaler option): validate() rejects or approximates it for the HPA
        b.supports(Feature.SCALE_TO_ZERO, "with spec.backends.kubernetes.autoscaler: keda: minReplicaCount 0, cooldownPeriod = idleSeconds; "
                + "needs a metric measured in front of the pods to wake. With the default HPA: " + (s.allowScaleToZero()
                ? "approximated (" + HPA_SCALE_TO_ZERO_APPROXIMATION + ")" : "rejected (" + HPA_SCALE_TO_ZERO_REJECTION + ")"));
        return b.build();
    }

    /**
     * Kubernetes-specific problems: malformed {@code spec.backends.kubernetes} options, an image that
     * cannot be derived, scale-to-zero without an External metric. Pure.
     */
    public ValidationReport validate(InferenceEndpoint e) {
        List<Problem> p = new ArrayList<>();
        Map<String, Object> o = e.backends().of(BACKEND_ID);
        String base = "spec.backends." + BACKEND_ID + ".";
        if (!e.name().isEmpty() && !Character.isLetter(e.name().charAt(0)) && DNS_1123_LABEL.matcher(e.name()).matches()) {
            // Service names are DNS-1035 labels: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#rfc-1035-label-names
            p.add(Problem.error("metadata.name", "'" + e.name() + "' starts with a digit, but Kubernetes names the Service after the endpoint and "
                    + "Service names are DNS-1035 labels, which start with a letter; start the name with a letter, e.g. "
                    + dns1035Suggestion(e.name())));
        }
        Object ns = o.get("namespace");
        if (ns != null && !(ns instanceof String s && s.length() <= 63 && DNS_1123_LABEL.matcher(s).matches())) {
            p.add(Problem.error(base + "namespace", "'" + ns + "' is not a namespace name; use a DNS-1123 label such as ml-serving"));
        }
        Object sel = o.get("nodeSelector");
        if (sel != null) {
            if (!(sel instanceof Map<?, ?> m)) {
                p.add(Problem.error(base + "nodeSelector", "must be a map of label: value, e.g. {cloud.google.com/gke-nodepool: gpu-pool}"));
            } else {
                m.forEach((k, v) -> {
                    if (!isLabelKey(k.toString())) {
                        p.add(Problem.error(base + "nodeSelector." + k, "'" + k + "' is not a label key; use an optional DNS subdomain "
                                + "prefix and '/', then at most 63 letters, digits, '-', '_' and '.', e.g. cloud.google.com/gke-nodepool"));
                    }
                    if (!(v instanceof String s) || !LABEL_VALUE.matcher(s).matches() || s.length() > 63) {
                        p.add(Problem.error(base + "nodeSelector." + k, "'" + v + "' is not a label value; use at most 63 letters, digits, '-', '_' and '.'"));
                    }
                });
            }
        }
        Object type = o.get("serviceType");
        if (type != null && !SERVICE_TYPES.contains(type.toString())) {
            p.add(Problem.error(base + "serviceType", "'" + type + "' is not supported; use one of " + String.join(", ", SERVICE_TYPES)));
        }
        Object port = o.get("servicePort");
        if (port != null && !(port instanceof BigDecimal d && d.stripTrailingZeros().scale() <= 0
                && d.compareTo(BigDecimal.ONE) >= 0 && d.compareTo(BigDecimal.valueOf(65535)) <= 0)) {
            p.add(Problem.error(base + "servicePort", "'" + port + "' is not a port; use 1..65535, e.g. 80"));
        }
        Object sa = o.get("serviceAccountName");
        if (sa != null && !(sa instanceof String s && s.length() <= 253 && DNS_1123_SUBDOMAIN.matcher(s).matches())) {
            p.add(Problem.error(base + "serviceAccountName", "'" + sa + "' is not a service account name; use lower-case letters, digits, "
                    + "'-' and '.' (a DNS subdomain), e.g. model-server"));
        }
        if (e.model().image().isEmpty() && settings.imageTemplate().contains("{version}") && e.model().version().isEmpty()) {
            p.add(Problem.error("spec.model.image", "no image and no version: the image template '" + settings.imageTemplate()
                    + "' needs spec.model.version; add spec.model.image (e.g. registry.example.com/my-ml-model:v1) or spec.model.version"));
        }
        if (e.model().image().isEmpty() && !(settings.imageTemplate().contains("{version}") && e.model().version().isEmpty())
                && !IMAGE_REFERENCE.matcher(image(e.model())).matches()) {
            String lower = e.model().name().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-");
            p.add(Problem.error("spec.model.image", "no image given, and the one derived from the model name and version with the image template '"
                    + settings.imageTemplate() + "', '" + image(e.model()) + "', is not a valid image reference (repository names are lower-case "
                    + "letters, digits and separators '.', '_', '-'; tags at most 128 letters, digits, '_', '.' and '-'); set spec.model.image "
                    + "(e.g. registry.example.com/" + lower + ":v1) or rename the model (e.g. " + lower + ")"));
        }
        Object autoscaler = o.get(AUTOSCALER_OPTION);
        if (autoscaler != null && !AUTOSCALER_HPA.equals(autoscaler) && !AUTOSCALER_KEDA.equals(autoscaler)) {
            p.add(Problem.error(base + AUTOSCALER_OPTION, "'" + autoscaler + "' is not supported; use " + AUTOSCALER_HPA + " or " + AUTOSCALER_KEDA));
        } else if (usesKeda(e)) {
            return ValidationReport.of(p).and(new ScaledObjectTranslator(this, settings.keda()).validate(e));
        } else if (Feature.SCALE_TO_ZERO.isUsedBy(e)) {
            if (!settings.allowScaleToZero()) {
                p.add(Problem.error(Feature.SCALE_TO_ZERO.path(), "backend '" + BACKEND_ID + "' with the default autoscaler hpa does not support "
                        + Feature.SCALE_TO_ZERO.description() + ": " + HPA_SCALE_TO_ZERO_REJECTION));
            } else {
                p.add(Problem.warning(Feature.SCALE_TO_ZERO.path(), "backend '" + BACKEND_ID + "' approximates "
                        + Feature.SCALE_TO_ZERO.description() + ": " + HPA_SCALE_TO_ZERO_APPROXIMATION));
                if (!hasExternalMetric(e)) {
                    p.add(Problem.error("spec.autoscaling.minReplicas", "minReplicas 0 needs at least one External metric on the HPA: set "
                            + "kubernetes.requestsPerSecondMetricType=External (or concurrencyMetricType, acceleratorMetricType, "
                            + "queueDepthMetricType, tokensPerSecondMetricType) and use that "
                            + "target, or set spec.backends.kubernetes.autoscaler: keda"));
                }
            }
        }
        return ValidationReport.of(p);
    }

    /** {@code name} made a DNS-1035 label of at most 63 characters by a leading {@code m-}. */
    private static String dns1035Suggestion(String name) {
        String s = "m-" + name;
        return s.length() <= 63 ? s : s.substring(0, 63).replaceAll("-+$", "");
    }

    /** A Kubernetes label key: {@code [prefix/]name}, prefix a DNS subdomain (at most 253), name at most 63 characters. */
    static boolean isLabelKey(String key) {
        int slash = key.lastIndexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = key.substring(slash + 1);
        return !name.isEmpty() && name.length() <= 63 && LABEL_VALUE.matcher(name).matches()
                && (prefix == null || (!prefix.isEmpty() && prefix.length() <= 253 && DNS_1123_SUBDOMAIN.matcher(prefix).matches()));
    }

    private boolean hasExternalMetric(InferenceEndpoint e) {
        return e.autoscaling().targets().stream().anyMatch(t -> source(t.type()) == KubernetesSettings.MetricSource.EXTERNAL);
    }

    /** True when the endpoint asks for a KEDA ScaledObject ({@code spec.backends.kubernetes.autoscaler: keda}). */
    public static boolean usesKeda(InferenceEndpoint e) {
        return e.backends().string(BACKEND_ID, AUTOSCALER_OPTION).map(AUTOSCALER_KEDA::equals).orElse(false);
    }

    /** The namespace for an endpoint: the option, then the configuration; empty when neither is set. */
    public Optional<String> namespace(InferenceEndpoint e) {
        return e.backends().string(BACKEND_ID, "namespace").or(settings::namespace);
    }

    /** The container image: {@code spec.model.image}, or the template filled with the model's name and version. */
    public String image(ModelSpec m) {
        return m.image().orElseGet(() -> settings.imageTemplate().replace("{name}", m.name())
                .replace("{version}", m.version().orElse("latest")));
    }

    /** The labels on every object and on the pods. */
    public Map<String, String> labels(InferenceEndpoint e) {
        Map<String, String> l = new LinkedHashMap<>(e.labels());
        l.put(APP_LABEL, e.name());
        // recommended labels: the application is the model (name and version), this endpoint its instance
        labelValue(Optional.of(e.model().name())).ifPresent(v -> l.put("app.kubernetes.io/name", v));
        l.put("app.kubernetes.io/instance", e.name());
        labelValue(e.model().version()).ifPresent(v -> l.put("app.kubernetes.io/version", v));
        l.put("app.kubernetes.io/component", "inference-endpoint");
        l.put(MANAGED_BY_LABEL, MANAGED_BY);
        labelValue(Optional.of(e.model().name())).ifPresent(v -> l.put(MODEL_NAME_LABEL, v));
        labelValue(e.model().version()).ifPresent(v -> l.put(MODEL_VERSION_LABEL, v));
        return l;
    }

    private static Optional<String> labelValue(Optional<String> v) {
        return v.filter(s -> s.length() <= 63 && LABEL_VALUE.matcher(s).matches());
    }

    /**
     * The desired objects with the notes on how they were derived, as {@link KubernetesBackend} takes them from
     * {@link io.inferscale.api.backend.AbstractBackend}'s {@code translate} hook. Pure. Translation finds no problems of
     * its own: {@link #validate} has reported them all before.
     *
     * @param e an endpoint that passed {@link #validate} and the neutral validation (overrides applied)
     */
    public Translation<KubernetesManifests> translation(InferenceEndpoint e) {
        KubernetesManifests m = translate(e);
        return Translation.of(m, m.notes());
    }

    /**
     * The desired objects ({@code translation(e).desired()}; the manifests carry the notes too). Pure.
     *
     * @param e an endpoint that passed {@link #validate} and the neutral validation
     */
    public KubernetesManifests translate(InferenceEndpoint e) {
        KubernetesManifests withHpa = translateHpa(e);
        if (!usesKeda(e)) {
            return withHpa;
        }
        ScaledObjectManifest keda = new ScaledObjectTranslator(this, settings.keda()).translate(e);
        // the HPA's metric and idle-window notes do not apply to the ScaledObject, which brings its own
        List<Note> notes = new ArrayList<>(withHpa.notes().stream().filter(n -> !n.path().startsWith("spec.autoscaling.target")
                && !n.path().startsWith(Feature.SCALE_TO_ZERO.path())).toList());
        notes.addAll(keda.notes());
        return new KubernetesManifests(withHpa.namespace(), withHpa.deployment(), withHpa.service(), null, keda.scaledObject(), notes);
    }

    /**
     * The Deployment, the Service and the HorizontalPodAutoscaler, whatever the endpoint's {@code autoscaler} option: the
     * HPA rendering the ScaledObject's {@code horizontalPodAutoscalerConfig} and the HPA model reuse. Pure.
     *
     * @param e an endpoint that passed {@link #validate} and the neutral validation
     */
    public KubernetesManifests translateHpa(InferenceEndpoint e) {
        List<Note> notes = new ArrayList<>();
        String ns = namespace(e).orElse(null);
        Map<String, String> labels = labels(e);
        ObjectMeta meta = meta(e.name(), ns, labels);
        ModelSpec m = e.model();
        if (m.image().isEmpty()) {
            notes.add(Note.derived("spec.model.image", "no image given: using '" + image(m) + "' from the image template '"
                    + settings.imageTemplate() + "' (configuration kubernetes.imageTemplate)"));
        }
        if (labelValue(Optional.of(m.name())).isEmpty() || (m.version().isPresent() && labelValue(m.version()).isEmpty())) {
            notes.add(Note.info("spec.model", "the model name or version is not a valid label value; it is not used as a label"));
        }
        int port = m.port().orElse(settings.defaultPort());
        if (m.port().isEmpty()) {
            notes.add(Note.derived("spec.model.port", "no port given: the container listens on " + port + " (configuration kubernetes.defaultPort)"));
        }

        ContainerBuilder c = new ContainerBuilder()
                .withName(CONTAINER_NAME)
                .withImage(image(m))
                .addNewPort().withName("http").withContainerPort(port).withProtocol("TCP").endPort();
        m.env().forEach((k, v) -> c.addToEnv(new EnvVar(k, v, null)));
        m.secretEnv().forEach((k, ref) -> c.addNewEnv().withName(k).withNewValueFrom().withNewSecretKeyRef()
                .withName(ref.name()).withKey(ref.key()).endSecretKeyRef().endValueFrom().endEnv());
        ResourceRequirementsBuilder rr = new ResourceRequirementsBuilder();
        rr.withRequests(quantities(e.resources().requests()));
        Map<String, Quantity> limits = quantities(e.resources().limits());
        Optional<Accelerator> acc = e.resources().accelerator();
        acc.ifPresent(a -> limits.put(GPU_RESOURCE, new Quantity(Integer.toString(a.count()))));
        rr.withLimits(limits);
        c.withResources(rr.build());
        // without a healthPath, a TCP probe on the model port: no traffic before the server listens
        c.withReadinessProbe(probe(m).build());
        if (m.healthPath().isEmpty()) {
            notes.add(Note.derived("spec.model.healthPath", "no healthPath: the readiness probe opens a TCP connection to port " + port
                    + "; set spec.model.healthPath to probe over HTTP once the model has loaded"));
        }
        m.startupSeconds().ifPresent(sec -> {
            int failures = (sec + PROBE_PERIOD_SECONDS - 1) / PROBE_PERIOD_SECONDS;
            c.withStartupProbe(probe(m).withPeriodSeconds(PROBE_PERIOD_SECONDS).withFailureThreshold(failures).build());
            notes.add(Note.derived("spec.model.startupSeconds", sec + " s -> startupProbe failureThreshold " + failures + " x periodSeconds "
                    + PROBE_PERIOD_SECONDS + " (" + failures * PROBE_PERIOD_SECONDS + " s before the kubelet restarts the container)"));
        });
        Container container = c.build();

        PodSpecBuilder pod = new PodSpecBuilder().withContainers(container);
        e.backends().string(BACKEND_ID, "serviceAccountName").ifPresent(pod::withServiceAccountName);
        Map<String, String> nodeSelector = new LinkedHashMap<>();
        acc.ifPresent(a -> {
            nodeSelector.putAll(settings.gpuNodeSelector(a.type()));
            pod.withTolerations(new Toleration("NoSchedule", GPU_RESOURCE, "Exists", null, null));
            notes.add(Note.derived("spec.resources.accelerator", a.count() + " x " + a.type().id() + " -> limits "
                    + GPU_RESOURCE + ": " + a.count() + ", nodeSelector " + settings.gpuNodeSelector(a.type())
                    + " (configuration kubernetes.gpuNodeSelector." + a.type().id() + ") and a toleration of the " + GPU_RESOURCE + " taint"));
        });
        e.backends().get(BACKEND_ID, "nodeSelector").filter(Map.class::isInstance).map(v -> (Map<?, ?>) v)
                .ifPresent(sel -> sel.forEach((k, v) -> nodeSelector.put(k.toString(), v.toString())));
        if (!nodeSelector.isEmpty()) {
            pod.withNodeSelector(nodeSelector);
        }

        Deployment deployment = new DeploymentBuilder()
                .withApiVersion("apps/v1").withKind("Deployment")
                .withMetadata(meta)
                .withNewSpec()
                .withReplicas(initialReplicas(e))
                .withNewSelector().withMatchLabels(Map.of(APP_LABEL, e.name())).endSelector()
                .withNewTemplate()
                .withNewMetadata().withLabels(labels).endMetadata()
                .withSpec(pod.build())
                .endTemplate()
                .endSpec()
                .build();
        notes.add(Note.info("spec.autoscaling.minReplicas", "Deployment replicas start at " + initialReplicas(e)
                + " and are written on create only; afterwards the HorizontalPodAutoscaler owns the count (rendered manifests leave"
                + " spec.replicas out: Kubernetes creates the Deployment with 1 replica and the HPA raises it to minReplicas)"));

        int servicePort = e.backends().get(BACKEND_ID, "servicePort").filter(BigDecimal.class::isInstance)
                .map(v -> ((BigDecimal) v).intValue()).orElse(DEFAULT_SERVICE_PORT);
        Service service = new ServiceBuilder()
                .withApiVersion("v1").withKind("Service")
                .withMetadata(meta(e.name(), ns, labels))
                .withNewSpec()
                .withType(e.backends().string(BACKEND_ID, "serviceType").orElse("ClusterIP"))
                .withSelector(Map.of(APP_LABEL, e.name()))
                .addNewPort().withName("http").withPort(servicePort).withTargetPort(new IntOrString("http")).withProtocol("TCP").endPort()
                .endSpec()
                .build();

        HorizontalPodAutoscalerBuilder hpa = new HorizontalPodAutoscalerBuilder()
                .withApiVersion("autoscaling/v2").withKind("HorizontalPodAutoscaler")
                .withMetadata(meta(e.name(), ns, labels))
                .withNewSpec()
                .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName(e.name()).endScaleTargetRef()
                .withMinReplicas(e.autoscaling().minReplicas())
                .withMaxReplicas(e.autoscaling().maxReplicas())
                .withMetrics(metrics(e, notes))
                .withBehavior(behavior(e, notes))
                .endSpec();
        return new KubernetesManifests(ns, deployment, service, hpa.build(), notes);
    }

    /** A probe of the model's {@code healthPath} over HTTP, or of its port over TCP when there is none. */
    private static ProbeBuilder probe(ModelSpec m) {
        ProbeBuilder b = new ProbeBuilder();
        if (m.healthPath().isPresent()) {
            b.withNewHttpGet().withPath(m.healthPath().get()).withPort(new IntOrString("http")).endHttpGet();
        } else {
            b.withNewTcpSocket().withPort(new IntOrString("http")).endTcpSocket();
        }
        return b;
    }

    /** The Deployment's replicas on create: {@code minReplicas}, or 1 with scale-to-zero (the HPA scales it down). */
    static int initialReplicas(InferenceEndpoint e) {
        return Math.max(1, e.autoscaling().minReplicas());
    }

    private static ObjectMeta meta(String name, String ns, Map<String, String> labels) {
        return new ObjectMetaBuilder().withName(name).withNamespace(ns).withLabels(new LinkedHashMap<>(labels)).build();
    }

    private static Map<String, Quantity> quantities(ResourceList list) {
        Map<String, Quantity> m = new LinkedHashMap<>();
        list.cpu().ifPresent(q -> m.put("cpu", new Quantity(q.text())));
        list.memory().ifPresent(q -> m.put("memory", new Quantity(q.text())));
        return m;
    }

    private KubernetesSettings.MetricSource source(TargetType t) {
        return switch (t) {
            case REQUESTS_PER_SECOND -> settings.requestsPerSecondMetricSource();
            case CONCURRENT_REQUESTS -> settings.concurrencyMetricSource();
            case ACCELERATOR_UTILIZATION -> settings.acceleratorMetricSource();
            case QUEUE_DEPTH -> settings.queueDepthMetricSource();
            case TOKENS_PER_SECOND -> settings.tokensPerSecondMetricSource();
            default -> null;
        };
    }

    private List<MetricSpec> metrics(InferenceEndpoint e, List<Note> notes) {
        List<MetricSpec> out = new ArrayList<>();
        for (ScalingTarget t : e.autoscaling().targets()) {
            switch (t.type()) {
                case CPU_UTILIZATION -> out.add(resource("cpu", t.value().intValueExact()));
                case MEMORY_UTILIZATION -> out.add(resource("memory", t.value().intValueExact()));
                case REQUESTS_PER_SECOND -> out.add(custom(settings.requestsPerSecondMetric(), source(t.type()), t, notes));
                case CONCURRENT_REQUESTS -> out.add(custom(settings.concurrencyMetric(), source(t.type()), t, notes));
                case ACCELERATOR_UTILIZATION -> out.add(custom(settings.acceleratorMetric(), source(t.type()), t, notes));
                case QUEUE_DEPTH -> out.add(custom(settings.queueDepthMetric(), source(t.type()), t, notes));
                case TOKENS_PER_SECOND -> out.add(custom(settings.tokensPerSecondMetric(), source(t.type()), t, notes));
            }
        }
        return out;
    }

    private static MetricSpec resource(String name, int percent) {
        return new MetricSpecBuilder().withType("Resource")
                .withNewResource().withName(name)
                .withTarget(new MetricTargetBuilder().withType("Utilization").withAverageUtilization(percent).build())
                .endResource().build();
    }

    private static MetricSpec custom(String metric, KubernetesSettings.MetricSource source, ScalingTarget t, List<Note> notes) {
        MetricTarget target = new MetricTargetBuilder().withType("AverageValue").withAverageValue(new Quantity(quantityText(t.value()))).build();
        notes.add(Note.derived(t.type().path(), t.type().description() + " " + t.value().toPlainString() + " -> " + source.id()
                + " metric '" + metric + "' with averageValue " + quantityText(t.value())
                + "; a custom metrics adapter (e.g. Prometheus Adapter) must serve it"
                + (source == KubernetesSettings.MetricSource.PODS ? " on custom.metrics.k8s.io for the pods" : " on external.metrics.k8s.io")));
        MetricSpecBuilder b = new MetricSpecBuilder().withType(source.id());
        if (source == KubernetesSettings.MetricSource.PODS) {
            b.withNewPods().withNewMetric().withName(metric).endMetric().withTarget(target).endPods();
        } else {
            b.withNewExternal().withNewMetric().withName(metric).endMetric().withTarget(target).endExternal();
        }
        return b.build();
    }

    /** A decimal in the canonical Kubernetes quantity form: {@code 10}, {@code 2500m}, or plain decimals finer than 1m. */
    static String quantityText(BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        if (s.scale() <= 0) {
            return s.toBigIntegerExact().toString();
        }
        BigDecimal milli = s.movePointRight(3).stripTrailingZeros();
        if (milli.scale() <= 0) {
            return milli.toBigIntegerExact() + "m";
        }
        return s.toPlainString();
    }

    private static HorizontalPodAutoscalerBehavior behavior(InferenceEndpoint e, List<Note> notes) {
        Optional<ScalingRules> up = e.autoscaling().behavior().scaleUp();
        Optional<ScalingRules> down = e.autoscaling().behavior().scaleDown();
        HPAScalingRules scaleDown = down.map(KubernetesTranslator::rules).orElse(null);
        if (e.autoscaling().scaleToZero().isPresent()) {
            int idle = Math.min(e.autoscaling().scaleToZero().get().idleSeconds(), 3600);
            HPAScalingRulesBuilder b = scaleDown == null ? new HPAScalingRulesBuilder() : new HPAScalingRulesBuilder(scaleDown);
            if (down.flatMap(ScalingRules::stabilizationWindowSeconds).isEmpty()) {
                b.withStabilizationWindowSeconds(idle);
                notes.add(Note.approximated("spec.autoscaling.scaleToZero.idleSeconds", "idleSeconds " + e.autoscaling().scaleToZero().get().idleSeconds()
                        + " -> behavior.scaleDown.stabilizationWindowSeconds " + idle + " (the HPA has no idle timer)"));
            }
            scaleDown = b.build();
        }
        HPAScalingRules scaleUp = up.map(KubernetesTranslator::rules).orElse(null);
        if (scaleUp == null && scaleDown == null) {
            return null;
        }
        return new HorizontalPodAutoscalerBehavior(scaleDown, scaleUp);
    }

    private static HPAScalingRules rules(ScalingRules r) {
        HPAScalingRulesBuilder b = new HPAScalingRulesBuilder();
        r.stabilizationWindowSeconds().ifPresent(b::withStabilizationWindowSeconds);
        r.selectPolicy().ifPresent(s -> b.withSelectPolicy(s.id()));
        if (!r.policies().isEmpty()) {
            b.withPolicies(r.policies().stream().map(p -> new HPAScalingPolicy(p.periodSeconds(), p.type().id(), p.value())).toList());
        }
        return b.build();
    }
}
