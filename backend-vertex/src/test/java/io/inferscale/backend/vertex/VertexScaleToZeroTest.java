package io.inferscale.backend.vertex;

import com.google.cloud.aiplatform.v1.DedicatedResources;
import com.google.cloud.aiplatform.v1.DeployModelRequest;
import com.google.cloud.aiplatform.v1.DeployedModel;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.MachineSpec;
import com.google.gson.JsonObject;
import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.ScaleToZero;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Change;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.Feature;
import io.inferscale.api.backend.Note;
import io.inferscale.api.backend.Rendering;
import io.inferscale.api.backend.Support;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import io.inferscale.backend.vertex.fake.FakeVertexServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Scale to zero on Vertex AI (v1beta1 Preview): translation, the wire encoding, validation, and the lifecycle on the fake. */
class VertexScaleToZeroTest {

    static final String ENDPOINT = "projects/test-project/locations/us-central1/endpoints/my-model-endpoint";

    static InferenceEndpoint zero(int idleSeconds) throws IOException {
        InferenceEndpoint e = VertexTranslatorTest.withImage(VertexTranslatorTest.seed());
        return e.toBuilder().autoscaling(e.autoscaling().toBuilder().minReplicas(0).scaleToZero(new ScaleToZero(idleSeconds)).build()).build();
    }

    static List<String> errorsAt(ValidationReport r, String path) {
        return r.errors().stream().filter(p -> p.path().equals(path)).map(Problem::message).toList();
    }

    @Nested
    @DisplayName("translation and render")
    class Translation {
        @Test
        @DisplayName("golden: CreateEndpoint (v1) with a dedicated endpoint, DeployModel on the v1beta1 service with min 0, "
                + "initialReplicaCount 1 and idleScaledownPeriod = idleSeconds")
        void golden() throws IOException {
            Rendering r = VertexTranslatorTest.backend().render(zero(600));
            VertexTranslatorTest.assertGolden("scale-to-zero.json", r.text());
            var calls = VertexTranslatorTest.calls(r);
            assertThat(calls.get(0).getAsJsonObject().get("service").getAsString()).isEqualTo("ModelService");
            assertThat(calls.get(1).getAsJsonObject().get("service").getAsString()).isEqualTo("EndpointService");
            assertThat(calls.get(1).getAsJsonObject().getAsJsonObject("request").getAsJsonObject("endpoint")
                    .get("dedicatedEndpointEnabled").getAsBoolean()).isTrue();
            assertThat(calls.get(2).getAsJsonObject().get("service").getAsString()).isEqualTo("google.cloud.aiplatform.v1beta1.EndpointService");
            JsonObject dr = VertexTranslatorTest.deployRequest(r).getAsJsonObject("deployedModel").getAsJsonObject("dedicatedResources");
            assertThat(dr.get("minReplicaCount").getAsInt()).isZero();
            assertThat(dr.get("initialReplicaCount").getAsInt()).isEqualTo(1);
            assertThat(dr.getAsJsonObject("scaleToZeroSpec").get("idleScaledownPeriod").getAsString()).isEqualTo("600s");
            assertThat(dr.getAsJsonObject("scaleToZeroSpec").has("minScaleupPeriod")).isFalse();
            assertThat(r.notes()).anyMatch(n -> n.kind() == Note.Kind.DERIVED && n.message().contains("initial_replica_count 1 is "
                    + "InferScale's assumption"));
            assertThat(r.notes()).anyMatch(n -> n.message().contains("Preview") && n.message().contains("429"));
            assertThat(r.notes()).anyMatch(n -> n.message().contains("dedicatedEndpointDns"));
        }

        @Test
        @DisplayName("the options set initialReplicaCount and minScaleupPeriod")
        void options() throws IOException {
            InferenceEndpoint e = zero(900).toBuilder().option("vertex", "initialReplicaCount", 2).option("vertex", "minScaleupSeconds", 1800).build();
            VertexDesiredState d = new VertexTranslator("p", "us-central1").translate(e);
            assertThat(d.scaleToZero()).contains(new VertexScaleToZero(2, 900, Optional.of(1800)));
            Rendering r = VertexTranslatorTest.backend().render(e);
            JsonObject dr = VertexTranslatorTest.deployRequest(r).getAsJsonObject("deployedModel").getAsJsonObject("dedicatedResources");
            assertThat(dr.get("initialReplicaCount").getAsInt()).isEqualTo(2);
            assertThat(dr.getAsJsonObject("scaleToZeroSpec").get("minScaleupPeriod").getAsString()).isEqualTo("1800s");
        }

