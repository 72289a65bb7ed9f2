package io.meshgate.retry;

import io.meshgate.config.RetryBudgetPolicy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * How many retries an upstream may take now, as Linkerd's retry budget: every request deposits,
 * every retry withdraws, and a retry is allowed while the retries of the last {@code window} stay
 * below {@code percent} of its requests plus {@code minPerSecond × window}. When a whole upstream
 * fails, retries therefore add at most that share to its load instead of multiplying it.
 *
 * <p><b>Window</b>: {@value #SLOTS} slots of {@code window / SLOTS} each in two ring arrays (requests,
 * retries). A slot's value packs the slot's number (its epoch) in the high 32 bits and its count in
 * the low 32, so a thread that finds a stale slot resets and counts in one compare-and-set: no lock,
 * no lost counts. The window seen is between {@code window × (SLOTS-1)/SLOTS} and {@code window}
 * long.
 *
 * <p><b>Cost</b>: {@link #deposit()} (every request) is one clock read and usually one CAS, no
 * allocation. {@link #tryWithdraw()} (only when an attempt failed and could be retried) sums the
 * {@value #SLOTS} slots of both arrays. Check and withdrawal are not one atomic step: under
 * concurrent failures a few retries more than the budget may pass, never a multiple of it.
 */
public final class RetryBudget {

    /** Slots per window. */
    static final int SLOTS = 20;

    private static final long COUNT_MASK = 0xFFFF_FFFFL;

    private final int percent;
    private final int minPerSecond;
    private final long windowNanos;
    private final long slotNanos;
    private final LongSupplier clock;
    private final AtomicLongArray requests = new AtomicLongArray(SLOTS);
    private final AtomicLongArray retries = new AtomicLongArray(SLOTS);
    // minPerSecond × window, × 100 to compare with percent × requests in whole numbers
    private final long reserveHundredths;
    private final LongAdder withdrawn = new LongAdder();
    private final LongAdder exhausted = new LongAdder();

    /** A budget from the route file's policy, on {@link System#nanoTime()}. */
    public RetryBudget(RetryBudgetPolicy policy) {
        this(policy.percent(), policy.minPerSecond(), policy.window(), System::nanoTime);
    }

    /**
     * @param percent retries allowed per 100 requests of the window, 0 or more
     * @param minPerSecond retries allowed per second whatever the volume, 0 or more
     * @param window how far back requests and retries count, at least {@value #SLOTS} nanoseconds
     * @param nanoClock the clock; tests pass a virtual one
     */
    public RetryBudget(int percent, int minPerSecond, Duration window, LongSupplier nanoClock) {
        if (percent < 0 || minPerSecond < 0 || window.toNanos() < SLOTS) {
            throw new IllegalArgumentException("retry budget needs percent >= 0, minPerSecond >= 0 and a window, got "
                    + percent + ", " + minPerSecond + ", " + window);
        }
        this.percent = percent;
        this.minPerSecond = minPerSecond;
        this.windowNanos = window.toNanos();
        this.slotNanos = windowNanos / SLOTS;
        this.clock = nanoClock;
        this.reserveHundredths = Math.round(minPerSecond * (windowNanos / 1e9) * 100);
        long now = slot(nanoClock.getAsLong());
        // Start every slot stale (epoch older than the window) so the first window counts nothing old.
        for (int i = 0; i < SLOTS; i++) {
            long epoch = (now - SLOTS - 1) & COUNT_MASK;
            requests.set(i, epoch << 32);
            retries.set(i, epoch << 32);
        }
    }

    /** Counts one request (not a retry). Call it once per request, when its first attempt starts. */
    public void deposit() {
        add(requests, slot(clock.getAsLong()));
    }

    /**
     * Takes one retry from the budget if there is one.
     *
     * @return true if the retry may go ahead (it is counted), false if the budget is spent (counted in
     *     {@link #exhausted()}); the caller then returns the failure to the client as it is
     */
    public boolean tryWithdraw() {
        long now = slot(clock.getAsLong());
        long recentRequests = sum(requests, now);
        long recentRetries = sum(retries, now);
        if (recentRetries * 100 >= recentRequests * percent + reserveHundredths) {
            exhausted.increment();
            return false;
        }
        add(retries, now);
        withdrawn.increment();
        return true;
    }

    /** Retries the budget would allow now (for the admin view and tests). */
    public long available() {
        long now = slot(clock.getAsLong());
        long allowedHundredths = sum(requests, now) * percent + reserveHundredths;
        return Math.max(0, allowedHundredths / 100 - sum(retries, now));
    }

    /** Retries allowed since the budget was made. */
    public LongAdder withdrawn() {
        return withdrawn;
    }

    /** Retries refused since the budget was made: failures that went to the client as they were. */
    public LongAdder exhausted() {
        return exhausted;
    }

    public int percent() {
        return percent;
    }

    public int minPerSecond() {
        return minPerSecond;
    }

    public Duration window() {
        return Duration.ofNanos(windowNanos);
    }

    private long slot(long nanos) {
        return Math.floorDiv(nanos, slotNanos);
    }

    private static void add(AtomicLongArray ring, long slot) {
        int i = (int) Math.floorMod(slot, (long) SLOTS);
        long epoch = slot & COUNT_MASK;
        while (true) {
            long current = ring.get(i);
            long next = (current >>> 32) == epoch ? current + 1 : (epoch << 32) | 1;
            if ((next & COUNT_MASK) == 0) {
                return; // 2^32 in one slot: saturate rather than wrap into the epoch
            }
            if (ring.compareAndSet(i, current, next)) {
                return;
            }
        }
    }

    /** The counts of the slots within the window ending at {@code slot}. */
    private static long sum(AtomicLongArray ring, long slot) {
        long total = 0;
        for (int i = 0; i < SLOTS; i++) {
            long value = ring.get(i);
            long age = ((slot & COUNT_MASK) - (value >>> 32)) & COUNT_MASK;
            if (age < SLOTS) {
                total += value & COUNT_MASK;
            }
        }
        return total;
    }

    @Override
    public String toString() {
        return "RetryBudget[" + percent + "% + " + minPerSecond + "/s over " + window() + ", " + available()
                + " available]";
    }
}
