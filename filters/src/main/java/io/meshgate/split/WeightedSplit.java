package io.meshgate.split;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Picks one of several choices at random in proportion to their weights, as Envoy's weighted
 * clusters do. The cumulative weight table is built once; a pick is one random number and a scan.
 *
 * @param <T> the kind of choice (an upstream, for a route's backends)
 */
public final class WeightedSplit<T> {

    private final Object[] choices;
    private final int[] cumulative;
    private final int total;

    private WeightedSplit(Object[] choices, int[] cumulative, int total) {
        this.choices = choices;
        this.cumulative = cumulative;
        this.total = total;
    }

    /**
     * Builds a split over choices that are their own weighted entries.
     *
     * @throws IllegalArgumentException if a weight is negative or all are 0
     */
    public static <T> WeightedSplit<T> of(List<T> choices, ToIntFunction<T> weight) {
        return of(choices, Function.identity(), weight);
    }

    /**
     * Builds a split from entries (such as a route's backends) that each name a choice and a weight.
     * Entries of weight 0 are never picked; two entries may name the same choice.
     *
     * @throws IllegalArgumentException if a weight is negative or all are 0
     */
    public static <E, T> WeightedSplit<T> of(List<E> entries, Function<E, T> choice, ToIntFunction<E> weight) {
        Object[] kept = new Object[entries.size()];
        int[] cumulative = new int[entries.size()];
        int count = 0;
        long total = 0;
        for (E entry : entries) {
            int w = weight.applyAsInt(entry);
            if (w < 0) {
                throw new IllegalArgumentException("negative weight " + w);
            }
            if (w == 0) {
                continue;
            }
            total += w;
            if (total > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("weights sum to more than " + Integer.MAX_VALUE);
            }
            kept[count] = choice.apply(entry);
            cumulative[count] = (int) total;
            count++;
        }
        if (total == 0) {
            throw new IllegalArgumentException("weights sum to 0");
        }
        return new WeightedSplit<>(
                java.util.Arrays.copyOf(kept, count), java.util.Arrays.copyOf(cumulative, count), (int) total);
    }

    /** Picks a choice using the calling thread's random source. */
    public T pick() {
        return choices.length == 1
                ? choice(0)
                : pick(ThreadLocalRandom.current().nextInt(total));
    }

    /** Picks the choice for a point in {@code [0, total)}: testable without randomness. */
    public T pick(int point) {
        // Few backends per route: a linear scan beats a binary search here.
        for (int i = 0; i < cumulative.length; i++) {
            if (point < cumulative[i]) {
                return choice(i);
            }
        }
        throw new IllegalArgumentException("point " + point + " outside [0, " + total + ")");
    }

    /** The choices with a weight above 0, in order. */
    @SuppressWarnings("unchecked")
    public java.util.List<T> choices() {
        return (java.util.List<T>) java.util.List.of(choices);
    }

    public int total() {
        return total;
    }

    @SuppressWarnings("unchecked")
    private T choice(int index) {
        return (T) choices[index];
    }
}
