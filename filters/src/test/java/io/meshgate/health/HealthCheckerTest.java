package io.meshgate.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.balance.Endpoint;
import io.meshgate.balance.EndpointStats;
import io.meshgate.balance.Lease;
import io.meshgate.balance.MutableEndpointSet;
import io.meshgate.balance.RoundRobinBalancer;
import io.meshgate.balance.StaticEndpointSet;
import io.meshgate.balance.UpstreamPool;
import io.meshgate.balance.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class HealthCheckerTest {

    private static final HealthCheckPolicy POLICY = HealthCheckPolicy.of("/healthz"); // 10 s, 1 s, 2 up, 3 down

    private final VirtualClock clock = new VirtualClock();
    private final MutableEndpointSet set = new MutableEndpointSet(MutableEndpointSet.endpoints(3));
    private final UpstreamPool pool = UpstreamPool.builder("orders", set)
            .balancer(new RoundRobinBalancer())
            .clock(clock)
            .build();
    private final FakeProbe probe = new FakeProbe();
    private final HealthChecker checker = new HealthChecker(pool, POLICY, probe, clock);

    @Test
    void probesEveryEndpointOncePerInterval() {
        checker.tick();
        assertThat(probe.pendingHosts()).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2", "10.0.0.3");
        probe.answerAll(200);
        clock.advance(Duration.ofSeconds(9));
        checker.tick();
        assertThat(probe.pendingHosts()).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        checker.tick();
        assertThat(probe.pendingHosts()).hasSize(3);
        assertThat(checker.probesStarted().sum()).isEqualTo(6);
    }

    @Test
    void takesAnEndpointOutAfterThreeFailedProbesAndBackAfterTwoPassedOnes() {
        rounds(2, host -> host.equals("10.0.0.1") ? 503 : 200);
        assertThat(stats("10.0.0.1").healthy()).isTrue();
        rounds(1, host -> host.equals("10.0.0.1") ? 503 : 200);
        assertThat(stats("10.0.0.1").healthy()).isFalse();
        assertThat(hosts(9)).containsExactlyInAnyOrder("10.0.0.2", "10.0.0.3");
        assertThat(checker.markedUnhealthy().sum()).isEqualTo(1);

        rounds(1, host -> 200);
        assertThat(stats("10.0.0.1").healthy()).isFalse();
        rounds(1, host -> 200);
        assertThat(stats("10.0.0.1").healthy()).isTrue();
        assertThat(hosts(9)).hasSize(3);
        assertThat(checker.markedHealthy().sum()).isEqualTo(1);
    }

    @Test
    void aFailedProbeInBetweenRestartsTheCount() {
        rounds(2, host -> 503);
        rounds(1, host -> 200);
        rounds(2, host -> 503);
        assertThat(pool.healthyCount()).isEqualTo(3);
        rounds(1, host -> 503);
        assertThat(pool.healthyCount()).isZero();
    }

    @Test
    void aProbeWithoutAnswerFailsAtTheTimeoutAndItsLateAnswerIsIgnored() {
        for (int round = 0; round < 3; round++) {
            checker.tick();
            clock.advance(Duration.ofMillis(999));
            checker.tick();
            assertThat(checker.probesFailed().sum()).isEqualTo(3L * round);
            clock.advance(Duration.ofMillis(1));
            checker.tick(); // the timeout
            clock.advance(Duration.ofSeconds(9));
        }
        assertThat(pool.healthyCount()).isZero();
        assertThat(checker.probesFailed().sum()).isEqualTo(9);
        probe.answerAll(200); // too late
        assertThat(checker.probesFailed().sum()).isEqualTo(9);
        assertThat(pool.healthyCount()).isZero();
    }

    @Test
    void anErrorOrAThrowingProbeIsAFailure() {
        Function<Endpoint, CompletionStage<Integer>> failing = endpoint -> {
            if (endpoint.host().equals("10.0.0.1")) {
                throw new IllegalStateException("no route to host");
            }
            return CompletableFuture.failedFuture(new java.io.IOException("connection refused"));
        };
        HealthChecker broken = new HealthChecker(pool, POLICY.withThresholds(1, 1), failing, clock);
        broken.tick();
        assertThat(pool.healthyCount()).isZero();
        assertThat(broken.probesFailed().sum()).isEqualTo(3);
    }

    @Test
    void newEndpointsAreProbedAtTheNextTickAndGoneOnesForgotten() {
        checker.tick();
        probe.answerAll(200);
        set.replace(Endpoint.of("10.0.0.2", 80, 1), Endpoint.of("10.0.0.4", 80, 1));
        clock.advance(Duration.ofSeconds(1));
        checker.tick();
        assertThat(probe.pendingHosts()).containsExactly("10.0.0.4");
        probe.answerAll(200);
        assertThat(checker.probesStarted().sum()).isEqualTo(4);
    }

    @Test
    void withEveryPrimaryEndpointUnhealthyTrafficFailsOverAndComesBack() {
        UpstreamPool standby = UpstreamPool.builder(
                        "orders-dr", new StaticEndpointSet(List.of(Endpoint.of("10.9.0.1", 80, 1))))
                .clock(clock)
                .build();
        pool.failoverTo(standby);
        rounds(3, host -> 503);
        Lease lease = pool.acquire();
        assertThat(lease.upstream()).isEqualTo("orders-dr");
        lease.complete(200);
        // One of three back: the primary takes 1.4 × 1/3 = 47 % of the attempts, all on that endpoint.
        rounds(2, host -> host.equals("10.0.0.2") ? 200 : 503);
        Map<String, Integer> share = new HashMap<>();
        for (int i = 0; i < 3_000; i++) {
            lease = pool.acquire();
            share.merge(lease.upstream() + " " + lease.endpoint().host(), 1, Integer::sum);
            lease.complete(200);
        }
        assertThat(share.keySet()).containsExactlyInAnyOrder("orders 10.0.0.2", "orders-dr 10.9.0.1");
        assertThat(share.get("orders 10.0.0.2")).isBetween(1_250, 1_550);
        rounds(2, host -> 200);
        assertThat(pool.acquire().upstream()).isEqualTo("orders");
    }

    @Test
    void policyRejectsSettingsOutOfRange() {
        assertThatThrownBy(() -> HealthCheckPolicy.of("healthz")).hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> POLICY.withThresholds(0, 3)).hasMessageContaining("1 or more");
        assertThatThrownBy(() -> POLICY.withInterval(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("interval must be positive");
        assertThatThrownBy(() -> POLICY.withHealthyStatuses(Set.of())).hasMessageContaining("at least one");
    }

    /** A tick, every probe answered by {@code status}, then one interval; {@code n} times. */
    private void rounds(int n, Function<String, Integer> status) {
        for (int i = 0; i < n; i++) {
            checker.tick();
            probe.answerAll(status);
            clock.advance(POLICY.interval());
        }
    }

    private EndpointStats stats(String host) {
        return pool.endpointStats().stream()
                .filter(s -> s.endpoint().host().equals(host))
                .findFirst()
                .orElseThrow();
    }

    private Set<String> hosts(int n) {
        Set<String> hosts = new HashSet<>();
        for (int i = 0; i < n; i++) {
            Lease lease = pool.acquire();
            hosts.add(lease.endpoint().host());
            lease.cancel();
        }
        return hosts;
    }

    /** Probes that wait for the test to answer them. */
    private static final class FakeProbe implements Function<Endpoint, CompletionStage<Integer>> {
        private final Map<String, CompletableFuture<Integer>> pending = new HashMap<>();

        @Override
        public CompletionStage<Integer> apply(Endpoint endpoint) {
            CompletableFuture<Integer> answer = new CompletableFuture<>();
            pending.put(endpoint.host(), answer);
            return answer;
        }

        List<String> pendingHosts() {
            return new ArrayList<>(pending.keySet());
        }

        void answerAll(int status) {
            answerAll(host -> status);
        }

        void answerAll(Function<String, Integer> status) {
            Map<String, CompletableFuture<Integer>> now = new HashMap<>(pending);
            pending.clear();
            now.forEach((host, answer) -> answer.complete(status.apply(host)));
        }
    }
}
