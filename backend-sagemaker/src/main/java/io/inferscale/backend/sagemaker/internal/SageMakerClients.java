package io.inferscale.backend.sagemaker.internal;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.backend.sagemaker.SageMakerSettings;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two SDK clients of one backend, built on first use and shared by every call and thread (one HTTP client each,
 * so one connection pool per service): region, credentials, the SDK's standard retry strategy
 * ({@code sagemaker.maxAttempts}), the attempt timeout, interceptors and endpoint overrides are the same for both.
 * {@link #close} closes them; a call after it builds new ones.
 */
public final class SageMakerClients implements AutoCloseable {

    private final SageMakerSettings settings;
    private final AwsCredentialsProvider credentials;
    private final List<ExecutionInterceptor> interceptors;
    private final BackoffStrategy retryBackoff;
    private final AtomicInteger clientsBuilt = new AtomicInteger();
    private final Object lock = new Object();
    private volatile SageMakerClient sageMaker;
    private volatile ApplicationAutoScalingClient autoScaling;

    /**
     * Clients for {@code settings}; builds nothing yet.
     *
     * @param credentials  the credentials provider, or null for {@code sagemaker.profile} or the SDK's default chain
     * @param interceptors SDK interceptors added to both clients (tests count calls with them)
     * @param retryBackoff the delay between retries of the SDK's standard retry strategy, or null for the SDK's
     */
    public SageMakerClients(SageMakerSettings settings, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors,
                            BackoffStrategy retryBackoff) {
        this.settings = settings;
        this.credentials = credentials;
        this.interceptors = List.copyOf(interceptors);
        this.retryBackoff = retryBackoff;
    }

    /** How many SDK clients were built (2 once both services were used, whatever the load). */
    public int clientsBuilt() {
        return clientsBuilt.get();
    }

    /** The SageMaker client. */
    public SageMakerClient sageMaker() {
        SageMakerClient c = sageMaker;
        if (c == null) {
            synchronized (lock) {
                if (sageMaker == null) {
                    sageMaker = configured(SageMakerClient.builder(), settings.endpointOverride()).build();
                    clientsBuilt.incrementAndGet();
                }
                c = sageMaker;
            }
        }
        return c;
    }

    /** The Application Auto Scaling client. */
    public ApplicationAutoScalingClient autoScaling() {
        ApplicationAutoScalingClient c = autoScaling;
        if (c == null) {
            synchronized (lock) {
                if (autoScaling == null) {
                    autoScaling = configured(ApplicationAutoScalingClient.builder(), settings.autoscalingEndpointOverride()).build();
                    clientsBuilt.incrementAndGet();
                }
                c = autoScaling;
            }
        }
        return c;
    }

    /** Region, credentials, HTTP client, retries, interceptors and endpoint override: the same for both clients. */
    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configured(B b, Optional<URI> endpointOverride) {
        b.region(region()).credentialsProvider(credentials()).httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> {
                    o.retryStrategy(r -> {
                        r.maxAttempts(settings.maxAttempts());
                        if (retryBackoff != null) {
                            r.backoffStrategy(retryBackoff).throttlingBackoffStrategy(retryBackoff);
                        }
                    });
                    settings.attemptTimeout().ifPresent(o::apiCallAttemptTimeout);
                    interceptors.forEach(o::addExecutionInterceptor);
                    o.addExecutionInterceptor(WaitProgress.INTERCEPTOR);
                });
        endpointOverride.ifPresent(b::endpointOverride);
        return b;
    }

    private AwsCredentialsProvider credentials() {
        if (credentials != null) {
            return credentials;
        }
        return settings.profile().<AwsCredentialsProvider>map(p -> ProfileCredentialsProvider.builder().profileName(p).build())
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    }

    private Region region() {
        Optional<String> r = settings.region();
        if (r.isPresent()) {
            return Region.of(r.get());
        }
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (SdkException e) {
            throw new ConfigurationException("no AWS region: set --set " + SageMakerSettings.REGION + "=us-east-1, the environment variable "
                    + BackendConfig.environmentVariable(SageMakerSettings.REGION) + " or AWS_REGION");
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (sageMaker != null) {
                sageMaker.close();
                sageMaker = null;
            }
            if (autoScaling != null) {
                autoScaling.close();
                autoScaling = null;
            }
        }
    }
}