        @Test
        @DisplayName("the plain spec renders v1 only: no dedicated endpoint, no v1beta1 service, no scale-to-zero fields")
        void plainStaysV1() throws IOException {
            Rendering r = VertexTranslatorTest.backend().render(VertexTranslatorTest.withImage(VertexTranslatorTest.seed()));
            assertThat(r.text()).doesNotContain("v1beta1").doesNotContain("scaleToZeroSpec").doesNotContain("dedicatedEndpointEnabled");
            assertThat(new VertexTranslator("p", "us-central1").translate(VertexTranslatorTest.withImage(VertexTranslatorTest.seed()))
                    .scaleToZero()).isEmpty();
        }
    }

    @Nested
    @DisplayName("wire encoding (v1 messages carrying the v1beta1 fields)")
    class Wire {
        @Test
        @DisplayName("the v1 classes have no field 6 or 11 in DedicatedResources, so the v1beta1 fields stay unknown fields")
        void v1HasNoSuchFields() {
            var fields = DedicatedResources.getDescriptor();
            assertThat(fields.findFieldByNumber(VertexScaleToZero.INITIAL_REPLICA_COUNT_FIELD)).isNull();
            assertThat(fields.findFieldByNumber(VertexScaleToZero.SCALE_TO_ZERO_SPEC_FIELD)).isNull();
        }

        @Test
        @DisplayName("applyTo / of round-trip through bytes, and strip removes only these fields")
        void roundTrip() throws Exception {
            VertexScaleToZero z = new VertexScaleToZero(3, 600, Optional.of(1200));
            DedicatedResources r = z.applyTo(DedicatedResources.newBuilder().setMinReplicaCount(1).setMaxReplicaCount(4)
                    .setMachineSpec(MachineSpec.newBuilder().setMachineType("n1-standard-2")).build());
            assertThat(r.getMinReplicaCount()).isZero();
            DedicatedResources parsed = DedicatedResources.parseFrom(r.toByteArray());
            assertThat(VertexScaleToZero.of(parsed)).contains(z);
            assertThat(VertexScaleToZero.of(VertexScaleToZero.strip(parsed))).isEmpty();
            assertThat(VertexScaleToZero.strip(parsed).getMachineSpec().getMachineType()).isEqualTo("n1-standard-2");
            // exact bytes of the v1beta1 fields: 6 = varint 3; 11 = {1: {1: 1200}, 2: {1: 600}}
            byte[] bytes = r.getUnknownFields().toByteArray();
            assertThat(bytes).containsExactly(0x30, 0x03, 0x5a, 0x0a, 0x0a, 0x03, 0x08, 0xb0 - 256, 0x09, 0x12, 0x03, 0x08, 0xd8 - 256, 0x04);
        }

        @Test
        @DisplayName("the DeployModel request's bytes, for decoding with the v1beta1 protos (target/scale-to-zero-deploy.bin)")
        void requestBytes() throws IOException {
            DeployModelRequest q = new VertexTranslator("test-project", "us-central1").translate(zero(600)).deployModelRequest();
            Path out = Path.of("target", "scale-to-zero-deploy.bin");
            Files.write(out, q.toByteArray());
            assertThat(VertexScaleToZero.of(DeployModelRequest.parseFrom(Files.readAllBytes(out)).getDeployedModel().getDedicatedResources()))
                    .contains(new VertexScaleToZero(1, 600, Optional.empty()));
        }
    }

    @Nested
    @DisplayName("validation by field")
    class Validation {
        @Test
        @DisplayName("idleSeconds outside 300..28800 is an error naming the bounds and their source")
        void idleBounds() throws IOException {
            for (int idle : new int[] {299, 28_801, 60}) {
                ValidationReport r = VertexTranslatorTest.backend().validate(zero(idle));
                assertThat(errorsAt(r, "spec.autoscaling.scaleToZero.idleSeconds")).singleElement().satisfies(m -> assertThat(m)
                        .contains(idle + " s").contains("300..28800").contains("idle_scaledown_period").contains("ScaleToZeroSpec"));
            }
            for (int idle : new int[] {300, 600, 28_800}) {
                assertThat(VertexTranslatorTest.backend().validate(zero(idle)).errors()).isEmpty();
            }
        }

