package io.inferscale.backend.sagemaker.internal;

import io.inferscale.api.BackendException;
import io.inferscale.api.BackendException.Reason;
import io.inferscale.api.Secrets;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Maps AWS SDK exceptions to {@link BackendException} reasons, keeping AWS's message and the SDK exception as cause. */
public final class AwsErrors {

    private AwsErrors() {
    }

    /** True when the error says the resource does not exist (SageMaker answers ValidationException "Could not find ..."). */
    public static boolean isNotFound(SdkException e) {
        if (e instanceof AwsServiceException s) {
            String code = code(s);
            String msg = message(s).toLowerCase(Locale.ROOT);
            return code.equals("ResourceNotFound") || code.equals("ResourceNotFoundException") || code.equals("ObjectNotFoundException")
                    || code.equals("ValidationException") && (msg.startsWith("could not find") || msg.contains("does not exist"));
        }
        return false;
    }

    /** True when a create found the name taken (SageMaker: ValidationException "Cannot create already existing ..."; ResourceInUse). */
    public static boolean isAlreadyExisting(SdkException e) {
        if (e instanceof AwsServiceException s) {
            String code = code(s);
            return code.equals("ResourceInUse") || code.equals("ValidationException") && message(s).toLowerCase(Locale.ROOT).contains("already exist");
        }
        return false;
    }

    /** True when SageMaker refused a change because another is in progress ("Cannot update in-progress endpoint"). */
    public static boolean isInProgress(SdkException e) {
        return e instanceof AwsServiceException s && code(s).equals("ValidationException")
                && message(s).toLowerCase(Locale.ROOT).contains("in-progress");
    }

    /**
     * True for a runtime exception that is not an {@link SdkException} but was thrown inside the SDK's HTTP client
     * (e.g. the JDK's HttpURLConnection failing with a NullPointerException on a connection the attempt timeout had
     * closed): a failed call like a dropped connection, not a bug of the caller.
     */
    public static boolean isTransportFailure(RuntimeException e) {
        if (e instanceof SdkException) {
            return true;
        }
        for (StackTraceElement f : e.getStackTrace()) {
            if (f.getClassName().startsWith("software.amazon.awssdk.http.") || f.getClassName().startsWith("software.amazon.awssdk.core.internal.http.")) {
                return true;
            }
        }
        return false;
    }

    /** The reason for an SDK exception. */
    public static Reason reason(SdkException e) {
        if (e instanceof AwsServiceException s) {
            String code = code(s);
            String msg = message(s).toLowerCase(Locale.ROOT);
            if (isNotFound(e)) {
                return Reason.NOT_FOUND;
            }
            switch (code) {
                case "ValidationException":
                    if (msg.contains("in-progress") || msg.contains("already existing") || msg.contains("must be deregistered")) {
                        return Reason.CONFLICT;
                    }
                    return Reason.INVALID_REQUEST;
                case "ResourceLimitExceeded", "LimitExceededException", "ServiceQuotaExceededException":
                    return Reason.QUOTA_EXCEEDED;
                case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException",
                     "InvalidClientTokenId", "ExpiredTokenException", "IncompleteSignature", "SignatureDoesNotMatch":
                    return code.startsWith("AccessDenied") || code.equals("UnauthorizedOperation") ? Reason.PERMISSION_DENIED : Reason.CONFIGURATION;
                case "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded":
                    return Reason.THROTTLED;
                case "ConcurrentUpdateException", "ResourceInUse", "ConflictException":
                    return Reason.CONFLICT;
                case "FailedResourceAccessException":
                    return Reason.PERMISSION_DENIED;
                default:
                    if (s.isThrottlingException()) {
                        return Reason.THROTTLED;
                    }
                    return s.statusCode() >= 500 ? Reason.UNAVAILABLE : Reason.INVALID_REQUEST;
            }
        }
        if (e instanceof SdkClientException c && c.getMessage() != null && c.getMessage().toLowerCase(Locale.ROOT).contains("credential")) {
            return Reason.CONFIGURATION;
        }
        return Reason.UNAVAILABLE;
    }

    /** A {@link BackendException} for {@code e}, saying what InferScale was doing. */
    public static BackendException translate(String backendId, String doing, SdkException e) {
        return translate(backendId, doing, e, List.of());
    }

    /**
     * As {@link #translate(String, String, SdkException)}, with every occurrence of a secret (e.g. the model's environment
     * values, which AWS echoes in "Value '...' at 'primaryContainer.environment' failed to satisfy constraint")
     * replaced by {@link Secrets#HIDDEN} in the message and in the SDK exception kept as the cause.
     */
    public static BackendException translate(String backendId, String doing, SdkException e, Collection<String> secrets) {
        return translated(backendId, doing, redact(e, secrets));
    }

    /** {@code e}, or a copy with the secrets hidden in its message (same type, error details and stack trace). */
    static SdkException redact(SdkException e, Collection<String> secrets) {
        List<String> present = secrets.stream().filter(v -> v != null && !v.isEmpty() && e.getMessage() != null
                && e.getMessage().contains(v)).sorted(Comparator.comparingInt(String::length).reversed()).toList();
        if (present.isEmpty()) {
            return e;
        }
        SdkException copy;
        if (e instanceof AwsServiceException s) {
            AwsServiceException.Builder b = s.toBuilder();
            b.message(hide(b.message(), present)); // the raw message: getMessage() appends the service details
            if (s.awsErrorDetails() != null) {
                b.awsErrorDetails(s.awsErrorDetails().toBuilder().errorMessage(hide(s.awsErrorDetails().errorMessage(), present)).build());
            }
            copy = b.build();
        } else {
            SdkException.Builder b = e.toBuilder();
            copy = b.message(hide(b.message(), present)).build();
        }
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }

    private static String hide(String text, List<String> secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String v : secrets) {
            out = out.replace(v, Secrets.HIDDEN);
        }
        return out;
    }

    private static BackendException translated(String backendId, String doing, SdkException e) {
        String detail;
        if (e instanceof AwsServiceException s) {
            detail = code(s) + ": " + message(s);
        } else {
            detail = e.getMessage();
        }
        Reason reason = reason(e);
        String hint = switch (reason) {
            case CONFIGURATION -> " (check the AWS credentials of the default provider chain and sagemaker.region)";
            case PERMISSION_DENIED -> " (the caller's IAM policy lacks a permission)";
            default -> "";
        };
        return new BackendException(backendId, reason, doing + " failed: " + detail + hint, e);
    }

    private static String code(AwsServiceException s) {
        return s.awsErrorDetails() == null || s.awsErrorDetails().errorCode() == null ? "" : s.awsErrorDetails().errorCode();
    }

    private static String message(AwsServiceException s) {
        if (s.awsErrorDetails() != null && s.awsErrorDetails().errorMessage() != null) {
            return s.awsErrorDetails().errorMessage();
        }
        return s.getMessage() == null ? "" : s.getMessage();
    }
}
