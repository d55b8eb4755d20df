package io.inferscale.backend.sagemaker;

import io.inferscale.api.BackendException;
import io.inferscale.api.ConfigurationException;
import io.inferscale.api.InvalidEndpointException;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.inferscale.backend.sagemaker.SageMakerTestSupport.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 8's safety: names are validated before they reach a request, and AWS credentials never appear in toString,
 * exception messages (with their causes and suppressed exceptions), rendered or planned output, or logs. The POM runs
 * this class again in its own JVM with slf4j-simple at DEBUG (execution {@code canary-debug-log}), so the SDK logs
 * every request while System.err is captured; in the shared test JVM the canary test is skipped. The SDK's SigV4
 * signer logs the canonical request, session token included, at DEBUG: that logger stays at INFO (see the POM and README).
 */
class SageMakerSafetyTest {

    private static final String KEY_ID = "AKIACANARY7KEYID0001";
    private static final String SECRET = "canary-secret-Zq8Xv2Lm9Rt4Wp6Yn1Bc3Df5Gh7";
    private static final String TOKEN = "canary-session-token-Fw9Qe2Ru4Ty6Ui8Op0As1Sd3";

    private FakeAwsServer fake;

    @BeforeEach
    void start() {
        fake = FakeAwsServer.start();
        fake.transitionDelay(Duration.ofMillis(20));
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    @DisplayName("get, status, awaitReady and delete reject a bad name before any request")
    void namesValidatedFirst() {
        try (SageMakerBackend backend = SageMakerTestSupport.backend(fake)) {
            for (String bad : List.of("", "Bad_Name", "a/b", "../etc", "x?NameContains=", "ends-", "a".repeat(64), "white space")) {
                List<Executable> calls = List.of(() -> backend.get(bad), () -> backend.status(bad),
                        () -> backend.awaitReady(bad, Duration.ofSeconds(1)), () -> backend.delete(bad));
                for (Executable call : calls) {
                    Throwable t = catchThrowable(call::execute);
                    assertThat(t).as("name '%s'", bad).isInstanceOf(InvalidEndpointException.class);
                    assertThat(((InvalidEndpointException) t).report().errors()).first()
                            .satisfies(p -> assertThat(p.path()).isEqualTo("metadata.name"));
                }
            }
            assertThat(fake.operations()).as("no request for a bad name").isEmpty();
        }
    }

    @Test
    @DisplayName("credentials from system properties: never in toString, messages, rendered output or the DEBUG log")
    void canaryCredentials() throws Exception {
        assumeTrue("debug".equals(System.getProperty("org.slf4j.simpleLogger.defaultLogLevel")),
                "runs in the POM's canary-debug-log execution (its own JVM with slf4j-simple at DEBUG)");
        Map<String, String> saved = new LinkedHashMap<>();
        for (String p : List.of("aws.accessKeyId", "aws.secretAccessKey", "aws.sessionToken")) {
            saved.put(p, System.getProperty(p));
        }
        System.setProperty("aws.accessKeyId", KEY_ID);
        System.setProperty("aws.secretAccessKey", SECRET);
        System.setProperty("aws.sessionToken", TOKEN);
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> outputs = new ArrayList<>();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            // the default provider chain: system properties first
            try (Backend backend = SageMakerBackend.create(SageMakerTestSupport.config(fake, Map.of("sagemaker.pollInterval", "5ms")))) {
                ApplyResult result = backend.apply(seed());
                assertThat(fake.lastAuthorization()).as("the canary credentials were used").contains("Credential=" + KEY_ID + "/");
                assertThat(fake.lastSecurityToken()).isEqualTo(TOKEN);
                outputs.add(backend.toString());
                outputs.add(result.toString());
                outputs.add(result.plan().toString());
                outputs.add(backend.render(seed()).text());
                outputs.add(backend.plan(seed()).toString());
                outputs.add(backend.status("my-model-endpoint").toString());
                for (String code : List.of("UnrecognizedClientException", "AccessDeniedException", "InvalidClientTokenId", "ExpiredTokenException")) {
                    fake.inject("UpdateEndpoint", 400, code, "The security token included in the request is invalid.", 1);
                    BackendException e = catchThrowableOfType(BackendException.class, () -> backend.apply(seed().toBuilder()
                            .option("sagemaker", "instanceType", "ml.c5.xlarge").build()));
                    assertThat(e).as(code).isNotNull();
                    outputs.add(everything(e));
                }
                backend.delete("my-model-endpoint");
            }
            // credentials given as configuration are refused by name, without echoing the value
            for (String key : List.of("sagemaker.accessKeyId", "sagemaker.secretAccessKey", "sagemaker.sessionToken")) {
                ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
                        () -> new SageMakerBackendProvider().create(BackendConfig.of(Map.of(key, SECRET + KEY_ID + TOKEN))));
                assertThat(e).as(key).isNotNull();
                outputs.add(everything(e));
            }
            // other keys of a shared configuration (e.g. a platform's aws.* settings) are not printed by the backend
            try (SageMakerBackend backend = SageMakerBackend.create(BackendConfig.of(Map.of("sagemaker.region", "us-east-1",
                    "aws.accessKeyId", KEY_ID, "aws.secretAccessKey", SECRET, "aws.sessionToken", TOKEN)))) {
                outputs.add(backend.toString());
            }
        } finally {
            System.setErr(err);
            saved.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        outputs.add(log);
        assertThat(log).as("the SDK logged its requests at DEBUG (else this test checks nothing)")
                .contains("DEBUG software.amazon.awssdk.request - Sending Request").contains("Loading credentials from SystemPropertyCredentialsProvider");
        for (String out : outputs) {
            assertThat(out).doesNotContain(KEY_ID).doesNotContain(SECRET).doesNotContain(TOKEN);
        }
    }

    /** The message, toString and stack trace of {@code t}, its causes and suppressed exceptions. */
    private static String everything(Throwable t) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        t.printStackTrace(new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }
}
