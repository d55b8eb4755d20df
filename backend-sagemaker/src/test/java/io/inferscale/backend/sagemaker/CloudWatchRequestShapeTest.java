package io.inferscale.backend.sagemaker;

import io.inferscale.backend.sagemaker.internal.RequestTree;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.inferscale.backend.sagemaker.SageMakerTestSupport.ROLE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PutMetricAlarm requests of scale to zero against botocore's CloudWatch model (the part PutMetricAlarm reaches,
 * copied with botocore's licence to {@code src/test/resources/botocore/}): required members, known members, types,
 * enums, lengths, ranges and patterns, as {@code aws-request-check} checks the SageMaker and Application Auto Scaling
 * requests (that tool has no CloudWatch model).
 */
class CloudWatchRequestShapeTest {

    private static final JsonNode MODEL = JsonNode.parser().parse(SageMakerTestSupport.resource("botocore/cloudwatch-2010-08-01-PutMetricAlarm.json"));

    static List<String> problems(PutMetricAlarmRequest request) {
        List<String> problems = new ArrayList<>();
        String input = MODEL.field("operations").get().field("PutMetricAlarm").get().field("input").get().field("shape").get().asString();
        check(input, RequestTree.of(request), "PutMetricAlarm", problems);
        return problems;
    }

    private static JsonNode shape(String name) {
        return MODEL.field("shapes").get().field(name).orElseThrow(() -> new IllegalStateException("no shape " + name));
    }

    private static long number(JsonNode s, String key, long otherwise) {
        return s.field(key).map(n -> Long.parseLong(n.asNumber())).orElse(otherwise);
    }

    private static void check(String shapeName, Object value, String path, List<String> problems) {
        JsonNode s = shape(shapeName);
        String type = s.field("type").get().asString();
        switch (type) {
            case "structure" -> {
                if (!(value instanceof Map<?, ?> m)) {
                    problems.add(path + ": want an object");
                    return;
                }
                s.field("required").ifPresent(r -> r.asArray().forEach(req -> {
                    if (!m.containsKey(req.asString())) {
                        problems.add(path + "." + req.asString() + ": required member missing");
                    }
                }));
                Map<String, JsonNode> members = s.field("members").get().asObject();
                m.forEach((k, v) -> {
                    JsonNode member = members.get(String.valueOf(k));
                    if (member == null) {
                        problems.add(path + "." + k + ": not a member of " + shapeName);
                    } else {
                        check(member.field("shape").get().asString(), v, path + "." + k, problems);
                    }
                });
            }
            case "list" -> {
                if (!(value instanceof List<?> l)) {
                    problems.add(path + ": want a list");
                    return;
                }
                if (l.size() < number(s, "min", 0) || l.size() > number(s, "max", Long.MAX_VALUE)) {
                    problems.add(path + ": " + l.size() + " items, outside " + shapeName + "'s bounds");
                }
                for (int i = 0; i < l.size(); i++) {
                    check(s.field("member").get().field("shape").get().asString(), l.get(i), path + "[" + i + "]", problems);
                }
            }
            case "string" -> {
                if (!(value instanceof String str)) {
                    problems.add(path + ": want a string, got " + value);
                    return;
                }
                s.field("enum").ifPresent(e -> {
                    if (e.asArray().stream().noneMatch(x -> x.asString().equals(str))) {
                        problems.add(path + ": '" + str + "' not in enum " + shapeName);
                    }
                });
                if (str.length() < number(s, "min", 0) || str.length() > number(s, "max", Long.MAX_VALUE)) {
                    problems.add(path + ": length " + str.length() + " outside " + shapeName + "'s bounds");
                }
                s.field("pattern").ifPresent(p -> {
                    if (!Pattern.compile(p.asString()).matcher(str).matches()) {
                        problems.add(path + ": '" + str + "' does not match " + p.asString());
                    }
                });
            }
            case "integer", "long" -> {
                if (!(value instanceof Integer || value instanceof Long)) {
                    problems.add(path + ": want an integer, got " + value);
                    return;
                }
                long v = ((Number) value).longValue();
                if (v < number(s, "min", Long.MIN_VALUE) || v > number(s, "max", Long.MAX_VALUE)) {
                    problems.add(path + ": " + v + " outside " + shapeName + "'s range");
                }
            }
            case "double", "float" -> {
                if (!(value instanceof Number)) {
                    problems.add(path + ": want a number, got " + value);
                }
            }
            case "boolean" -> {
                if (!(value instanceof Boolean)) {
                    problems.add(path + ": want a boolean, got " + value);
                }
            }
            default -> problems.add(path + ": unchecked type " + type);
        }
    }

    @Test
    @DisplayName("the rendered alarms (seed and GPU goldens) and the alarm apply sends (with a policy ARN) satisfy botocore's model")
    void alarmsMatchTheModel() {
        for (var e : List.of(SageMakerScaleToZeroTest.scaleToZero(), SageMakerScaleToZeroTranslatorTest.gpu())) {
            InferenceComponentParts ic = new SageMakerTranslator().translate(e, ROLE).desired().inferenceComponent();
            assertThat(problems(ic.putMetricAlarm())).as(e.name()).isEmpty();
            assertThat(problems(ic.alarmFor("arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:0a1b:resource/sagemaker/"
                    + "inference-component/" + ic.name() + ":policyName/" + InferenceComponentParts.STEP_POLICY_NAME))).isEmpty();
        }
    }

    @Test
    @DisplayName("the checker finds what the model forbids: a missing AlarmName, an unknown member, a bad enum, six actions, a period of 0")
    void checkerFindsViolations() {
        PutMetricAlarmRequest bad = PutMetricAlarmRequest.builder().comparisonOperator("Bigger").period(0)
                .alarmActions("a", "b", "c", "d", "e", "f").build();
        assertThat(problems(bad)).anyMatch(p -> p.contains("AlarmName: required member missing"))
                .anyMatch(p -> p.contains("ComparisonOperator: 'Bigger' not in enum"))
                .anyMatch(p -> p.contains("AlarmActions: 6 items"))
                .anyMatch(p -> p.contains("Period: 0 outside"));
    }
}
