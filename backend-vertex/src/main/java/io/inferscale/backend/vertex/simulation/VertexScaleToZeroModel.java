package io.inferscale.backend.vertex.simulation;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.simulation.Assumption;
import io.inferscale.api.simulation.AutoscalerModel;
import io.inferscale.api.simulation.ModelSettings;
import io.inferscale.api.simulation.Observation;
import io.inferscale.api.validation.Problem;
import io.inferscale.backend.vertex.VertexScaleToZero;
import io.inferscale.backend.vertex.internal.ScaleToZeroSelection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Vertex AI scale to zero (Preview, {@code v1beta1} {@code DedicatedResources.scale_to_zero_spec}; docs/design/scale-to-zero.md
 * section 3), around {@link VertexAutoscalerModel} for one or more replicas:
 * <ol>
 *   <li><b>To zero</b>: after {@code idle_scaledown_period} ({@code scaleToZero.idleSeconds}, 300..28800 s) "of no traffic"
 *       and not before {@code min_scaleup_period} ({@code spec.backends.vertex.minScaleupSeconds}, default 3600 s, same
 *       bounds) since the deployment was last scaled up from zero ("Minimum duration that a deployment will be scaled up before
 *       traffic is evaluated for potential scale-down"). The run's start counts as the deployment (an <b>assumption</b>, as
 *       KEDA's model counts it as the ScaledObject's creation); the check runs at Vertex's evaluation period (an
 *       <b>assumption</b>: Google does not say how often).</li>
 *   <li><b>At zero</b> "a request sent to a scaled-down model will return a 429 response" and "any requests sent in this phase
 *       will be dropped": the engine counts them lost, until a replica is ready.</li>
 *   <li><b>Wake</b>: at the first evaluation that sees traffic, {@code initial_replica_count} replicas
 *       ({@code spec.backends.vertex.initialReplicaCount}, default 1) "being deployed on when scaling the workload up from zero";
 *       they serve after {@code vertex.coldStart} (deploying a replica: provisioning, image pull, model load; an
 *       <b>assumption</b>, default the run's startup).</li>
 *   <li>Above zero the Vertex autoscaler ({@link VertexAutoscalerModel}) decides, with its floor of 1.</li>
 * </ol>
 * Sources: VTX-PROTO {@code google/cloud/aiplatform/v1beta1/machine_resources.proto} ({@value #SOURCE_PROTO}) and VTX-DOC
 * ({@value #SOURCE_DOC}).
 */
public final class VertexScaleToZeroModel implements AutoscalerModel {

    /** Option {@code spec.backends.vertex.initialReplicaCount}: replicas deployed when scaling up from zero (default 1). */
    public static final String OPTION_INITIAL_REPLICA_COUNT = ScaleToZeroSelection.OPTION_INITIAL_REPLICA_COUNT;
    /** Option {@code spec.backends.vertex.minScaleupSeconds}: {@code scale_to_zero_spec.min_scaleup_period} (default 3600). */
    public static final String OPTION_MIN_SCALEUP_SECONDS = ScaleToZeroSelection.OPTION_MIN_SCALEUP_SECONDS;
    /** Setting key of the cold start from zero. */
    public static final String COLD_START = "vertex.coldStart";

    static final String SOURCE_PROTO = "google/cloud/aiplatform/v1beta1/machine_resources.proto (npm @google-cloud/aiplatform 6.11.0), "
            + "DedicatedResources.ScaleToZeroSpec and initial_replica_count";
    static final String SOURCE_DOC = "Google Cloud, \"Scale inference nodes by using autoscaling\", section Scale To Zero (Preview), "
            + "https://docs.cloud.google.com/vertex-ai/docs/predictions/autoscaling";

    private final VertexAutoscalerModel autoscaler;
    private final long idleMillis;
    private final long minScaleupMillis;
    private final int initialReplicas;
    private final Optional<Duration> coldStart;
    private final List<Assumption> assumptions;
    private long lastTrafficMillis;
    private long lastScaleUpFromZeroMillis;

    /**
     * A model of {@code endpoint}, which has {@code spec.autoscaling.scaleToZero}.
     *
     * @throws ConfigurationException naming the field when {@code idleSeconds}, {@code minScaleupSeconds} or
     *                                {@code initialReplicaCount} is outside what Vertex accepts, or as {@link VertexAutoscalerModel}
     */
    public VertexScaleToZeroModel(InferenceEndpoint endpoint, VertexAutoscalingSettings settings, ModelSettings given) {
        if (endpoint.autoscaling().scaleToZero().isEmpty()) {
            throw new IllegalArgumentException("endpoint '" + endpoint.name() + "' has no spec.autoscaling.scaleToZero");
        }
        this.autoscaler = new VertexAutoscalerModel(endpoint, settings, given);
        // the backend's own reading of the scale-to-zero settings and options: the same bounds, defaults and messages
        List<Problem> problems = new ArrayList<>();
        VertexScaleToZero chosen = ScaleToZeroSelection.choose(endpoint, problems, new ArrayList<>()).orElseThrow();
        problems.stream().filter(Problem::isError).findFirst().ifPresent(p -> {
            throw new ConfigurationException(p.path() + ": " + p.message());
        });
        int idle = chosen.idleSeconds();
        Optional<Integer> scaleup = chosen.minScaleupSeconds();
        int minScaleup = scaleup.orElse(VertexScaleToZero.VERTEX_DEFAULT_PERIOD_SECONDS);
        boolean initialGiven = endpoint.backends().get("vertex", OPTION_INITIAL_REPLICA_COUNT).isPresent();
        this.initialReplicas = chosen.initialReplicaCount();
        this.idleMillis = idle * 1000L;
        this.minScaleupMillis = minScaleup * 1000L;
        this.coldStart = given.get(COLD_START).isPresent() ? Optional.of(given.getDuration(COLD_START, Duration.ZERO)) : Optional.empty();
        List<Assumption> a = new ArrayList<>();
        a.add(new Assumption("idle before zero", idle + " s of no traffic (idle_scaledown_period = scaleToZero.idleSeconds)",
                SOURCE_PROTO + ": \"Duration of no traffic before scaling to zero\", 300..28800 s"));
        a.add(new Assumption("min scale-up period", minScaleup + " s after a scale-up from zero before the endpoint may go to zero again"
                + (scaleup.isPresent() ? " (spec.backends.vertex." + OPTION_MIN_SCALEUP_SECONDS + ")" : " (Vertex's default)"),
                SOURCE_PROTO + ": \"Minimum duration that a deployment will be scaled up before traffic is evaluated for potential "
                        + "scale-down\"; default 3600 s: " + SOURCE_DOC));
        a.add(Assumption.assumed("deployment time", "the start of the run counts as the last scale-up (the min scale-up period runs "
                + "from it); the idle timer starts there too", "nothing; start the trace earlier to leave it out"));
        a.add(new Assumption("requests at zero replicas", "HTTP 429 \"Model is not yet ready for inference\", dropped (lost) until a "
                + "replica is ready", SOURCE_DOC + ": \"any requests sent in this phase will be dropped\""));
        a.add(new Assumption("wake", initialReplicas + " replica(s) (initial_replica_count" + (initialGiven ? ", spec.backends.vertex."
                + OPTION_INITIAL_REPLICA_COUNT : ", InferScale's default 1") + ") at the first evaluation that sees traffic",
                SOURCE_PROTO + ": \"Number of initial replicas being deployed on when scaling the workload up from zero\"; the "
                        + "evaluation period as the wake-up delay is the model's assumption"));
        a.add(coldStart.isPresent()
                ? new Assumption("cold start from zero", coldStart.get().toSeconds() + " s to deploy the replicas", "set by --setting " + COLD_START)
                : Assumption.assumed("cold start from zero", "the run's startup (deploying a replica: provisioning, image pull, model "
                + "load; Google publishes no figure)", "--setting " + COLD_START + "=DURATION"));
        a.addAll(autoscaler.assumptions());
        this.assumptions = List.copyOf(a);
    }

    @Override
    public String backendId() {
        return "vertex";
    }

    @Override
    public List<Assumption> assumptions() {
        return assumptions;
    }

    @Override
    public long nextDecisionMillis() {
        return autoscaler.nextDecisionMillis();
    }

    @Override
    public long startupMillis(int fromReplicas, long runStartupMillis) {
        return fromReplicas == 0 && coldStart.isPresent() ? coldStart.get().toMillis() : runStartupMillis;
    }

    @Override
    public void observe(long from, long to, Observation o) {
        if (o.demandRps() > 0) {
            lastTrafficMillis = to;
        }
    }

    @Override
    public int decide(Observation o) {
        long now = o.nowMillis();
        int recommended = autoscaler.decide(o); // every evaluation, so its window keeps moving
        int current = o.desiredReplicas();
        boolean traffic = o.demandRps() > 0;
        if (traffic) {
            lastTrafficMillis = now;
        }
        if (current == 0) {
            if (traffic) {
                lastScaleUpFromZeroMillis = now;
                return initialReplicas;
            }
            return 0;
        }
        if (!traffic && now - lastTrafficMillis >= idleMillis && now - lastScaleUpFromZeroMillis >= minScaleupMillis) {
            return 0;
        }
        return recommended;
    }
}