        @Test
        @DisplayName("initialReplicaCount outside 1..maxReplicas and minScaleupSeconds outside 300..28800 are errors at their options")
        void optionBounds() throws IOException {
            ValidationReport r = VertexTranslatorTest.backend().validate(zero(600).toBuilder().option("vertex", "initialReplicaCount", 9)
                    .option("vertex", "minScaleupSeconds", 100).build());
            assertThat(errorsAt(r, "spec.backends.vertex.initialReplicaCount")).singleElement().satisfies(m -> assertThat(m).contains("1..maxReplicas"));
            assertThat(errorsAt(r, "spec.backends.vertex.minScaleupSeconds")).singleElement().satisfies(m -> assertThat(m).contains("300..28800"));
            ValidationReport text = VertexTranslatorTest.backend().validate(zero(600).toBuilder().option("vertex", "initialReplicaCount", "two").build());
            assertThat(errorsAt(text, "spec.backends.vertex.initialReplicaCount")).singleElement().satisfies(m -> assertThat(m).contains("whole number"));
        }

        @Test
        @DisplayName("the scale-to-zero options without scaleToZero are errors")
        void optionsNeedScaleToZero() throws IOException {
            InferenceEndpoint e = VertexTranslatorTest.withImage(VertexTranslatorTest.seed()).toBuilder().option("vertex", "initialReplicaCount", 1).build();
            assertThat(errorsAt(VertexTranslatorTest.backend().validate(e), "spec.backends.vertex.initialReplicaCount"))
                    .singleElement().satisfies(m -> assertThat(m).contains("scaleToZero"));
        }

        @Test
        @DisplayName("a Preview warning; the capability SCALE_TO_ZERO is supported with the 429 note")
        void warningAndCapability() throws IOException {
            assertThat(VertexTranslatorTest.backend().validate(zero(600)).warnings())
                    .anyMatch(p -> p.path().equals("spec.autoscaling.scaleToZero") && p.message().contains("Preview"));
            var c = new VertexBackendProvider().capabilities();
            assertThat(c.support(Feature.SCALE_TO_ZERO)).isEqualTo(Support.NATIVE);
            assertThat(c.note(Feature.SCALE_TO_ZERO)).startsWith("Preview (v1beta1); while at zero Vertex answers 429 and drops the request");
        }
    }

    @Nested
    @DisplayName("lifecycle against the fake")
    class Lifecycle {
        FakeVertexServer fake;
        VertexBackend backend;

        @BeforeEach
        void start() {
            fake = new FakeVertexServer();
            Map<String, String> config = new HashMap<>(Map.of("vertex.project", "test-project", "vertex.location", "us-central1",
                    "vertex.endpointOverride", "inprocess:" + fake.name(), "vertex.pollInterval", "10ms", "vertex.operationTimeout", "10s"));
            backend = (VertexBackend) new VertexBackendProvider().create(BackendConfig.of(config));
        }

        @AfterEach
        void stop() {
            backend.close();
            fake.close();
        }

        List<String> writesSince(int from) {
            return fake.calls().subList(from, fake.calls().size()).stream().filter(c -> !c.contains("Get") && !c.contains("List")).toList();
        }

        @Test
        @DisplayName("apply deploys through v1beta1; status shows min 0 and the settings; re-apply and plan are no-ops; delete removes all")
        void applyStatusReapplyDelete() throws IOException {
            ApplyResult r = backend.apply(zero(600));
            assertThat(writesSince(0)).containsExactly("UploadModel", "CreateEndpoint", "v1beta1.DeployModel");
            assertThat(fake.calls()).doesNotContain("DeployModel").contains("v1beta1.GetEndpoint");
            assertThat(r.warnings()).anyMatch(p -> p.message().contains("Preview"));
            Endpoint stored = fake.endpoint(ENDPOINT).orElseThrow();
            assertThat(stored.getDedicatedEndpointEnabled()).isTrue();
            DeployedModel dm = stored.getDeployedModels(0);
            assertThat(dm.getDedicatedResources().getMinReplicaCount()).isZero();
            assertThat(VertexScaleToZero.of(dm.getDedicatedResources())).contains(new VertexScaleToZero(1, 600, Optional.empty()));

            EndpointStatus s = backend.awaitReady("my-model-endpoint", Duration.ofSeconds(5));
            assertThat(s.state()).isEqualTo(EndpointState.READY);
            assertThat(s.minReplicas()).isZero();
            assertThat(s.details()).containsEntry("scaleToZero", "idle_scaledown_period 600 s, initial_replica_count 1, "
                    + "min_scaleup_period 3600 s (Vertex's default)").containsKey("dedicatedEndpointDns");

            int before = fake.calls().size();
            long writes = fake.writeCount();
            assertThat(backend.plan(zero(600)).changes()).isEmpty();
            ApplyResult again = backend.apply(zero(600));
            assertThat(again.plan().changes()).isEmpty();
            assertThat(fake.writeCount()).isEqualTo(writes);
            assertThat(fake.calls().subList(before, fake.calls().size())).containsOnly("v1beta1.GetEndpoint");

            assertThat(backend.delete("my-model-endpoint")).isTrue();
            assertThat(fake.endpoint(ENDPOINT)).isEmpty();
            assertThat(fake.modelNames()).isEmpty();
        }

