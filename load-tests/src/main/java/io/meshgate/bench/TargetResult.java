package io.meshgate.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A target's result at one connection count: medians over its interleaved rounds, summed errors,
 * peak RSS. Ratios are taken between these medians.
 *
 * @param spec the target
 * @param connections keep-alive connections
 * @param rps median requests per second
 * @param minRps slowest round
 * @param maxRps fastest round
 * @param p50Ms median of the rounds' p50 latency
 * @param p99Ms median of the rounds' p99 latency
 * @param errors errors of all rounds
 * @param errorDetail the errors by kind
 * @param peakRssKib highest RSS sampled during the measured runs, -1 for {@code direct}
 * @param cpuPercent median CPU use of the proxy process during a run (100 = one core busy)
 * @param rounds how many rounds ran
 */
record TargetResult(
        TargetSpec spec,
        int connections,
        double rps,
        double minRps,
        double maxRps,
        double p50Ms,
        double p99Ms,
        long errors,
        String errorDetail,
        long peakRssKib,
        double cpuPercent,
        int rounds) {

    static Optional<TargetResult> of(TargetSpec spec, int connections, List<Comparison.Run> allRuns) {
        List<Comparison.Run> runs = allRuns.stream()
                .filter(r -> r.target().equals(spec.name()) && r.connections() == connections)
                .toList();
        if (runs.isEmpty()) {
            return Optional.empty();
        }
        List<Double> rps = runs.stream().map(r -> r.wrk().requestsPerSecond()).toList();
        List<String> details = runs.stream()
                .map(r -> r.wrk().errors().describe())
                .filter(d -> !d.isEmpty())
                .toList();
        return Optional.of(new TargetResult(
                spec,
                connections,
                median(rps),
                Collections.min(rps),
                Collections.max(rps),
                median(runs.stream()
                        .map(r -> r.wrk().latencyUs().p50() / 1000.0)
                        .toList()),
                median(runs.stream()
                        .map(r -> r.wrk().latencyUs().p99() / 1000.0)
                        .toList()),
                runs.stream().mapToLong(r -> r.wrk().errors().total()).sum(),
                String.join("; ", details),
                runs.stream().mapToLong(Comparison.Run::peakRssKib).max().orElse(-1),
                median(runs.stream().map(Comparison.Run::cpuPercent).toList()),
                runs.size()));
    }

    /** Median; the mean of the middle two for an even count. NaN when empty or all NaN. */
    static double median(List<Double> values) {
        List<Double> sorted =
                new ArrayList<>(values.stream().filter(v -> !v.isNaN()).toList());
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Spread of the rounds: (fastest - slowest) / median. */
    double spread() {
        return rps == 0 ? 0 : (maxRps - minRps) / rps;
    }
}
