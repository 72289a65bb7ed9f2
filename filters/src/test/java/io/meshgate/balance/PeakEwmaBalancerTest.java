package io.meshgate.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

class PeakEwmaBalancerTest {

    private static final long MS = 1_000_000L;

    private final VirtualClock clock = new VirtualClock();

    @Test
    void ofTwoPicksTheLowerCost() {
        PeakEwmaBalancer balancer = seeded(1);
        EndpointStats[] endpoints = RandomBalancerTest.stats(2);
        long now = clock.getAsLong();
        balancer.observe(endpoints[0], 20 * MS, false, now);
        balancer.observe(endpoints[1], 5 * MS, false, now);
        for (int i = 0; i < 50; i++) {
            assertThat(balancer.pick(endpoints, now)).isSameAs(endpoints[1]);
        }
        // cost is latency × (in flight + 1): 5 ms with 4 in flight costs 25, more than 20 with none.
        for (int i = 0; i < 4; i++) {
            endpoints[1].acquired();
        }
        assertThat(balancer.cost(endpoints[1], now)).isCloseTo(25.0 * MS, within(1.0));
        assertThat(balancer.pick(endpoints, now)).isSameAs(endpoints[0]);
    }

    @Test
    void comparesCostsAtACommonTimeSoAnOlderEstimateHasDecayed() {
        PeakEwmaBalancer balancer = seeded(3);
        EndpointStats[] endpoints = RandomBalancerTest.stats(2);
        long t0 = clock.getAsLong();
        long t1 = t0 + Duration.ofSeconds(20).toNanos();
        balancer.observe(endpoints[0], 30 * MS, false, t0); // 30 ms, 20 s ago: 30 / e² ≈ 4.06 ms now
        balancer.observe(endpoints[1], 10 * MS, false, t1);
        assertThat(balancer.cost(endpoints[0], t1)).isLessThan(balancer.cost(endpoints[1], t1));
        for (int i = 0; i < 20; i++) {
            assertThat(balancer.pick(endpoints, t1)).isSameAs(endpoints[0]);
        }
        endpoints[0].acquired(); // 2 × 4.06 ms is still less than 10 ms
        assertThat(balancer.pick(endpoints, t1)).isSameAs(endpoints[0]);
        endpoints[0].acquired(); // 3 × 4.06 ms is more
        for (int i = 0; i < 20; i++) {
            assertThat(balancer.pick(endpoints, t1)).isSameAs(endpoints[1]);
        }
    }

    @Test
    void aHigherSampleReplacesTheEstimateAtOnceALowerOneLetsItDecay() {
        PeakEwmaBalancer balancer = seeded(1);
        EndpointStats e = RandomBalancerTest.stats(1)[0];
        long t0 = clock.getAsLong();
        // Before any sample: the default RTT, decaying from when the endpoint was first seen (time 0 here).
        assertThat(balancer.estimateNanos(e, 0)).isCloseTo(30.0 * MS, within(1.0));
        // The first sample replaces the default whatever its value.
        balancer.observe(e, 4 * MS, false, t0);
        assertThat(balancer.estimateNanos(e, t0)).isCloseTo(4.0 * MS, within(1.0));
        balancer.observe(e, 50 * MS, false, t0);
        assertThat(balancer.estimateNanos(e, t0)).isCloseTo(50.0 * MS, within(1.0));
        // 10 s later (one decay constant): 50 / e.
        long t1 = t0 + Duration.ofSeconds(10).toNanos();
        assertThat(balancer.estimateNanos(e, t1)).isCloseTo(50.0 * MS / Math.E, within(1000.0));
        balancer.observe(e, 5 * MS, false, t1);
        assertThat(balancer.estimateNanos(e, t1)).isCloseTo(50.0 * MS / Math.E, within(1000.0));
        balancer.observe(e, 30 * MS, false, t1);
        assertThat(balancer.estimateNanos(e, t1)).isCloseTo(30.0 * MS, within(1.0));
    }

    @Test
    void aFailureDoublesTheCostEvenWhenItWasFast() {
        PeakEwmaBalancer balancer = seeded(1);
        EndpointStats e = RandomBalancerTest.stats(1)[0];
        long now = clock.getAsLong();
        balancer.observe(e, 5 * MS, false, now);
        balancer.observe(e, 100_000, true, now); // a 503 in 0.1 ms
        assertThat(balancer.estimateNanos(e, now)).isCloseTo(10.0 * MS, within(1.0));
        balancer.observe(e, 100_000, true, now);
        assertThat(balancer.estimateNanos(e, now)).isCloseTo(20.0 * MS, within(1.0));
        // A slow failure (a timeout) counts as what it took when that is more.
        balancer.observe(e, 1_000 * MS, true, now);
        assertThat(balancer.estimateNanos(e, now)).isCloseTo(1_000.0 * MS, within(1.0));
        // Without the penalty a fast failure is timed like a success.
        PeakEwmaBalancer plain = new PeakEwmaBalancer(Duration.ofSeconds(10), Duration.ofMillis(30), 1.0, null);
        EndpointStats f = RandomBalancerTest.stats(1)[0];
        plain.observe(f, 5 * MS, false, now);
        plain.observe(f, 100_000, true, now);
        assertThat(plain.estimateNanos(f, now)).isCloseTo(5.0 * MS, within(1.0));
    }