        @Test
        @DisplayName("v1 reads do not see the settings (as Vertex's v1 service); the planner reads through v1beta1 and stays a no-op")
        void v1ReadHidesSettings() throws IOException {
            backend.apply(zero(600));
            assertThat(fake.state()).contains("replicas=0..5").contains("scaleToZero=idle_scaledown_period 600 s").contains(" dedicated");
            assertThat(backend.plan(zero(600)).changes()).isEmpty();
        }

        @Test
        @DisplayName("a new idleSeconds redeploys (the settings are immutable): undeploy first (one model per endpoint), then v1beta1 deploy")
        void idleChangeRedeploys() throws IOException {
            backend.apply(zero(600));
            int from = fake.calls().size();
            ApplyResult r = backend.apply(zero(1200));
            assertThat(writesSince(from)).containsExactly("UndeployModel", "v1beta1.DeployModel");
            assertThat(r.plan().changes()).extracting(Change::action).containsExactly(Change.Action.DELETE, Change.Action.REPLACE);
            assertThat(r.plan().changes().get(1).fields()).anyMatch(f -> f.path().equals("dedicatedResources.scaleToZero")
                    && f.after().startsWith("idle_scaledown_period 1200 s") && f.before().startsWith("idle_scaledown_period 600 s"));
            assertThat(fake.state()).contains("idle_scaledown_period 1200 s").doesNotContain("idle_scaledown_period 600 s");
        }

        @Test
        @DisplayName("maxReplicas changes in place through v1beta1 MutateDeployedModel")
        void mutateThroughV1beta1() throws IOException {
            backend.apply(zero(600));
            InferenceEndpoint more = zero(600);
            more = more.toBuilder().autoscaling(more.autoscaling().toBuilder().maxReplicas(4).build()).build();
            int from = fake.calls().size();
            backend.apply(more);
            assertThat(writesSince(from)).containsExactly("v1beta1.MutateDeployedModel");
            assertThat(fake.state()).contains("replicas=0..4").contains("scaleToZero=idle_scaledown_period 600 s");
        }

        @Test
        @DisplayName("back to a plain spec: undeploy the scale-to-zero model, then a v1 deploy with min 1")
        void backToPlain() throws IOException {
            backend.apply(zero(600));
            int from = fake.calls().size();
            backend.apply(VertexTranslatorTest.withImage(VertexTranslatorTest.seed()));
            assertThat(writesSince(from)).containsExactly("UndeployModel", "DeployModel");
            assertThat(fake.state()).contains("replicas=1..5").doesNotContain("scaleToZero").doesNotContain("replicas=0");
        }

        @Test
        @DisplayName("scale to zero on an existing shared endpoint is refused before any write, naming the limitation and the fix")
        void sharedEndpointRefused() throws IOException {
            backend.apply(VertexTranslatorTest.withImage(VertexTranslatorTest.seed()));
            long writes = fake.writeCount();
            BackendException e = catchThrowableOfType(BackendException.class, () -> backend.apply(zero(600)));
            assertThat(e.reason()).isEqualTo(BackendException.Reason.INVALID_REQUEST);
            assertThat(e.getMessage()).contains("shared public endpoint").contains("delete the endpoint and apply again");
            assertThat(fake.writeCount()).isEqualTo(writes);
        }
    }
}
