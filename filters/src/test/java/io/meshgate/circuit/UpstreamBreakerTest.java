package io.meshgate.circuit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.meshgate.balance.FailureKind;
import io.meshgate.config.CircuitBreakerPolicy;
import io.meshgate.config.SourceLocation;
import io.meshgate.config.StaticEndpoints;
import io.meshgate.config.Upstream;
import io.meshgate.config.UpstreamPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpstreamBreakerTest {

    private static final long MS = 1_000_000L;

    /** A clock that moves only when the test moves it. */
    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MovableClock clock = new MovableClock();

    private static CircuitBreakerPolicy policy(String fallback, SourceLocation location) {
        return new CircuitBreakerPolicy(50, 10, 10, Duration.ofSeconds(30), 2, fallback, location);
    }

    private static CircuitBreakerPolicy policy(String fallback) {
        return policy(fallback, new SourceLocation("routes.yaml", 3, 5));
    }

    @Test
    void opensAtTheFailureRateFallsBackThenClosesAfterGoodTrialCalls() {
        UpstreamBreaker breaker = new UpstreamBreaker("orders", policy("orders-standby"), clock);
        for (int i = 0; i < 5; i++) {
            assertThat(breaker.tryAcquire()).isTrue();
            breaker.onResponse(200, 3 * MS);
        }
        for (int i = 0; i < 4; i++) {
            assertThat(breaker.tryAcquire()).isTrue();
            breaker.onFailure(i % 2 == 0 ? FailureKind.CONNECT : FailureKind.RESET, MS);
        }
        assertThat(breaker.state()).as("9 calls: below the minimum of 10").isEqualTo(State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onResponse(503, MS);
        assertThat(breaker.state()).as("5 of 10 failed: 50 %").isEqualTo(State.OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
        assertThat(breaker.fallback()).isEqualTo("orders-standby");

        clock.advance(Duration.ofSeconds(29));
        assertThat(breaker.tryAcquire()).isFalse();
        clock.advance(Duration.ofMillis(1001)); // strictly after the wait
        assertThat(breaker.tryAcquire()).as("the first trial call").isTrue();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.tryAcquire()).as("the second trial call").isTrue();
        assertThat(breaker.tryAcquire()).as("no third while two are out").isFalse();
        breaker.onResponse(204, MS);
        breaker.onResponse(404, MS);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void aFailedTrialCallOpensItAgain() {
        UpstreamBreaker breaker = new UpstreamBreaker("orders", policy(null), clock);
        breaker.circuitBreaker().transitionToOpenState();
        clock.advance(Duration.ofSeconds(30).plusMillis(1)); // strictly after the wait
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onFailure(FailureKind.TIMEOUT, MS);
        breaker.onResponse(200, MS);
        assertThat(breaker.state()).as("1 of 2 trial calls failed: 50 %").isEqualTo(State.OPEN);
        assertThat(breaker.fallback()).isNull();
    }

    @Test
    void anAbandonedAttemptGivesItsTrialPermissionBack() {
        UpstreamBreaker breaker = new UpstreamBreaker("orders", policy(null), clock);
        breaker.circuitBreaker().transitionToOpenState();
        clock.advance(Duration.ofSeconds(30).plusMillis(1)); // strictly after the wait
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.tryAcquire()).isFalse();
        breaker.releasePermission();
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void aReloadKeepsTheBreakerOfAnUnchangedPolicyAndReplacesAChangedOne() {
        StaticEndpoints endpoints = new StaticEndpoints(List.of());
        SourceLocation here = new SourceLocation("routes.yaml", 1, 1);
        Upstream orders = new Upstream("orders", endpoints, UpstreamPolicy.DEFAULTS, here, null, policy(null));
        Upstream plain = new Upstream("plain", endpoints, here);
        UpstreamBreakers first = UpstreamBreakers.of(List.of(orders, plain), UpstreamBreakers.NONE, clock);
        assertThat(first.get("plain")).isNull();
        first.get("orders").circuitBreaker().transitionToOpenState();

        Upstream moved = new Upstream(
                "orders",
                endpoints,
                UpstreamPolicy.DEFAULTS,
                here,
                null,
                policy(null, new SourceLocation("b.yaml", 9, 9)));
        UpstreamBreakers second = UpstreamBreakers.of(List.of(moved), first, clock);
        assertThat(second.get("orders")).isSameAs(first.get("orders"));
        assertThat(second.get("orders").state()).isEqualTo(State.OPEN);

        Upstream changed = new Upstream("orders", endpoints, UpstreamPolicy.DEFAULTS, here, null, policy("standby"));
        UpstreamBreakers third = UpstreamBreakers.of(List.of(changed), second, clock);
        assertThat(third.get("orders")).isNotSameAs(first.get("orders"));
        assertThat(third.get("orders").state()).isEqualTo(State.CLOSED);
        assertThat(third.all()).hasSize(1);
    }
}
