package io.inferscale.backend.vertex;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.inferscale.api.Accelerator;
import io.inferscale.api.AcceleratorType;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.ResourceList;
import io.inferscale.api.Resources;
import io.inferscale.api.ScaleToZero;
import io.inferscale.api.ScalingBehavior;
import io.inferscale.api.ScalingPolicy;
import io.inferscale.api.ScalingRules;
import io.inferscale.api.TargetType;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Note;
import io.inferscale.api.backend.Rendering;
import io.inferscale.api.codec.EndpointCodec;
import io.inferscale.api.validation.Problem;
import io.inferscale.api.validation.ValidationReport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VertexTranslatorTest {

    static final String IMAGE = "us-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-3:latest";

    static InferenceEndpoint seed() throws IOException {
        try (InputStream in = VertexTranslatorTest.class.getResourceAsStream("/inference_endpoint.yaml")) {
            return EndpointCodec.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), "inference_endpoint.yaml").endpoint();
        }
    }

    static VertexBackend backend() {
        return new VertexBackend(BackendConfig.of(Map.of("vertex.project", "my-project", "vertex.location", "us-central1")));
    }

    static InferenceEndpoint withImage(InferenceEndpoint e) {
        return e.toBuilder().model(e.model().toBuilder().image(IMAGE).artifactUri("gs://my-bucket/my-ml-model/v1/").build()).build();
    }

    static void assertGolden(String file, String actual) throws IOException {
        Path path = Path.of("src/test/resources/golden", file);
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(path.getParent());
            Files.writeString(path, actual);
        }
        try (InputStream in = VertexTranslatorTest.class.getResourceAsStream("/golden/" + file)) {
            assertThat(in).as("golden file %s (run with -Dgolden.update=true to create it)", file).isNotNull();
            assertThat(actual).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static JsonArray calls(Rendering r) {
        return JsonParser.parseString(r.text()).getAsJsonArray();
    }

    static JsonObject deployRequest(Rendering r) {
        JsonArray calls = calls(r);
        return calls.get(calls.size() - 1).getAsJsonObject().getAsJsonObject("request");
    }

    @Nested
    @DisplayName("render (golden)")
    class Golden {
        @Test
        @DisplayName("the seed with an image uploads the model, creates the endpoint and deploys on n1-standard-2")
        void seedUpload() throws IOException {
            Rendering r = backend().render(withImage(seed()));
            assertThat(r.format()).isEqualTo("json");
            assertGolden("seed-upload.json", r.text());
            JsonArray calls = calls(r);
            assertThat(calls).hasSize(3);
            assertThat(calls.get(0).getAsJsonObject().get("method").getAsString()).isEqualTo("UploadModel");
            assertThat(calls.get(1).getAsJsonObject().get("method").getAsString()).isEqualTo("CreateEndpoint");
            assertThat(calls.get(2).getAsJsonObject().get("method").getAsString()).isEqualTo("DeployModel");
            JsonObject dr = deployRequest(r).getAsJsonObject("deployedModel").getAsJsonObject("dedicatedResources");
            assertThat(dr.getAsJsonObject("machineSpec").get("machineType").getAsString()).isEqualTo("n1-standard-2");
            // 60 % of the 500m CPU request = 0.3 cores; Vertex measures the whole machine: 0.3 / 2 vCPUs = 15 %
            assertThat(dr.getAsJsonArray("autoscalingMetricSpecs").get(0).getAsJsonObject().get("target").getAsInt()).isEqualTo(15);
            assertThat(r.notes()).filteredOn(n -> n.path().equals("spec.autoscaling.targetCPUUtilizationPercentage"))
                    .extracting(n -> n.kind() + " " + n.message()).containsExactly("DERIVED 60% of the 500m CPU request = 0.3 cores = 15% "
                            + "of the machine → " + VertexTranslator.CPU_METRIC + " target 15 (Vertex measures CPU utilization against "
                            + "all 2 vCPUs of n1-standard-2)");
            assertThat(deployRequest(r).getAsJsonObject("trafficSplit").get("0").getAsInt()).isEqualTo(100);
            assertThat(r.notes()).anyMatch(n -> n.kind() == Note.Kind.DERIVED && n.message().contains("n1-standard-2"));
        }

        @Test
        @DisplayName("the seed with spec.backends.vertex.model deploys that model without uploading")
        void seedExistingModel() throws IOException {
            InferenceEndpoint e = seed().toBuilder().option("vertex", "model", "projects/my-project/locations/us-central1/models/123").build();
            Rendering r = backend().render(e);
            assertGolden("seed-existing-model.json", r.text());
            assertThat(calls(r)).hasSize(2);
        }

        @Test
        @DisplayName("an L4 GPU endpoint scaling on requests per second and duty cycle")
        void gpuRequestsPerSecond() throws IOException {
            InferenceEndpoint e = withImage(seed()).toBuilder()
                    .resources(Resources.of(ResourceList.of("4", "16Gi"), ResourceList.of("8", "24Gi"), new Accelerator(AcceleratorType.NVIDIA_L4, 1)))
                    .autoscaling(seed().autoscaling().toBuilder().minReplicas(2).maxReplicas(8).removeTarget(TargetType.CPU_UTILIZATION)
                            .target(TargetType.REQUESTS_PER_SECOND, new BigDecimal("2.5"))
                            .target(TargetType.ACCELERATOR_UTILIZATION, 70).build())
                    .label("team", "ML.Platform").build();
            Rendering r = backend().render(e);
            assertGolden("gpu-l4-rps.json", r.text());
            JsonObject dr = deployRequest(r).getAsJsonObject("deployedModel").getAsJsonObject("dedicatedResources");
            assertThat(dr.getAsJsonObject("machineSpec").get("machineType").getAsString()).isEqualTo("g2-standard-8");
            assertThat(dr.getAsJsonObject("machineSpec").get("acceleratorType").getAsString()).isEqualTo("NVIDIA_L4");
            assertThat(dr.getAsJsonArray("autoscalingMetricSpecs").toString())
                    .contains("\"metricName\":\"aiplatform.googleapis.com/prediction/online/request_count\",\"target\":150")
                    .contains("\"metricName\":\"aiplatform.googleapis.com/prediction/online/accelerator/duty_cycle\",\"target\":70");
        }
    }

    @Nested
    @DisplayName("mapping")
    class Mapping {
        VertexDesiredState translate(InferenceEndpoint e) {
            return new VertexTranslator("p", "us-central1").translate(e);
        }

        @Test
        @DisplayName("requests per second become requests per minute: rps x 60, rounded and flagged when inexact")
        void rpsTimesSixty() throws IOException {
            InferenceEndpoint e = withImage(seed()).toBuilder().autoscaling(seed().autoscaling().toBuilder()
                    .removeTarget(TargetType.CPU_UTILIZATION).target(TargetType.REQUESTS_PER_SECOND, new BigDecimal("0.333")).build()).build();
            VertexDesiredState s = translate(e);
            assertThat(s.deployedModel().getDedicatedResources().getAutoscalingMetricSpecs(0).getTarget()).isEqualTo(20);
            assertThat(s.notes()).anyMatch(n -> n.kind() == Note.Kind.APPROXIMATED && n.message().contains("19.98"));
            InferenceEndpoint exact = e.toBuilder().autoscaling(e.autoscaling().toBuilder().target(TargetType.REQUESTS_PER_SECOND, 10).build()).build();
            assertThat(translate(exact).deployedModel().getDedicatedResources().getAutoscalingMetricSpecs(0).getTarget()).isEqualTo(600);
        }

        @Test
        @DisplayName("without a CPU target, Vertex's CPU metric is rendered explicitly at 60%, with a warning and an APPROXIMATED note")
        void implicitCpuMetric() throws IOException {
            InferenceEndpoint rpsOnly = withImage(seed()).toBuilder().autoscaling(seed().autoscaling().toBuilder()
                    .removeTarget(TargetType.CPU_UTILIZATION).target(TargetType.REQUESTS_PER_SECOND, 20).build()).build();
            VertexDesiredState s = translate(rpsOnly);
            assertThat(s.deployedModel().getDedicatedResources().getAutoscalingMetricSpecsList())
                    .extracting(m -> m.getMetricName() + "=" + m.getTarget())
                    .containsExactly(VertexTranslator.REQUEST_COUNT_METRIC + "=1200", VertexTranslator.CPU_METRIC + "=60");
            assertThat(s.notes()).anyMatch(n -> n.kind() == Note.Kind.APPROXIMATED
                    && n.message().contains(VertexTranslator.CPU_METRIC) && n.message().contains("60%")
                    && n.message().contains("all 2 vCPUs of n1-standard-2") && n.message().contains("targetCPUUtilizationPercentage")
                    // Vertex's 60 of the machine in the spec's terms: 0.6 x 2 vCPUs = 1.2 cores = 240 % of the 500m request
                    && n.message().contains("n1-standard-2: 1.2 cores, 240% of the 500m CPU request)"));
            assertThat(new VertexTranslator("p", "us-central1").check(rpsOnly).warnings())
                    .anyMatch(p -> p.path().equals("spec.autoscaling") && p.message().contains(VertexTranslator.CPU_METRIC));
            assertThat(translate(withImage(seed())).notes()).noneMatch(n -> n.kind() == Note.Kind.APPROXIMATED);
            assertThat(new VertexTranslator("p", "us-central1").check(withImage(seed())).warnings()).isEmpty();
        }

        @Test
        @DisplayName("with accelerators and no accelerator target, duty cycle is rendered explicitly at 60% next to the CPU target")
        void implicitDutyCycle() throws IOException {
            InferenceEndpoint gpuCpuOnly = withImage(seed()).toBuilder()
                    .resources(seed().resources().withAccelerator(new Accelerator(AcceleratorType.NVIDIA_T4, 1))).build();
            VertexDesiredState s = translate(gpuCpuOnly);
            assertThat(s.deployedModel().getDedicatedResources().getAutoscalingMetricSpecsList())
                    .extracting(m -> m.getMetricName() + "=" + m.getTarget())
                    .containsExactly(VertexTranslator.CPU_METRIC + "=15", VertexTranslator.ACCELERATOR_METRIC + "=60"); // CPU: 60 % of 500m on 2 vCPUs
            assertThat(s.notes()).anyMatch(n -> n.kind() == Note.Kind.APPROXIMATED && n.message().contains(VertexTranslator.ACCELERATOR_METRIC)
                    && n.message().contains("targetAcceleratorUtilizationPercentage"));
        }

        @Test
        @DisplayName("dedicatedResources gives the rendered metric specs also for an endpoint that cannot be deployed yet (no image)")
        void dedicatedResourcesWithoutImage() throws IOException {
            var dr = new VertexTranslator("p", "us-central1").dedicatedResources(seed());
            assertThat(dr.getAutoscalingMetricSpecsList()).extracting(m -> m.getMetricName() + "=" + m.getTarget())
                    .containsExactly(VertexTranslator.CPU_METRIC + "=15"); // 60 % of 500m on 2 vCPUs
            assertThat(dr.getMachineSpec().getMachineType()).isEqualTo("n1-standard-2");
        }

        @Test
        @DisplayName("accelerators map to Vertex types and the smallest machine family that carries them")
        void accelerators() throws IOException {
            record Case(AcceleratorType type, int count, String machine, String vertexType) {
            }
            for (Case c : List.of(new Case(AcceleratorType.NVIDIA_T4, 1, "n1-standard-2", "NVIDIA_TESLA_T4"),
                    new Case(AcceleratorType.NVIDIA_L4, 1, "g2-standard-4", "NVIDIA_L4"),
                    new Case(AcceleratorType.NVIDIA_A100, 2, "a2-highgpu-2g", "NVIDIA_TESLA_A100"),
                    new Case(AcceleratorType.NVIDIA_H100, 8, "a3-highgpu-8g", "NVIDIA_H100_80GB"))) {
                InferenceEndpoint e = withImage(seed()).toBuilder()
                        .resources(seed().resources().withAccelerator(new Accelerator(c.type(), c.count()))).build();
                var spec = translate(e).deployedModel().getDedicatedResources().getMachineSpec();
                assertThat(spec.getMachineType()).as(c.toString()).isEqualTo(c.machine());
                assertThat(spec.getAcceleratorType().name()).isEqualTo(c.vertexType());
                assertThat(spec.getAcceleratorCount()).isEqualTo(c.count());
            }
        }

        @Test
        @DisplayName("an explicit machineType is used as given; the CPU target keeps its cores: 0.3 of 4 vCPUs = 7.5, rendered 8, APPROXIMATED")
        void explicitMachine() throws IOException {
            InferenceEndpoint e = withImage(seed()).toBuilder().option("vertex", "machineType", "n1-standard-4").build();
            VertexDesiredState s = translate(e);
            var dr = s.deployedModel().getDedicatedResources();
            assertThat(dr.getMachineSpec().getMachineType()).isEqualTo("n1-standard-4");
            assertThat(dr.getAutoscalingMetricSpecs(0).getMetricName()).isEqualTo(VertexTranslator.CPU_METRIC);
            // 60 % of 500m = 0.3 cores = 7.5 % of 4 vCPUs, half up to 8 = 0.32 cores: 6.7 % off, more than the 5 % noted as DERIVED
            assertThat(dr.getAutoscalingMetricSpecs(0).getTarget()).isEqualTo(8);
            assertThat(s.notes()).filteredOn(n -> n.path().equals("spec.autoscaling.targetCPUUtilizationPercentage"))
                    .extracting(n -> n.kind() + " " + n.message()).containsExactly("APPROXIMATED 60% of the 500m CPU request = 0.3 cores "
                            + "= 7.5% of the machine → " + VertexTranslator.CPU_METRIC + " target 8 (Vertex measures CPU utilization against "
                            + "all 4 vCPUs of n1-standard-4); rounded to a whole percentage, as Vertex targets are: the threshold is 0.32 "
                            + "cores instead of 0.3");
        }

        private InferenceEndpoint cpuTarget(int percent, String requestCpu, String machineType) throws IOException {
            return withImage(seed()).toBuilder().option("vertex", "machineType", machineType)
                    .resources(Resources.of(ResourceList.of(requestCpu, "1Gi"), ResourceList.empty()))
                    .autoscaling(seed().autoscaling().toBuilder().target(TargetType.CPU_UTILIZATION, percent).build()).build();
        }

        private static Note cpuNote(VertexDesiredState s) {
            return s.notes().stream().filter(n -> n.path().equals("spec.autoscaling.targetCPUUtilizationPercentage")).findFirst().orElseThrow();
        }

        @Test
        @DisplayName("CPU target rounding: within 5 % of the threshold DERIVED, below 1 % of the machine raised to 1 and APPROXIMATED")
        void cpuTargetRounding() throws IOException {
            // 70 % of 500m = 0.35 cores = 8.75 % of 4 vCPUs → 9 (0.36 cores): 0.25 / 8.75 = 2.9 % off, DERIVED with both values
            VertexDesiredState near = translate(cpuTarget(70, "500m", "n1-standard-4"));
            assertThat(near.deployedModel().getDedicatedResources().getAutoscalingMetricSpecs(0).getTarget()).isEqualTo(9);
            assertThat(cpuNote(near).kind()).isEqualTo(Note.Kind.DERIVED);
            assertThat(cpuNote(near).message()).contains("= 8.75% of the machine", "target 9 ", "the threshold is 0.36 cores instead of 0.35");
            // 100 % of 2 cores on n1-standard-2 is the whole machine: 100, exact
            VertexDesiredState whole = translate(cpuTarget(100, "2", "n1-standard-2"));
            assertThat(whole.deployedModel().getDedicatedResources().getAutoscalingMetricSpecs(0).getTarget()).isEqualTo(100);
            assertThat(cpuNote(whole).kind()).isEqualTo(Note.Kind.DERIVED);
            // 10 % of 100m = 0.01 cores = 0.125 % of 8 vCPUs: Vertex's smallest target is 1 (0.08 cores), APPROXIMATED
            VertexDesiredState tiny = translate(cpuTarget(10, "100m", "n1-standard-8"));
            assertThat(tiny.deployedModel().getDedicatedResources().getAutoscalingMetricSpecs(0).getTarget()).isEqualTo(1);
            assertThat(cpuNote(tiny).kind()).isEqualTo(Note.Kind.APPROXIMATED);
            assertThat(cpuNote(tiny).message()).contains("= 0.125% of the machine", "target 1 ", "the threshold is 0.08 cores instead of 0.01");
        }

        @Test
        @DisplayName("without requests.cpu, or on an uncatalogued machine, the CPU percentage is rendered as is and the note says of what")
        void cpuTargetWithoutConversion() throws IOException {
            InferenceEndpoint noRequest = withImage(seed()).toBuilder()
                    .resources(Resources.of(ResourceList.of((String) null, "1Gi"), ResourceList.of("1", "2Gi"))).build();
            VertexDesiredState s = translate(noRequest);
            assertThat(s.deployedModel().getDedicatedResources().getAutoscalingMetricSpecs(0).getTarget()).isEqualTo(60);
            assertThat(cpuNote(s).kind()).isEqualTo(Note.Kind.DERIVED);
            assertThat(cpuNote(s).message()).isEqualTo("60% CPU of the whole machine (no requests.cpu to take it of) → "
                    + VertexTranslator.CPU_METRIC + " target 60 (Vertex measures CPU utilization against all 2 vCPUs of n1-standard-2)");
            VertexDesiredState unknown = translate(withImage(seed()).toBuilder().option("vertex", "machineType", "n4-standard-4").build());
            assertThat(unknown.deployedModel().getDedicatedResources().getAutoscalingMetricSpecs(0).getTarget()).isEqualTo(60);
            assertThat(cpuNote(unknown).kind()).isEqualTo(Note.Kind.APPROXIMATED);
            assertThat(cpuNote(unknown).message()).contains("vCPUs are unknown", "spec.backends.vertex.machineType");
        }

        @Test
        @DisplayName("endpoint ids start with a letter; labels follow Vertex rules; managed labels are added")
        void namesAndLabels() throws IOException {
            InferenceEndpoint e = withImage(seed()).toBuilder().name("9lives").label("app.kubernetes.io/name", "Fraud").build();
            VertexDesiredState s = translate(e);
            assertThat(s.endpointId()).isEqualTo("ep-9lives");
            assertThat(s.endpoint().getLabelsMap()).containsEntry("app_kubernetes_io_name", "fraud")
                    .containsEntry("managed_by", "inferscale").containsEntry("inferscale_endpoint", "9lives");
            assertThat(s.modelId().orElseThrow()).matches("ep-9lives-[0-9a-f]{10}");
        }

        @Test
        @DisplayName("a changed image gives a new model id; an unchanged spec gives the same one")
        void modelIdFollowsContent() throws IOException {
            InferenceEndpoint a = withImage(seed());
            InferenceEndpoint b = a.toBuilder().model(a.model().toBuilder().image(IMAGE + "-2").build()).build();
            assertThat(translate(a).modelId()).isEqualTo(translate(withImage(seed())).modelId()).isNotEqualTo(translate(b).modelId());
        }
    }

    @Nested
    @DisplayName("validation")
    class Validation {
        List<String> errors(InferenceEndpoint e) {
            return backend().validate(e).errors().stream().map(Problem::format).toList();
        }

        @Test
        @DisplayName("memory and concurrency targets are rejected by name, listing the supported targets")
        void unsupportedTargets() throws IOException {
            InferenceEndpoint e = withImage(seed()).toBuilder().autoscaling(seed().autoscaling().toBuilder()
                    .target(TargetType.MEMORY_UTILIZATION, 70).target(TargetType.CONCURRENT_REQUESTS, 4).build()).build();
            assertThat(errors(e)).anyMatch(m -> m.contains("targetMemoryUtilizationPercentage") && m.contains("targetCPUUtilizationPercentage")
                    && m.contains("targetRequestsPerSecondPerReplica") && m.contains("targetAcceleratorUtilizationPercentage"))
                    .anyMatch(m -> m.contains("targetConcurrentRequestsPerReplica"));
            assertThatThrownBy(() -> backend().render(e)).isInstanceOf(InvalidEndpointException.class);
        }

        @Test
        @DisplayName("a rejected artifact URI is quoted without its user info or query (credentials)")
        void rejectedUriHidesCredentials() throws IOException {
            InferenceEndpoint e = withImage(seed()).toBuilder().model(seed().model().toBuilder().image(IMAGE)
                    .artifactUri("ftp://bob:CANARY-PASSWORD@host/m?token=CANARY-TOKEN").build()).build();
            assertThat(errors(e)).anyMatch(m -> m.contains("spec.model.artifactUri") && m.contains("ftp://****@host/m?****"))
                    .noneMatch(m -> m.contains("CANARY"));
        }

        @Test
        @DisplayName("A10G is rejected naming it and the alternatives")
        void a10g() throws IOException {
            InferenceEndpoint e = withImage(seed()).toBuilder()
                    .resources(seed().resources().withAccelerator(new Accelerator(AcceleratorType.NVIDIA_A10G, 1))).build();
            assertThat(errors(e)).anyMatch(m -> m.contains("spec.resources.accelerator.type") && m.contains("nvidia-a10g")
                    && m.contains("nvidia-l4"));
        }

        @Test
        @DisplayName("minReplicas 0 with scaleToZero is accepted (v1beta1 Preview, a warning); details in VertexScaleToZeroTest")
        void scaleToZero() throws IOException {
            InferenceEndpoint e = withImage(seed()).toBuilder().autoscaling(seed().autoscaling().toBuilder().minReplicas(0)
                    .scaleToZero(new ScaleToZero(600)).build()).build();
            assertThat(errors(e)).isEmpty();
            assertThat(backend().validate(e).warnings()).anyMatch(p -> p.path().equals("spec.autoscaling.scaleToZero")
                    && p.message().contains("Preview"));
        }

        @Test
        @DisplayName("a scale-down window other than 300 s is flagged approximated; 300 s matches without a warning")
        void stabilization() throws IOException {
            InferenceEndpoint e600 = withImage(seed()).toBuilder().autoscaling(seed().autoscaling().toBuilder()
                    .behavior(ScalingBehavior.of(null, ScalingRules.stabilization(600))).build()).build();
            ValidationReport r = backend().validate(e600);
            assertThat(r.hasErrors()).isFalse();
            assertThat(r.warnings()).anyMatch(p -> p.path().endsWith("scaleDown.stabilizationWindowSeconds"));
            assertThat(backend().render(e600).notes()).anyMatch(n -> n.kind() == Note.Kind.APPROXIMATED && n.message().contains("requested 600 s"));

            InferenceEndpoint e300 = e600.toBuilder().autoscaling(e600.autoscaling().toBuilder()
                    .behavior(ScalingBehavior.of(ScalingRules.stabilization(0), ScalingRules.stabilization(300))).build()).build();
            assertThat(backend().validate(e300).warnings()).noneMatch(p -> p.path().contains("stabilizationWindowSeconds"));
            assertThat(backend().render(e300).notes()).noneMatch(n -> n.kind() == Note.Kind.APPROXIMATED);
        }

        @Test
        @DisplayName("rate policies are rejected")
        void ratePolicies() throws IOException {
            InferenceEndpoint e = withImage(seed()).toBuilder().autoscaling(seed().autoscaling().toBuilder()
                    .behavior(ScalingBehavior.of(ScalingRules.of(null, List.of(new ScalingPolicy(ScalingPolicy.Type.PODS, 2, 60)), null), null))
                    .build()).build();
            assertThat(errors(e)).anyMatch(m -> m.contains("scaleUp.policies") && m.contains("no scaling rate limits"));
        }

        @Test
        @DisplayName("no image and no existing model is an error naming both fixes; a too-small machine names one that fits")
        void modelAndMachine() throws IOException {
            assertThat(errors(seed())).anyMatch(m -> m.contains("spec.model.image") && m.contains("spec.backends.vertex.model"));
            InferenceEndpoint small = withImage(seed()).toBuilder().resources(Resources.of(ResourceList.of("6", "8Gi"), ResourceList.empty()))
                    .option("vertex", "machineType", "n1-standard-4").build();
            assertThat(errors(small)).anyMatch(m -> m.contains("spec.backends.vertex.machineType") && m.contains("n1-standard-8 fits"));
            InferenceEndpoint typo = withImage(seed()).toBuilder().option("vertex", "machinetype", "n1-standard-4").build();
            assertThat(errors(typo)).anyMatch(m -> m.contains("spec.backends.vertex.machinetype") && m.contains("machineType"));
        }

        @Test
        @DisplayName("a Docker Hub image is an error naming allowExternalRegistry; with allowExternalRegistry: true it is uploaded")
        void dockerHubImage() throws IOException {
            InferenceEndpoint e = withImage(seed()).toBuilder().model(withImage(seed()).model().toBuilder().image("vllm/vllm-openai:v0.6.0").build()).build();
            assertThat(backend().validate(e).errors()).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo("spec.model.image");
                assertThat(p.message()).isEqualTo("'vllm/vllm-openai:v0.6.0' is on Docker Hub, but Vertex AI pulls serving images from Artifact "
                        + "Registry (or Container Registry); push it there (e.g. us-central1-docker.pkg.dev/my-project/my-repo/my-model:v1), "
                        + "or set spec.backends.vertex.allowExternalRegistry: true if your project can pull it");
            });
            assertThat(errors(e.toBuilder().model(e.model().toBuilder().image("docker.io/library/python:3.12").build()).build()))
                    .singleElement().satisfies(m -> assertThat(m).contains("spec.model.image").contains("Docker Hub"));
            InferenceEndpoint allowed = e.toBuilder().option("vertex", "allowExternalRegistry", true).build();
            assertThat(errors(allowed)).isEmpty();
            assertThat(backend().render(allowed).text()).contains("\"imageUri\": \"vllm/vllm-openai:v0.6.0\"");
            assertThat(errors(e.toBuilder().option("vertex", "allowExternalRegistry", "yes").build()))
                    .singleElement().satisfies(m -> assertThat(m).contains("spec.backends.vertex.allowExternalRegistry").contains("true or false"));
            assertThat(VertexTranslator.isDockerHub("us-central1-docker.pkg.dev/p/r/m:v1")).isFalse();
            assertThat(VertexTranslator.isDockerHub("gcr.io/p/m:v1")).isFalse();
            assertThat(VertexTranslator.isDockerHub("localhost:5000/m")).isFalse();
            assertThat(VertexTranslator.isDockerHub("my-model:v1")).isTrue();
        }

        @Test
        @DisplayName("startupSeconds: 600 -> containerSpec.startupProbe (tcpSocket on the port, 120 x 5 s); with healthPath an httpGet; a new model id")
        void startupProbe() throws IOException {
            InferenceEndpoint e = withImage(seed()).toBuilder().model(withImage(seed()).model().toBuilder().startupSeconds(600).build()).build();
            Rendering r = backend().render(e);
            JsonObject probe = calls(r).get(0).getAsJsonObject().getAsJsonObject("request").getAsJsonObject("model")
                    .getAsJsonObject("containerSpec").getAsJsonObject("startupProbe");
            assertThat(probe.toString()).isEqualTo("{\"periodSeconds\":5,\"timeoutSeconds\":10,\"tcpSocket\":{\"port\":8080},\"failureThreshold\":120}");
            InferenceEndpoint http = e.toBuilder().model(e.model().toBuilder().healthPath("/health").build()).build();
            assertThat(backend().render(http).text()).contains("\"httpGet\": {\n");
            assertThat(new VertexTranslator("p", "us-central1").translate(e).modelId())
                    .isNotEqualTo(new VertexTranslator("p", "us-central1").translate(withImage(seed())).modelId());
        }

        @Test
        @DisplayName("an env secret reference is an error naming the variable and Secret Manager")
        void secretEnv() throws IOException {
            InferenceEndpoint e = withImage(seed()).toBuilder().model(withImage(seed()).model().toBuilder()
                    .secretEnv("HF_TOKEN", new io.inferscale.api.SecretKeyRef("hf", "token")).build()).build();
            assertThat(backend().validate(e).errors()).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo("spec.model.env.HF_TOKEN");
                assertThat(p.message()).isEqualTo("Vertex AI cannot take an environment value from a secret (ModelContainerSpec env holds plain "
                        + "text only); store it in Google Secret Manager and read it in the container at start-up (the endpoint's service account "
                        + "needs roles/secretmanager.secretAccessor), and pass only the secret's resource name, e.g. "
                        + "HF_TOKEN_SECRET=projects/my-project/secrets/my-secret/versions/latest");
            });
        }

        @Test
        @DisplayName("spec.backends.vertex.artifactUri gs:// overrides the neutral s3:// artifact (one spec for both clouds)")
        void artifactOverride() throws IOException {
            InferenceEndpoint e = withImage(seed()).toBuilder().model(withImage(seed()).model().toBuilder().artifactUri("s3://models/m/model.tar.gz").build())
                    .option("sagemaker", "artifactUri", "s3://models/m/model.tar.gz").option("vertex", "artifactUri", "gs://models/m/").build();
            assertThat(errors(e)).isEmpty();
            assertThat(backend().render(e).text()).contains("\"artifactUri\": \"gs://models/m/\"").doesNotContain("s3://");
            assertThat(errors(e.toBuilder().option("vertex", "artifactUri", null).build())).anyMatch(m -> m.contains("spec.model.artifactUri"));
        }

        @Test
        @DisplayName("environment names that are not C identifiers are errors naming the variable, before any call")
        void environmentNames() throws IOException {
            InferenceEndpoint e = withImage(seed()).toBuilder().model(withImage(seed()).model().toBuilder()
                    .env("log.level", "info").env("MODEL_THREADS", "4").build()).build();
            assertThat(errors(e)).singleElement().satisfies(m -> assertThat(m).contains("spec.model.env.log.level")
                    .contains("C identifier").contains("log_level"));
        }

        @Test
        @DisplayName("labels that collide after Vertex's rules, or use InferScale's reserved keys, are errors")
        void labels() throws IOException {
            InferenceEndpoint e = withImage(seed()).toBuilder().label("Team", "a").label("team", "b").label("managed_by", "me").build();
            assertThat(errors(e)).anyMatch(m -> m.contains("metadata.labels.team") && m.contains("'Team' and 'team'"))
                    .anyMatch(m -> m.contains("metadata.labels.managed_by") && m.contains("reserved"));
        }

        @Test
        @DisplayName("accelerator counts Vertex does not offer are rejected with the offered counts")
        void acceleratorCount() throws IOException {
            InferenceEndpoint e = withImage(seed()).toBuilder()
                    .resources(seed().resources().withAccelerator(new Accelerator(AcceleratorType.NVIDIA_T4, 3))).build();
            assertThat(errors(e)).anyMatch(m -> m.contains("3x nvidia-t4") && m.contains("1, 2, 4"));
        }
    }
}
