package io.inferscale.backend.vertex.internal;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ScaleToZero;
import io.inferscale.api.backend.Note;
import io.inferscale.api.validation.Problem;
import io.inferscale.backend.vertex.VertexScaleToZero;

import java.util.List;
import java.util.Optional;

/**
 * The translator's scale-to-zero part: from {@code spec.autoscaling.scaleToZero} and the options
 * {@code spec.backends.vertex.initialReplicaCount} / {@code minScaleupSeconds} to the {@link VertexScaleToZero} settings of
 * the deployed model, with the problems (by field) and notes. Pure.
 *
 * <p>Sources (docs/design/scale-to-zero.md section 3): VTX-PROTO = {@code google/cloud/aiplatform/v1beta1/machine_resources.proto}
 * in npm {@code @google-cloud/aiplatform} 6.11.0; VTX-DOC = "Scale inference nodes by using autoscaling",
 * https://docs.cloud.google.com/vertex-ai/docs/predictions/autoscaling, section "Scale To Zero (Preview)".
 */
public final class ScaleToZeroSelection {

    /** Option {@code spec.backends.vertex.initialReplicaCount}. */
    public static final String OPTION_INITIAL_REPLICA_COUNT = "initialReplicaCount";
    /** Option {@code spec.backends.vertex.minScaleupSeconds}. */
    public static final String OPTION_MIN_SCALEUP_SECONDS = "minScaleupSeconds";
    /**
     * Replicas Vertex starts on deploy and on every scale-up from zero when {@link #OPTION_INITIAL_REPLICA_COUNT} is not set:
     * 1. **Assumption** (InferScale's choice, the smallest value VTX-PROTO allows: "should be larger than zero, but no greater
     * than max_replica_count"; VTX-DOC gives no default). Override with the option.
     */
    public static final int DEFAULT_INITIAL_REPLICA_COUNT = 1;
    /** Where the bounds come from, for messages. */
    static final String PERIOD_SOURCE = "Vertex AI v1beta1 DedicatedResources.ScaleToZeroSpec, [MinValue=300] [MaxValue=28800] "
            + "(machine_resources.proto; docs.cloud.google.com/vertex-ai/docs/predictions/autoscaling, Scale To Zero)";
    /** The capability note and the note every scale-to-zero rendering carries (VTX-DOC). */
    public static final String AT_ZERO = "Preview (v1beta1); while at zero Vertex answers 429 and drops the request (\"A request "
            + "sent to a scaled-down model will return a 429 response\", \"any requests sent in this phase will be dropped\": "
            + "docs.cloud.google.com/vertex-ai/docs/predictions/autoscaling, Scale To Zero)";

    private static final String BACKEND = "vertex";
    private static final String IDLE_PATH = "spec.autoscaling.scaleToZero.idleSeconds";

    private ScaleToZeroSelection() {
    }

