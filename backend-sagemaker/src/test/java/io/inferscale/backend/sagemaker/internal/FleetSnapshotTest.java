package io.inferscale.backend.sagemaker.internal;

import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.backend.sagemaker.SageMakerDesiredState;
import io.inferscale.backend.sagemaker.SageMakerSettings;
import io.inferscale.backend.sagemaker.SageMakerTranslator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link FleetSnapshot#live}: what a fleet's bulk reads give one endpoint, without a fake. The reader behind it points at
 * a closed port, so any per-endpoint read it made would fail the test: a complete snapshot must make none.
 */
class FleetSnapshotTest {

    private static final String ROLE = "arn:aws:iam::123456789012:role/SageMakerExecutionRole";
    private static final String IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-ml-model:v1";

    private final SageMakerClients clients = new SageMakerClients(SageMakerSettings.of(BackendConfig.of(Map.of(
            "sagemaker.region", "us-east-1", "sagemaker.endpointOverride", "http://127.0.0.1:9", "sagemaker.maxAttempts", "1"))),
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAFAKEFAKEFAKEFAKE", "fake")), List.of(), null);
    private final SageMakerLiveReader offline = new SageMakerLiveReader(clients);

    @AfterEach
    void close() {
        clients.close();
    }

    private static SageMakerDesiredState desired(String name) throws IOException {
        try (InputStream in = FleetSnapshotTest.class.getResourceAsStream("/inference_endpoint.yaml")) {
            InferenceEndpoint e = EndpointCodec.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), "inference_endpoint.yaml").endpoint();
            e = e.toBuilder().name(name).model(e.model().toBuilder().image(IMAGE).build()).build();
            return new SageMakerTranslator().translate(e, ROLE).desired();
        }
    }

    private static DescribeEndpointResponse inService(SageMakerDesiredState t) {
        return DescribeEndpointResponse.builder().endpointName(t.endpointName()).endpointConfigName(t.endpointConfigName())
                .endpointStatus(EndpointStatus.IN_SERVICE).build();
    }

    @Test
    @DisplayName("an endpoint that exists gets its target, its policies and only its own configs and models from the snapshot, with no call")
    void existingFromSnapshot() throws IOException {
        SageMakerDesiredState a = desired("ep-a");
        SageMakerDesiredState ab = desired("ep-ab");
        ScalableTarget target = ScalableTarget.builder().resourceId(a.resourceId()).scalableDimension(a.scalableDimension()).minCapacity(1).maxCapacity(5).build();
        ScalingPolicy policy = ScalingPolicy.builder().policyName("inferscale-cpu").resourceId(a.resourceId()).build();
        // the listing (prefix "ep-a") also holds ep-ab's names and a hand-made config: only ep-a's own (prefix + 10 hex digits) are its
        FleetSnapshot snapshot = new FleetSnapshot(Set.of(a.resourceId(), ab.resourceId()), Map.of(a.resourceId(), target),
                Map.of(a.resourceId(), List.of(policy)),
                new TreeSet<>(List.of(a.endpointConfigName(), ab.endpointConfigName(), "ep-a-c-handmade", "ep-a-c-0123456789")),
                new TreeSet<>(List.of(a.modelName(), ab.modelName())));

        LiveEndpoint live = snapshot.live(a, inService(a), false, offline);
        assertThat(live.target()).isEqualTo(target);
        assertThat(live.policies()).containsExactly(policy);
        assertThat(live.configs()).containsExactly("ep-a-c-0123456789", a.endpointConfigName()).doesNotContain(ab.endpointConfigName());
        assertThat(live.models()).containsExactly(a.modelName());

        LiveEndpoint other = snapshot.live(ab, inService(ab), false, offline);
        assertThat(other.target()).as("asked for and absent: not registered").isNull();
        assertThat(other.policies()).isEmpty();
        assertThat(other.configs()).containsExactly(ab.endpointConfigName());
    }

    @Test
    @DisplayName("an endpoint that does not exist: nothing live, names listed only for plan (listWhenMissing)")
    void missing() throws IOException {
        SageMakerDesiredState a = desired("ep-a");
        FleetSnapshot snapshot = new FleetSnapshot(Set.of(), Map.of(), null, new TreeSet<>(List.of(a.endpointConfigName())), new TreeSet<>());
        LiveEndpoint forApply = snapshot.live(a, null, false, offline);
        assertThat(forApply.endpoint()).isNull();
        assertThat(forApply.configs()).isNull();
        LiveEndpoint forPlan = snapshot.live(a, null, true, offline);
        assertThat(forPlan.configs()).containsExactly(a.endpointConfigName());
        assertThat(forPlan.models()).isEmpty();
    }

    @Test
    @DisplayName("a kind the snapshot lacks is read for the endpoint (here: the reader's call fails, proving it was made)")
    void lackingKindIsReadPerEndpoint() throws IOException {
        SageMakerDesiredState a = desired("ep-a");
        FleetSnapshot noConfigs = new FleetSnapshot(Set.of(a.resourceId()), Map.of(), Map.of(), null, new TreeSet<>());
        assertThatThrownBy(() -> noConfigs.live(a, inService(a), false, offline)).hasMessageContaining("ListEndpointConfigs");
        FleetSnapshot otherTarget = new FleetSnapshot(Set.of(), Map.of(), Map.of(), new TreeSet<>(), new TreeSet<>());
        assertThatThrownBy(() -> otherTarget.live(a, inService(a), false, offline)).hasMessageContaining("DescribeScalableTargets");
    }

    @Test
    @DisplayName("the common prefix of the fleet's names, for NameContains: cut to 63 characters, empty when they share none")
    void commonPrefix() {
        assertThat(SageMakerLiveReader.commonPrefix(List.of("ep-00001-c-", "ep-00002-c-", "ep-00100-c-"))).isEqualTo("ep-00");
        assertThat(SageMakerLiveReader.commonPrefix(List.of("alpha-c-", "beta-c-"))).isEmpty();
        assertThat(SageMakerLiveReader.commonPrefix(List.of("x".repeat(80)))).hasSize(63);
    }
}
