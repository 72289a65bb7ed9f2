package io.meshgate.balance;

import io.meshgate.outlier.EjectionState;
import io.meshgate.outlier.OutlierDetector;
import io.meshgate.outlier.OutlierListener;
import io.meshgate.outlier.OutlierPolicy;
import io.meshgate.transport.UpstreamClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An upstream at run time: its name, where its endpoints come from, how one is chosen, which are out
 * of rotation, and where traffic goes when none is healthy.
 *
 * <p><b>Per attempt</b>: {@link #acquire()} picks an endpoint and returns a {@link Lease}; the caller
 * reports the result on the lease ({@code complete(status)}, {@code fail(kind)} or {@code cancel()}),
 * which feeds the in-flight count, the balancer's latency estimate, outlier detection and the
 * upstream's {@link AttemptRecorder} (its request metrics).
 *
 * <p><b>Hot path</b>: one clock read, one volatile read of the current snapshot (an immutable array of
 * the endpoints that may take traffic), one identity check of the endpoint set's list, the balancer's
 * pick, one atomic increment, one small allocation (the lease). No lock: the snapshot is rebuilt under
 * a lock only when something changes (the endpoint list, an ejection, its expiry, a health verdict),
 * and a thread that finds another rebuilding uses the previous snapshot.
 *
 * <p><b>Statistics survive endpoint changes</b>: the pool keeps one {@link EndpointStats} per address
 * and reuses it when a new list still has the address (identity by {@link Endpoint#address()}; a
 * changed weight is taken over). {@link Builder#carryOver(UpstreamPool)} copies them from the previous
 * configuration's pool on a reload.
 *
 * <p><b>Healthy</b> means neither ejected by outlier detection nor failing active health checks.
 * Without a failover upstream:
 *
 * <ol>
 *   <li>At least {@code panicThreshold} percent healthy (default 50, Envoy's {@code
 *       healthy_panic_threshold}): the balancer picks among the healthy endpoints.
 *   <li>Fewer (including none): panic mode, the balancer picks among all endpoints (ejections and
 *       health verdicts are ignored rather than failing everything or overloading the few left).
 *   <li>No endpoints at all (or none healthy with panic turned off): {@code acquire()} returns null.
 * </ol>
 *
 * <p>With a failover upstream ({@link #failoverTo}), as Envoy spills traffic from one priority to the
 * next with its default overprovisioning factor of 1.4: the primary keeps the share {@code min(1, 1.4
 * × healthy / total)} of the attempts on its healthy endpoints, and the rest goes to the failover
 * upstream (which applies its own rules, and its own failover in turn, at most {@value
 * #MAX_FAILOVER_DEPTH} hops). So nothing spills while at least 5 of 7 endpoints are healthy, and
 * everything goes to the failover when none is (or the primary has no endpoints). Traffic comes back
 * by itself: every acquire asks the primary first, so the first healthy primary endpoint (an ejection
 * expiring, a health check passing, a new endpoint) takes its share back. When the failover has no
 * healthy endpoint either, the primary serves alone by the rules above (panic included).
 *
 * <p>Panic, failover, ejections and returns are logged at INFO, one line per change, never per
 * request.
 */
public final class UpstreamPool {

    /** Envoy's {@code healthy_panic_threshold} default: below 50 % healthy, balance over all. */
    public static final int DEFAULT_PANIC_THRESHOLD = 50;

    /** How many failover hops one acquire follows at most (a guard against cycles). */
    public static final int MAX_FAILOVER_DEPTH = 4;

    /** Envoy's default overprovisioning factor, 1.4, in percent: a primary 5/7 healthy still takes all. */
    public static final int OVERPROVISIONING_PERCENT = 140;

    /** The primary's share is drawn as an integer in [0, SHARE_SCALE). */
    private static final int SHARE_SCALE = 1 << 16;

    private static final Logger log = LoggerFactory.getLogger(UpstreamPool.class);
    private static final EndpointStats[] NONE = new EndpointStats[0];

    private final String name;
    private final EndpointSet endpoints;
    private final Balancer balancer;
    private final LongSupplier clock;
    private final OutlierDetector outlier;
    private final int panicThreshold;
    private final RandomGenerator random;
    private final AttemptRecorder recorder;
    private final UpstreamClient client;
    private final ReentrantLock lock = new ReentrantLock();
    private final LongAdder panicAcquires = new LongAdder();
    private final LongAdder failoverAcquires = new LongAdder();

    private volatile UpstreamPool failover;
    private volatile Snapshot snapshot;
    private Map<String, EndpointStats> byAddress = Map.of(); // guarded by lock
    private UpstreamPool carryOver; // guarded by lock; dropped after the first rebuild
    private boolean recordsChanged; // guarded by lock: set by reconcile when a listed endpoint changed weight

    /** A pool with the system clock, no outlier detection, the default panic threshold, no failover. */
    public UpstreamPool(String name, EndpointSet endpoints, Balancer balancer) {
        this(builder(name, endpoints).balancer(balancer));
    }

    private UpstreamPool(Builder b) {
        this.name = b.name;
        this.endpoints = b.endpoints;
        this.balancer = b.balancer != null ? b.balancer : new PeakEwmaBalancer();
        this.clock = b.clock;
        this.outlier = b.outlier;
        this.panicThreshold = b.panicThreshold;
        this.random = b.random;
        this.recorder = b.recorder;
        this.client = b.client;
        this.carryOver = b.carryOver;
        this.snapshot = Snapshot.EMPTY;
        lock.lock();
        try {
            snapshot = rebuild(Snapshot.EMPTY, clock.getAsLong());
        } finally {
            lock.unlock();
        }
    }

    /** A builder: balancer (default peak-EWMA), clock, outlier detection, panic threshold, carry-over. */
    public static Builder builder(String name, EndpointSet endpoints) {
        return new Builder(name, endpoints);
    }

    public String name() {
        return name;
    }

    public EndpointSet endpointSet() {
        return endpoints;
    }

    public Balancer balancer() {
        return balancer;
    }

    /** The pool's clock (nanoseconds). */
    public LongSupplier clock() {
        return clock;
    }

    /** The outlier detector, or null when the upstream has no outlier detection. */
    public OutlierDetector outlierDetector() {
        return outlier;
    }

    public int panicThreshold() {
        return panicThreshold;
    }

    /**
     * The upstream's own HTTP client (TLS, h2c or h2), or null for a plain HTTP/1.1 upstream, which
     * uses the gateway's shared client.
     */
    public UpstreamClient client() {
        return client;
    }

    /** The failover upstream, or null. */
    public UpstreamPool failover() {
        return failover;
    }

    /**
     * Sets (or, with null, clears) the upstream that takes the traffic when this one has no healthy
     * endpoint. Set it once all pools of a configuration exist, before traffic.
     *
     * @throws IllegalArgumentException if {@code other} is this pool or fails over to it, directly or not
     */
    public void failoverTo(UpstreamPool other) {
        for (UpstreamPool p = other; p != null; p = p.failover) {
            if (p == this) {
                throw new IllegalArgumentException("upstream '" + name + "' cannot fail over to '" + other.name
                        + "': the failover chain leads back to '" + name + "'");
            }
        }
        this.failover = other;
    }

    /**
     * Acquires an endpoint for one attempt, by the rules in the class comment. The caller must end the
     * lease ({@link Lease#complete}, {@link Lease#fail} or {@link Lease#cancel}).
     *
     * @return the lease, or null when neither this upstream nor its failover has any endpoint to offer
     */
    public Lease acquire() {
        return acquire(clock.getAsLong(), 0, false, null);
    }

    /**
     * Acquires an endpoint for a retry, by the rules of {@link #acquire()} but among the endpoints
     * {@code excluded} does not match (those already tried), in this upstream and its failover. When
     * every endpoint the rules allow is excluded, it acquires as {@link #acquire()} does: a retry to
     * an endpoint already tried beats no retry. The filtered array is built per call, which is fine
     * for retries and why the first attempt uses {@link #acquire()}.
     *
     * @param excluded matches the endpoints to avoid, such as {@code io.meshgate.retry.TriedEndpoints}
     * @return the lease, or null when neither this upstream nor its failover has any endpoint to offer
     */
    public Lease acquire(Predicate<? super Endpoint> excluded) {
        long now = clock.getAsLong();
        Lease lease = acquire(now, 0, false, excluded);
        return lease != null ? lease : acquire(now, 0, false, null);
    }

    private Lease acquire(long now, int depth, boolean healthyOnly, Predicate<? super Endpoint> excluded) {
        Snapshot s = current(now);
        EndpointStats[] from = s.available;
        if (s.primaryShare < SHARE_SCALE) {
            UpstreamPool next = failover;
            if (next != null && depth < MAX_FAILOVER_DEPTH) {
                if (s.healthy == 0 || share() >= s.primaryShare) {
                    Lease lease = next.acquire(next.clock.getAsLong(), depth + 1, true, excluded);
                    if (lease != null) {
                        failoverAcquires.increment();
                        return lease;
                    }
                } else {
                    from = s.healthyOnes; // a failover could take the rest: no panic here
                }
            }
            if (healthyOnly && s.healthy == 0) {
                return null;
            }
        }
        boolean panic = from != s.healthyOnes;
        int size = from.length;
        if (size == 0) {
            return null;
        }
        EndpointStats chosen = size == 1 ? from[0] : balancer.pick(from, now);
        if (excluded != null && excluded.test(chosen.endpoint())) {
            // Pick again among the untried only now: balancers cache work per array, and a retry's
            // first pick usually lands on an untried endpoint anyway.
            EndpointStats[] untried = without(from, excluded);
            if (untried.length == 0) {
                return null;
            }
            chosen = untried.length == 1 ? untried[0] : balancer.pick(untried, now);
        }
        if (panic) {
            panicAcquires.increment();
        }
        chosen.acquired();
        return new Lease(this, chosen, now);
    }

    /** The endpoints {@code excluded} does not match: the same array when it matches none. */
    private static EndpointStats[] without(EndpointStats[] from, Predicate<? super Endpoint> excluded) {
        int kept = 0;
        for (EndpointStats stats : from) {
            if (!excluded.test(stats.endpoint())) {
                kept++;
            }
        }
        if (kept == from.length) {
            return from;
        }
        EndpointStats[] rest = new EndpointStats[kept];
        int i = 0;
        for (EndpointStats stats : from) {
            if (!excluded.test(stats.endpoint())) {
                rest[i++] = stats;
            }
        }
        return rest;
    }

    private int share() {
        RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
        return r.nextInt(SHARE_SCALE);
    }

    /**
     * The endpoint for the next request without feedback: the same choice as {@link #acquire()} but
     * nothing is counted in flight and no result is expected. Kept for callers that do not report
     * results; they get no outlier detection and no latency awareness.
     *
     * @return the endpoint, or null when there is none to offer
     */
    public Endpoint pick() {
        long now = clock.getAsLong();
        Snapshot s = current(now);
        if (s.primaryShare < SHARE_SCALE && failover != null) {
            Lease lease = acquire(now, 0, false, null);
            if (lease == null) {
                return null;
            }
            lease.discard();
            return lease.endpoint();
        }
        EndpointStats[] available = s.available;
        int size = available.length;
        return size == 0
                ? null
                : size == 1
                        ? available[0].endpoint()
                        : balancer.pick(available, now).endpoint();
    }

    /** Called once per lease by {@link Lease#complete} or {@link Lease#fail}. */
    void finish(Lease lease, int status, FailureKind failure) {
        EndpointStats stats = lease.stats();
        stats.released();
        long now = clock.getAsLong();
        OutlierDetector detector = outlier;
        boolean failed = failure != null
                || (detector != null ? detector.isFailureStatus(status) : status >= 500 && status <= 599);
        long elapsed = now - lease.startNanos();
        balancer.observe(stats, elapsed, failed, now);
        if (failure != null) {
            recorder.failed(failure, elapsed);
        } else {
            recorder.responded(status, elapsed);
        }
        if (detector != null) {
            EjectionState state = stats.ejection();
            if (!failed) {
                detector.recordSuccess(state);
            } else if (detector.recordFailure(state)) {
                eject(stats, now);
            }
        }
    }

    /** Called once per lease by {@link Lease#cancel}: the attempt is recorded, nothing is learnt. */
    void cancelled(Lease lease) {
        lease.stats().released();
        recorder.cancelled(clock.getAsLong() - lease.startNanos());
    }

    /** Where this pool's attempts are recorded ({@link AttemptRecorder#NONE} without metrics). */
    public AttemptRecorder recorder() {
        return recorder;
    }

    private void eject(EndpointStats stats, long now) {
        lock.lock();
        try {
            Snapshot s = snapshot;
            if (stale(s, now)) {
                s = rebuild(s, now);
                snapshot = s;
            }
            if (byAddress.get(stats.address()) != stats) {
                return; // it left the upstream meanwhile
            }
            if (outlier.tryEject(stats.ejection(), stats.address(), s.all.length, s.ejected, now)) {
                snapshot = rebuild(s, now);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records an active health check verdict (see {@code io.meshgate.health.HealthChecker}): an
     * unhealthy endpoint is excluded like an ejected one.
     */
    public void markHealthy(EndpointStats stats, boolean healthy) {
        if (stats.healthy() == healthy) {
            return;
        }
        lock.lock();
        try {
            stats.healthy(healthy);
            Snapshot s = snapshot;
            if (byAddress.get(stats.address()) == stats) {
                snapshot = rebuild(s, clock.getAsLong());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies now what acquire applies lazily: endpoint-set changes and ejections whose time is up. Call
     * it from a timer if returns should be logged and visible while the upstream gets no traffic.
     */
    public void refresh() {
        lock.lock();
        try {
            long now = clock.getAsLong();
            Snapshot s = snapshot;
            if (stale(s, now)) {
                snapshot = rebuild(s, now);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Every endpoint of the upstream now with its statistics, available or not (a snapshot). */
    public List<EndpointStats> endpointStats() {
        return List.of(current(clock.getAsLong()).all);
    }

    /** Endpoints neither ejected nor failing health checks, as of the current snapshot. */
    public int healthyCount() {
        return current(clock.getAsLong()).healthy;
    }

    /** Endpoints ejected by outlier detection, as of the current snapshot. */
    public int ejectedCount() {
        return current(clock.getAsLong()).ejected;
    }

    /**
     * Whether fewer than the panic threshold are healthy: the balancer then picks among all endpoints,
     * unless a failover upstream with healthy endpoints takes the traffic the primary cannot.
     */
    public boolean panicking() {
        return current(clock.getAsLong()).panic;
    }

    /** Attempts acquired in panic mode. */
    public LongAdder panicAcquires() {
        return panicAcquires;
    }

    /** Attempts this pool handed to its failover upstream (counted on the primary). */
    public LongAdder failoverAcquires() {
        return failoverAcquires;
    }

    @Override
    public String toString() {
        Snapshot s = snapshot;
        return "UpstreamPool[" + name + ", " + s.healthy + " of " + s.all.length + " healthy"
                + (s.panic ? ", panic" : "") + "]";
    }

    private Snapshot current(long now) {
        Snapshot s = snapshot;
        if (stale(s, now) && lock.tryLock()) {
            try {
                s = snapshot;
                if (stale(s, now)) {
                    s = rebuild(s, now);
                    snapshot = s;
                }
            } finally {
                lock.unlock();
            }
        }
        return s;
    }

    private boolean stale(Snapshot s, long now) {
        return s.source != endpoints.endpoints() || (s.expiring && now - s.nextExpiry >= 0);
    }

    /** Builds the next snapshot. Under the lock. */
    private Snapshot rebuild(Snapshot previous, long now) {
        List<Endpoint> list = endpoints.endpoints();
        EndpointStats[] all = previous.all;
        recordsChanged = false;
        if (list != previous.source) {
            all = reconcile(list, now);
            if (!recordsChanged && Arrays.equals(all, previous.all)) {
                all = previous.all; // same endpoints: same array, so balancers keep their per-array work
            }
        }
        OutlierDetector detector = outlier;
        int healthy = 0;
        int ejected = 0;
        boolean expiring = false;
        long nextExpiry = 0;
        for (EndpointStats stats : all) {
            EjectionState state = stats.ejection();
            if (state.ejected() && detector != null) {
                detector.tryReturn(state, stats.address(), now);
            }
            if (state.ejected()) {
                ejected++;
                long until = state.ejectedUntilNanos();
                if (detector != null && (!expiring || until - nextExpiry < 0)) {
                    nextExpiry = until;
                    expiring = true;
                }
            } else if (stats.healthy()) {
                healthy++;
            }
        }
        EndpointStats[] healthyOnes;
        if (healthy == all.length) {
            healthyOnes = all;
        } else {
            healthyOnes = new EndpointStats[healthy];
            int n = 0;
            for (EndpointStats stats : all) {
                if (stats.available()) {
                    healthyOnes[n++] = stats;
                }
            }
        }
        if (!recordsChanged && healthyOnes != all && Arrays.equals(healthyOnes, previous.healthyOnes)) {
            healthyOnes = previous.healthyOnes; // same array, so balancers keep their per-array work
        }
        boolean panic = all.length > 0 && (long) healthy * 100 < (long) panicThreshold * all.length;
        EndpointStats[] available = panic ? all : healthyOnes;
        int primaryShare = all.length == 0
                ? 0
                : (int) Math.min(
                        SHARE_SCALE, (long) SHARE_SCALE * OVERPROVISIONING_PERCENT * healthy / (100L * all.length));
        Snapshot next = new Snapshot(
                list, all, healthyOnes, available, healthy, ejected, panic, primaryShare, expiring, nextExpiry);
        logChanges(previous, next);
        return next;
    }

    private EndpointStats[] reconcile(List<Endpoint> list, long now) {
        Map<String, EndpointStats> previous = byAddress;
        Map<String, EndpointStats> next = new HashMap<>(list.size() * 2);
        List<EndpointStats> all = new ArrayList<>(list.size());
        for (Endpoint endpoint : list) {
            String address = endpoint.address();
            if (next.containsKey(address)) {
                continue; // listed twice: one set of statistics, one share
            }
            EndpointStats stats = previous.get(address);
            if (stats == null) {
                stats = new EndpointStats(endpoint, now);
                EndpointStats older = carryOver == null ? null : carryOver.byAddressForCarryOver(address);
                if (older != null) {
                    stats.copyFrom(older, outlier != null);
                }
            } else {
                recordsChanged |= stats.endpoint(endpoint);
            }
            next.put(address, stats);
            all.add(stats);
        }
        if (outlier != null) {
            for (Map.Entry<String, EndpointStats> gone : previous.entrySet()) {
                if (!next.containsKey(gone.getKey())) {
                    outlier.forget(gone.getValue().ejection(), gone.getKey(), now);
                }
            }
        }
        byAddress = next;
        carryOver = null;
        return all.isEmpty() ? NONE : all.toArray(NONE);
    }

    private EndpointStats byAddressForCarryOver(String address) {
        lock.lock();
        try {
            return byAddress.get(address);
        } finally {
            lock.unlock();
        }
    }

    private void logChanges(Snapshot before, Snapshot after) {
        if (after.panic && !before.panic) {
            log.info(
                    "upstream '{}': {} of {} endpoints healthy, below the panic threshold of {}%: balancing over"
                            + " all of them{}",
                    name,
                    after.healthy,
                    after.all.length,
                    panicThreshold,
                    failover != null ? " unless failover '" + failover.name + "' can take the traffic" : "");
        } else if (before.panic && !after.panic && after.all.length > 0) {
            log.info(
                    "upstream '{}': {} of {} endpoints healthy: left panic mode",
                    name,
                    after.healthy,
                    after.all.length);
        }
        UpstreamPool next = failover;
        if (next != null && before != Snapshot.EMPTY) {
            if (after.primaryShare != before.primaryShare && after.primaryShare < SHARE_SCALE) {
                log.info(
                        "upstream '{}': {} of {} endpoints healthy: {}% of attempts fail over to '{}'",
                        name,
                        after.healthy,
                        after.all.length,
                        Math.round(100.0 - 100.0 * after.primaryShare / SHARE_SCALE),
                        next.name);
            } else if (after.primaryShare == SHARE_SCALE && before.primaryShare < SHARE_SCALE) {
                log.info(
                        "upstream '{}': {} of {} endpoints healthy: all traffic back from '{}'",
                        name,
                        after.healthy,
                        after.all.length,
                        next.name);
            }
        }
    }

    /** What acquire reads: immutable. */
    private static final class Snapshot {
        static final Snapshot EMPTY = new Snapshot(null, NONE, NONE, NONE, 0, 0, false, 0, false, 0);

        final List<Endpoint> source;
        final EndpointStats[] all;
        /** Neither ejected nor unhealthy. */
        final EndpointStats[] healthyOnes;
        /** What the balancer picks from without failover: the healthy ones, or all in panic mode. */
        final EndpointStats[] available;

        final int healthy;
        final int ejected;
        final boolean panic;
        /** Of SHARE_SCALE, the attempts the primary keeps when a failover could take the rest. */
        final int primaryShare;

        final boolean expiring;
        final long nextExpiry;

        Snapshot(
                List<Endpoint> source,
                EndpointStats[] all,
                EndpointStats[] healthyOnes,
                EndpointStats[] available,
                int healthy,
                int ejected,
                boolean panic,
                int primaryShare,
                boolean expiring,
                long nextExpiry) {
            this.source = source;
            this.all = all;
            this.healthyOnes = healthyOnes;
            this.available = available;
            this.healthy = healthy;
            this.ejected = ejected;
            this.panic = panic;
            this.primaryShare = primaryShare;
            this.expiring = expiring;
            this.nextExpiry = nextExpiry;
        }
    }

    /** Builds an {@link UpstreamPool}. */
    public static final class Builder {
        private final String name;
        private final EndpointSet endpoints;
        private Balancer balancer;
        private LongSupplier clock = System::nanoTime;
        private OutlierDetector outlier;
        private int panicThreshold = DEFAULT_PANIC_THRESHOLD;
        private UpstreamPool carryOver;
        private RandomGenerator random;
        private AttemptRecorder recorder = AttemptRecorder.NONE;
        private UpstreamClient client;

        private Builder(String name, EndpointSet endpoints) {
            this.name = name;
            this.endpoints = endpoints;
        }

        /** The balancer, one instance per pool (default {@link PeakEwmaBalancer}). */
        public Builder balancer(Balancer balancer) {
            this.balancer = balancer;
            return this;
        }

        /** The clock in nanoseconds (default {@link System#nanoTime()}); tests pass a virtual one. */
        public Builder clock(LongSupplier nanoClock) {
            this.clock = nanoClock;
            return this;
        }

        /** Turns on passive outlier detection with this policy (off by default). */
        public Builder outlierDetection(OutlierPolicy policy, OutlierListener listener) {
            this.outlier = policy == null ? null : new OutlierDetector(name, policy, listener);
            return this;
        }

        /** Panic below this percent of healthy endpoints, 0..100 (default 50; 0 never panics). */
        public Builder panicThreshold(int percent) {
            if (percent < 0 || percent > 100) {
                throw new IllegalArgumentException("panic threshold must be 0..100 percent, was " + percent);
            }
            this.panicThreshold = percent;
            return this;
        }

        /**
         * Starts from what the previous configuration's pool of this upstream learnt (latency estimates,
         * ejections, health verdicts) for the addresses both have; in-flight counts are not copied (the
         * old leases release the old statistics).
         */
        public Builder carryOver(UpstreamPool previous) {
            this.carryOver = previous;
            return this;
        }

        /**
         * The random source of the failover split (default: each calling thread's {@link
         * ThreadLocalRandom}); tests pass a seeded one.
         */
        public Builder random(RandomGenerator random) {
            this.random = random;
            return this;
        }

        /**
         * Where the pool's attempts are recorded as they end (default {@link AttemptRecorder#NONE});
         * one recorder per upstream, shared by the pools of successive configurations.
         */
        public Builder recorder(AttemptRecorder recorder) {
            this.recorder = recorder == null ? AttemptRecorder.NONE : recorder;
            return this;
        }

        /** The upstream's own HTTP client (TLS, h2c, h2); default null: the gateway's shared client. */
        public Builder client(UpstreamClient client) {
            this.client = client;
            return this;
        }

        public UpstreamPool build() {
            return new UpstreamPool(this);
        }
    }
}
