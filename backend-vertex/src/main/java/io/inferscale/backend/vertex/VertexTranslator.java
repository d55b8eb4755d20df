package io.inferscale.backend.vertex;

import com.google.cloud.aiplatform.v1.AutoscalingMetricSpec;
import com.google.cloud.aiplatform.v1.DedicatedResources;
import com.google.cloud.aiplatform.v1.DeployedModel;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.EnvVar;
import com.google.cloud.aiplatform.v1.MachineSpec;
import com.google.cloud.aiplatform.v1.Model;
import com.google.cloud.aiplatform.v1.ModelContainerSpec;
import com.google.cloud.aiplatform.v1.Port;
import com.google.cloud.aiplatform.v1.Probe;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.ModelSpec;
import io.inferscale.api.Quantity;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.ScalingTarget;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.Note;
import io.inferscale.api.backend.Translation;
import io.inferscale.api.codec.Json;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import io.inferscale.backend.vertex.internal.MachineSelection;
import io.inferscale.backend.vertex.internal.ScaleToZeroSelection;
import io.inferscale.backend.vertex.internal.MachineCatalogue.Machine;
import io.inferscale.backend.vertex.internal.VertexNames;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Translates a neutral {@link InferenceEndpoint} into Vertex AI v1 requests: {@code ModelService.UploadModel} (unless
 * {@code spec.backends.vertex.model} names an existing model), {@code EndpointService.CreateEndpoint} and
 * {@code EndpointService.DeployModel} with {@code dedicatedResources}. Pure: no I/O, no credentials.
 *
 * <p>Mapping (units in brackets; the module README has the full table with sources):
 * <ul>
 *   <li>{@code targetCPUUtilizationPercentage} [% of the replica's CPU request, as in a Kubernetes HPA] →
 *       {@value #CPU_METRIC} [% of the machine's vCPUs]: target = round(percent × requests.cpu / vCPUs), at least 1,
 *       so the threshold in cores is kept (the percent itself without a CPU request or on an uncatalogued machine);</li>
 *   <li>{@code targetAcceleratorUtilizationPercentage} [%] → {@value #ACCELERATOR_METRIC} [%];</li>
 *   <li>{@code targetRequestsPerSecondPerReplica} [requests/s per replica] → {@value #REQUEST_COUNT_METRIC}
 *       [requests/min per replica]: target = rps × 60, rounded half up;</li>
 *   <li>{@code scaleToZero} → v1beta1 (Preview) {@code minReplicaCount 0}, {@code initialReplicaCount} and
 *       {@code scaleToZeroSpec} ({@link VertexScaleToZero}), on a dedicated endpoint;</li>
 *   <li>memory and concurrency targets, rate policies and disabled directions are rejected.</li>
 * </ul>
 * Vertex's resource metrics the spec does not target (CPU utilization; with accelerators, duty cycle) are rendered
 * explicitly at Vertex's default {@value #DEFAULT_RESOURCE_TARGET}, with a warning: Vertex then scales on exactly the
 * rendered specs, whichever way Google's pages are read (see {@code impliedResourceMetrics}).
 */
public final class VertexTranslator {

    /** Vertex's CPU utilization autoscaling metric. */
    public static final String CPU_METRIC = "aiplatform.googleapis.com/prediction/online/cpu/utilization";
    /** Vertex's accelerator duty cycle autoscaling metric. */
    public static final String ACCELERATOR_METRIC = "aiplatform.googleapis.com/prediction/online/accelerator/duty_cycle";
    /** Vertex's request count autoscaling metric (requests per minute per replica). */
    public static final String REQUEST_COUNT_METRIC = "aiplatform.googleapis.com/prediction/online/request_count";
    /**
     * Vertex's vLLM queue-depth autoscaling metric (Preview): "number of requests waiting per replica", an integer target
     * ("Scale inference nodes by using autoscaling", https://docs.cloud.google.com/vertex-ai/docs/predictions/autoscaling;
     * v1 REST {@code AutoscalingMetricSpec.metricName}, e.g. the .NET Google.Apis.Aiplatform.v1 reference). Not in the
     * {@code metric_name} comment of proto-google-cloud-aiplatform-v1 3.93.0, which is a plain string field.
     */
    public static final String QUEUE_DEPTH_METRIC = "prometheus.googleapis.com/vertex_vllm_num_requests_waiting";
    /**
     * Target Vertex gives a resource metric (CPU utilization, accelerator duty cycle) that no spec sets: 60 (%).
     * {@code machine_resources.proto}, {@code AutoscalingMetricSpec.target}: "The default value is 60 (representing
     * 60%) if not provided." The translator renders such metrics explicitly at this target.
     */
    public static final int DEFAULT_RESOURCE_TARGET = 60;
    /**
     * How far (relative) rounding a CPU target to Vertex's whole percentages may move the threshold before the note
     * says APPROXIMATED instead of DERIVED: 5 %. InferScale's choice: half the Kubernetes HPA's default tolerance (0.1,
     * {@code --horizontal-pod-autoscaler-tolerance}), the band the autoscaler the neutral spec is written for ignores.
     */
    static final BigDecimal CPU_ROUNDING_TOLERANCE = new BigDecimal("0.05");
    /** Label put on every resource InferScale creates, with value {@value #MANAGED_BY_VALUE}. */
    public static final String MANAGED_BY_LABEL = "managed_by";
    /** Value of {@link #MANAGED_BY_LABEL}. */
    public static final String MANAGED_BY_VALUE = "inferscale";
    /** Label holding the neutral endpoint name on every resource InferScale creates. */
    public static final String ENDPOINT_LABEL = "inferscale_endpoint";
    /** Port the serving container listens on when {@code spec.model.port} is absent (Vertex's default, 8080). */
    public static final int DEFAULT_PORT = 8080;
    /** Vertex's fixed scale-down look-back: the highest recommendation of the last 5 minutes. */
    public static final int VERTEX_SCALE_DOWN_WINDOW_SECONDS = 300;
    /** Vertex recomputes the replica count every 15 seconds. */
    public static final int VERTEX_CYCLE_SECONDS = 15;
    /** Option {@code spec.backends.vertex.machineType}. */
    public static final String OPTION_MACHINE_TYPE = "machineType";
    /**
     * Option {@code spec.backends.vertex.allowExternalRegistry}: {@code true} accepts a serving image outside Artifact
     * Registry and Container Registry (e.g. Docker Hub), which Vertex AI's custom-container guide does not provide for
     * ("imageUri: the Artifact Registry URI of your container image",
     * https://cloud.google.com/vertex-ai/docs/predictions/use-custom-container).
     */
    public static final String OPTION_ALLOW_EXTERNAL_REGISTRY = "allowExternalRegistry";
    /**
     * Seconds between start-up probes. v1 {@code Probe} (model.proto) documents period_seconds "less than timeout_seconds"
     * and timeout_seconds "greater or equal to period_seconds": 5 and {@link #STARTUP_PROBE_TIMEOUT_SECONDS} satisfy both.
     */
    public static final int STARTUP_PROBE_PERIOD_SECONDS = 5;
    /** Seconds a start-up probe may take (see {@link #STARTUP_PROBE_PERIOD_SECONDS}). */
    public static final int STARTUP_PROBE_TIMEOUT_SECONDS = 10;
    /** Option {@code spec.backends.vertex.model}. */
    public static final String OPTION_MODEL = "model";
    /**
     * Qualified name of the v1beta1 EndpointService, the {@code service} of the scale-to-zero DeployModel in {@link #render}
     * (the v1 calls keep their bare names).
     */
    public static final String V1BETA1_ENDPOINT_SERVICE = "google.cloud.aiplatform.v1beta1.EndpointService";
    /** Placeholder project used by {@code render} when {@code vertex.project} is not configured. */
    public static final String PLACEHOLDER_PROJECT = "PROJECT_ID";

    static final String BACKEND = "vertex";
    private static final Pattern MODEL_RESOURCE = Pattern.compile("projects/[^/]+/locations/[^/]+/models/[^/@]+(@[A-Za-z0-9_-]+)?");
    private static final BigDecimal SIXTY = BigDecimal.valueOf(60);
    /** EnvVar.name: "Must be a valid C identifier" (v1 {@code env_var.proto}). */
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final String project;
    private final String location;

    /**
     * @param project  the Google Cloud project id (use {@link #PLACEHOLDER_PROJECT} when unknown)
     * @param location the Vertex region, e.g. {@code us-central1}
     */
    public VertexTranslator(String project, String location) {
        this.project = project;
        this.location = location;
    }

    /** The location resource name, {@code projects/{project}/locations/{location}}. */
    public String parent() {
        return "projects/" + project + "/locations/" + location;
    }

    /**
     * The Vertex-specific problems of an endpoint (the neutral rules and capability checks are the backend's). Pure.
     */
    public ValidationReport check(InferenceEndpoint e) {
        return ValidationReport.of(resolve(e).problems);
    }

    /**
     * The desired state, its notes and the Vertex-specific problems of an endpoint, in one pass (the neutral rules and
     * capability checks are the backend's). The desired state is built even when there are errors (resource names of
     * a broken part are placeholders then). Pure.
     */
    public Translation<VertexDesiredState> translation(InferenceEndpoint e) {
        Resolution r = resolve(e);
        return new Translation<>(r.state, r.state.notes(), ValidationReport.of(r.problems));
    }

    /**
     * The desired state of an endpoint on Vertex AI.
     *
     * @throws InvalidEndpointException when {@link #check} finds errors
     */
    public VertexDesiredState translate(InferenceEndpoint e) {
        Resolution r = resolve(e);
        ValidationReport.of(r.problems).throwIfErrors("endpoint '" + e.name() + "' on backend 'vertex'");
        return r.state;
    }

    /**
     * The {@code DedicatedResources} (machine, replica range, autoscaling metric specs) this endpoint deploys with,
     * exactly as {@link #translate} renders them, but also for an endpoint that is not deployable yet (no image, a bad
     * label...): the simulator's Vertex model scales on these specs. Pure. Metrics of targets Vertex rejects (memory,
     * concurrency) are absent; {@link #check} reports them.
     */
    public DedicatedResources dedicatedResources(InferenceEndpoint e) {
        return resolve(e).state.deployedModel().getDedicatedResources();
    }

    /**
     * The requests {@code apply} sends for a fresh project, in call order, as a JSON array of
     * {@code {"service", "method", "request"}} with requests in the protobuf JSON mapping ({@link JsonFormat}).
     */
    public static String render(VertexDesiredState s) {
        List<String> calls = new ArrayList<>();
        s.uploadModelRequest().ifPresent(r -> calls.add(call("ModelService", "UploadModel", json(r))));
        calls.add(call("EndpointService", "CreateEndpoint", json(s.createEndpointRequest())));
        calls.add(s.scaleToZero().map(z -> call(V1BETA1_ENDPOINT_SERVICE, "DeployModel", z.requestJson(json(s.deployModelRequest()))))
                .orElseGet(() -> call("EndpointService", "DeployModel", json(s.deployModelRequest()))));
        return "[\n" + String.join(",\n", calls) + "\n]\n";
    }

    /** One message in the protobuf JSON mapping, pretty-printed. */
    public static String json(MessageOrBuilder message) {
        try {
            return JsonFormat.printer().print(message);
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), ex);
        }
    }

    private static String call(String service, String method, String requestJson) {
        String body = requestJson.replace("\n", "\n    ");
        return "  {\n    \"service\": " + Json.quote(service) + ",\n    \"method\": " + Json.quote(method)
                + ",\n    \"request\": " + body + "\n  }";
    }

    private static final class Resolution {
        final List<Problem> problems = new ArrayList<>();
        final List<Note> notes = new ArrayList<>();
        VertexDesiredState state;
    }

    private Resolution resolve(InferenceEndpoint e) {
        Resolution r = new Resolution();
        String endpointId = VertexNames.endpointId(e.name());
        if (endpointId == null) {
            r.problems.add(Problem.error("metadata.name", "'" + e.name() + "' cannot become a Vertex endpoint id (up to 63 "
                    + "characters of a-z, 0-9 and '-', starting with a letter); use a name starting with a letter"));
            endpointId = "invalid";
        } else if (!endpointId.equals(e.name())) {
            r.notes.add(Note.derived("metadata.name", "endpoint id '" + endpointId + "': Vertex endpoint ids start with a letter"));
        }
        Map<String, String> labels = labels(e, r);

        // Model: existing or uploaded.
        ModelSpec m = e.model();
        Optional<String> existing = option(e, OPTION_MODEL, r);
        String modelName;
        Optional<String> modelId = Optional.empty();
        Optional<Model> upload = Optional.empty();
        if (existing.isPresent()) {
            modelName = existing.get();
            if (!MODEL_RESOURCE.matcher(modelName).matches()) {
                r.problems.add(Problem.error("spec.backends.vertex.model", "'" + modelName + "' is not a Vertex model resource name; "
                        + "use projects/{project}/locations/{location}/models/{model}[@{version}]"));
            } else if (!modelName.startsWith(parent() + "/") && !project.equals(PLACEHOLDER_PROJECT)) {
                r.notes.add(Note.info("spec.backends.vertex.model", "the model lives outside " + parent()
                        + "; Vertex deploys only models in the endpoint's own project and location"));
            }
            r.notes.add(Note.info("spec.model", "deploying existing model " + modelName + "; spec.model.image, artifactUri, "
                    + "port and env are not uploaded"));
        } else {
            if (m.image().isEmpty()) {
                r.problems.add(Problem.error("spec.model.image", "Vertex AI needs a serving container image to upload the model; "
                        + "set spec.model.image (e.g. us-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-3:latest) or "
                        + "spec.backends.vertex.model to deploy an existing Vertex model"));
            }
            m.image().filter(VertexTranslator::isDockerHub).filter(i -> !allowsExternalRegistry(e, r)).ifPresent(i -> r.problems.add(Problem.error(
                    "spec.model.image", "'" + i + "' is on Docker Hub, but Vertex AI pulls serving images from Artifact Registry "
                            + "(or Container Registry); push it there (e.g. us-central1-docker.pkg.dev/my-project/my-repo/my-model:v1), or set "
                            + "spec.backends.vertex." + OPTION_ALLOW_EXTERNAL_REGISTRY + ": true if your project can pull it")));
            List<String> hashed = new ArrayList<>(java.util.Arrays.asList(m.name(), m.version().orElse(null), m.image().orElse(null),
                    m.artifactUri().orElse(null), String.valueOf(m.port().orElse(DEFAULT_PORT)), m.env().toString(),
                    m.healthPath().orElse(null), m.predictPath().orElse(null)));
            // the container spec is immutable: a start-up allowance is part of the model (absent, the hash stays as before)
            m.startupSeconds().ifPresent(sec -> hashed.add("startupSeconds=" + sec));
            String id = VertexNames.modelId(endpointId, VertexNames.hash(hashed.toArray(String[]::new)));
            modelId = Optional.of(id);
            modelName = parent() + "/models/" + id;
            ModelContainerSpec.Builder c = ModelContainerSpec.newBuilder().setImageUri(m.image().orElse(""))
                    .addPorts(Port.newBuilder().setContainerPort(m.port().orElse(DEFAULT_PORT)));
            m.env().forEach((k, v) -> {
                if (!ENV_NAME.matcher(k).matches()) {
                    r.problems.add(Problem.error("spec.model.env." + k, "Vertex AI environment names must be C identifiers "
                            + "([A-Za-z_][A-Za-z0-9_]*); rename '" + k + "', e.g. to " + k.replaceAll("[^A-Za-z0-9_]", "_")));
                }
                c.addEnv(EnvVar.newBuilder().setName(k).setValue(v));
            });
            m.secretEnv().keySet().forEach(k -> r.problems.add(Problem.error("spec.model.env." + k, "Vertex AI cannot take an environment "
                    + "value from a secret (ModelContainerSpec env holds plain text only); store it in Google Secret Manager and read it in the "
                    + "container at start-up (the endpoint's service account needs roles/secretmanager.secretAccessor), and pass only the "
                    + "secret's resource name, e.g. " + k + "_SECRET=projects/my-project/secrets/my-secret/versions/latest")));
            m.predictPath().ifPresent(c::setPredictRoute);
            m.healthPath().ifPresent(c::setHealthRoute);
            m.startupSeconds().ifPresent(sec -> {
                int port = m.port().orElse(DEFAULT_PORT);
                int failures = (sec + STARTUP_PROBE_PERIOD_SECONDS - 1) / STARTUP_PROBE_PERIOD_SECONDS;
                Probe.Builder probe = Probe.newBuilder().setPeriodSeconds(STARTUP_PROBE_PERIOD_SECONDS)
                        .setTimeoutSeconds(STARTUP_PROBE_TIMEOUT_SECONDS).setFailureThreshold(failures);
                if (m.healthPath().isPresent()) {
                    probe.setHttpGet(Probe.HttpGetAction.newBuilder().setPath(m.healthPath().get()).setPort(port));
                } else {
                    probe.setTcpSocket(Probe.TcpSocketAction.newBuilder().setPort(port));
                }
                c.setStartupProbe(probe);
                r.notes.add(Note.derived("spec.model.startupSeconds", sec + " s -> containerSpec.startupProbe failureThreshold " + failures
                        + " x periodSeconds " + STARTUP_PROBE_PERIOD_SECONDS + " on port " + port));
            });
            Model.Builder model = Model.newBuilder().setDisplayName(VertexNames.displayName(m.reference()))
                    .setContainerSpec(c).putAllLabels(labels);
            m.artifactUri().ifPresent(uri -> {
                model.setArtifactUri(uri);
                if (!uri.startsWith("gs://")) {
                    r.problems.add(Problem.error("spec.model.artifactUri", "'" + ModelSpec.redactedUri(uri) + "' is not a Cloud Storage URI; Vertex AI reads "
                            + "model artifacts from gs://bucket/path"));
                }
            });
            if (m.port().isEmpty()) {
                r.notes.add(Note.derived("spec.model.port", "container port " + DEFAULT_PORT + " (Vertex AI's default)"));
            }
            upload = Optional.of(model.build());
            r.notes.add(Note.derived("spec.model", "model id '" + id + "': endpoint id plus a hash of the model's name, version, "
                    + "image, artifact URI, port, env and routes, so a changed model is uploaded anew and rolled out"));
        }

        // Machine and accelerators.
        MachineSpec.Builder machineSpec = MachineSpec.newBuilder();
        Machine machine = MachineSelection.choose(e, () -> option(e, OPTION_MACHINE_TYPE, r), machineSpec, r.problems, r.notes);

        // Replicas and autoscaling.
        var a = e.autoscaling();
        DedicatedResources.Builder dr = DedicatedResources.newBuilder().setMachineSpec(machineSpec)
                .setMinReplicaCount(a.minReplicas()).setMaxReplicaCount(a.maxReplicas());
        for (ScalingTarget t : a.targets()) {
            metric(e, t, machine, r).ifPresent(dr::addAutoscalingMetricSpecs);
        }
        impliedResourceMetrics(e, machine, r).forEach(dr::addAutoscalingMetricSpecs);
        behaviour(e, r);

        // scale to zero (v1beta1 Preview): min 0 and the v1beta1 fields; Vertex offers it on dedicated endpoints only
        Optional<VertexScaleToZero> zero = ScaleToZeroSelection.choose(e, r.problems, r.notes);
        DeployedModel deployed = DeployedModel.newBuilder().setModel(modelName).setDisplayName(VertexNames.displayName(m.reference()))
                .setDedicatedResources(zero.map(z -> z.applyTo(dr.build())).orElseGet(dr::build)).build();
        Endpoint endpoint = Endpoint.newBuilder().setDisplayName(VertexNames.displayName(e.name())).putAllLabels(labels)
                .setDedicatedEndpointEnabled(zero.isPresent()).build();
        if (project.equals(PLACEHOLDER_PROJECT)) {
            r.notes.add(Note.info("vertex.project", "not configured: resource names use the placeholder " + PLACEHOLDER_PROJECT));
        }
        r.state = new VertexDesiredState(parent(), endpointId, endpoint, modelName, modelId, upload, deployed, r.notes);
        return r;
    }

    private Map<String, String> labels(InferenceEndpoint e, Resolution r) {
        Map<String, String> out = new TreeMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        e.labels().forEach((k, v) -> {
            String key = VertexNames.labelKey(k);
            String value = VertexNames.labelValue(v);
            String path = "metadata.labels." + k;
            if (key.equals(MANAGED_BY_LABEL) || key.equals(ENDPOINT_LABEL)) {
                r.problems.add(Problem.error(path, "label '" + key + "' is reserved by InferScale on Vertex; rename it"));
                return;
            }
            if (origin.containsKey(key)) {
                r.problems.add(Problem.error(path, "labels '" + origin.get(key) + "' and '" + k + "' both become Vertex label '" + key
                        + "' (Vertex keys are lower-case letters, digits, '_' and '-'); rename one"));
                return;
            }
            if (!key.equals(k) || !value.equals(v)) {
                r.notes.add(Note.derived(path, "Vertex label " + key + "=" + value + " (keys and values are up to 63 lower-case "
                        + "letters, digits, '_' and '-'; keys start with a letter)"));
            }
            origin.put(key, k);
            out.put(key, value);
        });
        out.put(MANAGED_BY_LABEL, MANAGED_BY_VALUE);
        out.put(ENDPOINT_LABEL, e.name());
        if (out.size() > VertexNames.MAX_LABELS) {
            r.problems.add(Problem.error("metadata.labels", e.labels().size() + " labels; Vertex allows " + VertexNames.MAX_LABELS
                    + " per resource and InferScale adds 2; remove " + (out.size() - VertexNames.MAX_LABELS)));
        }
        return out;
    }

    /**
     * An image on Docker Hub: no registry host before the first '/' (a host has a '.' or ':' or is {@code localhost}),
     * or one of Docker Hub's own hosts.
     */
    static boolean isDockerHub(String image) {
        int slash = image.indexOf('/');
        String first = slash < 0 ? "" : image.substring(0, slash);
        boolean host = first.contains(".") || first.contains(":") || first.equals("localhost");
        return !host || List.of("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com").contains(first);
    }

    private static boolean allowsExternalRegistry(InferenceEndpoint e, Resolution r) {
        Optional<Object> v = e.backends().get(BACKEND, OPTION_ALLOW_EXTERNAL_REGISTRY);
        if (v.isPresent() && !(v.get() instanceof Boolean)) {
            r.problems.add(Problem.error("spec.backends.vertex." + OPTION_ALLOW_EXTERNAL_REGISTRY, "must be true or false, got " + v.get()));
            return true;
        }
        return v.map(Boolean.TRUE::equals).orElse(false);
    }

    private static Optional<String> option(InferenceEndpoint e, String key, Resolution r) {
        Optional<Object> v = e.backends().get(BACKEND, key);
        if (v.isPresent() && !(v.get() instanceof String s && !s.isBlank())) {
            r.problems.add(Problem.error("spec.backends.vertex." + key, "must be non-empty text, got " + v.get()));
            return Optional.empty();
        }
        return v.map(String.class::cast);
    }

    /**
     * The machine spec (machine type, accelerator type and count) this translator deploys {@code e} on:
     * {@code spec.backends.vertex.machineType} when set, else the smallest catalogued machine that holds the larger of
     * requests and limits and the accelerators; empty when none does. Pure; used by the simulator to price a replica.
     */
    public static Optional<MachineSpec> machineSpec(InferenceEndpoint e) {
        MachineSpec.Builder spec = MachineSpec.newBuilder();
        MachineSelection.choose(e, Optional::empty, spec, new ArrayList<>(), new ArrayList<>());
        return spec.getMachineType().isEmpty() ? Optional.empty() : Optional.of(spec.build());
    }

    private Optional<AutoscalingMetricSpec> metric(InferenceEndpoint e, ScalingTarget t, Machine machine, Resolution r) {
        String path = t.type().path();
        switch (t.type()) {
            case CPU_UTILIZATION -> {
                return Optional.of(spec(CPU_METRIC, cpuTarget(e, t.value(), machine, r)));
            }
            case ACCELERATOR_UTILIZATION -> {
                return Optional.of(spec(ACCELERATOR_METRIC, t.value().intValue()));
            }
            case REQUESTS_PER_SECOND -> {
                BigDecimal perMinute = t.value().multiply(SIXTY);
                BigDecimal rounded = perMinute.setScale(0, RoundingMode.HALF_UP).max(BigDecimal.ONE);
                if (rounded.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
                    r.problems.add(Problem.error(path, t.value().toPlainString() + " requests per second is " + perMinute.toPlainString()
                            + " per minute, above Vertex's largest target " + Integer.MAX_VALUE));
                    return Optional.empty();
                }
                String msg = REQUEST_COUNT_METRIC + " target " + rounded.toPlainString() + " requests per minute per replica = "
                        + t.value().toPlainString() + " requests per second x 60";
                r.notes.add(rounded.compareTo(perMinute) == 0 ? Note.derived(path, msg)
                        : Note.approximated(path, msg + " (" + perMinute.stripTrailingZeros().toPlainString() + ", rounded: Vertex targets are whole numbers)"));
                return Optional.of(spec(REQUEST_COUNT_METRIC, rounded.intValue()));
            }
            case QUEUE_DEPTH -> {
                BigDecimal rounded = t.value().setScale(0, RoundingMode.HALF_UP).max(BigDecimal.ONE);
                String msg = QUEUE_DEPTH_METRIC + " (Preview; the container must be Vertex's vLLM) target " + rounded.toPlainString()
                        + " requests waiting per replica";
                r.notes.add(rounded.compareTo(t.value()) == 0 ? Note.derived(path, msg)
                        : Note.approximated(path, msg + " (" + t.value().toPlainString() + ", rounded: Vertex targets are whole numbers)"));
                return Optional.of(spec(QUEUE_DEPTH_METRIC, rounded.intValueExact()));
            }
            default -> {
                // Memory, concurrency and tokens-per-second targets are rejected by the capability check; nothing to emit.
                return Optional.empty();
            }
        }
    }

    /**
     * The {@value #CPU_METRIC} target for a CPU target of {@code percent} % of the replica's CPU request (as in a
     * Kubernetes HPA: utilization = usage / requests.cpu). Vertex measures CPU utilization against all of the replica's
     * machine (a Vertex replica is its whole machine; InferScale's reading, Google's pages do not name the denominator),
     * so the threshold in cores is kept: {@code percent × requests.cpu / vCPUs} % of the machine, rounded half up to a
     * whole percentage and kept within 1..100 ({@code AutoscalingMetricSpec.target} is an int32 "in percentage (1% -
     * 100%)", {@code machine_resources.proto}). 60 % of 500m on 2 vCPUs = 0.3 cores = 15. Without a CPU request, or on
     * a machine outside the catalogue (vCPUs unknown), the percent is rendered as is, with a note.
     */
    private static int cpuTarget(InferenceEndpoint e, BigDecimal percent, Machine machine, Resolution r) {
        String path = TargetType.CPU_UTILIZATION.path();
        String given = percent.stripTrailingZeros().toPlainString();
        Optional<Quantity> request = e.resources().requests().cpu().filter(q -> q.value().signum() > 0);
        if (machine == null) {
            r.notes.add(Note.approximated(path, CPU_METRIC + " target " + given + "% of the machine: its vCPUs are unknown (the machine "
                    + "is not in InferScale's catalogue), so the percentage of the CPU request cannot be converted; set a catalogued "
                    + "spec.backends.vertex.machineType"));
            return percent.intValue();
        }
        String measured = " (Vertex measures CPU utilization against all " + machine.vcpus() + " vCPUs of " + machine.name() + ")";
        if (request.isEmpty()) {
            r.notes.add(Note.derived(path, given + "% CPU of the whole machine (no requests.cpu to take it of) → " + CPU_METRIC
                    + " target " + given + measured));
            return percent.intValue();
        }
        BigDecimal vcpus = BigDecimal.valueOf(machine.vcpus());
        BigDecimal cores = percent.multiply(request.get().value()).movePointLeft(2);
        BigDecimal exact = cores.multiply(BigDecimal.valueOf(100)).divide(vcpus, MathContext.DECIMAL64);
        int rendered = exact.setScale(0, RoundingMode.HALF_UP).max(BigDecimal.ONE).min(BigDecimal.valueOf(100)).intValueExact();
        String message = given + "% of the " + request.get().text() + " CPU request = " + plain(cores) + " cores = " + plain(exact)
                + "% of the machine → " + CPU_METRIC + " target " + rendered + measured;
        BigDecimal shift = BigDecimal.valueOf(rendered).subtract(exact).abs();
        if (shift.signum() == 0) {
            r.notes.add(Note.derived(path, message));
        } else {
            String rounded = message + "; rounded to a whole percentage, as Vertex targets are: the threshold is "
                    + plain(vcpus.multiply(BigDecimal.valueOf(rendered)).movePointLeft(2)) + " cores instead of " + plain(cores);
            r.notes.add(shift.compareTo(exact.multiply(CPU_ROUNDING_TOLERANCE)) <= 0 ? Note.derived(path, rounded)
                    : Note.approximated(path, rounded));
        }
        return rendered;
    }

    private static String plain(BigDecimal v) {
        return v.round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    /*
     * Which metrics Vertex scales on when autoscaling_metric_specs lists some. Google's two pages read differently:
     *
     * - API reference, DedicatedResources.autoscaling_metric_specs (googleapis/googleapis
     *   google/cloud/aiplatform/v1/machine_resources.proto at f8291d2b89f0017ab078a4c7378069bae5686f6f; also
     *   https://cloud.google.com/vertex-ai/docs/reference/rest/v1/DedicatedResources):
     *   "The metric specifications that overrides a resource utilization metric (CPU utilization, accelerator's duty
     *   cycle, and so on) target value (default to 60 if not set). [...] If machine_spec.accelerator_count is above 0,
     *   the autoscaling will be based on both CPU utilization and accelerator's duty cycle metrics and scale up when
     *   either metrics exceeds its target value while scale down if both metrics are under their target value. The
     *   default target value is 60 for both metrics. If machine_spec.accelerator_count is 0, the autoscaling will be
     *   based on CPU utilization metric only with default target value 60 if not explicitly set."
     *   Read literally: the resource metrics are always on, and a spec only moves a target.
     * - "Scale inference nodes by using autoscaling", https://cloud.google.com/vertex-ai/docs/predictions/autoscaling:
     *   a model configured to scale on CPU usage only does not scale up when GPU usage is high. Read literally: the
     *   listed specs are the metrics, and the defaults apply only to an empty list.
     *
     * Rendering the resource metrics explicitly, at the user's target or at Vertex's default, makes both readings give
     * the same behaviour: Vertex scales on exactly the rendered list. The price is that a neutral spec that leaves CPU
     * (or, with accelerators, duty cycle) out cannot be honoured exactly; that is a warning and an APPROXIMATED note.
     */
    private static List<AutoscalingMetricSpec> impliedResourceMetrics(InferenceEndpoint e, Machine machine, Resolution r) {
        var a = e.autoscaling();
        boolean scales = a.maxReplicas() > a.minReplicas();
        List<AutoscalingMetricSpec> implied = new ArrayList<>();
        if (a.target(TargetType.CPU_UTILIZATION).isEmpty()) {
            implied.add(spec(CPU_METRIC, DEFAULT_RESOURCE_TARGET));
            if (scales) {
                String measured = machine == null ? "" : " (measured against all " + machine.vcpus() + " vCPUs of " + machine.name()
                        + impliedCores(e, machine) + ")";
                warnImplied(r, "targetCPUUtilizationPercentage", CPU_METRIC + " target " + DEFAULT_RESOURCE_TARGET + "%" + measured);
            }
        }
        if (e.resources().accelerator().isPresent() && a.target(TargetType.ACCELERATOR_UTILIZATION).isEmpty()) {
            implied.add(spec(ACCELERATOR_METRIC, DEFAULT_RESOURCE_TARGET));
            if (scales) {
                warnImplied(r, "targetAcceleratorUtilizationPercentage", ACCELERATOR_METRIC + " target " + DEFAULT_RESOURCE_TARGET + "%");
            }
        }
        return implied;
    }

    /** {@code ": 1.2 cores, 240% of the 500m CPU request"}: what Vertex's default CPU target is in the spec's terms. */
    private static String impliedCores(InferenceEndpoint e, Machine machine) {
        BigDecimal cores = BigDecimal.valueOf((long) DEFAULT_RESOURCE_TARGET * machine.vcpus()).movePointLeft(2);
        return ": " + plain(cores) + " cores" + e.resources().requests().cpu().filter(q -> q.value().signum() > 0)
                .map(q -> ", " + plain(cores.movePointRight(2).divide(q.value(), MathContext.DECIMAL64)) + "% of the " + q.text()
                        + " CPU request").orElse("");
    }

    private static void warnImplied(Resolution r, String field, String rendered) {
        String message = "rendered " + rendered + ", Vertex AI's default, although the spec sets no " + field + ": Vertex's "
                + "API reference says it scales on this metric whatever other metric is listed, so InferScale lists it explicitly "
                + "and Vertex scales on exactly the rendered metrics; the spec without it cannot be honoured exactly. Set " + field
                + " to choose the target (100 lets this metric decide only near saturation)";
        r.problems.add(Problem.warning("spec.autoscaling", message));
        r.notes.add(Note.approximated("spec.autoscaling", message));
    }

    private static AutoscalingMetricSpec spec(String metric, int target) {
        return AutoscalingMetricSpec.newBuilder().setMetricName(metric).setTarget(target).build();
    }

    private static void behaviour(InferenceEndpoint e, Resolution r) {
        var b = e.autoscaling().behavior();
        String policy = "Vertex AI's autoscaler is fixed: it recomputes replicas every " + VERTEX_CYCLE_SECONDS + " s and uses the "
                + "highest recommendation of the last 5 minutes, so it scales up at once and down after "
                + VERTEX_SCALE_DOWN_WINDOW_SECONDS + " s";
        Optional<Integer> up = b.scaleUp().flatMap(ScalingRules::stabilizationWindowSeconds);
        Optional<Integer> down = b.scaleDown().flatMap(ScalingRules::stabilizationWindowSeconds);
        if (up.isPresent() && up.get() != 0) {
            r.notes.add(Note.approximated("spec.autoscaling.behavior.scaleUp.stabilizationWindowSeconds", "requested " + up.get()
                    + " s; " + policy + " (a scale-up window of 0 s)"));
        }
        if (down.isPresent() && down.get() != VERTEX_SCALE_DOWN_WINDOW_SECONDS) {
            r.notes.add(Note.approximated("spec.autoscaling.behavior.scaleDown.stabilizationWindowSeconds", "requested " + down.get()
                    + " s; " + policy + " (a scale-down window of " + VERTEX_SCALE_DOWN_WINDOW_SECONDS + " s)"));
        }
        if (up.isEmpty() && down.isEmpty() && e.autoscaling().maxReplicas() > e.autoscaling().minReplicas()) {
            r.notes.add(Note.info("spec.autoscaling.behavior", policy));
        }
    }

    /** True when a stabilization window equals Vertex's fixed policy (0 s up, 300 s down). */
    static boolean matchesFixedPolicy(String path, InferenceEndpoint e) {
        var b = e.autoscaling().behavior();
        if (path.endsWith("scaleUp.stabilizationWindowSeconds")) {
            return b.scaleUp().flatMap(ScalingRules::stabilizationWindowSeconds).map(w -> w == 0).orElse(false);
        }
        if (path.endsWith("scaleDown.stabilizationWindowSeconds")) {
            return b.scaleDown().flatMap(ScalingRules::stabilizationWindowSeconds).map(w -> w == VERTEX_SCALE_DOWN_WINDOW_SECONDS).orElse(false);
        }
        return false;
    }
}
