package io.inferscale.testkit.faults;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/** The harness fails a backend that breaks any of its promises, with a message saying which. */
class HarnessCatchesBrokenPromisesTest {

    /** Runs the harness over a toy backend with {@code flaw}; not picked up by Surefire on its own (nested). */
    static class Flawed extends ToyFaultInjectionTest {
        static ToyCloud.Flaw current;

        @Override
        ToyCloud.Flaw flaw() {
            return current;
        }

        @Override
        protected Path docsFile() {
            return Paths.get("target", "flawed-fault-outcomes.md");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ToyCloud.Flaw.class, names = {"RAW_EXCEPTION", "ORPHAN_ON_DELETE", "NO_CONVERGENCE", "ARM_MISSES"})
    void aBrokenPromiseFailsCases(ToyCloud.Flaw flaw) {
        Flawed.current = flaw;
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request().selectors(selectClass(Flawed.class)).build(), listener);
        TestExecutionSummary summary = listener.getSummary();
        String messages = summary.getFailures().stream()
                .map(f -> f.getTestIdentifier().getDisplayName() + ": " + f.getException().getMessage())
                .collect(Collectors.joining("\n"));
        assertThat(summary.getTotalFailureCount()).as(messages).isPositive();
        switch (flaw) {
            case RAW_EXCEPTION -> assertThat(messages).contains("instead of a BackendException naming the step");
            case ORPHAN_ON_DELETE -> assertThat(messages).contains("state after re-running delete");
            case NO_CONVERGENCE -> assertThat(messages).contains("state after re-running apply");
            case ARM_MISSES -> assertThat(messages).contains("never fired");
            default -> throw new IllegalArgumentException(flaw.name());
        }
        // the clean-run check passes whatever the flaw (and, except when no fault fires, the transient faults the toy
        // client's retries absorb)
        assertThat(summary.getTestsSucceededCount()).isPositive();
    }
}