    /**
     * The scale-to-zero settings of {@code e}, empty without {@code spec.autoscaling.scaleToZero} (then the options are
     * errors). Problems and notes go to the lists; the settings are returned even when there are errors (clamped into
     * range), so that {@code render} still shows a request.
     */
    public static Optional<VertexScaleToZero> choose(InferenceEndpoint e, List<Problem> problems, List<Note> notes) {
        Optional<Integer> initialOption = integerOption(e, OPTION_INITIAL_REPLICA_COUNT, problems);
        Optional<Integer> scaleupOption = integerOption(e, OPTION_MIN_SCALEUP_SECONDS, problems);
        Optional<ScaleToZero> zero = e.autoscaling().scaleToZero();
        if (zero.isEmpty()) {
            for (String key : List.of(OPTION_INITIAL_REPLICA_COUNT, OPTION_MIN_SCALEUP_SECONDS)) {
                if (e.backends().get(BACKEND, key).isPresent()) {
                    problems.add(Problem.error("spec.backends.vertex." + key, "applies only with spec.autoscaling.scaleToZero; remove it "
                            + "or add scaleToZero: {idleSeconds: 600} with minReplicas: 0"));
                }
            }
            return Optional.empty();
        }
        int max = e.autoscaling().maxReplicas();
        int idle = period(zero.get().idleSeconds(), IDLE_PATH, "idle_scaledown_period", problems);
        Optional<Integer> scaleup = scaleupOption.map(s -> period(s, "spec.backends.vertex." + OPTION_MIN_SCALEUP_SECONDS,
                "min_scaleup_period", problems));
        int initial = initialOption.orElse(DEFAULT_INITIAL_REPLICA_COUNT);
        if (initial < 1 || initial > max) {
            problems.add(Problem.error("spec.backends.vertex." + OPTION_INITIAL_REPLICA_COUNT, initial + " is outside 1..maxReplicas ("
                    + max + "): Vertex's initial_replica_count \"should be larger than zero, but no greater than max_replica_count\" "
                    + "(v1beta1 machine_resources.proto); use 1"));
            initial = Math.max(1, Math.min(initial, Math.max(1, max)));
        }
        VertexScaleToZero settings = new VertexScaleToZero(initial, idle, scaleup);

        String preview = "Vertex AI scale to zero is a Preview feature (pre-GA, offered through the v1beta1 API only; "
                + "docs.cloud.google.com/vertex-ai/docs/predictions/autoscaling, Scale To Zero): InferScale deploys this model "
                + "with EndpointService v1beta1 DeployModel; while at zero Vertex answers 429 and drops requests until "
                + settings.initialReplicaCount() + " replica(s) are up again";
        problems.add(Problem.warning("spec.autoscaling.scaleToZero", preview));
        notes.add(Note.info("spec.autoscaling.scaleToZero", preview));
        notes.add(Note.derived("spec.autoscaling.scaleToZero", "dedicatedResources.minReplicaCount 0 with " + settings.describe()
                + (initialOption.isEmpty() ? "; initial_replica_count 1 is InferScale's assumption (set spec.backends.vertex."
                + OPTION_INITIAL_REPLICA_COUNT + ")" : "")));
        notes.add(Note.info("spec.autoscaling.scaleToZero", "created as a dedicated public endpoint (dedicatedEndpointEnabled: "
                + "true): Vertex scale to zero is not offered on shared public endpoints (VTX-DOC limitations); send predictions to "
                + "the endpoint's dedicatedEndpointDns, the shared {region}-aiplatform.googleapis.com host no longer serves it"));
        notes.add(Note.info("spec.autoscaling.scaleToZero", "one model per endpoint (VTX-DOC limitations): a rollout that replaces "
                + "the deployed model undeploys the old one before deploying the new one, so the endpoint serves nothing meanwhile"));
        return Optional.of(settings);
    }

    private static int period(int seconds, String path, String field, List<Problem> problems) {
        if (seconds >= VertexScaleToZero.MIN_PERIOD_SECONDS && seconds <= VertexScaleToZero.MAX_PERIOD_SECONDS) {
            return seconds;
        }
        problems.add(Problem.error(path, seconds + " s is outside Vertex AI's " + field + " range "
                + VertexScaleToZero.MIN_PERIOD_SECONDS + ".." + VertexScaleToZero.MAX_PERIOD_SECONDS + " s (5 minutes to 8 hours; "
                + PERIOD_SOURCE + "); use a value in that range, e.g. 600"));
        return Math.max(VertexScaleToZero.MIN_PERIOD_SECONDS, Math.min(seconds, VertexScaleToZero.MAX_PERIOD_SECONDS));
    }

    private static Optional<Integer> integerOption(InferenceEndpoint e, String key, List<Problem> problems) {
        Optional<Object> v = e.backends().get(BACKEND, key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (v.get() instanceof Number n) {
            try {
                return Optional.of(new java.math.BigDecimal(n.toString()).intValueExact());
            } catch (ArithmeticException | NumberFormatException notWhole) {
                // reported below
            }
        }
        problems.add(Problem.error("spec.backends.vertex." + key, "must be a whole number, got " + v.get()));
        return Optional.empty();
    }
}
