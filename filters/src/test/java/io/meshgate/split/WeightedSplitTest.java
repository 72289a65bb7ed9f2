package io.meshgate.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightedSplitTest {

    record Entry(String name, int weight) {}

    @Test
    void everyPointMapsToTheChoiceOwningItsShare() {
        WeightedSplit<String> split =
                WeightedSplit.of(List.of(new Entry("a", 3), new Entry("b", 1)), Entry::name, Entry::weight);
        Map<String, Integer> counts = new HashMap<>();
        for (int point = 0; point < split.total(); point++) {
            counts.merge(split.pick(point), 1, Integer::sum);
        }
        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("a", 3, "b", 1));
    }

    @Test
    void zeroWeightChoicesAreNeverPicked() {
        WeightedSplit<String> split =
                WeightedSplit.of(List.of(new Entry("a", 0), new Entry("b", 2)), Entry::name, Entry::weight);
        for (int i = 0; i < 1000; i++) {
            assertThat(split.pick()).isEqualTo("b");
        }
    }

    @Test
    void twoEntriesMayNameTheSameChoice() {
        WeightedSplit<String> split =
                WeightedSplit.of(List.of(new Entry("a", 1), new Entry("a", 1)), Entry::name, Entry::weight);
        assertThat(split.pick(0)).isEqualTo("a");
        assertThat(split.pick(1)).isEqualTo("a");
    }

    @Test
    void randomPicksFollowTheWeights() {
        WeightedSplit<String> split =
                WeightedSplit.of(List.of(new Entry("a", 9), new Entry("b", 1)), Entry::name, Entry::weight);
        int b = 0;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            if (split.pick().equals("b")) {
                b++;
            }
        }
        // 10% expected; 5 standard deviations is 0.47 percentage points.
        assertThat(b / (double) n).isBetween(0.095, 0.105);
    }

    @Test
    void rejectsWeightsThatSumToZeroOrAreNegative() {
        assertThatThrownBy(() -> WeightedSplit.of(List.of(new Entry("a", 0)), Entry::name, Entry::weight))
                .hasMessageContaining("sum to 0");
        assertThatThrownBy(() -> WeightedSplit.of(List.of(new Entry("a", -1)), Entry::name, Entry::weight))
                .hasMessageContaining("negative");
    }
}
