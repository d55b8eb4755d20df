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
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SDK clients of one backend (SageMaker, Application Auto Scaling, and CloudWatch for scale to zero), built on first
 * use and shared by every call and thread: region, credentials, the SDK's standard retry strategy
 * ({@code sagemaker.maxAttempts}), the attempt timeout, interceptors and endpoint overrides are the same for all.
 *
 * <p>All three run on <b>one</b> HTTP client, the SDK's {@link ApacheHttpClient}, so the backend has one connection pool
 * of at most {@link SageMakerSettings#maxConnections()} connections ({@code sagemaker.maxConnections}, default
 * {@value SageMakerSettings#DEFAULT_MAX_CONNECTIONS}, in total and per host). A synchronous call holds one connection
 * while it runs, so N threads need N connections and keep reusing them; the pool opens them on demand and closes those
 * idle for 60 s (the SDK's default). A call that finds every connection busy waits for one (up to the SDK's
 * {@code connectionAcquisitionTimeout}, 10 s). Why this client: the URL-connection client used before has no pool of its
 * own but the JDK's keep-alive cache, at most {@code http.maxConnections} (default 5, JVM-wide) idle connections per host,
 * so 8 threads kept closing and reopening connections; the Netty client serves only asynchronous clients; the CRT client
 * ships native libraries. An attempt that times out ({@code sagemaker.attemptTimeout}) is aborted: the Apache client
 * closes that connection instead of returning it to the pool, so no later call reads the held answer and no lease leaks
 * ({@code SageMakerConnectionPoolTest}).
 *
 * <p>{@link #close} closes the SDK clients and then the HTTP client; a call after it builds new ones.
 */
public final class SageMakerClients implements AutoCloseable {

    private final SageMakerSettings settings;
    private final AwsCredentialsProvider credentials;
    private final List<ExecutionInterceptor> interceptors;
    private final BackoffStrategy retryBackoff;
    private final AtomicInteger clientsBuilt = new AtomicInteger();
    private final Object lock = new Object();
    /** Read and written under {@link #lock} only. */
    private SdkHttpClient http;
    private volatile SageMakerClient sageMaker;
    private volatile ApplicationAutoScalingClient autoScaling;
    private volatile CloudWatchClient cloudWatch;

    /**
     * Clients for {@code settings}; builds nothing yet.
     *
     * @param credentials  the credentials provider, or null for {@code sagemaker.profile} or the SDK's default chain
     * @param interceptors SDK interceptors added to every client (tests count calls with them)
     * @param retryBackoff the delay between retries of the SDK's standard retry strategy, or null for the SDK's
     */
    public SageMakerClients(SageMakerSettings settings, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors,
                            BackoffStrategy retryBackoff) {
        this.settings = settings;
        this.credentials = credentials;
        this.interceptors = List.copyOf(interceptors);
        this.retryBackoff = retryBackoff;
    }

    /** How many SDK clients were built (2 once SageMaker and Application Auto Scaling were used, whatever the load; the HTTP client is not counted). */
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

    /** The CloudWatch client (scale to zero's alarm only: built on first use, so plain endpoints never build it). */
    public CloudWatchClient cloudWatch() {
        CloudWatchClient c = cloudWatch;
        if (c == null) {
            synchronized (lock) {
                if (cloudWatch == null) {
                    cloudWatch = configured(CloudWatchClient.builder(), settings.cloudwatchEndpointOverride()).build();
                    clientsBuilt.incrementAndGet();
                }
                c = cloudWatch;
            }
        }
        return c;
    }

    /** Region, credentials, the shared HTTP client, retries, interceptors and endpoint override: the same for every client. */
    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configured(B b, Optional<URI> endpointOverride) {
        b.region(region()).credentialsProvider(credentials()).httpClient(http())
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

    /**
     * The HTTP client the SDK clients share (built under the lock, by the first of them): one pool of at most
     * {@code sagemaker.maxConnections} (see the class comment).
     */
    private SdkHttpClient http() {
        if (http == null) {
            http = ApacheHttpClient.builder().maxConnections(settings.maxConnections()).build();
        }
        return http;
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
            if (cloudWatch != null) {
                cloudWatch.close();
                cloudWatch = null;
            }
            if (http != null) {
                http.close();
                http = null;
            }
        }
    }
}
