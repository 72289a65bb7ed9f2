package io.meshgate.retry;

import static io.meshgate.balance.FailureKind.CONNECT;
import static io.meshgate.balance.FailureKind.RESET;
import static io.meshgate.balance.FailureKind.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.config.RetryPolicy;
import io.meshgate.config.RetryPolicy.Condition;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryConditionsTest {

    private final RetryConditions defaults = new RetryConditions(RetryPolicy.DEFAULT);

    private static RetryPolicy policy(int attempts, Set<Condition> on, Set<Integer> statuses, Set<String> methods) {
        return new RetryPolicy(
                attempts,
                on,
                statuses,
                Duration.ofSeconds(1),
                Duration.ofMillis(25),
                Duration.ofMillis(250),
                methods,
                65536,
                RetryPolicy.DEFAULT.location());
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
    void idempotentMethodsAreRetriedAfterBeingSent(String method) {
        assertThat(defaults.retries(method, RESET, true)).isTrue();
        assertThat(defaults.retries(method, TIMEOUT, true)).isTrue();
        assertThat(defaults.retries(method, 503)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PATCH", "get", "CONNECT"})
    void otherMethodsAreNotRetriedOnceSent(String method) {
        assertThat(defaults.retries(method, RESET, true)).isFalse();
        assertThat(defaults.retries(method, TIMEOUT, true)).isFalse();
        assertThat(defaults.retries(method, 503)).isFalse();
    }

    @Test
    void anyMethodIsRetriedWhenTheRequestProvablyNeverLeft() {
        assertThat(defaults.retries("POST", CONNECT, true))
                .as("a connect failure sent nothing")
                .isTrue();
        assertThat(defaults.retries("POST", RESET, false))
                .as("a pooled connection closed before writing")
                .isTrue();
        assertThat(defaults.retries("PATCH", CONNECT, false)).isTrue();
    }

    @Test
    void onlyTheListedStatusesAreRetried() {
        assertThat(defaults.retries("GET", 502)).isTrue();
        assertThat(defaults.retries("GET", 504)).isTrue();
        assertThat(defaults.retries("GET", 500)).isFalse();
        assertThat(defaults.retries("GET", 429)).isFalse();
        assertThat(defaults.retries("GET", 200)).isFalse();
        assertThat(defaults.retriesStatus(-1)).isFalse();
        assertThat(defaults.retriesStatus(999)).isFalse();
    }

    @Test
    void aRouteOptsMethodsAndConditionsIn() {
        RetryConditions conditions =
                new RetryConditions(policy(2, Set.of(Condition.RESET), Set.of(429), Set.of("POST")));
        assertThat(conditions.retries("POST", RESET, true)).isTrue();
        assertThat(conditions.retries("POST", 429)).isTrue();
        assertThat(conditions.retries("POST", 503)).isFalse();
        assertThat(conditions.retries("PATCH", RESET, true)).isFalse();
        assertThat(conditions.retries("GET", CONNECT, false))
                .as("connect-failure is not listed")
                .isFalse();
        assertThat(conditions.retries("GET", TIMEOUT, true))
                .as("per-try-timeout is not listed")
                .isFalse();
    }

    @Test
    void oneAttemptRetriesNothing() {
        RetryConditions off =
                new RetryConditions(policy(1, Set.of(Condition.values()), RetryPolicy.DEFAULT_STATUSES, Set.of()));
        assertThat(off.enabled()).isFalse();
        assertThat(off.retries("GET", CONNECT, false)).isFalse();
        assertThat(off.retries("GET", 503)).isFalse();
    }
}
