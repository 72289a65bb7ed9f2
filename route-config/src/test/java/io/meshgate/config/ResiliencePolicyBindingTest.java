package io.meshgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.meshgate.config.RetryPolicy.Condition;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The route file's {@code retry}, {@code retryBudget} and {@code circuitBreaker} as the units get them. */
class ResiliencePolicyBindingTest {

    private static RouteConfig load(String text) throws ConfigException {
        return RouteConfigLoader.load(List.of(new RouteSource("routes.yaml", text)));
    }

    @Test
    void routesAndUpstreamsWithoutPoliciesGetTheDefaults() throws ConfigException {
        RouteConfig config = load(
                """
                upstreams:
                  echo: { endpoints: [ { address: "127.0.0.1:18081" } ] }
                routes:
                  - { id: echo, upstream: echo }
                """);
        RetryPolicy retry = config.routes().get(0).retry();
        assertThat(retry.attempts()).isEqualTo(3);
        assertThat(retry.enabled()).isTrue();
        assertThat(retry.on()).containsExactlyInAnyOrder(Condition.values());
        assertThat(retry.statuses()).containsExactlyInAnyOrder(502, 503, 504);
        assertThat(retry.perTryTimeout()).isNull();
        assertThat(retry.backoffBase()).isEqualTo(Duration.ofMillis(25));
        assertThat(retry.backoffMax()).isEqualTo(Duration.ofMillis(250));
        assertThat(retry.methods()).isEmpty();
        assertThat(retry.bufferBody()).isEqualTo(64 * 1024);

        Upstream echo = config.upstreams().get("echo");
        assertThat(echo.retryBudget().percent()).isEqualTo(20);
        assertThat(echo.retryBudget().minPerSecond()).isEqualTo(10);
        assertThat(echo.retryBudget().window()).isEqualTo(Duration.ofSeconds(10));
        assertThat(echo.circuitBreaker()).isNull();
    }

    @Test
    void bindsEveryKeyAsWritten() throws ConfigException {
        RouteConfig config = load(
                """
                upstreams:
                  orders:
                    endpoints: [ { address: "127.0.0.1:18081" } ]
                    retryBudget: { percent: 5, minPerSecond: 0, window: 30s }
                    circuitBreaker:
                      failureRateThreshold: 40
                      slidingWindowSize: 20
                      waitDurationInOpenState: 5s
                      permittedNumberOfCallsInHalfOpenState: 2
                      fallback: standby
                  standby: { endpoints: [ { address: "127.0.0.1:18082" } ] }
                routes:
                  - id: orders
                    upstream: orders
                    timeout: 4s
                    retry:
                      attempts: 5
                      on: [reset, 429, "503"]
                      perTryTimeout: 4s
                      backoff: { base: 10ms, max: 1s }
                      methods: [post, PATCH]
                      bufferBody: 1MiB
                """);
        RetryPolicy retry = config.routes().get(0).retry();
        assertThat(retry.attempts()).isEqualTo(5);
        assertThat(retry.on()).containsExactly(Condition.RESET);
        assertThat(retry.statuses()).containsExactlyInAnyOrder(429, 503);
        assertThat(retry.perTryTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(retry.backoffBase()).isEqualTo(Duration.ofMillis(10));
        assertThat(retry.backoffMax()).isEqualTo(Duration.ofSeconds(1));
        assertThat(retry.methods()).containsExactlyInAnyOrder("POST", "PATCH");
        assertThat(retry.bufferBody()).isEqualTo(1024 * 1024);
        assertThat(retry.location().line()).as("the policy's first key").isEqualTo(17);

        Upstream orders = config.upstreams().get("orders");
        assertThat(orders.retryBudget())
                .extracting(RetryBudgetPolicy::percent, RetryBudgetPolicy::minPerSecond, RetryBudgetPolicy::window)
                .containsExactly(5, 0, Duration.ofSeconds(30));
        CircuitBreakerPolicy breaker = orders.circuitBreaker();
        assertThat(breaker.failureRateThreshold()).isEqualTo(40);
        assertThat(breaker.slidingWindowSize()).isEqualTo(20);
        assertThat(breaker.minimumNumberOfCalls()).as("at most the window").isEqualTo(20);
        assertThat(breaker.waitDurationInOpenState()).isEqualTo(Duration.ofSeconds(5));
        assertThat(breaker.permittedNumberOfCallsInHalfOpenState()).isEqualTo(2);
        assertThat(breaker.fallback()).isEqualTo("standby");
    }

    @Test
    void aBackoffBaseAboveTheDefaultMaxRaisesTheMax() throws ConfigException {
        RouteConfig config = load(
                """
                upstreams: { echo: { endpoints: [ { address: "127.0.0.1:18081" } ] } }
                routes: [ { id: echo, upstream: echo, retry: { backoff: { base: 1s } } } ]
                """);
        assertThat(config.routes().get(0).retry().backoffMax()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void parsesBinarySizes() {
        assertThat(ByteSizeParser.parse("0B")).isZero();
        assertThat(ByteSizeParser.parse("512B")).isEqualTo(512);
        assertThat(ByteSizeParser.parse("64KiB")).isEqualTo(65536);
        assertThat(ByteSizeParser.parse("16MiB")).isEqualTo(16L << 20);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ByteSizeParser.parse("64"))
                .withMessage("invalid size '64'; add a unit (B, KiB, MiB), such as 64KiB");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ByteSizeParser.parse("-1KiB"))
                .withMessage("invalid size '-1KiB'; a size cannot be negative");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ByteSizeParser.parse("1.5MiB"))
                .withMessageStartingWith("invalid size '1.5MiB'; expected a whole number");
    }
}
