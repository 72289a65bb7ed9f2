package io.meshgate.outlier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.balance.Endpoint;
import io.meshgate.balance.EndpointStats;
import io.meshgate.balance.FailureKind;
import io.meshgate.balance.Lease;
import io.meshgate.balance.MutableEndpointSet;
import io.meshgate.balance.RoundRobinBalancer;
import io.meshgate.balance.UpstreamPool;
import io.meshgate.balance.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {

    private final VirtualClock clock = new VirtualClock();
    private final List<String> events = new ArrayList<>();
    private final OutlierListener listener = new OutlierListener() {
        @Override
        public void ejected(String upstream, String endpoint, int failures, Duration ejectionTime) {
            events.add("ejected " + upstream + " " + endpoint + " after " + failures + " for " + ejectionTime);
        }

        @Override
        public void returned(String upstream, String endpoint, Duration ejectedFor) {
            events.add("returned " + upstream + " " + endpoint + " after " + ejectedFor);
        }

        @Override
        public void ejectionSkipped(String upstream, String endpoint, int failures) {
            events.add("kept " + endpoint);
        }
    };

    @Test
    void ejectsEndpointAfterFiveConsecutiveFailures() {
        UpstreamPool pool = pool(4, OutlierPolicy.DEFAULTS);
        Endpoint a = endpoint(1);
        for (int i = 0; i < 4; i++) {
            on(pool, a).complete(500);
        }
        assertThat(stats(pool, a).ejected()).isFalse();
        assertThat(stats(pool, a).ejection().consecutiveFailures()).isEqualTo(4);
        on(pool, a).fail(FailureKind.CONNECT);
        assertThat(stats(pool, a).ejected()).isTrue();
        assertThat(events).containsExactly("ejected orders 10.0.0.1:80 after 5 for PT30S");
        assertThat(pool.outlierDetector().ejections().sum()).isEqualTo(1);
        assertThat(hosts(pool, 12)).doesNotContain("10.0.0.1");
    }

    @Test
    void aSuccessEndsTheRunAndOnlyConfiguredStatusesCount() {
        OutlierPolicy policy = OutlierPolicy.DEFAULTS.withConsecutiveFailures(3).withFailureStatuses(Set.of(502, 503));
        UpstreamPool pool = pool(4, policy);
        Endpoint a = endpoint(1);
        on(pool, a).complete(502);
        on(pool, a).complete(503);
        on(pool, a).complete(200);
        on(pool, a).complete(500); // not listed: a success for outlier detection
        on(pool, a).fail(FailureKind.RESET);
        on(pool, a).fail(FailureKind.TIMEOUT);
        assertThat(stats(pool, a).ejected()).isFalse();
        on(pool, a).cancel(); // no verdict
        on(pool, a).complete(503);
        assertThat(stats(pool, a).ejected()).isTrue();
    }

    @Test
    void returnsAfterTheEjectionTimeWhichGrowsWithRepeatedEjections() {
        UpstreamPool pool = pool(4, OutlierPolicy.DEFAULTS);
        Endpoint a = endpoint(1);
        failTimes(pool, a, 5);
        clock.advance(Duration.ofSeconds(29));
        assertThat(hosts(pool, 8)).doesNotContain("10.0.0.1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(hosts(pool, 8)).contains("10.0.0.1");
        assertThat(stats(pool, a).ejected()).isFalse();

        failTimes(pool, a, 5); // second ejection: 2 × 30 s
        clock.advance(Duration.ofSeconds(59));
        assertThat(pool.ejectedCount()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(pool.ejectedCount()).isZero();

        failTimes(pool, a, 5); // third: 90 s
        assertThat(stats(pool, a).ejection().ejections()).isEqualTo(3);
        assertThat(events)
                .containsExactly(
                        "ejected orders 10.0.0.1:80 after 5 for PT30S",
                        "returned orders 10.0.0.1:80 after PT30S",
                        "ejected orders 10.0.0.1:80 after 5 for PT1M",
                        "returned orders 10.0.0.1:80 after PT1M",
                        "ejected orders 10.0.0.1:80 after 5 for PT1M30S");
        assertThat(pool.outlierDetector().returns().sum()).isEqualTo(2);
    }

    @Test
    void ejectionTimeIsCappedAndTheMultiplierShrinksWhileTheEndpointBehaves() {
        OutlierPolicy policy = OutlierPolicy.DEFAULTS.withEjectionTime(Duration.ofSeconds(30), Duration.ofSeconds(75));
        UpstreamPool pool = pool(4, policy);
        Endpoint a = endpoint(1);
        failTimes(pool, a, 5);
        clock.advance(Duration.ofSeconds(30));
        pool.refresh();
        failTimes(pool, a, 5);
        clock.advance(Duration.ofSeconds(60));
        pool.refresh();
        failTimes(pool, a, 5); // 3 × 30 s = 90 s, capped at 75 s
        assertThat(events.get(events.size() - 1)).endsWith("for PT1M15S");
        clock.advance(Duration.ofSeconds(75));
        pool.refresh();
        // Two base ejection times (60 s) in rotation take the multiplier from 3 to 1; the next is 2 × 30 s.
        clock.advance(Duration.ofSeconds(60));
        failTimes(pool, a, 5);
        assertThat(stats(pool, a).ejection().ejections()).isEqualTo(2);
        assertThat(events.get(events.size() - 1)).endsWith("for PT1M");
    }

    @Test
    void neverEjectsMoreThanMaxEjectedPercent() {
        UpstreamPool pool = pool(4, OutlierPolicy.DEFAULTS); // 50 %: two of four
        for (int n = 1; n <= 3; n++) {
            failTimes(pool, endpoint(n), 5);
        }
        assertThat(pool.ejectedCount()).isEqualTo(2);
        assertThat(stats(pool, endpoint(3)).ejected()).isFalse();
        assertThat(events).contains("kept 10.0.0.3:80");
        assertThat(pool.outlierDetector().ejectionsSkipped().sum()).isEqualTo(1);
        // When one returns there is room again: the next failure of the one that was kept ejects it.
        clock.advance(Duration.ofSeconds(30));
        assertThat(pool.ejectedCount()).isZero();
        on(pool, endpoint(3)).complete(503);
        assertThat(stats(pool, endpoint(3)).ejected()).isTrue();

        // Three endpoints at 50 %: one ejection (33 %) is allowed, a second (67 %) is not.
        UpstreamPool three = pool(3, OutlierPolicy.DEFAULTS);
        failTimes(three, endpoint(1), 5);
        failTimes(three, endpoint(2), 5);
        assertThat(three.ejectedCount()).isEqualTo(1);
        // A lone endpoint is never ejected at 50 % (100 % would exceed it), as in Envoy.
        UpstreamPool one = pool(1, OutlierPolicy.DEFAULTS);
        failTimes(one, endpoint(1), 10);
        assertThat(one.ejectedCount()).isZero();
        // 0 % turns ejection off.
        UpstreamPool off = pool(4, OutlierPolicy.DEFAULTS.withMaxEjectedPercent(0));
        failTimes(off, endpoint(1), 10);
        assertThat(off.ejectedCount()).isZero();
    }

    @Test
    void tooManyEjectedMeansPanicNotFailure() {
        UpstreamPool pool = pool(4, OutlierPolicy.DEFAULTS.withMaxEjectedPercent(100));
        for (int n = 1; n <= 3; n++) {
            failTimes(pool, endpoint(n), 5);
        }
        assertThat(pool.ejectedCount()).isEqualTo(3);
        assertThat(pool.panicking()).isTrue();
        assertThat(hosts(pool, 8)).hasSize(4);
    }

    @Test
    void anEjectedEndpointThatLeavesTheSetIsForgotten() {
        MutableEndpointSet set = new MutableEndpointSet(MutableEndpointSet.endpoints(4));
        UpstreamPool pool = UpstreamPool.builder("orders", set)
                .balancer(new RoundRobinBalancer())
                .clock(clock)
                .outlierDetection(OutlierPolicy.DEFAULTS, listener)
                .build();
        failTimes(pool, endpoint(1), 5);
        set.replace(endpoint(2), endpoint(3), endpoint(4));
        assertThat(pool.ejectedCount()).isZero();
        assertThat(pool.outlierDetector().returns().sum()).isEqualTo(1);
        set.replace(MutableEndpointSet.endpoints(4));
        assertThat(stats(pool, endpoint(1)).ejected()).isFalse();
        assertThat(stats(pool, endpoint(1)).ejection().ejections()).isZero();
    }

    @Test
    void policyRejectsSettingsOutOfRange() {
        assertThatThrownBy(() -> OutlierPolicy.DEFAULTS.withConsecutiveFailures(0))
                .hasMessageContaining("consecutiveFailures must be 1 or more");
        assertThatThrownBy(() -> OutlierPolicy.DEFAULTS.withMaxEjectedPercent(101))
                .hasMessageContaining("maxEjectedPercent must be 0..100");
        assertThatThrownBy(
                        () -> OutlierPolicy.DEFAULTS.withEjectionTime(Duration.ofSeconds(30), Duration.ofSeconds(10)))
                .hasMessageContaining("maxEjectionTime must be at least baseEjectionTime");
        assertThatThrownBy(() -> OutlierPolicy.DEFAULTS.withFailureStatuses(Set.of(700)))
                .hasMessageContaining("100..599");
        assertThat(OutlierPolicy.DEFAULTS.failureStatuses()).hasSize(100).contains(500, 599);
    }

    private UpstreamPool pool(int endpoints, OutlierPolicy policy) {
        return UpstreamPool.builder("orders", new MutableEndpointSet(MutableEndpointSet.endpoints(endpoints)))
                .balancer(new RoundRobinBalancer())
                .clock(clock)
                .outlierDetection(policy, listener)
                .build();
    }

    private static Endpoint endpoint(int n) {
        return Endpoint.of("10.0.0." + n, 80, 1);
    }

    private static Lease on(UpstreamPool pool, Endpoint endpoint) {
        for (int i = 0; i < 1_000; i++) {
            Lease lease = pool.acquire();
            if (lease.endpoint().address().equals(endpoint.address())) {
                return lease;
            }
            lease.cancel();
        }
        throw new AssertionError("the pool never offered " + endpoint);
    }

    private static void failTimes(UpstreamPool pool, Endpoint endpoint, int times) {
        for (int i = 0; i < times; i++) {
            on(pool, endpoint).complete(503);
        }
    }

    private static EndpointStats stats(UpstreamPool pool, Endpoint endpoint) {
        return pool.endpointStats().stream()
                .filter(s -> s.address().equals(endpoint.address()))
                .findFirst()
                .orElseThrow();
    }

    private static Set<String> hosts(UpstreamPool pool, int n) {
        Set<String> hosts = new HashSet<>();
        for (int i = 0; i < n; i++) {
            Lease lease = pool.acquire();
            hosts.add(lease.endpoint().host());
            lease.cancel();
        }
        return hosts;
    }
}
