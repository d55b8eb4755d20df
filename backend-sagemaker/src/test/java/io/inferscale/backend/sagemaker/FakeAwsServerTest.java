package io.inferscale.backend.sagemaker;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/** The fake's {@code FakeCloud} surface, driven with the plain SDK as a user of the published test-jar would. */
class FakeAwsServerTest {

    private static final String ROLE = "arn:aws:iam::123456789012:role/SageMakerExecutionRole";

    private static void createModel(SageMakerClient sm) {
        sm.createModel(b -> b.modelName("m1").executionRoleArn(ROLE)
                .primaryContainer(c -> c.image("123456789012.dkr.ecr.us-east-1.amazonaws.com/my-ml-model:v1")));
    }

    @Test
    @DisplayName("endpoint() reaches the fake, calls() and writeCount() log requests, reset() empties it and it keeps serving")
    void fakeCloudSurface() {
        try (FakeAwsServer fake = FakeAwsServer.start();
             SageMakerClient sm = SageMakerClient.builder().region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAFAKEFAKEFAKEFAKE", "fake-secret")))
                     .httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(URI.create(fake.endpoint())).build()) {
            String empty = fake.state();
            assertThat(fake.endpoint()).isEqualTo(fake.uri().toString()).startsWith("http://127.0.0.1:");

            createModel(sm);
            sm.listModels();
            assertThat(fake.calls()).containsExactly("CreateModel", "ListModels");
            assertThat(fake.writeCount()).isEqualTo(1);
            assertThat(fake.modelNames()).containsExactly("m1");

            fake.reset();
            assertThat(fake.calls()).isEmpty();
            assertThat(fake.writeCount()).isZero();
            assertThat(fake.modelNames()).isEmpty();
            assertThat(fake.state()).isEqualTo(empty);

            createModel(sm); // "m1" is gone, so creating it again succeeds
            assertThat(fake.calls()).containsExactly("CreateModel");
        }
    }

    @Test
    @DisplayName("inference components (Creating -> InService, UpdateInferenceComponentRuntimeConfig, List, Deleting -> gone) and CloudWatch alarms in awsQuery")
    void inferenceComponentsAndAlarms() {
        AwsBasicCredentials credentials = AwsBasicCredentials.create("AKIAFAKEFAKEFAKEFAKE", "fake-secret");
        try (FakeAwsServer fake = FakeAwsServer.start();
             SageMakerClient sm = SageMakerClient.builder().region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(credentials))
                     .httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(URI.create(fake.endpoint())).build();
             CloudWatchClient cw = CloudWatchClient.builder().region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(credentials))
                     .httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(URI.create(fake.endpoint())).build()) {
            fake.transitionAfterPolls(1);
            createModel(sm);
            sm.createEndpointConfig(b -> b.endpointConfigName("c1").executionRoleArn(ROLE).productionVariants(ProductionVariant.builder().variantName("AllTraffic")
                    .instanceType("ml.c5.large").initialInstanceCount(1)
                    .managedInstanceScaling(m -> m.status("ENABLED").minInstanceCount(0).maxInstanceCount(2)).build()));
            sm.createEndpoint(b -> b.endpointName("e1").endpointConfigName("c1"));
            assertThat(sm.describeEndpoint(b -> b.endpointName("e1")).endpointStatusAsString()).isEqualTo("InService");
            sm.createInferenceComponent(b -> b.inferenceComponentName("e1-ic").endpointName("e1").variantName("AllTraffic")
                    .specification(s -> s.modelName("m1").computeResourceRequirements(c -> c.minMemoryRequiredInMb(1024)))
                    .runtimeConfig(r -> r.copyCount(1)));
            assertThat(sm.describeInferenceComponent(b -> b.inferenceComponentName("e1-ic")).inferenceComponentStatusAsString()).isEqualTo("InService");
            sm.updateInferenceComponentRuntimeConfig(b -> b.inferenceComponentName("e1-ic").desiredRuntimeConfig(r -> r.copyCount(0)));
            var scaled = sm.describeInferenceComponent(b -> b.inferenceComponentName("e1-ic"));
            assertThat(scaled.runtimeConfig().desiredCopyCount()).isZero();
            assertThat(scaled.runtimeConfig().currentCopyCount()).isZero();
            assertThat(sm.listInferenceComponents(b -> b.endpointNameEquals("e1")).inferenceComponents())
                    .extracting(c -> c.inferenceComponentName()).containsExactly("e1-ic");
            // an endpoint still hosting a component is not deleted (the fake's assumption; InferScale deletes the component first)
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> sm.deleteEndpoint(b -> b.endpointName("e1"))))
                    .hasMessageContaining("hosts inference components");
            sm.deleteInferenceComponent(b -> b.inferenceComponentName("e1-ic"));
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> sm.describeInferenceComponent(b -> b.inferenceComponentName("e1-ic"))))
                    .hasMessageContaining("Could not find inference component");

            cw.putMetricAlarm(b -> b.alarmName("a1").metricName("NoCapacityInvocationFailures").namespace("AWS/SageMaker")
                    .dimensions(Dimension.builder().name("InferenceComponentName").value("e1-ic").build()).statistic("Sum").period(60).evaluationPeriods(1)
                    .threshold(1.0).comparisonOperator("GreaterThanOrEqualToThreshold").alarmActions("arn:aws:autoscaling:policy"));
            var alarm = cw.describeAlarms(b -> b.alarmNames("a1")).metricAlarms();
            assertThat(alarm).singleElement().satisfies(a -> {
                assertThat(a.threshold()).isEqualTo(1.0);
                assertThat(a.dimensions()).singleElement().satisfies(d -> assertThat(d.value()).isEqualTo("e1-ic"));
                assertThat(a.alarmActions()).containsExactly("arn:aws:autoscaling:policy");
                assertThat(a.comparisonOperatorAsString()).isEqualTo("GreaterThanOrEqualToThreshold");
            });
            cw.deleteAlarms(b -> b.alarmNames("a1"));
            assertThat(cw.describeAlarms(b -> b.alarmNames("a1")).metricAlarms()).isEmpty();
            Throwable missing = org.assertj.core.api.Assertions.catchThrowable(() -> cw.deleteAlarms(b -> b.alarmNames("a1")));
            // the awsQuery error code ResourceNotFound (the SDK 2.40.2 maps it to DashboardNotFoundErrorException, the model's
            // first shape with that code); the backend reads the code, not the class
            assertThat(missing).isInstanceOfSatisfying(software.amazon.awssdk.services.cloudwatch.model.CloudWatchException.class,
                    e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFound"));
            assertThat(fake.calls()).contains("PutMetricAlarm", "DescribeAlarms", "DeleteAlarms", "UpdateInferenceComponentRuntimeConfig");
        }
    }
}