    @Test
    void aFastFailingEndpointDoesNotBecomeABlackHole() {
        // Three endpoints, one answers 503 in 0.1 ms; the others 200 in 5 ms. No outlier detection.
        UpstreamPool pool = pool(seeded(5));
        int[] counts = simulate(
                pool,
                0,
                10_000,
                e -> e.host().equals("10.0.0.3") ? 100_000 : 5 * MS,
                e -> e.host().equals("10.0.0.3") ? 503 : 200);
        System.out.printf("black hole: the fast-failing endpoint took %d of 10,000 picks%n", counts[2]);
        assertThat(counts[2]).isLessThan(10_000 / 3);
    }

    @Test
    void theEndpoint50MsSlowerGetsUnder10PercentAndRegainsItsShareWhenItRecovers() {
        PeakEwmaBalancer balancer = seeded(42);
        UpstreamPool pool = pool(balancer);
        // One request per virtual millisecond: 10,000 requests are 10 s.
        int[] slowPhase = simulate(pool, 0, 10_000, e -> e.host().equals("10.0.0.3") ? 55 * MS : 5 * MS, e -> 200);
        assertThat(slowPhase[0] + slowPhase[1] + slowPhase[2]).isEqualTo(10_000);
        assertThat(slowPhase[2]).as("slow endpoint's picks of 10,000").isLessThan(1_000);

        // Now it is as fast as the others. Within a bounded virtual time it gets its share again: its
        // estimate only decays (time constant 10 s) from about 17 ms to about 6 ms, so ~19 s; bound 3τ.
        int recoveredAfterSeconds = -1;
        for (int second = 0; second < 40; second++) {
            int[] window = simulate(pool, 10_000 + second * 1_000, 1_000, e -> 5 * MS, e -> 200);
            if (window[2] >= 250) { // a fair share is 333 of 1,000
                recoveredAfterSeconds = second + 1;
                break;
            }
        }
        System.out.printf(
                "peak-EWMA simulation: slow endpoint took %d of 10,000 picks (fast ones %d and %d); after recovery"
                        + " it had 25%%+ of a second's picks within %d s%n",
                slowPhase[2], slowPhase[0], slowPhase[1], recoveredAfterSeconds);
        assertThat(recoveredAfterSeconds)
                .as("seconds until the recovered endpoint has 25 %%+ of a second's picks")
                .isBetween(1, 30);
    }

    @Test
    void aNewEndpointGetsTrafficWhileItsPeersAreBusy() {
        MutableEndpointSet set = new MutableEndpointSet(MutableEndpointSet.endpoints(2));
        UpstreamPool pool = UpstreamPool.builder("orders", set)
                .balancer(seeded(9))
                .clock(clock)
                .build();
        simulate(pool, 0, 2_000, e -> 20 * MS, e -> 200);
        set.replace(MutableEndpointSet.endpoints(3));
        int[] counts = simulate(pool, 2_000, 1_000, e -> 20 * MS, e -> 200);
        System.out.printf("new endpoint took %d of the next 1,000 picks%n", counts[2]);
        assertThat(counts[2]).isGreaterThan(150);
    }

    private PeakEwmaBalancer seeded(long seed) {
        return new PeakEwmaBalancer(
                PeakEwmaBalancer.DEFAULT_DECAY,
                PeakEwmaBalancer.DEFAULT_RTT,
                PeakEwmaBalancer.DEFAULT_FAILURE_PENALTY,
                new SplittableRandom(seed));
    }

    private UpstreamPool pool(Balancer balancer) {
        return UpstreamPool.builder("orders", new MutableEndpointSet(MutableEndpointSet.endpoints(3)))
                .balancer(balancer)
                .clock(clock)
                .build();
    }

    /**
     * A discrete-event run: one request per virtual millisecond from {@code startMs}, each answered
     * after its endpoint's latency. Returns picks per endpoint (by index of 10.0.0.N). Requests still in
     * flight at the end are answered before returning, at their time.
     */
    private int[] simulate(
            UpstreamPool pool,
            long startMs,
            int requests,
            ToLongFunction<Endpoint> latency,
            java.util.function.ToIntFunction<Endpoint> status) {
        long base = 1_000_000_000_000L;
        PriorityQueue<long[]> answers = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        java.util.Map<Long, Lease> leases = new java.util.HashMap<>();
        long ids = 0;
        int[] counts = new int[8];
        for (int i = 0; i < requests; i++) {
            long t = base + (startMs + i) * MS;
            while (!answers.isEmpty() && answers.peek()[0] <= t) {
                long[] answer = answers.poll();
                clock.set(answer[0]);
                Lease lease = leases.remove(answer[1]);
                lease.complete(status.applyAsInt(lease.endpoint()));
            }
            clock.set(t);
            Lease lease = pool.acquire();
            counts[Integer.parseInt(lease.endpoint().host().substring("10.0.0.".length())) - 1]++;
            long id = ids++;
            leases.put(id, lease);
            answers.add(new long[] {t + latency.applyAsLong(lease.endpoint()), id});
        }
        while (!answers.isEmpty()) {
            long[] answer = answers.poll();
            clock.set(answer[0]);
            Lease lease = leases.remove(answer[1]);
            lease.complete(status.applyAsInt(lease.endpoint()));
        }
        return counts;
    }
}
