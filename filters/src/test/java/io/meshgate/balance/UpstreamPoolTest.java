package io.meshgate.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.outlier.OutlierPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UpstreamPoolTest {

    private static final long MS = 1_000_000L;

    private final VirtualClock clock = new VirtualClock();

    @Test
    void aLeaseTakesExactlyOneResultAndReleasesItsEndpointOnce() {
        UpstreamPool pool = pool(new MutableEndpointSet(MutableEndpointSet.endpoints(1)), new RoundRobinBalancer());
        Lease lease = pool.acquire();
        EndpointStats stats = lease.stats();
        assertThat(stats.inFlight()).isEqualTo(1);
        assertThat(lease.upstream()).isEqualTo("orders");
        assertThat(lease.endpoint().address()).isEqualTo("10.0.0.1:80");
        assertThat(lease.complete(200)).isTrue();
        assertThat(lease.complete(200)).isFalse();
        assertThat(lease.fail(FailureKind.RESET)).isFalse();
        assertThat(lease.cancel()).isFalse();
        assertThat(lease.isDone()).isTrue();
        assertThat(stats.inFlight()).isZero();

        Lease failed = pool.acquire();
        assertThat(failed.fail(FailureKind.CONNECT)).isTrue();
        assertThat(failed.complete(200)).isFalse();
        Lease cancelled = pool.acquire();
        assertThat(cancelled.cancel()).isTrue();
        assertThat(cancelled.fail(FailureKind.TIMEOUT)).isFalse();
        assertThat(stats.inFlight()).isZero();
    }

    @Test
    void latencyIsMeasuredFromAcquireWithTheInjectedClock() {
        PeakEwmaBalancer balancer = new PeakEwmaBalancer();
        UpstreamPool pool = pool(new MutableEndpointSet(MutableEndpointSet.endpoints(1)), balancer);
        Lease lease = pool.acquire();
        clock.advance(Duration.ofMillis(42));
        lease.complete(204);
        assertThat(balancer.estimateNanos(lease.stats(), clock.getAsLong())).isEqualTo(42.0 * MS);
    }

    @Test
    void statisticsOfEndpointsThatStaySurviveAnEndpointSetChange() {
        Endpoint a = Endpoint.of("10.0.0.1", 80, 1);
        Endpoint b = Endpoint.of("10.0.0.2", 80, 1);
        Endpoint c = Endpoint.of("10.0.0.3", 80, 1);
        MutableEndpointSet set = new MutableEndpointSet(a, b);
        // Picks in turn (so the test chooses endpoints) but learns latency as peak-EWMA does.
        PeakEwmaBalancer balancer = new PeakEwmaBalancer();
        RoundRobinBalancer inTurn = new RoundRobinBalancer();
        UpstreamPool pool = UpstreamPool.builder("orders", set)
                .balancer(new Balancer() {
                    @Override
                    public EndpointStats pick(EndpointStats[] endpoints, long nowNanos) {
                        return inTurn.pick(endpoints, nowNanos);
                    }

                    @Override
                    public void observe(EndpointStats endpoint, long latencyNanos, boolean failed, long nowNanos) {
                        balancer.observe(endpoint, latencyNanos, failed, nowNanos);
                    }
                })
                .clock(clock)
                .outlierDetection(OutlierPolicy.DEFAULTS, null)
                .build();
        Lease onA = leaseOn(pool, a);
        clock.advance(Duration.ofMillis(80));
        onA.complete(200);
        Lease heldOnA = leaseOn(pool, a);
        Lease heldOnB = leaseOn(pool, b);
        leaseOn(pool, a).complete(503);
        EndpointStats statsOfA = heldOnA.stats();
        assertThat(statsOfA.ejection().consecutiveFailures()).isEqualTo(1);

        // The Service is rescaled: b goes, c comes, a stays (a new Endpoint record, same address).
        set.replace(Endpoint.of("10.0.0.1", 80, 1), c);
        List<EndpointStats> after = pool.endpointStats();
        assertThat(after).extracting(EndpointStats::address).containsExactly("10.0.0.1:80", "10.0.0.3:80");
        assertThat(after.get(0)).isSameAs(statsOfA);
        assertThat(statsOfA.inFlight()).isEqualTo(1);
        assertThat(statsOfA.ejection().consecutiveFailures()).isEqualTo(1);
        assertThat(balancer.estimateNanos(statsOfA, clock.getAsLong())).isGreaterThan(80.0 * MS);
        // The lease on the endpoint that left still ends cleanly.
        assertThat(heldOnB.complete(200)).isTrue();
        heldOnA.complete(200);
        assertThat(statsOfA.inFlight()).isZero();
        assertThat(after.get(1).inFlight()).isZero();
    }

    @Test
    void aReloadedPoolCarriesOverWhatThePreviousOneLearnt() {
        Endpoint a = Endpoint.of("10.0.0.1", 80, 1);
        Endpoint b = Endpoint.of("10.0.0.2", 80, 1);
        PeakEwmaBalancer balancer = new PeakEwmaBalancer();
        UpstreamPool old = UpstreamPool.builder("orders", new StaticEndpointSet(List.of(a, b)))
                .balancer(balancer)
                .clock(clock)
                .outlierDetection(OutlierPolicy.DEFAULTS.withConsecutiveFailures(1), null)
                .build();
        Lease slow = leaseOn(old, a);
        clock.advance(Duration.ofMillis(300));
        slow.complete(200);
        leaseOn(old, b).fail(FailureKind.CONNECT);
        assertThat(old.ejectedCount()).isEqualTo(1);

        PeakEwmaBalancer next = new PeakEwmaBalancer();
        UpstreamPool reloaded = UpstreamPool.builder("orders", new StaticEndpointSet(List.of(a, b)))
                .balancer(next)
                .clock(clock)
                .outlierDetection(OutlierPolicy.DEFAULTS, null)
                .carryOver(old)
                .build();
        List<EndpointStats> stats = reloaded.endpointStats();
        assertThat(next.estimateNanos(stats.get(0), clock.getAsLong())).isEqualTo(300.0 * MS);
        assertThat(stats.get(1).ejected()).isTrue();
        assertThat(reloaded.ejectedCount()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(30));
        assertThat(reloaded.ejectedCount()).isZero();
    }

    @Test
    void belowHalfHealthyItPanicsAndBalancesOverAll() {
        MutableEndpointSet set = new MutableEndpointSet(MutableEndpointSet.endpoints(4));
        UpstreamPool pool = pool(set, new RoundRobinBalancer());
        List<EndpointStats> stats = pool.endpointStats();
        pool.markHealthy(stats.get(0), false);
        pool.markHealthy(stats.get(1), false);
        // 2 of 4 healthy is 50 %: not below the threshold, so only the healthy two take traffic.
        assertThat(pool.panicking()).isFalse();
        assertThat(hostsOf(pool, 8)).containsExactlyInAnyOrder("10.0.0.3", "10.0.0.4");
        pool.markHealthy(stats.get(2), false);
        assertThat(pool.panicking()).isTrue();
        assertThat(pool.healthyCount()).isEqualTo(1);
        assertThat(hostsOf(pool, 8)).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4");
        assertThat(pool.panicAcquires().sum()).isEqualTo(8);
        pool.markHealthy(stats.get(0), true);
        assertThat(pool.panicking()).isFalse();
        assertThat(hostsOf(pool, 8)).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.4");
    }

    @Test
    void withPanicOffAnUpstreamWithNothingHealthyHasNothingToOffer() {
        UpstreamPool pool = UpstreamPool.builder("orders", new MutableEndpointSet(MutableEndpointSet.endpoints(2)))
                .clock(clock)
                .panicThreshold(0)
                .build();
        pool.endpointStats().forEach(s -> pool.markHealthy(s, false));
        assertThat(pool.acquire()).isNull();
        assertThat(pool.pick()).isNull();
    }

    @Test
    void failsOverWhenNoEndpointIsHealthyAndComesBackWhenOneIs() {
        UpstreamPool primary = UpstreamPool.builder("orders", new MutableEndpointSet(MutableEndpointSet.endpoints(2)))
                .balancer(new RoundRobinBalancer())
                .clock(clock)
                .random(new SplittableRandom(11))
                .build();
        UpstreamPool standby = UpstreamPool.builder(
                        "orders-dr", new StaticEndpointSet(List.of(Endpoint.of("10.9.0.1", 80, 1))))
                .clock(clock)
                .build();
        primary.failoverTo(standby);
        assertThat(share(primary, 1_000)).containsEntry("10.0.0.1", 500).containsEntry("10.0.0.2", 500);

        List<EndpointStats> stats = primary.endpointStats();
        primary.markHealthy(stats.get(0), false);
        // 1 of 2 healthy: the primary keeps 1.4 × 50 % = 70 % on its healthy endpoint.
        assertThat(share(primary, 10_000).get("10.0.0.2")).isBetween(6_800, 7_200);
        primary.markHealthy(stats.get(1), false);
        Lease lease = primary.acquire();
        assertThat(lease.upstream()).isEqualTo("orders-dr");
        assertThat(lease.endpoint().address()).isEqualTo("10.9.0.1:80");
        assertThat(primary.pick().address()).isEqualTo("10.9.0.1:80");
        lease.complete(200);
        assertThat(standby.endpointStats().get(0).inFlight()).isZero();
        assertThat(primary.panicAcquires().sum()).isZero();

        primary.markHealthy(stats.get(0), true);
        primary.markHealthy(stats.get(1), true);
        long spilled = primary.failoverAcquires().sum();
        assertThat(share(primary, 1_000)).containsOnlyKeys("10.0.0.1", "10.0.0.2");
        assertThat(primary.failoverAcquires().sum()).isEqualTo(spilled);
    }

    @Test
    void aPartlyHealthyPrimarySpillsTheShareItCannotCarryToTheFailoverAsEnvoyDoes() {
        UpstreamPool primary = UpstreamPool.builder("orders", new MutableEndpointSet(MutableEndpointSet.endpoints(10)))
                .balancer(new RoundRobinBalancer())
                .clock(clock)
                .random(new SplittableRandom(12))
                .build();
        UpstreamPool standby = UpstreamPool.builder(
                        "orders-dr", new StaticEndpointSet(List.of(Endpoint.of("10.9.0.1", 80, 1))))
                .clock(clock)
                .build();
        primary.failoverTo(standby);
        List<EndpointStats> stats = primary.endpointStats();
        // 8 of 10 healthy: 1.4 × 80 % ≥ 100 %, nothing spills.
        primary.markHealthy(stats.get(0), false);
        primary.markHealthy(stats.get(1), false);
        assertThat(share(primary, 1_000)).doesNotContainKeys("10.9.0.1", "10.0.0.1", "10.0.0.2");
        // 3 of 10 healthy: the primary keeps 42 % on its three healthy endpoints, no panic; 58 % spill.
        for (int i = 2; i < 7; i++) {
            primary.markHealthy(stats.get(i), false);
        }
        assertThat(primary.panicking()).isTrue();
        java.util.Map<String, Integer> share = share(primary, 10_000);
        assertThat(share.get("10.9.0.1")).isBetween(5_600, 6_000);
        assertThat(share.keySet()).containsExactlyInAnyOrder("10.9.0.1", "10.0.0.8", "10.0.0.9", "10.0.0.10");
        assertThat(primary.panicAcquires().sum()).isZero();
    }

    private static java.util.Map<String, Integer> share(UpstreamPool pool, int n) {
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        for (int i = 0; i < n; i++) {
            Lease lease = pool.acquire();
            counts.merge(lease.endpoint().host(), 1, Integer::sum);
            lease.complete(200);
        }
        return counts;
    }

    @Test
    void failsOverWhenOutlierDetectionEjectedEverythingAndReturnsAfterTheEjectionTime() {
        UpstreamPool primary = UpstreamPool.builder("orders", new MutableEndpointSet(MutableEndpointSet.endpoints(1)))
                .clock(clock)
                .outlierDetection(OutlierPolicy.DEFAULTS.withMaxEjectedPercent(100), null)
                .build();
        UpstreamPool standby = UpstreamPool.builder(
                        "orders-dr", new StaticEndpointSet(List.of(Endpoint.of("10.9.0.1", 80, 1))))
                .clock(clock)
                .build();
        primary.failoverTo(standby);
        for (int i = 0; i < 5; i++) {
            primary.acquire().complete(502);
        }
        assertThat(primary.acquire().upstream()).isEqualTo("orders-dr");
        clock.advance(Duration.ofSeconds(29));
        assertThat(primary.acquire().upstream()).isEqualTo("orders-dr");
        clock.advance(Duration.ofSeconds(1));
        assertThat(primary.acquire().upstream()).isEqualTo("orders");
    }

    @Test
    void failsOverWhenThePrimaryHasNoEndpointsAtAll() {
        MutableEndpointSet set = new MutableEndpointSet();
        UpstreamPool primary = pool(set, new RoundRobinBalancer());
        UpstreamPool standby = pool(new MutableEndpointSet(Endpoint.of("10.9.0.1", 80, 1)), new RoundRobinBalancer());
        assertThat(primary.acquire()).isNull();
        primary.failoverTo(standby);
        assertThat(primary.acquire().endpoint().host()).isEqualTo("10.9.0.1");
        set.replace(MutableEndpointSet.endpoints(1));
        assertThat(primary.acquire().endpoint().host()).isEqualTo("10.0.0.1");
    }

    @Test
    void whenTheFailoverHasNothingHealthyEitherThePrimaryPanics() {
        UpstreamPool primary = pool(new MutableEndpointSet(MutableEndpointSet.endpoints(2)), new RoundRobinBalancer());
        UpstreamPool standby = pool(new MutableEndpointSet(Endpoint.of("10.9.0.1", 80, 1)), new RoundRobinBalancer());
        primary.failoverTo(standby);
        primary.endpointStats().forEach(s -> primary.markHealthy(s, false));
        standby.endpointStats().forEach(s -> standby.markHealthy(s, false));
        assertThat(hostsOf(primary, 4)).containsOnly("10.0.0.1", "10.0.0.2");
        assertThat(primary.panicking()).isTrue();
    }

    @Test
    void refusesAFailoverCycle() {
        UpstreamPool a = pool(new MutableEndpointSet(), new RoundRobinBalancer());
        UpstreamPool b = pool(new MutableEndpointSet(), new RoundRobinBalancer());
        UpstreamPool c = pool(new MutableEndpointSet(), new RoundRobinBalancer());
        a.failoverTo(b);
        b.failoverTo(c);
        assertThatThrownBy(() -> c.failoverTo(a))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leads back");
        assertThatThrownBy(() -> a.failoverTo(a)).isInstanceOf(IllegalArgumentException.class);
        // With nothing anywhere, an acquire follows the chain and ends.
        assertThat(a.acquire()).isNull();
    }

    @Test
    void balancerNamesFromTheRouteFile() {
        assertThat(Balancer.named("peak-ewma")).isInstanceOf(PeakEwmaBalancer.class);
        assertThat(Balancer.named("round-robin")).isInstanceOf(RoundRobinBalancer.class);
        assertThat(Balancer.named("random")).isInstanceOf(RandomBalancer.class);
        assertThat(Balancer.named("weighted")).isInstanceOf(WeightedRoundRobinBalancer.class);
        assertThat(Balancer.named("least-request")).isInstanceOf(LeastRequestBalancer.class);
        assertThat(Balancer.POLICIES).hasSize(5).startsWith(Balancer.DEFAULT_POLICY);
        assertThatThrownBy(() -> Balancer.named("fastest"))
                .hasMessage("unknown balancer 'fastest': expected one of peak-ewma, round-robin, random, weighted,"
                        + " least-request");
    }

    @Test
    void concurrentAttemptsLeaveNothingInFlight() throws Exception {
        for (String policy : Balancer.POLICIES) {
            MutableEndpointSet set = new MutableEndpointSet(MutableEndpointSet.endpoints(8));
            UpstreamPool pool = UpstreamPool.builder("orders", set)
                    .balancer(Balancer.named(policy))
                    .outlierDetection(OutlierPolicy.DEFAULTS, null)
                    .build();
            int threads = 4;
            int attempts = 20_000;
            ExecutorService executor = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(executor.submit(() -> {
                    start.await();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    List<Lease> held = new ArrayList<>();
                    int finished = 0;
                    for (int i = 0; i < attempts; i++) {
                        Lease lease = pool.acquire();
                        held.add(lease);
                        if (held.size() > 4 || random.nextBoolean()) {
                            Lease oldest = held.remove(0);
                            switch (random.nextInt(20)) {
                                case 0 -> oldest.fail(FailureKind.CONNECT);
                                case 1 -> oldest.cancel();
                                case 2 -> oldest.complete(503);
                                default -> oldest.complete(200);
                            }
                            oldest.complete(200); // a second result is ignored
                            finished++;
                        }
                        if (i == attempts / 2
                                && Thread.currentThread().getName().endsWith("-1")) {
                            set.replace(MutableEndpointSet.endpoints(6));
                        }
                    }
                    for (Lease lease : held) {
                        lease.complete(200);
                        finished++;
                    }
                    return finished;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : done) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            executor.shutdown();
            assertThat(total).isEqualTo(threads * attempts);
            assertThat(pool.endpointStats())
                    .hasSize(6)
                    .allSatisfy(s -> assertThat(s.inFlight()).as(policy).isZero());
        }
    }

    private UpstreamPool pool(EndpointSet set, Balancer balancer) {
        return UpstreamPool.builder("orders", set)
                .balancer(balancer)
                .clock(clock)
                .build();
    }

    /** Acquires until the balancer offers {@code endpoint}; the other leases are cancelled. */
    static Lease leaseOn(UpstreamPool pool, Endpoint endpoint) {
        for (int i = 0; i < 10_000; i++) {
            Lease lease = pool.acquire();
            if (lease.endpoint().address().equals(endpoint.address())) {
                return lease;
            }
            lease.cancel();
        }
        throw new AssertionError("the pool never offered " + endpoint);
    }

    private static Set<String> hostsOf(UpstreamPool pool, int n) {
        Set<String> hosts = new HashSet<>();
        for (int i = 0; i < n; i++) {
            Lease lease = pool.acquire();
            hosts.add(lease.endpoint().host());
            lease.complete(200);
        }
        return hosts;
    }
}
