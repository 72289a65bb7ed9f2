package io.meshgate.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.meshgate.config.RetryPolicy;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final long MS = 1_000_000L;

    /** Always draws the largest value allowed: shows the cap. */
    private static final RandomGenerator HIGHEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    @Test
    void theCapDoublesFromBaseUntilMax() {
        Backoff backoff = new Backoff(Duration.ofMillis(25), Duration.ofMillis(250), HIGHEST);
        assertThat(backoff.delayNanos(1)).isEqualTo(25 * MS);
        assertThat(backoff.delayNanos(2)).isEqualTo(50 * MS);
        assertThat(backoff.delayNanos(3)).isEqualTo(100 * MS);
        assertThat(backoff.delayNanos(4)).isEqualTo(200 * MS);
        assertThat(backoff.delayNanos(5)).isEqualTo(250 * MS);
        assertThat(backoff.delayNanos(1_000)).isEqualTo(250 * MS);
        assertThat(backoff.capNanos(Integer.MAX_VALUE)).isEqualTo(250 * MS);
    }

    @Test
    void fullJitterSpreadsDelaysUniformlyFromZeroToTheCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(100), new SplittableRandom(7));
        int samples = 100_000;
        int[] tenths = new int[10];
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < samples; i++) {
            long delay = backoff.delayNanos(1);
            min = Math.min(min, delay);
            max = Math.max(max, delay);
            tenths[(int) Math.min(9, delay / (10 * MS))]++;
        }
        assertThat(min).isGreaterThanOrEqualTo(0).isLessThan(MS);
        assertThat(max).isLessThanOrEqualTo(100 * MS).isGreaterThan(99 * MS);
        for (int count : tenths) {
            assertThat(count).as("each tenth of the range gets about a tenth").isBetween(9_500, 10_500);
        }
    }

    @Test
    void aZeroBaseNeverWaits() {
        Backoff backoff = new Backoff(Duration.ZERO, Duration.ZERO, new SplittableRandom(1));
        assertThat(backoff.delay(3)).isZero();
    }

    @Test
    void followsTheRoutePolicy() {
        Backoff backoff = Backoff.of(RetryPolicy.DEFAULT);
        assertThat(backoff.capNanos(1)).isEqualTo(25 * MS);
        assertThat(backoff.capNanos(9)).isEqualTo(250 * MS);
        assertThat(backoff.delay(2)).isBetween(Duration.ZERO, Duration.ofMillis(50));
    }

    @Test
    void refusesAMaxBelowTheBaseAndRetryZero() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Backoff(Duration.ofMillis(2), Duration.ofMillis(1), null));
        Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofMillis(2), null);
        assertThatIllegalArgumentException().isThrownBy(() -> backoff.delayNanos(0));
    }
}
