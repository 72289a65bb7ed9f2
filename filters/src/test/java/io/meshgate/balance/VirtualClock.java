package io.meshgate.balance;

import java.time.Duration;
import java.util.function.LongSupplier;

/** A nanosecond clock that moves only when a test moves it. Starts far from zero, as nanoTime may. */
public final class VirtualClock implements LongSupplier {

    private long now = 1_000_000_000_000L;

    @Override
    public long getAsLong() {
        return now;
    }

    public void advance(Duration by) {
        now += by.toNanos();
    }

    public void advanceNanos(long nanos) {
        now += nanos;
    }

    public void set(long nanos) {
        now = nanos;
    }
}
