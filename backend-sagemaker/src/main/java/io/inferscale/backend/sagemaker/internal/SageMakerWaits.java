package io.inferscale.backend.sagemaker.internal;

import io.inferscale.api.BackendException;
import io.inferscale.api.BackendException.Reason;
import io.inferscale.api.backend.ProgressListener;
import io.inferscale.backend.sagemaker.SageMakerSettings;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeInferenceComponentResponse;
import software.amazon.awssdk.services.sagemaker.model.InferenceComponentStatus;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemaker.waiters.SageMakerWaiter;

import java.time.Duration;
import java.util.Optional;

/**
 * Waiting for an endpoint with the SDK's {@link SageMakerWaiter} (fixed delay {@code sagemaker.pollInterval}, at most
 * {@code sagemaker.timeout} unless the caller gives a limit). Never sends a write.
 */
public final class SageMakerWaits {

    private static final String ID = SageMakerSettings.ID;

    private final SageMakerSettings settings;
    private final SageMakerClients clients;
    private final SageMakerLiveReader reader;

    /** Waits through {@code clients}, reading with {@code reader} where the waiter stops without an answer. */
    public SageMakerWaits(SageMakerSettings settings, SageMakerClients clients, SageMakerLiveReader reader) {
        this.settings = settings;
        this.clients = clients;
        this.reader = reader;
    }

    /**
     * DescribeEndpoint, and the endpoint as apply may write to it: while it is changing (Creating, Updating,
     * SystemUpdating, RollingBack) waits until it is InService (never write to a changing endpoint); while it is
     * Deleting waits until it is gone (empty). A Failed endpoint is a {@code FAILED} {@link BackendException}.
     */
    public Optional<DescribeEndpointResponse> awaitSettled(String name) {
        DescribeEndpointResponse ep = reader.describeEndpoint(name).orElse(null);
        if (ep != null) {
            EndpointStatus s = ep.endpointStatus();
            if (s == EndpointStatus.CREATING || s == EndpointStatus.UPDATING || s == EndpointStatus.SYSTEM_UPDATING
                    || s == EndpointStatus.ROLLING_BACK) {
                ep = awaitInService(name);
            } else if (s == EndpointStatus.DELETING) {
                awaitDeleted(name);
                ep = null;
            } else if (s == EndpointStatus.FAILED || s == EndpointStatus.UPDATE_ROLLBACK_FAILED) {
                throw new BackendException(ID, Reason.FAILED, "endpoint '" + name + "' is " + s + ": "
                        + Optional.ofNullable(ep.failureReason()).orElse("no reason given") + "; delete it and apply again");
            }
        }
        return Optional.ofNullable(ep);
    }

