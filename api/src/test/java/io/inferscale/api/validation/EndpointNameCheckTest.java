package io.inferscale.api.validation;

import io.inferscale.api.BackendException;
import io.inferscale.api.InvalidEndpointException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EndpointNameCheckTest {

    @Test
    void aDns1123LabelPasses() {
        assertThat(EndpointValidator.requireValidName("my-model-endpoint")).isEqualTo("my-model-endpoint");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "../etc", "a,b=c", "app in (x)", "UPPER", "-lead", "trail-", "a/b", "x%2Fy"})
    void namesThatCouldEscapeAPathOrSelectorAreRejected(String name) {
        assertThatThrownBy(() -> EndpointValidator.requireValidName(name))
                .isInstanceOf(InvalidEndpointException.class)
                .hasMessageContaining("metadata.name");
    }

    @Test
    void aNullNameIsRejectedAsEmpty() {
        assertThatThrownBy(() -> EndpointValidator.requireValidName(null))
                .isInstanceOf(InvalidEndpointException.class)
                .hasMessageContaining("must not be empty");
    }

    @Test
    void atStepNamesTheStepAndSaysReRunningIsSafe() {
        BackendException cause = new BackendException("sagemaker", BackendException.Reason.THROTTLED, "Rate exceeded");
        BackendException e = BackendException.atStep("apply", "m", "CreateEndpointConfig m-1a2b", cause);
        assertThat(e.getMessage()).isEqualTo("sagemaker: apply of endpoint 'm' stopped at step CreateEndpointConfig m-1a2b"
                + " (THROTTLED): Rate exceeded. Re-running apply is safe: it continues from the state this run left and converges to the spec.");
        assertThat(e.step()).contains("CreateEndpointConfig m-1a2b");
        assertThat(e.reason()).isEqualTo(BackendException.Reason.THROTTLED);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getCause()).isSameAs(cause);
        assertThat(BackendException.atStep("delete", "m", "DeleteModel m", cause).getMessage())
                .endsWith("Re-running delete is safe: it removes whatever is left.");
        assertThat(cause.step()).isEmpty();
    }
}
