package io.meshgate.balance;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Smooth weighted round-robin as nginx does it: each endpoint's share is its weight (from the route
 * file for static endpoints; 1 for discovered ones), and the picks are spread out, not bunched (weights
 * 5, 1, 1 give a a b a c a a). Endpoints of weight 0 take no traffic unless all are 0.
 *
 * <p>nginx runs its algorithm (add each weight to a running value, take the largest, subtract the
 * total) on every pick under the upstream's lock. The sequence it produces depends only on the weights
 * and repeats every total-weight picks, so this balancer computes it once per set of available
 * endpoints (weights reduced by their greatest common divisor) and a pick is one atomic increment and
 * two array reads: lock-free, O(1), the exact nginx order. When the reduced total weight exceeds
 * {@value #MAX_TABLE} it falls back to nginx's per-pick algorithm under a lock.
 */
public final class WeightedRoundRobinBalancer implements Balancer {

    /** The longest precomputed sequence; above it picks run nginx's algorithm under a lock. */
    public static final int MAX_TABLE = 1 << 16;

    private final AtomicInteger next = new AtomicInteger();
    private final int maxTable;
    private volatile Schedule schedule = Schedule.NONE;

    public WeightedRoundRobinBalancer() {
        this(MAX_TABLE);
    }

    /** With another table limit; 0 makes every pick run nginx's algorithm under a lock (to measure it). */
    public WeightedRoundRobinBalancer(int maxTable) {
        this.maxTable = maxTable;
    }

    @Override
    public EndpointStats pick(EndpointStats[] endpoints, long nowNanos) {
        Schedule s = schedule;
        if (s.source != endpoints) {
            s = build(endpoints);
            schedule = s;
        }
        return s.pick(next);
    }

    private Schedule build(EndpointStats[] endpoints) {
        int[] weights = new int[endpoints.length];
        boolean any = false;
        for (int i = 0; i < endpoints.length; i++) {
            weights[i] = Math.max(0, endpoints[i].endpoint().weight());
            any |= weights[i] > 0;
        }
        if (!any) {
            java.util.Arrays.fill(weights, 1);
        }
        int gcd = 0;
        for (int w : weights) {
            gcd = gcd(gcd, w);
        }
        long total = 0;
        for (int i = 0; i < weights.length; i++) {
            weights[i] /= gcd;
            total += weights[i];
        }
        if (total <= maxTable) {
            return new Table(endpoints, sequence(weights, (int) total));
        }
        return new Locked(endpoints, weights, total);
    }

    /** nginx's smooth weighted round-robin over one period, as indexes into the weights. */
    static int[] sequence(int[] weights, int total) {
        long[] current = new long[weights.length];
        int[] order = new int[total];
        for (int n = 0; n < total; n++) {
            order[n] = step(weights, total, current);
        }
        return order;
    }

    /** One pick of nginx's algorithm: the first endpoint with the largest running value wins. */
    static int step(int[] weights, long total, long[] current) {
        int best = -1;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] == 0) {
                continue;
            }
            current[i] += weights[i];
            if (best < 0 || current[i] > current[best]) {
                best = i;
            }
        }
        current[best] -= total;
        return best;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    private abstract static class Schedule {
        static final Schedule NONE = new Schedule(null) {
            @Override
            EndpointStats pick(AtomicInteger next) {
                throw new IllegalStateException();
            }
        };

        final EndpointStats[] source;

        Schedule(EndpointStats[] source) {
            this.source = source;
        }

        abstract EndpointStats pick(AtomicInteger next);
    }

    /** The precomputed period: lock-free. */
    private static final class Table extends Schedule {
        private final int[] order;

        Table(EndpointStats[] source, int[] order) {
            super(source);
            this.order = order;
        }

        @Override
        EndpointStats pick(AtomicInteger next) {
            int[] o = order;
            return source[o[Math.floorMod(next.getAndIncrement(), o.length)]];
        }
    }

    /** nginx's algorithm per pick, under a lock. */
    private static final class Locked extends Schedule {
        private final int[] weights;
        private final long total;
        private final long[] current;

        Locked(EndpointStats[] source, int[] weights, long total) {
            super(source);
            this.weights = weights;
            this.total = total;
            this.current = new long[weights.length];
        }

        @Override
        EndpointStats pick(AtomicInteger next) {
            int i;
            synchronized (this) {
                i = step(weights, total, current);
            }
            return source[i];
        }
    }
}
