package io.inferscale.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Main#configureLogging}: --verbose turns on DEBUG, except for loggers that print credentials. */
class LoggingConfigurationTest {

    private Properties saved;

    @BeforeEach
    void save() {
        saved = (Properties) System.getProperties().clone();
        System.clearProperty("org.slf4j.simpleLogger.defaultLogLevel");
        for (String logger : Main.AWS_SIGNER_LOGGERS) {
            System.clearProperty("org.slf4j.simpleLogger.log." + logger);
        }
    }

    @AfterEach
    void restore() {
        System.setProperties(saved);
    }

    @Test
    @DisplayName("--verbose is DEBUG, but the AWS SigV4 signers (which log x-amz-security-token) stay at INFO")
    void verboseKeepsSignersAtInfo() {
        Main.configureLogging("apply", "--backend", "sagemaker", "--verbose");
        assertThat(System.getProperty("org.slf4j.simpleLogger.defaultLogLevel")).isEqualTo("debug");
        assertThat(Main.AWS_SIGNER_LOGGERS).contains("software.amazon.awssdk.http.auth.aws.internal.signer")
                .allSatisfy(l -> assertThat(System.getProperty("org.slf4j.simpleLogger.log." + l)).as(l).isEqualTo("info"));
    }

    @Test
    @DisplayName("a level the user set for a signer logger explicitly is kept")
    void explicitLevelKept() {
        System.setProperty("org.slf4j.simpleLogger.log.software.amazon.awssdk.auth.signer", "trace");
        Main.configureLogging("apply", "--verbose");
        assertThat(System.getProperty("org.slf4j.simpleLogger.log.software.amazon.awssdk.auth.signer")).isEqualTo("trace");
    }

    @Test
    @DisplayName("without --verbose logging is off")
    void quietByDefault() {
        Main.configureLogging("validate", "-f", "x.yaml");
        assertThat(System.getProperty("org.slf4j.simpleLogger.defaultLogLevel")).isEqualTo("off");
    }
}
