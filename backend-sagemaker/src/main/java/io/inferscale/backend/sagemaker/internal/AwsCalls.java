package io.inferscale.backend.sagemaker.internal;

import io.inferscale.api.BackendException;
import io.inferscale.api.BackendException.Reason;
import io.inferscale.backend.sagemaker.SageMakerSettings;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Runs AWS SDK calls: an {@link SdkException} becomes a {@link BackendException} ({@link AwsErrors}) saying what
 * InferScale was doing, and a failure of {@code apply} or {@code delete} names its step ({@link BackendException#atStep}).
 */
public final class AwsCalls {

    private static final String ID = SageMakerSettings.ID;

    private AwsCalls() {
    }

    /** The answer of {@code call}; an SDK failure becomes a {@link BackendException}. */
    public static <T> T call(String doing, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw AwsErrors.translate(ID, doing, e);
        }
    }

    /** The answer of {@code call}, or empty when AWS says the resource does not exist. */
    public static <T> Optional<T> findOrEmpty(String doing, Supplier<T> call) {
        try {
            return Optional.of(call.get());
        } catch (SdkException e) {
            if (AwsErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw AwsErrors.translate(ID, doing, e);
        }
    }

    /** Runs {@code call}; a resource that does not exist is not a failure (deletes of what is already gone). */
    public static void ignoreNotFound(String doing, Supplier<?> call) {
        findOrEmpty(doing, call);
    }

    /** Runs a create; a name that is taken is not a failure (content-hashed names: the existing one has this content). */
    public static Object tolerateExisting(String doing, Supplier<?> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            if (AwsErrors.isAlreadyExisting(e)) {
                return null; // content-hashed name: the existing one has this content
            }
            throw AwsErrors.translate(ID, doing, e);
        }
    }

    /**
     * Runs {@code call}; a failure becomes {@link BackendException#atStep} naming {@code step}, except a Failed endpoint
     * (re-running does not repair it: delete it and apply again) and a failure that already names its step.
     */
    public static <T> T atStep(String operation, String endpoint, Supplier<String> step, Supplier<T> call) {
        try {
            return call.get();
        } catch (BackendException e) {
            if (e.step().isPresent() || e.reason() == Reason.FAILED) {
                throw e;
            }
            throw BackendException.atStep(operation, endpoint, step.get(), e);
        } catch (RuntimeException e) {
            if (!AwsErrors.isTransportFailure(e)) {
                throw e;
            }
            throw BackendException.atStep(operation, endpoint, step.get(), new BackendException(ID, Reason.UNAVAILABLE,
                    step.get() + " failed in the HTTP client: " + e, e));
        }
    }

    /**
     * A write of apply. NOT_FOUND here means that something this apply made or read a moment ago is gone (a concurrent
     * apply's cleanup deleted the config, a concurrent instance-type change deregistered the target): a CONFLICT, and
     * re-running is safe.
     */
    public static <T> T applyStep(String endpoint, String step, Supplier<T> call) {
        return atStep("apply", endpoint, () -> step, () -> {
            try {
                return call.get();
            } catch (BackendException e) {
                if (e.reason() == Reason.NOT_FOUND && e.step().isEmpty()) {
                    throw new BackendException(ID, Reason.CONFLICT, e.getMessage().substring(ID.length() + 2)
                            + " (removed meanwhile, e.g. by a concurrent apply or delete of this endpoint)", e.getCause());
                }
                throw e;
            }
        });
    }
}
