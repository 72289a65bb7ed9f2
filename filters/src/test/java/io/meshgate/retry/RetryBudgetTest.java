package io.meshgate.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.balance.VirtualClock;
import io.meshgate.config.RetryBudgetPolicy;
import io.meshgate.config.SourceLocation;
import io.meshgate.config.StaticEndpoints;
import io.meshgate.config.Upstream;
import io.meshgate.config.UpstreamPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    private final VirtualClock clock = new VirtualClock();

    private RetryBudget budget(int percent, int minPerSecond) {
        return new RetryBudget(percent, minPerSecond, Duration.ofSeconds(10), clock);
    }

    private static int withdrawAll(RetryBudget budget) {
        int allowed = 0;
        while (budget.tryWithdraw()) {
            allowed++;
        }
        return allowed;
    }

    @Test
    void aQuietUpstreamStillGetsTheMinimumPerSecondOverTheWindow() {
        RetryBudget budget = budget(20, 10);
        assertThat(budget.available()).isEqualTo(100);
        assertThat(withdrawAll(budget)).isEqualTo(100);
        assertThat(budget.exhausted().sum()).isEqualTo(1);
        assertThat(budget.withdrawn().sum()).isEqualTo(100);
    }

    @Test
    void retriesAddAtMostThePercentOfRequestsPlusTheMinimum() {
        RetryBudget budget = budget(20, 0);
        for (int i = 0; i < 1_000; i++) {
            budget.deposit();
        }
        assertThat(withdrawAll(budget)).isEqualTo(200);
        budget.deposit();
        budget.deposit();
        budget.deposit();
        budget.deposit();
        budget.deposit();
        assertThat(budget.tryWithdraw()).as("five more requests earn one retry").isTrue();
        assertThat(budget.tryWithdraw()).isFalse();
    }

    @Test
    void aWholeUpstreamDownCostsAFifthMoreAttemptsNotThreeTimesAsMany() {
        // 100 requests a second for a minute, every attempt failing, 3 attempts allowed per request
        RetryBudgetPolicy defaults = RetryBudgetPolicy.DEFAULT;
        RetryBudget virtual = new RetryBudget(defaults.percent(), defaults.minPerSecond(), defaults.window(), clock);
        long requests = 0;
        long retries = 0;
        for (int ms = 0; ms < 60_000; ms += 10) {
            virtual.deposit();
            requests++;
            for (int retry = 0; retry < 2 && virtual.tryWithdraw(); retry++) {
                retries++;
            }
            clock.advance(Duration.ofMillis(10));
        }
        // the budget: 20% of requests plus 10/s; the first window also spends the reserve built up
        assertThat((double) retries / requests).isLessThanOrEqualTo(0.2 + 10.0 / 100 + 0.02);
        assertThat((double) retries / requests).isGreaterThan(0.25);
    }

    @Test
    void requestsAndRetriesOlderThanTheWindowNoLongerCount() {
        RetryBudget budget = budget(10, 0);
        for (int i = 0; i < 100; i++) {
            budget.deposit();
        }
        assertThat(withdrawAll(budget)).isEqualTo(10);
        clock.advance(Duration.ofSeconds(5));
        assertThat(budget.tryWithdraw())
                .as("half the window later the retries still count")
                .isFalse();
        for (int i = 0; i < 100; i++) {
            budget.deposit();
        }
        assertThat(withdrawAll(budget)).isEqualTo(10);
        clock.advance(Duration.ofSeconds(6));
        assertThat(budget.available())
                .as("the first 100 requests and 10 retries left the window")
                .isEqualTo(0);
        clock.advance(Duration.ofSeconds(5));
        assertThat(budget.available()).as("everything left the window").isZero();
        for (int i = 0; i < 50; i++) {
            budget.deposit();
        }
        assertThat(budget.available()).isEqualTo(5);
    }

    @Test
    void aSlotIsResetWhenTheRingComesBackToIt() {
        RetryBudget budget = budget(100, 0);
        budget.deposit();
        clock.advance(Duration.ofSeconds(10)); // the same slot of the ring, one window later
        budget.deposit();
        assertThat(budget.available()).isEqualTo(1);
        clock.advance(Duration.ofDays(400)); // far later: the epochs wrap around nothing
        assertThat(budget.available()).isZero();
    }

    @Test
    void concurrentDepositsAreNotLost() throws Exception {
        RetryBudget budget = budget(100, 0);
        int threads = 4;
        int each = 50_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Future<?>[] done = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                done[t] = pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        budget.deposit();
                    }
                    return null;
                });
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(budget.available()).isEqualTo((long) threads * each);
    }

    @Test
    void concurrentWithdrawalsStayNearTheBudget() throws Exception {
        RetryBudget budget = budget(10, 0);
        for (int i = 0; i < 10_000; i++) {
            budget.deposit();
        }
        AtomicInteger allowed = new AtomicInteger();
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Future<?>[] done = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                done[t] = pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 1_000; i++) {
                        if (budget.tryWithdraw()) {
                            allowed.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(allowed.get()).isBetween(1_000, 1_000 + threads);
        assertThat(budget.exhausted().sum()).isEqualTo(4_000 - allowed.get());
    }

    @Test
    void aReloadKeepsTheBudgetOfAnUnchangedPolicyAndItsSpentRetries() {
        StaticEndpoints none = new StaticEndpoints(List.of());
        SourceLocation here = new SourceLocation("routes.yaml", 1, 1);
        Upstream orders = new Upstream("orders", none, here);
        RetryBudgets first = RetryBudgets.of(List.of(orders), RetryBudgets.NONE, clock);
        RetryBudget budget = first.get("orders");
        assertThat(budget.percent()).isEqualTo(20);
        while (budget.tryWithdraw()) {
            // spend the reserve, as an outage would
        }

        RetryBudgets second = RetryBudgets.of(List.of(orders), first, clock);
        assertThat(second.get("orders")).isSameAs(budget);
        assertThat(second.get("orders").available()).isZero();

        Upstream stricter = new Upstream(
                "orders",
                none,
                UpstreamPolicy.DEFAULTS,
                here,
                new RetryBudgetPolicy(5, 1, Duration.ofSeconds(10), here),
                null);
        RetryBudgets third = RetryBudgets.of(List.of(stricter), second, clock);
        assertThat(third.get("orders")).isNotSameAs(budget);
        assertThat(third.get("orders").available()).isEqualTo(10);
        assertThat(third.get("other")).isNull();
        assertThat(third.all()).containsOnlyKeys("orders");
    }
}
