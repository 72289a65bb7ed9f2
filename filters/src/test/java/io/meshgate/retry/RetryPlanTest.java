package io.meshgate.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.balance.Balancer;
import io.meshgate.balance.Endpoint;
import io.meshgate.balance.StaticEndpointSet;
import io.meshgate.balance.UpstreamPool;
import io.meshgate.balance.VirtualClock;
import io.meshgate.config.RetryPolicy;
import io.meshgate.config.SourceLocation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryPlanTest {

    private static final long MS = 1_000_000;

    private final VirtualClock clock = new VirtualClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final UpstreamPool pool = new UpstreamPool(
            "orders", new StaticEndpointSet(List.of(Endpoint.of("127.0.0.1", 1, 1))), Balancer.named("round-robin"));
    private final RetryBudget budget = new RetryBudget(20, 0, Duration.ofSeconds(10), clock);
    private final UpstreamGuard guard =
            new UpstreamGuard(pool, budget, null, null, new RetryMeters(registry, "orders"));

    private RetryPlan plan(int attempts, Duration perTry, Duration timeout) {
        RetryPolicy policy = new RetryPolicy(
                attempts,
                RetryPolicy.DEFAULT_ON,
                RetryPolicy.DEFAULT_STATUSES,
                perTry,
                Duration.ofMillis(25),
                Duration.ofMillis(250),
                Set.of(),
                RetryPolicy.DEFAULT_BUFFER_BODY,
                SourceLocation.unknown("test"));
        return new RetryPlan(policy, timeout, Map.of("orders", guard));
    }

    private void deposit(int requests) {
        for (int i = 0; i < requests; i++) {
            budget.deposit();
        }
    }

    @Test
    void aRetryNeedsAttemptsLeftAndIsCountedByReason() {
        RetryPlan plan = plan(3, null, Duration.ofSeconds(15));
        deposit(100);

        assertThat(plan.retryDelayNanos(1, 0, 15_000 * MS, guard, RetryReason.STATUS, null))
                .isBetween(0L, 25 * MS);
        assertThat(plan.retryDelayNanos(2, 0, 15_000 * MS, guard, RetryReason.RESET, null))
                .isBetween(0L, 50 * MS);
        assertThat(plan.retryDelayNanos(3, 0, 15_000 * MS, guard, RetryReason.STATUS, null))
                .as("the third attempt was the last")
                .isEqualTo(-1);
        assertThat(registry.get("meshgate.retries")
                        .tag("reason", "status")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("meshgate.retries")
                        .tag("reason", "reset")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aSpentBudgetRefusesTheRetryAndCountsIt() {
        RetryPlan plan = plan(3, null, Duration.ofSeconds(15));
        deposit(10); // 20 % of 10: two retries

        assertThat(plan.retryDelayNanos(1, 0, 15_000 * MS, guard, RetryReason.STATUS, null))
                .isNotNegative();
        assertThat(plan.retryDelayNanos(1, 0, 15_000 * MS, guard, RetryReason.STATUS, null))
                .isNotNegative();
        assertThat(plan.retryDelayNanos(1, 0, 15_000 * MS, guard, RetryReason.STATUS, null))
                .isEqualTo(-1);
        assertThat(registry.get("meshgate.retry.budget.exhausted").counter().count())
                .isEqualTo(1);
    }

    @Test
    void noRetryWhenTheDeadlineIsTooNearAndNothingIsWithdrawnThen() {
        RetryPlan plan = plan(3, null, Duration.ofSeconds(1));
        deposit(100);

        // The backoff before the first retry is at most 25 ms: 0.5 ms left is too little.
        assertThat(plan.retryDelayNanos(1, 999_500_000L, 1_000 * MS, guard, RetryReason.STATUS, null))
                .isEqualTo(-1);
        assertThat(budget.withdrawn().sum()).isZero();
    }

    @Test
    void aBodyThatCannotBeSentAgainIsNotRetried() {
        RetryPlan plan = plan(3, null, Duration.ofSeconds(15));
        deposit(100);
        ReplayableBody released = new ReplayableBody(reactor.core.publisher.Flux.empty(), 10);
        released.release();

        assertThat(plan.retryDelayNanos(1, 0, 15_000 * MS, guard, RetryReason.RESET, released))
                .isEqualTo(-1);
    }

    @Test
    void anAttemptWaitsThePerTryTimeoutOrWhatIsLeftOfTheDeadline() {
        RetryPlan plan = plan(3, Duration.ofMillis(300), Duration.ofSeconds(1));

        assertThat(plan.attemptTimeoutNanos(0, 1_000 * MS)).isEqualTo(300 * MS);
        assertThat(plan.perTryTimeoutFired(plan.attemptTimeoutNanos(0, 1_000 * MS)))
                .isTrue();
        assertThat(plan.attemptTimeoutNanos(800 * MS, 1_000 * MS)).isEqualTo(200 * MS);
        assertThat(plan.perTryTimeoutFired(plan.attemptTimeoutNanos(800 * MS, 1_000 * MS)))
                .isFalse();
        assertThat(plan(3, null, Duration.ofSeconds(1)).attemptTimeoutNanos(0, 1_000 * MS))
                .isEqualTo(1_000 * MS);
    }

    @Test
    void theDebugHeaderAsksForAttemptsOnlyWhenItSaysSo() {
        assertThat(RetryPlan.wantsAttempts(null)).isFalse();
        assertThat(RetryPlan.wantsAttempts("timing")).isFalse();
        assertThat(RetryPlan.wantsAttempts("attempts")).isTrue();
    }
}
