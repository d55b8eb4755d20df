package io.inferscale.backend.vertex;

import com.google.cloud.aiplatform.v1.DedicatedResources;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Vertex AI scale-to-zero settings of a deployed model (Preview, {@code v1beta1} only): {@code min_replica_count 0}
 * with {@code DedicatedResources.initial_replica_count} and {@code DedicatedResources.scale_to_zero_spec}
 * ({@code idle_scaledown_period}, {@code min_scaleup_period}).
 *
 * <p>The v1 messages this backend builds carry these two {@code v1beta1} fields as protobuf unknown fields under their
 * {@code v1beta1} numbers, so one {@code v1} {@link DedicatedResources} encodes the {@code v1beta1} message on the wire
 * and a {@code v1beta1} answer parsed as {@code v1} keeps them. That holds because every v1 field of the messages sent and
 * read has the same number and type in {@code v1beta1} (checked for {@code DeployModelRequest}, {@code Endpoint},
 * {@code MutateDeployedModelRequest} and everything they contain, 44 messages, against the protos of npm
 * {@code @google-cloud/aiplatform} 6.11.0; the module README shows the check), and because the v1 Java classes have no
 * field of either number ({@code VertexScaleToZeroTest} checks the descriptors). Source of the numbers and bounds:
 * {@code google/cloud/aiplatform/v1beta1/machine_resources.proto} (npm {@code @google-cloud/aiplatform} 6.11.0):
 * {@code int32 initial_replica_count = 6}, {@code ScaleToZeroSpec scale_to_zero_spec = 11},
 * {@code ScaleToZeroSpec {google.protobuf.Duration min_scaleup_period = 1; google.protobuf.Duration idle_scaledown_period = 2}},
 * each period "[MinValue=300] (5 minutes) [MaxValue=28800] (8 hours)".
 *
 * @param initialReplicaCount replicas started when the deployment is created and when it scales up from zero
 *                            ({@code initial_replica_count}, 1..{@code max_replica_count})
 * @param idleSeconds         seconds without traffic before Vertex scales to zero ({@code idle_scaledown_period},
 *                            {@value #MIN_PERIOD_SECONDS}..{@value #MAX_PERIOD_SECONDS})
 * @param minScaleupSeconds   seconds a deployment stays up after scaling up before traffic is evaluated for scale-down
 *                            ({@code min_scaleup_period}); empty: not sent, Vertex's default of 3600 s applies
 */
public record VertexScaleToZero(int initialReplicaCount, int idleSeconds, Optional<Integer> minScaleupSeconds) {

    /** {@code DedicatedResources.initial_replica_count} in v1beta1 {@code machine_resources.proto}. */
    public static final int INITIAL_REPLICA_COUNT_FIELD = 6;
    /** {@code DedicatedResources.scale_to_zero_spec} in v1beta1 {@code machine_resources.proto}. */
    public static final int SCALE_TO_ZERO_SPEC_FIELD = 11;
    /** {@code ScaleToZeroSpec.min_scaleup_period}. */
    public static final int MIN_SCALEUP_PERIOD_FIELD = 1;
    /** {@code ScaleToZeroSpec.idle_scaledown_period}. */
    public static final int IDLE_SCALEDOWN_PERIOD_FIELD = 2;
    /** Shortest period: "[MinValue=300] (5 minutes)" (v1beta1 {@code ScaleToZeroSpec}; VTX-DOC: minimum 300 s). */
    public static final int MIN_PERIOD_SECONDS = 300;
    /** Longest period: "[MaxValue=28800] (8 hours)" (v1beta1 {@code ScaleToZeroSpec}; VTX-DOC: maximum 28800 s). */
    public static final int MAX_PERIOD_SECONDS = 28_800;
    /**
     * Vertex's default of both periods when not sent: 3600 s. "Scale inference nodes by using autoscaling",
     * https://docs.cloud.google.com/vertex-ai/docs/predictions/autoscaling, section "Scale To Zero (Preview)":
     * "Default value: 1 hour (3600s)".
     */
    public static final int VERTEX_DEFAULT_PERIOD_SECONDS = 3600;

    /** Checks the ranges above (the translator reports them by field first). */
    public VertexScaleToZero {
        Objects.requireNonNull(minScaleupSeconds, "minScaleupSeconds");
        if (initialReplicaCount < 1) {
            throw new IllegalArgumentException("initialReplicaCount must be at least 1, got " + initialReplicaCount);
        }
        if (idleSeconds < 1) {
            throw new IllegalArgumentException("idleSeconds must be positive, got " + idleSeconds);
        }
        if (minScaleupSeconds.isPresent() && minScaleupSeconds.get() < 1) {
            throw new IllegalArgumentException("minScaleupSeconds must be positive, got " + minScaleupSeconds.get());
        }
    }

    /** {@code r} with {@code min_replica_count 0} and these settings in the v1beta1 fields (replacing any there). */
    public DedicatedResources applyTo(DedicatedResources r) {
        UnknownFieldSet.Builder spec = UnknownFieldSet.newBuilder();
        minScaleupSeconds.ifPresent(s -> spec.addField(MIN_SCALEUP_PERIOD_FIELD, lengthDelimited(duration(s))));
        spec.addField(IDLE_SCALEDOWN_PERIOD_FIELD, lengthDelimited(duration(idleSeconds)));
        UnknownFieldSet fields = UnknownFieldSet.newBuilder(strip(r).getUnknownFields())
                .addField(INITIAL_REPLICA_COUNT_FIELD, UnknownFieldSet.Field.newBuilder().addVarint(initialReplicaCount).build())
                .addField(SCALE_TO_ZERO_SPEC_FIELD, lengthDelimited(spec.build().toByteString()))
                .build();
        return r.toBuilder().setMinReplicaCount(0).setUnknownFields(fields).build();
    }

    /**
     * The settings {@code r} carries in its v1beta1 fields; empty when it has no {@code scale_to_zero_spec} and no
     * {@code initial_replica_count} (a v1 answer never has them: read through v1beta1 to see them). A spec without
     * {@code idle_scaledown_period} reads as Vertex's default, {@value #VERTEX_DEFAULT_PERIOD_SECONDS} s.
     */
    public static Optional<VertexScaleToZero> of(DedicatedResources r) {
        UnknownFieldSet unknown = r.getUnknownFields();
        if (!unknown.hasField(SCALE_TO_ZERO_SPEC_FIELD) && !unknown.hasField(INITIAL_REPLICA_COUNT_FIELD)) {
            return Optional.empty();
        }
        int initial = (int) last(unknown.getField(INITIAL_REPLICA_COUNT_FIELD).getVarintList()).orElse(0L).longValue();
        Optional<Integer> idle = Optional.empty();
        Optional<Integer> scaleup = Optional.empty();
        Optional<ByteString> spec = last(unknown.getField(SCALE_TO_ZERO_SPEC_FIELD).getLengthDelimitedList());
        if (spec.isPresent()) {
            try {
                UnknownFieldSet s = UnknownFieldSet.parseFrom(spec.get());
                idle = last(s.getField(IDLE_SCALEDOWN_PERIOD_FIELD).getLengthDelimitedList()).map(VertexScaleToZero::seconds);
                scaleup = last(s.getField(MIN_SCALEUP_PERIOD_FIELD).getLengthDelimitedList()).map(VertexScaleToZero::seconds);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("malformed scale_to_zero_spec in a DedicatedResources", e);
            }
        }
        return Optional.of(new VertexScaleToZero(Math.max(1, initial), idle.orElse(VERTEX_DEFAULT_PERIOD_SECONDS).intValue(), scaleup));
    }

    /** {@code r} without the v1beta1 scale-to-zero fields (what a v1 answer shows of it). */
    public static DedicatedResources strip(DedicatedResources r) {
        if (!r.getUnknownFields().hasField(SCALE_TO_ZERO_SPEC_FIELD) && !r.getUnknownFields().hasField(INITIAL_REPLICA_COUNT_FIELD)) {
            return r;
        }
        UnknownFieldSet.Builder b = UnknownFieldSet.newBuilder();
        r.getUnknownFields().asMap().forEach((number, field) -> {
            if (number != SCALE_TO_ZERO_SPEC_FIELD && number != INITIAL_REPLICA_COUNT_FIELD) {
                b.addField(number, field);
            }
        });
        return r.toBuilder().setUnknownFields(b.build()).build();
    }

    /**
     * These settings as members of a {@code DedicatedResources} object in the proto3 JSON mapping (the v1
     * {@code JsonFormat} printer does not print unknown fields): {@code "minReplicaCount": 0, "initialReplicaCount": N,
     * "scaleToZeroSpec": {...}}, the durations as {@code "600s"}; {@code indent} starts each line.
     */
    public String jsonMembers(String indent) {
        String inner = indent + "  ";
        String spec = minScaleupSeconds.map(s -> inner + "\"minScaleupPeriod\": \"" + s + "s\",\n").orElse("")
                + inner + "\"idleScaledownPeriod\": \"" + idleSeconds + "s\"\n";
        return indent + "\"minReplicaCount\": 0,\n" + indent + "\"initialReplicaCount\": " + initialReplicaCount + ",\n"
                + indent + "\"scaleToZeroSpec\": {\n" + spec + indent + "}";
    }

    /**
     * A request printed by the v1 {@code JsonFormat} printer, with these settings added to its (first)
     * {@code "dedicatedResources"} object, as the v1beta1 request they encode reads in the proto3 JSON mapping.
     */
    public String requestJson(String v1Json) {
        String key = "\"dedicatedResources\": {\n";
        int at = v1Json.indexOf(key);
        if (at < 0) {
            throw new IllegalArgumentException("no dedicatedResources object in the request");
        }
        int bodyStart = at + key.length();
        int lineEnd = v1Json.indexOf('\n', bodyStart);
        String firstLine = v1Json.substring(bodyStart, lineEnd < 0 ? v1Json.length() : lineEnd);
        String indent = firstLine.substring(0, firstLine.length() - firstLine.stripLeading().length());
        return v1Json.substring(0, bodyStart) + jsonMembers(indent) + ",\n" + v1Json.substring(bodyStart);
    }

    /** "idle 600 s, initial replicas 1, min scale-up period 3600 s (Vertex's default)". */
    public String describe() {
        return "idle_scaledown_period " + idleSeconds + " s, initial_replica_count " + initialReplicaCount + ", min_scaleup_period "
                + minScaleupSeconds.map(s -> s + " s").orElse(VERTEX_DEFAULT_PERIOD_SECONDS + " s (Vertex's default)");
    }

    private static ByteString duration(int seconds) {
        // google.protobuf.Duration {int64 seconds = 1; int32 nanos = 2}
        return UnknownFieldSet.newBuilder().addField(1, UnknownFieldSet.Field.newBuilder().addVarint(seconds).build()).build().toByteString();
    }

    private static int seconds(ByteString duration) {
        try {
            CodedInputStream in = duration.newCodedInput();
            long seconds = 0;
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (tag == (1 << 3)) {
                    seconds = in.readInt64();
                } else {
                    in.skipField(tag);
                }
            }
            return (int) seconds;
        } catch (IOException e) {
            throw new UncheckedIOException("malformed google.protobuf.Duration in scale_to_zero_spec", e);
        }
    }

    private static UnknownFieldSet.Field lengthDelimited(ByteString bytes) {
        return UnknownFieldSet.Field.newBuilder().addLengthDelimited(bytes).build();
    }

    private static <T> Optional<T> last(List<T> values) {
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
    }
}
