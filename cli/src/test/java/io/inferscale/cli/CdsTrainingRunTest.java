package io.inferscale.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CdsTrainingRunTest {

    @Test
    @DisplayName("the launcher's training document is valid and renders on every backend (else the start-up archive is never made)")
    void everyTrainingCommandSucceeds() {
        assertThat(CdsTrainingRun.run()).isTrue();
    }
}