    private WaiterOverrideConfiguration waiterConfig(Duration limit) {
        Duration pollInterval = settings.pollInterval();
        long attempts = Math.max(1, limit.toMillis() / Math.max(1, pollInterval.toMillis()) + 1);
        return WaiterOverrideConfiguration.builder().backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(pollInterval))
                .maxAttempts((int) Math.min(Integer.MAX_VALUE, attempts)).waitTimeout(limit).build();
    }

    /**
     * Waits with the SDK waiter (fixed delay {@code sagemaker.pollInterval}); returns the InService description the
     * waiter saw last, so no further DescribeEndpoint is needed. A poll that fails after the SDK's retries (the waiter
     * stops at an error it has no acceptor for) is followed by one DescribeEndpoint: still changing and time left → wait on.
     * Each status the waiter sees that differs from the one before goes to {@code progress}.
     *
     * @throws BackendException {@code NOT_FOUND} when the endpoint does not exist, {@code FAILED} when it failed,
     *                          {@code TIMEOUT} when it is not InService within {@code limit}
     */
    public DescribeEndpointResponse awaitInService(String name, Duration limit, ProgressListener progress) {
        WaitProgress reporting = new WaitProgress(progress);
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
            try (SageMakerWaiter waiter = SageMakerWaiter.builder().client(clients.sageMaker()).overrideConfiguration(waiterConfig(left)).build()) {
                WaiterResponse<DescribeEndpointResponse> r = waiter.waitUntilEndpointInService(reporting.request(name));
                Optional<DescribeEndpointResponse> ok = r.matched().response();
                if (ok.isPresent() && ok.get().endpointStatus() == EndpointStatus.IN_SERVICE) {
                    return ok.get();
                }
            } catch (SdkException e) {
                // a failure state, the time limit, a failed poll or the listener's exception: find out which below
                reporting.rethrowListenerFailure();
            }
            DescribeEndpointResponse now = reader.describeEndpoint(name).orElseThrow(() -> BackendException.notFound(ID, name));
            EndpointStatus s = now.endpointStatus();
            if (s == EndpointStatus.IN_SERVICE) {
                return now;
            }
            if (s == EndpointStatus.FAILED || s == EndpointStatus.UPDATE_ROLLBACK_FAILED) {
                throw new BackendException(ID, Reason.FAILED, "endpoint '" + name + "' is " + now.endpointStatusAsString() + ": "
                        + Optional.ofNullable(now.failureReason()).orElse("no reason given"));
            }
            if (System.nanoTime() >= deadline || s == EndpointStatus.DELETING || s == EndpointStatus.OUT_OF_SERVICE) {
                throw new BackendException(ID, Reason.TIMEOUT, "endpoint '" + name + "' is still " + now.endpointStatusAsString()
                        + " after " + limit + " (set " + SageMakerSettings.TIMEOUT + " to wait longer)");
            }
        }
    }

    /** As {@link #awaitInService(String, Duration, ProgressListener)} for at most {@code sagemaker.timeout}, reporting nothing. */
    public DescribeEndpointResponse awaitInService(String name) {
        return awaitInService(name, settings.timeout(), ProgressListener.NONE);
    }

    /** Waits until DescribeEndpoint says the endpoint does not exist (the waiter's success); as {@link #awaitInService} on errors. */
    public void awaitDeleted(String name) {
        Duration timeout = settings.timeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
            try (SageMakerWaiter waiter = SageMakerWaiter.builder().client(clients.sageMaker()).overrideConfiguration(waiterConfig(left)).build()) {
                WaiterResponse<DescribeEndpointResponse> r = waiter.waitUntilEndpointDeleted(b -> b.endpointName(name));
                if (r.matched().exception().isPresent()) {
                    return; // the ValidationException "Could not find endpoint" the waiter waits for
                }
            } catch (SdkException e) {
                // checked below
            }
            Optional<DescribeEndpointResponse> now = reader.describeEndpoint(name);
            if (now.isEmpty()) {
                return;
            }
            if (now.get().endpointStatus() == EndpointStatus.FAILED) {
                throw new BackendException(ID, Reason.FAILED, "deleting endpoint '" + name + "' failed: "
                        + Optional.ofNullable(now.get().failureReason()).orElse("no reason given"));
            }
            if (System.nanoTime() >= deadline || now.get().endpointStatus() != EndpointStatus.DELETING) {
                throw new BackendException(ID, Reason.TIMEOUT, "endpoint '" + name + "' is still " + now.get().endpointStatusAsString()
                        + " after " + timeout);
            }
        }
    }

    /**
     * Polls DescribeInferenceComponent every {@code sagemaker.pollInterval} until the component is InService (SDK 2.40.2
     * has no waiter for inference components), at most {@code sagemaker.timeout}.
     *
     * @throws BackendException {@code NOT_FOUND} when it does not exist, {@code FAILED} when it failed, {@code TIMEOUT}
     */
    public void awaitInferenceComponentInService(String name) {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        while (true) {
            DescribeInferenceComponentResponse c = reader.describeInferenceComponent(name).orElseThrow(() -> BackendException.notFound(ID, name));
            InferenceComponentStatus s = c.inferenceComponentStatus();
            if (s == InferenceComponentStatus.IN_SERVICE) {
                return;
            }
            if (s == InferenceComponentStatus.FAILED) {
                throw new BackendException(ID, Reason.FAILED, "inference component '" + name + "' is Failed: "
                        + Optional.ofNullable(c.failureReason()).orElse("no reason given"));
            }
            pause(deadline, "inference component '" + name + "' is still " + c.inferenceComponentStatusAsString());
        }
    }

    /** Polls DescribeInferenceComponent every {@code sagemaker.pollInterval} until the component is gone, at most {@code sagemaker.timeout}. */
    public void awaitInferenceComponentDeleted(String name) {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        while (true) {
            Optional<DescribeInferenceComponentResponse> c = reader.describeInferenceComponent(name);
            if (c.isEmpty()) {
                return;
            }
            if (c.get().inferenceComponentStatus() == InferenceComponentStatus.FAILED) {
                throw new BackendException(ID, Reason.FAILED, "deleting inference component '" + name + "' failed: "
                        + Optional.ofNullable(c.get().failureReason()).orElse("no reason given"));
            }
            pause(deadline, "inference component '" + name + "' is still " + c.get().inferenceComponentStatusAsString());
        }
    }

    private void pause(long deadline, String still) {
        if (System.nanoTime() >= deadline) {
            throw new BackendException(ID, Reason.TIMEOUT, still + " after " + settings.timeout() + " (set " + SageMakerSettings.TIMEOUT + " to wait longer)");
        }
        try {
            Thread.sleep(settings.pollInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(ID, Reason.UNAVAILABLE, "interrupted: " + still);
        }
    }
}
