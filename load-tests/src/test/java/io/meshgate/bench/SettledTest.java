package io.meshgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SettledTest {

    @Test
    void aTwoSlicePlateauDuringJitWarmUpIsNotSettled() {
        assertThat(Comparison.settled(List.of(800.0, 1400.0, 2300.0, 2300.0))).isFalse();
    }

    @Test
    void threeSlicesWithinFivePercentAreSettled() {
        assertThat(Comparison.settled(List.of(1500.0, 11_600.0, 12_000.0, 11_800.0)))
                .isTrue();
        assertThat(Comparison.settled(List.of(10_000.0, 12_000.0, 11_900.0))).isFalse();
    }
}
