package io.inferscale.api.backend;

import io.inferscale.api.BackendException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("ConvergenceBudget: bounded rounds, random pauses between them")
class ConvergenceBudgetTest {

    @Test
    @DisplayName("the standard budget allows exactly 10 rounds and pauses before rounds 2..10 only, each within its bound")
    void tenRounds() {
        List<Long> pauses = new ArrayList<>();
        List<Long> bounds = new ArrayList<>();
        ConvergenceBudget[] holder = new ConvergenceBudget[1];
        ConvergenceBudget budget = ConvergenceBudget.of("demo", ConvergenceBudget.MAX_ROUNDS, ConvergenceBudget.MAX_PAUSE, ms -> {
            pauses.add(ms);
            bounds.add(holder[0].pauseBoundMillis());
        });
        holder[0] = budget;
        int rounds = 0;
        while (budget.nextRound()) {
            rounds++;
            assertThat(budget.round()).isEqualTo(rounds);
        }
        assertThat(rounds).isEqualTo(10);
        assertThat(budget.isLastRound()).isTrue();
        assertThat(pauses).hasSize(9);
        for (int i = 0; i < pauses.size(); i++) {
            assertThat(pauses.get(i)).isBetween(1L, bounds.get(i));
        }
        // rounds this fast take < 1 ms: the bound is 2 ms doubled per round up to 8x, so 2, 4, 8, 16, 16, ...
        assertThat(bounds.subList(0, 4)).containsExactly(2L, 4L, 8L, 16L);
        assertThat(bounds.subList(4, 9)).containsOnly(16L);
    }

    @Test
    @DisplayName("the pause bound grows with the longest round and never passes the maximum")
    void boundFollowsRoundDuration() throws Exception {
        List<Long> bounds = new ArrayList<>();
        ConvergenceBudget[] holder = new ConvergenceBudget[1];
        ConvergenceBudget budget = ConvergenceBudget.of("demo", 4, Duration.ofMillis(150), ms -> bounds.add(holder[0].pauseBoundMillis()));
        holder[0] = budget;
        budget.nextRound();
        Thread.sleep(50); // a round of writes taking ~50 ms
        budget.nextRound();
        budget.nextRound();
        budget.nextRound();
        assertThat(bounds).hasSize(3);
        assertThat(bounds.get(0)).isBetween(50L, 150L);
        assertThat(bounds.get(1)).isBetween(100L, 150L);
        assertThat(bounds.get(2)).isEqualTo(150L);
    }

    @Test
    @DisplayName("exhausted is a retryable CONFLICT at the step, naming the rounds and the last conflict, safe to re-run")
    void exhausted() {
        ConvergenceBudget budget = ConvergenceBudget.of("demo", 2, Duration.ofMillis(5), ms -> { });
        while (budget.nextRound()) {
            // every round conflicts
        }
        BackendException last = new BackendException("demo", BackendException.Reason.CONFLICT, "409 from the server");
        BackendException e = budget.exhausted("apply", "my-endpoint", "apply Deployment ml/my-endpoint", last);
        assertThat(e.reason()).isEqualTo(BackendException.Reason.CONFLICT);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.step()).contains("apply Deployment ml/my-endpoint");
        assertThat(e.getMessage()).startsWith("demo: apply of endpoint 'my-endpoint' stopped at step apply Deployment ml/my-endpoint (CONFLICT)")
                .contains("changed concurrently in each of 2 rounds (last: 409 from the server)").contains("Re-running apply is safe");
    }

    @Test
    @DisplayName("an interrupt during the pause ends the loop with UNAVAILABLE and keeps the interrupt flag")
    void interrupted() {
        ConvergenceBudget budget = ConvergenceBudget.of("demo", 3, Duration.ofMillis(5), ms -> {
            throw new InterruptedException();
        });
        budget.nextRound();
        try {
            assertThatThrownBy(budget::nextRound).isInstanceOf(BackendException.class)
                    .satisfies(t -> assertThat(((BackendException) t).reason()).isEqualTo(BackendException.Reason.UNAVAILABLE));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
